// Package projector feeds the read models of package projections from the
// JetStream stream: each follows the stream in order from its checkpoint
// with an ordered consumer and applies one commit at a time.
package projector

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	gojson "github.com/goccy/go-json"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/eventstore"
)

// Applier receives commits in stream order.
type Applier interface {
	Apply(seq uint64, c event.Commit)
}

// Follower feeds an Applier from the stream until stopped.
type Follower struct {
	cons    jetstream.Consumer
	cc      jetstream.ConsumeContext
	applied atomic.Uint64
	once    sync.Once

	infoMu sync.Mutex
	info   *infoCall
}

// infoCall is one consumer Info request shared by everyone waiting for it.
type infoCall struct {
	done chan struct{}
	info *jetstream.ConsumerInfo
	err  error
}

// Follow starts delivering commits on subjects matching filters, from stream
// sequence from (1 for everything), to a. Decoding failures are logged and
// skipped so that one bad message cannot stop every read model.
func Follow(ctx context.Context, js jetstream.JetStream, filters []string, from uint64, a Applier, log *slog.Logger) (*Follower, error) {
	stream, err := js.Stream(ctx, eventstore.StreamName)
	if err != nil {
		return nil, fmt.Errorf("follow: stream: %w", err)
	}
	if from == 0 {
		from = 1
	}
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		FilterSubjects: filters,
		DeliverPolicy:  jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:    from,
	})
	if err != nil {
		return nil, fmt.Errorf("follow: consumer: %w", err)
	}
	f := &Follower{cons: cons}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		meta, err := m.Metadata()
		if err != nil {
			log.Error("projection: message without metadata", "err", err)
			return
		}
		var c event.Commit
		if err := gojson.Unmarshal(m.Data(), &c); err != nil {
			log.Error("projection: undecodable commit", "seq", meta.Sequence.Stream, "err", err)
			return
		}
		if err := c.Decode(meta.Sequence.Stream); err != nil {
			log.Error("projection: undecodable event", "seq", meta.Sequence.Stream, "err", err)
			return
		}
		a.Apply(meta.Sequence.Stream, c)
		f.applied.Store(meta.Sequence.Stream)
	}, jetstream.PullMaxMessages(1024))
	if err != nil {
		return nil, fmt.Errorf("follow: consume: %w", err)
	}
	f.cc = cc
	return f, nil
}

// Lag is how many matching messages the follower has yet to apply.
//
// nats.go's ordered consumer holds a lock while it recreates itself after
// losing its server, and Info waits on that lock whatever the context says.
// So Info runs in the background, one call at a time, and Lag gives up with
// ctx: a readiness probe answers "not ready" instead of hanging.
func (f *Follower) Lag(ctx context.Context) (uint64, error) {
	f.infoMu.Lock()
	call := f.info
	if call == nil {
		call = &infoCall{done: make(chan struct{})}
		f.info = call
		go func() {
			ictx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			call.info, call.err = f.cons.Info(ictx)
			close(call.done)
			f.infoMu.Lock()
			f.info = nil
			f.infoMu.Unlock()
		}()
	}
	f.infoMu.Unlock()
	select {
	case <-call.done:
	case <-ctx.Done():
		return 0, fmt.Errorf("follower lag: the consumer does not answer: %w", ctx.Err())
	}
	info, err := call.info, call.err
	if err != nil {
		return 0, fmt.Errorf("follower lag: %w", err)
	}
	lag := info.NumPending
	if d := info.Delivered.Stream; d > f.applied.Load() {
		lag++ // delivered, not yet applied
	}
	return lag, nil
}

// WaitCaughtUp blocks until everything stored when it was called is applied.
func (f *Follower) WaitCaughtUp(ctx context.Context) error {
	for {
		lag, err := f.Lag(ctx)
		if err == nil && lag == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("catching up (lag %d): %w", lag, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Stop ends delivery.
func (f *Follower) Stop() { f.once.Do(f.cc.Stop) }
