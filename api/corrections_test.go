package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/projections"
)

// TestCorrectionsOverHTTP corrects and voids every kind of entry through
// the API: the record, the EHCP clock and the costed provision map use
// the corrected facts; nothing is rewritten (the audit trail holds the
// entries and their corrections) and the hash chain still verifies.
// Refusals append nothing.
func TestCorrectionsOverHTTP(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id, outcome := e.pupilWithEveryEntry(t, w)
	p := "/v1/pupils/" + id
	review := map[string]any{"held_on": "2025-11-03", "outcomes": []any{map[string]any{"outcome_id": outcome, "rating": "met"}}, "decision": "refer", "parent_views": "p", "pupil_views": "q"}
	entries := as[pupilAnswer](t, e.must(t, 200, "GET", p, w.sencoA, nil))
	if c := entries.Cycles[0]; c.Assessment.Entry != 3 || c.Plan.Entry != 4 || c.Sessions[0].Entry != 5 || c.Review.Entry != 7 ||
		entries.Referrals[0].Entry != 8 || entries.Referrals[0].History[1].Entry != 9 || entries.Grants[0].Entry != 11 {
		t.Fatalf("the record does not name its entries: %+v", entries)
	}
	correct := func(entry int) string { return fmt.Sprintf("%s/entries/%d/correct", p, entry) }
	void := func(entry int) string { return fmt.Sprintf("%s/entries/%d/void", p, entry) }
	plan := map[string]any{"agreed_on": "2025-09-15", "review_due_on": "2025-12-12",
		"outcomes":     []any{map[string]any{"description": "Uses 4-word sentences", "success_criteria": "4 of 5 lessons"}},
		"provisions":   []any{map[string]any{"provision_id": w.provision, "sessions_per_week": 2, "minutes_per_session": 30, "group_size": 4}},
		"parent_views": "Mum is pleased", "pupil_views": "I like the group"}

	// Refusals first: each a 400 naming the field, or a 409, or a 403 for
	// who may not record it; nothing appended.
	before := e.lastSeq(t)
	for _, tt := range []struct {
		name, path, token string
		body              map[string]any
		status            int
		fields            string
	}{
		{"no reason", correct(5), w.sencoA, map[string]any{"session": map[string]any{"provision_id": w.provision, "delivered_on": "2025-09-16", "minutes": 20, "attended": true}}, 400, "reason"},
		{"another kind", correct(5), w.sencoA, map[string]any{"reason": "r", "plan": plan}, 400, "session"},
		{"in the future", correct(5), w.sencoA, map[string]any{"reason": "r", "session": map[string]any{"provision_id": w.provision, "delivered_on": "2025-11-11", "minutes": 20, "attended": true}}, 400, "session.delivered_on"},
		{"a plan under its review", void(4), w.sencoA, map[string]any{"reason": "r"}, 409, ""},
		{"nothing recorded there", void(2), w.sencoA, map[string]any{"reason": "r"}, 404, ""},
		{"no such entry", p + "/entries/x/void", w.sencoA, map[string]any{"reason": "r"}, 404, ""},
		{"the lead does not write the plan", correct(4), w.lead, map[string]any{"reason": "r", "plan": plan}, 403, ""},
		{"another school", correct(4), w.sencoB, map[string]any{"reason": "r", "plan": plan}, 404, ""},
	} {
		r := e.do(t, "POST", tt.path, tt.token, tt.body)
		if r.Status != tt.status || strings.Join(r.fields(), ",") != tt.fields {
			t.Fatalf("%s: %d %v: %s", tt.name, r.Status, r.fields(), r.Raw)
		}
	}
	if e.lastSeq(t) != before {
		t.Fatal("a refused correction was appended")
	}

	// Every kind corrected or voided, by whoever may record it.
	review["outcomes"] = []any{map[string]any{"outcome_id": outcome, "rating": "partly_met"}}
	for _, c := range []struct {
		path, token string
		body        map[string]any
	}{
		{correct(3), w.sencoA, map[string]any{"reason": "ticked the wrong area", "assessment": map[string]any{"assessed_on": "2025-09-10", "summary": "Speech screening", "need_areas": []string{"semh"}}}},
		{correct(4), w.sencoA, map[string]any{"reason": "two sessions a week, not three", "plan": plan}},
		{correct(5), w.sencoA, map[string]any{"reason": "absent that day", "session": map[string]any{"provision_id": w.provision, "delivered_on": "2025-09-16", "minutes": 30, "attended": false}}},
		{void(6), w.sencoA, map[string]any{"reason": "logged twice"}},
		{correct(7), w.sencoA, map[string]any{"reason": "rated wrongly", "review": review}},
		{correct(8), w.sencoA, map[string]any{"reason": "the date was wrong", "referral": map[string]any{"service": "camhs", "provider": "nhs", "reason": "r", "referred_on": "2025-09-11"}}},
		{void(9), w.sencoA, map[string]any{"reason": "accepted by another service"}},
		{correct(10), w.lead, map[string]any{"reason": "the parent asked", "ehcp_milestone": map[string]any{"type": "request", "on": "2025-10-02", "requested_by": "parent"}}},
		{correct(11), w.lead, map[string]any{"reason": "until the end of term", "grant": map[string]any{"user_id": w.reviewerID, "until": "2026-07-22"}}},
	} {
		e.must(t, 200, "POST", c.path, c.token, c.body)
	}
	after := as[pupilAnswer](t, e.must(t, 200, "GET", p, w.sencoA, nil))
	c := after.Cycles[0]
	switch {
	case c.Assessment.NeedAreas[0] != "semh":
		t.Errorf("assessment %+v", c.Assessment)
	case c.Plan.Provisions[0].SessionsPerWeek != 2 || c.Plan.Outcomes[0].ID != outcome || after.ActiveProvisions[0].SessionsPerWeek != 2:
		t.Errorf("plan %+v, active %+v", c.Plan, after.ActiveProvisions)
	case len(c.Sessions) != 1 || c.Sessions[0].Attended:
		t.Errorf("sessions %+v", c.Sessions)
	case c.Review.Outcomes[0].Rating != "partly_met":
		t.Errorf("review %+v", c.Review)
	case after.Referrals[0].ReferredOn.String() != "2025-09-11" || after.Referrals[0].Status != "made":
		t.Errorf("referral %+v", after.Referrals[0])
	case after.Grants[0].Until.String() != "2026-07-22":
		t.Errorf("grant %+v", after.Grants[0])
	}
	clock := as[ehcp.View](t, e.must(t, 200, "GET", p+"/ehcp", w.sencoA, nil))
	if clock.RequestedOn.String() != "2025-10-02" {
		t.Errorf("the clock runs from the corrected request: %+v", clock)
	}
	// The costed provision map counts two sessions a week.
	seq := fmt.Sprint(e.lastSeq(t))
	pm := as[projections.ProvisionMap](t, e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/provision-map?min_seq="+seq, w.sencoA, nil))
	if pm.Totals.WeeklyPupilMinutes != 60 {
		t.Errorf("provision map after the correction: %+v", pm.Totals)
	}
	// Both the entries and their corrections are in the trail, which verifies.
	trail := as[auditTrail](t, e.must(t, 200, "GET", p+"/audit?min_seq="+seq, w.sencoA, nil))
	var types []string
	for _, l := range trail.Events {
		types = append(types, l.Type)
	}
	if !slices.Contains(types, "session_logged") || strings.Count(strings.Join(types, " "), "entry_corrected") != 7 || strings.Count(strings.Join(types, " "), "entry_voided") != 2 {
		t.Errorf("trail types %v", types)
	}
	if v := e.must(t, 200, "GET", p+"/audit/verify", w.sencoA, nil); v.Body["ok"] != true {
		t.Errorf("chain: %s", v.Raw)
	}
	// Voiding the review reopens the cycle.
	e.must(t, 200, "POST", void(7), w.sencoA, map[string]any{"reason": "held with the wrong pupil"})
	if c := as[pupilAnswer](t, e.must(t, 200, "GET", p, w.sencoA, nil)).Cycles[0]; c.Stage != "do" || c.Review != nil {
		t.Errorf("after voiding the review: %+v", c)
	}
}

// TestCorrectDetailsAndReadmitOverHTTP: a temporary UPN is replaced by the
// permanent one (the old one is free again, the new one must be), names
// and year group corrected; a pupil who left comes back with the same UPN
// and record.
func TestCorrectDetailsAndReadmitOverHTTP(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	temp := "M80120000500A"
	body := pupilBody(temp)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, body).str("id")
	other := pupilBody(newUPN())
	e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, other)
	p := "/v1/pupils/" + id
	details := func(upn string) map[string]any {
		return map[string]any{"reason": "permanent UPN arrived", "upn": upn, "first_name": "Ada", "last_name": "Byron",
			"date_of_birth": body["date_of_birth"], "year_group": "4"}
	}
	before := e.lastSeq(t)
	if r := e.do(t, "POST", p+"/details", w.sencoA, details(other["upn"].(string))); r.Status != 409 {
		t.Fatalf("another pupil's UPN: %d %s", r.Status, r.Raw)
	}
	if r := e.do(t, "POST", p+"/details", w.sencoA, map[string]any{"upn": "x"}); r.Status != 400 || strings.Join(r.fields(), ",") != "reason,upn,first_name,last_name,date_of_birth,year_group" {
		t.Fatalf("bad details: %d %v", r.Status, r.fields())
	}
	if e.lastSeq(t) != before {
		t.Fatal("a refused correction was appended")
	}
	permanent := newUPN()
	e.must(t, 200, "POST", p+"/details", w.sencoA, details(permanent))
	got := as[pupilAnswer](t, e.must(t, 200, "GET", p, w.sencoA, nil))
	if got.UPN != permanent || got.LastName != "Byron" || got.CurrentYearGroup != "4" {
		t.Fatalf("details: %+v", got)
	}
	// The temporary UPN names nobody now: another pupil may take it.
	e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(temp))

	e.must(t, 409, "POST", p+"/readmit", w.sencoA, map[string]any{"school_id": w.schoolA, "on": "2025-11-10"})
	e.must(t, 200, "POST", p+"/leave", w.sencoA, map[string]any{"on": "2025-10-01"})
	e.must(t, 400, "POST", p+"/readmit", w.sencoA, map[string]any{"school_id": w.otherSchool, "on": "2025-09-01"})
	e.must(t, 200, "POST", p+"/readmit", w.sencoA, map[string]any{"school_id": w.schoolA, "on": "2025-11-03"})
	back := as[pupilAnswer](t, e.must(t, 200, "GET", p, w.sencoA, nil))
	if !back.OnRoll || back.UPN != permanent || len(back.Schools) != 2 {
		t.Fatalf("re-admitted: %+v", back)
	}
	e.must(t, 201, "POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-11-04"})
}
