package projections

import (
	"context"
	"sync"
)

// Discard is a store that keeps no views, only how far it has applied:
// for a process that writes commands and reads no view (`sendcase seed`),
// so that it holds no summaries, however long the history, while the
// waits for the projection (min_seq) still move on.
type Discard struct {
	mu  sync.Mutex
	seq uint64
}

var _ Store = (*Discard)(nil)

// NewDiscard returns a Discard standing at stream sequence seq.
func NewDiscard(seq uint64) *Discard { return &Discard{seq: seq} }

func (d *Discard) advance(seq uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq = max(d.seq, seq)
}

// Apply implements Store: it only moves the checkpoint.
func (d *Discard) Apply(_ context.Context, batch []Item) error {
	if len(batch) > 0 {
		d.advance(batch[len(batch)-1].Seq)
	}
	return nil
}

// Checkpoint implements Store.
func (d *Discard) Checkpoint(context.Context) (uint64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.seq, nil
}

// Skip implements Store.
func (d *Discard) Skip(_ context.Context, it Item, _ string) error {
	d.advance(it.Seq)
	return nil
}

// Reset implements Store.
func (d *Discard) Reset(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq = 0
	return nil
}

// The views are empty.

func (d *Discard) EachSchoolPupil(context.Context, string, func(*Summary)) error     { return nil }
func (d *Discard) EachTrustPupil(context.Context, string, func(*Summary)) error      { return nil }
func (d *Discard) EachPastSchoolPupil(context.Context, string, func(*Summary)) error { return nil }
func (d *Discard) EachPastTrustPupil(context.Context, string, func(*Summary)) error  { return nil }
func (d *Discard) EachGrantedPupil(context.Context, string, func(*Summary)) error    { return nil }
func (d *Discard) Anchor(context.Context, string) (Anchor, bool, error)              { return Anchor{}, false, nil }
func (d *Discard) Unapplied(context.Context) ([]Unapplied, error)                    { return nil, nil }
