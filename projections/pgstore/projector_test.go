package pgstore_test

import (
	"context"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/internal/pgtest"
	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/projector"
	"github.com/sendcase/sendcase/projections/storetest"
)

func TestMain(m *testing.M) {
	natstest.MaybeRunServer()
	os.Exit(m.Run())
}

// appendItems stores scenario commits in the stream, keeping their sequences.
func appendItems(t *testing.T, s *eventstore.Store, items []projections.Item) {
	t.Helper()
	for _, it := range items {
		c := it.Commit
		r, err := s.JetStream().Publish(context.Background(), eventlog.Subject(c.Aggregate, c.AggregateID), mustJSON(t, c))
		if err != nil {
			t.Fatal(err)
		}
		if r.Sequence != it.Seq {
			t.Fatalf("stored at %d, scenario says %d", r.Sequence, it.Seq)
		}
	}
}

type runner struct {
	p       *projector.Projector
	cancel  context.CancelFunc
	done    chan struct{}
	first   atomic.Uint64
	batches atomic.Int64
}

func startProjector(t *testing.T, es *eventstore.Store, url string) *runner {
	t.Helper()
	store := open(t, url)
	r := &runner{p: projector.New(es, store, slog.New(slog.DiscardHandler)), done: make(chan struct{})}
	r.p.OnApplied = func(first, _ uint64) {
		r.first.CompareAndSwap(0, first)
		r.batches.Add(1)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { defer close(r.done); r.p.Run(ctx) }()
	t.Cleanup(r.stop)
	return r
}

func (r *runner) stop() {
	r.cancel()
	<-r.done
}

func waitSeq(t *testing.T, p *projector.Projector, seq uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := p.WaitFor(ctx, seq); err != nil {
		t.Fatal(err)
	}
}

func TestRestartResumesFromCheckpoint(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	es, err := eventstore.Open(context.Background(), nc, eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	url := pgtest.URL(t)
	items := storetest.Scenario()
	half := len(items) / 2
	appendItems(t, es, items[:half])
	r1 := startProjector(t, es, url)
	waitSeq(t, r1.p, items[half-1].Seq)
	r1.stop()

	appendItems(t, es, items[half:])
	r2 := startProjector(t, es, url)
	waitSeq(t, r2.p, items[len(items)-1].Seq)
	if first := r2.first.Load(); first != items[half].Seq {
		t.Fatalf("restarted projector began at %d, want %d (its checkpoint + 1)", first, items[half].Seq)
	}
	want := projections.NewMemory()
	storetest.ApplyInBatches(t, want, items, 100)
	if a, b := storetest.Snapshot(t, want, items), storetest.Snapshot(t, r2.p.Store(), items); a != b {
		t.Fatal("views after restart differ from a fresh rebuild")
	}
}

func TestSecondProcessTakesOver(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	es, err := eventstore.Open(context.Background(), nc, eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	url := pgtest.URL(t)
	items := storetest.Scenario()
	half := len(items) / 2
	a, b := startProjector(t, es, url), startProjector(t, es, url)
	appendItems(t, es, items[:half])
	waitSeq(t, a.p, items[half-1].Seq)
	waitSeq(t, b.p, items[half-1].Seq) // the follower tracks the shared checkpoint
	leader, follower := a, b
	if b.batches.Load() > 0 {
		leader, follower = b, a
	}
	if leader.batches.Load() == 0 || follower.batches.Load() != 0 {
		t.Fatalf("both or neither applied: %d and %d batches", a.batches.Load(), b.batches.Load())
	}
	leader.stop()
	appendItems(t, es, items[half:])
	waitSeq(t, follower.p, items[len(items)-1].Seq)
	if follower.batches.Load() == 0 {
		t.Fatal("the follower never applied after the leader stopped")
	}
	if first := follower.first.Load(); first != items[half].Seq {
		t.Fatalf("takeover began at %d, want %d", first, items[half].Seq)
	}
	want := projections.NewMemory()
	storetest.ApplyInBatches(t, want, items, 100)
	if x, y := storetest.Snapshot(t, want, items), storetest.Snapshot(t, follower.p.Store(), items); x != y {
		t.Fatal("views after takeover differ from a fresh rebuild")
	}
}
