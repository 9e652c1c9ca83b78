package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFollowingThrough: a review deciding to request an EHC needs
// assessment offers the request, filled in; SEN status N with a cycle
// open asks whether to close it, and closing it ends its provisions.
func TestFollowingThrough(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.pupilBeingHelped(t, w)
	got := as[pupilAnswer](t, e.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil))
	b := e.signIn(t, w.sencoA)
	page := "/ui/pupils/" + id
	b.get(page)
	res := b.post(page+"/review", url.Values{"cycle_id": {got.Cycles[0].ID}, "held_on": {"03/11/2025"}, "outcomes[0].outcome_id": {got.Cycles[0].Plan.Outcomes[0].ID},
		"outcomes[0].rating": {"not_met"}, "decision": {"escalate_ehc_request"}, "parent_views": {"Worried"}, "pupil_views": {"Hard"}})
	next := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(next, "next=ehc_request") || !strings.HasSuffix(next, "#ehcp") {
		t.Fatalf("after a review deciding on an EHC request: %d to %q", res.StatusCode, next)
	}
	_, body := b.get(strings.TrimPrefix(next, e.srv.URL))
	for _, want := range []string{`<option value="request" selected`, `name="on" value="03/11/2025"`, `name="requested_by" value="school"`, "record the request below"} {
		if !strings.Contains(body, want) {
			t.Errorf("the request is not offered filled in: no %q", want)
		}
	}

	// A second pupil, being helped, is found to have no SEN.
	id = e.pupilBeingHelped(t, w)
	page = "/ui/pupils/" + id
	b.get(page)
	status := url.Values{"sen_status": {"N"}, "on": {"07/11/2025"}}
	res = b.post(page+"/status", status)
	if body := bodyOf(res); res.StatusCode != http.StatusOK || !strings.Contains(body, "Are you sure?") || !strings.Contains(body, `name="close_cycle" value="true"`) {
		t.Fatalf("status N with a cycle open is not asked about: %d\n%s", res.StatusCode, body)
	}
	status.Set("confirm", "yes")
	status.Set("close_cycle", "true")
	if res := b.post(page+"/status", status); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("closing the cycle: %d\n%s", res.StatusCode, bodyOf(res))
	}
	p := as[pupilAnswer](t, e.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil))
	if p.SENStatus != "N" || p.Cycles[0].Stage != "closed" || p.Cycles[0].ClosedOn.String() != "2025-11-07" || len(p.ActiveProvisions) != 0 {
		t.Fatalf("after status N closing the cycle: %s, %+v, active %v", p.SENStatus, p.Cycles[0], p.ActiveProvisions)
	}
	if _, body := b.get(page); !strings.Contains(body, "closed on 7 November 2025, without a review") {
		t.Fatal("the page does not say the cycle was closed without a review")
	}
}
