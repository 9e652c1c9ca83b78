// Package natstest starts real NATS servers for tests: an embedded one in the
// test process, or a separate nats-server process built from the same
// nats-server module (the test binary re-executed in server mode), so that
// tests never depend on whatever NATS the machine has installed.
package natstest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/sendcase/sendcase/eventstore"
)

const serverModeEnv = "SENDCASE_NATSTEST_SERVER"

// MaybeRunServer turns the test binary into a nats-server when the test that
// started it asked for one. Call it first in TestMain.
func MaybeRunServer() {
	spec := os.Getenv(serverModeEnv)
	if spec == "" {
		return
	}
	var port int
	var dir string
	if _, err := fmt.Sscanf(spec, "%d %s", &port, &dir); err != nil {
		fmt.Fprintln(os.Stderr, "natstest: bad server spec:", spec)
		os.Exit(2)
	}
	ns, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: port, JetStream: true, StoreDir: dir, SyncAlways: true, NoSigs: true, NoLog: true,
	})
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
	URL string
	cmd *exec.Cmd
}

// StartProcess runs a nats-server process on a free loopback port with
// JetStream in dir; it is killed when the test ends.
func StartProcess(t testing.TB, dir string) *Process {
	t.Helper()
	port := FreePort(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d %s", serverModeEnv, port, dir))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &Process{URL: "nats://127.0.0.1:" + strconv.Itoa(port), cmd: cmd}
	t.Cleanup(p.Kill)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("nats-server process not listening on %d", port)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Kill stops the process at once.
func (p *Process) Kill() {
	if p.cmd.Process != nil {
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
