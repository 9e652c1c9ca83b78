// Package node assembles a running sendcase: NATS (embedded or external),
// the event store, the read models, the application service and the HTTP
// handler. The serve command and the end-to-end tests both start it here,
// so tests exercise exactly what production runs.
package node

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/sendcase/sendcase/api"
	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/httpx"
	"github.com/sendcase/sendcase/passkey"
	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/pgstore"
	"github.com/sendcase/sendcase/projections/projector"
	"github.com/sendcase/sendcase/sso"
	"github.com/sendcase/sendcase/web"
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
	// DatabaseURL keeps the projections in PostgreSQL instead of memory.
	DatabaseURL string
	// AdminToken creates the service administrator at start-up.
	AdminToken string
	// MaxInFlight bounds concurrent HTTP requests (0: the default).
	MaxInFlight int
	// RatePerSecond and RateBurst limit each token (0: the defaults).
	RatePerSecond float64
	RateBurst     int
	// SignInsPerMinute and SignInBurst limit sign-in attempts per client
	// address (0: the defaults).
	SignInsPerMinute float64
	SignInBurst      int
	// PublicURL is where people reach the service: invitation links,
	// passkeys' relying party, the identity providers' callback.
	PublicURL string
	// Providers are the OpenID Connect providers people sign in with.
	Providers []*sso.Provider
	// Mailer sends invitations (nil: the inviter is shown the link).
	Mailer app.Mailer
	// DigestAt is when the weekly reminder emails go (zero: Monday 07:00).
	DigestAt app.WeeklyTime
	// RemindEvery is how often this server works through the reminder
	// schedule when it has a mailer (0: every minute; negative: never, for
	// tests that run it by hand).
	RemindEvery time.Duration
	// SnapshotEvery and SnapshotInterval schedule the snapshots of the
	// in-memory views: one is written once this many commits have been
	// applied since the last, or this long after it if any were (0: every
	// 100,000 commits or an hour; SnapshotEvery negative: never, and
	// none is loaded).
	SnapshotEvery    int
	SnapshotInterval time.Duration
	// NoViews keeps no pupil views at all (projections.Discard): for a
	// process that only writes commands (`sendcase seed`).
	NoViews bool
	// CachedPupils bounds the pupil aggregates the command side keeps
	// (0: app's default).
	CachedPupils int
	// NoWarmUp leaves the trends to be worked out when first asked for,
	// instead of in the background once the in-memory views are loaded
	// (the bench measures that first time).
	NoWarmUp bool
	// Now is the clock (tests pin it).
	Now    func() time.Time
	Logger *slog.Logger
}

// Node is a running sendcase.
type Node struct {
	Handler http.Handler
	// Mux routes to the API and the UI; Handler is it behind httpx's stack.
	Mux       *http.ServeMux
	API       *api.Server
	Web       *web.Server
	Service   *app.Service
	Store     *eventstore.Store
	Embedded  *eventstore.Embedded
	Projector *projector.Projector
	nc        *nats.Conn
	dir       *projector.Follower
	pg        *pgstore.Store
	stop      context.CancelFunc
	done      chan struct{}
	reminders chan struct{} // closed when the reminder loop ends
	log       *slog.Logger
}

// Start connects, opens the store, catches the directory up and builds the handler.
func Start(ctx context.Context, cfg Config) (_ *Node, err error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	// Close what was started if a later step fails. (n, not the named
	// result, which a failing return sets to nil.)
	n := &Node{log: cfg.Logger}
	defer func() {
		if err != nil {
			n.Close()
		}
	}()
	if n.nc, n.Embedded, err = ConnectNATS(cfg); err != nil {
		return nil, err
	}
	if n.Store, err = openStore(ctx, n.nc, cfg); err != nil {
		return nil, err
	}
	dir := projections.NewDirectory()
	if n.dir, err = projector.Follow(ctx, n.Store.JetStream(), projections.DirectorySubjects, 1, dir, cfg.Logger); err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := n.dir.WaitCaughtUp(cctx); err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	// mem is the in-memory store when the views are kept in memory (the
	// default), nil otherwise.
	var mem *projections.Memory
	var store projections.Store
	switch {
	case cfg.NoViews:
		// Nothing to rebuild: the store stands at the stream's end.
		last, err := n.Store.LastSeq(ctx)
		if err != nil {
			return nil, err
		}
		store = projections.NewDiscard(last)
	case cfg.DatabaseURL != "":
		if n.pg, err = pgstore.Open(ctx, cfg.DatabaseURL, n.Store.Keys()); err != nil {
			return nil, err
		}
		store = n.pg
	default:
		mem = projections.NewMemory()
		store = mem
	}
	n.Projector = projector.New(n.Store, store, cfg.Logger)
	var snaps *snapshots
	var applied uint64 // commits applied from the stream at start
	if mem != nil {
		// In memory the views are loaded from the newest snapshot, if any,
		// and brought up to date from the stream before serving.
		start := time.Now()
		snaps = n.loadSnapshot(ctx, cfg, mem)
		from, _ := mem.Checkpoint(ctx)
		if err := n.Projector.CatchUp(ctx, nil); err != nil {
			return nil, fmt.Errorf("rebuild projections: %w", err)
		}
		applied = n.Projector.Seq() - from
		// Loading leaves about twice the views in garbage (decoded JSON,
		// buffers), which the scavenger would hand back to the system over
		// minutes: collect it and hand it back now, once.
		debug.FreeOSMemory()
		cfg.Logger.Info("projections rebuilt", "seq", n.Projector.Seq(), "from_snapshot", from, "duration", time.Since(start).Round(time.Millisecond))
	}
	bg, stop := context.WithCancel(context.Background())
	running := make(chan struct{})
	n.stop, n.done = stop, running
	opts := app.Options{Now: cfg.Now, CacheSize: cfg.CachedPupils, CatchUpDirectory: n.dir.WaitCaughtUp, PublicURL: cfg.PublicURL, Mailer: cfg.Mailer, DigestAt: cfg.DigestAt}
	if rp, err := passkey.New(cfg.PublicURL); err == nil {
		opts.Passkeys = rp
	} else if cfg.PublicURL != "" {
		cfg.Logger.Warn("passkeys are off", "err", err)
	}
	n.Service = app.New(n.Store, dir, n.Projector, opts)
	// Close waits for all of these.
	go func() {
		defer close(running)
		var wg sync.WaitGroup
		if mem != nil {
			wg.Go(func() { n.settle(bg, mem, applied, !cfg.NoWarmUp) })
		}
		if snaps != nil {
			wg.Go(func() { n.writeSnapshots(bg, snaps) })
		}
		n.Projector.Run(bg)
		wg.Wait()
	}()
	if cfg.AdminToken != "" {
		if _, err := n.Service.EnsureAdmin(ctx, cfg.AdminToken); err != nil {
			return nil, err
		}
	}
	// One mux, two faces: the JSON API and the HTML UI, behind the same
	// sign-in, limits, log and metrics.
	stack := httpx.NewStack(cfg.Logger, cfg.MaxInFlight)
	auth := httpx.NewAuth(n.Service, cfg.RatePerSecond, cfg.RateBurst)
	auth.LimitSignIns(cfg.SignInsPerMinute, cfg.SignInBurst)
	mux := http.NewServeMux()
	n.Mux = mux
	stack.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sendcase_projection_unapplied_commits",
		Help: "Commits the read-model store refused and the views go without (alert when above 0; see docs/projections.md).",
	}, func() float64 { return float64(n.Projector.Unapplied()) }))
	registerReminderMetrics(stack, n.Service)
	if cfg.Mailer != nil && cfg.RemindEvery >= 0 {
		every := cmp.Or(cfg.RemindEvery, time.Minute)
		n.reminders = make(chan struct{})
		go func() { defer close(n.reminders); n.remind(bg, every) }()
	}
	n.API = api.New(n.Service, api.Options{Logger: cfg.Logger, Auth: auth, Metrics: stack.Metrics(), Ready: n.ready, Degraded: n.degraded})
	n.API.Register(mux)
	n.Web = web.New(n.Service, auth, cfg.Logger, cfg.Providers...)
	n.Web.Register(mux)
	n.Handler = stack.Wrap(mux)
	return n, nil
}

