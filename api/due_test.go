package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/internal/node"
)

// TestDueSoon: what falls due for a SENCO and a trust lead, in JSON, CSV
// and on the page, each line linking to the form that closes it; a line
// closed leaves the list.
func TestDueSoon(t *testing.T) {
	clock := newTestClock()
	e := startConfig(t, "", node.Config{Now: clock.Now})
	w := e.world(t)
	helped := e.pupilBeingHelped(t, w) // review due 12 Dec 2025
	requested := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	e.must(t, 201, "POST", "/v1/pupils/"+requested+"/ehcp/milestones", w.sencoA, map[string]any{"type": "request", "on": "2025-09-01", "requested_by": "school"})
	// The trust waits at most 6 weeks for a service to see a pupil; one
	// referral was seen, one waits.
	e.must(t, 200, "PUT", "/v1/trusts/"+w.trust+"/settings", w.lead, map[string]any{"weeks_per_year": 39,
		"admin_hours": map[string]any{"annual_review": 6, "ehc_request": 10, "apdr_review": 1.5, "referral": 1}, "referral_wait_weeks": 6})
	for _, service := range []string{"speech_language_therapy", "educational_psychology"} {
		ref := e.must(t, 201, "POST", "/v1/pupils/"+helped+"/referrals", w.sencoA, map[string]any{"service": service, "provider": "nhs", "reason": "Speech sounds", "referred_on": "2025-09-15"}).str("id")
		if service == "educational_psychology" {
			e.must(t, 200, "POST", "/v1/pupils/"+helped+"/referrals/"+ref+"/status", w.sencoA, map[string]any{"status": "seen", "on": "2025-10-20"})
		}
	}

	// The due list is read from the views: wait until they have the request.
	e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/caseload?min_seq="+strconv.FormatUint(e.lastSeq(t), 10), w.sencoA, nil)
	due := as[app.DueList](t, e.must(t, 200, "GET", "/v1/me/due?within=90", w.sencoA, nil))
	var got []string
	for _, it := range due.Items {
		got = append(got, it.DueOn.String()+" "+it.Kind)
	}
	// decision to assess 1 Sep + 6 weeks (overdue); the speech and
	// language referral 15 Sep + 6 weeks (overdue; the psychologist has
	// seen her); APDR review 12 Dec; a first meeting with the requested
	// pupil's parents (none recorded) by the end of the autumn term; final
	// plan 1 Sep + 20 weeks. The helped pupil's plan, in place all of the
	// last 4 weeks, had no session logged: 0% delivered, listed today.
	if strings.Join(got, ", ") != "2025-10-13 decision_to_assess, 2025-10-27 referral_wait, 2025-11-10 provision_delivery, 2025-12-12 apdr_review, 2025-12-31 parent_meeting, 2026-01-19 final_issued" ||
		!due.Items[0].Overdue || !strings.HasPrefix(due.Items[0].Basis, "reg 5(1)") || !due.Items[1].Overdue || due.Items[1].Basis != "the trust's threshold: seen within 6 weeks of the referral" {
		t.Fatalf("due within 90 days: %v %+v", got, due.Items)
	}
	if d := as[app.DueList](t, e.must(t, 200, "GET", "/v1/me/due", w.lead, nil)); len(d.Items) != 3 || d.Within != 30 {
		t.Fatalf("the lead's next 30 days: %+v", d)
	}
	if r := e.must(t, 400, "GET", "/v1/me/due?min_seq=soon", w.sencoA, nil); strings.Join(r.fields(), ",") != "min_seq" {
		t.Fatalf("min_seq soon: %s", r.Raw)
	}
	if r := e.must(t, 400, "GET", "/v1/me/due?within=400", w.sencoA, nil); strings.Join(r.fields(), ",") != "within" {
		t.Fatalf("within 400: %s", r.Raw)
	}
	if r := e.must(t, 400, "GET", "/v1/me/due", adminToken, nil); strings.Join(r.fields(), ",") != "school" {
		t.Fatalf("an admin naming no school: %s", r.Raw)
	}
	e.must(t, 403, "GET", "/v1/me/due?school="+w.schoolA, w.sencoB, nil)

	b := e.signIn(t, w.sencoA)
	status, page := b.get("/ui/due?within=90")
	if status != http.StatusOK || !strings.Contains(page, `href="/ui/pupils/`+requested+`#ehcp"`) || !strings.Contains(page, `href="/ui/pupils/`+helped+`#cycle"`) ||
		!strings.Contains(page, "Overdue by 28 days") || !strings.Contains(page, "reg 13(2)") ||
		!strings.Contains(page, `href="/ui/pupils/`+helped+`#referrals"`) || !strings.Contains(page, "Referral to speech language therapy not yet seen") ||
		!strings.Contains(page, "Meeting with the parents, 1 of 3 this school year") {
		t.Fatalf("due page (%d):\n%s", status, page)
	}
	// A trust lead's page counts each school's lines (3 overdue, 1 of them
	// statutory; 3 due within 90 days at Oak Primary) and links to them.
	_, page = e.signIn(t, w.lead).get("/ui/due?within=90")
	if !strings.Contains(page, `id="due-overview"`) ||
		!strings.Contains(page, `school=`+w.schoolA+`">Oak Primary</a></td><td data-label="Overdue" class="num">3</td><td data-label="Of which statutory" class="num">1</td><td data-label="Due" class="num">3</td>`) ||
		strings.Contains(page, "Decision to assess") {
		t.Fatalf("the lead's overview:\n%s", page)
	}
	// A window the page does not offer, typed into the address: the field
	// is named, and the next 30 days are shown.
	if status, page := b.get("/ui/due?within=400"); status != http.StatusBadRequest || !strings.Contains(page, `href="#due-within"`) || !strings.Contains(page, app.DueWithinRule) {
		t.Fatalf("due within 400 days (%d):\n%s", status, page)
	}
	res, err := b.c.Get(e.srv.URL + "/ui/due?within=90&format=csv")
	if err != nil {
		t.Fatal(err)
	}
	if csv := bodyOf(res); !strings.HasPrefix(csv, "due_on,overdue,days,kind") || strings.Count(csv, "\n") != 7 {
		t.Fatalf("due CSV:\n%s", csv)
	}
	// The decision is recorded: it leaves the list.
	e.must(t, 201, "POST", "/v1/pupils/"+requested+"/ehcp/milestones", w.sencoA, map[string]any{"type": "decision_to_assess", "on": "2025-10-10", "assess": true})
	due = as[app.DueList](t, e.must(t, 200, "GET", "/v1/me/due?within=90&min_seq="+strconv.FormatUint(e.lastSeq(t), 10), w.sencoA, nil))
	for _, it := range due.Items {
		if it.Kind == "decision_to_assess" {
			t.Fatalf("a done milestone is still due: %+v", due.Items)
		}
	}
}
