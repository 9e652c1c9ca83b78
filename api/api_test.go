package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/internal/node"
)

func TestAuthAndSetupRoles(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	tests := []struct {
		name, method, path, token string
		body                      any
		status                    int
	}{
		{"no token", "GET", "/v1/me", "", nil, 401},
		{"unknown token", "GET", "/v1/me", "nope", nil, 401},
		{"known token", "GET", "/v1/me", w.sencoA, nil, 200},
		{"senco cannot create a trust", "POST", "/v1/trusts", w.sencoA, map[string]any{"name": "X"}, 403},
		{"trust lead cannot create a trust", "POST", "/v1/trusts", w.lead, map[string]any{"name": "X"}, 403},
		{"trust lead cannot add a school to another trust", "POST", "/v1/trusts/" + w.otherTrust + "/schools", w.lead, map[string]any{"name": "X", "urn": "300001", "phase": "primary"}, 403},
		{"senco cannot add a school", "POST", "/v1/trusts/" + w.trust + "/schools", w.sencoA, map[string]any{"name": "X", "urn": "300001", "phase": "primary"}, 403},
		{"senco cannot add a provision", "POST", "/v1/trusts/" + w.trust + "/provisions", w.sencoA, map[string]any{}, 403},
		{"trust lead cannot create an admin", "POST", "/v1/users", w.lead, map[string]any{"name": "A", "email": "a@b.uk", "role": "admin"}, 403},
		{"trust lead cannot create users of another trust", "POST", "/v1/users", w.lead, map[string]any{"name": "A", "email": "a@b.uk", "role": "senco", "trust_id": w.otherTrust, "school_ids": []string{w.otherSchool}}, 403},
		{"trust lead cannot put a senco in another trust's school", "POST", "/v1/users", w.lead, map[string]any{"name": "A", "email": "a@b.uk", "role": "senco", "school_ids": []string{w.otherSchool}}, 400},
		{"senco cannot create users", "POST", "/v1/users", w.sencoA, map[string]any{"name": "A", "email": "a@b.uk", "role": "senco"}, 403},
		{"duplicate URN in the trust", "POST", "/v1/trusts/" + w.trust + "/schools", w.lead, map[string]any{"name": "Again", "urn": "100001", "phase": "primary"}, 409},
		{"settings by the lead", "PUT", "/v1/trusts/" + w.trust + "/settings", w.lead, map[string]any{"weeks_per_year": 38, "admin_hours": map[string]any{"annual_review": 6, "ehc_request": 12, "apdr_review": 1.5, "referral": 1}}, 200},
		{"settings need admin hours", "PUT", "/v1/trusts/" + w.trust + "/settings", w.lead, map[string]any{"weeks_per_year": 38}, 400},
		{"trust read by its lead", "GET", "/v1/trusts/" + w.trust, w.lead, nil, 200},
		{"trust refused to another lead", "GET", "/v1/trusts/" + w.trust, w.otherLead, nil, 403},
		{"unknown endpoint", "GET", "/v1/nothing", w.lead, nil, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.must(t, tt.status, tt.method, tt.path, tt.token, tt.body)
		})
	}
	bad := e.must(t, 400, "POST", "/v1/trusts/"+w.trust+"/schools", w.lead, map[string]any{"name": " ", "urn": "12a", "phase": "college"})
	if got := strings.Join(bad.fields(), ","); got != "name,urn,phase" {
		t.Fatalf("fields %s", got)
	}
	if bad.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("content type %s", bad.Header.Get("Content-Type"))
	}
}

