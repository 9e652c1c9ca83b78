package api_test

import (
	"strings"
	"testing"

	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/internal/node"
)

func TestEHCPMilestonesOverHTTP(t *testing.T) {
	clock := newTestClock()
	e := startConfig(t, "", node.Config{Now: clock.Now})
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	m := "/v1/pupils/" + id + "/ehcp/milestones"
	// Refusals first: nothing is appended by any of them.
	before := e.lastSeq(t)
	for _, tt := range []struct {
		body   map[string]any
		status int
		fields string
	}{
		{map[string]any{"type": "draft_issued", "on": "2025-09-20"}, 409, ""},
		{map[string]any{"type": "annual_review_held", "on": "2025-09-20"}, 409, ""},
		{map[string]any{"type": "tribunal", "on": "2025-09-20"}, 400, "type"},
		{map[string]any{"type": "request", "on": "2025-09-20"}, 400, "requested_by"},
		{map[string]any{"type": "decision_to_assess", "on": "2025-09-20"}, 400, "assess"},
		{map[string]any{"type": "la_decision", "on": "2025-09-20", "outcome": "appeal"}, 400, "outcome"},
		{map[string]any{"type": "exception", "on": "2025-09-20", "milestone": "final_issued", "reason": "holiday"}, 400, "reason"},
		{map[string]any{"type": "request", "on": "2025-09-20", "requested_by": "parent", "meeting_on": "2025-10-01"}, 400, "meeting_on"},
	} {
		r := e.do(t, "POST", m, w.sencoA, tt.body)
		if r.Status != tt.status || strings.Join(r.fields(), ",") != tt.fields {
			t.Fatalf("%v: %d %v: %s", tt.body, r.Status, r.fields(), r.Raw)
		}
	}
	if e.lastSeq(t) != before {
		t.Fatal("a refused milestone was appended")
	}
	e.must(t, 201, "POST", m, w.sencoA, map[string]any{"type": "request", "on": "2025-09-15", "requested_by": "school"})
	e.must(t, 201, "POST", m, w.lead, map[string]any{"type": "decision_to_assess", "on": "2025-10-20", "assess": true})
	e.must(t, 201, "POST", m, w.sencoA, map[string]any{"type": "advice_requested", "on": "2025-10-21", "from": "educational_psychology"})
	ex := e.must(t, 201, "POST", m, w.sencoA, map[string]any{"type": "exception", "on": "2025-11-01", "milestone": "advice_received", "from": "educational_psychology", "reason": "school_closure"})
	if ex.str("status") != "assessing" {
		t.Fatalf("answer %s", ex.Raw)
	}
	// Before, on and after the decision-to-issue date (request + 16 weeks = 2026-01-05).
	for _, tt := range []struct{ asOf, status string }{{"2026-01-04", "pending"}, {"2026-01-05", "pending"}, {"2026-01-06", "overdue"}} {
		v := e.must(t, 200, "GET", "/v1/pupils/"+id+"/ehcp?as_of="+tt.asOf, w.sencoA, nil)
		got := map[string]string{}
		for _, ms := range as[ehcp.View](t, v).Milestones {
			got[ms.Type] = ms.Status + "@" + ms.DueOn.String()
		}
		if got["decision_to_issue"] != tt.status+"@2026-01-05" || got["advice_received"] != "exception@2025-12-02" || got["decision_to_assess"] != "done@2025-10-27" {
			t.Fatalf("as of %s: %v", tt.asOf, got)
		}
		if v.str("status") != "assessing" || v.str("requested_on") != "2025-09-15" {
			t.Fatalf("view %s", v.Raw)
		}
	}
	e.must(t, 400, "GET", "/v1/pupils/"+id+"/ehcp?as_of=tomorrow", w.sencoA, nil)
	// Nothing that happened is recorded before its day.
	if r := e.do(t, "POST", m, w.sencoA, map[string]any{"type": "draft_issued", "on": "2025-12-15"}); r.Status != 400 || strings.Join(r.fields(), ",") != "on" {
		t.Fatalf("a draft issued in the future: %d %s", r.Status, r.Raw)
	}
	clock.setDate(t, "2026-01-20")
	e.must(t, 201, "POST", m, w.sencoA, map[string]any{"type": "draft_issued", "on": "2025-12-15"})
	e.must(t, 201, "POST", m, w.sencoA, map[string]any{"type": "final_issued", "on": "2026-01-20"})
	// The final plan shows on the pupil: status E, the clock active.
	p := e.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil)
	view := as[struct {
		EHCP ehcp.View `json:"ehcp"`
	}](t, p).EHCP
	if p.str("sen_status") != "E" || view.Status != "active" || view.PlanIssuedOn.String() != "2026-01-20" {
		t.Fatalf("pupil after final plan: %s", p.Raw)
	}
	// Who may read and write the clock.
	e.must(t, 404, "GET", "/v1/pupils/"+id+"/ehcp", w.sencoB, nil)
	e.must(t, 404, "GET", "/v1/pupils/"+id+"/ehcp", w.reviewer, nil)
	e.must(t, 201, "POST", "/v1/pupils/"+id+"/grants", w.sencoA, map[string]any{"user_id": w.reviewerID, "until": "2026-06-30"})
	e.must(t, 200, "GET", "/v1/pupils/"+id+"/ehcp", w.reviewer, nil)
	e.must(t, 403, "POST", m, w.reviewer, map[string]any{"type": "annual_review_held", "on": "2026-01-20"})
	e.must(t, 404, "POST", m, w.otherLead, map[string]any{"type": "annual_review_held", "on": "2026-01-20"})
}

