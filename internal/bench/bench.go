// Package bench measures sendcase against the raw limits of the engines it
// runs on, in one run on one embedded server configuration (file storage,
// sync before acknowledge): appends against plain JetStream publishes,
// aggregate loads against raw reads, projection rebuilds against a raw
// ordered-consumer read, start-up and memory of fresh `sendcase serve`
// processes, and the views under concurrent HTTP load.
//
// Both sides of every ratio are measured the same way: interleaved (A B,
// then B A), warm alike, over several rounds, and compared by their
// medians. See docs/performance.md.
package bench

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/internal/seed"
	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/snapshot"
)

// Options of a run.
type Options struct {
	Seed seed.Options
	// DataDir is the embedded server's data. When it already holds a
	// seeded trust, that trust is measured and nothing is seeded.
	DataDir     string
	DatabaseURL string
	// Appends is the number of commands in the append comparison, made on
	// a server of its own with its data in AppendsDir (default: beside
	// DataDir, on the same file system).
	Appends     int
	AppendsDir  string
	Concurrency int
	// Loads is the number of pupils loaded in the load comparison.
	Loads int
	// Rounds is how many times each side of a ratio is measured.
	Rounds int
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

// median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// interleaved runs a and b rounds times, alternating which goes first,
// so that neither always meets a warmer cache or a busier disk.
func interleaved(rounds int, a, b func() error) error {
	for r := range max(rounds, 1) {
		first, second := a, b
		if r%2 == 1 {
			first, second = b, a
		}
		if err := first(); err != nil {
			return err
		}
		if err := second(); err != nil {
			return err
		}
	}
	return nil
}

// Run performs the whole benchmark.
func Run(ctx context.Context, o Options) (Report, error) {
	logf := o.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if o.AppendsDir == "" {
		o.AppendsDir = filepath.Dir(filepath.Clean(o.DataDir))
	}
	rep := Report{Machine: fmt.Sprintf("%s/%s, %d CPUs, %s, data directory on %s, appends on %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(),
		fileSystem(o.DataDir), fileSystem(o.AppendsDir))}

	logf("appends: %d commands, %d at a time, against raw publishes, on a server and stream of their own in %s", o.Appends, o.Concurrency, o.AppendsDir)
	if err := appends(ctx, o, &rep); err != nil {
		return rep, err
	}

	// The bench measures the server's capacity, not the per-token limit
	// that protects it from one client, so the limit is lifted here. The
	// seeding server writes no snapshot; the fresh servers below do.
	cfg := node.Config{DataDir: o.DataDir, Logger: slog.New(slog.DiscardHandler), RatePerSecond: 1e9, RateBurst: 1 << 30, SnapshotEvery: -1, NoWarmUp: true}
	n, err := node.Start(ctx, cfg)
	if err != nil {
		return rep, err
	}
	defer func() { n.Close() }()
	sres, err := seedOrReuse(ctx, n, o, &rep, logf)
	if err != nil {
		return rep, err
	}

	logf("aggregate loads: %d pupils", o.Loads)
	if err := loads(ctx, n, o, &rep); err != nil {
		return rep, err
	}

	// Start again on the seeded data, as an operator would: fresh serve
	// processes, measured from outside; snapshots left by an earlier run
	// are deleted first, so that this one writes and loads its own.
	series, err := snapshot.Open(ctx, n.Store.JetStream(), eventstore.StreamName, 1, n.Store.Keys(), slog.New(slog.DiscardHandler))
	if err == nil {
		err = series.Clear(ctx)
	}
	if err != nil {
		return rep, err
	}
	n.Close()
	if err := startups(ctx, o, &rep, logf); err != nil {
		return rep, err
	}
	cfg.SnapshotEvery = 0 // load the snapshot the fresh servers wrote
	if n, err = node.Start(ctx, cfg); err != nil {
		return rep, err
	}

	logf("rebuilds: %d rounds", max(o.Rounds, 1))
	if err := rebuilds(ctx, n, o, &rep); err != nil {
		return rep, err
	}

	logf("HTTP views: %d clients, %s each", o.Clients, o.HTTP)
	if err := views(ctx, n, sres, o, &rep); err != nil {
		return rep, err
	}
	rep.add(Line{Name: "peak RSS of the bench process (seeding, rebuilds and views)", Value: float64(peakRSS()) / (1 << 20), Unit: "MiB"})
	return rep, nil
}

// seedOrReuse seeds the trust, or answers the one the data directory
// already holds (seeded by an earlier run or by `sendcase seed`).
func seedOrReuse(ctx context.Context, n *node.Node, o Options, rep *Report, logf func(string, ...any)) (seed.Result, error) {
	if id := firstTrust(n); id != "" {
		t, _ := n.Service.Directory().Trust(id)
		res := seed.Result{TrustID: id}
		for _, s := range t.Schools {
			res.SchoolIDs = append(res.SchoolIDs, s.ID)
		}
		if err := n.Projector.Store().EachTrustPupil(ctx, id, func(*projections.Summary) { res.Pupils++ }); err != nil {
			return res, err
		}
		last, err := n.Store.LastSeq(ctx)
		if err != nil {
			return res, err
		}
		logf("reusing the trust in %s: %d schools, %d SEN pupils, %d commits", o.DataDir, len(res.SchoolIDs), res.Pupils, last)
		rep.Trust = map[string]any{"reused": true, "schools": len(res.SchoolIDs), "sen_pupils": res.Pupils, "commits": last}
		return res, nil
	}
	logf("seeding %d schools × %d on roll × %d years", o.Seed.Schools, o.Seed.Roll, o.Seed.Years)
	sres, err := seed.Run(ctx, n.Service, o.Seed)
	if err != nil {
		return sres, fmt.Errorf("seed: %w", err)
	}
	rep.Trust = map[string]any{"schools": o.Seed.Schools, "roll": o.Seed.Roll, "years": o.Seed.Years, "sen_pupils": sres.Pupils,
		"commits": sres.Commits, "events": sres.Events}
	rep.add(Line{Name: "seed (commands through the app, 32 writers)", Value: float64(sres.Events) / sres.Elapsed.Seconds(), Unit: "events/s"})
	return sres, nil
}

func firstTrust(n *node.Node) string {
	ts := n.Service.Directory().Trusts()
	if len(ts) == 0 {
		return ""
	}
	return ts[len(ts)-1].ID
}

// Table renders the report as text.
func (r Report) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "machine: %s\ntrust: %v\n\n", r.Machine, r.Trust)
	fmt.Fprintf(&b, "%-66s %14s %-12s %14s %8s  %s\n", "measure", "value", "unit", "raw", "ratio", "target")
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
		fmt.Fprintf(&b, "%-66s %14.2f %-12s %14s %8s  %s\n", l.Name, l.Value, l.Unit, raw, ratio, target)
	}
	return b.String()
}
