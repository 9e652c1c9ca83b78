package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sendcase/sendcase/domain/upn"
	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/internal/node"
)

func TestMain(m *testing.M) {
	natstest.MaybeRunServer()
	os.Exit(m.Run())
}

const adminToken = "test-admin-token"

// noAdmin as a node's AdminToken starts it with no administrator.
const noAdmin = "(none)"

// fixedNow is the tests' clock: 10 November 2025, a school day.
var fixedNow = time.Date(2025, 11, 10, 9, 0, 0, 0, time.UTC)

// testClock is a clock a test moves on, starting at fixedNow: what
// happened may not be recorded before its day (issue 17).
type testClock struct{ ns atomic.Int64 }

func newTestClock() *testClock {
	c := &testClock{}
	c.ns.Store(fixedNow.UnixNano())
	return c
}

func (c *testClock) Now() time.Time { return time.Unix(0, c.ns.Load()).UTC() }

// setDate moves the clock to 9 am on day (YYYY-MM-DD).
func (c *testClock) setDate(t *testing.T, day string) {
	t.Helper()
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		t.Fatal(err)
	}
	c.ns.Store(d.Add(9 * time.Hour).UnixNano())
}

// env is a running sendcase over HTTP.
type env struct {
	dir  string
	db   string
	node *node.Node
	srv  *httptest.Server
	logs *bytes.Buffer
}

func start(t *testing.T, dir string) *env { return startWith(t, dir, "") }

// startWith starts a node keeping its projections in PostgreSQL at dbURL
// (memory when empty).
func startWith(t *testing.T, dir, dbURL string) *env {
	t.Helper()
	return startConfig(t, dir, node.Config{DatabaseURL: dbURL})
}

// startConfig starts a node with cfg, filling in the tests' defaults.
func startConfig(t *testing.T, dir string, cfg node.Config) *env {
	t.Helper()
	return startOn(t, dir, cfg, nil)
}

// startPublic starts a node at its public URL, http://localhost:<port>
// (passkeys need a host name), with the config build makes for that URL.
// The env's srv.URL is the public URL, so cookies follow every request.
func startPublic(t *testing.T, build func(publicURL string) node.Config) *env {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
	public := "http://localhost:" + port
	cfg := build(public)
	cfg.PublicURL = public
	e := startOn(t, "", cfg, ts)
	e.srv.URL = public
	return e
}

// startOn starts a node with cfg on ts (a new test server when nil).
func startOn(t *testing.T, dir string, cfg node.Config, ts *httptest.Server) *env {
	t.Helper()
	dbURL := cfg.DatabaseURL
	if dir == "" {
		dir = t.TempDir()
	}
	logs := &bytes.Buffer{}
	cfg.DataDir = dir
	switch cfg.AdminToken {
	case "":
		cfg.AdminToken = adminToken
	case noAdmin:
		cfg.AdminToken = ""
	}
	if cfg.SignInBurst == 0 {
		// Tests sign in far more often from one address than a school does
		// (TestSignInLimits tries the real limit).
		cfg.SignInBurst = 10_000
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return fixedNow }
	}
	cfg.Logger = slog.New(slog.NewJSONHandler(&lockedWriter{w: logs}, nil))
	n, err := node.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if ts == nil {
		ts = httptest.NewServer(n.Handler)
	} else {
		ts.Config.Handler = n.Handler
		ts.Start()
	}
	e := &env{dir: dir, db: dbURL, node: n, srv: ts, logs: logs}
	t.Cleanup(e.stop)
	return e
}

func (e *env) stop() {
	if e.srv != nil {
		e.srv.Close()
		e.node.Close()
		e.srv = nil
	}
}

// restart stops the node and starts a new one on the same data.
func (e *env) restart(t *testing.T) *env {
	t.Helper()
	e.stop()
	return startWith(t, e.dir, e.db)
}

type resp struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    []byte
}

