package api_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/internal/node"
)

// TestControlCharactersAndInvalidUTF8AreRefused: text that is not plain
// (a NUL, an escape, bytes that are not UTF-8) is bad input, named by its
// field, whichever way it comes: a JSON body, a form or an imported
// register. Nothing is appended.
func TestControlCharactersAndInvalidUTF8AreRefused(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	seq := e.lastSeq(t)
	reg := pupilBody(newUPN())
	tests := []struct {
		name, path, body, field string
	}{
		{"NUL in a name", "/v1/schools/" + w.schoolA + "/pupils", strings.Replace(jsonOf(t, reg), `"Ada"`, `"Ada\u0000"`, 1), "first_name"},
		{"escape in a referral's reason", "/v1/pupils/" + id + "/referrals",
			`{"service":"camhs","provider":"nhs","reason":"\u001b[31mred","referred_on":"2025-09-10"}`, "reason"},
		{"invalid UTF-8 in a trust's name", "/v1/trusts", "{\"name\":\"Oak \xff Trust\"}", "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := w.sencoA
			if tt.path == "/v1/trusts" {
				token = adminToken
			}
			r := e.must(t, 400, "POST", tt.path, token, tt.body)
			if got := strings.Join(r.fields(), ","); got != tt.field {
				t.Fatalf("fields %q, want %q: %s", got, tt.field, r.Raw)
			}
		})
	}
	// A form: the page again, with the field's message.
	b := e.signIn(t, w.sencoA)
	b.get("/ui/pupils/" + id)
	res := b.post("/ui/pupils/"+id+"/referral", url.Values{"service": {"camhs"}, "provider": {"nhs"}, "reason": {"bad\x00"}, "referred_on": {"2025-09-10"}})
	if res.StatusCode != 400 {
		t.Fatalf("form with a NUL: %d", res.StatusCode)
	}
	// A register: the row is refused, naming its column.
	csv := "UPN,Legal Surname,Legal Forename,DOB,NC Year Actual,SEN Provision,Primary Need,Secondary Need\n" +
		newUPN() + ",Love\x00lace,Ada,04/03/2015,5,K,SLCN,\n"
	refused := e.importCSV(t, 400, w.schoolA, w.sencoA, "", csv)
	if got := strings.Join(refused.fields(), ","); got != "row 2: Legal Surname" {
		t.Fatalf("import refusal names %q: %s", got, refused.Raw)
	}
	if e.lastSeq(t) != seq {
		t.Fatal("refused input appended")
	}
	// New lines typed in a form are kept as new lines.
	res = b.post("/ui/pupils/"+id+"/referral", url.Values{"service": {"camhs"}, "provider": {"nhs"}, "reason": {"line one\r\nline two"}, "referred_on": {"2025-09-10"}})
	if res.StatusCode != 303 {
		t.Fatalf("form with new lines: %d", res.StatusCode)
	}
	if r := as[pupilAnswer](t, e.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil)).Referrals; len(r) != 1 || r[0].Reason != "line one\nline two" {
		t.Fatalf("referrals %+v", r)
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestEveryTextFieldRefusesControlCharacters sweeps every string field of
// every command's request body, as the OpenAPI document describes it
// (nested objects and lists too): a NUL, another control character, or
// invalid UTF-8 in it is a 400 naming that field, and appends nothing.
func TestEveryTextFieldRefusesControlCharacters(t *testing.T) {
	e := startConfig(t, "", node.Config{RatePerSecond: 1e6, RateBurst: 1e6})
	w := e.world(t)
	pupil := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	cycle := e.must(t, 201, "POST", "/v1/pupils/"+pupil+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}).str("id")
	ref := e.must(t, 201, "POST", "/v1/pupils/"+pupil+"/referrals", w.sencoA, map[string]any{"service": "camhs", "provider": "nhs", "reason": "r", "referred_on": "2025-09-10"}).str("id")
	round := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/review-rounds", w.sencoA, map[string]any{"name": "Autumn 2025", "opened_on": "2025-10-01"}).str("id")
	fill := strings.NewReplacer("{trust}", w.trust, "{school}", w.schoolA, "{id}", pupil, "{cycle}", cycle, "{ref}", ref, "{entry}", "3",
		"{provision}", w.provision, "{round}", round) // entry 3: the referral
	mum := e.must(t, 201, "POST", "/v1/pupils/"+pupil+"/parents", w.sencoA, map[string]any{"name": "Mary", "email": "mary@example.org", "relationship": "mother", "parental_responsibility": true})
	mumToken := e.must(t, 201, "POST", "/v1/users/"+mum.str("user_id")+"/tokens", adminToken, nil).str("token")
	var doc openapiDoc
	if err := json.Unmarshal(e.must(t, 200, "GET", "/openapi.json", "", nil).Raw, &doc); err != nil {
		t.Fatal(err)
	}
	poisons := map[string]string{"NUL": `a\u0000b`, "bell": `a\u0007b`, "escape": `a\u001b[2Jb`, "invalid UTF-8": "a\xffb", "C1 control": `a\u0085b`}
	seq := e.lastSeq(t)
	fields := 0 // (the mother's invitation is made before seq)
	for path, ops := range doc.Paths {
		for method, op := range ops {
			schema := op.RequestBody.Content["application/json"].Schema
			if schema == nil {
				continue
			}
			token := w.sencoA
			target := fill.Replace(path)
			switch {
			case strings.HasPrefix(path, "/v1/users/{id}"):
				token, target = adminToken, strings.Replace(path, "{id}", w.reviewerID, 1)
			case path == "/v1/trusts" || path == "/v1/users" || strings.HasSuffix(path, "/erase"):
				token = adminToken
			case strings.HasPrefix(path, "/v1/trusts/"):
				token = w.lead
			case strings.HasPrefix(path, "/v1/children/"):
				token = mumToken
			}
			for _, field := range doc.stringFields(schema, "") {
				fields++
				for name, poison := range poisons {
					t.Run(strings.ToUpper(method)+" "+path+" "+field+" "+name, func(t *testing.T) {
						body := bodyWith(field, poison)
						r := e.do(t, strings.ToUpper(method), target, token, body)
						if r.Status != 400 || !slices.Contains(r.fields(), field) {
							t.Errorf("%s: %d, fields %q, want 400 naming %s", body, r.Status, r.fields(), field)
						}
					})
				}
			}
		}
	}
	if fields < 40 {
		t.Fatalf("only %d text fields found", fields)
	}
	if e.lastSeq(t) != seq {
		t.Fatal("refused input appended")
	}
}

