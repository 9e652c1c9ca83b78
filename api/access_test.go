package api_test

import (
	"strings"
	"testing"
)

// TestReviewerReadsAreLogged: each read by an LA reviewer is recorded and
// visible to the SENCO and the trust lead, in the API and on the pupil page.
func TestReviewerReadsAreLogged(t *testing.T) {
	e := start(t, "")
	w := e.world()
	id := e.must(201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	e.must(201, "POST", "/v1/pupils/"+id+"/grants", w.sencoA, map[string]any{"user_id": w.reviewerID, "until": "2026-06-30"})
	e.must(200, "GET", "/v1/pupils/"+id+"/audit", w.reviewer, nil)
	e.must(200, "GET", "/v1/pupils/"+id+"/ehcp", w.reviewer, nil)
	e.must(200, "GET", "/v1/pupils/"+id+"/audit/verify", w.reviewer, nil)
	e.must(200, "GET", "/v1/pupils/"+id+"/audit", w.sencoA, nil) // the school's own reads are not logged
	rev := e.signIn(t, w.reviewer)
	rev.get("/ui/pupils/" + id + "/audit")
	log := e.must(200, "GET", "/v1/pupils/"+id+"/access-log", w.lead, nil)
	entries := log.Body["entries"].([]any)
	var whats []string
	for _, x := range entries {
		en := x.(map[string]any)
		if en["name"] != "Rae Reviewer" || en["role"] != "la_reviewer" || en["at"] == "" {
			t.Fatalf("entry %v", en)
		}
		whats = append(whats, en["what"].(string))
	}
	if got := strings.Join(whats, ","); got != "audit trail,EHC plan status,audit trail verification,audit trail (web)" {
		t.Fatalf("logged %s", got)
	}
	e.must(403, "GET", "/v1/pupils/"+id+"/access-log", w.reviewer, nil)
	senco := e.signIn(t, w.sencoA)
	if _, page := senco.get("/ui/pupils/" + id); !strings.Contains(page, "Reads by local authority reviewers") || !strings.Contains(page, "audit trail (web)") {
		t.Fatal("the pupil page does not show the reviewer's reads")
	}
}
