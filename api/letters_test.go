package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestLetters: the annual review invitation, to the parents and to a
// professional, and the request for advice, filled from the record; what
// the record does not hold is typed on the page, and bad text is refused
// with the field named and the values kept.
func TestLetters(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	body := pupilBody(newUPN())
	body["sen_status"] = "E"
	planned := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, body).str("id")
	e.must(t, 201, "POST", "/v1/pupils/"+planned+"/ehcp/milestones", w.sencoA, map[string]any{"type": "final_issued", "on": "2024-11-15"})
	e.must(t, 201, "POST", "/v1/pupils/"+planned+"/ehcp/milestones", w.sencoA, map[string]any{"type": "annual_review_scheduled", "on": "2025-11-01", "meeting_on": "2025-11-24"})
	assessed := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	for _, m := range []map[string]any{
		{"type": "request", "on": "2025-09-01", "requested_by": "school"},
		{"type": "decision_to_assess", "on": "2025-09-20", "assess": true},
		{"type": "advice_requested", "on": "2025-10-20", "from": "educational psychologist"},
	} {
		e.must(t, 201, "POST", "/v1/pupils/"+assessed+"/ehcp/milestones", w.sencoA, m)
	}
	b := e.signIn(t, w.sencoA)
	letter := func(path string, status int, want ...string) string {
		t.Helper()
		code, page := b.get(path)
		if code != status {
			t.Fatalf("%s: %d, want %d\n%s", path, code, status, page)
		}
		for _, s := range want {
			if !strings.Contains(page, s) {
				t.Fatalf("%s does not say %q:\n%s", path, s, page)
			}
		}
		return page
	}
	if _, page := b.get("/ui/pupils/" + planned); !strings.Contains(page, `href="/ui/pupils/`+planned+`/letters/annual-review?to=parents"`) {
		t.Fatal("the pupil page does not offer the letters")
	}
	q := url.Values{"to": {"parents"}, "time": {"10am"}, "place": {"the meeting room"}, "contact": {"office@oak.sch.uk"}}
	letter("/ui/pupils/"+planned+"/letters/annual-review?"+q.Encode(), http.StatusOK,
		"Dear parent or carer of Ada Lovelace", "on <strong>Monday 24 November 2025</strong> at 10am, the meeting room",
		"by <strong>Monday 10 November 2025</strong>", "regulation 20", "office@oak.sch.uk", "Sam Senco", "Oak Primary")
	q.Set("to", "professional")
	letter("/ui/pupils/"+planned+"/letters/annual-review?"+q.Encode(), http.StatusOK,
		"Dear colleague", "born 4 March 2015, Year 5, Oak Primary", "your advice and information about Ada")
	letter("/ui/pupils/"+assessed+"/letters/advice-request", http.StatusOK,
		"Dear educational psychologist", "requested on 1 September 2025", "asked for on 20 October 2025",
		"by <strong>Monday 1 December 2025</strong>", "regulation 8", "sam@oak.org.uk")
	letter("/ui/pupils/"+assessed+"/letters/annual-review", http.StatusOK, "No annual review meeting is scheduled")
	letter("/ui/pupils/"+planned+"/letters/advice-request", http.StatusOK, "No advice has been asked for")
	letter("/ui/pupils/"+planned+"/letters/nope", http.StatusNotFound)
	letter("/ui/pupils/"+assessed+"/letters/advice-request?from=paediatrician", http.StatusBadRequest, `href="#letter-from"`, "no advice was asked of")
	letter("/ui/pupils/"+planned+"/letters/annual-review?to=grandparents", http.StatusBadRequest, `href="#letter-to"`)
	bad := url.Values{"place": {"the hall\x1b[31m"}, "time": {"10am"}}
	letter("/ui/pupils/"+planned+"/letters/annual-review?"+bad.Encode(), http.StatusBadRequest,
		`href="#letter-place"`, "control characters", `value="10am"`)
}
