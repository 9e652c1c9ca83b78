package projector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/eventstore"
)

// Recovery timings. nats.go recreates an ordered consumer by itself after
// most faults, but after losing the server that hosted it, it retries with a
// back-off of up to 10 s per attempt, and 10 s more per attempt that hangs,
// holding the consumer's lock all along: a node's views then lag for a
// minute or more after the cluster has recovered. So each consumer here is
// watched and replaced when it stalls.
const (
	// watchEvery is how often a consumer is checked for a stall; a stall is
	// two checks in a row behind the stream with nothing delivered between.
	watchEvery = time.Second
	// createTimeout bounds creating a consumer.
	createTimeout = 5 * time.Second
	// maxResetAttempts bounds nats.go's own recovery of a consumer before
	// it reports the failure (and ours replaces it).
	maxResetAttempts = 2
)

// consumer delivers the stream's messages on filters (all when empty) to
// handle, in stream order and each once, from a sequence on. It owns an
// ordered consumer and replaces it with one starting after the last
// delivered message when nats.go reports that it failed to recover or when
// the consumer stalls: behind the stream, and nothing delivered.
type consumer struct {
	js      jetstream.JetStream
	filters []string
	handle  func(seq uint64, m jetstream.Msg)
	opts    []jetstream.PullConsumeOpt
	log     *slog.Logger

	deliverMu sync.Mutex    // one delivery at a time, across replaced consumers
	next      atomic.Uint64 // the next sequence wanted
	delivered atomic.Uint64 // deliveries so far, for the watch
	busy      atomic.Bool   // handle is running (it may block on back-pressure)
	kick      chan struct{}
	cancel    context.CancelFunc
	done      chan struct{}
}

// consume starts a consumer from sequence from (at least 1). It fails if
// the first ordered consumer cannot be made; later failures are retried
// until Stop.
func consume(ctx context.Context, js jetstream.JetStream, filters []string, from uint64, handle func(seq uint64, m jetstream.Msg), log *slog.Logger, opts ...jetstream.PullConsumeOpt) (*consumer, error) {
	c := &consumer{js: js, filters: filters, handle: handle, opts: opts, log: log, kick: make(chan struct{}, 1), done: make(chan struct{})}
	c.next.Store(max(from, 1))
	cc, err := c.start(ctx)
	if err != nil {
		return nil, err
	}
	wctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go c.watch(wctx, cc)
	return c, nil
}

// Stop ends delivery. An ordered consumer is stopped without waiting (see
// stopAside), so handle may still be called once more as Stop returns:
// handlers must not block after their own context ends.
func (c *consumer) Stop() {
	c.cancel()
	<-c.done
}

func (c *consumer) start(ctx context.Context) (jetstream.ConsumeContext, error) {
	ctx, cancel := context.WithTimeout(ctx, createTimeout)
	defer cancel()
	stream, err := c.js.Stream(ctx, eventstore.StreamName)
	if err != nil {
		return nil, fmt.Errorf("consumer: stream: %w", err)
	}
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		FilterSubjects:   c.filters,
		DeliverPolicy:    jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:      c.next.Load(),
		MaxResetAttempts: maxResetAttempts,
	})
	if err != nil {
		return nil, fmt.Errorf("consumer: create: %w", err)
	}
	cc, err := cons.Consume(c.deliver, append(c.opts, jetstream.ConsumeErrHandler(c.failed))...)
	if err != nil {
		return nil, fmt.Errorf("consumer: consume: %w", err)
	}
	return cc, nil
}

func (c *consumer) deliver(m jetstream.Msg) {
	meta, err := m.Metadata()
	if err != nil {
		c.log.Error("projection: message without metadata", "err", err)
		return
	}
	seq := meta.Sequence.Stream
	c.deliverMu.Lock()
	defer c.deliverMu.Unlock()
	if seq < c.next.Load() {
		return // delivered already, by the consumer this one replaced
	}
	c.busy.Store(true)
	c.handle(seq, m)
	c.busy.Store(false)
	c.next.Store(seq + 1)
	c.delivered.Add(1)
}

