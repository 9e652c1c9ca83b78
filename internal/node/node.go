// Package node assembles a running sendcase: NATS (embedded or external),
// the event store, the read models, the application service and the HTTP
// handler. The serve command and the end-to-end tests both start it here,
// so tests exercise exactly what production runs.
package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/sendcase/sendcase/api"
	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/projections"
)

// Config is everything a node needs.
type Config struct {
	// DataDir is the embedded server's storage (used when NATSURL is empty).
	DataDir string
	// NATSURL selects an external NATS server or cluster.
	NATSURL string
	// NATSListen makes the embedded server accept TCP clients on host:port.
	NATSListen string
	// Replicas of the stream (3 on a cluster).
	Replicas int
	// AdminToken creates the service administrator at start-up.
	AdminToken string
	// Now is the clock (tests pin it).
	Now    func() time.Time
	Logger *slog.Logger
}

// Node is a running sendcase.
type Node struct {
	Handler  http.Handler
	Service  *app.Service
	Store    *eventstore.Store
	Embedded *eventstore.Embedded
	nc       *nats.Conn
	dir      *projections.Follower
	log      *slog.Logger
}

// Start connects, opens the store, catches the directory up and builds the handler.
func Start(ctx context.Context, cfg Config) (n *Node, err error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	n = &Node{log: cfg.Logger}
	defer func() {
		if err != nil {
			n.Close()
		}
	}()
	if cfg.NATSURL == "" {
		n.Embedded, err = eventstore.StartEmbedded(eventstore.EmbeddedOptions{DataDir: cfg.DataDir, Listen: cfg.NATSListen})
		if err != nil {
			return nil, err
		}
		if n.nc, err = n.Embedded.Connect("sendcase"); err != nil {
			return nil, err
		}
	} else if n.nc, err = eventstore.Dial(cfg.NATSURL, "sendcase"); err != nil {
		return nil, err
	}
	if n.Store, err = eventstore.Open(ctx, n.nc, eventstore.Options{Replicas: cfg.Replicas}); err != nil {
		return nil, err
	}
	dir := projections.NewDirectory()
	if n.dir, err = projections.Follow(ctx, n.Store.JetStream(), projections.DirectorySubjects, 1, dir, cfg.Logger); err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := n.dir.WaitCaughtUp(cctx); err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	n.Service = app.New(n.Store, dir, app.Options{Now: cfg.Now})
	if cfg.AdminToken != "" {
		if _, err := n.Service.EnsureAdmin(ctx, cfg.AdminToken); err != nil {
			return nil, err
		}
	}
	n.Handler = api.New(n.Service, api.Options{Logger: cfg.Logger, Ready: n.ready})
	return n, nil
}

// ready: NATS connected, JetStream answering, directory caught up.
func (n *Node) ready(ctx context.Context) error {
	if st := n.nc.Status(); st != nats.CONNECTED {
		return fmt.Errorf("nats %s", st)
	}
	if _, err := n.Store.LastSeq(ctx); err != nil {
		return err
	}
	lag, err := n.dir.Lag(ctx)
	if err != nil {
		return err
	}
	if lag > 0 {
		return fmt.Errorf("directory %d events behind", lag)
	}
	return nil
}

// Close stops the read models and disconnects; the embedded server flushes to disk.
func (n *Node) Close() {
	if n.dir != nil {
		n.dir.Stop()
	}
	if n.Store != nil {
		n.Store.Close()
	}
	if n.nc != nil {
		if err := n.nc.Drain(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
			n.log.Warn("nats drain", "err", err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for !n.nc.IsClosed() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if n.Embedded != nil {
		n.Embedded.Shutdown()
	}
}