func TestHistoricPlanOverHTTP(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	body := pupilBody(newUPN())
	body["sen_status"], body["primary_need"] = "E", "ASD"
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, body).str("id")
	e.must(t, 201, "POST", "/v1/pupils/"+id+"/ehcp/milestones", w.sencoA, map[string]any{"type": "final_issued", "on": "2024-02-29"})
	v := e.must(t, 200, "GET", "/v1/pupils/"+id+"/ehcp?as_of=2025-03-01", w.sencoA, nil)
	// Year 5 in 2025/26 registered in September 2025: Year 4 on 2025-03-01, Year 6 in 2026/27.
	if v.str("next_annual_review_due_on") != "2025-02-28" || v.str("phase_transfer_due_on") != "2027-02-15" {
		t.Fatalf("historic plan: %s", v.Raw)
	}
	if ms := as[ehcp.View](t, v).Milestones; ms[0].Status != "overdue" {
		t.Fatalf("annual review on 2025-03-01: %v", ms[0])
	}
}

func TestReferralsOverHTTP(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	base := "/v1/pupils/" + id + "/referrals"
	bad := e.must(t, 400, "POST", base, w.sencoA, map[string]any{"service": "astrology", "provider": "council", "reason": "x", "referred_on": "2025-09-10"})
	if strings.Join(bad.fields(), ",") != "service,provider" {
		t.Fatalf("fields %v", bad.fields())
	}
	ref := e.must(t, 201, "POST", base, w.sencoA, map[string]any{"service": "educational_psychology", "provider": "local_authority", "reason": "Reading age far below", "referred_on": "2025-09-10"}).str("id")
	e.must(t, 400, "POST", base+"/"+ref+"/status", w.sencoA, map[string]any{"status": "accepted", "on": "2025-09-01"})
	e.must(t, 400, "POST", base+"/"+ref+"/status", w.sencoA, map[string]any{"status": "lost", "on": "2025-09-20"})
	e.must(t, 404, "POST", base+"/0193a000-0000-7000-8000-000000000999/status", w.sencoA, map[string]any{"status": "accepted", "on": "2025-09-20"})
	e.must(t, 200, "POST", base+"/"+ref+"/status", w.sencoA, map[string]any{"status": "accepted", "on": "2025-09-20", "note": "EP visit booked"})
	e.must(t, 403, "POST", base, w.lead, map[string]any{"service": "camhs", "provider": "nhs", "reason": "x", "referred_on": "2025-09-10"})
	p := e.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil)
	r := as[pupilAnswer](t, p).Referrals[0]
	// Today is 2025-11-10 in the tests: 20 days of September after the 10th,
	// 31 of October, 10 of November: 61 days.
	if r.Status != "accepted" || !r.Open || r.WaitDays != 61 || r.AcceptedOn.String() != "2025-09-20" {
		t.Fatalf("referral %v", r)
	}
	// A service that sees the pupil without saying it had accepted: the
	// referral moves straight from made to seen, and never back.
	other := e.must(t, 201, "POST", base, w.sencoA, map[string]any{"service": "camhs", "provider": "nhs", "reason": "Anxiety", "referred_on": "2025-09-10"}).str("id")
	e.must(t, 200, "POST", base+"/"+other+"/status", w.sencoA, map[string]any{"status": "seen", "on": "2025-10-01"})
	e.must(t, 409, "POST", base+"/"+other+"/status", w.sencoA, map[string]any{"status": "accepted", "on": "2025-10-02"})
	e.must(t, 409, "POST", base+"/"+other+"/status", w.sencoA, map[string]any{"status": "declined", "on": "2025-10-02"})
	seen := as[pupilAnswer](t, e.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil)).Referrals[1]
	if seen.Status != "seen" || seen.WaitDays != 21 || seen.AcceptedOn.Valid() {
		t.Fatalf("referral seen without word of acceptance: %+v", seen)
	}
}
