package projector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	gojson "github.com/goccy/go-json"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/gcbudget"
	"github.com/sendcase/sendcase/projections"
)

// Projector keeps a projections.Store up to date with the stream.
type Projector struct {
	js    jetstream.JetStream
	keys  *eventstore.Keyring
	store projections.Store
	log   *slog.Logger
	*projections.Progress
	unapplied atomic.Int64
	// BatchSize bounds the commits applied in one store transaction.
	BatchSize int
	// OnApplied, when set, is called after each batch with its first and
	// last sequence (tests use it).
	OnApplied func(first, last uint64)
	// commits and events count what was applied or written, for a
	// rebuild's rate (Applied).
	commits, events atomic.Int64
	// LongCatchUp is how many commits behind a catch-up is long: it
	// collects garbage against CatchUpMemory (see package gcbudget) and
	// defers a Deferrer store's writes, flushing every FlushEvery commits.
	// Below it, a catch-up is over before either matters.
	LongCatchUp uint64
	// CatchUpMemory is the heap a long catch-up collects against; 0 keeps
	// the usual pacing.
	CatchUpMemory int64
	// FlushEvery is how many commits a long catch-up defers between
	// writes; 0 or less applies batch by batch.
	FlushEvery int
}

// New returns a projector of es's whole stream into store.
func New(es *eventstore.Store, store projections.Store, log *slog.Logger) *Projector {
	return &Projector{js: es.JetStream(), keys: es.Keys(), store: store, log: log, Progress: projections.NewProgress(), BatchSize: 1000,
		LongCatchUp: 50_000, CatchUpMemory: gcbudget.Default, FlushEvery: 500_000}
}

// Store is the store the projector maintains.
func (p *Projector) Store() projections.Store { return p.store }

