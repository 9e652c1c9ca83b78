// Package bench measures sendcase against the raw limits of the engines it
// runs on, in one run on one embedded server configuration (file storage,
// sync before acknowledge): appends against plain JetStream publishes,
// aggregate loads against raw reads, projection rebuilds against a raw
// ordered-consumer read, and the views under concurrent HTTP load.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/internal/seed"
	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/pgstore"
	"github.com/sendcase/sendcase/projections/projector"
)

// Options of a run.
type Options struct {
	Seed        seed.Options
	DataDir     string
	DatabaseURL string
	// Appends is the number of commands in the append comparison.
	Appends     int
	Concurrency int
	// Loads is the number of pupils loaded in the load comparison.
	Loads int
	// HTTP is how long each view is loaded by the HTTP clients.
	HTTP    time.Duration
	Clients int
	// CPUProfile, when set, is where a CPU profile of the uncached view
	// computations is written.
	CPUProfile string
	Log        func(format string, args ...any)
}

// Line is one measurement, with its raw counterpart when it has one.
type Line struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"`
	Raw    float64 `json:"raw,omitempty"`
	Ratio  float64 `json:"ratio,omitempty"`
	Target string  `json:"target,omitempty"`
	Met    *bool   `json:"met,omitempty"`
}

// Report is the outcome of a run.
type Report struct {
	Machine string         `json:"machine"`
	Trust   map[string]any `json:"trust"`
	Lines   []Line         `json:"lines"`
}

func (r *Report) add(l Line) { r.Lines = append(r.Lines, l) }

func met(ok bool) *bool { return &ok }

// latencies summarises durations.
type latencies []time.Duration

func (l latencies) pct(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Run performs the whole benchmark.
func Run(ctx context.Context, o Options) (Report, error) {
	logf := o.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	rep := Report{Machine: fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())}
	// The bench measures the server's capacity, not the per-token limit
	// that protects it from one client, so the limit is lifted here.
	cfg := node.Config{DataDir: o.DataDir, Logger: slog.New(slog.DiscardHandler), RatePerSecond: 1e9, RateBurst: 1 << 30}
	n, err := node.Start(ctx, cfg)
	if err != nil {
		return rep, err
	}
	defer func() { n.Close() }()

	logf("appends: %d commands, %d at a time, raw publish first", o.Appends, o.Concurrency)
	if err := appends(ctx, n.Store, o, &rep); err != nil {
		return rep, err
	}

	logf("seeding %d schools × %d on roll × %d years", o.Seed.Schools, o.Seed.Roll, o.Seed.Years)
	sres, err := seed.Run(ctx, n.Service, o.Seed)
	if err != nil {
		return rep, fmt.Errorf("seed: %w", err)
	}
	rep.Trust = map[string]any{"schools": o.Seed.Schools, "roll": o.Seed.Roll, "years": o.Seed.Years, "sen_pupils": sres.Pupils,
		"commits": sres.Commits, "events": sres.Events}
	rep.add(Line{Name: "seed (commands through the app, 32 writers)", Value: float64(sres.Events) / sres.Elapsed.Seconds(), Unit: "events/s"})

	logf("aggregate loads: %d pupils", o.Loads)
	if err := loads(ctx, n, o, &rep); err != nil {
		return rep, err
	}

	// Start again on the seeded data, as an operator would: the in-memory
	// views are rebuilt from the stream before the server answers.
	logf("restart on the seeded data")
	n.Close()
	runtime.GC()
	debug.FreeOSMemory()
	before := currentRSS()
	start := time.Now()
	if n, err = node.Start(ctx, cfg); err != nil {
		return rep, err
	}
	startup := time.Since(start)
	rep.add(Line{Name: "start-up on the seeded data (rebuilds the in-memory views)", Value: startup.Seconds(), Unit: "s", Target: "≤ 60 s", Met: met(startup <= time.Minute)})
	runtime.GC()
	debug.FreeOSMemory()
	after := currentRSS()
	rep.add(Line{Name: "resident memory after start-up (NATS and views)", Value: float64(after) / (1 << 20), Unit: "MiB", Target: "≤ 1024 MiB", Met: met(after <= 1<<30)})
	_ = before

	logf("rebuilds")
	if err := rebuilds(ctx, n, o, &rep); err != nil {
		return rep, err
	}

	logf("HTTP views: %d clients, %s each", o.Clients, o.HTTP)
	if err := views(ctx, n, sres, o, &rep); err != nil {
		return rep, err
	}
	rep.add(Line{Name: "peak RSS of the whole run (seeding included)", Value: float64(peakRSS()) / (1 << 20), Unit: "MiB"})
	return rep, nil
}

