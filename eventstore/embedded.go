package eventstore

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// EmbeddedOptions configure the in-process NATS server that `make run` uses.
type EmbeddedOptions struct {
	// DataDir holds JetStream's files.
	DataDir string
	// Listen is "host:port" to also accept TCP clients (other tools, a second
	// sendcase). Empty means no port at all, so it never clashes with another
	// NATS on the machine.
	Listen string
	// ServerName names the server in logs and cluster views.
	ServerName string
}

// Embedded is a running in-process NATS server with JetStream on disk.
type Embedded struct {
	Server *server.Server
}

// StartEmbedded starts a NATS server in this process. It syncs every write to
// disk before acknowledging it (SyncAlways): an acknowledged event survives a
// power cut, not just a process crash.
func StartEmbedded(o EmbeddedOptions) (*Embedded, error) {
	opts := &server.Options{
		ServerName:         o.ServerName,
		JetStream:          true,
		StoreDir:           o.DataDir,
		SyncAlways:         true,
		DontListen:         o.Listen == "",
		NoSigs:             true,
		NoLog:              true,
		JetStreamMaxMemory: 256 << 20,
	}
	if opts.ServerName == "" {
		opts.ServerName = "sendcase-embedded"
	}
	if o.Listen != "" {
		host, port, err := net.SplitHostPort(o.Listen)
		if err != nil {
			return nil, fmt.Errorf("nats listen address %q: %w", o.Listen, err)
		}
		opts.Host = host
		if opts.Port, err = strconv.Atoi(port); err != nil {
			return nil, fmt.Errorf("nats listen port %q: %w", port, err)
		}
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded nats: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		ns.Shutdown()
		return nil, errors.New("embedded nats: not ready after 30s")
	}
	return &Embedded{Server: ns}, nil
}

// Connect opens an in-process client connection (no socket).
func (e *Embedded) Connect(name string) (*nats.Conn, error) {
	nc, err := nats.Connect("", nats.InProcessServer(e.Server), nats.Name(name), nats.MaxReconnects(-1))
	if err != nil {
		return nil, fmt.Errorf("connect to embedded nats: %w", err)
	}
	return nc, nil
}

// ClientURL is the TCP URL when Listen was set.
func (e *Embedded) ClientURL() string { return e.Server.ClientURL() }

// Shutdown stops the server and waits for it to flush.
func (e *Embedded) Shutdown() {
	e.Server.Shutdown()
	e.Server.WaitForShutdown()
}

// Dial connects to an external NATS server or cluster. Publishes fail at once
// while disconnected (no reconnect buffer), so commands answer 503 instead of
// hanging.
func Dial(url, name string) (*nats.Conn, error) {
	nc, err := nats.Connect(url, nats.Name(name), nats.MaxReconnects(-1),
		nats.ReconnectBufSize(-1), nats.ReconnectWait(250*time.Millisecond), nats.RetryOnFailedConnect(false))
	if err != nil {
		return nil, fmt.Errorf("connect to nats %s: %w", url, err)
	}
	return nc, nil
}
