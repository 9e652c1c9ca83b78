package api_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sendcase/sendcase/internal/until"
)

var shownLink = regexp.MustCompile(`id="invitation-link">([^<]+)<`)

// TestSetUpATrustInTheUI: a trust lead sets the trust up with the pages
// alone: a school, a provision, the settings, a SENCO (invited), a role
// change, a deactivation; bad input keeps the values and names the field.
func TestSetUpATrustInTheUI(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	lead := e.signIn(t, w.lead)
	base := "/ui/trusts/" + w.trust
	for _, p := range []string{"/people", "/schools", "/provisions", "/settings"} {
		if code, _ := lead.get(base + p); code != 200 {
			t.Fatalf("%s: %d", p, code)
		}
	}

	steps := []struct {
		name   string
		path   string
		form   url.Values
		status int
		says   []string
	}{
		{"a school with a bad URN", "/schools", url.Values{"name": {"Oak Infants"}, "urn": {"12a"}, "phase": {"infant"}}, 400,
			[]string{`value="Oak Infants"`, "urn", "error-message"}},
		{"a school", "/schools", url.Values{"name": {"Oak Infants"}, "urn": {"100003"}, "phase": {"infant"}}, 303, nil},
		{"the same URN again", "/schools", url.Values{"name": {"Again"}, "urn": {"100003"}, "phase": {"infant"}}, 409, []string{`value="Again"`}},
		{"a provision costed in words", "/provisions", url.Values{"name": {"ELSA"}, "area_of_need": {"semh"}, "delivery": {"individual"},
			"staff_role": {"ELSA"}, "hourly_cost": {"lots"}, "max_group_size": {"1"}}, 400, []string{"Enter the cost an hour in pounds", `value="lots"`}},
		{"a provision", "/provisions", url.Values{"name": {"ELSA"}, "area_of_need": {"semh"}, "delivery": {"individual"},
			"staff_role": {"ELSA"}, "hourly_cost": {"£21.50"}, "max_group_size": {"1"}}, 303, nil},
		{"settings out of range", "/settings", url.Values{"weeks_per_year": {"60"}, "admin_hours.annual_review": {"6"}, "admin_hours.ehc_request": {"10"},
			"admin_hours.apdr_review": {"1.5"}, "admin_hours.referral": {"1"}}, 400, []string{`value="60"`}},
		{"settings", "/settings", url.Values{"weeks_per_year": {"38"}, "admin_hours.annual_review": {"7"}, "admin_hours.ehc_request": {"10"},
			"admin_hours.apdr_review": {"1.5"}, "admin_hours.referral": {"1"}}, 303, nil},
		{"a SENCO without a school", "/people", url.Values{"name": {"Nia New"}, "email": {"nia@oak.org.uk"}, "role": {"senco"}}, 400,
			[]string{"a senco works for at least one school", `value="nia@oak.org.uk"`}},
		{"a SENCO", "/people", url.Values{"name": {"Nia New"}, "email": {"nia@oak.org.uk"}, "role": {"senco"}, "school_ids": {w.schoolA}}, 200,
			[]string{"Invitation for Nia New", "/ui/invitations/"}},
		{"a trust lead makes no admins", "/people", url.Values{"name": {"Ad Min"}, "email": {"ad@oak.org.uk"}, "role": {"admin"}}, 403, nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			res := lead.post(base+st.path, st.form)
			body := bodyOf(res)
			if res.StatusCode != st.status {
				t.Fatalf("got %d, want %d:\n%s", res.StatusCode, st.status, body)
			}
			for _, s := range st.says {
				if !strings.Contains(body, s) {
					t.Errorf("the page does not say %q", s)
				}
			}
		})
	}
	tr := e.must(t, 200, "GET", "/v1/trusts/"+w.trust, w.lead, nil)
	if raw := string(tr.Raw); !strings.Contains(raw, `"urn":"100003"`) || !strings.Contains(raw, `"hourly_cost_pence":2150`) || !strings.Contains(raw, `"weeks_per_year":38`) {
		t.Fatalf("the trust after setting up: %s", raw)
	}

	// The new SENCO's link works; the people page lists her, never signed in.
	people := e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/people", w.lead, nil)
	var nia string
	for _, p := range people.Body["people"].([]any) {
		if m := p.(map[string]any); m["email"] == "nia@oak.org.uk" {
			nia = m["id"].(string)
		}
	}
	if nia == "" {
		t.Fatalf("people: %s", people.Raw)
	}
	res := lead.post(base+"/people/"+nia+"/invite", url.Values{})
	m := shownLink.FindStringSubmatch(bodyOf(res))
	if res.StatusCode != 200 || m == nil {
		t.Fatalf("invite again: %d", res.StatusCode)
	}
	if code, _ := e.anonymous(t).get(strings.TrimPrefix(m[1], e.srv.URL)); code != 200 {
		t.Fatalf("the link: %d", code)
	}

	// Role change, deactivation and reactivation.
	for _, st := range []struct {
		action string
		form   url.Values
		status int
	}{
		{"role", url.Values{"role": {"senco"}}, 400},
		{"role", url.Values{"role": {"senco"}, "school_ids": {w.schoolA, w.schoolB}}, 303},
		{"deactivate", url.Values{}, 303},
		{"reactivate", url.Values{}, 303},
		{"erase", url.Values{}, 404},
	} {
		if res := lead.post(base+"/people/"+nia+"/"+st.action, st.form); res.StatusCode != st.status {
			t.Fatalf("%s: got %d, want %d", st.action, res.StatusCode, st.status)
		}
	}
	if got := e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/people", w.lead, nil); !strings.Contains(string(got.Raw), w.schoolB) {
		t.Fatalf("role not changed: %s", got.Raw)
	}
	// Another trust's lead cannot act on her; the security log page shows it all.
	other := e.signIn(t, w.otherLead)
	if res := other.post(base+"/people/"+nia+"/deactivate", url.Values{}); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
		t.Fatalf("another trust's lead: %d", res.StatusCode)
	}
	if code, page := lead.get("/ui/security"); code != 200 || !strings.Contains(page, "Deactivated") || !strings.Contains(page, "Nia New") {
		t.Fatalf("security page: %d", code)
	}
}