// appends compares plain publishes with event-store appends (expected
// subject sequence, message id) of the same payload at the same concurrency.
func appends(ctx context.Context, s *eventstore.Store, o Options, rep *Report) error {
	e, err := event.New("bench-event", 1, event.Actor{ID: "bench", Name: "bench", Role: "senco"}, time.Now(),
		pupil.SessionLogged{CycleID: app.NewID(), Session: pupil.Session{ID: app.NewID(), ProvisionID: app.NewID(), DeliveredOn: civil.MustParse("2025-11-10"), Minutes: 30, Attended: true}})
	if err != nil {
		return err
	}
	commit := &event.Commit{Aggregate: "bench", AggregateID: "x", Events: []event.Event{e}, Result: json.RawMessage(`{"id":"x","version":1,"seq":0}`)}
	payload, _ := json.Marshal(commit)
	run := func(op func(g, i int) error) (latencies, time.Duration, error) {
		per := o.Appends / o.Concurrency
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
		return slices.Concat(lats...), time.Since(start), nil
	}
	js := s.JetStream()
	prefix := strconv.FormatInt(time.Now().UnixNano(), 36)
	rawLat, rawDur, err := run(func(g, _ int) error {
		_, err := js.Publish(ctx, fmt.Sprintf("sendcase.benchraw.%s%d", prefix, g), payload)
		return err
	})
	if err != nil {
		return fmt.Errorf("raw publish: %w", err)
	}
	last := make([]uint64, o.Concurrency)
	appLat, appDur, err := run(func(g, i int) error {
		r, err := s.Append(ctx, fmt.Sprintf("sendcase.benchagg.%s%d", prefix, g), last[g], commit, fmt.Sprintf("%s-%d-%d", prefix, g, i))
		last[g] = r.Seq
		return err
	})
	if err != nil {
		return fmt.Errorf("append: %w", err)
	}
	rawRate, appRate := float64(len(rawLat))/rawDur.Seconds(), float64(len(appLat))/appDur.Seconds()
	rep.add(Line{Name: "appends (expected-sequence checks), throughput", Value: appRate, Unit: "commands/s", Raw: rawRate, Ratio: appRate / rawRate, Target: "≥ 0.8 × raw publish", Met: met(appRate >= 0.8*rawRate)})
	rep.add(Line{Name: "appends, p50 latency", Value: ms(appLat.pct(.5)), Unit: "ms", Raw: ms(rawLat.pct(.5)), Ratio: ms(appLat.pct(.5)) / ms(rawLat.pct(.5))})
	rep.add(Line{Name: "appends, p99 latency", Value: ms(appLat.pct(.99)), Unit: "ms", Raw: ms(rawLat.pct(.99)), Ratio: ms(appLat.pct(.99)) / ms(rawLat.pct(.99)), Target: "≤ 1.5 × raw", Met: met(appLat.pct(.99) <= rawLat.pct(.99)*3/2)})
	return nil
}

// loads compares reading a pupil's messages with loading the aggregate
// (decode and fold), both uncached.
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
	for _, id := range ids {
		subj := eventlog.Subject("pupil", id)
		t := time.Now()
		msgs, err := n.Store.LoadRaw(ctx, subj)
		if err != nil {
			return err
		}
		raw = append(raw, time.Since(t))
		t = time.Now()
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
		_ = msgs
	}
	name := fmt.Sprintf("aggregate load (%d events a pupil on average)", events/len(ids))
	rep.add(Line{Name: name + ", p50", Value: ms(agg.pct(.5)), Unit: "ms", Raw: ms(raw.pct(.5)), Ratio: ms(agg.pct(.5)) / ms(raw.pct(.5)), Target: "≤ 3 × raw read", Met: met(agg.pct(.5) <= 3*raw.pct(.5))})
	rep.add(Line{Name: name + ", p99", Value: ms(agg.pct(.99)), Unit: "ms", Raw: ms(raw.pct(.99)), Ratio: ms(agg.pct(.99)) / ms(raw.pct(.99)), Target: "≤ 3 × raw read", Met: met(agg.pct(.99) <= 3*raw.pct(.99))})
	return nil
}

