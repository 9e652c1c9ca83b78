package api_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
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