func TestFullAPDRCycleOverHTTP(t *testing.T) {
	clock := newTestClock()
	e := startConfig(t, "", node.Config{Now: clock.Now})
	w := e.world(t)
	reg := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN()))
	id := reg.str("id")
	if reg.num("version") != 1 || reg.num("seq") == 0 {
		t.Fatalf("register answer %s", reg.Raw)
	}
	p := "/v1/pupils/" + id
	cyc := e.must(t, 201, "POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"})
	c := p + "/cycles/" + cyc.str("id")
	if cyc.str("stage") != "assess" {
		t.Fatalf("open: %s", cyc.Raw)
	}
	e.must(t, 409, "POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-09"})
	e.must(t, 409, "POST", c+"/review", w.sencoA, map[string]any{"held_on": "2025-09-09", "outcomes": []any{map[string]any{"outcome_id": "x", "rating": "met"}}, "decision": "refer", "parent_views": "a", "pupil_views": "b"})
	if a := e.must(t, 200, "POST", c+"/assessment", w.sencoA, map[string]any{"assessed_on": "2025-09-10", "summary": "Speech screening", "need_areas": []string{"communication_interaction"}}); a.str("stage") != "plan" {
		t.Fatalf("assessment: %s", a.Raw)
	}
	plan := e.must(t, 200, "POST", c+"/plan", w.sencoA, map[string]any{
		"agreed_on": "2025-09-15", "review_due_on": "2025-12-12",
		"outcomes":     []any{map[string]any{"description": "Uses 3-word sentences", "success_criteria": "4 of 5 lessons"}, map[string]any{"description": "Joins group talk", "success_criteria": "weekly"}},
		"provisions":   []any{map[string]any{"provision_id": w.provision, "sessions_per_week": 3, "minutes_per_session": 30, "group_size": 4}},
		"parent_views": "Mum is pleased", "pupil_views": "I like the group"})
	outcomes := as[planAnswer](t, plan).Outcomes
	if plan.str("stage") != "do" || len(outcomes) != 2 {
		t.Fatalf("plan: %s", plan.Raw)
	}
	for i := 0; i < 3; i++ {
		e.must(t, 201, "POST", c+"/sessions", w.sencoA, map[string]any{"provision_id": w.provision, "delivered_on": fmt.Sprintf("2025-09-%d", 16+i), "minutes": 30, "attended": i != 1})
	}
	var ratings []any
	for _, o := range outcomes {
		ratings = append(ratings, map[string]any{"outcome_id": o.ID, "rating": "partly_met"})
	}
	clock.setDate(t, "2025-12-10")
	rev := e.must(t, 200, "POST", c+"/review", w.sencoA, map[string]any{"held_on": "2025-12-10", "outcomes": ratings, "decision": "continue", "parent_views": "Keen to continue", "pupil_views": "Fun"})
	if rev.str("stage") != "closed" || rev.str("next_cycle_id") == "" {
		t.Fatalf("review: %s", rev.Raw)
	}
	// The printable plan says it was reviewed, and what the review found
	// (issue 17, defect 2).
	if _, page := e.signIn(t, w.sencoA).get("/ui/pupils/" + id + "/plan"); !strings.Contains(page, "This plan was reviewed on 10 December 2025") ||
		!strings.Contains(page, "Keen to continue") || strings.Contains(page, "with a ") {
		t.Errorf("printable plan after the review:\n%s", page)
	}
	got := e.must(t, 200, "GET", p, w.sencoA, nil)
	if got.Header.Get("ETag") != fmt.Sprintf(`"%d"`, got.num("version")) || got.num("version") != rev.num("version") {
		t.Fatalf("etag %s version %d review version %d", got.Header.Get("ETag"), got.num("version"), rev.num("version"))
	}
	state := as[pupilAnswer](t, got)
	cycles := state.Cycles
	if len(cycles) != 2 || cycles[0].Stage != pupil.Closed || cycles[1].Stage != pupil.Assess {
		t.Fatalf("cycles: %s", got.Raw)
	}
	if len(cycles[0].Sessions) != 3 || len(state.ActiveProvisions) != 1 {
		t.Fatalf("sessions or provisions: %s", got.Raw)
	}
	for _, k := range []string{"id", "school_id", "upn", "first_name", "last_name", "date_of_birth", "year_group", "current_year_group", "sen_status", "primary_need", "version", "cycles", "active_provisions", "ehcp", "referrals"} {
		if _, ok := got.Body[k]; !ok {
			t.Errorf("pupil state lacks %q", k)
		}
	}
	if got.str("current_year_group") != "5" {
		t.Errorf("current year group %s", got.str("current_year_group"))
	}
	// Status, transfer and leave.
	clock.setDate(t, "2026-07-21")
	e.must(t, 200, "POST", p+"/status", w.sencoA, map[string]any{"sen_status": "E", "primary_need": "SLCN", "secondary_need": "ASD", "on": "2025-12-11"})
	e.must(t, 400, "POST", p+"/status", w.sencoA, map[string]any{"sen_status": "E", "primary_need": "NSA", "on": "2025-12-11"})
	e.must(t, 200, "POST", p+"/transfer", w.sencoA, map[string]any{"school_id": w.schoolB, "on": "2026-01-05"})
	// The pupil is now school B's: school A's SENCO no longer sees it.
	e.must(t, 404, "GET", p, w.sencoA, nil)
	e.must(t, 200, "GET", p, w.sencoB, nil)
	e.must(t, 400, "POST", p+"/transfer", w.sencoB, map[string]any{"school_id": w.otherSchool, "on": "2026-02-01"})
	e.must(t, 200, "POST", p+"/leave", w.sencoB, map[string]any{"on": "2026-07-20", "destination": "Moved out of area"})
	e.must(t, 409, "POST", p+"/cycles", w.sencoB, map[string]any{"opened_on": "2026-07-21"})
	left := e.must(t, 200, "GET", p, w.sencoB, nil)
	if l := as[pupilAnswer](t, left); l.OnRoll || len(l.ActiveProvisions) != 0 {
		t.Fatalf("after leaving: %s", left.Raw)
	}
}