func firstTrust(n *node.Node) string {
	ts := n.Service.Directory().Trusts()
	if len(ts) == 0 {
		return ""
	}
	return ts[len(ts)-1].ID
}

// rebuilds compares a raw ordered-consumer read of the whole stream with
// projection rebuilds into memory (and PostgreSQL when configured).
func rebuilds(ctx context.Context, n *node.Node, o Options, rep *Report) error {
	last, err := n.Store.LastSeq(ctx)
	if err != nil {
		return err
	}
	stream, err := n.Store.JetStream().Stream(ctx, eventstore.StreamName)
	if err != nil {
		return err
	}
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return err
	}
	start := time.Now()
	it, err := cons.Messages(jetstream.PullMaxMessages(1000))
	if err != nil {
		return err
	}
	for {
		m, err := it.Next()
		if err != nil {
			it.Stop()
			return err
		}
		if meta, _ := m.Metadata(); meta.Sequence.Stream >= last {
			break
		}
	}
	it.Stop()
	rawRate := float64(last) / time.Since(start).Seconds()

	measure := func(store projections.Store) (float64, time.Duration, int64, error) {
		counting := &countingStore{Store: store}
		p := projector.New(n.Store, counting, slog.New(slog.DiscardHandler))
		start := time.Now()
		err := p.CatchUp(ctx, nil)
		d := time.Since(start)
		return float64(last) / d.Seconds(), d, counting.events, err
	}
	memRate, memDur, events, err := measure(projections.NewMemory())
	if err != nil {
		return err
	}
	rep.add(Line{Name: fmt.Sprintf("raw ordered-consumer read of the stream (%d messages)", last), Value: rawRate, Unit: "messages/s"})
	rep.add(Line{Name: "in-memory projection rebuild", Value: memRate, Unit: "messages/s", Raw: rawRate, Ratio: memRate / rawRate, Target: "≥ 0.5 × raw read", Met: met(memRate >= 0.5*rawRate)})
	rep.add(Line{Name: fmt.Sprintf("in-memory rebuild, %d events", events), Value: float64(events) / memDur.Seconds(), Unit: "events/s"})
	if o.DatabaseURL != "" {
		pg, err := pgstore.Open(ctx, o.DatabaseURL, n.Store.Keys())
		if err != nil {
			return err
		}
		defer pg.Close()
		if err := pg.Reset(ctx); err != nil {
			return err
		}
		pgRate, _, _, err := measure(pg)
		if err != nil {
			return err
		}
		rep.add(Line{Name: "PostgreSQL projection rebuild", Value: pgRate, Unit: "messages/s", Raw: rawRate, Ratio: pgRate / rawRate, Target: "≥ 0.25 × raw read", Met: met(pgRate >= 0.25*rawRate)})
	}
	return nil
}

type countingStore struct {
	projections.Store
	events int64
}

func (c *countingStore) Apply(ctx context.Context, batch []projections.Item) error {
	for _, it := range batch {
		c.events += int64(len(it.Commit.Events))
	}
	return c.Store.Apply(ctx, batch)
}

