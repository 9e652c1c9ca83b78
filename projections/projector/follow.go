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
)

// Applier receives commits in stream order.
type Applier interface {
	Apply(seq uint64, c event.Commit)
}

// Follower feeds an Applier from the stream until stopped.
type Follower struct {
	js      jetstream.JetStream
	filters []string
	c       *consumer
	applied atomic.Uint64
	once    sync.Once
}

// Follow starts delivering commits on subjects matching filters, from stream
// sequence from (1 for everything), to a. Decoding failures are logged and
// skipped so that one bad message cannot stop every read model.
func Follow(ctx context.Context, js jetstream.JetStream, filters []string, from uint64, a Applier, log *slog.Logger) (*Follower, error) {
	f := &Follower{js: js, filters: filters}
	c, err := consume(ctx, js, filters, from, func(seq uint64, m jetstream.Msg) {
		var c event.Commit
		if err := gojson.Unmarshal(m.Data(), &c); err != nil {
			log.Error("projection: undecodable commit", "seq", seq, "err", err)
		} else if err := c.Decode(seq); err != nil {
			log.Error("projection: undecodable event", "seq", seq, "err", err)
		} else {
			a.Apply(seq, c)
		}
		f.applied.Store(seq)
	}, log, jetstream.PullMaxMessages(1024))
	if err != nil {
		return nil, fmt.Errorf("follow: %w", err)
	}
	f.c = c
	return f, nil
}

// Lag is how many stream sequences the follower's last matching message is
// ahead of what it has applied (0 when caught up). It asks the stream, not
// the consumer, so it answers even while the consumer is being replaced.
func (f *Follower) Lag(ctx context.Context) (uint64, error) {
	last, err := lastSeqOn(ctx, f.js, f.filters)
	if err != nil {
		return 0, fmt.Errorf("follower lag: %w", err)
	}
	if applied := f.applied.Load(); last > applied {
		return last - applied, nil
	}
	return 0, nil
}

// WaitCaughtUp blocks until everything stored when it was called is applied.
func (f *Follower) WaitCaughtUp(ctx context.Context) error {
	target, err := lastSeqOn(ctx, f.js, f.filters)
	if err != nil {
		return fmt.Errorf("catching up: %w", err)
	}
	for f.applied.Load() < target {
		select {
		case <-ctx.Done():
			return fmt.Errorf("catching up (at %d of %d): %w", f.applied.Load(), target, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

// Stop ends delivery.
func (f *Follower) Stop() { f.once.Do(f.c.Stop) }
