package pgstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/sendcase/sendcase/internal/pgtest"
	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/pgstore"
	"github.com/sendcase/sendcase/projections/storetest"
)

func open(t *testing.T, url string) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestPostgresStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) projections.Store { return open(t, pgtest.URL(t)) })
}

// TestSameAnswersAsMemory: the same scenario gives the same views in both stores.
func TestSameAnswersAsMemory(t *testing.T) {
	items := storetest.Scenario()
	pg, mem := open(t, pgtest.URL(t)), projections.NewMemory()
	storetest.ApplyInBatches(t, pg, items, 9)
	storetest.ApplyInBatches(t, mem, items, 9)
	if a, b := storetest.Snapshot(t, mem, items), storetest.Snapshot(t, pg, items); a != b {
		t.Fatalf("memory and PostgreSQL disagree:\n%s\n----\n%s", a, b)
	}
}

// TestCrashBetweenApplyAndCommit: rows written but not committed are lost
// with the checkpoint, and applying the batch again applies it once.
func TestCrashBetweenApplyAndCommit(t *testing.T) {
	items := storetest.Scenario()
	url := pgtest.URL(t)
	s := open(t, url)
	ctx := context.Background()
	half := len(items) / 2
	storetest.ApplyInBatches(t, s, items[:half], 6)
	crash := errors.New("crash before commit")
	s.FailBeforeCommit = func() error { return crash }
	if err := s.Apply(ctx, items[half:]); !errors.Is(err, crash) {
		t.Fatalf("apply: %v", err)
	}
	if cp, _ := s.Checkpoint(ctx); cp != items[half-1].Seq {
		t.Fatalf("checkpoint moved to %d in a failed batch", cp)
	}
	// A new process on the same database resumes from the checkpoint; the
	// projector would redeliver from there, here with some overlap.
	s2 := open(t, url)
	storetest.ApplyInBatches(t, s2, items[half-5:], 4)
	want := projections.NewMemory()
	storetest.ApplyInBatches(t, want, items, len(items))
	if a, b := storetest.Snapshot(t, want, items), storetest.Snapshot(t, s2, items); a != b {
		t.Fatal("after the crash the views differ from a fresh rebuild")
	}
	for _, id := range []string{storetest.Ada, storetest.Ben, storetest.Finn} {
		got, _, _ := s2.Anchor(ctx, id)
		exp, _, _ := want.Anchor(ctx, id)
		if got != exp {
			t.Fatalf("anchor of %s: %+v, want %+v (applied twice?)", id, got, exp)
		}
	}
}

func TestMigrationsAreIdempotent(t *testing.T) {
	url := pgtest.URL(t)
	open(t, url)
	open(t, url) // a second start migrates nothing and fails nothing
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func pgOpen(url string) (*pgstore.Store, error) { return pgstore.Open(context.Background(), url) }

// TestConcurrentStartsMigrateOnce: servers starting together on a new
// database do not trip over each other's migrations.
func TestConcurrentStartsMigrateOnce(t *testing.T) {
	url := pgtest.URL(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := pgstore.Open(context.Background(), url)
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
