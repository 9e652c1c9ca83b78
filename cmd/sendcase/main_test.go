package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/internal/pgtest"
	"github.com/sendcase/sendcase/internal/until"
)

// TestMain lets the test binary act as the sendcase command, so that the
// tests below run the real main in a child process.
func TestMain(m *testing.M) {
	natstest.MaybeRunServer()
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
	mu   sync.Mutex
	log  []string // its stderr, a line each
}

// logged reports whether a line of the server's log contains every part.
func (p *proc) logged(parts ...string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range p.log {
		if containsAll(l, parts) {
			return true
		}
	}
	return false
}

func containsAll(s string, parts []string) bool {
	for _, part := range parts {
		if !strings.Contains(s, part) {
			return false
		}
	}
	return true
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
	p := &proc{cmd: cmd, addr: addr, done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(stderr)
		signalled := false
		for sc.Scan() {
			p.mu.Lock()
			p.log = append(p.log, sc.Text())
			p.mu.Unlock()
			if !signalled && strings.Contains(sc.Text(), `"msg":"sendcase ready"`) && strings.Contains(sc.Text(), addr) {
				close(ready)
				signalled = true
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
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
	code, _ := p.postJSON(t, path, body)
	return code
}

func (p *proc) postJSON(t *testing.T, path, body string) (int, map[string]any) {
	t.Helper()
	return p.call(t, "POST", path, "tok", body)
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

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	p := startServe(t, dir)
	_, tr := p.postJSON(t, "/v1/trusts", `{"name":"Oak"}`)
	_, sc := p.postJSON(t, "/v1/trusts/"+tr["id"].(string)+"/schools", `{"name":"Oak Primary","urn":"100001","phase":"primary"}`)
	school := sc["id"].(string)
	_, u := p.postJSON(t, "/v1/users", fmt.Sprintf(`{"name":"Sam","email":"sam@oak.uk","role":"senco","trust_id":%q,"school_ids":[%q]}`, tr["id"], school))
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done

	file := filepath.Join(t.TempDir(), "register.csv")
	csvText := "UPN,Legal Surname,Legal Forename,DOB,NC Year Actual,SEN Provision,Primary Need\nB801200005001,Lovelace,Ada,04/03/2015,5,K,SLCN\n"
	if err := os.WriteFile(file, []byte(csvText), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args string, token string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "SENDCASE_TEST_MAIN=import -quiet "+args, "SENDCASE_DATA_DIR="+dir, "SENDCASE_TOKEN="+token, "NATS_URL=", "DATABASE_URL=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	token := u["token"].(string)
	for _, tt := range []struct{ args, token, want string }{
		{"--school " + school + " --dry-run " + file, token, "dry run, nothing changed: 1 created"},
		{"--school " + school + " " + file, token, "imported: 1 created"},
		{"--school " + school + " " + file, token, "imported: 0 created, 0 updated, 1 unchanged"},
	} {
		out, err := run(tt.args, tt.token)
		if err != nil || !strings.Contains(out, tt.want) {
			t.Fatalf("import %s: %v\n%s", tt.args, err, out)
		}
	}
	if out, err := run("--school "+school+" "+file, "wrong"); err == nil || !strings.Contains(out, "unknown token") {
		t.Fatalf("wrong token: %v %s", err, out)
	}
}

// TestServeKilledMidCatchUp: serve is killed with SIGKILL while it catches
// its PostgreSQL projections up from an empty database, then restarted. The
// views it then serves equal an in-memory rebuild of the same stream.
func TestServeKilledMidCatchUp(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	dir, db := t.TempDir(), pgtest.URL(t)
	workload := "/v1/trusts/" + seedTrust(t, dir, "--pupils 2000") + "/workload?as_of=2026-07-15"

	p := startServe(t, dir, "DATABASE_URL="+db)
	// Kill it as soon as the catch-up has written its first checkpoint.
	until.True(t, 60*time.Second, "the catch-up to begin", func() bool { return checkpoint(t, db) > 0 })
	_ = p.cmd.Process.Kill()
	<-p.done
	killedAt := checkpoint(t, db)

	p = startServe(t, dir, "DATABASE_URL="+db)
	waitReady(t, p)
	var ready struct {
		ProjectionSeq int64 `json:"projection_seq"`
	}
	if err := json.Unmarshal([]byte(p.get(t, "/readyz")), &ready); err != nil {
		t.Fatal(err)
	}
	// The kill landed mid catch-up: some of the stream was applied, not all.
	if killedAt <= 0 || killedAt >= ready.ProjectionSeq {
		t.Fatalf("killed with the checkpoint at %d of %d: not mid catch-up", killedAt, ready.ProjectionSeq)
	}
	t.Logf("killed with the checkpoint at %d of %d", killedAt, ready.ProjectionSeq)
	fromPG := p.get(t, workload)
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done

	mem := startServe(t, dir)
	waitReady(t, mem)
	if fromMemory := mem.get(t, workload); fromMemory != fromPG {
		t.Fatalf("after the kill PostgreSQL answers\n%s\nbut a rebuild in memory answers\n%s", fromPG, fromMemory)
	}
}

// TestServeStartsFromASnapshot: a server writes a snapshot of its
// in-memory views; the next start loads it and replays only the commits
// after it (here a second trust seeded while no server ran), and answers
// as a full rebuild does.
func TestServeStartsFromASnapshot(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	dir := t.TempDir()
	first := seedTrust(t, dir, "--pupils 400")
	p := startServe(t, dir, "SENDCASE_SNAPSHOT_EVERY=1", "SENDCASE_SNAPSHOT_MINUTES=0.01")
	until.True(t, 60*time.Second, "a snapshot to be written", func() bool { return p.logged(`"msg":"snapshot of the views written"`) })
	stop(t, p)
	second := seedTrust(t, dir, "--pupils 300")

	workloads := func(p *proc) string {
		return p.get(t, "/v1/trusts/"+first+"/workload?as_of=2026-07-15") + p.get(t, "/v1/trusts/"+second+"/workload?as_of=2026-07-15")
	}
	p = startServe(t, dir)
	if !p.logged(`"msg":"views loaded from a snapshot"`) || p.logged(`"from_snapshot":0`) {
		t.Errorf("the views were not loaded from the snapshot:\n%s", strings.Join(p.log, "\n"))
	}
	fromSnapshot := workloads(p)
	stop(t, p)
	p = startServe(t, dir, "SENDCASE_SNAPSHOT_EVERY=-1")
	if !p.logged(`"from_snapshot":0`) {
		t.Errorf("snapshots off, yet the views did not start from nothing")
	}
	if rebuilt := workloads(p); rebuilt != fromSnapshot {
		t.Errorf("from the snapshot and its tail:\n%s\nfrom the whole stream:\n%s", fromSnapshot, rebuilt)
	}
}

// seedTrust seeds one school's trust into dir and answers its id.
func seedTrust(t *testing.T, dir, args string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SENDCASE_TEST_MAIN=seed --quiet --schools 1 --years 1 --until 2026-07-15 "+args,
		"SENDCASE_DATA_DIR="+dir, "NATS_URL=", "DATABASE_URL=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`seeded trust ([0-9a-f-]{36})`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("seed output: %s", out)
	}
	return m[1]
}

// stop ends serve with SIGTERM and waits for it.
func stop(t *testing.T, p *proc) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("still running 30s after SIGTERM")
	}
}

func waitReady(t *testing.T, p *proc) {
	t.Helper()
	until.True(t, 60*time.Second, "serve to be ready", func() bool {
		res, err := http.Get("http://" + p.addr + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
}

func (p *proc) get(t *testing.T, path string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", "http://"+p.addr+path, nil)
	req.Header.Set("Authorization", "Bearer tok")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	return string(b)
}

func checkpoint(t *testing.T, db string) int64 {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var seq int64
	_ = conn.QueryRow(context.Background(), "SELECT seq FROM projection_checkpoints").Scan(&seq)
	return seq
}

// call sends a JSON request with token and returns the status and the
// decoded body; an error's body is logged.
func (p *proc) call(t *testing.T, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+p.addr+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Logf("%s %s: %s", method, path, b)
	}
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, out
}

// TestTwoServersOnOneStream: the production layout, two serve processes on
// one NATS. What is made through one server is usable through the other at
// once (a trust, a school, a user and her token), and a pupil's commands
// alternating between them all succeed: neither decides on a stale cache.
func TestTwoServersOnOneStream(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	n := natstest.StartProcess(t, t.TempDir())
	servers := []*proc{startServe(t, t.TempDir(), "NATS_URL="+n.URL), startServe(t, t.TempDir(), "NATS_URL="+n.URL)}
	a, b := servers[0], servers[1]
	must := func(p *proc, want int, method, path, token, body string) map[string]any {
		t.Helper()
		got, out := p.call(t, method, path, token, body)
		if got != want {
			t.Fatalf("%s %s on %s: %d, want %d: %v", method, path, p.addr, got, want, out)
		}
		return out
	}
	trust := must(a, 201, "POST", "/v1/trusts", "tok", `{"name":"Oak Learning Trust"}`)["id"].(string)
	school := must(b, 201, "POST", "/v1/trusts/"+trust+"/schools", "tok", `{"name":"Oak Primary","urn":"100001","phase":"primary"}`)["id"].(string)
	provision := must(a, 201, "POST", "/v1/trusts/"+trust+"/provisions", "tok", `{"name":"Talk Boost","area_of_need":"communication_interaction","delivery":"group","staff_role":"TA","hourly_cost_pence":1800,"max_group_size":4}`)["id"].(string)
	senco := must(a, 201, "POST", "/v1/users", "tok", `{"name":"Sam Senco","email":"sam@oak.org.uk","role":"senco","trust_id":"`+trust+`","school_ids":["`+school+`"]}`)["token"].(string)
	must(b, 200, "GET", "/v1/me", senco, "")

	// Thirty commands on one pupil, alternating between the servers.
	id := must(a, 201, "POST", "/v1/schools/"+school+"/pupils", senco,
		`{"upn":"X801200000001","first_name":"Ada","last_name":"Lovelace","date_of_birth":"2015-03-04","year_group":"5","sen_status":"K","primary_need":"SLCN","registered_on":"2025-09-03"}`)["id"].(string)
	p := "/v1/pupils/" + id
	next := 0
	server := func() *proc { next++; return servers[next%2] }
	cycle := must(server(), 201, "POST", p+"/cycles", senco, `{"opened_on":"2025-09-08"}`)["id"].(string)
	c := p + "/cycles/" + cycle
	must(server(), 200, "POST", c+"/assessment", senco, `{"assessed_on":"2025-09-10","summary":"s","need_areas":["communication_interaction"]}`)
	must(server(), 200, "POST", c+"/plan", senco, `{"agreed_on":"2025-09-15","review_due_on":"2025-12-12","outcomes":[{"description":"d","success_criteria":"s"}],"provisions":[{"provision_id":"`+provision+`","sessions_per_week":1,"minutes_per_session":20,"group_size":2}],"parent_views":"p","pupil_views":"q"}`)
	for i := range 25 {
		must(server(), 201, "POST", c+"/sessions", senco, fmt.Sprintf(`{"provision_id":%q,"delivered_on":"2025-09-%02d","minutes":20,"attended":true}`, provision, 16+i%14))
	}
	ref := must(server(), 201, "POST", p+"/referrals", senco, `{"service":"camhs","provider":"nhs","reason":"r","referred_on":"2025-10-01"}`)["id"].(string)
	must(server(), 200, "POST", p+"/referrals/"+ref+"/status", senco, `{"status":"accepted","on":"2025-10-02"}`)
	for _, s := range servers {
		if v := must(s, 200, "GET", p, senco, "")["version"]; v != float64(31) {
			t.Errorf("version on %s: %v, want 31 (registration + 30 commands)", s.addr, v)
		}
	}
}

// TestServeBeforeNATS: serve started before its NATS answers /healthz at
// once, says in /readyz that it is waiting for NATS, logs each attempt,
// and serves as soon as NATS is up.
func TestServeBeforeNATS(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	n := natstest.StartProcess(t, t.TempDir())
	n.Kill() // its port and data stay; nothing listens yet
	addr := fmt.Sprintf("127.0.0.1:%d", natstest.FreePort(t))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SENDCASE_TEST_MAIN=serve", "SENDCASE_ADDR="+addr, "SENDCASE_DATA_DIR="+t.TempDir(),
		"SENDCASE_ADMIN_TOKEN=tok", "NATS_URL="+n.URL, "DATABASE_URL=")
	var logs lockedBuffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	status := func(path string) (int, string) {
		res, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0, ""
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	until.True(t, 30*time.Second, "serve to answer /healthz before NATS is up", func() bool { c, _ := status("/healthz"); return c == 200 })
	// Until the first attempt fails it says "starting"; then, and until
	// NATS answers, that it is waiting for NATS. Never ready meanwhile.
	until.True(t, 30*time.Second, "readyz to say it is waiting for NATS", func() bool {
		c, body := status("/readyz")
		if c != 503 {
			t.Fatalf("readyz before NATS: %d %s", c, body)
		}
		return strings.Contains(body, "waiting for NATS")
	})
	if c, _ := status("/v1/me"); c != 503 {
		t.Fatalf("a request before NATS: %d, want 503", c)
	}
	until.True(t, 30*time.Second, "two attempts logged", func() bool { return strings.Count(logs.String(), `"msg":"waiting for NATS"`) >= 2 })
	n.Start(t)
	until.True(t, 60*time.Second, "serve to be ready once NATS is up", func() bool { c, _ := status("/readyz"); return c == 200 })
	p := &proc{addr: addr}
	if code := p.post(t, "/v1/trusts", `{"name":"Oak"}`); code != 201 {
		t.Fatalf("create trust after NATS came up: %d", code)
	}
}

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestAdminInvite: the first administrator's one-time link, made while
// serve is stopped, opens the passkey page once serve runs.
func TestAdminInvite(t *testing.T) {
	dir := t.TempDir()
	port := natstest.FreePort(t)
	public := fmt.Sprintf("http://localhost:%d", port)
	run := func(args string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "SENDCASE_TEST_MAIN=admin "+args, "SENDCASE_DATA_DIR="+dir, "SENDCASE_PUBLIC_URL="+public, "NATS_URL=", "DATABASE_URL=")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("invite"); err == nil || !strings.Contains(out, "need --email") {
		t.Fatalf("no email: %v %s", err, out)
	}
	if out, err := run("invite --email nope"); err == nil || !strings.Contains(out, "email") {
		t.Fatalf("bad email: %v %s", err, out)
	}
	out, err := run("invite --email Head@oak.org.uk --name Alex")
	link := regexp.MustCompile(regexp.QuoteMeta(public) + `/ui/invitations/[A-Za-z0-9_-]+`).FindString(out)
	if err != nil || link == "" {
		t.Fatalf("invite: %v\n%s", err, out)
	}

	p := startServe(t, dir, "SENDCASE_PUBLIC_URL="+public)
	res, err := http.Get("http://" + p.addr + strings.TrimPrefix(link, public))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "Welcome, Alex") {
		t.Fatalf("invitation page: %d\n%s", res.StatusCode, body)
	}
}
