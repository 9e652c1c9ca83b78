// Command sendcase is the one binary of sendcase: `serve` runs the service;
// other subcommands are operator tools.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sendcase/sendcase/api"
	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/mailer"
	"github.com/sendcase/sendcase/sso"
)

const usage = `sendcase — SEND graduated approach case management

Usage:
  sendcase serve [flags]     run the HTTP service (see sendcase serve -h)
  sendcase rebuild [flags]   rebuild the PostgreSQL projections from the stream
  sendcase import [flags] F  import a school's SEN register from its MIS export
  sendcase admin invite      a one-time link for the service administrator (--email)
  sendcase seed [flags]      generate a realistic trust through the event store
  sendcase backup FILE       write every event and claim to FILE
  sendcase cluster-demo      3 NATS nodes (R3) and 2 servers on this machine
  sendcase nats-node [flags] one clustered NATS node (used by cluster-demo)
  sendcase restore FILE      restore a backup into an empty server
  sendcase bench [flags]     measure sendcase against raw JetStream (and PostgreSQL)
  sendcase openapi           print the OpenAPI document of the JSON API
  sendcase version           print the version
`

var version = "dev"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "cluster-demo":
		err = clusterDemo(os.Args[2:])
	case "nats-node":
		err = natsNode(os.Args[2:])
	case "backup":
		err = backupCmd(os.Args[2:])
	case "restore":
		err = restoreCmd(os.Args[2:])
	case "seed":
		err = seedCmd(os.Args[2:])
	case "bench":
		err = benchCmd(os.Args[2:])
	case "import":
		err = importCmd(os.Args[2:])
	case "rebuild":
		err = rebuild(os.Args[2:])
	case "admin":
		err = adminCmd(os.Args[2:])
	case "openapi":
		var doc []byte
		if doc, err = api.Document(); err == nil {
			_, err = os.Stdout.Write(append(doc, '\n'))
		}
	case "version":
		fmt.Println(version)
	case "-h", "--help", "help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "sendcase: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sendcase:", err)
		os.Exit(1)
	}
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", env("SENDCASE_ADDR", ":8080"), "listen address (SENDCASE_ADDR)")
	dataDir := fs.String("data", env("SENDCASE_DATA_DIR", "./data"), "embedded NATS storage (SENDCASE_DATA_DIR)")
	natsURL := fs.String("nats", env("NATS_URL", ""), "external NATS server or cluster instead of the embedded one (NATS_URL)")
	natsListen := fs.String("nats-listen", env("SENDCASE_NATS_LISTEN", ""), "also open the embedded NATS on host:port (SENDCASE_NATS_LISTEN)")
	numbers := newSettings(fs)
	replicas := numbers.Int("replicas", "SENDCASE_REPLICAS", 1, 1, 5, "stream replicas: 1, or 3 on a cluster")
	databaseURL := fs.String("database", env("DATABASE_URL", ""), "PostgreSQL for read models (DATABASE_URL)")
	ratePerSecond := numbers.Float("rate-limit", "SENDCASE_RATE_LIMIT", 50, 0.1, 1e6, "requests a second allowed per token; more get 429")
	tlsCert := fs.String("tls-cert", env("SENDCASE_TLS_CERT", ""), "serve HTTPS with this certificate (SENDCASE_TLS_CERT)")
	tlsKey := fs.String("tls-key", env("SENDCASE_TLS_KEY", ""), "and this key (SENDCASE_TLS_KEY)")
	snapshotEvery := numbers.IntOrNever("snapshot-every", "SENDCASE_SNAPSHOT_EVERY", 100_000, 1, 1<<30,
		"in-memory views: write a snapshot after this many commits")
	snapshotMinutes := numbers.Float("snapshot-minutes", "SENDCASE_SNAPSHOT_MINUTES", 60, 0.01, 24*60,
		"in-memory views: or this many minutes after the last, if anything changed")
	maxInFlight := numbers.Int("max-in-flight", "SENDCASE_MAX_IN_FLIGHT", 256, 1, 1<<20, "requests served at once; more get 503")
	oidc := map[string]*string{
		"SENDCASE_OIDC_ISSUER":        fs.String("oidc-issuer", env("SENDCASE_OIDC_ISSUER", ""), "OpenID Connect provider to sign in with (SENDCASE_OIDC_ISSUER)"),
		"SENDCASE_OIDC_CLIENT_ID":     fs.String("oidc-client-id", env("SENDCASE_OIDC_CLIENT_ID", ""), "its client id (SENDCASE_OIDC_CLIENT_ID)"),
		"SENDCASE_OIDC_CLIENT_SECRET": fs.String("oidc-client-secret", env("SENDCASE_OIDC_CLIENT_SECRET", ""), "its client secret (SENDCASE_OIDC_CLIENT_SECRET; prefer the variable to the flag)"),
		"SENDCASE_OIDC_NAME":          fs.String("oidc-name", env("SENDCASE_OIDC_NAME", ""), "what its sign-in button says (SENDCASE_OIDC_NAME)"),
		"SENDCASE_OIDC_PROVIDERS":     fs.String("oidc-providers", env("SENDCASE_OIDC_PROVIDERS", ""), "a JSON file of several providers (SENDCASE_OIDC_PROVIDERS)"),
	}
	digestAt := fs.String("digest-at", env("SENDCASE_DIGEST_AT", "Mon 07:00"), "when the weekly reminder emails go, UK time (SENDCASE_DIGEST_AT)")
	publicURL := fs.String("public-url", env("SENDCASE_PUBLIC_URL", ""), "where people reach the service, for links, passkeys and sign-in (SENDCASE_PUBLIC_URL; default http://localhost:<port>)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *publicURL == "" {
		*publicURL = localURL(*addr, *tlsCert != "")
	}
	providers, err := sso.Load(func(k string) string {
		if v, ok := oidc[k]; ok {
			return *v // the flag, whose default is the variable
		}
		return os.Getenv(k)
	}, *publicURL, nil)
	if err != nil {
		return err
	}
	var mail app.Mailer
	if smtpURL := os.Getenv("SENDCASE_SMTP_URL"); smtpURL != "" {
		m, err := mailer.New(smtpURL, os.Getenv("SENDCASE_MAIL_FROM"))
		if err != nil {
			return err
		}
		mail = m
	}
	if err := numbers.Check(); err != nil {
		return err
	}
	weekly, err := app.ParseWeeklyTime(*digestAt)
	if err != nil {
		return fmt.Errorf("SENDCASE_DIGEST_AT: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	if (*tlsCert == "") != (*tlsKey == "") {
		return fmt.Errorf("TLS needs both SENDCASE_TLS_CERT and SENDCASE_TLS_KEY")
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *addr, err)
	}
	// Listen first: /healthz answers while NATS is still being reached.
	h := &handoff{}
	h.reason.Store("starting")
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	scheme := "http"
	if *tlsCert != "" {
		scheme = "https"
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		go func() { errc <- srv.ServeTLS(ln, *tlsCert, *tlsKey) }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	log.Info("sendcase listening", "addr", ln.Addr().String(), "scheme", scheme)

	n, err := startWhenReachable(ctx, node.Config{
		DataDir: *dataDir, NATSURL: *natsURL, NATSListen: *natsListen, Replicas: replicas(), DatabaseURL: *databaseURL,
		AdminToken: os.Getenv("SENDCASE_ADMIN_TOKEN"), Logger: log, MaxInFlight: maxInFlight(), RatePerSecond: ratePerSecond(),
		PublicURL: *publicURL, Providers: providers, Mailer: mail, DigestAt: weekly,
		SnapshotEvery: snapshotEvery(), SnapshotInterval: time.Duration(snapshotMinutes() * float64(time.Minute)),
	}, h, log)
	if err != nil {
		_ = srv.Close()
		return err
	}
	defer n.Close()
	h.real.Store(&n.Handler)
	nats := "embedded"
	if *natsURL != "" {
		nats = "external"
	}
	log.Info("sendcase ready", "addr", ln.Addr().String(), "scheme", scheme, "nats", nats)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Finish in-flight requests before closing NATS under them.
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// localURL is the service's URL on this machine, for a listen address.
func localURL(addr string, tls bool) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		port = "8080"
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	return scheme + "://localhost:" + port
}

// nodeFlags are the connection flags of the tools that run a whole node
// (import, seed): the same settings as serve, quieter logs.
func nodeFlags(fs *flag.FlagSet) func(ctx context.Context, adjust ...func(*node.Config)) (*node.Node, error) {
	dataDir := fs.String("data", env("SENDCASE_DATA_DIR", "./data"), "embedded NATS storage (SENDCASE_DATA_DIR)")
	natsURL := fs.String("nats", env("NATS_URL", ""), "NATS server (NATS_URL)")
	databaseURL := fs.String("database", env("DATABASE_URL", ""), "PostgreSQL for the projections (DATABASE_URL)")
	return func(ctx context.Context, adjust ...func(*node.Config)) (*node.Node, error) {
		// A command runs for a moment: its views come from the newest
		// snapshot, and it works out no trends in the background.
		cfg := node.Config{DataDir: *dataDir, NATSURL: *natsURL, DatabaseURL: *databaseURL, NoWarmUp: true,
			Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
		for _, a := range adjust {
			a(&cfg)
		}
		return node.Start(ctx, cfg)
	}
}