// CatchUp applies everything stored up to now and returns; `sendcase
// rebuild` and start-up use it.
func (p *Projector) CatchUp(ctx context.Context, progress func(applied, total uint64)) error {
	stream, err := p.js.Stream(ctx, eventstore.StreamName)
	if err != nil {
		return fmt.Errorf("catch up: %w", err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return fmt.Errorf("catch up: %w", err)
	}
	target := info.State.LastSeq
	cp, err := p.store.Checkpoint(ctx)
	if err != nil {
		return err
	}
	if err := p.countUnapplied(ctx); err != nil {
		return err
	}
	p.Advance(cp)
	if cp >= target {
		return nil
	}
	long := target-cp > p.LongCatchUp
	if long {
		defer gcbudget.Relax(p.CatchUpMemory)()
	}
	// Far behind, a store that can defer its writes writes once a flush
	// instead of once a batch. Should that fail for a reason that would
	// fail again (a commit refused, another process applying), what was
	// deferred is dropped and the catch-up goes on from the checkpoint a
	// transaction a batch, where a refused commit is skipped and recorded.
	d, _ := p.store.(projections.Deferrer)
	if !long || p.FlushEvery <= 0 {
		d = nil
	}
	for {
		err := p.followUntil(ctx, cp, target, progress, d)
		if d == nil || !errors.Is(err, errRedo) {
			return err
		}
		p.log.Warn("projector: deferred writes dropped; catching up a transaction a batch", "err", err)
		d = nil
		if cp, err = p.store.Checkpoint(ctx); err != nil {
			return err
		}
		if cp >= target {
			return nil
		}
	}
}

// followUntil runs follow to target, deferring writes to d when set.
func (p *Projector) followUntil(ctx context.Context, cp, target uint64, progress func(applied, total uint64), d projections.Deferrer) error {
	if d != nil {
		defer d.Drop() // the kept summaries are for this catch-up only
	}
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- p.follow(cctx, cp, target, progress, d) }()
	select {
	case err := <-errc:
		if errors.Is(err, errReached) {
			return nil
		}
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// errRedo wraps why deferred writes were dropped in a way trying again
// would not mend.
var errRedo = errors.New("deferred writes dropped")

var errReached = errors.New("target reached")

// Run applies events until ctx ends, resuming from the store's checkpoint
// after any failure (NATS or the database unavailable), and holding the
// lease first if the store is shared.
func (p *Projector) Run(ctx context.Context) {
	for ctx.Err() == nil {
		runCtx, release := ctx, func() {}
		if l, ok := p.store.(projections.Leaser); ok {
			stop := p.pollCheckpoint(ctx) // followers still track progress for min_seq
			lctx, rel, err := l.Lead(ctx)
			stop()
			if err != nil {
				if ctx.Err() == nil {
					p.log.Warn("projection lease", "err", err)
					sleep(ctx, time.Second)
				}
				continue
			}
			runCtx, release = lctx, rel
		}
		var err error
		if _, ok := p.store.(projections.Deferrer); ok {
			// Far behind (a new database, one a migration emptied), catch up
			// with the writes deferred first; then follow batch by batch.
			err = p.CatchUp(runCtx, nil)
		}
		var cp uint64
		if err == nil {
			cp, err = p.store.Checkpoint(runCtx)
		}
		if err == nil {
			err = p.countUnapplied(runCtx)
		}
		if err == nil {
			p.Advance(cp)
			err = p.follow(runCtx, cp, 0, nil, nil)
		}
		release()
		if ctx.Err() == nil {
			p.log.Warn("projection stopped; resuming from its checkpoint", "err", err)
			sleep(ctx, time.Second)
		}
	}
}

// pollCheckpoint advances Progress from the shared store while another
// process applies, until stop is called.
func (p *Projector) pollCheckpoint(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if cp, err := p.store.Checkpoint(ctx); err == nil {
				p.Advance(cp)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return cancel
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// follow consumes from after cp and applies batches until ctx ends, an
// error occurs, or (target > 0) target has been applied. With d set, the
// batches are deferred to it and flushed every p.FlushEvery commits and at
// target; Progress advances at each flush, when the rows are there.
func (p *Projector) follow(ctx context.Context, cp, target uint64, progress func(applied, total uint64), d projections.Deferrer) error {
	// Decoding is most of a rebuild's work, so it runs on every core; the
	// ordered queue hands the decoded commits to the applier in stream order.
	// Everything below stops on this context, cancelled when follow returns
	// for any reason, so the consumer's callback never blocks or sends into
	// a channel nobody reads.
	ctx, cancel := context.WithCancel(ctx)
	ordered := make(chan *pending, 4*p.BatchSize)
	work := make(chan *pending, 4*p.BatchSize)
	var decoders sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		decoders.Add(1)
		go func() {
			defer decoders.Done()
			for {
				select {
				case pd := <-work:
					pd.decode(ctx, p.keys, p.log)
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	cc, err := consume(ctx, p.js, nil, cp+1, func(seq uint64, m jetstream.Msg) {
		pd := &pending{data: m.Data(), done: make(chan struct{})}
		pd.item.Seq = seq
		select {
		case ordered <- pd:
		case <-ctx.Done():
			return
		}
		select {
		case work <- pd:
		case <-ctx.Done():
		}
	}, p.log, jetstream.PullMaxMessages(2*p.BatchSize))
	if err != nil {
		cancel()
		decoders.Wait()
		return fmt.Errorf("projector consume: %w", err)
	}
	defer func() {
		cancel()
		cc.Stop()
		decoders.Wait()
	}()
	batch := make([]projections.Item, 0, p.BatchSize)
	var since unflushed // with d: what was deferred since the last flush
	next := func(pd *pending) bool {
		select {
		case <-pd.done:
			if ctx.Err() != nil {
				// Decoding may have been cut short: apply nothing.
				return false
			}
			batch = append(batch, pd.item)
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case pd := <-ordered:
			batch = batch[:0]
			if !next(pd) {
				return ctx.Err()
			}
		drain:
			for len(batch) < p.BatchSize {
				select {
				case pd := <-ordered:
					if !next(pd) {
						return ctx.Err()
					}
				default:
					break drain
				}
			}
			first, last := batch[0].Seq, batch[len(batch)-1].Seq
			if d != nil {
				written, err := p.deferBatch(ctx, d, batch, target, &since)
				if err != nil {
					return err
				}
				if written == 0 {
					if progress != nil {
						progress(last, target) // folded, not written yet
					}
					continue
				}
				first = written
			} else if err := p.apply(ctx, batch); err != nil {
				return fmt.Errorf("apply up to %d: %w", last, err)
			} else {
				p.count(len(batch), eventsIn(batch))
			}
			p.Advance(last)
			if p.OnApplied != nil {
				p.OnApplied(first, last)
			}
			if progress != nil {
				progress(last, target)
			}
			if target > 0 && last >= target {
				return errReached
			}
		}
	}
}

// unflushed is what a deferred follow folded since its last flush.
type unflushed struct {
	first           uint64
	commits, events int
}

// deferBatch defers batch to d and flushes when p.FlushEvery commits are
// deferred or target is reached, answering the first commit the flush
// wrote (0: none written yet). An error that trying again would not mend
// wraps errRedo. Applied counts commits once they are written, so a
// deferred run that is dropped and done again counts them once.
func (p *Projector) deferBatch(ctx context.Context, d projections.Deferrer, batch []projections.Item, target uint64, since *unflushed) (uint64, error) {
	last := batch[len(batch)-1].Seq
	if err := d.ApplyDeferred(ctx, batch); err != nil {
		return 0, deferError("defer up to", last, err)
	}
	if since.commits == 0 {
		since.first = batch[0].Seq
	}
	since.commits += len(batch)
	since.events += eventsIn(batch)
	if since.commits < p.FlushEvery && last < target {
		return 0, nil
	}
	if err := d.Flush(ctx); err != nil {
		return 0, deferError("flush up to", last, err)
	}
	p.count(since.commits, since.events)
	first := since.first
	*since = unflushed{}
	return first, nil
}

func deferError(what string, seq uint64, err error) error {
	if errors.Is(err, projections.ErrRefused) || errors.Is(err, projections.ErrCheckpointMoved) {
		return fmt.Errorf("%s %d: %w: %w", what, seq, errRedo, err)
	}
	return fmt.Errorf("%s %d: %w", what, seq, err)
}

// apply applies batch. When the store refuses a commit of it (see
// projections.ErrRefused), the commits are applied one at a time and the
// refused one is recorded and skipped: it is logged, counted, and noted on
// its pupil's summary, and every other view goes on. Any other error is
// returned, and Run resumes from the checkpoint.
func (p *Projector) apply(ctx context.Context, batch []projections.Item) error {
	err := p.store.Apply(ctx, batch)
	if !errors.Is(err, projections.ErrRefused) {
		return err
	}
	for i := range batch {
		err := p.store.Apply(ctx, batch[i:i+1])
		if !errors.Is(err, projections.ErrRefused) {
			if err != nil {
				return err
			}
			continue
		}
		it := batch[i]
		if err := p.store.Skip(ctx, it, err.Error()); err != nil {
			return fmt.Errorf("record refused commit %d: %w", it.Seq, err)
		}
		p.unapplied.Add(1)
		p.log.Error("projector: the store refused a commit; recorded it and went on without it",
			"seq", it.Seq, "aggregate", it.Commit.Aggregate, "aggregate_id", it.Commit.AggregateID, "err", err)
	}
	return nil
}

// Applied is how many commits, and events in them, this projector has
// applied (or, deferred, written) since New: a rebuild's rate is reckoned
// from them.
func (p *Projector) Applied() (commits, events int64) { return p.commits.Load(), p.events.Load() }

// count adds to Applied.
func (p *Projector) count(commits, events int) {
	p.commits.Add(int64(commits))
	p.events.Add(int64(events))
}

// eventsIn is the number of events in batch's commits.
func eventsIn(batch []projections.Item) int {
	var n int
	for _, it := range batch {
		n += len(it.Commit.Events)
	}
	return n
}

// Unapplied is how many commits the store has refused (see apply), as of
// the last catch-up or run, for the alert metric.
func (p *Projector) Unapplied() int64 { return p.unapplied.Load() }

// countUnapplied reads the number of refused commits from the store, which
// keeps them across restarts.
func (p *Projector) countUnapplied(ctx context.Context) error {
	list, err := p.store.Unapplied(ctx)
	if err != nil {
		return err
	}
	p.unapplied.Store(int64(len(list)))
	return nil
}

// pending is a message being decoded.
type pending struct {
	data []byte
	item projections.Item
	done chan struct{}
}

// decode fills item from data. A commit that cannot be read is logged and
// applied as empty: it changes no view, and the stream moves on. A key that
// cannot be fetched for now is waited for instead: skipping the commit
// would leave the views wrong for good.
func (pd *pending) decode(ctx context.Context, keys *eventstore.Keyring, log *slog.Logger) {
	defer close(pd.done)
	err := gojson.Unmarshal(pd.data, &pd.item.Commit)
	for err == nil {
		err = keys.Decrypt(ctx, &pd.item.Commit)
		if !errors.Is(err, eventlog.ErrUnavailable) || ctx.Err() != nil {
			break
		}
		log.Warn("projector: waiting for a key", "seq", pd.item.Seq, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
		err = nil
	}
	if err == nil {
		err = pd.item.Commit.Decode(pd.item.Seq)
	}
	if err != nil && ctx.Err() == nil {
		log.Error("projector: undecodable commit skipped", "seq", pd.item.Seq, "err", err)
		pd.item.Commit = event.Commit{}
	}
	pd.data = nil
}

// Lag is how far the store is behind the stream.
func (p *Projector) Lag(ctx context.Context, store *eventstore.Store) (uint64, error) {
	last, err := store.LastSeq(ctx)
	if err != nil {
		return 0, err
	}
	if cur := p.Seq(); cur < last {
		return last - cur, nil
	}
	return 0, nil
}
