package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/projections/pgstore"
	"github.com/sendcase/sendcase/projections/projector"
)

// projectionNames are the projections `rebuild` knows; all views are served
// from the one "pupils" projection.
var projectionNames = []string{"pupils"}

func rebuild(args []string) error {
	fs := flag.NewFlagSet("rebuild", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: sendcase rebuild [-projection pupils|all] (needs DATABASE_URL)")
		fmt.Fprintln(fs.Output(), "Drops the projection in PostgreSQL and rebuilds it from the event stream.")
		fmt.Fprintln(fs.Output(), "With the embedded NATS, stop `sendcase serve` first (or point NATS_URL at its SENDCASE_NATS_LISTEN port).")
		fs.PrintDefaults()
	}
	which := fs.String("projection", "all", "projection to rebuild: pupils or all")
	dataDir := fs.String("data", env("SENDCASE_DATA_DIR", "./data"), "embedded NATS storage (SENDCASE_DATA_DIR)")
	natsURL := fs.String("nats", env("NATS_URL", ""), "NATS server (NATS_URL)")
	databaseURL := fs.String("database", env("DATABASE_URL", ""), "PostgreSQL (DATABASE_URL)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *which != "all" && *which != projectionNames[0] {
		return fmt.Errorf("unknown projection %q (have: pupils, all)", *which)
	}
	if *databaseURL == "" {
		return errors.New("rebuild works on the PostgreSQL projections: set DATABASE_URL (in-memory ones are rebuilt at every start)")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	nc, embedded, err := node.ConnectNATS(node.Config{NATSURL: *natsURL, DataDir: *dataDir})
	if err != nil {
		return err
	}
	defer func() {
		nc.Close()
		if embedded != nil {
			embedded.Shutdown()
		}
	}()
	es, err := eventstore.Open(ctx, nc, eventstore.Options{})
	if err != nil {
		return err
	}
	defer es.Close()
	pg, err := pgstore.Open(ctx, *databaseURL, es.Keys())
	if err != nil {
		return err
	}
	defer pg.Close()
	// Hold the lease so that no running server applies while we rebuild.
	lctx, release, err := pg.Lead(ctx)
	if err != nil {
		return err
	}
	defer release()
	if err := pg.Reset(lctx); err != nil {
		return err
	}
	total, err := es.LastSeq(lctx)
	if err != nil {
		return err
	}
	p := projector.New(es, pg, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	bar := progressbar.NewOptions64(int64(total),
		progressbar.OptionSetDescription("rebuilding "+*which),
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionShowCount(),
		progressbar.OptionSetItsString("commits"),
		progressbar.OptionShowIts(),
		progressbar.OptionSetVisibility(!*quiet),
		progressbar.OptionClearOnFinish(),
	)
	start := time.Now()
	err = p.CatchUp(lctx, func(applied, _ uint64) { _ = bar.Set64(int64(applied)) })
	_ = bar.Finish()
	if err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	elapsed := time.Since(start)
	commits, events := p.Applied()
	rate := float64(events) / max(elapsed.Seconds(), 1e-9)
	fmt.Printf("rebuilt %s: %d events in %d commits (stream seq %d) in %s, %.0f events/s\n",
		*which, events, commits, total, elapsed.Round(time.Millisecond), rate)
	return nil
}
