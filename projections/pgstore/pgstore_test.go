package pgstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/internal/pgtest"
	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/pgstore"
	"github.com/sendcase/sendcase/projections/storetest"
)

// keyring is a real keyring on an embedded NATS server: the keys the
// summaries' personal fields are sealed with. Stores opened on one database
// in a test share it, as servers on one stream do.
func keyring(t testing.TB) *eventstore.Keyring {
	t.Helper()
	_, nc := natstest.Embedded(t, "")
	es, err := eventstore.Open(context.Background(), nc, eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(es.Close)
	return es.Keys()
}

func open(t *testing.T, url string, keys pgstore.Keys) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(context.Background(), url, keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestPostgresStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) projections.Store { return open(t, pgtest.URL(t), keyring(t)) })
}

// TestSameAnswersAsMemory: the same scenario gives the same views in both stores.
func TestSameAnswersAsMemory(t *testing.T) {
	items := storetest.Scenario()
	pg, mem := open(t, pgtest.URL(t), keyring(t)), projections.NewMemory()
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
	url, keys := pgtest.URL(t), keyring(t)
	s := open(t, url, keys)
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
	s2 := open(t, url, keys)
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
	keys := keyring(t)
	open(t, url, keys)
	open(t, url, keys) // a second start migrates nothing and fails nothing
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestConcurrentStartsMigrateOnce: servers starting together on a new
// database do not trip over each other's migrations.
func TestConcurrentStartsMigrateOnce(t *testing.T) {
	url, keys := pgtest.URL(t), keyring(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := pgstore.Open(context.Background(), url, keys)
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

// TestPersonalFieldsAreSealedInTheRows: PostgreSQL never holds a pupil's
// names, UPN or date of birth in the clear, the views still show them, and
// destroying the pupil's key erases them from the rows as it does from the
// stream.
func TestPersonalFieldsAreSealedInTheRows(t *testing.T) {
	ctx := context.Background()
	url, keys := pgtest.URL(t), keyring(t)
	s := open(t, url, keys)
	items := storetest.Scenario()
	storetest.ApplyInBatches(t, s, items, 10)

	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT pupil_id, doc::text FROM pupil_summaries`)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ ID, Doc string }])
	if err != nil || len(docs) != 6 {
		t.Fatalf("%d rows, %v", len(docs), err)
	}
	for _, d := range docs {
		var doc struct {
			Pupil map[string]any `json:"pupil"`
		}
		if err := json.Unmarshal([]byte(d.Doc), &doc); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"upn", "first_name", "last_name", "date_of_birth"} {
			if v, _ := doc.Pupil[f].(string); !strings.HasPrefix(v, "enc:v1:") {
				t.Errorf("pupil %s: %s is %q in the row, want it sealed", d.ID, f, v)
			}
		}
		if strings.Contains(d.Doc, "B801200005001") {
			t.Errorf("pupil %s: the UPN is in the row in the clear", d.ID)
		}
	}

	// The histories are packed: unpack each and read it as JSON.
	histories := storedHistories(t, conn)
	if len(histories) != 6 {
		t.Fatalf("%d histories, want 6", len(histories))
	}
	for id, h := range histories {
		if h.Len() == 0 {
			t.Errorf("pupil %s: an empty history", id)
		}
		b := mustJSON(t, h)
		if bytes.Contains(b, []byte("B801200005001")) || bytes.Contains(b, []byte(`"Ada"`)) {
			t.Errorf("pupil %s: the history holds a UPN or a name in the clear", id)
		}
	}

	names := func() string {
		t.Helper()
		v := projections.Views{Store: s, Dir: storetest.Directory(items)}
		rows, err := v.Caseload(ctx, storetest.SchoolA, storetest.AsOf, projections.CaseloadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, r := range rows {
			n = append(n, r.Name)
		}
		return strings.Join(n, ", ")
	}
	if got, want := names(), "Ada Test, Ben Test, Cara Test"; got != want {
		t.Fatalf("caseload names %q, want %q", got, want)
	}
	if err := keys.Destroy(ctx, storetest.Ada); err != nil {
		t.Fatal(err)
	}
	if got, want := names(), "Ben Test, Cara Test, [erased] [erased]"; got != want {
		t.Fatalf("caseload names once Ada's key is destroyed %q, want %q", got, want)
	}
}