func TestScopingOfPupils(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	p := "/v1/pupils/" + id
	open := map[string]any{"opened_on": "2025-09-08"}
	tests := []struct {
		name, method, path, token string
		body                      any
		status                    int
	}{
		{"own senco reads", "GET", p, w.sencoA, nil, 200},
		{"other school's senco: not found", "GET", p, w.sencoB, nil, 404},
		{"other school's senco cannot write", "POST", p + "/cycles", w.sencoB, open, 404},
		{"other school's senco cannot register here", "POST", "/v1/schools/" + w.schoolA + "/pupils", w.sencoB, pupilBody(newUPN()), 403},
		{"trust lead reads", "GET", p, w.lead, nil, 200},
		{"trust lead does not run cycles", "POST", p + "/cycles", w.lead, open, 403},
		{"trust lead does not register", "POST", "/v1/schools/" + w.schoolA + "/pupils", w.lead, pupilBody(newUPN()), 403},
		{"another trust's lead: not found", "GET", p, w.otherLead, nil, 404},
		{"reviewer without grant: not found", "GET", p, w.reviewer, nil, 404},
		{"unknown pupil", "GET", "/v1/pupils/0193a000-0000-7000-8000-000000000999", w.sencoA, nil, 404},
		{"unknown school", "POST", "/v1/schools/0193a000-0000-7000-8000-000000000999/pupils", w.sencoA, pupilBody(newUPN()), 404},
		{"grant to a non-reviewer", "POST", p + "/grants", w.sencoA, map[string]any{"user_id": "0193a000-0000-7000-8000-000000000999", "until": "2026-01-01"}, 400},
		{"grant by the trust lead", "POST", p + "/grants", w.lead, map[string]any{"user_id": w.reviewerID, "until": "2026-03-01"}, 201},
		{"reviewer with grant: not the full record", "GET", p, w.reviewer, nil, 403},
		{"reviewer cannot write", "POST", p + "/cycles", w.reviewer, open, 403},
		{"admin reads", "GET", p, adminToken, nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.must(t, tt.status, tt.method, tt.path, tt.token, tt.body)
		})
	}
}

