package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/eventstore"
)

// appends compares plain publishes with event-store appends (expected
// subject sequence, message id) of the same payload at the same
// concurrency, interleaved over the rounds. They run on an embedded server
// of their own (its data in o.AppendsDir), so that the measured stream
// holds nothing of the bench's.
func appends(ctx context.Context, o Options, rep *Report) error {
	dir, err := os.MkdirTemp(o.AppendsDir, "sendcase-bench-appends-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := eventstore.StartEmbedded(eventstore.EmbeddedOptions{DataDir: dir})
	if err != nil {
		return err
	}
	defer srv.Shutdown()
	nc, err := srv.Connect("bench-appends")
	if err != nil {
		return err
	}
	defer nc.Close()
	s, err := eventstore.Open(ctx, nc, eventstore.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	return compareAppends(ctx, s, o, rep, "")
}

// compareAppends is the comparison itself, on s's stream; label names the
// server it ran on in the report's lines.
func compareAppends(ctx context.Context, s *eventstore.Store, o Options, rep *Report, label string) error {
	e, err := event.New("bench-event", 1, event.Actor{ID: "bench", Name: "bench", Role: "senco"}, time.Now(),
		pupil.SessionLogged{CycleID: app.NewID(), Session: pupil.Session{ID: app.NewID(), ProvisionID: app.NewID(), DeliveredOn: civil.MustParse("2025-11-10"), Minutes: 30, Attended: true}})
	if err != nil {
		return err
	}
	commit := &event.Commit{Aggregate: "bench", AggregateID: "x", Events: []event.Event{e}, Result: json.RawMessage(`{"id":"x","version":1,"seq":0}`)}
	payload, _ := json.Marshal(commit)
	rounds := max(o.Rounds, 1)
	per := max(o.Appends/o.Concurrency/rounds, 1)
	run := func(op func(g, i int) error) (latencies, float64, error) {
		lats := make([]latencies, o.Concurrency)
		var wg sync.WaitGroup
		var firstErr atomic.Value
		start := time.Now()
		for g := range o.Concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range per {
					t := time.Now()
					if err := op(g, i); err != nil {
						firstErr.CompareAndSwap(nil, err)
						return
					}
					lats[g] = append(lats[g], time.Since(t))
				}
			}()
		}
		wg.Wait()
		if err, _ := firstErr.Load().(error); err != nil {
			return nil, 0, err
		}
		all := slices.Concat(lats...)
		return all, float64(len(all)) / time.Since(start).Seconds(), nil
	}
	js := s.JetStream()
	prefix := strconv.FormatInt(time.Now().UnixNano(), 36)
	last := make([]uint64, o.Concurrency)
	var rawLat, appLat latencies
	var rawRates, appRates []float64
	round := 0
	err = interleaved(rounds, func() error {
		lat, rate, err := run(func(g, _ int) error {
			_, err := js.Publish(ctx, fmt.Sprintf("sendcase.benchraw.%s%d", prefix, g), payload)
			return err
		})
		if err != nil {
			return fmt.Errorf("raw publish: %w", err)
		}
		rawLat, rawRates = append(rawLat, lat...), append(rawRates, rate)
		return nil
	}, func() error {
		round++
		lat, rate, err := run(func(g, i int) error {
			r, err := s.Append(ctx, fmt.Sprintf("sendcase.benchagg.%s%d", prefix, g), last[g], commit, fmt.Sprintf("%s-%d-%d-%d", prefix, round, g, i))
			last[g] = r.Seq
			return err
		})
		if err != nil {
			return fmt.Errorf("append: %w", err)
		}
		appLat, appRates = append(appLat, lat...), append(appRates, rate)
		return nil
	})
	if err != nil {
		return err
	}
	rawRate, appRate := median(rawRates), median(appRates)
	rep.add(Line{Name: fmt.Sprintf("appends%s (expected-sequence checks), throughput, median of %d", label, rounds), Value: appRate, Unit: "commands/s", Raw: rawRate, Ratio: appRate / rawRate, Target: "≥ 0.8 × raw publish", Met: met(appRate >= 0.8*rawRate)})
	rep.add(Line{Name: "appends" + label + ", p50 latency", Value: ms(appLat.pct(.5)), Unit: "ms", Raw: ms(rawLat.pct(.5)), Ratio: ms(appLat.pct(.5)) / ms(rawLat.pct(.5))})
	rep.add(Line{Name: "appends" + label + ", p99 latency", Value: ms(appLat.pct(.99)), Unit: "ms", Raw: ms(rawLat.pct(.99)), Ratio: ms(appLat.pct(.99)) / ms(rawLat.pct(.99)), Target: "≤ 1.5 × raw", Met: met(appLat.pct(.99) <= rawLat.pct(.99)*3/2)})
	return nil
}
