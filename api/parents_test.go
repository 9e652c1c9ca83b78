package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/app"
)

// TestParents: the SENCO invites a mother to two of her children (one
// account, linked to both); she reads each child's plan in plain words and
// what is shared with her, gives her views and asks for a meeting; the
// SENCO reads her words above the review form. She sees nothing else:
// another family's child is a 404, the school's record of her own child a
// 403, documents not shared with her a 404.
func TestParents(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	ada := e.pupilBeingHelped(t, w)
	sibling := e.pupilBeingHelped(t, w)
	other := e.pupilBeingHelped(t, w)
	invite := map[string]any{"name": "Mary Lovelace", "email": "mary@example.org", "relationship": "mother", "parental_responsibility": true}

	before := e.lastSeq(t)
	for _, tc := range []struct {
		name   string
		token  string
		edit   func(map[string]any)
		status int
		field  string
	}{
		{"a neighbour", w.sencoA, func(b map[string]any) { b["relationship"] = "neighbour" }, 400, "relationship"},
		{"responsibility not said", w.sencoA, func(b map[string]any) { delete(b, "parental_responsibility") }, 400, "parental_responsibility"},
		{"no email", w.sencoA, func(b map[string]any) { b["email"] = "mary at home" }, 400, "email"},
		{"the trust lead", w.lead, func(map[string]any) {}, 403, ""},
		{"another trust's lead", w.otherLead, func(map[string]any) {}, 404, ""},
	} {
		body := map[string]any{}
		for k, v := range invite {
			body[k] = v
		}
		tc.edit(body)
		r := e.do(t, "POST", "/v1/pupils/"+ada+"/parents", tc.token, body)
		if r.Status != tc.status || (tc.field != "" && strings.Join(r.fields(), ",") != tc.field) {
			t.Errorf("%s: %d %v, want %d naming %q: %s", tc.name, r.Status, r.fields(), tc.status, tc.field, r.Raw)
		}
	}
	if e.lastSeq(t) != before {
		t.Error("refused invitations appended")
	}
	inv := e.must(t, 201, "POST", "/v1/pupils/"+ada+"/parents", w.sencoA, invite)
	if !strings.Contains(inv.str("link"), "/ui/invitations/") {
		t.Fatalf("no link shown without mail: %s", inv.Raw)
	}
	again := e.must(t, 201, "POST", "/v1/pupils/"+sibling+"/parents", w.sencoA, invite)
	if again.str("user_id") != inv.str("user_id") {
		t.Fatalf("a second account for the same parent: %s vs %s", again.str("user_id"), inv.str("user_id"))
	}
	e.must(t, 409, "POST", "/v1/pupils/"+ada+"/parents", w.sencoA, invite) // linked already
	mum := e.must(t, 201, "POST", "/v1/users/"+inv.str("user_id")+"/tokens", adminToken, nil).str("token")

	kids := e.must(t, 200, "GET", "/v1/me/children", mum, nil).Body["children"].([]any)
	if len(kids) != 2 {
		t.Fatalf("her children: %v", kids)
	}
	child := e.must(t, 200, "GET", "/v1/children/"+ada, mum, nil)
	support := child.Body["support"].([]any)
	if len(support) != 1 || support[0].(map[string]any)["name"] != "Talk Boost" || support[0].(map[string]any)["given_by"] != "Teaching assistant" ||
		child.Body["plan"].(map[string]any)["outcomes"].([]any)[0].(map[string]any)["description"] != "Uses 3-word sentences" {
		t.Fatalf("the plan as she reads it: %s", child.Raw)
	}
	e.must(t, 404, "GET", "/v1/children/"+other, mum, nil)
	e.must(t, 404, "GET", "/v1/pupils/"+other, mum, nil)
	e.must(t, 403, "GET", "/v1/pupils/"+ada, mum, nil)
	e.must(t, 403, "GET", "/v1/schools/"+w.schoolA+"/caseload", mum, nil)
	e.must(t, 404, "GET", "/v1/children/"+ada, w.sencoA, nil)

	shared := e.upload(t, ada, w.sencoA, "plan.pdf", pdfBytes, map[string]string{"kind": "report", "name": "Speech therapy report", "shared_with_parents": "true"})
	private := e.upload(t, ada, w.sencoA, "notes.txt", []byte("Notes.\n"), map[string]string{"kind": "other"})
	docs := e.must(t, 200, "GET", "/v1/children/"+ada, mum, nil).Body["documents"].([]any)
	if len(docs) != 1 || docs[0].(map[string]any)["name"] != "Speech therapy report" {
		t.Fatalf("the documents shared with her: %v", docs)
	}
	e.must(t, 200, "GET", "/v1/pupils/"+ada+"/documents/"+shared.str("id"), mum, nil)
	e.must(t, 404, "GET", "/v1/pupils/"+ada+"/documents/"+private.str("id"), mum, nil)

	if r := e.must(t, 400, "POST", "/v1/children/"+ada+"/views", mum, map[string]any{"about": "review", "views": " "}); strings.Join(r.fields(), ",") != "views" {
		t.Fatalf("blank views: %s", r.Raw)
	}
	e.must(t, 201, "POST", "/v1/children/"+ada+"/views", mum, map[string]any{"about": "review", "views": "She reads to her brother every night now."})
	e.must(t, 201, "POST", "/v1/children/"+ada+"/meeting-requests", mum, map[string]any{"about": "Her new reading group"})
	e.must(t, 403, "POST", "/v1/children/"+ada+"/views", w.sencoA, map[string]any{"about": "review", "views": "x"})
	e.must(t, 404, "POST", "/v1/children/"+other+"/views", mum, map[string]any{"about": "review", "views": "x"})

	// Her request is on the SENCO's due list, 10 school days on (Monday
	// 24 November), until a meeting with the parents is held.
	askedDue := func() bool {
		t.Helper()
		due := as[app.DueList](t, e.must(t, 200, "GET", "/v1/me/due?within=30&min_seq="+strconv.FormatUint(e.lastSeq(t), 10), w.sencoA, nil))
		for _, it := range due.Items {
			if it.Kind == "meeting_asked" && it.PupilID == ada {
				return it.DueOn.String() == "2025-11-24"
			}
		}
		return false
	}
	if !askedDue() {
		t.Error("her request is not due on the SENCO's list")
	}
	_, page := e.signIn(t, w.sencoA).get("/ui/pupils/" + ada)
	for _, want := range []string{`id="parents-own-views"`, "Mary Lovelace, 10 November 2025: She reads to her brother every night now.", "Her new reading group", "<td>Mother</td><td>Yes</td>"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the SENCO's page lacks %q:\n%s", want, page)
		}
	}

	e.must(t, 201, "POST", "/v1/pupils/"+ada+"/meetings", w.sencoA, map[string]any{"held_on": "2025-11-10", "who_came": "Mary", "agreed": "Reading at home"})
	if askedDue() {
		t.Error("her request is still due after the meeting")
	}

	// Her pages: her children, then one child's, where she gives views.
	b := e.signIn(t, mum)
	if status, page := b.get("/ui/children"); status != 200 || !strings.Contains(page, "/ui/children/"+ada) || !strings.Contains(page, "/ui/children/"+sibling) {
		t.Fatalf("her children's page (%d):\n%s", status, page)
	}
	_, page = b.get("/ui/children/" + ada)
	if !strings.Contains(page, "Talk Boost") || !strings.Contains(page, "3 times a week, 30 minutes") || !strings.Contains(page, "Speech therapy report") || strings.Contains(page, "notes.txt") {
		t.Fatalf("her child's page:\n%s", page)
	}
	res := b.post("/ui/children/"+ada+"/views", url.Values{"about": {"plan"}, "views": {""}})
	if page := bodyText(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `href="#views-views"`) {
		t.Fatalf("blank views in the form (%d):\n%s", res.StatusCode, page)
	}
	if res := b.post("/ui/children/"+ada+"/views", url.Values{"about": {"plan"}, "views": {"More reading at home."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("views from the form: %d", res.StatusCode)
	}
	if res := b.getRaw("/ui/pupils/" + ada); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/ui/children/"+ada {
		t.Errorf("the school's page of her child: %d to %q, want her page", res.StatusCode, res.Header.Get("Location"))
	}
	if status, _ := b.get("/ui/children/" + other); status != http.StatusNotFound {
		t.Errorf("another family's child: %d", status)
	}
}
