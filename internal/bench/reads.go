package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/pgstore"
	"github.com/sendcase/sendcase/projections/projector"
)

// loads compares reading a pupil's messages with loading the aggregate
// (decode and fold), both uncached by the app and both warm: each pupil is
// read once before either is timed, and which goes first alternates.
func loads(ctx context.Context, n *node.Node, o Options, rep *Report) error {
	var ids []string
	err := n.Projector.Store().EachTrustPupil(ctx, firstTrust(n), func(s *projections.Summary) {
		if len(ids) < o.Loads {
			ids = append(ids, s.Pupil.ID)
		}
	})
	if err != nil || len(ids) == 0 {
		return fmt.Errorf("no pupils to load: %v", err)
	}
	var raw, agg latencies
	events := 0
	for i, id := range ids {
		subj := eventlog.Subject("pupil", id)
		if _, err := n.Store.LoadRaw(ctx, subj); err != nil {
			return err
		}
		rawRead := func() error {
			t := time.Now()
			_, err := n.Store.LoadRaw(ctx, subj)
			raw = append(raw, time.Since(t))
			return err
		}
		aggLoad := func() error {
			t := time.Now()
			commits, err := n.Store.Load(ctx, subj, 0)
			if err != nil {
				return err
			}
			var p pupil.Pupil
			for _, c := range commits {
				for _, e := range c.Commit.Events {
					p.Apply(e)
				}
			}
			agg = append(agg, time.Since(t))
			events += p.Version
			return nil
		}
		first, second := rawRead, aggLoad
		if i%2 == 1 {
			first, second = aggLoad, rawRead
		}
		if err := errors.Join(first(), second()); err != nil {
			return err
		}
	}
	name := fmt.Sprintf("aggregate load (%d events a pupil on average)", events/len(agg))
	rep.add(Line{Name: name + ", p50", Value: ms(agg.pct(.5)), Unit: "ms", Raw: ms(raw.pct(.5)), Ratio: ms(agg.pct(.5)) / ms(raw.pct(.5)), Target: "≤ 3 × raw read", Met: met(agg.pct(.5) <= 3*raw.pct(.5))})
	rep.add(Line{Name: name + ", p99", Value: ms(agg.pct(.99)), Unit: "ms", Raw: ms(raw.pct(.99)), Ratio: ms(agg.pct(.99)) / ms(raw.pct(.99)), Target: "≤ 3 × raw read", Met: met(agg.pct(.99) <= 3*raw.pct(.99))})
	return nil
}

// rebuilds compares a raw ordered-consumer read of the whole stream (the
// same pull size as the projector's) with projection rebuilds into memory,
// and into PostgreSQL when configured, each against the raw read,
// interleaved over the rounds.
func rebuilds(ctx context.Context, n *node.Node, o Options, rep *Report) error {
	last, err := n.Store.LastSeq(ctx)
	if err != nil {
		return err
	}
	stream, err := n.Store.JetStream().Stream(ctx, eventstore.StreamName)
	if err != nil {
		return err
	}
	pull := 2 * projector.New(n.Store, projections.NewMemory(), slog.New(slog.DiscardHandler)).BatchSize
	var rawRates, memRates, pgRates []float64
	rawRead := func() error {
		cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
		if err != nil {
			return err
		}
		start := time.Now()
		it, err := cons.Messages(jetstream.PullMaxMessages(pull))
		if err != nil {
			return err
		}
		defer it.Stop()
		for {
			m, err := it.Next()
			if err != nil {
				return err
			}
			if meta, _ := m.Metadata(); meta.Sequence.Stream >= last {
				break
			}
		}
		rawRates = append(rawRates, float64(last)/time.Since(start).Seconds())
		return nil
	}
	var events int64
	measure := func(store projections.Store, rates *[]float64) error {
		p := projector.New(n.Store, store, slog.New(slog.DiscardHandler))
		start := time.Now()
		if err := p.CatchUp(ctx, nil); err != nil {
			return err
		}
		*rates = append(*rates, float64(last)/time.Since(start).Seconds())
		_, events = p.Applied()
		return nil
	}
	rounds := max(o.Rounds, 1)
	if err := interleaved(rounds, rawRead, func() error { return measure(projections.NewMemory(), &memRates) }); err != nil {
		return err
	}
	raw, mem := median(rawRates), median(memRates)
	rep.add(Line{Name: fmt.Sprintf("raw ordered-consumer read of the stream (%d messages), median of %d", last, rounds), Value: raw, Unit: "messages/s"})
	rep.add(Line{Name: "in-memory projection rebuild", Value: mem, Unit: "messages/s", Raw: raw, Ratio: mem / raw, Target: "≥ 0.8 × raw read", Met: met(mem >= 0.8*raw)})
	rep.add(Line{Name: fmt.Sprintf("in-memory rebuild, %d events", events), Value: mem * float64(events) / float64(last), Unit: "events/s"})
	rep.add(Line{Name: "in-memory rebuild, the whole stream", Value: float64(last) / mem, Unit: "s", Target: "≤ 60 s", Met: met(float64(last)/mem <= 60)})
	if o.DatabaseURL == "" {
		return nil
	}
	pg, err := pgstore.Open(ctx, o.DatabaseURL, n.Store.Keys())
	if err != nil {
		return err
	}
	defer pg.Close()
	rawRates = nil
	err = interleaved(rounds, rawRead, func() error {
		if err := pg.Reset(ctx); err != nil {
			return err
		}
		return measure(pg, &pgRates)
	})
	if err != nil {
		return err
	}
	raw, pgr := median(rawRates), median(pgRates)
	rep.add(Line{Name: "PostgreSQL projection rebuild", Value: pgr, Unit: "messages/s", Raw: raw, Ratio: pgr / raw, Target: "≥ 0.4 × raw read", Met: met(pgr >= 0.4*raw)})
	return nil
}
