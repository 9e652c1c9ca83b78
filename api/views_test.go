package api_test

import (
	"encoding/csv"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sendcase/sendcase/internal/pgtest"
)

// TestViewsOverHTTP runs one scenario through the API against each store
// and checks the views against numbers worked out by hand.
func TestViewsOverHTTP(t *testing.T) {
	for _, store := range []string{"memory", "postgres"} {
		t.Run(store, func(t *testing.T) {
			db := ""
			if store == "postgres" {
				db = pgtest.URL(t)
			}
			e := startWith(t, "", db)
			w := e.world(t)
			e.must(t, 200, "PUT", "/v1/trusts/"+w.trust+"/settings", w.lead, map[string]any{"weeks_per_year": 38,
				"admin_hours": map[string]any{"annual_review": 6, "ehc_request": 10, "apdr_review": 1.5, "referral": 1}})
			elsa := e.must(t, 201, "POST", "/v1/trusts/"+w.trust+"/provisions", w.lead, map[string]any{
				"name": "ELSA", "area_of_need": "semh", "delivery": "individual", "staff_role": "ELSA",
				"hourly_cost_pence": 2250, "max_group_size": 1}).str("id")

			// Ada: Talk Boost (1800p/h) 3×30 in a group of 4, review due 12 Dec.
			ada := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, named(pupilBody(newUPN()), "Ada", "Ashby")).str("id")
			e.planned(t, w.sencoA, ada, "2025-12-12", map[string]any{"provision_id": w.provision, "sessions_per_week": 3, "minutes_per_session": 30, "group_size": 4})
			// Ben: ELSA 1×45 alone, review due 1 Nov (overdue by 9 days on 10 Nov); a referral.
			ben := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, named(pupilBody(newUPN()), "Ben", "Baker")).str("id")
			e.planned(t, w.sencoA, ben, "2025-11-01", map[string]any{"provision_id": elsa, "sessions_per_week": 1, "minutes_per_session": 45, "group_size": 1})
			last := e.must(t, 201, "POST", "/v1/pupils/"+ben+"/referrals", w.sencoA, map[string]any{"service": "camhs", "provider": "nhs", "reason": "Anxiety", "referred_on": "2025-10-01"})
			seq := last.num("seq")

			q := fmt.Sprintf("?min_seq=%d", seq)
			cl := e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/caseload"+q, w.sencoA, nil)
			if cl.Header.Get("X-Projection-Seq") == "" {
				t.Fatal("no X-Projection-Seq")
			}
			rows := as[caseload](t, cl).Pupils
			if len(rows) != 2 {
				t.Fatalf("caseload: %s", cl.Raw)
			}
			// Ben's review was due 1 November: 9 days overdue on the 10th.
			if b := rows[1]; b.Name != "Ben Baker" || b.Stage != "do" || !b.ReviewOverdue || b.DaysOverdue != 9 || b.OpenReferrals != 1 || b.AreaOfNeed != "communication_interaction" {
				t.Fatalf("Ben's row: %+v", b)
			}
			if r := e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/caseload?overdue=true&as_of=2025-11-01"+"&min_seq="+fmt.Sprint(seq), w.sencoA, nil); len(as[caseload](t, r).Pupils) != 0 {
				t.Fatalf("overdue on the due date: %s", r.Raw)
			}
			if r := e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/caseload?overdue=true&as_of=2025-11-02", w.sencoA, nil); len(as[caseload](t, r).Pupils) != 1 {
				t.Fatalf("overdue the day after: %s", r.Raw)
			}
			e.must(t, 400, "GET", "/v1/schools/"+w.schoolA+"/caseload?stage=finished", w.sencoA, nil)
			e.must(t, 400, "GET", "/v1/schools/"+w.schoolA+"/caseload?min_seq=soon", w.sencoA, nil)
			e.must(t, 403, "GET", "/v1/schools/"+w.schoolA+"/caseload", w.sencoB, nil)
			e.must(t, 403, "GET", "/v1/schools/"+w.schoolA+"/caseload", w.otherLead, nil)
			e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/caseload", w.lead, nil)

			csvr := e.do(t, "GET", "/v1/schools/"+w.schoolA+"/caseload", w.sencoA, nil, "Accept", "text/csv")
			recs, err := csv.NewReader(strings.NewReader(string(csvr.Raw))).ReadAll()
			if err != nil || len(recs) != 3 || recs[0][0] != "pupil_id" || recs[2][1] != "Ben Baker" || !strings.HasPrefix(csvr.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("csv: %v %q", err, csvr.Raw)
			}

			// Workload: Ada K, Ben K; APDR reviews: Ben overdue, Ada due 12 Dec is outside 30 days;
			// one open referral. Admin hours = 1.5 × 1 + 1 × 1 = 2.5.
			wl := e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/workload", w.lead, nil)
			// Ben referred 1 October, not seen: 40 days on 10 November.
			wld := as[workload](t, wl)
			tot := wld.Totals
			if tot.SENSupport != 2 || tot.APDRReviewsOverdue != 1 || tot.APDRReviewsDue30d != 1 || tot.OpenReferrals != 1 ||
				tot.AdminHoursNext30d != 2.5 || tot.MeanReferralWaitDays == nil || *tot.MeanReferralWaitDays != 40 {
				t.Fatalf("workload totals: %s", wl.Raw)
			}
			if len(wld.Schools) != 2 {
				t.Fatalf("workload schools: %s", wl.Raw)
			}
			e.must(t, 403, "GET", "/v1/trusts/"+w.trust+"/workload", w.sencoA, nil)
			e.must(t, 403, "GET", "/v1/trusts/"+w.trust+"/workload", w.otherLead, nil)
			if r := e.do(t, "GET", "/v1/trusts/"+w.trust+"/workload", w.lead, nil, "Accept", "text/csv"); !strings.Contains(string(r.Raw), "\n,Total,2,0,") {
				t.Fatalf("workload csv: %s", r.Raw)
			}

			// Provision map: Talk Boost 1800×3×30×38/(60×4) = 25650; ELSA 2250×1×45×38/60 = 64125.
			pm := e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/provision-map", w.lead, nil)
			// 25650 + 64125 = 89775; 3×30 + 45 = 135 minutes; staff 90/4 + 45 = 67.5 min = 1.13 h.
			pmap := as[provisionMap](t, pm)
			if tp := pmap.Totals; tp.AnnualCostPence != 89775 || tp.Pupils != 2 || tp.WeeklyPupilMinutes != 135 || tp.WeeklyStaffHours != 1.13 {
				t.Fatalf("provision map totals: %+v", tp)
			}
			if semh := pmap.ByAreaOfNeed["semh"]; semh == nil || semh.AnnualCostPence != 64125 {
				t.Fatalf("semh: %+v", semh)
			}
			e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/provision-map", w.sencoA, nil)
			e.must(t, 403, "GET", "/v1/schools/"+w.schoolA+"/provision-map", w.sencoB, nil)
			e.must(t, 403, "GET", "/v1/trusts/"+w.trust+"/provision-map", w.sencoA, nil)
			if r := e.do(t, "GET", "/v1/schools/"+w.schoolA+"/provision-map", w.sencoA, nil, "Accept", "text/csv"); !strings.Contains(string(r.Raw), "Total,,2,135,1.13,89775") {
				t.Fatalf("provision map csv: %s", r.Raw)
			}
			// Read-your-writes that cannot be met: 503 with Retry-After.
			if testing.Short() {
				return
			}
			start := time.Now()
			r := e.do(t, "GET", "/v1/trusts/"+w.trust+"/workload?min_seq=999999", w.lead, nil)
			if r.Status != 503 || r.Header.Get("Retry-After") == "" || time.Since(start) > 8*time.Second {
				t.Fatalf("unreachable min_seq: %d %v", r.Status, r.Header)
			}
		})
	}
}