// openStore opens the event store: at once on the embedded server, and on
// an external NATS as OpenStoreWaiting does.
func openStore(ctx context.Context, nc *nats.Conn, cfg Config) (*eventstore.Store, error) {
	if cfg.NATSURL == "" {
		return eventstore.Open(ctx, nc, eventstore.Options{Replicas: cfg.Replicas})
	}
	return OpenStoreWaiting(ctx, nc, cfg.Replicas, cfg.Logger)
}

// OpenStoreWaiting opens the event store on a NATS server or cluster. A
// cluster that is still electing its JetStream leader (at boot, or after
// losing a node) answers "unavailable" for a few seconds, so it is waited
// for, up to a minute, each retry logged.
func OpenStoreWaiting(ctx context.Context, nc *nats.Conn, replicas int, log *slog.Logger) (*eventstore.Store, error) {
	deadline := time.Now().Add(time.Minute)
	for {
		s, err := eventstore.Open(ctx, nc, eventstore.Options{Replicas: replicas})
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			return s, err
		}
		log.Warn("event store not ready; retrying", "err", err)
		time.Sleep(time.Second)
	}
}

// ConnectNATS connects to cfg.NATSURL, or starts the embedded server on
// cfg.DataDir and connects in process.
func ConnectNATS(cfg Config) (*nats.Conn, *eventstore.Embedded, error) {
	if cfg.NATSURL != "" {
		nc, err := eventstore.Dial(cfg.NATSURL, "sendcase")
		return nc, nil, err
	}
	e, err := eventstore.StartEmbedded(eventstore.EmbeddedOptions{DataDir: cfg.DataDir, Listen: cfg.NATSListen})
	if err != nil {
		return nil, nil, err
	}
	nc, err := e.Connect("sendcase")
	if err != nil {
		e.Shutdown()
		return nil, nil, err
	}
	return nc, e, nil
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
	if n.pg != nil {
		if err := n.pg.Ping(ctx); err != nil {
			return fmt.Errorf("postgres: %w", err)
		}
	}
	last, err := n.Store.LastSeq(ctx)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := n.Projector.WaitFor(wctx, last); err != nil {
		return fmt.Errorf("projections %d events behind", last-n.Projector.Seq())
	}
	return nil
}

// DirectoryLag is how far the directory is behind the stream (0 when
// caught up).
func (n *Node) DirectoryLag(ctx context.Context) (uint64, error) { return n.dir.Lag(ctx) }

// degraded says why the views are incomplete: commits the store refused.
func (n *Node) degraded(ctx context.Context) string {
	list, err := n.Projector.Store().Unapplied(ctx)
	if err != nil || len(list) == 0 {
		return ""
	}
	noun := "commit"
	if len(list) > 1 {
		noun = "commits"
	}
	return fmt.Sprintf("%d %s could not be applied to the views (the first at stream sequence %d); the log says why, and docs/projections.md what to do",
		len(list), noun, list[0].Seq)
}

// Close stops the read models and disconnects; the embedded server flushes to disk.
func (n *Node) Close() {
	if n.stop != nil {
		n.stop()
		<-n.done
		if n.reminders != nil {
			<-n.reminders
		}
	}
	if n.pg != nil {
		n.pg.Close()
	}
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
