package projector_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/projector"
	"github.com/sendcase/sendcase/projections/storetest"
)

// TestUndecodableCommitIsSkipped: one unreadable message must not stop
// every view; the projector logs it and goes on.
func TestUndecodableCommitIsSkipped(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	ctx := context.Background()
	es, err := eventstore.Open(ctx, nc, eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
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
