package projector_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/projector"
	"github.com/sendcase/sendcase/projections/storetest"
)

// openStore opens an event store on an embedded NATS server.
func openStore(t *testing.T) *eventstore.Store {
	t.Helper()
	_, nc := natstest.Embedded(t, "")
	es, err := eventstore.Open(context.Background(), nc, eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestUndecodableCommitIsSkipped: one unreadable message must not stop
// every view; the projector logs it and goes on.
func TestUndecodableCommitIsSkipped(t *testing.T) {
	ctx := context.Background()
	es := openStore(t)
	items := storetest.Scenario()
	if _, err := es.JetStream().Publish(ctx, "sendcase.pupil.garbage", []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	var last uint64
	for _, it := range items {
		b, _ := json.Marshal(it.Commit)
		ack, err := es.JetStream().Publish(ctx, eventlog.Subject(it.Commit.Aggregate, it.Commit.AggregateID), b)
		if err != nil {
			t.Fatal(err)
		}
		last = ack.Sequence
	}
	mem := projections.NewMemory()
	p := projector.New(es, mem, slog.New(slog.DiscardHandler))
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.CatchUp(cctx, nil); err != nil {
		t.Fatal(err)
	}
	if p.Seq() != last {
		t.Fatalf("stopped at %d, want %d", p.Seq(), last)
	}
	if _, ok, _ := mem.Anchor(ctx, storetest.Ben); !ok {
		t.Fatal("events after the bad message were not applied")
	}
}

// refusing is a store that refuses one commit, as PostgreSQL refuses a
// value it cannot hold; it applies the commits before it.
type refusing struct {
	*projections.Memory
	seq uint64
}

func (r refusing) Apply(ctx context.Context, batch []projections.Item) error {
	for i, it := range batch {
		if it.Seq == r.seq {
			if err := r.Memory.Apply(ctx, batch[:i]); err != nil {
				return err
			}
			return fmt.Errorf("save: %w: a value it cannot hold", projections.ErrRefused)
		}
	}
	return r.Memory.Apply(ctx, batch)
}

// TestRefusedCommitIsRecordedAndSkipped: a store that refuses one commit
// does not stop the views: everything after it is applied, in batches as
// large as ever, and the refused commit is recorded, counted and marked on
// its pupil.
func TestRefusedCommitIsRecordedAndSkipped(t *testing.T) {
	ctx := context.Background()
	es := openStore(t)
	items := storetest.Scenario()
	var bad uint64
	for _, it := range items {
		b, _ := json.Marshal(it.Commit)
		if _, err := es.JetStream().Publish(ctx, eventlog.Subject(it.Commit.Aggregate, it.Commit.AggregateID), b); err != nil {
			t.Fatal(err)
		}
		if it.Commit.AggregateID == storetest.Ada {
			bad = it.Seq // Ada's last commit: the referral accepted
		}
	}
	store := refusing{Memory: projections.NewMemory(), seq: bad}
	p := projector.New(es, store, slog.New(slog.DiscardHandler))
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.CatchUp(cctx, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := p.Seq(), items[len(items)-1].Seq; got != want {
		t.Fatalf("stopped at %d, want %d", got, want)
	}
	if p.Unapplied() != 1 {
		t.Fatalf("unapplied count %d, want 1", p.Unapplied())
	}
	if got, _ := store.Unapplied(ctx); len(got) != 1 || got[0].Seq != bad || !strings.Contains(got[0].Reason, "cannot hold") {
		t.Fatalf("unapplied %+v, want seq %d", got, bad)
	}
	rows, err := projections.Views{Store: store, Dir: storetest.Directory(items)}.Caseload(ctx, storetest.SchoolA, storetest.AsOf, projections.CaseloadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s:%v:%d", strings.Fields(r.Name)[0], r.Incomplete, r.OpenReferrals))
	}
	// Ada's referral stays as it was before the refused commit (made, so open).
	if want := "Ada:true:1 Ben:false:1 Cara:false:0"; strings.Join(got, " ") != want {
		t.Fatalf("caseload %v, want %s", got, want)
	}
}
