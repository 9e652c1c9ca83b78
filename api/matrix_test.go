package api_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// The principals of the matrix, in column order.
var principals = []string{"none", "admin", "lead", "otherLead", "sencoA", "sencoB", "elmSenco", "revGranted", "revOther", "staff", "parent", "professional"}

// matrixRow is one endpoint: the request and the status each principal gets.
type matrixRow struct {
	method, path string // path as registered
	url          string // with ids filled in
	body         string // JSON, or a form for UI POSTs
	want         string // one status per principal, space separated
}

// TestAuthorizationMatrix asks every endpoint as every principal and checks
// the exact status. A route without a row fails the test. The one rule
// (app/policy.go): 404 where a pupil's existence must not leak (no access
// to the pupil at all), 403 otherwise (schools and trusts are not secret),
// the same in the API and the UI.
func TestAuthorizationMatrix(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	elmSenco := e.must(t, 201, "POST", "/v1/users", w.otherLead, map[string]any{"name": "E", "email": "e@elm.org.uk", "role": "senco", "school_ids": []string{w.otherSchool}}).str("token")
	revOther := e.must(t, 201, "POST", "/v1/users", adminToken, map[string]any{"name": "Other Reviewer", "email": "o@la.gov.uk", "role": "la_reviewer"}).str("token")
	victim := e.must(t, 201, "POST", "/v1/users", w.lead, map[string]any{"name": "V", "email": "v@oak.org.uk", "role": "senco", "school_ids": []string{w.schoolA}}).str("id")
	pupil := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	cycle := e.must(t, 201, "POST", "/v1/pupils/"+pupil+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}).str("id")
	ref := e.must(t, 201, "POST", "/v1/pupils/"+pupil+"/referrals", w.sencoA, map[string]any{"service": "camhs", "provider": "nhs", "reason": "r", "referred_on": "2025-09-10"}).str("id")
	e.must(t, 201, "POST", "/v1/pupils/"+pupil+"/grants", w.sencoA, map[string]any{"user_id": w.reviewerID, "until": "2026-06-30"})
	// A teaching assistant of school A, assigned to the pupil.
	ta := e.must(t, 201, "POST", "/v1/users", w.lead, map[string]any{"name": "Tia Assistant", "email": "tia@oak.org.uk", "role": "staff", "school_ids": []string{w.schoolA}})
	e.must(t, 200, "POST", "/v1/pupils/"+pupil+"/staff", w.sencoA, map[string]any{"user_id": ta.str("id")})
	// A mother, linked to the pupil.
	mum := e.must(t, 201, "POST", "/v1/pupils/"+pupil+"/parents", w.sencoA, map[string]any{"name": "Mary Lovelace", "email": "mary@example.org", "relationship": "mother", "parental_responsibility": true})
	mumToken := e.must(t, 201, "POST", "/v1/users/"+mum.str("user_id")+"/tokens", adminToken, nil).str("token")
	// A MAT SEND review round of school A, with the other trust's SENCO
	// invited to review it.
	round := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/review-rounds", w.sencoA, map[string]any{"name": "Autumn 2025", "opened_on": "2025-10-01"}).str("id")
	e.must(t, 201, "POST", "/v1/review-rounds/"+round+"/reviewers", w.sencoA, map[string]any{"email": "e@elm.org.uk"})
	// A therapist, asked for the referral's report.
	sam := e.must(t, 201, "POST", "/v1/pupils/"+pupil+"/professionals", w.sencoA, map[string]any{"name": "Sam Therapist", "email": "sam@nhs.example.org", "referral_id": ref})
	samToken := e.must(t, 201, "POST", "/v1/users/"+sam.str("user_id")+"/tokens", adminToken, nil).str("token")
	req := e.must(t, 200, "GET", "/v1/me/requests", samToken, nil).Body["requests"].([]any)[0].(map[string]any)["request_id"].(string)
	tokens := map[string]string{"admin": adminToken, "lead": w.lead, "otherLead": w.otherLead, "sencoA": w.sencoA, "sencoB": w.sencoB,
		"elmSenco": elmSenco, "revGranted": w.reviewer, "revOther": revOther, "staff": ta.str("token"), "parent": mumToken, "professional": samToken}
	fill := strings.NewReplacer("{trust}", w.trust, "{school}", w.schoolA, "{id}", pupil, "{cycle}", cycle, "{ref}", ref, "{entry}", "3", "{doc}", "0193a000-0000-7000-8000-00000000d0c1", "{req}", req, "{round}", round)
	user := strings.NewReplacer("{id}", victim)

	//                                                   none admin lead oLead sA  sB  elm revG revO staff parent pro
	rows := []matrixRow{
		{"GET", "/healthz", "", "", "200 200 200 200 200 200 200 200 200 200 200 200"},
		{"GET", "/readyz", "", "", "200 200 200 200 200 200 200 200 200 200 200 200"},
		{"GET", "/metrics", "", "", "200 200 200 200 200 200 200 200 200 200 200 200"},
		{"GET", "/openapi.json", "", "", "200 200 200 200 200 200 200 200 200 200 200 200"},
		{"GET", "/v1/me", "", "", "401 200 200 200 200 200 200 200 200 200 200 200"},
		{"POST", "/v1/trusts", "", "{}", "401 400 403 403 403 403 403 403 403 403 403 403"},
		{"GET", "/v1/trusts/{trust}", "", "", "401 200 200 403 200 200 403 403 403 403 403 403"},
		{"POST", "/v1/trusts/{trust}/schools", "", "{}", "401 400 400 403 403 403 403 403 403 403 403 403"},
		{"POST", "/v1/trusts/{trust}/provisions", "", "{}", "401 400 400 403 403 403 403 403 403 403 403 403"},
		{"PUT", "/v1/trusts/{trust}/settings", "", "{}", "401 400 400 403 403 403 403 403 403 403 403 403"},
		{"POST", "/v1/trusts/{trust}/measures", "", "{}", "401 400 400 403 403 403 403 403 403 403 403 403"},
		{"POST", "/v1/users", "", "{}", "401 400 400 400 403 403 403 403 403 403 403 403"},
		{"POST", "/v1/users/{id}/tokens", user.Replace("/v1/users/{id}/tokens"), "", "401 201 201 403 403 403 403 403 403 403 403 403"},
		{"DELETE", "/v1/users/{id}/tokens", user.Replace("/v1/users/{id}/tokens"), "", "401 200 200 403 403 403 403 403 403 403 403 403"},
		{"PUT", "/v1/users/{id}/role", user.Replace("/v1/users/{id}/role"), "{}", "401 400 400 403 403 403 403 403 403 403 403 403"},
		{"GET", "/v1/trusts/{trust}/la-access", "", "", "401 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/v1/trusts/{trust}/people", "", "", "401 200 200 403 403 403 403 403 403 403 403 403"},
		// Everyone makes their own integration tokens, which act as them.
		{"GET", "/v1/me/tokens", "", "", "401 200 200 200 200 200 200 200 200 200 200 200"},
		{"GET", "/v1/me/reminders", "", "", "401 200 200 200 200 200 200 200 200 200 200 200"},
		{"PUT", "/v1/me/reminders", "", "{}", "401 200 200 200 200 200 200 200 200 200 200 200"},
		{"POST", "/v1/me/tokens", "", "{}", "401 400 400 400 400 400 400 400 400 400 400 400"},
		{"DELETE", "/v1/me/tokens/{token}", "/v1/me/tokens/nope", "", "401 404 404 404 404 404 404 404 404 404 404 404"},
		{"POST", "/v1/users/{id}/deactivate", user.Replace("/v1/users/{id}/deactivate"), "", "401 200 200 403 403 403 403 403 403 403 403 403"},
		{"POST", "/v1/users/{id}/reactivate", user.Replace("/v1/users/{id}/reactivate"), "", "401 200 200 403 403 403 403 403 403 403 403 403"},
		{"POST", "/v1/users/{id}/invitations", user.Replace("/v1/users/{id}/invitations"), "", "401 201 201 403 403 403 403 403 403 403 403 403"},
		{"POST", "/v1/schools/{school}/pupils", "", "{}", "401 400 403 403 400 403 403 403 403 403 403 403"},
		{"POST", "/v1/schools/{school}/imports", "", "{}", "401 415 403 403 415 403 403 403 403 403 403 403"},
		{"GET", "/v1/pupils/{id}", "", "", "401 200 200 404 200 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/cycles", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/cycles/{cycle}/assessment", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/cycles/{cycle}/plan", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/cycles/{cycle}/sessions", "", "{}", "401 400 403 404 400 404 404 403 404 400 403 403"},
		{"POST", "/v1/pupils/{id}/cycles/{cycle}/review", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/meetings", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/parents", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/professionals", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"GET", "/v1/me/requests", "", "", "401 403 403 403 403 403 403 403 403 403 403 200"},
		{"GET", "/v1/pupils/{id}/requests/{req}", "", "", "401 404 404 404 404 404 404 404 404 404 404 200"},
		{"POST", "/v1/pupils/{id}/requests/{req}/answer", "", "{}", "401 404 404 404 404 404 404 404 404 404 404 415"},
		{"GET", "/v1/me/children", "", "", "401 403 403 403 403 403 403 403 403 403 200 403"},
		{"GET", "/v1/children/{id}", "", "", "401 404 404 404 404 404 404 404 404 404 200 404"},
		{"POST", "/v1/children/{id}/views", "", "{}", "401 403 403 404 403 404 404 403 404 403 400 403"},
		{"POST", "/v1/children/{id}/meeting-requests", "", "{}", "401 403 403 404 403 404 404 403 404 403 400 403"},
		{"POST", "/v1/pupils/{id}/about-me", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/documents", "", "{}", "401 415 403 404 415 404 404 403 404 403 403 403"},
		{"GET", "/v1/pupils/{id}/documents", "", "", "401 200 200 404 200 404 404 200 404 403 200 200"},
		{"GET", "/v1/pupils/{id}/documents/{doc}", "", "", "401 404 404 404 404 404 404 404 404 404 404 404"},
		{"POST", "/v1/pupils/{id}/status", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/transfer", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/leave", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/readmit", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/details", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		// Entry 3 is the referral: corrected by whoever may record it.
		{"POST", "/v1/pupils/{id}/entries/{entry}/correct", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/entries/{entry}/void", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/erase", "", "{}", "401 400 403 403 403 403 403 403 403 403 403 403"},
		{"POST", "/v1/pupils/{id}/grants", "", "{}", "401 400 400 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/grants/revoke", "", "{}", "401 400 400 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/ehcp/milestones", "", "{}", "401 400 400 404 400 404 404 403 404 403 403 403"},
		{"GET", "/v1/pupils/{id}/ehcp", "", "", "401 200 200 404 200 404 404 200 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/referrals", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/referrals/{ref}/status", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"GET", "/v1/schools/{school}/caseload", "", "", "401 200 200 403 200 403 403 403 403 403 403 403"},
		{"GET", "/v1/trusts/{trust}/workload", "", "", "401 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/v1/schools/{school}/provision-map", "", "", "401 200 200 403 200 403 403 403 403 403 403 403"},
		{"GET", "/v1/trusts/{trust}/provision-map", "", "", "401 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/v1/schools/{school}/delivery", "", "", "401 200 200 403 200 403 403 403 403 403 403 403"},
		{"GET", "/v1/trusts/{trust}/delivery", "", "", "401 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/v1/schools/{school}/impact", "", "", "401 200 200 403 200 403 403 403 403 403 403 403"},
		{"GET", "/v1/trusts/{trust}/impact", "", "", "401 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/v1/trusts/{trust}/trends", "", "", "401 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/v1/schools/{school}/trends", "", "", "401 200 200 403 200 403 403 403 403 403 403 403"},
		// The MAT SEND review: the school's SENCO and the trust's lead write
		// a round; the other trust's SENCO (elm) is invited to review it.
		{"POST", "/v1/trusts/{trust}/review-statements", "", "{}", "401 400 400 403 403 403 403 403 403 403 403 403"},
		{"POST", "/v1/schools/{school}/review-rounds", "", "{}", "401 400 400 403 400 403 403 403 403 403 403 403"},
		{"GET", "/v1/review-rounds/{round}", "", "", "401 200 200 404 200 404 200 404 404 404 404 404"},
		{"POST", "/v1/review-rounds/{round}/ratings", "", "{}", "401 400 400 404 400 404 403 404 404 404 404 404"},
		{"POST", "/v1/review-rounds/{round}/actions", "", "{}", "401 400 400 404 400 404 403 404 404 404 404 404"},
		{"POST", "/v1/review-rounds/{round}/actions/done", "", "{}", "401 400 400 404 400 404 403 404 404 404 404 404"},
		{"POST", "/v1/review-rounds/{round}/reviewers", "", "{}", "401 400 400 404 400 404 403 404 404 404 404 404"},
		{"POST", "/v1/review-rounds/{round}/comments", "", "{}", "401 400 400 404 400 404 400 404 404 404 404 404"},
		{"POST", "/v1/review-rounds/{round}/evidence", "", "{}", "401 415 415 404 415 404 403 404 404 404 404 404"},
		{"GET", "/v1/review-rounds/{round}/evidence/{doc}", "", "", "401 404 404 404 404 404 404 404 404 404 404 404"},
		{"GET", "/v1/me/review-rounds", "", "", "401 200 200 200 200 200 200 200 200 200 200 200"},
		{"GET", "/v1/trusts/{trust}/reviews", "", "", "401 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/v1/schools/{school}/reviews", "", "", "401 200 200 403 200 403 403 403 403 403 403 403"},
		{"GET", "/v1/trusts/{trust}/patterns-of-need", "", "", "401 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/v1/schools/{school}/patterns-of-need", "", "", "401 200 200 403 200 403 403 403 403 403 403 403"},
		{"GET", "/v1/trusts/{trust}/attendance", "", "", "401 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/v1/schools/{school}/attendance", "", "", "401 200 200 403 200 403 403 403 403 403 403 403"},
		{"POST", "/v1/schools/{school}/attendance-imports", "", "{}", "401 415 403 403 415 403 403 403 403 403 403 403"},
		{"GET", "/v1/pupils/{id}/audit", "", "", "401 200 200 404 200 404 404 200 404 403 403 403"},
		{"GET", "/v1/pupils/{id}/audit/verify", "", "", "401 200 200 404 200 404 404 200 404 403 403 403"},
		{"GET", "/v1/security-log", "", "", "401 200 200 200 403 403 403 403 403 403 403 403"},
		{"POST", "/v1/pupils/{id}/staff", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/v1/pupils/{id}/staff/remove", "", "{}", "401 400 403 404 400 404 404 403 404 403 403 403"},
		{"GET", "/v1/pupils/{id}/delivery", "", "", "401 200 403 404 200 404 404 403 404 200 403 403"},
		{"GET", "/v1/me/pupils", "", "", "401 403 403 403 403 403 403 403 403 200 403 403"},
		{"GET", "/v1/me/due", "", "", "401 400 200 200 200 200 200 403 403 403 403 403"},
		{"GET", "/v1/schools/{school}/provisions/{provision}/group", "/v1/schools/{school}/provisions/" + w.provision + "/group", "", "401 200 403 403 200 403 403 403 403 403 403 403"},
		{"POST", "/v1/schools/{school}/provisions/{provision}/sessions", "/v1/schools/{school}/provisions/" + w.provision + "/sessions", "{}", "401 400 403 403 400 403 403 403 403 403 403 403"},
		{"GET", "/v1/pupils/{id}/access-log", "", "", "401 200 200 404 200 404 404 403 404 403 403 403"},
		// The web UI, signed in with the session cookie (none: signed out).
		{"GET", "/ui/login", "", "", "200 200 200 200 200 200 200 200 200 200 200 200"},
		{"POST", "/ui/login", "", "token=", "401 401 401 401 401 401 401 401 401 401 401 401"},
		// Signing in: no provider and no passkeys are configured here (no
		// public URL); an unknown invitation is not found. Signed-in clients
		// post a form (with its CSRF token), which the passkey routes, taking
		// JSON, cannot read.
		{"GET", "/ui/login/oidc/{provider}", "/ui/login/oidc/oak", "", "404 404 404 404 404 404 404 404 404 404 404 404"},
		{"GET", "/ui/login/oidc/callback", "", "", "400 400 400 400 400 400 400 400 400 400 400 400"},
		{"POST", "/ui/login/passkey/options", "", "", "404 400 400 400 400 400 400 400 400 400 400 400"},
		{"POST", "/ui/login/passkey", "", "", "404 400 400 400 400 400 400 400 400 400 400 400"},
		{"GET", "/ui/setup", "", "", "404 404 404 404 404 404 404 404 404 404 404 404"},
		{"POST", "/ui/setup", "", "", "404 404 404 404 404 404 404 404 404 404 404 404"},
		{"GET", "/ui/invitations/{secret}", "/ui/invitations/nope", "", "404 404 404 404 404 404 404 404 404 404 404 404"},
		{"POST", "/ui/invitations/{secret}/options", "/ui/invitations/nope/options", "", "404 400 400 400 400 400 400 400 400 400 400 400"},
		{"POST", "/ui/invitations/{secret}", "/ui/invitations/nope", "", "404 400 400 400 400 400 400 400 400 400 400 400"},
		{"GET", "/ui/", "", "", "303 303 303 303 303 303 303 303 303 303 303 303"},
		{"GET", "/ui/admin", "", "", "303 200 403 403 403 403 403 403 403 403 403 403"},
		{"POST", "/ui/admin", "", "", "303 400 403 403 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/trusts/{trust}/people", "", "", "303 200 200 403 403 403 403 403 403 403 403 403"},
		{"POST", "/ui/trusts/{trust}/people", "", "", "303 400 400 403 403 403 403 403 403 403 403 403"},
		{"POST", "/ui/trusts/{trust}/people/{id}/{action}", user.Replace("/ui/trusts/{trust}/people/{id}/reactivate"), "", "303 303 303 403 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/trusts/{trust}/schools", "", "", "303 200 200 403 403 403 403 403 403 403 403 403"},
		{"POST", "/ui/trusts/{trust}/schools", "", "", "303 400 400 403 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/trusts/{trust}/provisions", "", "", "303 200 200 403 403 403 403 403 403 403 403 403"},
		{"POST", "/ui/trusts/{trust}/provisions", "", "", "303 400 400 403 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/trusts/{trust}/measures", "", "", "303 200 200 403 403 403 403 403 403 403 403 403"},
		{"POST", "/ui/trusts/{trust}/measures", "", "", "303 400 400 403 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/trusts/{trust}/settings", "", "", "303 200 200 403 403 403 403 403 403 403 403 403"},
		{"POST", "/ui/trusts/{trust}/settings", "", "", "303 400 400 403 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/tokens", "", "", "303 200 200 200 200 200 200 200 200 200 200 200"},
		{"POST", "/ui/tokens", "", "", "303 400 400 400 400 400 400 400 400 400 400 400"},
		{"POST", "/ui/tokens/{token}/revoke", "/ui/tokens/nope/revoke", "", "303 404 404 404 404 404 404 404 404 404 404 404"},
		{"GET", "/ui/trusts/{trust}/la-access", "", "", "303 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/security", "", "", "303 200 200 200 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/schools/{school}/caseload", "", "", "303 200 200 403 200 403 403 403 403 403 403 403"},
		{"GET", "/ui/schools/{school}/pupils/new", "", "", "303 200 403 403 200 403 403 403 403 403 403 403"},
		{"POST", "/ui/schools/{school}/pupils/new", "", "", "303 400 403 403 400 403 403 403 403 403 403 403"},
		{"GET", "/ui/schools/{school}/import", "", "", "303 200 403 403 200 403 403 403 403 403 403 403"},
		{"POST", "/ui/schools/{school}/import", "", "", "303 400 403 403 400 403 403 403 403 403 403 403"},
		{"GET", "/ui/pupils/{id}", "", "", "303 200 200 404 200 404 404 303 404 303 303 303"},
		{"POST", "/ui/pupils/{id}/{form}", "/ui/pupils/{id}/cycle", "", "303 400 403 404 400 404 404 403 404 403 403 403"},
		{"GET", "/ui/pupils/{id}/plan", "", "", "303 200 200 404 200 404 404 403 404 403 403 403"},
		{"GET", "/ui/pupils/{id}/about-me", "", "", "303 200 200 404 200 404 404 403 404 403 403 403"},
		{"GET", "/ui/pupils/{id}/documents/{doc}", "", "", "303 404 404 404 404 404 404 404 404 404 404 404"},
		{"GET", "/ui/pupils/{id}/letters/{letter}", "/ui/pupils/{id}/letters/annual-review", "", "303 200 200 404 200 404 404 403 404 403 403 403"},
		{"GET", "/ui/trusts/{trust}/reviews", "", "", "303 200 200 403 403 403 403 403 403 403 403 403"},
		{"POST", "/ui/trusts/{trust}/reviews", "", "", "303 400 400 403 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/schools/{school}/reviews", "", "", "303 200 200 403 200 403 403 403 403 403 403 403"},
		{"POST", "/ui/schools/{school}/reviews", "", "", "303 400 400 403 400 403 403 403 403 403 403 403"},
		{"GET", "/ui/rounds/{round}", "", "", "303 200 200 404 200 404 200 404 404 404 404 404"},
		{"GET", "/ui/rounds/{round}/report", "", "", "303 200 200 404 200 404 200 404 404 404 404 404"},
		{"POST", "/ui/rounds/{round}/{form}", "/ui/rounds/{round}/comment", "", "303 400 400 404 400 404 400 404 404 404 404 404"},
		{"GET", "/ui/rounds/{round}/evidence/{doc}", "", "", "303 404 404 404 404 404 404 404 404 404 404 404"},
		{"GET", "/ui/review-rounds", "", "", "303 200 200 200 200 200 200 200 200 200 200 200"},
		{"GET", "/ui/trusts/{trust}/patterns", "", "", "303 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/schools/{school}/patterns", "", "", "303 200 200 403 200 403 403 403 403 403 403 403"},
		{"GET", "/ui/trusts/{trust}/attendance", "", "", "303 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/schools/{school}/attendance", "", "", "303 200 200 403 200 403 403 403 403 403 403 403"},
		{"POST", "/ui/schools/{school}/attendance", "", "", "303 400 403 403 400 403 403 403 403 403 403 403"},
		{"GET", "/ui/due", "", "", "303 400 200 200 200 200 200 403 403 403 403 403"},
		{"POST", "/ui/calendar", "", "", "303 400 400 400 400 400 400 400 400 400 400 400"},
		{"GET", "/ui/calendar/{secret}", "/ui/calendar/nope", "", "404 404 404 404 404 404 404 404 404 404 404 404"},
		{"GET", "/ui/reminders", "", "", "303 200 200 200 200 200 200 200 200 200 200 200"},
		{"POST", "/ui/reminders", "", "", "303 303 303 303 303 303 303 303 303 303 303 303"},
		{"GET", "/ui/unsubscribe/{token}", "/ui/unsubscribe/nope", "", "404 404 404 404 404 404 404 404 404 404 404 404"},
		{"POST", "/ui/unsubscribe/{token}", "/ui/unsubscribe/nope", "", "404 404 404 404 404 404 404 404 404 404 404 404"},
		{"GET", "/ui/pupils/{id}/entries/{entry}", "", "", "303 200 403 404 200 404 404 403 404 403 403 403"},
		{"POST", "/ui/pupils/{id}/entries/{entry}/{action}", "/ui/pupils/{id}/entries/{entry}/correct", "", "303 400 403 404 400 404 404 403 404 403 403 403"},
		{"GET", "/ui/schools/{school}/provisions/{provision}/session", "/ui/schools/{school}/provisions/" + w.provision + "/session", "", "303 200 403 403 200 403 403 403 403 403 403 403"},
		{"POST", "/ui/schools/{school}/provisions/{provision}/session", "/ui/schools/{school}/provisions/" + w.provision + "/session", "", "303 400 403 403 400 403 403 403 403 403 403 403"},
		{"GET", "/ui/pupils/{id}/audit", "", "", "303 200 200 404 200 404 404 200 404 403 403 403"},
		{"GET", "/ui/trusts/{trust}/workload", "", "", "303 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/schools/{school}/provision-map", "", "", "303 200 200 403 200 403 403 403 403 403 403 403"},
		{"GET", "/ui/trusts/{trust}/provision-map", "", "", "303 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/schools/{school}/impact", "", "", "303 200 200 403 200 403 403 403 403 403 403 403"},
		{"GET", "/ui/trusts/{trust}/impact", "", "", "303 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/schools/{school}/delivery", "", "", "303 200 200 403 200 403 403 403 403 403 403 403"},
		{"GET", "/ui/trusts/{trust}/delivery", "", "", "303 200 200 403 403 403 403 403 403 403 403 403"},
		{"GET", "/ui/delivery", "", "", "303 403 403 403 403 403 403 403 403 200 403 403"},
		{"GET", "/ui/pupils/{id}/delivery", "", "", "303 200 403 404 200 404 404 403 404 200 403 403"},
		{"POST", "/ui/pupils/{id}/delivery", "", "", "303 400 403 404 400 404 404 403 404 400 403 403"},
		{"POST", "/ui/pupils/{id}/parents", "", "", "303 400 403 404 400 404 404 403 404 403 403 403"},
		{"POST", "/ui/pupils/{id}/professionals", "", "", "303 400 403 404 400 404 404 403 404 403 403 403"},
		{"GET", "/ui/requests", "", "", "303 403 403 403 403 403 403 403 403 403 403 200"},
		{"GET", "/ui/pupils/{id}/requests/{req}", "", "", "303 404 404 404 404 404 404 404 404 404 404 200"},
		{"POST", "/ui/pupils/{id}/requests/{req}", "", "", "303 404 404 404 404 404 404 404 404 404 404 400"},
		{"GET", "/ui/children", "", "", "303 403 403 403 403 403 403 403 403 403 303 403"},
		{"GET", "/ui/children/{id}", "", "", "303 404 404 404 404 404 404 404 404 404 200 404"},
		{"POST", "/ui/children/{id}/{form}", "/ui/children/{id}/views", "", "303 403 403 404 403 404 404 403 404 403 400 403"},
		{"GET", "/ui/reviews", "", "", "303 200 403 403 403 403 403 200 200 403 403 403"},
		{"GET", "/ui/static/", "/ui/static/app.css", "", "200 200 200 200 200 200 200 200 200 200 200 200"},
		{"GET", "/", "", "", "303 303 303 303 303 303 303 303 303 303 303 303"},
		// Last: it ends every session.
		{"POST", "/ui/logout", "", "", "303 303 303 303 303 303 303 303 303 303 303 303"},
	}

	// Every route has a row, and every row a route.
	have := map[string]bool{}
	for _, r := range rows {
		have[r.method+" "+r.path] = true
	}
	var routes []string
	for _, r := range e.node.API.Routes() {
		if r.Method != "" {
			routes = append(routes, r.Method+" "+r.Path)
		}
	}
	for _, r := range e.node.Web.Routes() {
		routes = append(routes, r.Method+" "+r.Path)
	}
	for _, r := range routes {
		if !have[r] {
			t.Errorf("route %s has no row in the authorization matrix", r)
		}
	}

	// UI clients keep a session cookie each; CSRF tokens come from a page.
	ui := map[string]*browserless{}
	for name, tok := range tokens {
		ui[name] = e.signIn(t, tok)
		ui[name].get("/ui/admin")
	}
	jar, _ := cookiejar.New(nil)
	ui["none"] = &browserless{t: t, e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}

	for _, row := range rows {
		target := row.url
		if target == "" {
			target = row.path
		}
		target = fill.Replace(target)
		want := strings.Fields(row.want)
		if len(want) != len(principals) {
			t.Fatalf("row %s %s has %d cells", row.method, row.path, len(want))
		}
		for i, who := range principals {
			var got int
			if strings.HasPrefix(row.path, "/ui/") || row.path == "/" {
				b := ui[who]
				if row.method == "GET" {
					got, _ = b.get(target)
				} else {
					form, _ := url.ParseQuery(row.body)
					got = b.post(target, form).StatusCode
				}
			} else {
				var body any
				if row.body != "" {
					body = row.body
				}
				got = e.do(t, row.method, target, tokens[who], body).Status
			}
			if strconv.Itoa(got) != want[i] {
				t.Errorf("%s %s as %s: %d, want %s", row.method, row.path, who, got, want[i])
			}
		}
	}
}
