package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestProfessionalsInTheUI: the SENCO's form asks a professional in, and a
// refused one comes back with what was typed and the error against the
// field; the professional's pages: her requests first, the record's page
// sends her to them, a file not chosen or of a refused type is named, and
// her advice closes the request.
func TestProfessionalsInTheUI(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.pupilBeingHelped(t, w)
	entry := e.adviceAsked(t, w, id)
	senco := e.signIn(t, w.sencoA)
	if _, page := senco.get("/ui/pupils/" + id); !strings.Contains(page, `value="advice:`) || !strings.Contains(page, "Advice from the educational psychologist, asked for on 6 November 2025") {
		t.Fatalf("the form does not offer the advice asked for")
	}
	form := url.Values{"request": {"advice:1"}, "name": {"Dr Eve Psych"}, "email": {"eve@ep.example.org"}, "message": {"Please advise"}, "share_plan": {"true"}}
	res := senco.post("/ui/pupils/"+id+"/professionals", form)
	page := bodyOf(res)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `href="#professionals-request"`) || !strings.Contains(page, "Choose what they are asked for: is not advice asked for") ||
		!strings.Contains(page, `value="Dr Eve Psych"`) || !strings.Contains(page, "Please advise</textarea>") {
		t.Fatalf("a refused form: %d\n%s", res.StatusCode, page)
	}
	form.Set("request", "advice:"+strconv.Itoa(entry))
	res = senco.post("/ui/pupils/"+id+"/professionals", form)
	if page := bodyOf(res); res.StatusCode != http.StatusOK || !strings.Contains(page, "/ui/invitations/") {
		t.Fatalf("asking her in: %d\n%s", res.StatusCode, page)
	}
	user := e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/people", w.lead, nil)
	var eveID string
	for _, p := range user.Body["people"].([]any) {
		if p := p.(map[string]any); p["email"] == "eve@ep.example.org" {
			eveID = p["id"].(string)
		}
	}
	eve := e.signIn(t, e.must(t, 201, "POST", "/v1/users/"+eveID+"/tokens", adminToken, nil).str("token"))
	if res := eve.getRaw("/ui/"); res.Header.Get("Location") != "/ui/requests" {
		t.Fatalf("her first page: %s", res.Header.Get("Location"))
	}
	if res := eve.getRaw("/ui/pupils/" + id); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/ui/requests" {
		t.Fatalf("the record's page: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, list := eve.get("/ui/requests")
	reqPath := between(list, `<a href="`, `">Ada Lovelace</a>`)
	if !strings.HasPrefix(reqPath, "/ui/pupils/"+id+"/requests/") {
		t.Fatalf("her requests:\n%s", list)
	}
	status, req := eve.get(reqPath)
	if status != 200 || !strings.Contains(req, "Please advise") || !strings.Contains(req, "Talk Boost") {
		t.Fatalf("her request: %d\n%s", status, req)
	}
	for _, tc := range []struct {
		name, filename string
		content        []byte
		field, message string
	}{
		{"no file", "", nil, "file", "Choose the file to send"},
		{"a program", "advice.pdf", elfBytes, "file", "must be a PDF"},
		{"a control character in the name", "advice.pdf", pdfBytes, "name", "control characters"},
	} {
		fields := map[string]string{"csrf": eve.csrf}
		if tc.field == "name" {
			fields["name"] = "Advice\x1b"
		}
		res := eve.postFile(t, reqPath, tc.filename, tc.content, fields)
		page := bodyOf(res)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `href="#answer-`+tc.field+`"`) || !strings.Contains(page, tc.message) {
			t.Errorf("%s: %d\n%s", tc.name, res.StatusCode, page)
		}
	}
	res = eve.postFile(t, reqPath, "advice.pdf", pdfBytes, map[string]string{"csrf": eve.csrf, "name": "Psychological advice"})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/ui/requests" {
		t.Fatalf("sending her advice: %d %s", res.StatusCode, bodyOf(res))
	}
	if status, _ := eve.get(reqPath); status != http.StatusNotFound {
		t.Errorf("the request after her advice: %d", status)
	}
	if _, page := senco.get("/ui/pupils/" + id); !strings.Contains(page, "Sent on 10 November 2025: <a href=\"/ui/pupils/"+id+"/documents/") || strings.Contains(page, `id="invite-professional"`) {
		t.Errorf("the record after her advice: no answer shown, or still offering the advice")
	}
}

// postFile posts a multipart form with one file (none when filename is
// empty), as a browser does.
func (b *browserless) postFile(t *testing.T, path, filename string, content []byte, fields map[string]string) *http.Response {
	t.Helper()
	body, ct := multipartFile(t, filename, content, fields)
	res, err := b.c.Post(b.e.srv.URL+path, ct, body)
	if err != nil {
		t.Fatal(err)
	}
	return buffered(res)
}

// between is the text of s between the first before and the after that
// follows it.
func between(s, before, after string) string {
	end := strings.Index(s, after)
	if end < 0 {
		return ""
	}
	start := strings.LastIndex(s[:end], before)
	if start < 0 {
		return ""
	}
	return s[start+len(before) : end]
}
