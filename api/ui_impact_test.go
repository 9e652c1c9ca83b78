package api_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func bodyText(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// TestUIMeasuresAndProgress: the trust lead adds a measure (refused once,
// with the field named and the values kept); the SENCO agrees a plan with
// a measured outcome, logs a session with a reading and reviews with an
// exit reading, all through the pupil page's forms; the page then shows
// the outcome's progress as a chart with its table; the impact and
// delivery pages show the school's figures, and a period not understood is
// named.
func TestUIMeasuresAndProgress(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	lead := e.signIn(t, w.lead)
	lead.get("/ui/trusts/" + w.trust + "/measures")
	res := lead.post("/ui/trusts/"+w.trust+"/measures", url.Values{"name": {"Reading age"}, "unit": {"months"}, "higher_is_better": {"true"}, "min": {"100"}, "max": {"10"}})
	page := bodyText(t, res)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `href="#msr-max"`) || !strings.Contains(page, `value="Reading age"`) {
		t.Fatalf("a measure whose highest is below its lowest (%d):\n%s", res.StatusCode, page)
	}
	res = lead.post("/ui/trusts/"+w.trust+"/measures", url.Values{"name": {"Reading age"}, "unit": {"months"}, "higher_is_better": {"true"}, "min": {"0"}, "max": {"240"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add the measure: %d %s", res.StatusCode, bodyText(t, res))
	}
	_, page = lead.get("/ui/trusts/" + w.trust + "/measures")
	if !strings.Contains(page, "<td>Reading age</td><td>months</td><td>higher</td>") {
		t.Fatalf("the measures page:\n%s", page)
	}
	measure := as[map[string]any](t, e.must(t, 200, "GET", "/v1/trusts/"+w.trust, w.lead, nil))["measures"].([]any)[0].(map[string]any)["id"].(string)

	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	p := "/v1/pupils/" + id
	cyc := e.must(t, 201, "POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}).str("id")
	e.must(t, 200, "POST", p+"/cycles/"+cyc+"/assessment", w.sencoA, map[string]any{"assessed_on": "2025-09-10", "summary": "Reading screening", "need_areas": []string{"cognition_learning"}})
	senco := e.signIn(t, w.sencoA)
	senco.get("/ui/pupils/" + id)
	plan := url.Values{"cycle_id": {cyc}, "agreed_on": {"15/09/2025"}, "review_due_on": {"03/11/2025"},
		"outcomes[0].description": {"Reads fluently"}, "outcomes[0].success_criteria": {"Reading age"},
		"outcomes[0].measure_id": {measure}, "outcomes[0].baseline": {"96"}, "outcomes[0].target": {"90"},
		"outcomes[1].description": {"Joins in"}, "outcomes[1].success_criteria": {"Weekly"},
		"provisions[0].provision_id": {w.provision}, "provisions[0].sessions_per_week": {"3"}, "provisions[0].minutes_per_session": {"30"}, "provisions[0].group_size": {"4"},
		"parent_views": {"Pleased"}, "pupil_views": {"I like reading"}}
	res = senco.post("/ui/pupils/"+id+"/plan", plan)
	if page := bodyText(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `href="#plan-outcomes-0-target"`) || !strings.Contains(page, "must be above the baseline (96)") ||
		!strings.Contains(page, `value="Reads fluently"`) {
		t.Fatalf("a target below the baseline (%d):\n%s", res.StatusCode, page)
	}
	plan.Set("outcomes[0].target", "104")
	if res = senco.post("/ui/pupils/"+id+"/plan", plan); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("agree the plan: %d %s", res.StatusCode, bodyText(t, res))
	}
	_, page = senco.get("/ui/pupils/" + id)
	if !strings.Contains(page, "Reading age: from 96 to 104 months") || !strings.Contains(page, "Reading age reading, if taken (months)") {
		t.Fatalf("the plan's measure and the session's reading field:\n%s", page)
	}
	outcome := as[map[string]any](t, e.must(t, 200, "GET", p, w.sencoA, nil))["cycles"].([]any)[0].(map[string]any)["plan"].(map[string]any)["outcomes"].([]any)[0].(map[string]any)["id"].(string)
	session := url.Values{"cycle_id": {cyc}, "provision_id": {w.provision}, "delivered_on": {"06/10/2025"}, "minutes": {"30"}, "attended": {"true"},
		"readings[0].outcome_id": {outcome}, "readings[0].value": {"999"}}
	res = senco.post("/ui/pupils/"+id+"/session", session)
	if page := bodyText(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `href="#session-readings-0-value"`) || !strings.Contains(page, "must be between 0 and 240") {
		t.Fatalf("a reading out of range (%d):\n%s", res.StatusCode, page)
	}
	session.Set("readings[0].value", "99")
	if res = senco.post("/ui/pupils/"+id+"/session", session); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("log the session: %d %s", res.StatusCode, bodyText(t, res))
	}
	// A session without a reading: the blank reading is left out.
	session.Set("delivered_on", "08/10/2025")
	session.Set("readings[0].value", "")
	if res = senco.post("/ui/pupils/"+id+"/session", session); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("log a session with no reading: %d %s", res.StatusCode, bodyText(t, res))
	}
	senco.get("/ui/pupils/" + id)
	outcomes := as[map[string]any](t, e.must(t, 200, "GET", p, w.sencoA, nil))["cycles"].([]any)[0].(map[string]any)["plan"].(map[string]any)["outcomes"].([]any)
	review := url.Values{"cycle_id": {cyc}, "held_on": {"03/11/2025"}, "decision": {"continue"}, "parent_views": {"ok"}, "pupil_views": {"ok"},
		"outcomes[0].outcome_id": {outcome}, "outcomes[0].rating": {"met"}, "outcomes[0].reading": {"105"},
		"outcomes[1].outcome_id": {outcomes[1].(map[string]any)["id"].(string)}, "outcomes[1].rating": {"partly_met"}}
	if res = senco.post("/ui/pupils/"+id+"/review", review); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("record the review: %d %s", res.StatusCode, bodyText(t, res))
	}
	_, page = senco.get("/ui/pupils/" + id)
	for _, want := range []string{
		`<h2 id="progress">Progress towards outcomes</h2>`, `<td class="num" data-label="Latest reading">105</td>`, "<td data-label=\"Rated at review\">Met</td>",
		`class="line-chart"`, "6 October 2025 (session)", "3 November 2025 (review)", "15 September 2025 (baseline)",
	} {
		if !strings.Contains(page, want) {
			t.Fatalf("the pupil page does not say %q:\n%s", want, page)
		}
	}

	// The school's impact this school year: 1 of 2 outcomes met; its
	// delivery over the plan: 60 of 630 minutes (15 September to 2
	// November, 35 weekdays of 90 a week), 9%.
	status, page := senco.get("/ui/schools/" + w.schoolA + "/impact")
	if status != 200 || !strings.Contains(page, "1 of 2 (50%)") || !strings.Contains(page, "9 months on average (113% of the way to target); 1 reached the target.") {
		t.Fatalf("impact page (%d):\n%s", status, page)
	}
	status, page = senco.get("/ui/schools/" + w.schoolA + "/delivery?from=15/09/2025&to=02/11/2025")
	if status != 200 || !strings.Contains(page, "60 min (9%)") || !strings.Contains(page, `value="15/09/2025"`) {
		t.Fatalf("delivery page (%d):\n%s", status, page)
	}
	// The trust lead sees one pupil's figures withheld.
	_, page = lead.get("/ui/trusts/" + w.trust + "/impact")
	if !strings.Contains(page, "Fewer than 5 pupils: not shown") || strings.Contains(page, "1 of 2 (50%)") {
		t.Fatalf("the lead's impact page:\n%s", page)
	}
	status, page = senco.get("/ui/schools/" + w.schoolA + "/impact?from=someday")
	if status != http.StatusBadRequest || !strings.Contains(page, `href="#period-from"`) || !strings.Contains(page, `value="someday"`) {
		t.Fatalf("a period not understood (%d):\n%s", status, page)
	}
	csv := senco.getRaw("/ui/schools/" + w.schoolA + "/delivery?format=csv&from=2025-09-15&to=2025-11-02")
	if b := bodyText(t, csv); !strings.HasPrefix(b, "row,provision_id") {
		t.Fatalf("delivery CSV: %s", b)
	}
}