func named(b map[string]any, first, last string) map[string]any {
	b["first_name"], b["last_name"] = first, last
	return b
}

// planned takes a pupil to Do with one provision and a review date.
func (e *env) planned(t *testing.T, token, pupil, reviewDue string, provision map[string]any) {
	t.Helper()
	p := "/v1/pupils/" + pupil
	c := p + "/cycles/" + e.must(t, 201, "POST", p+"/cycles", token, map[string]any{"opened_on": "2025-09-08"}).str("id")
	e.must(t, 200, "POST", c+"/assessment", token, map[string]any{"assessed_on": "2025-09-10", "summary": "s", "need_areas": []string{"communication_interaction"}})
	e.must(t, 200, "POST", c+"/plan", token, map[string]any{"agreed_on": "2025-09-15", "review_due_on": reviewDue,
		"outcomes":   []any{map[string]any{"description": "d", "success_criteria": "s"}},
		"provisions": []any{provision}, "parent_views": "p", "pupil_views": "q"})
}

func TestAuditTrailOverHTTP(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	e.planned(t, w.sencoA, id, "2025-12-12", map[string]any{"provision_id": w.provision, "sessions_per_week": 1, "minutes_per_session": 30, "group_size": 2})
	e.must(t, 404, "GET", "/v1/pupils/"+id+"/audit", w.reviewer, nil)
	e.must(t, 201, "POST", "/v1/pupils/"+id+"/grants", w.sencoA, map[string]any{"user_id": w.reviewerID, "until": "2026-01-31"})

	a := e.must(t, 200, "GET", "/v1/pupils/"+id+"/audit", w.reviewer, nil)
	var types []string
	prev := ""
	for i, ev := range as[auditTrail](t, a).Events {
		types = append(types, ev.Type)
		if ev.Version != i+1 || ev.PrevHash != prev || ev.Hash == "" || ev.Actor.Name != "Sam Senco" {
			t.Fatalf("event %d: %+v", i, ev)
		}
		prev = ev.Hash
	}
	if got := strings.Join(types, ","); got != "pupil_registered,cycle_opened,assessment_recorded,plan_agreed,access_granted" {
		t.Fatalf("types %s", got)
	}
	// from/to filter on the date things happened.
	f := e.must(t, 200, "GET", "/v1/pupils/"+id+"/audit?from=2025-09-09&to=2025-09-12", w.sencoA, nil)
	if n := len(as[auditTrail](t, f).Events); n != 1 {
		t.Fatalf("filtered: %d events", n)
	}
	e.must(t, 400, "GET", "/v1/pupils/"+id+"/audit?from=yesterday", w.sencoA, nil)
	e.must(t, 400, "GET", "/v1/pupils/"+id+"/audit?from=2025-10-01&to=2025-09-01", w.sencoA, nil)
	if r := e.do(t, "GET", "/v1/pupils/"+id+"/audit", w.lead, nil, "Accept", "text/csv"); r.Status != 200 || strings.Count(string(r.Raw), "\n") < 6 {
		t.Fatalf("audit csv: %s", r.Raw)
	}
	v := e.must(t, 200, "GET", "/v1/pupils/"+id+"/audit/verify", w.reviewer, nil)
	if v.Body["ok"] != true || v.num("events") != 5 || v.str("head_hash") != prev {
		t.Fatalf("verify: %s", v.Raw)
	}
	e.must(t, 404, "GET", "/v1/pupils/"+id+"/audit/verify", w.sencoB, nil)
	e.must(t, 404, "GET", "/v1/pupils/"+id+"/audit", w.otherLead, nil)
}

