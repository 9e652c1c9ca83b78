package api_test

import (
	"strings"
	"testing"
)

// TestPupilPageDelivery: the pupil page sets the current plan's minutes
// against what was delivered and attended over the last four weeks, and
// says when the next meeting with the parents is due.
func TestPupilPageDelivery(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.pupilBeingHelped(t, w) // Talk Boost 3 × 30 minutes a week from 15 September
	pupilAt := e.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil)
	cycle := pupilAt.Body["cycles"].([]any)[0].(map[string]any)["id"].(string)
	for _, s := range []map[string]any{
		{"delivered_on": "2025-10-01", "minutes": 30, "attended": true}, // before the four weeks
		{"delivered_on": "2025-11-03", "minutes": 30, "attended": true},
		{"delivered_on": "2025-11-05", "minutes": 30, "attended": false},
	} {
		s["provision_id"] = w.provision
		e.must(t, 201, "POST", "/v1/pupils/"+id+"/cycles/"+cycle+"/sessions", w.sencoA, s)
	}
	_, page := e.signIn(t, w.sencoA).get("/ui/pupils/" + id)
	// 14 October to 10 November: 20 weekdays, 4 weeks of 90 minutes = 360
	// planned; 60 delivered (60 × 100 / 360 = 16%), 30 of them attended
	// (50%).
	for _, want := range []string{
		"Delivered against planned, the last four weeks", "Planned since 14 October 2025",
		`<td class="num">90 min</td><td class="num">360 min</td>`, "60 min (16%)", "30 min (50% of delivered)",
		"the second of 3 is due by 31 March 2026",
	} {
		if !strings.Contains(page, want) {
			t.Fatalf("the pupil page does not say %q:\n%s", want, page)
		}
	}
}
