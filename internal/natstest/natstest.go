// Package natstest starts real NATS servers for tests: an embedded one in the
// test process, or a separate nats-server process built from the same
// nats-server module (the test binary re-executed in server mode), so that
// tests never depend on whatever NATS the machine has installed.
package natstest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/eventstore"
)

const serverModeEnv = "SENDCASE_NATSTEST_SERVER"

// spec is what a child server is told to be.
type spec struct {
	Name        string   `json:"name"`
	Port        int      `json:"port"`
	Dir         string   `json:"dir"`
	ClusterPort int      `json:"cluster_port,omitempty"`
	Routes      []string `json:"routes,omitempty"`
}

// MaybeRunServer turns the test binary into a nats-server when the test that
// started it asked for one. Call it first in TestMain.
func MaybeRunServer() {
	raw := os.Getenv(serverModeEnv)
	if raw == "" {
		return
	}
	var sp spec
	if err := json.Unmarshal([]byte(raw), &sp); err != nil {
		fmt.Fprintln(os.Stderr, "natstest: bad server spec:", raw)
		os.Exit(2)
	}
	opts := &server.Options{
		ServerName: sp.Name, Host: "127.0.0.1", Port: sp.Port, JetStream: true, StoreDir: sp.Dir,
		SyncAlways: true, NoSigs: true, NoLog: true,
	}
	if sp.ClusterPort != 0 {
		opts.Cluster = server.ClusterOpts{Name: "sendcase-test", Host: "127.0.0.1", Port: sp.ClusterPort}
		for _, r := range sp.Routes {
			u, err := url.Parse(r)
			if err != nil {
				os.Exit(2)
			}
			opts.Routes = append(opts.Routes, u)
		}
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "natstest:", err)
		os.Exit(2)
	}
	go ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		os.Exit(3)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	ns.Shutdown()
	ns.WaitForShutdown()
	os.Exit(0)
}

// Embedded starts an embedded server in dir (a temp dir when empty) and
// returns it with an in-process connection; both stop when the test ends.
func Embedded(t testing.TB, dir string) (*eventstore.Embedded, *nats.Conn) {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	e, err := eventstore.StartEmbedded(eventstore.EmbeddedOptions{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	nc, err := e.Connect("test")
	if err != nil {
		e.Shutdown()
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close(); e.Shutdown() })
	return e, nc
}

// Process is a nats-server running in a child process.
type Process struct {
	URL  string
	Name string
	spec spec
	cmd  *exec.Cmd
}

// StartProcess runs a nats-server process on a free loopback port with
// JetStream in dir; it is killed when the test ends.
func StartProcess(t testing.TB, dir string) *Process {
	t.Helper()
	p := &Process{spec: spec{Name: "single", Port: FreePort(t), Dir: dir}}
	p.Start(t)
	return p
}

// Start (re)starts the process with its spec, on the same port and data.
func (p *Process) Start(t testing.TB) {
	t.Helper()
	raw, _ := json.Marshal(p.spec)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serverModeEnv+"="+string(raw))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.cmd, p.URL, p.Name = cmd, "nats://127.0.0.1:"+strconv.Itoa(p.spec.Port), p.spec.Name
	t.Cleanup(p.Kill)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(p.spec.Port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nats-server process not listening on %d", p.spec.Port)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// StartCluster runs three clustered nats-server processes on loopback,
// each with its own JetStream directory and sync before acknowledge.
func StartCluster(t testing.TB) []*Process {
	t.Helper()
	var ps []*Process
	for i := range 3 {
		ps = append(ps, &Process{spec: spec{Name: fmt.Sprintf("n%d", i+1), Port: FreePort(t), ClusterPort: FreePort(t), Dir: t.TempDir()}})
	}
	for _, p := range ps {
		for _, q := range ps {
			if q != p {
				p.spec.Routes = append(p.spec.Routes, fmt.Sprintf("nats-route://127.0.0.1:%d", q.spec.ClusterPort))
			}
		}
	}
	for _, p := range ps {
		p.Start(t)
	}
	return ps
}

// URLs joins the client URLs of processes for NATS_URL.
func URLs(ps []*Process) string {
	var u []string
	for _, p := range ps {
		u = append(u, p.URL)
	}
	return strings.Join(u, ",")
}

// Kill stops the process at once.
func (p *Process) Kill() {
	if p.cmd != nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
		_, _ = p.cmd.Process.Wait()
	}
}

// FreePort returns a loopback port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// WaitJetStream waits until JetStream answers at url (a new cluster elects
// its meta leader first).
func WaitJetStream(t testing.TB, url string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		nc, err := nats.Connect(url)
		if err == nil {
			js, _ := jetstream.New(nc)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			_, err = js.AccountInfo(ctx)
			cancel()
			nc.Close()
			if err == nil {
				return
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("JetStream at %s not ready", url)
}