// views loads the caseload of the largest school and the trust workload
// with concurrent HTTP clients against the real handler.
func views(ctx context.Context, n *node.Node, s seed.Result, o Options, rep *Report) error {
	last, _ := n.Store.LastSeq(ctx)
	wctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := n.Projector.WaitFor(wctx, last); err != nil {
		return err
	}
	mk := func(role user.Role, schools []string) (string, error) {
		res, err := n.Service.CreateUser(ctx, app.System, app.CommandOptions{}, user.Create{Name: "Bench " + string(role), Email: "bench@example.org", Role: role, TrustID: s.TrustID, SchoolIDs: schools})
		return res.Token, err
	}
	senco, err := mk(user.SENCO, s.SchoolIDs[:1])
	if err != nil {
		return err
	}
	lead, err := mk(user.TrustLead, nil)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(n.Handler)
	defer srv.Close()
	caseloadSize := 0
	_ = n.Projector.Store().EachSchoolPupil(ctx, s.SchoolIDs[0], func(*projections.Summary) { caseloadSize++ })
	// What one computation costs, without the view cache: what a request
	// pays after every change, one client at a time.
	v := projections.Views{Store: n.Projector.Store(), Dir: n.Service.Directory()}
	today := civil.Today(time.Now())
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var cl, wl latencies
	for range 20 {
		t := time.Now()
		if _, err := v.Caseload(ctx, s.SchoolIDs[0], today, projections.CaseloadFilter{}); err != nil {
			return err
		}
		cl = append(cl, time.Since(t))
		t = time.Now()
		if _, err := v.Workload(ctx, s.TrustID, today); err != nil {
			return err
		}
		wl = append(wl, time.Since(t))
	}
	// What falls due (issue 19): per school, as a SENCO's page, a trust
	// lead's (every school) and each reminder run (every SENCO) compute it.
	var dl, dt latencies
	for range 10 {
		t := time.Now()
		if _, err := v.Due(ctx, s.SchoolIDs[0], today, 30); err != nil {
			return err
		}
		dl = append(dl, time.Since(t))
		t = time.Now()
		for _, sch := range s.SchoolIDs {
			if _, err := v.Due(ctx, sch, today, 30); err != nil {
				return err
			}
		}
		dt = append(dt, time.Since(t))
	}
	rep.add(Line{Name: fmt.Sprintf("caseload of a %d-pupil school, one uncached computation, p50", caseloadSize), Value: ms(cl.pct(.5)), Unit: "ms"})
	rep.add(Line{Name: fmt.Sprintf("due list of a %d-pupil school, one uncached computation, p50", caseloadSize), Value: ms(dl.pct(.5)), Unit: "ms"})
	rep.add(Line{Name: fmt.Sprintf("due list of a %d-school trust (its lead's page; a reminder run's planning), p50", len(s.SchoolIDs)), Value: ms(dt.pct(.5)), Unit: "ms"})
	rep.add(Line{Name: fmt.Sprintf("workload of a %d-school trust, one uncached computation, p50", len(s.SchoolIDs)), Value: ms(wl.pct(.5)), Unit: "ms"})
	// The past: views folded again from history (issue 15).
	past := v
	past.Today = today
	twoYearsAgo := today.AddMonths(-24)
	var pcl, tr latencies
	for range 5 {
		t := time.Now()
		if _, err := past.Caseload(ctx, s.SchoolIDs[0], twoYearsAgo, projections.CaseloadFilter{}); err != nil {
			return err
		}
		pcl = append(pcl, time.Since(t))
	}
	for range 3 {
		t := time.Now()
		if _, err := past.Trends(ctx, s.TrustID, "", today.AddMonths(-23), today); err != nil {
			return err
		}
		tr = append(tr, time.Since(t))
	}
	// Delivery and impact (issue 21): the trust's, uncached, over the four
	// weeks to today and over the last school year's reviews.
	yearAgo := today.AddMonths(-12)
	var dv, im latencies
	for range 5 {
		t := time.Now()
		if _, err := past.Delivery(ctx, s.TrustID, "", today.AddDays(-27), today, today); err != nil {
			return err
		}
		dv = append(dv, time.Since(t))
		t = time.Now()
		if _, err := past.Impact(ctx, s.TrustID, "", yearAgo, today, today, true); err != nil {
			return err
		}
		im = append(im, time.Since(t))
	}
	rep.add(Line{Name: fmt.Sprintf("delivery of a %d-school trust, 4 weeks, one uncached computation, p50", len(s.SchoolIDs)), Value: ms(dv.pct(.5)), Unit: "ms",
		Target: "≤ 1000 ms", Met: met(dv.pct(.5) <= time.Second)})
	rep.add(Line{Name: fmt.Sprintf("impact of a %d-school trust, 12 months of reviews, one uncached computation, p50", len(s.SchoolIDs)), Value: ms(im.pct(.5)), Unit: "ms",
		Target: "≤ 1000 ms", Met: met(im.pct(.5) <= time.Second)})
	rep.add(Line{Name: fmt.Sprintf("caseload of a %d-pupil school as of two years back, one uncached computation, p50", caseloadSize), Value: ms(pcl.pct(.5)), Unit: "ms"})
	rep.add(Line{Name: fmt.Sprintf("24-month trends of a %d-school trust, one uncached computation, p50", len(s.SchoolIDs)), Value: ms(tr.pct(.5)), Unit: "ms",
		Target: "≤ 1000 ms", Met: met(tr.pct(.5) <= time.Second)})
	if o.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	for _, v := range []struct {
		name, path, token string
		target            time.Duration
	}{
		{fmt.Sprintf("caseload of a %d-pupil school", caseloadSize), "/v1/schools/" + s.SchoolIDs[0] + "/caseload", senco, 20 * time.Millisecond},
		{fmt.Sprintf("workload of a %d-school trust", len(s.SchoolIDs)), "/v1/trusts/" + s.TrustID + "/workload", lead, 50 * time.Millisecond},
		{"due list of one school, as its trust lead opens it", "/v1/me/due?within=30&school=" + s.SchoolIDs[0], lead, 0}, // no target set: measured
		{fmt.Sprintf("due list of every school of a %d-school trust (the export)", len(s.SchoolIDs)), "/v1/me/due?within=30", lead, 0},
		{fmt.Sprintf("caseload of a %d-pupil school as of two years back", caseloadSize), "/v1/schools/" + s.SchoolIDs[0] + "/caseload?as_of=" + twoYearsAgo.String(), senco, 50 * time.Millisecond},
		{fmt.Sprintf("delivery of a %d-school trust", len(s.SchoolIDs)), "/v1/trusts/" + s.TrustID + "/delivery", lead, 50 * time.Millisecond},
		{fmt.Sprintf("impact of a %d-school trust, 12 months of reviews", len(s.SchoolIDs)), "/v1/trusts/" + s.TrustID + "/impact?from=" + yearAgo.String(), lead, 50 * time.Millisecond},
		{"impact of one school, as its SENCO opens it", "/v1/schools/" + s.SchoolIDs[0] + "/impact?from=" + yearAgo.String(), senco, 50 * time.Millisecond},
	} {
		lat, count, err := load(srv.URL+v.path, v.token, o.Clients, o.HTTP)
		if err != nil {
			return err
		}
		rep.add(Line{Name: v.name + ", p50", Value: ms(lat.pct(.5)), Unit: "ms"})
		p99 := Line{Name: v.name + ", p99", Value: ms(lat.pct(.99)), Unit: "ms"}
		if v.target > 0 {
			p99.Target, p99.Met = fmt.Sprintf("≤ %d ms", v.target.Milliseconds()), met(lat.pct(.99) <= v.target)
		}
		rep.add(p99)
		rep.add(Line{Name: v.name + ", throughput", Value: float64(count) / o.HTTP.Seconds(), Unit: "requests/s"})
	}
	return nil
}

