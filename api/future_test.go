package api_test

import (
	"strings"
	"testing"
)

// TestNothingThatHappenedIsInTheFutureOverHTTP: on every route that
// records something that happened, a date after today (10 November 2025
// in the tests) is a 400 naming the field, and nothing is appended; a
// planned date (a review due) may be later.
func TestNothingThatHappenedIsInTheFutureOverHTTP(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	const tomorrow = "2025-11-11"
	fresh := "/v1/pupils/" + e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	assessing := "/v1/pupils/" + e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	assessCycle := assessing + "/cycles/" + e.must(t, 201, "POST", assessing+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}).str("id")
	planning := "/v1/pupils/" + e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	planCycle := planning + "/cycles/" + e.must(t, 201, "POST", planning+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}).str("id")
	e.must(t, 200, "POST", planCycle+"/assessment", w.sencoA, map[string]any{"assessed_on": "2025-09-10", "summary": "s", "need_areas": []string{"semh"}})
	helpedID := e.pupilBeingHelped(t, w)
	helped := "/v1/pupils/" + helpedID
	got := as[pupilAnswer](t, e.must(t, 200, "GET", helped, w.sencoA, nil))
	doCycle := helped + "/cycles/" + got.Cycles[0].ID
	outcome := got.Cycles[0].Plan.Outcomes[0].ID
	ref := e.must(t, 201, "POST", fresh+"/referrals", w.sencoA, map[string]any{"service": "camhs", "provider": "nhs", "reason": "r", "referred_on": "2025-09-10"}).str("id")

	withDOB := pupilBody(newUPN())
	withDOB["date_of_birth"] = tomorrow
	registeredLater := pupilBody(newUPN())
	registeredLater["registered_on"] = tomorrow
	for _, tt := range []struct {
		name, path, field string
		body              map[string]any
	}{
		{"date of birth", "/v1/schools/" + w.schoolA + "/pupils", "date_of_birth", withDOB},
		{"registration", "/v1/schools/" + w.schoolA + "/pupils", "registered_on", registeredLater},
		{"SEN status", fresh + "/status", "on", map[string]any{"sen_status": "K", "primary_need": "SEMH", "on": tomorrow}},
		{"cycle", fresh + "/cycles", "opened_on", map[string]any{"opened_on": tomorrow}},
		{"assessment", assessCycle + "/assessment", "assessed_on", map[string]any{"assessed_on": tomorrow, "summary": "s", "need_areas": []string{"semh"}}},
		{"plan", planCycle + "/plan", "agreed_on", map[string]any{"agreed_on": tomorrow, "review_due_on": "2026-01-10",
			"outcomes": []any{map[string]any{"description": "d", "success_criteria": "c"}}, "provisions": []any{}, "parent_views": "p", "pupil_views": "q"}},
		{"session", doCycle + "/sessions", "delivered_on", map[string]any{"provision_id": w.provision, "delivered_on": tomorrow, "minutes": 30, "attended": true}},
		{"review", doCycle + "/review", "held_on", map[string]any{"held_on": tomorrow, "outcomes": []any{map[string]any{"outcome_id": outcome, "rating": "met"}},
			"decision": "refer", "parent_views": "p", "pupil_views": "q"}},
		{"EHCP milestone", fresh + "/ehcp/milestones", "on", map[string]any{"type": "request", "on": tomorrow, "requested_by": "parent"}},
		{"referral", fresh + "/referrals", "referred_on", map[string]any{"service": "camhs", "provider": "nhs", "reason": "r", "referred_on": tomorrow}},
		{"referral change", fresh + "/referrals/" + ref + "/status", "on", map[string]any{"status": "accepted", "on": tomorrow}},
		{"meeting with the parents", fresh + "/meetings", "held_on", map[string]any{"who_came": "Mum", "agreed": "a", "held_on": tomorrow}},
		{"transfer", fresh + "/transfer", "on", map[string]any{"school_id": w.schoolB, "on": tomorrow}},
		{"leave", fresh + "/leave", "on", map[string]any{"on": tomorrow}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := e.lastSeq(t)
			r := e.do(t, "POST", tt.path, w.sencoA, tt.body)
			if r.Status != 400 || strings.Join(r.fields(), ",") != tt.field || !strings.Contains(string(r.Raw), "must not be in the future") {
				t.Fatalf("%d %v: %s", r.Status, r.fields(), r.Raw)
			}
			if e.lastSeq(t) != before {
				t.Fatal("a refused command was appended")
			}
		})
	}
	// Today is allowed, and a review may be due later.
	e.must(t, 201, "POST", fresh+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-11-10"})
}