// failed hears nats.go's errors. A missed heartbeat it recovers from by
// itself; anything else (its recovery gave up, the consumer was deleted)
// makes the watch replace the consumer at once.
func (c *consumer) failed(_ jetstream.ConsumeContext, err error) {
	if errors.Is(err, jetstream.ErrNoHeartbeat) {
		return
	}
	c.log.Warn("projection: stream consumer failed; replacing it", "next", c.next.Load(), "err", err)
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *consumer) watch(ctx context.Context, cc jetstream.ConsumeContext) {
	defer close(c.done)
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	var wasBehind bool
	var seen uint64
	for {
		select {
		case <-ctx.Done():
			stopAside(cc)
			return
		case <-c.kick:
		case <-t.C:
			behind, err := c.behind(ctx)
			count := c.delivered.Load()
			stalled := err == nil && behind && wasBehind && count == seen && !c.busy.Load()
			wasBehind, seen = err == nil && behind, count
			if !stalled {
				continue
			}
			c.log.Warn("projection: stream consumer stalled; replacing it", "next", c.next.Load())
		}
		stopAside(cc)
		wait := 250 * time.Millisecond
		for {
			next, err := c.start(ctx)
			if err == nil {
				cc = next
				break
			}
			if ctx.Err() != nil {
				return
			}
			c.log.Warn("projection: replacing the stream consumer", "next", c.next.Load(), "retry_in", wait, "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = min(2*wait, 2*time.Second)
		}
		wasBehind = false
	}
}

// stopAside stops an ordered consumer without waiting: nats.go's Stop can
// wait on the lock its recovery holds. Whatever it still delivers is
// dropped by deliver.
func stopAside(cc jetstream.ConsumeContext) { go cc.Stop() }

// behind reports whether the stream holds a message on the consumer's
// filters that it has not delivered.
func (c *consumer) behind(ctx context.Context) (bool, error) {
	last, err := lastSeqOn(ctx, c.js, c.filters)
	if err != nil {
		return false, err
	}
	return last >= c.next.Load(), nil
}

// lastSeqOn is the sequence of the stream's last message on any of
// filters (of the whole stream when there are none), 0 when there is none,
// as the stream's leader knows it: replicas answering direct gets may lag.
func lastSeqOn(ctx context.Context, js jetstream.JetStream, filters []string) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, createTimeout)
	defer cancel()
	if len(filters) == 0 {
		stream, err := js.Stream(ctx, eventstore.StreamName)
		if err != nil {
			return 0, err
		}
		info, err := stream.Info(ctx)
		if err != nil {
			return 0, err
		}
		return info.State.LastSeq, nil
	}
	var last uint64
	for _, f := range filters {
		req, err := json.Marshal(map[string]string{"last_by_subj": f})
		if err != nil {
			return 0, err
		}
		m, err := js.Conn().RequestWithContext(ctx, "$JS.API.STREAM.MSG.GET."+eventstore.StreamName, req)
		if err != nil {
			return 0, fmt.Errorf("last message on %s: %w", f, err)
		}
		var resp struct {
			Message *struct {
				Seq uint64 `json:"seq"`
			} `json:"message"`
			Error *struct {
				Code        int    `json:"code"`
				ErrCode     int    `json:"err_code"`
				Description string `json:"description"`
			} `json:"error"`
		}
		if err := json.Unmarshal(m.Data, &resp); err != nil {
			return 0, fmt.Errorf("last message on %s: %w", f, err)
		}
		switch {
		case resp.Error != nil && resp.Error.ErrCode == int(jetstream.JSErrCodeMessageNotFound):
		case resp.Error != nil:
			return 0, fmt.Errorf("last message on %s: %s", f, resp.Error.Description)
		case resp.Message != nil:
			last = max(last, resp.Message.Seq)
		}
	}
	return last, nil
}
