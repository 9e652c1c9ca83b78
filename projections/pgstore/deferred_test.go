package pgstore_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/internal/pgtest"
	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/pgstore"
	"github.com/sendcase/sendcase/projections/projector"
	"github.com/sendcase/sendcase/projections/storetest"
)

// deferring is a PostgreSQL store whose every Apply is a deferred fold and
// a flush, so that the whole conformance suite runs through that path.
type deferring struct{ *pgstore.Store }

func (d deferring) Apply(ctx context.Context, batch []projections.Item) error {
	if err := d.ApplyDeferred(ctx, batch); err != nil {
		return err
	}
	return d.Flush(ctx)
}

func TestPostgresStoreConformanceDeferred(t *testing.T) {
	storetest.Run(t, func(t *testing.T) projections.Store { return deferring{open(t, pgtest.URL(t), keyring(t))} })
}

// TestDeferredFoldsAreWrittenOnlyByFlush: what ApplyDeferred folds is not
// in the rows, nor the checkpoint moved, until Flush; then the views are
// those of applying batch by batch, however many batches a flush covers.
func TestDeferredFoldsAreWrittenOnlyByFlush(t *testing.T) {
	ctx := context.Background()
	items := storetest.Scenario()
	url, keys := pgtest.URL(t), keyring(t)
	s := open(t, url, keys)
	half := len(items) / 2
	for i := 0; i < half; i += 5 {
		if err := s.ApplyDeferred(ctx, items[i:min(i+5, half)]); err != nil {
			t.Fatal(err)
		}
	}
	if cp, err := s.Checkpoint(ctx); err != nil || cp != 0 {
		t.Fatalf("checkpoint before Flush = %d, %v; want 0", cp, err)
	}
	if _, found, err := s.Anchor(ctx, storetest.Dan); err != nil || found {
		t.Fatalf("Dan's row before Flush: found %v, %v; want none", found, err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if cp, _ := s.Checkpoint(ctx); cp != items[half-1].Seq {
		t.Fatalf("checkpoint after Flush = %d, want %d", cp, items[half-1].Seq)
	}
	// The rest in one deferred batch over the summaries kept, a commit
	// already flushed among them.
	if err := s.ApplyDeferred(ctx, items[half-1:]); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	want := projections.NewMemory()
	storetest.ApplyInBatches(t, want, items, 9)
	// Read back by a second store: what is in the rows, not what was kept.
	if a, b := storetest.Snapshot(t, want, items), storetest.Snapshot(t, open(t, url, keys), items); a != b {
		t.Fatalf("deferred and applied views differ:\n%s", storetest.Diff(a, b))
	}
}

// TestFlushRefusesWhenTheCheckpointMoved: another process applied commits
// while these were deferred; the flush writes nothing of them and drops
// them, and the rows stay as the other process left them.
func TestFlushRefusesWhenTheCheckpointMoved(t *testing.T) {
	ctx := context.Background()
	items := storetest.Scenario()
	url, keys := pgtest.URL(t), keyring(t)
	deferrer, other := open(t, url, keys), open(t, url, keys)
	if err := deferrer.ApplyDeferred(ctx, items[:10]); err != nil {
		t.Fatal(err)
	}
	if err := other.Apply(ctx, items[:4]); err != nil {
		t.Fatal(err)
	}
	err := deferrer.Flush(ctx)
	if !errors.Is(err, projections.ErrCheckpointMoved) {
		t.Fatalf("Flush after another process applied = %v, want ErrCheckpointMoved", err)
	}
	if cp, _ := deferrer.Checkpoint(ctx); cp != items[3].Seq {
		t.Fatalf("checkpoint = %d, want the other process's %d", cp, items[3].Seq)
	}
	if err := deferrer.Flush(ctx); err != nil {
		t.Fatalf("a Flush after the drop = %v, want nothing to write", err)
	}
	if cp, _ := deferrer.Checkpoint(ctx); cp != items[3].Seq {
		t.Fatalf("checkpoint after a second Flush = %d, want %d", cp, items[3].Seq)
	}
}

// catchUp rebuilds the stream es into a new store at url with writes
// deferred (flushed every flushEvery commits).
func catchUp(t *testing.T, es *eventstore.Store, url string, flushEvery int) (*projector.Projector, *[][2]uint64) {
	t.Helper()
	p := projector.New(es, open(t, url, es.Keys()), slog.New(slog.DiscardHandler))
	p.LongCatchUp, p.FlushEvery, p.BatchSize = 0, flushEvery, 4
	var flushed [][2]uint64
	p.OnApplied = func(first, last uint64) { flushed = append(flushed, [2]uint64{first, last}) }
	if err := p.CatchUp(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return p, &flushed
}

// TestDeferredCatchUp: a long catch-up into PostgreSQL writes at every
// flushEvery commits and at the end, and gives the views of a rebuild in
// memory.
func TestDeferredCatchUp(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	es, err := eventstore.Open(context.Background(), nc, eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	items := storetest.Scenario()
	appendItems(t, es, items)
	p, flushed := catchUp(t, es, pgtest.URL(t), 10)
	last := items[len(items)-1].Seq
	if got := p.Seq(); got != last {
		t.Fatalf("caught up to %d, want %d", got, last)
	}
	var events int64
	for _, it := range items {
		events += int64(len(it.Commit.Events))
	}
	if c, e := p.Applied(); c != int64(len(items)) || e != events {
		t.Fatalf("Applied = %d commits, %d events; want %d, %d", c, e, len(items), events)
	}
	if n := len(*flushed); n < 2 || (*flushed)[0][0] != 1 || (*flushed)[n-1][1] != last {
		t.Fatalf("flushes %v: want several, from 1 to %d", *flushed, last)
	}
	for i := 1; i < len(*flushed); i++ {
		if prev, cur := (*flushed)[i-1], (*flushed)[i]; cur[0] != prev[1]+1 || cur[1]-cur[0]+1 < 10 && i < len(*flushed)-1 {
			t.Fatalf("flushes %v: want each of 10 commits or more, one after another", *flushed)
		}
	}
	want := projections.NewMemory()
	storetest.ApplyInBatches(t, want, items, 9)
	if a, b := storetest.Snapshot(t, want, items), storetest.Snapshot(t, p.Store(), items); a != b {
		t.Fatalf("deferred catch-up and memory rebuild differ:\n%s", storetest.Diff(a, b))
	}
}

// TestRefusedCommitInADeferredCatchUp: PostgreSQL refuses a commit at a
// flush; what was deferred is dropped, and the catch-up goes on from the
// checkpoint a transaction a batch, recording and skipping that commit as
// a catch-up without deferring does.
func TestRefusedCommitInADeferredCatchUp(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	ctx := context.Background()
	es, err := eventstore.Open(ctx, nc, eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	items := storetest.Scenario()
	poisoned := publishPoisoned(t, es, items)
	p, _ := catchUp(t, es, pgtest.URL(t), 1000)
	if got := p.Seq(); got != items[len(items)-1].Seq {
		t.Fatalf("caught up to %d, want %d", got, items[len(items)-1].Seq)
	}
	got, err := p.Store().Unapplied(ctx)
	if err != nil || len(got) != 1 || got[0].Seq != poisoned {
		t.Fatalf("unapplied = %+v %v, want the commit at %d", got, err, poisoned)
	}
	want := projections.NewMemory()
	storetest.ApplyInBatches(t, want, items, 100)
	if a, b := storetest.Snapshot(t, want, items), storetest.Snapshot(t, p.Store(), items); a != b {
		t.Fatal("the views of other pupils differ from a rebuild")
	}
}

// TestRowsWithAJSONHistoryStillRead: a row written before histories were
// packed (its history as JSON, history_packed NULL) reads as it did.
func TestRowsWithAJSONHistoryStillRead(t *testing.T) {
	ctx := context.Background()
	items := storetest.Scenario()
	url, keys := pgtest.URL(t), keyring(t)
	s := open(t, url, keys)
	storetest.ApplyInBatches(t, s, items, 9)
	want, wantPast := storetest.Snapshot(t, s, items), pastCaseload(t, s, items)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// Lay every row out as the code before wrote it.
	for id, h := range storedHistories(t, conn) {
		if _, err := conn.Exec(ctx, `UPDATE pupil_summaries SET history = $2, history_packed = NULL WHERE pupil_id = $1`, id, mustJSON(t, h)); err != nil {
			t.Fatal(err)
		}
	}
	if got := storetest.Snapshot(t, open(t, url, keys), items); got != want {
		t.Fatalf("views from JSON histories differ:\n%s", storetest.Diff(want, got))
	}
	if got := pastCaseload(t, open(t, url, keys), items); got != wantPast {
		t.Fatalf("past views from JSON histories differ:\n%s", storetest.Diff(wantPast, got))
	}
}

// pastCaseload is school A's caseload on a date before today, folded
// again from the histories.
func pastCaseload(t *testing.T, s projections.Store, items []projections.Item) string {
	t.Helper()
	v := projections.Views{Store: s, Dir: storetest.Directory(items), Today: civil.MustParse("2026-02-20")}
	rows, err := v.Caseload(context.Background(), storetest.SchoolA, civil.MustParse("2025-11-10"), projections.CaseloadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("no pupils on the past caseload")
	}
	return string(mustJSON(t, rows))
}

// TestRunCatchesUpDeferredFirst: a server whose database is far behind
// the stream catches up with its writes deferred, then follows new commits
// one batch at a time.
func TestRunCatchesUpDeferredFirst(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	es, err := eventstore.Open(context.Background(), nc, eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	items := storetest.Scenario()
	half := len(items) / 2
	appendItems(t, es, items[:half])
	p := projector.New(es, open(t, pgtest.URL(t), es.Keys()), slog.New(slog.DiscardHandler))
	p.LongCatchUp, p.FlushEvery, p.BatchSize = 0, 1<<20, 4
	applied := make(chan [2]uint64, len(items))
	p.OnApplied = func(first, last uint64) { applied <- [2]uint64{first, last} }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	waitSeq(t, p, items[half-1].Seq)
	if got := <-applied; got != [2]uint64{1, items[half-1].Seq} {
		t.Fatalf("first write %v, want one flush of 1 to %d", got, items[half-1].Seq)
	}
	appendItems(t, es, items[half:])
	waitSeq(t, p, items[len(items)-1].Seq)
	want := projections.NewMemory()
	storetest.ApplyInBatches(t, want, items, 9)
	if a, b := storetest.Snapshot(t, want, items), storetest.Snapshot(t, p.Store(), items); a != b {
		t.Fatalf("views differ from a rebuild:\n%s", storetest.Diff(a, b))
	}
}

// storedHistories reads every row's packed history, by pupil.
func storedHistories(t *testing.T, conn *pgx.Conn) map[string]*projections.History {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT pupil_id, history_packed FROM pupil_summaries`)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct {
		ID     string
		Packed []byte
	}])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*projections.History{}
	for _, r := range stored {
		h := &projections.History{}
		if err := h.UnmarshalBinary(r.Packed); err != nil {
			t.Fatalf("pupil %s: history: %v", r.ID, err)
		}
		out[r.ID] = h
	}
	return out
}
