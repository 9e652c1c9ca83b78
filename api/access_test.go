package api_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestReviewerReadsAreLogged: each read by an LA reviewer is recorded and
// visible to the SENCO and the trust lead, in the API and on the pupil page.
func TestReviewerReadsAreLogged(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	e.must(t, 201, "POST", "/v1/pupils/"+id+"/grants", w.sencoA, map[string]any{"user_id": w.reviewerID, "until": "2026-06-30"})
	e.must(t, 200, "GET", "/v1/pupils/"+id+"/audit", w.reviewer, nil)
	e.must(t, 200, "GET", "/v1/pupils/"+id+"/ehcp", w.reviewer, nil)
	e.must(t, 200, "GET", "/v1/pupils/"+id+"/audit/verify", w.reviewer, nil)
	e.must(t, 200, "GET", "/v1/pupils/"+id+"/audit", w.sencoA, nil) // the school's own reads are not logged
	rev := e.signIn(t, w.reviewer)
	rev.get("/ui/pupils/" + id + "/audit")
	log := e.must(t, 200, "GET", "/v1/pupils/"+id+"/access-log", w.lead, nil)
	var whats []string
	for _, en := range as[accessLog](t, log).Entries {
		if en.Name != "Rae Reviewer" || en.Role != "la_reviewer" || en.At == "" {
			t.Fatalf("entry %+v", en)
		}
		whats = append(whats, en.What)
	}
	if got := strings.Join(whats, ","); got != "audit trail,EHC plan status,audit trail verification,audit trail (web)" {
		t.Fatalf("logged %s", got)
	}
	e.must(t, 403, "GET", "/v1/pupils/"+id+"/access-log", w.reviewer, nil)
	senco := e.signIn(t, w.sencoA)
	if _, page := senco.get("/ui/pupils/" + id); !strings.Contains(page, "Reads logged: LA reviewers") || !strings.Contains(page, "audit trail (web)") {
		t.Fatal("the pupil page does not show the reviewer's reads")
	}
}

// TestRevokeAccess: a SENCO (or the trust lead) ends a reviewer's access
// early, through the API or the pupil page; the reviewer reads nothing
// more from that day, and the record keeps the grant, ended.
func TestRevokeAccess(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	grant := map[string]any{"user_id": w.reviewerID, "until": "2026-06-30"}
	revoke := map[string]any{"user_id": w.reviewerID}

	e.must(t, 201, "POST", "/v1/pupils/"+id+"/grants", w.sencoA, grant)
	e.must(t, 200, "GET", "/v1/pupils/"+id+"/ehcp", w.reviewer, nil)
	e.must(t, 403, "POST", "/v1/pupils/"+id+"/grants/revoke", w.reviewer, revoke)
	e.must(t, 200, "POST", "/v1/pupils/"+id+"/grants/revoke", w.sencoA, revoke)
	e.must(t, 404, "GET", "/v1/pupils/"+id+"/ehcp", w.reviewer, nil)
	e.must(t, 409, "POST", "/v1/pupils/"+id+"/grants/revoke", w.sencoA, revoke) // nothing left to end
	grants := as[pupilAnswer](t, e.must(t, 200, "GET", "/v1/pupils/"+id, w.lead, nil)).Grants
	if g := grants[0]; g.Until.String() != "2025-11-09" || g.RevokedOn.String() != "2025-11-10" {
		t.Errorf("grant after revoking on 10 November: %v, want until the 9th, revoked on the 10th", g)
	}

	// The pupil page: the trust lead grants again, then ends it from the page.
	e.must(t, 201, "POST", "/v1/pupils/"+id+"/grants", w.lead, grant)
	lead := e.signIn(t, w.lead)
	if _, page := lead.get("/ui/pupils/" + id); !strings.Contains(page, "End this access now") {
		t.Fatal("the pupil page offers no way to end the access")
	}
	if res := lead.post("/ui/pupils/"+id+"/revoke", url.Values{"user_id": {w.reviewerID}}); res.StatusCode != 303 {
		t.Fatalf("revoke form: %d", res.StatusCode)
	}
	e.must(t, 404, "GET", "/v1/pupils/"+id+"/audit", w.reviewer, nil)
}
