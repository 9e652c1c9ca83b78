package api_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/internal/node"
)

// TestMeetingsWithParents: a meeting held outside a plan or a review is
// recorded (API and form) with who came and what was agreed, and counts
// towards the three a year on the pupil page, the caseload and Due soon.
func TestMeetingsWithParents(t *testing.T) {
	clock := newTestClock()
	e := startConfig(t, "", node.Config{Now: clock.Now})
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id") // SEN support, registered 3 September
	row := func() map[string]any {
		t.Helper()
		cl := e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/caseload?min_seq="+strconv.FormatUint(e.lastSeq(t), 10), w.sencoA, nil)
		for _, r := range cl.Body["pupils"].([]any) {
			if r := r.(map[string]any); r["pupil_id"] == id {
				return r
			}
		}
		t.Fatalf("not on the caseload: %s", cl.Raw)
		return nil
	}
	clock.setDate(t, "2026-01-05") // the autumn term has ended with no meeting
	if r := row(); r["parent_meetings"] != 0.0 || r["parent_meetings_behind"] != true {
		t.Fatalf("no meeting by January: %v", r)
	}
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"held_on": "2026-02-01", "who_came": "Mum", "agreed": "More reading at home"}, "held_on"},
		{map[string]any{"held_on": "2025-12-01", "who_came": "Mum", "agreed": " "}, "agreed"},
		{map[string]any{"held_on": "2025-12-01", "who_came": "Mum\x00", "agreed": "Reading"}, "who_came"},
	} {
		if r := e.must(t, 400, "POST", "/v1/pupils/"+id+"/meetings", w.sencoA, tc.body); strings.Join(r.fields(), ",") != tc.field {
			t.Fatalf("%v: %s", tc.body, r.Raw)
		}
	}
	entry := e.must(t, 201, "POST", "/v1/pupils/"+id+"/meetings", w.sencoA, map[string]any{"held_on": "2025-12-01", "who_came": "Mum, class teacher", "agreed": "Reading at home"}).num("version")
	e.must(t, 404, "POST", "/v1/pupils/"+id+"/meetings", w.reviewer, map[string]any{"held_on": "2025-12-01", "who_came": "Mum", "agreed": "x"})
	if r := row(); r["parent_meetings"] != 1.0 || r["parent_meetings_behind"] != false {
		t.Fatalf("one meeting in December: %v", r)
	}
	due := as[app.DueList](t, e.must(t, 200, "GET", "/v1/me/due?within=90", w.sencoA, nil))
	for _, it := range due.Items {
		if it.Kind == "parent_meeting" && (it.From != "2" || it.DueOn.String() != "2026-03-31") {
			t.Fatalf("the next meeting due: %+v", it)
		}
	}
	// A meeting is an entry like any other: corrected (to a date before
	// this school year, so it no longer counts), then put right again.
	p := "/v1/pupils/" + id + "/entries/" + strconv.Itoa(entry)
	e.must(t, 200, "POST", p+"/correct", w.sencoA, map[string]any{"reason": "Wrong year",
		"meeting": map[string]any{"held_on": "2025-07-01", "who_came": "Mum, class teacher", "agreed": "Reading at home"}})
	if r := row(); r["parent_meetings"] != 0.0 || r["parent_meetings_behind"] != true {
		t.Fatalf("the meeting corrected to last school year: %v", r)
	}
	e.must(t, 200, "POST", p+"/correct", w.sencoA, map[string]any{"reason": "It was December after all",
		"meeting": map[string]any{"held_on": "2025-12-01", "who_came": "Mum, class teacher", "agreed": "Reading at home"}})
	b := e.signIn(t, w.sencoA)
	if _, page := b.get("/ui/pupils/" + id + "/entries/" + strconv.Itoa(entry)); !strings.Contains(page, `value="Mum, class teacher"`) {
		t.Fatalf("the meeting's correction form:\n%s", page)
	}
	b.get("/ui/pupils/" + id)
	if res := b.post("/ui/pupils/"+id+"/meeting", url.Values{"held_on": {"05/01/2026"}, "who_came": {"Dad"}, "agreed": {"A visual timetable"}}); res.StatusCode != 303 {
		t.Fatalf("the meeting form: %d %s", res.StatusCode, bodyOf(res))
	}
	_, page := b.get("/ui/pupils/" + id)
	for _, want := range []string{"This school year: 2 of the 3", "Mum, class teacher", "A visual timetable", "Meeting with the parents", "Corrected by entry"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the pupil page does not say %q:\n%s", want, page)
		}
	}
	// Voided, it no longer counts.
	e.must(t, 200, "POST", p+"/void", w.sencoA, map[string]any{"reason": "Recorded on the wrong pupil"})
	if r := row(); r["parent_meetings"] != 1.0 {
		t.Fatalf("after voiding the December meeting: %v", r)
	}
}