// TestCaseloadNeedFilterSaysWhy: the need filter matches the primary or the
// secondary need, and the table shows both (issue 17, defect 6).
func TestCaseloadNeedFilterSaysWhy(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	body := pupilBody(newUPN())
	body["primary_need"], body["secondary_need"] = "SLCN", "SEMH"
	seq := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, body).num("seq")
	// (min_seq: the views have applied the registration.)
	got := e.must(t, 200, "GET", fmt.Sprintf("/v1/schools/%s/caseload?need=SEMH&min_seq=%d", w.schoolA, seq), w.sencoA, nil)
	if raw := string(got.Raw); !strings.Contains(raw, `"secondary_need":"SEMH"`) {
		t.Fatalf("caseload: %s", raw)
	}
	b := e.signIn(t, w.sencoA)
	if _, page := b.get("/ui/schools/" + w.schoolA + "/caseload?need=SEMH"); !strings.Contains(page, "Also SEMH") {
		t.Fatal("the table does not say the secondary need")
	}
}

// TestSENCOOpensTheirSchoolsProvisionMap (issue 17, defect 7).
func TestSENCOOpensTheirSchoolsProvisionMap(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	b := e.signIn(t, w.sencoA)
	if code, page := b.get("/ui/schools/" + w.schoolA + "/provision-map"); code != 200 || strings.Contains(page, `id="pm-school"`) {
		t.Fatalf("own school: %d", code)
	}
	if code, _ := b.get("/ui/schools/" + w.schoolB + "/provision-map"); code != 403 {
		t.Fatalf("another school: %d", code)
	}
}

// TestCaseloadSearchSortAndPages: a caseload too long for one page is
// searched by name or UPN, sorted by surname both ways, 50 a page.
func TestCaseloadSearchSortAndPages(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	var oneUPN string
	seq := 0
	for i := range 60 {
		body := pupilBody(newUPN())
		body["last_name"] = fmt.Sprintf("Surname%02d", 59-i)
		if i == 7 {
			body["last_name"], oneUPN = "Quillfeather", body["upn"].(string)
		}
		seq = e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, body).num("seq")
	}
	e.must(t, 200, "GET", fmt.Sprintf("/v1/schools/%s/caseload?min_seq=%d", w.schoolA, seq), w.sencoA, nil) // the views have them all
	b := e.signIn(t, w.sencoA)
	base := "/ui/schools/" + w.schoolA + "/caseload"
	_, page := b.get(base)
	if !strings.Contains(page, "60 pupils") || !strings.Contains(page, "page 1 of 2") || strings.Count(page, `href="/ui/pupils/`) != 50 {
		t.Fatalf("first page: %d links", strings.Count(page, `href="/ui/pupils/`))
	}
	if i, j := strings.Index(page, "Surname00"), strings.Index(page, "Surname01"); i < 0 || j < i {
		t.Error("not sorted by surname")
	}
	if _, page := b.get(base + "?page=2"); strings.Count(page, `href="/ui/pupils/`) != 10 || !strings.Contains(page, "Surname58") {
		t.Error("second page")
	}
	if _, page := b.get(base + "?sort=-name"); strings.Index(page, "Surname58") > strings.Index(page, "Surname57") {
		t.Error("not sorted the other way")
	}
	for _, q := range []string{"quill", oneUPN, strings.ToLower(oneUPN)} {
		if _, page := b.get(base + "?q=" + url.QueryEscape(q)); !strings.Contains(page, "1 pupil ") || !strings.Contains(page, "Quillfeather") {
			t.Errorf("search %q", q)
		}
	}
}