func TestBadRequestsAppendNothing(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	p := "/v1/pupils/" + id
	before := e.lastSeq(t)
	big := `{"opened_on":"2025-09-08","x":"` + strings.Repeat("a", 1<<20) + `"}`
	tests := []struct {
		name    string
		path    string
		body    string
		headers []string
		status  int
		fields  string
	}{
		{"wrong content type", p + "/cycles", `{"opened_on":"2025-09-08"}`, []string{"Content-Type", "text/plain"}, 415, ""},
		{"body over 1 MiB", p + "/cycles", big, nil, 413, ""},
		{"malformed JSON", p + "/cycles", `{"opened_on":`, nil, 400, "body"},
		{"empty body", p + "/cycles", ``, nil, 400, "body"},
		{"two values", p + "/cycles", `{"opened_on":"2025-09-08"}{}`, nil, 400, "body"},
		{"unknown field", p + "/cycles", `{"opened_on":"2025-09-08","stage":"do"}`, nil, 400, "stage"},
		{"wrong type", p + "/cycles", `{"opened_on":20250908}`, nil, 400, "opened_on"},
		{"bad date", p + "/cycles", `{"opened_on":"2025-02-30"}`, nil, 400, "opened_on"},
		{"missing date", p + "/cycles", `{}`, nil, 400, "opened_on"},
		{"stale If-Match", p + "/cycles", `{"opened_on":"2025-09-08"}`, []string{"If-Match", `"7"`}, 409, ""},
		{"malformed If-Match", p + "/cycles", `{"opened_on":"2025-09-08"}`, []string{"If-Match", `"seven"`}, 400, "If-Match"},
		{"long Idempotency-Key", p + "/cycles", `{"opened_on":"2025-09-08"}`, []string{"Idempotency-Key", strings.Repeat("k", 129)}, 400, "Idempotency-Key"},
		{"nested field names", "/v1/schools/" + w.schoolA + "/pupils", `{"upn":"B801200005001","first_name":"A","last_name":"B","date_of_birth":"2015-01-01","year_group":"5","sen_status":"X"}`, nil, 400, "sen_status"},
		{"review before plan", p + "/cycles/none/review", `{"held_on":"2025-09-08","outcomes":[{"outcome_id":"a","rating":"met"}],"decision":"refer","parent_views":"a","pupil_views":"b"}`, nil, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "POST", tt.path, w.sencoA, tt.body, tt.headers...)
			if r.Status != tt.status || strings.Join(r.fields(), ",") != tt.fields {
				t.Fatalf("status %d fields %v, want %d %q: %.300s", r.Status, r.fields(), tt.status, tt.fields, r.Raw)
			}
			if r.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("content type %q", r.Header.Get("Content-Type"))
			}
		})
	}
	stale := e.do(t, "POST", p+"/cycles", w.sencoA, `{"opened_on":"2025-09-08"}`, "If-Match", `"7"`)
	if stale.num("current_version") != 1 {
		t.Fatalf("stale answer lacks current_version: %s", stale.Raw)
	}
	if after := e.lastSeq(t); after != before {
		t.Fatalf("rejected commands appended: seq %d → %d", before, after)
	}
}

