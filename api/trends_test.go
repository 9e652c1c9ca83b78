package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/projections"
)

// TestTrendsOverHTTP: a final plan issued within 20 weeks shows in the
// months after it, for the trust and for the school, as JSON and CSV.
func TestTrendsOverHTTP(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	body := pupilBody(newUPN())
	body["registered_on"], body["year_group"] = "2024-09-03", "2"
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, body).str("id")
	m := "/v1/pupils/" + id + "/ehcp/milestones"
	e.must(t, 201, "POST", m, w.sencoA, map[string]any{"type": "request", "on": "2024-10-01", "requested_by": "parent"})
	e.must(t, 201, "POST", m, w.sencoA, map[string]any{"type": "decision_to_assess", "on": "2024-11-01", "assess": true})
	e.must(t, 201, "POST", m, w.sencoA, map[string]any{"type": "final_issued", "on": "2025-02-10"})
	seq := fmt.Sprint(e.lastSeq(t))

	tr := as[projections.Trends](t, e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/trends?from=2025-01&to=2025-03&min_seq="+seq, w.lead, nil))
	// 31 January: on SEN support, the decision to issue (due 21 January)
	// overdue. 28 February and 31 March: the plan, 20 weeks ending 18
	// February, so 1 of 1 within 20 weeks; the pupil now has a plan.
	var got []string
	for _, mo := range tr.Total.Months {
		got = append(got, fmt.Sprintf("%s K=%d E=%d over=%d plans=%d/%d", mo.Month, mo.SENSupport, mo.EHCP, mo.StatutoryOverdue, mo.FinalPlansWithin20Weeks12m, mo.FinalPlans12m))
	}
	if want := "2025-01 K=1 E=0 over=1 plans=0/0,2025-02 K=0 E=1 over=0 plans=1/1,2025-03 K=0 E=1 over=0 plans=1/1"; strings.Join(got, ",") != want {
		t.Errorf("trends\n got %s\nwant %s", strings.Join(got, ","), want)
	}
	if tr.NationalWithin20Weeks2024 != 46.4 || len(tr.Schools) != 2 || tr.Total.Months[1].PercentWithin20Weeks == nil || *tr.Total.Months[1].PercentWithin20Weeks != 100 {
		t.Errorf("trends: %+v", tr)
	}
	mine := as[projections.Trends](t, e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/trends?from=2025-02&to=2025-02", w.sencoA, nil))
	if len(mine.Schools) != 1 || mine.Total.Months[0].FinalPlans12m != 1 {
		t.Errorf("the school's own trends: %+v", mine)
	}
	csv := e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/trends?from=2025-02&to=2025-02&format=csv", w.lead, nil)
	if lines := strings.Split(strings.TrimSpace(string(csv.Raw)), "\n"); len(lines) != 4 || !strings.HasPrefix(lines[0], "school_id,name,month,as_of") ||
		!strings.HasSuffix(lines[3], ",1,1,100,0,0,") {
		t.Errorf("trends CSV:\n%s", csv.Raw)
	}
	for _, tt := range []struct{ query, field string }{{"from=2025", "from"}, {"from=2025-03&to=2025-01", "to"}, {"from=2020-01&to=2025-01", "from"}} {
		if bad := e.must(t, 400, "GET", "/v1/trusts/"+w.trust+"/trends?"+tt.query, w.lead, nil); strings.Join(bad.fields(), ",") != tt.field {
			t.Errorf("%s: %s", tt.query, bad.Raw)
		}
	}
}

// TestMissedDeadlinesStayOverHTTP: a Year 6 phase transfer missed on 15
// February 2025 is still overdue in November, beside the next one, after a
// decision to maintain in the next academic year; and the parents' 15 days
// on a draft read the same before and after the final plan.
func TestMissedDeadlinesStayOverHTTP(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	body := pupilBody(newUPN())
	body["registered_on"], body["year_group"], body["sen_status"], body["primary_need"] = "2024-09-03", "6", "E", "ASD"
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, body).str("id")
	m := "/v1/pupils/" + id + "/ehcp/milestones"
	e.must(t, 201, "POST", m, w.sencoA, map[string]any{"type": "final_issued", "on": "2023-10-01"})
	transfers := func() string {
		t.Helper()
		var out []string
		for _, ms := range as[ehcp.View](t, e.must(t, 200, "GET", "/v1/pupils/"+id+"/ehcp", w.sencoA, nil)).Milestones {
			if ms.Type == ehcp.PhaseTransfer {
				out = append(out, ms.DueOn.String()+":"+ms.Status)
			}
		}
		return strings.Join(out, " ")
	}
	// Year 6 in 2024/25 (due 15 February 2025), Year 11 in 2029/30.
	if got, want := transfers(), "2025-02-15:overdue 2030-03-31:pending"; got != want {
		t.Errorf("phase transfers on 10 November 2025: %s, want %s", got, want)
	}
	e.must(t, 201, "POST", m, w.sencoA, map[string]any{"type": "annual_review_held", "on": "2025-10-01"})
	e.must(t, 201, "POST", m, w.sencoA, map[string]any{"type": "la_decision", "on": "2025-10-15", "outcome": "maintain"})
	if got, want := transfers(), "2025-02-15:overdue 2030-03-31:pending"; got != want {
		t.Errorf("after a decision to maintain in 2025/26: %s, want %s", got, want)
	}

	other := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	om := "/v1/pupils/" + other + "/ehcp/milestones"
	e.must(t, 201, "POST", om, w.sencoA, map[string]any{"type": "request", "on": "2025-09-03", "requested_by": "school"})
	e.must(t, 201, "POST", om, w.sencoA, map[string]any{"type": "decision_to_assess", "on": "2025-09-20", "assess": true})
	e.must(t, 201, "POST", om, w.sencoA, map[string]any{"type": "draft_issued", "on": "2025-10-25"})
	window := func(asOf string) string {
		t.Helper()
		for _, ms := range as[ehcp.View](t, e.must(t, 200, "GET", "/v1/pupils/"+other+"/ehcp?as_of="+asOf, w.sencoA, nil)).Milestones {
			if ms.Type == ehcp.DraftRepresentations {
				return fmt.Sprintf("%s:%s:%s:%v", ms.DueOn, ms.Status, ms.DoneOn, ms.Late)
			}
		}
		return ""
	}
	before := []string{window("2025-11-05"), window("2025-11-09")}
	e.must(t, 201, "POST", om, w.sencoA, map[string]any{"type": "final_issued", "on": "2025-11-06"})
	after := []string{window("2025-11-05"), window("2025-11-09")}
	if want := "2025-11-08:pending::false 2025-11-08:done:2025-11-08:false"; strings.Join(before, " ") != want || strings.Join(after, " ") != want {
		t.Errorf("representations window before the final plan %q, after %q, want %q", before, after, want)
	}
}
