package pgstore_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/internal/pgtest"
	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/pgstore"
	"github.com/sendcase/sendcase/projections/projector"
	"github.com/sendcase/sendcase/projections/storetest"
)

// BenchmarkRebuild measures a projection rebuild from the JetStream stream
// (embedded server, file storage) into each store, in events per second.
// Each iteration rebuilds 500 pupils × 13 events.
func BenchmarkRebuild(b *testing.B) {
	items := storetest.Generate(500)
	events := 0
	for _, it := range items {
		events += len(it.Commit.Events)
	}
	_, nc := natstest.Embedded(b, "")
	es, err := eventstore.Open(context.Background(), nc, eventstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, it := range items {
		c := it.Commit
		// Stored as the app stores them: personal fields encrypted, so the
		// rebuild pays for decrypting them.
		for i := range c.Events {
			if err := es.Keys().Encrypt(context.Background(), c.AggregateID, &c.Events[i]); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := es.JetStream().Publish(context.Background(), eventlog.Subject(c.Aggregate, c.AggregateID), mustJSON(b, c)); err != nil {
			b.Fatal(err)
		}
	}
	stores := []struct {
		name string
		open func() projections.Store
	}{
		{"memory", func() projections.Store { return projections.NewMemory() }},
		{"postgres", func() projections.Store {
			s, err := pgstore.Open(context.Background(), pgtest.URL(b), es.Keys())
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(s.Close)
			return s
		}},
	}
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			store := st.open()
			var elapsed time.Duration
			for b.Loop() {
				if err := store.Reset(context.Background()); err != nil {
					b.Fatal(err)
				}
				p := projector.New(es, store, slog.New(slog.DiscardHandler))
				start := time.Now()
				if err := p.CatchUp(context.Background(), nil); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(start)
			}
			b.ReportMetric(float64(events*b.N)/elapsed.Seconds(), "events/s")
		})
	}
}

// BenchmarkCaseload measures a caseload of 250 pupils read from PostgreSQL,
// each summary's personal fields opened with the pupil's key.
func BenchmarkCaseload(b *testing.B) {
	ctx := context.Background()
	items := storetest.Generate(500)
	s, err := pgstore.Open(ctx, pgtest.URL(b), keyring(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Close)
	storetest.ApplyInBatches(b, s, items, 1000)
	v := projections.Views{Store: s, Dir: storetest.Directory(items)}
	for b.Loop() {
		rows, err := v.Caseload(ctx, storetest.SchoolA, storetest.AsOf, projections.CaseloadFilter{})
		if err != nil || len(rows) != 250 {
			b.Fatalf("%d rows, %v", len(rows), err)
		}
	}
}
