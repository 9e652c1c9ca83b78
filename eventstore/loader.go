package eventstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/nats-io/nats.go"

	"github.com/sendcase/sendcase/eventlog"
)

// directBatch is how many messages one direct-get request asks for.
const directBatch = 512

// loader reads a subject's messages with batched direct gets. All requests
// share one wildcard inbox subscription, so a load costs one request and no
// subscription or consumer is created per load.
type loader struct {
	nc      *nats.Conn
	api     string
	prefix  string
	sub     *nats.Subscription
	next    atomic.Uint64
	mu      sync.Mutex
	waiting map[string]chan *nats.Msg
}

func newLoader(nc *nats.Conn, stream string) (*loader, error) {
	l := &loader{nc: nc, api: "$JS.API.DIRECT.GET." + stream, prefix: nc.NewRespInbox() + ".", waiting: map[string]chan *nats.Msg{}}
	sub, err := nc.Subscribe(l.prefix+"*", l.dispatch)
	if err != nil {
		return nil, fmt.Errorf("loader inbox: %w", err)
	}
	// Batches can be large; never drop them as a slow consumer.
	if err := sub.SetPendingLimits(-1, -1); err != nil {
		return nil, fmt.Errorf("loader inbox limits: %w", err)
	}
	l.sub = sub
	return l, nil
}

func (l *loader) close() { _ = l.sub.Unsubscribe() }

func (l *loader) dispatch(m *nats.Msg) {
	l.mu.Lock()
	ch := l.waiting[m.Subject]
	l.mu.Unlock()
	if ch != nil {
		ch <- m
	}
}

type directRequest struct {
	Seq     uint64 `json:"seq,omitempty"`
	NextFor string `json:"next_by_subj"`
	Batch   int    `json:"batch"`
}

// each calls fn for every message of subject from stream sequence from on.
func (l *loader) each(ctx context.Context, subject string, from uint64, fn func(seq uint64, data []byte) error) error {
	reply := l.prefix + strconv.FormatUint(l.next.Add(1), 36)
	ch := make(chan *nats.Msg, directBatch+2)
	l.mu.Lock()
	l.waiting[reply] = ch
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.waiting, reply)
		l.mu.Unlock()
	}()
	if from == 0 {
		from = 1
	}
	for {
		req, _ := json.Marshal(directRequest{Seq: from, NextFor: subject, Batch: directBatch})
		if err := l.nc.PublishRequest(l.api, reply, req); err != nil {
			return wrapUnavailable(err)
		}
		more, last, err := l.readBatch(ctx, ch, fn)
		if err != nil || !more {
			return err
		}
		from = last + 1
	}
}

// readBatch consumes one batch answer; more is true when the server stopped
// early (max bytes) and messages remain after last.
func (l *loader) readBatch(ctx context.Context, ch chan *nats.Msg, fn func(uint64, []byte) error) (more bool, last uint64, err error) {
	for {
		select {
		case <-ctx.Done():
			return false, 0, fmt.Errorf("%w: direct get: %w", eventlog.ErrUnavailable, ctx.Err())
		case m := <-ch:
			switch m.Header.Get("Status") {
			case "404": // nothing (more) on this subject
				return false, last, nil
			case "204": // end of batch
				pending, _ := strconv.ParseUint(m.Header.Get("Nats-Num-Pending"), 10, 64)
				return pending > 0, last, nil
			case "":
			default:
				return false, 0, fmt.Errorf("direct get: status %s %s", m.Header.Get("Status"), m.Header.Get("Description"))
			}
			seq, err := strconv.ParseUint(m.Header.Get("Nats-Sequence"), 10, 64)
			if err != nil {
				return false, 0, fmt.Errorf("direct get: bad sequence header: %w", err)
			}
			if err := fn(seq, m.Data); err != nil {
				return false, 0, err
			}
			last = seq
		}
	}
}