func load(url, token string, clients int, d time.Duration) (latencies, int, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	deadline := time.Now().Add(d)
	lats := make([]latencies, clients)
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				t := time.Now()
				res, err := client.Do(req)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					firstErr.CompareAndSwap(nil, fmt.Errorf("%s: status %d", url, res.StatusCode))
					return
				}
				lats[c] = append(lats[c], time.Since(t))
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return nil, 0, err
	}
	all := slices.Concat(lats...)
	return all, len(all), nil
}

// peakRSS is the process's high-water resident set (Linux).
func peakRSS() int64 { return procStatus("VmHWM:") }

// currentRSS is the process's resident set now (Linux).
func currentRSS() int64 { return procStatus("VmRSS:") }

func procStatus(key string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, key) {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// Table renders the report as text.
func (r Report) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "machine: %s\ntrust: %v\n\n", r.Machine, r.Trust)
	fmt.Fprintf(&b, "%-62s %14s %-12s %14s %8s  %s\n", "measure", "value", "unit", "raw", "ratio", "target")
	for _, l := range r.Lines {
		raw, ratio := "", ""
		if l.Raw != 0 {
			raw, ratio = strconv.FormatFloat(l.Raw, 'f', 2, 64), strconv.FormatFloat(l.Ratio, 'f', 2, 64)
		}
		target := l.Target
		if l.Met != nil {
			if *l.Met {
				target += "  met"
			} else {
				target += "  MISSED"
			}
		}
		fmt.Fprintf(&b, "%-62s %14.2f %-12s %14s %8s  %s\n", l.Name, l.Value, l.Unit, raw, ratio, target)
	}
	return b.String()
}
