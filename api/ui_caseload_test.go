package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/internal/node"
)

// TestCaseloadLeaversAndCSV: the caseload downloads as CSV what it shows
// (searched and filtered, every page), and a leavers view lists who left
// with the date their record is kept until; the pupil page says how
// overdue a review is.
func TestCaseloadLeaversAndCSV(t *testing.T) {
	clock := newTestClock()
	e := startConfig(t, "", node.Config{Now: clock.Now})
	w := e.world(t)
	helped := e.pupilBeingHelped(t, w) // review due 12/12/2025
	e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, map[string]any{"upn": newUPN(), "first_name": "Ben", "last_name": "Adams",
		"date_of_birth": "2014-05-06", "year_group": "6", "sen_status": "K", "primary_need": "SEMH", "registered_on": "2025-09-03"})
	left := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, map[string]any{"upn": newUPN(), "first_name": "Cara", "last_name": "Bell",
		"date_of_birth": "2014-05-06", "year_group": "6", "sen_status": "K", "primary_need": "SEMH", "registered_on": "2025-09-03"}).str("id")
	e.must(t, 200, "POST", "/v1/pupils/"+left+"/leave", w.sencoA, map[string]any{"on": "2025-10-31", "destination": "Moved away"})

	b := e.signIn(t, w.sencoA)
	caseload := "/ui/schools/" + w.schoolA + "/caseload"
	_, page := b.get(caseload + "?q=ada")
	if !strings.Contains(page, `href="?format=csv&amp;page=&amp;q=ada"`) {
		t.Fatalf("no CSV link keeping the search:\n%s", page)
	}
	res, err := b.c.Get(e.srv.URL + caseload + "?" + url.Values{"q": {"ada"}, "format": {"csv"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	csv := bodyOf(res)
	if res.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.HasPrefix(csv, "pupil_id,name,") ||
		strings.Count(csv, "\n") != 3 || !strings.Contains(csv, "Ben Adams") || strings.Contains(csv, "Cara") {
		t.Fatalf("caseload CSV (%s):\n%s", res.Header.Get("Content-Type"), csv)
	}
	status, page := b.get(caseload + "?view=leavers")
	if status != http.StatusOK || !strings.Contains(page, "Cara Bell") || !strings.Contains(page, "31 October 2025") ||
		!strings.Contains(page, "Moved away") || !strings.Contains(page, "6 May 2039") || strings.Contains(page, "Ben Adams") {
		t.Fatalf("leavers (%d):\n%s", status, page)
	}
	if _, page := b.get(caseload); strings.Contains(page, "Cara Bell") {
		t.Fatal("a leaver is on the caseload")
	}

	// The review due on 12 December 2025, seen on 15 December.
	clock.setDate(t, "2025-12-15")
	_, page = e.signIn(t, w.sencoA).get("/ui/pupils/" + helped) // the session ended meanwhile
	if !strings.Contains(page, "Review overdue by 3 days") {
		t.Fatalf("the pupil page does not say the review is overdue")
	}
}

// TestPupilPageHistory: a reviewed cycle stays on the pupil's page with
// what was assessed, planned, delivered (and how often attended) and
// decided; the EHC timeline is grouped by process; times are UK time.
func TestPupilPageHistory(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.pupilBeingHelped(t, w)
	p := "/v1/pupils/" + id
	got := as[pupilAnswer](t, e.must(t, 200, "GET", p, w.sencoA, nil))
	cyc := p + "/cycles/" + got.Cycles[0].ID
	for i, day := range []string{"2025-09-16", "2025-09-17", "2025-09-18"} {
		e.must(t, 201, "POST", cyc+"/sessions", w.sencoA, map[string]any{"provision_id": w.provision, "delivered_on": day, "minutes": 30, "attended": i != 1})
	}
	e.must(t, 200, "POST", cyc+"/review", w.sencoA, map[string]any{"held_on": "2025-11-03", "decision": "continue", "parent_views": "Pleased", "pupil_views": "Fun",
		"outcomes": []any{map[string]any{"outcome_id": got.Cycles[0].Plan.Outcomes[0].ID, "rating": "partly_met"}}})
	e.must(t, 201, "POST", p+"/ehcp/milestones", w.sencoA, map[string]any{"type": "request", "on": "2025-10-01", "requested_by": "school"})
	_, page := e.signIn(t, w.sencoA).get("/ui/pupils/" + id)
	for _, want := range []string{"Earlier cycles", "reviewed 3 November 2025", "Speech screening", "Uses 3-word sentences</td><td>4 of 5 lessons</td><td>partly met",
		"Sessions delivered: 3, 2 attended (67%)", "views: Pleased", "<h3>EHC needs assessment</h3>", "GMT"} {
		if !strings.Contains(page, want) {
			t.Errorf("the pupil page lacks %q", want)
		}
	}
}