func (r resp) str(key string) string { s, _ := r.Body[key].(string); return s }
func (r resp) num(key string) int    { f, _ := r.Body[key].(float64); return int(f) }

// fields lists the problem's offending fields.
func (r resp) fields() []string {
	var out []string
	var p problemAnswer
	_ = json.Unmarshal(r.Raw, &p)
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

func (e *env) do(t *testing.T, method, path, token string, body any, headers ...string) resp {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := testClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{Status: res.StatusCode, Header: res.Header, Raw: raw}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

// testClient bounds every request of the tests: a server that hangs fails
// the test with a message rather than stalling it until the test timeout.
var testClient = &http.Client{Timeout: 60 * time.Second}

// must asserts the status and returns the response.
func (e *env) must(t *testing.T, status int, method, path, token string, body any, headers ...string) resp {
	t.Helper()
	r := e.do(t, method, path, token, body, headers...)
	if r.Status != status {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, status, r.Raw)
	}
	return r
}

// world is a trust with two schools, a catalogue entry and a user per role.
type world struct {
	trust, schoolA, schoolB, provision        string
	lead, sencoA, sencoB, reviewer, otherLead string
	reviewerID                                string
	otherTrust, otherSchool                   string
}

func (e *env) world(t *testing.T) world {
	t.Helper()
	var w world
	w.trust = e.must(t, 201, "POST", "/v1/trusts", adminToken, map[string]any{"name": "Oak Learning Trust"}).str("id")
	w.otherTrust = e.must(t, 201, "POST", "/v1/trusts", adminToken, map[string]any{"name": "Elm Trust"}).str("id")
	w.lead = e.must(t, 201, "POST", "/v1/users", adminToken, map[string]any{"name": "Lee Lead", "email": "lee@oak.org.uk", "role": "trust_lead", "trust_id": w.trust}).str("token")
	w.otherLead = e.must(t, 201, "POST", "/v1/users", adminToken, map[string]any{"name": "Ola Other", "email": "ola@elm.org.uk", "role": "trust_lead", "trust_id": w.otherTrust}).str("token")
	w.schoolA = e.must(t, 201, "POST", "/v1/trusts/"+w.trust+"/schools", w.lead, map[string]any{"name": "Oak Primary", "urn": "100001", "phase": "primary"}).str("id")
	w.schoolB = e.must(t, 201, "POST", "/v1/trusts/"+w.trust+"/schools", w.lead, map[string]any{"name": "Oak Secondary", "urn": "100002", "phase": "secondary"}).str("id")
	w.otherSchool = e.must(t, 201, "POST", "/v1/trusts/"+w.otherTrust+"/schools", w.otherLead, map[string]any{"name": "Elm Primary", "urn": "200001", "phase": "primary"}).str("id")
	w.provision = e.must(t, 201, "POST", "/v1/trusts/"+w.trust+"/provisions", w.lead, map[string]any{
		"name": "Talk Boost", "area_of_need": "communication_interaction", "delivery": "group", "staff_role": "Teaching assistant",
		"hourly_cost_pence": 1800, "max_group_size": 4}).str("id")
	w.sencoA = e.must(t, 201, "POST", "/v1/users", w.lead, map[string]any{"name": "Sam Senco", "email": "sam@oak.org.uk", "role": "senco", "school_ids": []string{w.schoolA}}).str("token")
	w.sencoB = e.must(t, 201, "POST", "/v1/users", w.lead, map[string]any{"name": "Bo Senco", "email": "bo@oak.org.uk", "role": "senco", "school_ids": []string{w.schoolB}}).str("token")
	rev := e.must(t, 201, "POST", "/v1/users", w.lead, map[string]any{"name": "Rae Reviewer", "email": "rae@la.gov.uk", "role": "la_reviewer"})
	w.reviewer, w.reviewerID = rev.str("token"), rev.str("id")
	return w
}

var upnSerial = 0

// newUPN returns a valid permanent UPN not used before in this test binary.
func newUPN() string {
	upnSerial++
	rest := fmt.Sprintf("8012%08d", upnSerial)
	l, err := upn.CheckLetter(rest)
	if err != nil {
		panic(err)
	}
	return string(l) + rest
}

func pupilBody(u string) map[string]any {
	return map[string]any{"upn": u, "first_name": "Ada", "last_name": "Lovelace", "date_of_birth": "2015-03-04",
		"year_group": "5", "sen_status": "K", "primary_need": "SLCN", "registered_on": "2025-09-03"}
}

func (e *env) lastSeq(t *testing.T) uint64 {
	t.Helper()
	seq, err := e.node.Store.LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// lockedWriter lets concurrent requests log into one buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// pupilBeingHelped registers a pupil at school A and takes her to the Do
// stage: assessed (speech screening), a plan of one outcome and Talk Boost
// three times a week. It answers her id.
func (e *env) pupilBeingHelped(t *testing.T, w world) string {
	t.Helper()
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	p := "/v1/pupils/" + id
	cyc := e.must(t, 201, "POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}).str("id")
	e.must(t, 200, "POST", p+"/cycles/"+cyc+"/assessment", w.sencoA, map[string]any{"assessed_on": "2025-09-10", "summary": "Speech screening", "need_areas": []string{"communication_interaction"}})
	e.must(t, 200, "POST", p+"/cycles/"+cyc+"/plan", w.sencoA, map[string]any{"agreed_on": "2025-09-15", "review_due_on": "2025-12-12",
		"outcomes":     []any{map[string]any{"description": "Uses 3-word sentences", "success_criteria": "4 of 5 lessons"}},
		"provisions":   []any{map[string]any{"provision_id": w.provision, "sessions_per_week": 3, "minutes_per_session": 30, "group_size": 4}},
		"parent_views": "Mum is pleased", "pupil_views": "I like the group"})
	return id
}

// pupilWithEveryEntry is pupilBeingHelped with an entry of every kind:
// 1 registered, 2 cycle, 3 assessment, 4 plan, 5-6 sessions, 7 review
// (refer: no next cycle), 8 referral (Low mood), 9 accepted, 10 EHC
// request, 11 grant. It answers her id and her plan's outcome's id.
func (e *env) pupilWithEveryEntry(t *testing.T, w world) (id, outcome string) {
	t.Helper()
	id = e.pupilBeingHelped(t, w)
	p := "/v1/pupils/" + id
	got := as[pupilAnswer](t, e.must(t, 200, "GET", p, w.sencoA, nil))
	cyc := p + "/cycles/" + got.Cycles[0].ID
	outcome = got.Cycles[0].Plan.Outcomes[0].ID
	for _, day := range []string{"2025-09-16", "2025-09-17"} {
		e.must(t, 201, "POST", cyc+"/sessions", w.sencoA, map[string]any{"provision_id": w.provision, "delivered_on": day, "minutes": 30, "attended": true})
	}
	e.must(t, 200, "POST", cyc+"/review", w.sencoA, map[string]any{"held_on": "2025-11-03", "outcomes": []any{map[string]any{"outcome_id": outcome, "rating": "met"}},
		"decision": "refer", "parent_views": "p", "pupil_views": "q"})
	ref := e.must(t, 201, "POST", p+"/referrals", w.sencoA, map[string]any{"service": "camhs", "provider": "nhs", "reason": "Low mood", "referred_on": "2025-09-10"}).str("id")
	e.must(t, 200, "POST", p+"/referrals/"+ref+"/status", w.sencoA, map[string]any{"status": "accepted", "on": "2025-09-20"})
	e.must(t, 201, "POST", p+"/ehcp/milestones", w.sencoA, map[string]any{"type": "request", "on": "2025-10-01", "requested_by": "school"})
	e.must(t, 201, "POST", p+"/grants", w.sencoA, map[string]any{"user_id": w.reviewerID, "until": "2026-06-30"})
	return id, outcome
}
