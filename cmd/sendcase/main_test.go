package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/internal/pgtest"
)

// TestMain lets the test binary act as the sendcase command, so that the
// tests below run the real main in a child process.
func TestMain(m *testing.M) {
	if args := os.Getenv("SENDCASE_TEST_MAIN"); args != "" {
		os.Args = append([]string{"sendcase"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type proc struct {
	cmd  *exec.Cmd
	addr string
	done chan error
}

func startServe(t *testing.T, dataDir string, extraEnv ...string) *proc {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", natstest.FreePort(t))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SENDCASE_TEST_MAIN=serve", "SENDCASE_ADDR="+addr,
		"SENDCASE_DATA_DIR="+dataDir, "SENDCASE_ADMIN_TOKEN=tok", "NATS_URL=", "DATABASE_URL=")
	cmd.Env = append(cmd.Env, extraEnv...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		signalled := false
		for sc.Scan() {
			if !signalled && strings.Contains(sc.Text(), `"msg":"sendcase ready"`) && strings.Contains(sc.Text(), addr) {
				close(ready)
				signalled = true
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	p := &proc{cmd: cmd, addr: addr, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	select {
	case <-ready:
	case err := <-p.done:
		t.Fatalf("serve exited before ready: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("serve not ready after 60s")
	}
	return p
}

func (p *proc) post(t *testing.T, path, body string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", "http://"+p.addr+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Logf("%s: %s", path, b)
	}
	return res.StatusCode
}

func TestServeStopsOnSIGTERMAndKeepsData(t *testing.T) {
	dir := t.TempDir()
	p := startServe(t, dir)
	if code := p.post(t, "/v1/trusts", `{"name":"Oak"}`); code != 201 {
		t.Fatalf("create trust: %d", code)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("still running 30s after SIGTERM")
	}
	// The same data directory serves again with the trust and the admin intact.
	p2 := startServe(t, dir)
	res, err := http.Get("http://" + p2.addr + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz after restart: %v %v", res, err)
	}
	res.Body.Close()
	if code := p2.post(t, "/v1/trusts", `{"name":"Elm"}`); code != 201 {
		t.Fatalf("admin token after restart: %d", code)
	}
}

func TestUnknownCommand(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SENDCASE_TEST_MAIN=frobnicate")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "unknown command") {
		t.Fatalf("err %v, output %s", err, out)
	}
}

func TestRebuildPostgresProjections(t *testing.T) {
	dir, db := t.TempDir(), pgtest.URL(t)
	p := startServe(t, dir, "DATABASE_URL="+db)
	for i := 0; i < 3; i++ {
		if code := p.post(t, "/v1/trusts", fmt.Sprintf(`{"name":"Trust %d"}`, i)); code != 201 {
			t.Fatalf("create trust: %d", code)
		}
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SENDCASE_TEST_MAIN=rebuild -quiet", "SENDCASE_DATA_DIR="+dir, "DATABASE_URL="+db, "NATS_URL=")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "rebuilt all: 4 events in 4 commits (stream seq 4)") {
		t.Fatalf("rebuild: %v\n%s", err, out)
	}
	// Without a database it says what it needs.
	cmd = exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SENDCASE_TEST_MAIN=rebuild", "SENDCASE_DATA_DIR="+dir, "DATABASE_URL=")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "DATABASE_URL") {
		t.Fatalf("rebuild without a database: %v %s", err, out)
	}
	p2 := startServe(t, dir, "DATABASE_URL="+db)
	res, err := http.Get("http://" + p2.addr + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz after rebuild: %v %v", res, err)
	}
	res.Body.Close()
}