func TestConcurrentWritersOnOneVersion(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	p := "/v1/pupils/" + id
	const n = 24
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.do(t, "POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}, "If-Match", `"1"`).Status
		}()
	}
	wg.Wait()
	won := 0
	for _, s := range statuses {
		switch s {
		case 201:
			won++
		case 409:
		default:
			t.Fatalf("status %d", s)
		}
	}
	if won != 1 {
		t.Fatalf("%d writers won on version 1", won)
	}
	// Without If-Match every command is decided on the latest state: none lost.
	got := e.must(t, 200, "GET", p, w.sencoA, nil)
	cyc := as[pupilAnswer](t, got).Cycles[0].ID
	c := p + "/cycles/" + cyc
	e.must(t, 200, "POST", c+"/assessment", w.sencoA, map[string]any{"assessed_on": "2025-09-10", "summary": "s", "need_areas": []string{"semh"}})
	e.must(t, 200, "POST", c+"/plan", w.sencoA, map[string]any{"agreed_on": "2025-09-15", "review_due_on": "2025-12-12",
		"outcomes":   []any{map[string]any{"description": "d", "success_criteria": "s"}},
		"provisions": []any{map[string]any{"provision_id": w.provision, "sessions_per_week": 1, "minutes_per_session": 20, "group_size": 2}}, "parent_views": "p", "pupil_views": "q"})
	versions := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			versions[i] = e.must(t, 201, "POST", c+"/sessions", w.sencoA, map[string]any{"provision_id": w.provision, "delivered_on": "2025-09-20", "minutes": 20, "attended": true}).num("version")
		}()
	}
	wg.Wait()
	seen := map[int]bool{}
	for _, v := range versions {
		if seen[v] {
			t.Fatalf("two commands answered version %d", v)
		}
		seen[v] = true
	}
	final := e.must(t, 200, "GET", p, w.sencoA, nil)
	if s := as[pupilAnswer](t, final).Cycles[0].Sessions; len(s) != n {
		t.Fatalf("%d sessions stored, want %d", len(s), n)
	}
}

func TestConcurrentRegistrationsOfOneUPN(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	u := newUPN()
	const n = 16
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			school, token := w.schoolA, w.sencoA
			if i%2 == 1 {
				school, token = w.schoolB, w.sencoB
			}
			statuses[i] = e.do(t, "POST", "/v1/schools/"+school+"/pupils", token, pupilBody(u)).Status
		}()
	}
	wg.Wait()
	won := 0
	for _, s := range statuses {
		if s == 201 {
			won++
		} else if s != 409 {
			t.Fatalf("status %d", s)
		}
	}
	if won != 1 {
		t.Fatalf("%d registrations of one UPN succeeded (%v)", won, statuses)
	}
	// The same UPN in another trust is a different pupil.
	elmSenco := e.must(t, 201, "POST", "/v1/users", w.otherLead, map[string]any{"name": "E", "email": "e@elm.org.uk", "role": "senco", "school_ids": []string{w.otherSchool}}).str("token")
	e.must(t, 201, "POST", "/v1/schools/"+w.otherSchool+"/pupils", elmSenco, pupilBody(u))
}