// TestLAAccessAtAGlance: the trust's reviewers, grants and reads on one
// page, and another trust's lead sees none of it.
func TestLAAccessAtAGlance(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	e.must(t, 201, "POST", "/v1/pupils/"+id+"/grants", w.sencoA, map[string]any{"user_id": w.reviewerID, "until": "2026-03-31"})
	e.must(t, 200, "GET", "/v1/pupils/"+id+"/audit", w.reviewer, nil)
	var raw string
	// (The grants are read from the views, applied a moment after the command.)
	until.True(t, 10*time.Second, "the grant is in the views", func() bool {
		raw = string(e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/la-access", w.lead, nil).Raw)
		return strings.Contains(raw, `"live":true`)
	})
	for _, want := range []string{`"name":"Rae Reviewer"`, `"pupil_id":"` + id, `"live":true`, `"what":"audit trail"`} {
		if !strings.Contains(raw, want) {
			t.Errorf("LA access lacks %s: %s", want, raw)
		}
	}
	e.must(t, 403, "GET", "/v1/trusts/"+w.trust+"/la-access", w.otherLead, nil)
	lead := e.signIn(t, w.lead)
	if code, page := lead.get("/ui/trusts/" + w.trust + "/la-access"); code != 200 || !strings.Contains(page, "End now") {
		t.Fatalf("page: %d", code)
	}
}

// TestFlashIsTheServersWords: the banner after a form is shown once, and a
// link cannot put words in it (issue 17, defect 5).
func TestFlashIsTheServersWords(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	lead := e.signIn(t, w.lead)
	if _, page := lead.get("/ui/trusts/" + w.trust + "/settings?done=Your+account+is+locked.+Call+0800+000000"); strings.Contains(page, "Call 0800") {
		t.Fatal("the address put words in the banner")
	}
	res := lead.post("/ui/trusts/"+w.trust+"/settings", url.Values{"weeks_per_year": {"38"}, "admin_hours.annual_review": {"7"},
		"admin_hours.ehc_request": {"10"}, "admin_hours.apdr_review": {"1.5"}, "admin_hours.referral": {"1"}})
	if loc := res.Header.Get("Location"); res.StatusCode != 303 || strings.Contains(loc, "done") {
		t.Fatalf("save: %d %s", res.StatusCode, loc)
	}
	if _, page := lead.get(res.Header.Get("Location")); !strings.Contains(page, "Settings saved") {
		t.Fatal("no banner after saving")
	}
	if _, page := lead.get(res.Header.Get("Location")); strings.Contains(page, "Settings saved") {
		t.Fatal("the banner shows again on reload")
	}
}

// TestRefusedFormsStayOnTheForm: a refused form (409) shows the page again
// with what was typed and why, in words; field errors are summarised with
// links to their fields (issue 17, defect 3).
func TestRefusedFormsStayOnTheForm(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	b := e.signIn(t, w.sencoA)
	b.get("/ui/pupils/" + id)
	if res := b.post("/ui/pupils/"+id+"/cycle", url.Values{"opened_on": {"2025-09-08"}}); res.StatusCode != 303 {
		t.Fatalf("open: %d", res.StatusCode)
	}
	res := b.post("/ui/pupils/"+id+"/cycle", url.Values{"opened_on": {"2025-09-09"}})
	body := bodyOf(res)
	if res.StatusCode != 409 || !strings.Contains(body, "This could not be done: a cycle is still open") || !strings.Contains(body, `role="alert"`) {
		t.Fatalf("refused: %d\n%s", res.StatusCode, body)
	}
	// A milestone out of order: the form comes back as it was sent.
	res = b.post("/ui/pupils/"+id+"/ehcp", url.Values{"type": {"final_issued"}, "on": {"2025-10-01"}})
	body = bodyOf(res)
	if res.StatusCode != 409 || !strings.Contains(body, `value="01/10/2025"`) || strings.Contains(body, "final_issued.") {
		t.Fatalf("milestone out of order: %d\n%s", res.StatusCode, body)
	}
	res = b.post("/ui/schools/"+w.schoolA+"/pupils/new", url.Values{"upn": {"X"}, "first_name": {"Ada"}})
	body = bodyOf(res)
	if res.StatusCode != 400 || !strings.Contains(body, `class="error-summary"`) || !strings.Contains(body, `href="#reg-upn"`) {
		t.Fatalf("error summary: %d\n%s", res.StatusCode, body)
	}
}
