package pgstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/sendcase/sendcase/projections"
)

// keepDeferred bounds the summaries kept between flushes: past it they are
// let go at each Flush and read again as batches touch them.
const keepDeferred = 100_000

// deferred is what ApplyDeferred folded (projections.Deferrer). The
// summaries stay after a Flush, so that the next batches touching them do
// not read them back; written says, for each, how long its history was
// when it was last read or written, so a Flush writes a history only when
// it grew (sessions, most of the commits, add nothing to it).
type deferred struct {
	mu sync.Mutex
	deferredState
}

type deferredState struct {
	active    bool
	base      uint64 // the checkpoint the summaries are as of
	seq       uint64 // the last commit folded
	summaries map[string]*projections.Summary
	written   map[string]int // history length as stored; absent: not stored yet
	dirty     map[string]bool
}

// ApplyDeferred implements projections.Deferrer.
func (s *Store) ApplyDeferred(ctx context.Context, batch []projections.Item) (err error) {
	d := &s.deferred
	d.mu.Lock()
	defer d.mu.Unlock()
	defer func() {
		if err != nil {
			d.drop()
		}
	}()
	if !d.active {
		cp, err := s.Checkpoint(ctx)
		if err != nil {
			return err
		}
		d.deferredState = deferredState{active: true, base: cp, seq: cp, summaries: map[string]*projections.Summary{}, written: map[string]int{}, dirty: map[string]bool{}}
	}
	for len(batch) > 0 && batch[0].Seq <= d.seq {
		batch = batch[1:]
	}
	if len(batch) == 0 {
		return nil
	}
	loaded := map[string]*projections.Summary{}
	if err := s.loadInto(ctx, s.pool, pupilsOf(batch, d.summaries), loaded); err != nil {
		return err
	}
	for id, sm := range loaded {
		d.summaries[id], d.written[id] = sm, sm.History.Len()
	}
	get := func(id string) *projections.Summary {
		sm, ok := d.summaries[id]
		if !ok {
			sm = &projections.Summary{}
			d.summaries[id] = sm
		}
		d.dirty[id] = true
		return sm
	}
	if _, err := projections.ApplyToSummaries(batch, get); err != nil {
		return err // the summaries are part folded: all is dropped
	}
	d.seq = batch[len(batch)-1].Seq
	return nil
}

// Flush implements projections.Deferrer.
func (s *Store) Flush(ctx context.Context) (err error) {
	d := &s.deferred
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.active || d.seq == d.base {
		return nil
	}
	defer func() {
		if err != nil {
			d.drop()
		}
	}()
	dirty := make(map[string]*projections.Summary, len(d.dirty))
	for id := range d.dirty {
		dirty[id] = d.summaries[id]
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		cp, err := lockCheckpoint(ctx, tx)
		if err != nil {
			return err
		}
		if cp != d.base {
			return fmt.Errorf("flush: checkpoint at %d, deferred from %d: %w", cp, d.base, projections.ErrCheckpointMoved)
		}
		err = s.saveSome(ctx, tx, dirty, func(id string) bool {
			n, stored := d.written[id]
			return !stored || n != dirty[id].History.Len()
		})
		if err != nil {
			return err
		}
		return moveCheckpoint(ctx, tx, d.seq)
	})
	if err != nil {
		return err
	}
	for id, sm := range dirty {
		d.written[id] = sm.History.Len()
	}
	d.base, d.dirty = d.seq, map[string]bool{}
	if len(d.summaries) > keepDeferred {
		d.summaries, d.written = map[string]*projections.Summary{}, map[string]int{}
	}
	return nil
}

// Drop implements projections.Deferrer.
func (s *Store) Drop() {
	s.deferred.mu.Lock()
	defer s.deferred.mu.Unlock()
	s.deferred.drop()
}

func (d *deferred) drop() { d.deferredState = deferredState{} }
