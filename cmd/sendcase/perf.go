package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/internal/bench"
	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/internal/seed"
)

// seedFlags are shared by seed and bench.
func seedFlags(fs *flag.FlagSet, schools, roll, years int) func() (seed.Options, error) {
	s := fs.Int("schools", schools, "schools in the trust")
	p := fs.Int("pupils", roll, "pupils on each school's roll (15% on the SEN register, 5% with EHC plans)")
	y := fs.Int("years", years, "years of history")
	sd := fs.Uint64("seed", 1, "random seed: the same seed gives the same trust")
	until := fs.String("until", "", "last day of the history (default today)")
	return func() (seed.Options, error) {
		u := civil.Today(time.Now())
		if *until != "" {
			d, err := civil.Parse(*until)
			if err != nil {
				return seed.Options{}, fmt.Errorf("-until: %w", err)
			}
			u = d
		}
		return seed.Options{Schools: *s, Roll: *p, Years: *y, Seed: *sd, Until: u}, nil
	}
}

func seedCmd(args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	opts := seedFlags(fs, 10, 2000, 3)
	startNode := nodeFlags(fs)
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o, err := opts()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	// The seed writes commands and reads no view: it keeps none, so that
	// its memory does not grow with the history it writes; and each of its
	// writers makes one pupil at a time, start to finish, so a few pupils
	// cached for each is all that helps.
	n, err := startNode(ctx, func(c *node.Config) { c.NoViews, c.CachedPupils = true, 4*seed.DefaultWorkers })
	if err != nil {
		return err
	}
	defer n.Close()
	bar := progressbar.NewOptions(o.Schools*o.Roll*15/100, progressbar.OptionSetDescription("seeding pupils"),
		progressbar.OptionSetWriter(os.Stderr), progressbar.OptionShowCount(), progressbar.OptionShowIts(),
		progressbar.OptionSetVisibility(!*quiet), progressbar.OptionClearOnFinish())
	o.Progress = func(done, _ int) { _ = bar.Set(done) }
	res, err := seed.Run(ctx, n.Service, o)
	_ = bar.Finish()
	if err != nil {
		return err
	}
	fmt.Printf("seeded trust %s: %d schools, %d SEN pupils, %d events in %d commits in %s: %.0f events/s\n",
		res.TrustID, len(res.SchoolIDs), res.Pupils, res.Events, res.Commits, res.Elapsed.Round(time.Millisecond), float64(res.Events)/res.Elapsed.Seconds())
	return nil
}

func benchCmd(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	opts := seedFlags(fs, 10, 2000, 1)
	appends := fs.Int("appends", 20000, "commands in the append comparison")
	appendsDir := fs.String("appends-dir", "", "where the append comparison's own server keeps its data (default: beside -data, on the same file system)")
	concurrency := fs.Int("concurrency", 32, "concurrent writers in the append comparison")
	loads := fs.Int("loads", 200, "pupils in the aggregate-load comparison")
	rounds := fs.Int("rounds", 3, "rounds of each side of a ratio, interleaved; medians compared")
	httpFor := fs.Duration("http", 5*time.Second, "how long each view is loaded")
	clients := fs.Int("clients", 32, "concurrent HTTP clients")
	databaseURL := fs.String("database", env("DATABASE_URL", ""), "also rebuild into this PostgreSQL (DATABASE_URL)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the uncached view computations to this file (go tool pprof)")
	dataDir := fs.String("data", "", "where the benchmark's embedded NATS keeps its data (default: a temporary directory, removed after); a trust already seeded there is measured without seeding again")
	natsURL := fs.String("nats", "", "measure this 3-node cluster instead (appends against raw publishes, commands through two serve processes)")
	cluster := fs.Bool("cluster", false, "start a 3-node R3 cluster (sync always) and measure it as -nats does, killing the stream leader's node part way")
	runFor := fs.Duration("for", 30*time.Second, "with -nats or -cluster: how long the commands through the two servers run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *natsURL != "" || *cluster {
		return benchCluster(*natsURL, *dataDir, *appends, *concurrency, *rounds, *runFor, *asJSON)
	}
	o, err := opts()
	if err != nil {
		return err
	}
	dir := *dataDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "sendcase-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	o.Workers = seed.DefaultWorkers
	rep, err := bench.Run(ctx, bench.Options{Seed: o, DataDir: dir, DatabaseURL: *databaseURL, Appends: *appends, AppendsDir: *appendsDir, Concurrency: *concurrency,
		Loads: *loads, Rounds: *rounds, HTTP: *httpFor, Clients: *clients, CPUProfile: *cpuProfile, Log: func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }})
	if err != nil {
		return err
	}
	return printBench(rep, *asJSON)
}

// benchCluster is `sendcase bench -nats URL` and `-cluster`.
func benchCluster(url, dir string, appends, concurrency, rounds int, runFor time.Duration, asJSON bool) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "sendcase-bench-cluster-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	rep, err := bench.RunCluster(ctx, bench.ClusterOptions{NATSURL: url, Dir: dir, Appends: appends, Concurrency: concurrency, Rounds: rounds, For: runFor,
		Log: func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }})
	if err != nil {
		return err
	}
	return printBench(rep, asJSON)
}

// printBench writes a bench report as a table, or as JSON.
func printBench(rep bench.Report, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Print(rep.Table())
	return nil
}