func TestIdempotencyKey(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	body := pupilBody(newUPN())
	first := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, body, "Idempotency-Key", "reg-1")
	seq := e.lastSeq(t)
	again := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, body, "Idempotency-Key", "reg-1")
	if string(again.Raw) != string(first.Raw) || e.lastSeq(t) != seq {
		t.Fatalf("retry answered %s (first %s), seq %d→%d", again.Raw, first.Raw, seq, e.lastSeq(t))
	}
	p := "/v1/pupils/" + first.str("id")
	open := e.must(t, 201, "POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}, "Idempotency-Key", "open-1")
	// Many concurrent retries: one answer, one write.
	var wg sync.WaitGroup
	bodies := make([]string, 10)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bodies[i] = string(e.must(t, 201, "POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}, "Idempotency-Key", "open-1").Raw)
		}()
	}
	wg.Wait()
	for _, b := range bodies {
		if b != string(open.Raw) {
			t.Fatalf("retry answered %s, first %s", b, open.Raw)
		}
	}
	// The key is the user's and the path's: the same key elsewhere is a new command.
	e.must(t, 409, "POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}, "Idempotency-Key", "other")
	// Answers survive a restart.
	e2 := e.restart(t)
	replay := e2.must(t, 201, "POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}, "Idempotency-Key", "open-1")
	if string(replay.Raw) != string(open.Raw) {
		t.Fatalf("after restart: %s, first %s", replay.Raw, open.Raw)
	}
	got := e2.must(t, 200, "GET", p, w.sencoA, nil)
	if n := len(as[pupilAnswer](t, got).Cycles); n != 1 {
		t.Fatalf("retries opened %d cycles", n)
	}
}

func TestRestartKeepsEverythingAndAdminIsIdempotent(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	e.must(t, 201, "POST", "/v1/pupils/"+id+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"})
	seq := e.lastSeq(t)
	e2 := e.restart(t)
	if e2.lastSeq(t) != seq {
		t.Fatalf("restart appended: %d → %d (admin bootstrap must be idempotent)", seq, e2.lastSeq(t))
	}
	got := e2.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil)
	if got.num("version") != 2 || len(as[pupilAnswer](t, got).Cycles) != 1 {
		t.Fatalf("after restart: %s", got.Raw)
	}
}

func TestOperationsEndpoints(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody("B801200005001"))
	e.must(t, 200, "GET", "/healthz", "", nil)
	if r := e.must(t, 200, "GET", "/readyz", "", nil); r.str("status") != "ready" {
		t.Fatalf("readyz %s", r.Raw)
	}
	m := e.do(t, "GET", "/metrics", "", nil)
	text := string(m.Raw)
	if m.Status != 200 || !strings.Contains(text, `sendcase_http_requests_total{code="201",route="POST /v1/schools/{school}/pupils"} 1`) {
		t.Fatalf("metrics: %.500s", text)
	}
	// Neither logs nor metrics carry tokens or personal data.
	for _, secret := range []string{"Ada", "Lovelace", "B801200005001", "2015-03-04", w.sencoA, adminToken} {
		if strings.Contains(e.logs.String(), secret) || strings.Contains(text, secret) {
			t.Errorf("%q leaked into logs or metrics", secret)
		}
	}
	if r := e.do(t, "GET", "/v1/me", "", nil); r.Status != http.StatusUnauthorized || r.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("401 without challenge: %d", r.Status)
	}
}

// TestConcurrentRetriesOfOneRegistration: a client that times out and
// retries a registration while the first attempt is still in flight gets
// the one 201 on every try, and nothing else is appended.
func TestConcurrentRetriesOfOneRegistration(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	body := pupilBody(newUPN())
	before := e.lastSeq(t)
	const n = 20
	answers := make([]resp, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = e.do(t, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, body, "Idempotency-Key", "register-ada")
		}()
	}
	wg.Wait()
	for i, a := range answers {
		if a.Status != 201 || string(a.Raw) != string(answers[0].Raw) {
			t.Fatalf("try %d: %d %s, first %d %s", i, a.Status, a.Raw, answers[0].Status, answers[0].Raw)
		}
	}
	if got := e.lastSeq(t) - before; got != 1 {
		t.Fatalf("%d commits appended, want the one registration", got)
	}
}

// TestEraseFollowsIfMatch: erasing is a command like any other: a stale
// If-Match is a conflict and a malformed one bad input, and neither erases.
func TestEraseFollowsIfMatch(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	p := "/v1/pupils/" + id
	left := e.must(t, 200, "POST", p+"/leave", w.sencoA, map[string]any{"on": "2025-11-07"})
	seq := e.lastSeq(t)
	erase := map[string]any{"reason": "retention period ended", "before_retention": true}
	if r := e.must(t, 409, "POST", p+"/erase", adminToken, erase, "If-Match", `"1"`); r.num("current_version") != left.num("version") {
		t.Fatalf("stale If-Match: %s", r.Raw)
	}
	e.must(t, 400, "POST", p+"/erase", adminToken, erase, "If-Match", "yesterday")
	if e.lastSeq(t) != seq {
		t.Fatal("a refused erasure appended")
	}
	e.must(t, 200, "POST", p+"/erase", adminToken, erase, "If-Match", fmt.Sprintf(`"%d"`, left.num("version")))
}
