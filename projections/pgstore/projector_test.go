package pgstore_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/internal/pgtest"
	"github.com/sendcase/sendcase/internal/until"
	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/projector"
	"github.com/sendcase/sendcase/projections/storetest"
)

func TestMain(m *testing.M) {
	natstest.MaybeRunServer()
	os.Exit(m.Run())
}

func appendItems(t *testing.T, s *eventstore.Store, items []projections.Item) {
	t.Helper()
	storetest.Publish(t, s.JetStream(), items)
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
	store := open(t, url, es.Keys())
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

// publishPoisoned publishes items with a NUL in Dan's registration, which
// PostgreSQL refuses, and answers its sequence.
func publishPoisoned(t *testing.T, es *eventstore.Store, items []projections.Item) (poisoned uint64) {
	t.Helper()
	for _, it := range items {
		b := mustJSON(t, it.Commit)
		if it.Commit.AggregateID == storetest.Dan && poisoned == 0 {
			b = bytes.Replace(b, []byte(`"year_group":"4"`), []byte(`"year_group":"4\u0000"`), 1)
			poisoned = it.Seq
		}
		if _, err := es.JetStream().Publish(context.Background(), eventlog.Subject(it.Commit.Aggregate, it.Commit.AggregateID), b); err != nil {
			t.Fatal(err)
		}
	}
	return poisoned
}

// TestRefusedCommitDoesNotStopTheViews: a commit PostgreSQL cannot hold (a
// NUL in a text field, as streams written before input was checked may
// have) is recorded and skipped; every later commit is applied, the pupil's
// summary says it is incomplete, and a restart neither retries nor forgets it.
func TestRefusedCommitDoesNotStopTheViews(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	ctx := context.Background()
	es, err := eventstore.Open(ctx, nc, eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	url := pgtest.URL(t)
	items := storetest.Scenario()
	poisoned := publishPoisoned(t, es, items)
	last := items[len(items)-1].Seq
	r := startProjector(t, es, url)
	waitSeq(t, r.p, last)
	if got := r.p.Unapplied(); got != 1 {
		t.Fatalf("projector counts %d unapplied commits, want 1", got)
	}
	got, err := r.p.Store().Unapplied(ctx)
	if err != nil || len(got) != 1 || got[0].Seq != poisoned || got[0].AggregateID != storetest.Dan ||
		!strings.Contains(got[0].Reason, "SQLSTATE 22P05") {
		t.Fatalf("unapplied = %+v %v, want Dan's registration at %d refused with 22P05", got, err, poisoned)
	}
	want := projections.NewMemory()
	storetest.ApplyInBatches(t, want, items, 100)
	if a, b := storetest.Snapshot(t, want, items), storetest.Snapshot(t, r.p.Store(), items); a != b {
		t.Fatal("the views of other pupils differ from a rebuild")
	}
	r.stop()

	r2 := startProjector(t, es, url)
	waitSeq(t, r2.p, last)
	until.True(t, 10*time.Second, "the restarted projector to count the refused commit", func() bool { return r2.p.Unapplied() == 1 })
	if r2.batches.Load() != 0 {
		t.Fatal("the restarted projector applied again")
	}
}
