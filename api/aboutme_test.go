package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAboutMe: the SENCO writes a pupil's one-page profile on the pupil
// page (refused once, the values kept and the field linked); it shows on
// the record, on its own printable page, on the printed plan and on the
// delivery page of the staff who work with the pupil. Through the API a
// bad contributor is a 400 naming the field, appending nothing; staff may
// not write it.
func TestAboutMe(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.pupilBeingHelped(t, w)
	ta := e.must(t, 201, "POST", "/v1/users", w.lead, map[string]any{"name": "Tia Assistant", "email": "tia@oak.org.uk", "role": "staff", "school_ids": []string{w.schoolA}})
	e.must(t, 200, "POST", "/v1/pupils/"+id+"/staff", w.sencoA, map[string]any{"user_id": ta.str("id")})

	senco := e.signIn(t, w.sencoA)
	senco.get("/ui/pupils/" + id)
	form := url.Values{"written_on": {"01/10/2025"}, "like_about_me": {"I am kind and funny"}, "important_to_me": {"My dog and football"},
		"how_to_support": {""}, "written_with": {"pupil", "parent"}}
	res := senco.post("/ui/pupils/"+id+"/about-me", form)
	if page := bodyText(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `href="#about-me-how_to_support"`) ||
		!strings.Contains(page, "My dog and football") || !strings.Contains(page, `value="parent" checked`) {
		t.Fatalf("a profile with a box left empty (%d):\n%s", res.StatusCode, page)
	}
	form.Set("how_to_support", "Tell me what is coming next.\nLet me move about.")
	if res = senco.post("/ui/pupils/"+id+"/about-me", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("write the profile: %d %s", res.StatusCode, bodyText(t, res))
	}
	for _, path := range []string{"/ui/pupils/" + id, "/ui/pupils/" + id + "/about-me", "/ui/pupils/" + id + "/plan"} {
		if status, page := senco.get(path); status != 200 || !strings.Contains(page, "How best to support me") || !strings.Contains(page, "Let me move about.") {
			t.Fatalf("%s (%d) does not show the profile:\n%s", path, status, page)
		}
	}
	if _, page := senco.get("/ui/pupils/" + id); !strings.Contains(page, "with the pupil and a parent or carer") {
		t.Fatalf("who wrote it:\n%s", page)
	}
	if _, page := e.signIn(t, ta.str("token")).get("/ui/pupils/" + id + "/delivery"); !strings.Contains(page, "What is important to me") || !strings.Contains(page, "My dog and football") {
		t.Fatalf("the staff's delivery page:\n%s", page)
	}
	if about, _ := e.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil).Body["about_me"].(map[string]any); about["important_to_me"] != "My dog and football" {
		t.Fatalf("the record's about_me: %v", about)
	}

	before := e.lastSeq(t)
	r := e.must(t, 400, "POST", "/v1/pupils/"+id+"/about-me", w.sencoA, map[string]any{"written_on": "2025-11-01", "like_about_me": "a", "important_to_me": "b",
		"how_to_support": "c", "written_with": []string{"neighbour"}})
	if got := strings.Join(r.fields(), ","); got != "written_with[0]" {
		t.Fatalf("a neighbour: %s", r.Raw)
	}
	e.must(t, 403, "POST", "/v1/pupils/"+id+"/about-me", ta.str("token"), map[string]any{"written_on": "2025-11-01", "like_about_me": "a", "important_to_me": "b",
		"how_to_support": "c", "written_with": []string{"staff"}})
	if e.lastSeq(t) != before {
		t.Fatal("refusals appended")
	}
}
