package eventstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/natstest"
)

func TestMain(m *testing.M) {
	natstest.MaybeRunServer()
	os.Exit(m.Run())
}

func open(t *testing.T, nc *nats.Conn) *eventstore.Store {
	t.Helper()
	s, err := eventstore.Open(context.Background(), nc, eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// commit builds a commit of n events for trust id, numbered from version from.
func commit(t testing.TB, id string, from, n int) *event.Commit {
	c := &event.Commit{Aggregate: "trust", AggregateID: id}
	for i := 0; i < n; i++ {
		var d event.Data = trust.SchoolAdded{School: trust.School{ID: fmt.Sprintf("s%d", from+i), Name: "School", URN: "100000", Phase: "primary"}, On: civil.MustParse("2025-09-01")}
		if from+i == 1 {
			d = trust.Created{TrustID: id, Name: "Trust", On: civil.MustParse("2025-09-01")}
		}
		e, err := event.New(fmt.Sprintf("e%d", from+i), from+i, event.Actor{ID: "u", Name: "Test", Role: "admin"}, time.Unix(0, 0), d)
		if err != nil {
			t.Fatal(err)
		}
		c.Events = append(c.Events, e)
	}
	return c
}

func versions(loaded []eventlog.Loaded) []int {
	var v []int
	for _, l := range loaded {
		for _, e := range l.Commit.Events {
			v = append(v, e.Version)
		}
	}
	return v
}

func TestAppendLoadAndConflict(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	s := open(t, nc)
	ctx := context.Background()
	subj := eventlog.Subject("trust", "t1")

	r1, err := s.Append(ctx, subj, 0, commit(t, "t1", 1, 1), "")
	if err != nil {
		t.Fatal(err)
	}
	// A second writer that decided on the empty aggregate must lose.
	if _, err := s.Append(ctx, subj, 0, commit(t, "t1", 1, 1), ""); !errors.Is(err, eventlog.ErrConflict) {
		t.Fatalf("stale append: %v", err)
	}
	r2, err := s.Append(ctx, subj, r1.Seq, commit(t, "t1", 2, 3), "")
	if err != nil {
		t.Fatal(err)
	}
	// Another aggregate's writes do not move this one's expected sequence.
	if _, err := s.Append(ctx, eventlog.Subject("trust", "t2"), 0, commit(t, "t2", 1, 1), ""); err != nil {
		t.Fatal(err)
	}
	loaded, err := s.Load(ctx, subj, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(versions(loaded)); got != "[1 2 3 4]" || loaded[1].Seq != r2.Seq {
		t.Fatalf("versions %s, seqs %v", got, loaded)
	}
	if _, ok := loaded[0].Commit.Events[0].Data.(trust.Created); !ok {
		t.Fatalf("event not decoded: %T", loaded[0].Commit.Events[0].Data)
	}
	// Loading from a known point returns only what is newer.
	newer, err := s.Load(ctx, subj, r1.Seq)
	if err != nil || fmt.Sprint(versions(newer)) != "[2 3 4]" {
		t.Fatalf("load after %d: %v %v", r1.Seq, versions(newer), err)
	}
	none, err := s.Load(ctx, eventlog.Subject("trust", "nobody"), 0)
	if err != nil || len(none) != 0 {
		t.Fatalf("empty subject: %v %v", none, err)
	}
}

func TestMultiEventCommitIsAllOrNothing(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	s := open(t, nc)
	ctx := context.Background()
	subj := eventlog.Subject("trust", "t1")
	first, err := s.Append(ctx, subj, 0, commit(t, "t1", 1, 1), "")
	if err != nil {
		t.Fatal(err)
	}
	// Two writers race with three events each on the same version: one
	// commit lands whole, the other not at all.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Append(ctx, subj, first.Seq, commit(t, "t1", 2, 3), "")
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("want exactly one winner: %v", errs)
	}
	loaded, _ := s.Load(ctx, subj, 0)
	if got := fmt.Sprint(versions(loaded)); got != "[1 2 3 4]" {
		t.Fatalf("versions %s", got)
	}
}

func TestIdempotentRetry(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	s := open(t, nc)
	ctx := context.Background()
	subj := eventlog.Subject("trust", "t1")
	first := commit(t, "t1", 1, 1)
	first.IdempotencyKey = "key-1"
	a, err := s.Append(ctx, subj, 0, first, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	// A retry repeats the original expectation. A standalone server checks
	// the expected subject sequence before the message id, so the retry is
	// refused as a conflict (a cluster may report a duplicate instead);
	// either way nothing is written twice, and the stored commit carries the
	// key so the caller can tell its own earlier write.
	b, err := s.Append(ctx, subj, 0, commit(t, "t1", 1, 1), "key-1")
	switch {
	case err == nil && (!b.Duplicate || b.Seq != a.Seq):
		t.Fatalf("retry stored again: %+v, first %+v", b, a)
	case err != nil && !errors.Is(err, eventlog.ErrConflict):
		t.Fatalf("retry: %v", err)
	}
	loaded, _ := s.Load(ctx, subj, 0)
	if len(loaded) != 1 || loaded[0].Commit.IdempotencyKey != "key-1" {
		t.Fatalf("%d commits stored", len(loaded))
	}
	// Without an expectation the message id alone deduplicates.
	c, err := s.JetStream().Publish(ctx, "sendcase.raw.x", []byte("{}"), jetstream.WithMsgID("raw-1"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.JetStream().Publish(ctx, "sendcase.raw.x", []byte("{}"), jetstream.WithMsgID("raw-1"))
	if err != nil || !d.Duplicate || d.Sequence != c.Sequence {
		t.Fatalf("message id dedupe: %+v %v", d, err)
	}
	// The answer survives beyond the duplicate window in the bucket.
	rec := eventlog.IdempotencyRecord{Result: []byte(`{"id":"t1"}`)}
	if err := s.Remember(ctx, "k1", rec); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Recall(ctx, "k1")
	if err != nil || !ok || string(got.Result) != `{"id":"t1"}` {
		t.Fatalf("recall: %+v %v %v", got, ok, err)
	}
	// A record kept before results were typed held the HTTP answer; its
	// body is the result.
	kv, err := s.JetStream().KeyValue(ctx, "sendcase_idempotency")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "k0", []byte(`{"answer":{"status":201,"body":{"id":"t0"}}}`)); err != nil {
		t.Fatal(err)
	}
	got, ok, err = s.Recall(ctx, "k0")
	if err != nil || !ok || string(got.Result) != `{"id":"t0"}` {
		t.Fatalf("recall of a legacy record: %+v %v %v", got, ok, err)
	}
	if _, ok, _ := s.Recall(ctx, "unknown"); ok {
		t.Fatal("unknown key recalled")
	}
}

func TestRestartKeepsEveryEvent(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	e, err := eventstore.StartEmbedded(eventstore.EmbeddedOptions{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	nc, _ := e.Connect("t")
	s, err := eventstore.Open(ctx, nc, eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var seq uint64
	for v := 1; v <= 50; v++ {
		r, err := s.Append(ctx, eventlog.Subject("trust", "t1"), seq, commit(t, "t1", v, 1), "")
		if err != nil {
			t.Fatal(err)
		}
		seq = r.Seq
	}
	s.Close()
	nc.Close()
	e.Shutdown()

	_, nc2 := natstest.Embedded(t, dir)
	s2 := open(t, nc2)
	loaded, err := s2.Load(ctx, eventlog.Subject("trust", "t1"), 0)
	if err != nil || len(loaded) != 50 || loaded[49].Commit.Events[0].Version != 50 {
		t.Fatalf("after restart: %d commits, %v", len(loaded), err)
	}
}

func TestLoadManyCommitsWithoutConsumers(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	s := open(t, nc)
	ctx := context.Background()
	subj := eventlog.Subject("trust", "big")
	var seq uint64
	// More than one direct-get batch, interleaved with another subject.
	for v := 1; v <= 1300; v++ {
		r, err := s.Append(ctx, subj, seq, commit(t, "big", v, 1), "")
		if err != nil {
			t.Fatal(err)
		}
		seq = r.Seq
		if v%3 == 0 {
			if _, err := s.Append(ctx, eventlog.Subject("trust", fmt.Sprint("o", v)), 0, commit(t, "o", 1, 1), ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	loaded, err := s.Load(ctx, subj, 0)
	if err != nil || len(loaded) != 1300 {
		t.Fatalf("loaded %d, %v", len(loaded), err)
	}
	for i, l := range loaded {
		if l.Commit.Events[0].Version != i+1 {
			t.Fatalf("out of order at %d", i)
		}
	}
	info, err := s.JetStream().Stream(ctx, eventstore.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	si, _ := info.Info(ctx)
	if si.State.Consumers != 0 {
		t.Fatalf("loading created %d consumers", si.State.Consumers)
	}
}

func TestUniqueClaims(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	s := open(t, nc)
	ctx := context.Background()
	c, err := s.ClaimUnique(ctx, "upn.t1.B801200005001", "p1")
	if err != nil || c.Owner != "p1" {
		t.Fatal(c, err)
	}
	c2, err := s.ClaimUnique(ctx, "upn.t1.B801200005001", "p2")
	if !errors.Is(err, eventlog.ErrClaimed) || c2.Owner != "p1" {
		t.Fatal(c2, err)
	}
	if err := s.TakeOverClaim(ctx, "upn.t1.B801200005001", "p2", c2.Revision); err != nil {
		t.Fatal(err)
	}
	// A second taker holding the old revision loses.
	if err := s.TakeOverClaim(ctx, "upn.t1.B801200005001", "p3", c2.Revision); !errors.Is(err, eventlog.ErrClaimed) {
		t.Fatal(err)
	}
}

// TestExternalServerOverTCP runs the store against a separate nats-server
// process (built from the same nats-server module), as with NATS_URL.
func TestExternalServerOverTCP(t *testing.T) {
	p := natstest.StartProcess(t, t.TempDir())
	nc, err := eventstore.Dial(p.URL, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	s := open(t, nc)
	ctx := context.Background()
	subj := eventlog.Subject("trust", "tcp")
	r, err := s.Append(ctx, subj, 0, commit(t, "tcp", 1, 2), "m1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, subj, 0, commit(t, "tcp", 1, 1), ""); !errors.Is(err, eventlog.ErrConflict) {
		t.Fatalf("conflict over TCP: %v", err)
	}
	loaded, err := s.Load(ctx, subj, 0)
	if err != nil || len(loaded) != 1 || loaded[0].Seq != r.Seq || len(loaded[0].Commit.Events) != 2 {
		t.Fatalf("load over TCP: %v %v", loaded, err)
	}
	// With the server gone, appends fail fast as unavailable instead of hanging.
	p.Kill()
	ctx2, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err = s.Append(ctx2, subj, r.Seq, commit(t, "tcp", 3, 1), "")
	if !errors.Is(err, eventlog.ErrUnavailable) {
		t.Fatalf("append with server down: %v", err)
	}
	// It fails on the lost connection (or nats.go's own publish timeout, on
	// a loaded machine), not by waiting for the caller's deadline. No
	// time is asserted: a timed bound failed CI at 5.001 s.
	if ctx2.Err() != nil {
		t.Fatalf("append with server down waited for the caller's deadline: %v", err)
	}
}
