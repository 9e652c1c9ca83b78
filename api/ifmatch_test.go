package api_test

import (
	"strings"
	"testing"
)

// TestIfMatchOnEveryCommand: every command follows the same rules for
// If-Match: a stale version is a conflict naming the current version, a
// malformed one is bad input naming the header, and neither appends.
func TestIfMatchOnEveryCommand(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	pupil := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	cycle := e.must(t, 201, "POST", "/v1/pupils/"+pupil+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}).str("id")
	ref := e.must(t, 201, "POST", "/v1/pupils/"+pupil+"/referrals", w.sencoA, map[string]any{"service": "camhs", "provider": "nhs", "reason": "r", "referred_on": "2025-09-10"}).str("id")
	victim := e.must(t, 201, "POST", "/v1/users", w.lead, map[string]any{"name": "V", "email": "v@oak.org.uk", "role": "senco", "school_ids": []string{w.schoolA}}).str("id")
	round := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/review-rounds", w.sencoA, map[string]any{"name": "Autumn 2025", "opened_on": "2025-10-01"}).str("id")
	fill := strings.NewReplacer("{trust}", w.trust, "{school}", w.schoolA, "{id}", pupil, "{cycle}", cycle, "{ref}", ref, "{entry}", "3",
		"{provision}", w.provision, "{round}", round) // entry 3: the referral
	commands := 0
	for _, r := range e.node.API.Routes() {
		if r.Method == "" || r.Method == "GET" || strings.HasSuffix(r.Path, "imports") || strings.HasSuffix(r.Path, "/invitations") ||
			strings.HasSuffix(r.Path, "/provisions/{provision}/sessions") || strings.HasSuffix(r.Path, "/documents") ||
			strings.HasSuffix(r.Path, "/answer") || strings.HasSuffix(r.Path, "/evidence") {
			// Not a command: the imports and a group session are batches
			// of them, each without If-Match (a group session refuses
			// one: TestGroupSessionOverHTTP); an invitation appends nothing.
			// A document, a professional's answer and a round's evidence are
			// multipart uploads (TestDocuments and TestProfessionals check
			// their If-Match).
			continue
		}
		path := fill.Replace(r.Path)
		if strings.HasPrefix(r.Path, "/v1/users/{id}") {
			path = strings.Replace(r.Path, "{id}", victim, 1)
		}
		commands++
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			var body any = "{}"
			switch {
			case r.Path == "/v1/me/tokens":
				body = map[string]any{"name": "Script", "expires_on": "2026-06-01"}
			case r.Method == "DELETE" || strings.HasSuffix(r.Path, "/tokens") || strings.HasSuffix(r.Path, "activate"):
				body = nil
			case strings.HasPrefix(r.Path, "/v1/children/"):
				return // a parent's: the admin has no access (TestParents)
			case strings.HasSuffix(r.Path, "/role"):
				body = map[string]any{"role": "senco", "school_ids": []string{w.schoolA}}
			}
			seq := e.lastSeq(t)
			stale := e.do(t, r.Method, path, adminToken, body, "If-Match", `"999"`)
			if stale.Status != 409 || stale.Body["current_version"] == nil {
				t.Errorf("stale If-Match: %d %s", stale.Status, stale.Raw)
			}
			bad := e.do(t, r.Method, path, adminToken, body, "If-Match", "yesterday")
			if bad.Status != 400 || strings.Join(bad.fields(), ",") != "If-Match" {
				t.Errorf("malformed If-Match: %d %s", bad.Status, bad.Raw)
			}
			if e.lastSeq(t) != seq {
				t.Error("a refused command appended")
			}
		})
	}
	if commands < 20 {
		t.Fatalf("only %d commands found", commands)
	}
}
