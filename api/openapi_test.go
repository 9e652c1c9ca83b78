package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

func openapiValidator(t *testing.T, e *env) (validator.Validator, map[string]any) {
	t.Helper()
	r := e.must(t, 200, "GET", "/openapi.json", "", nil)
	doc, err := libopenapi.NewDocument(r.Raw)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	return v, r.Body
}

func TestOpenAPIDocument(t *testing.T) {
	e := start(t, "")
	v, doc := openapiValidator(t, e)
	if ok, errs := v.ValidateDocument(); !ok {
		for _, err := range errs {
			t.Errorf("%s: %s", err.Message, err.Reason)
			for _, se := range err.SchemaValidationErrors {
				t.Errorf("  %s at %s (%s)", se.Reason, se.FieldPath, se.KeywordLocation)
			}
		}
		t.FailNow()
	}
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("version %v", doc["openapi"])
	}
	if lic, _ := doc["info"].(map[string]any)["license"].(map[string]any); lic["identifier"] != "AGPL-3.0-or-later" {
		t.Errorf("licence %v", lic)
	}
	if servers, _ := doc["servers"].([]any); len(servers) == 0 {
		t.Error("no servers")
	}
	srv := e.node.API
	paths := doc["paths"].(map[string]any)
	// Every route has an entry...
	for _, r := range srv.Routes() {
		if r.Method == "" {
			continue // the catch-all for unknown /v1 paths
		}
		item, ok := paths[r.Path].(map[string]any)
		if !ok || item[strings.ToLower(r.Method)] == nil {
			t.Errorf("route %s %s has no entry", r.Method, r.Path)
			continue
		}
		o := item[strings.ToLower(r.Method)].(map[string]any)
		if o["summary"] == "" {
			t.Errorf("route %s %s is registered without documentation", r.Method, r.Path)
		}
		var ok2xx, ok4xx bool
		for code := range o["responses"].(map[string]any) {
			ok2xx = ok2xx || code[0] == '2' || code[0] == '3'
			ok4xx = ok4xx || code[0] == '4'
		}
		if !ok2xx || !ok4xx {
			t.Errorf("route %s %s documents no success or no 4xx answer: %v", r.Method, r.Path, o["responses"])
		}
	}
	// ...and every entry has a route that serves it.
	for path, item := range paths {
		for method := range item.(map[string]any) {
			url := strings.NewReplacer("{id}", "x", "{cycle}", "x", "{ref}", "x", "{school}", "x", "{trust}", "x", "{provision}", "x").Replace(path)
			req := httptest.NewRequest(strings.ToUpper(method), url, nil)
			_, pattern := e.node.Mux.Handler(req)
			if got := strings.ReplaceAll(pattern, "{$}", ""); got != strings.ToUpper(method)+" "+path {
				t.Errorf("entry %s %s is served by %q", method, path, got)
			}
		}
	}
}

// TestResponsesMatchTheDocument runs a scenario and validates real requests
// and answers, successes and problems, against the document.
func TestResponsesMatchTheDocument(t *testing.T) {
	e := start(t, "")
	v, _ := openapiValidator(t, e)
	w := e.world(t)
	check := func(method, path, token string, body any, headers ...string) resp {
		t.Helper()
		var raw []byte
		if body != nil {
			raw, _ = json.Marshal(body)
		}
		req, _ := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(raw))
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("Authorization", "Bearer "+token)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		res.Body = io.NopCloser(bytes.NewReader(out))
		vreq, _ := http.NewRequest(method, "http://localhost"+path, bytes.NewReader(raw))
		vreq.Header = req.Header
		if ok, errs := v.ValidateHttpRequestResponse(vreq, res); !ok {
			for _, err := range errs {
				t.Errorf("%s %s → %d: %s: %s", method, path, res.StatusCode, err.Message, err.Reason)
				for _, se := range err.SchemaValidationErrors {
					t.Errorf("  %s at %s (%s)", se.Reason, se.FieldPath, se.KeywordLocation)
				}
			}
		}
		r := resp{Status: res.StatusCode, Raw: out}
		_ = json.Unmarshal(out, &r.Body)
		return r
	}
	id := check("POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	p := "/v1/pupils/" + id
	c := p + "/cycles/" + check("POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}).str("id")
	check("POST", c+"/assessment", w.sencoA, map[string]any{"assessed_on": "2025-09-10", "summary": "s", "need_areas": []string{"semh"}})
	plan := check("POST", c+"/plan", w.sencoA, map[string]any{"agreed_on": "2025-09-15", "review_due_on": "2025-12-12",
		"outcomes":   []any{map[string]any{"description": "d", "success_criteria": "s"}},
		"provisions": []any{map[string]any{"provision_id": w.provision, "sessions_per_week": 1, "minutes_per_session": 20, "group_size": 2}}, "parent_views": "p", "pupil_views": "q"})
	check("POST", c+"/sessions", w.sencoA, map[string]any{"provision_id": w.provision, "delivered_on": "2025-09-20", "minutes": 20, "attended": true})
	oid := as[planAnswer](t, plan).Outcomes[0].ID
	check("POST", c+"/review", w.sencoA, map[string]any{"held_on": "2025-12-10", "outcomes": []any{map[string]any{"outcome_id": oid, "rating": "met"}}, "decision": "continue", "parent_views": "p", "pupil_views": "q"})
	check("POST", p+"/ehcp/milestones", w.sencoA, map[string]any{"type": "request", "on": "2025-10-01", "requested_by": "parent"})
	ref := check("POST", p+"/referrals", w.sencoA, map[string]any{"service": "camhs", "provider": "nhs", "reason": "r", "referred_on": "2025-10-01"}).str("id")
	check("POST", p+"/referrals/"+ref+"/status", w.sencoA, map[string]any{"status": "accepted", "on": "2025-10-02"})
	check("POST", p+"/grants", w.sencoA, map[string]any{"user_id": w.reviewerID, "until": "2026-01-01"})
	check("GET", p, w.sencoA, nil)
	check("GET", p+"/ehcp?as_of=2026-01-01", w.sencoA, nil)
	check("GET", p+"/audit", w.sencoA, nil)
	check("GET", p+"/audit/verify", w.sencoA, nil)
	check("GET", "/v1/schools/"+w.schoolA+"/caseload?stage=assess", w.sencoA, nil)
	check("GET", "/v1/trusts/"+w.trust+"/workload", w.lead, nil)
	check("GET", "/v1/trusts/"+w.trust+"/provision-map", w.lead, nil)
	check("GET", "/v1/schools/"+w.schoolA+"/provision-map", w.sencoA, nil)
	check("GET", "/v1/trusts/"+w.trust, w.lead, nil)
	check("GET", "/v1/me", w.lead, nil)
	// Problems are documented too.
	check("POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "not a date"})
	check("POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-12-11"})
	check("GET", p, w.sencoB, nil)
	check("POST", "/v1/trusts", w.sencoA, map[string]any{"name": "x"})
}
