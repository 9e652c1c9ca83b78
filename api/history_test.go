package api_test

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/internal/pgtest"
	"github.com/sendcase/sendcase/projections"
)

// TestTheRecordAsItStood: as_of shows views and records as they stood at
// the end of a past day, and known_at as they were known at an instant.
// Both projection stores answer alike.
func TestTheRecordAsItStood(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testRecordAsItStood(t, "") })
	t.Run("postgres", func(t *testing.T) { testRecordAsItStood(t, pgtest.URL(t)) })
}

func testRecordAsItStood(t *testing.T, db string) {
	// The clock moves: the term's first weeks are recorded on 15 September,
	// the rest (with Hal's assessment of 10 September, back-dated) on
	// 10 November.
	var now atomic.Int64
	now.Store(time.Date(2025, 9, 15, 9, 0, 0, 0, time.UTC).UnixNano())
	e := startConfig(t, "", node.Config{DatabaseURL: db, Now: func() time.Time { return time.Unix(0, now.Load()).UTC() }})
	w := e.world(t)
	hal, ivy := pupilBody(newUPN()), pupilBody(newUPN())
	hal["first_name"], ivy["first_name"] = "Hal", "Ivy"
	halID := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, hal).str("id")
	ivyID := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, ivy).str("id")
	p := "/v1/pupils/" + halID
	cycle := p + "/cycles/" + e.must(t, 201, "POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}).str("id")
	now.Store(fixedNow.UnixNano())
	e.must(t, 200, "POST", cycle+"/assessment", w.sencoA, map[string]any{"assessed_on": "2025-09-10", "summary": "Word finding", "need_areas": []string{"communication_interaction"}})
	e.must(t, 200, "POST", cycle+"/plan", w.sencoA, map[string]any{"agreed_on": "2025-09-15", "review_due_on": "2025-12-12",
		"outcomes":     []any{map[string]any{"description": "Names 20 objects", "success_criteria": "In class"}},
		"provisions":   []any{map[string]any{"provision_id": w.provision, "sessions_per_week": 2, "minutes_per_session": 30, "group_size": 2}},
		"parent_views": "Pleased", "pupil_views": "I like it"})
	e.must(t, 200, "POST", p+"/transfer", w.sencoA, map[string]any{"school_id": w.schoolB, "on": "2025-10-01"})
	e.must(t, 200, "POST", "/v1/pupils/"+ivyID+"/leave", w.sencoA, map[string]any{"on": "2025-10-20"})
	seq := "&min_seq=" + strconv.FormatUint(e.lastSeq(t), 10)

	caseload := func(school, query string) string {
		t.Helper()
		rows := as[app.Caseload](t, e.must(t, 200, "GET", "/v1/schools/"+school+"/caseload?"+query+seq, w.lead, nil)).Pupils
		var out []string
		for _, r := range rows {
			out = append(out, strings.Fields(r.Name)[0]+":"+r.Stage)
		}
		return strings.Join(out, ",")
	}
	for _, tt := range []struct{ query, a, b string }{
		{"as_of=2025-09-02", "", ""},                    // before the registrations
		{"as_of=2025-09-05", "Hal:none,Ivy:none", ""},   // registered
		{"as_of=2025-09-09", "Hal:assess,Ivy:none", ""}, // cycle opened
		{"as_of=2025-09-12", "Hal:plan,Ivy:none", ""},   // assessed
		{"as_of=2025-09-20", "Hal:do,Ivy:none", ""},     // plan agreed
		{"as_of=2025-10-05", "Ivy:none", "Hal:do"},      // transferred on 1 October
		{"as_of=2025-10-25", "", "Hal:do"},              // Ivy left on 20 October
		{"", "", "Hal:do"},                              // today
		// As known on 2 October, the assessment (recorded on 10 November)
		// had not been written down.
		{"as_of=2025-09-12&known_at=2025-10-02T00:00:00Z", "Hal:assess,Ivy:none", ""},
		{"as_of=2025-09-12&known_at=2025-11-10T12:00:00%2B00:00", "Hal:plan,Ivy:none", ""},
	} {
		if got := caseload(w.schoolA, tt.query); got != tt.a {
			t.Errorf("caseload of school A %s: %q, want %q", tt.query, got, tt.a)
		}
		if got := caseload(w.schoolB, tt.query); got != tt.b {
			t.Errorf("caseload of school B %s: %q, want %q", tt.query, got, tt.b)
		}
	}
	// Workload: SEN support at A and B; the provision map costs Hal's plan
	// (1800p/h × 2 × 30 × 39 weeks / (60 × 2) = 35100p) from 15 September.
	for _, tt := range []struct{ asOf, want string }{{"2025-09-02", "0/0 0"}, {"2025-09-12", "2/0 0"}, {"2025-10-05", "1/1 35100"}, {"2025-10-25", "0/1 35100"}} {
		wl := as[projections.Workload](t, e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/workload?as_of="+tt.asOf+seq, w.lead, nil))
		pm := as[projections.ProvisionMap](t, e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/provision-map?as_of="+tt.asOf+seq, w.lead, nil))
		if got := fmt.Sprintf("%d/%d %d", wl.Schools[0].SENSupport, wl.Schools[1].SENSupport, pm.Totals.AnnualCostPence); got != tt.want {
			t.Errorf("workload and cost as of %s: %s, want %s", tt.asOf, got, tt.want)
		}
	}

	// The pupil's record, EHCP clock and audit trail as they stood.
	rec := as[pupilAnswer](t, e.must(t, 200, "GET", p+"?as_of=2025-09-09", w.sencoB, nil))
	if rec.SchoolID != w.schoolA || len(rec.Cycles) != 1 || rec.Cycles[0].Stage != "assess" {
		t.Errorf("Hal as of 9 September: school %s, cycles %+v", rec.SchoolID, rec.Cycles)
	}
	e.must(t, 404, "GET", p+"?as_of=2025-09-01", w.sencoB, nil)
	ui := e.signIn(t, w.sencoB)
	if code, page := ui.get("/ui/pupils/" + halID + "?as_of=2025-09-09"); code != 200 || !strings.Contains(page, "as it stood at the end of 9 September 2025") ||
		strings.Contains(page, `action="/ui/pupils/`+halID+`/`) {
		t.Errorf("the pupil page as of 9 September: %d\n%s", code, page)
	}
	if _, page := ui.get("/ui/pupils/" + halID); !strings.Contains(page, `action="/ui/pupils/`+halID+`/`) {
		t.Error("today's pupil page offers no forms to its SENCO")
	}
	if code, page := ui.get("/ui/pupils/" + halID + "/audit?as_of=2025-09-09"); code != 200 || !strings.Contains(page, "as it stood at the end of 9 September 2025") {
		t.Errorf("the audit page as of 9 September: %d", code)
	}
	e.must(t, 200, "GET", p+"/ehcp?as_of=2025-09-09", w.sencoB, nil)
	if bad := e.must(t, 400, "GET", p+"?as_of=9/9/2025&known_at=yesterday", w.sencoB, nil); strings.Join(bad.fields(), ",") != "as_of,known_at" {
		t.Errorf("bad as_of and known_at: %s", bad.Raw)
	}
	e.must(t, 400, "GET", "/v1/schools/"+w.schoolA+"/caseload?known_at=2025-10-02", w.lead, nil)
	full := as[auditTrail](t, e.must(t, 200, "GET", p+"/audit", w.sencoB, nil)).Events
	known := as[auditTrail](t, e.must(t, 200, "GET", p+"/audit?known_at=2025-10-02T00:00:00Z", w.sencoB, nil)).Events
	if len(full) != 5 || len(known) != 2 {
		t.Fatalf("audit trail: %d events, %d known on 2 October; want 5 and 2", len(full), len(known))
	}
	var late []string
	for _, ev := range full {
		if ev.LateEntry {
			late = append(late, ev.Type)
		}
	}
	// Recorded on 10 November, more than 14 days after the dates they
	// describe: the assessment (10 September), the plan (15 September) and
	// the transfer (1 October).
	if got := strings.Join(late, ","); got != "assessment_recorded,plan_agreed,pupil_transferred" {
		t.Errorf("late entries: %s", got)
	}
}
