package projections

import (
	"context"
	"fmt"
	"sync"
)

// Progress tracks the last applied sequence and lets readers wait for one.
type Progress struct {
	mu      sync.Mutex
	seq     uint64
	changed chan struct{}
}

// NewProgress returns a Progress at sequence 0.
func NewProgress() *Progress { return &Progress{changed: make(chan struct{})} }

// Advance records that seq has been applied.
func (p *Progress) Advance(seq uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if seq <= p.seq {
		return
	}
	p.seq = seq
	close(p.changed)
	p.changed = make(chan struct{})
}

// Seq is the last applied sequence.
func (p *Progress) Seq() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seq
}

// WaitFor blocks until seq has been applied or ctx ends.
func (p *Progress) WaitFor(ctx context.Context, seq uint64) error {
	for {
		p.mu.Lock()
		cur, ch := p.seq, p.changed
		p.mu.Unlock()
		if cur >= seq {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("wait for seq %d (at %d): %w", seq, cur, ctx.Err())
		}
	}
}
