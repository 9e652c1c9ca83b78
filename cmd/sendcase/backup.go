package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/node"
)

// storeFlags open the event store the way serve does.
func storeFlags(fs *flag.FlagSet) func(ctx context.Context) (*eventstore.Store, func(), error) {
	dataDir := fs.String("data", env("SENDCASE_DATA_DIR", "./data"), "embedded NATS storage (SENDCASE_DATA_DIR)")
	natsURL := fs.String("nats", env("NATS_URL", ""), "NATS server or cluster (NATS_URL)")
	numbers := newSettings(fs)
	replicas := numbers.Int("replicas", "SENDCASE_REPLICAS", 1, 1, 5, "stream replicas when creating it")
	return func(ctx context.Context) (*eventstore.Store, func(), error) {
		if err := numbers.Check(); err != nil {
			return nil, nil, err
		}
		nc, embedded, err := node.ConnectNATS(node.Config{NATSURL: *natsURL, DataDir: *dataDir})
		if err != nil {
			return nil, nil, err
		}
		closeAll := func() {
			nc.Close()
			if embedded != nil {
				embedded.Shutdown()
			}
		}
		s, err := eventstore.Open(ctx, nc, eventstore.Options{Replicas: replicas()})
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		return s, func() { s.Close(); closeAll() }, nil
	}
}

// storeCommand runs a tool that takes one FILE and the event store: it
// parses the flags, opens the store the way serve would, and calls run.
func storeCommand(name string, usage []string, args []string, run func(ctx context.Context, s *eventstore.Store, file string) error) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: sendcase %s FILE\n", name)
		for _, l := range usage {
			fmt.Fprintln(fs.Output(), l)
		}
		fs.PrintDefaults()
	}
	open := storeFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("need one FILE")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	s, closeAll, err := open(ctx)
	if err != nil {
		return err
	}
	defer closeAll()
	return run(ctx, s, fs.Arg(0))
}

func backupCmd(args []string) error {
	return storeCommand("backup", []string{
		"Writes every event, UPN claim and live idempotency answer to FILE (gzipped JSON lines).",
		"Safe while servers run against NATS_URL; with the embedded NATS stop `sendcase serve` first.",
	}, args, func(ctx context.Context, s *eventstore.Store, file string) error {
		tmp := file + ".partial"
		f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		start := time.Now()
		st, err := s.Backup(ctx, f)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(tmp)
			return err
		}
		// Only a complete backup gets the name asked for.
		if err := os.Rename(tmp, file); err != nil {
			return err
		}
		fmt.Printf("backed up %d messages, %d claims, %d keys and %d idempotency answers to %s in %s\n", st.Messages, st.Claims, st.Keys, st.Idempotent, file, time.Since(start).Round(time.Millisecond))
		return nil
	})
}

func restoreCmd(args []string) error {
	return storeCommand("restore", []string{
		"Restores a backup into an empty NATS server or cluster (it refuses one that has events).",
	}, args, func(ctx context.Context, s *eventstore.Store, file string) error {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		start := time.Now()
		st, err := s.Restore(ctx, f)
		if err != nil {
			return err
		}
		fmt.Printf("restored %d messages, %d claims, %d keys and %d idempotency answers in %s\n", st.Messages, st.Claims, st.Keys, st.Idempotent, time.Since(start).Round(time.Millisecond))
		return nil
	})
}