// openapiDoc is what the sweep reads of the OpenAPI document.
type openapiDoc struct {
	Paths map[string]map[string]struct {
		RequestBody struct {
			Content map[string]struct {
				Schema *openapiSchema `json:"schema"`
			} `json:"content"`
		} `json:"requestBody"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]*openapiSchema `json:"schemas"`
	} `json:"components"`
}

type openapiSchema struct {
	Ref        string                    `json:"$ref"`
	Type       any                       `json:"type"`
	Properties map[string]*openapiSchema `json:"properties"`
	Items      *openapiSchema            `json:"items"`
}

// stringFields lists the paths of s's string fields ("outcomes[0].description").
func (d openapiDoc) stringFields(s *openapiSchema, prefix string) []string {
	for s.Ref != "" {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	typ := fmt.Sprint(s.Type)
	switch {
	case strings.Contains(typ, "string"):
		return []string{prefix}
	case s.Items != nil:
		return d.stringFields(s.Items, prefix+"[0]")
	}
	var out []string
	for name, p := range s.Properties {
		if prefix != "" {
			name = prefix + "." + name
		}
		out = append(out, d.stringFields(p, name)...)
	}
	return out
}

// bodyWith is a JSON body with only field (a path as stringFields gives)
// set, to raw (the inside of a JSON string, escapes and all).
func bodyWith(field, raw string) string { return buildBody(strings.Split(field, "."), raw) }

func buildBody(parts []string, raw string) string {
	name, list := strings.CutSuffix(parts[0], "[0]")
	var v string
	if len(parts) == 1 {
		v = `"` + raw + `"`
	} else {
		v = buildBody(parts[1:], raw)
	}
	if list {
		v = "[" + v + "]"
	}
	return `{"` + name + `":` + v + `}`
}
