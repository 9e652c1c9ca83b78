package api_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/shred"
)

// multipartFile is a form of fields and one file, as a browser sends it.
func multipartFile(t *testing.T, filename string, content []byte, fields map[string]string) (body *bytes.Buffer, contentType string) {
	t.Helper()
	body = &bytes.Buffer{}
	mw := multipart.NewWriter(body)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	_ = mw.Close()
	return body, mw.FormDataContentType()
}

// upload sends a document as multipart/form-data.
func (e *env) upload(t *testing.T, pupilID, token, filename string, content []byte, fields map[string]string, headers ...string) resp {
	t.Helper()
	body, ct := multipartFile(t, filename, content, fields)
	return e.do(t, "POST", "/v1/pupils/"+pupilID+"/documents", token, body.String(), append([]string{"Content-Type", ct}, headers...)...)
}

var (
	pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	elfBytes = append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0}, 64)...)
)

// TestDocuments: the SENCO attaches documents, checked by their bytes
// (not their names) and their size; the trust lead reads them all; an LA
// reviewer with a grant reads only those shared with the LA, and each read
// is in the access log; another trust's lead learns nothing; after the
// pupil's erasure the file is unreadable, though its sealed bytes remain.
func TestDocuments(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.pupilBeingHelped(t, w)
	p := "/v1/pupils/" + id
	e.must(t, 201, "POST", p+"/grants", w.sencoA, map[string]any{"user_id": w.reviewerID, "until": "2026-06-30"})

	report := e.upload(t, id, w.sencoA, "ep-report.pdf", pdfBytes, map[string]string{"kind": "report", "name": "Educational psychologist's report", "shared_with_la": "true"})
	if report.Status != 201 {
		t.Fatalf("attach the report: %d %s", report.Status, report.Raw)
	}
	notes := e.upload(t, id, w.sencoA, "notes.txt", []byte("Notes from the planning meeting.\n"), map[string]string{"kind": "other"})
	if notes.Status != 201 {
		t.Fatalf("attach the notes: %d %s", notes.Status, notes.Raw)
	}

	before := e.lastSeq(t)
	for _, tc := range []struct {
		name, filename string
		content        []byte
		fields         map[string]string
		token          string
		status         int
		field          string
	}{
		{"a program", "setup.exe", elfBytes, map[string]string{"kind": "report"}, w.sencoA, 400, "file"},
		{"a program named as a PDF", "report.pdf", elfBytes, map[string]string{"kind": "report"}, w.sencoA, 400, "file"},
		{"an empty file", "empty.pdf", nil, map[string]string{"kind": "report"}, w.sencoA, 400, "file"},
		{"over 20 MiB", "big.txt", bytes.Repeat([]byte("a"), 20<<20+1), map[string]string{"kind": "other"}, w.sencoA, 400, "file"},
		{"no kind", "r.pdf", pdfBytes, map[string]string{}, w.sencoA, 400, "kind"},
		{"sharing not yes or no", "r.pdf", pdfBytes, map[string]string{"kind": "report", "shared_with_la": "perhaps"}, w.sencoA, 400, "shared_with_la"},
		{"the trust lead", "r.pdf", pdfBytes, map[string]string{"kind": "report"}, w.lead, 403, ""},
		{"another trust's lead", "r.pdf", pdfBytes, map[string]string{"kind": "report"}, w.otherLead, 404, ""},
	} {
		r := e.upload(t, id, tc.token, tc.filename, tc.content, tc.fields)
		if r.Status != tc.status || (tc.field != "" && strings.Join(r.fields(), ",") != tc.field) {
			t.Errorf("%s: %d %v, want %d naming %q: %s", tc.name, r.Status, r.fields(), tc.status, tc.field, r.Raw)
		}
	}
	if r := e.upload(t, id, w.sencoA, "r.pdf", pdfBytes, map[string]string{"kind": "report"}, "If-Match", `"2"`); r.Status != 409 || r.Body["current_version"] == nil {
		t.Errorf("a stale If-Match: %d %s", r.Status, r.Raw)
	}
	if e.lastSeq(t) != before {
		t.Error("refused documents appended")
	}

	names := func(token string) []string {
		t.Helper()
		var out []string
		for _, d := range e.must(t, 200, "GET", p+"/documents", token, nil).Body["documents"].([]any) {
			out = append(out, d.(map[string]any)["name"].(string))
		}
		return out
	}
	if got := strings.Join(names(w.lead), "; "); got != "Educational psychologist's report; notes.txt" {
		t.Errorf("the lead's documents: %s", got)
	}
	if got := strings.Join(names(w.reviewer), "; "); got != "Educational psychologist's report" {
		t.Errorf("the reviewer's documents: %s", got)
	}
	e.must(t, 404, "GET", p+"/documents", w.otherLead, nil)

	get := func(doc, token string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", e.srv.URL+p+"/documents/"+doc, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := testClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := get(report.str("id"), w.reviewer)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Equal(body, pdfBytes) || res.Header.Get("Content-Type") != "application/pdf" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("the reviewer reads the report: %d %s %q", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if res := get(notes.str("id"), w.reviewer); res.StatusCode != 404 {
		t.Errorf("the reviewer reads what was not shared: %d", res.StatusCode)
	}
	if res := get(report.str("id"), w.otherLead); res.StatusCode != 404 {
		t.Errorf("another trust's lead: %d", res.StatusCode)
	}
	if log := string(e.must(t, 200, "GET", p+"/access-log", w.sencoA, nil).Raw); !strings.Contains(log, "document "+report.str("id")+" (report)") {
		t.Errorf("the access log lacks the read: %s", log)
	}

	// Erased: the bytes are still in the bucket, and nobody can read them.
	e.must(t, 200, "POST", p+"/leave", w.sencoA, map[string]any{"on": "2025-11-07", "destination": "Hill Top Academy"})
	e.must(t, 200, "POST", p+"/erase", adminToken, map[string]any{"reason": "retention period ended", "before_retention": true})
	if res := get(report.str("id"), w.sencoA); res.StatusCode != 409 {
		t.Errorf("a document of an erased pupil: %d", res.StatusCode)
	}
	if _, err := e.node.Store.Document(context.Background(), id, report.str("id")); !errors.Is(err, shred.ErrKeyDestroyed) {
		t.Errorf("the sealed bytes after erasure: %v", err)
	}
}

// TestUIDocuments: the SENCO attaches documents from the pupil page (a
// program refused, with the field linked and the choices kept); the page
// lists them and downloads them; an LA reviewer's audit page lists the one
// shared with the LA.
func TestUIDocuments(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.pupilBeingHelped(t, w)
	e.must(t, 201, "POST", "/v1/pupils/"+id+"/grants", w.sencoA, map[string]any{"user_id": w.reviewerID, "until": "2026-06-30"})
	b := e.signIn(t, w.sencoA)
	b.get("/ui/pupils/" + id)
	post := func(filename string, content []byte, fields map[string]string) *http.Response {
		t.Helper()
		fields["csrf"] = b.csrf
		body, ct := multipartFile(t, filename, content, fields)
		res, err := b.c.Post(e.srv.URL+"/ui/pupils/"+id+"/documents", ct, body)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := post("plan.pdf", elfBytes, map[string]string{"kind": "ehc_plan", "name": "EHC plan 2024", "shared_with_la": "true"})
	if page := bodyText(t, res); res.StatusCode != 400 || !strings.Contains(page, `href="#documents-file"`) || !strings.Contains(page, `value="EHC plan 2024"`) ||
		!strings.Contains(page, `<option value="ehc_plan" selected>`) || !strings.Contains(page, `id="documents-la" name="shared_with_la" value="true" checked`) {
		t.Fatalf("a program as a document (%d):\n%s", res.StatusCode, page)
	}
	if res = post("plan.pdf", pdfBytes, map[string]string{"kind": "ehc_plan", "name": "EHC plan 2024", "shared_with_la": "true"}); res.StatusCode != 303 {
		t.Fatalf("attach the plan: %d %s", res.StatusCode, bodyText(t, res))
	}
	_, page := b.get("/ui/pupils/" + id)
	if !strings.Contains(page, ">EHC plan 2024</a>") || !strings.Contains(page, "<td data-label=\"Shared with\">The LA</td>") {
		t.Fatalf("the documents on the page:\n%s", page)
	}
	docs := e.must(t, 200, "GET", "/v1/pupils/"+id+"/documents", w.sencoA, nil).Body["documents"].([]any)
	doc := docs[0].(map[string]any)["id"].(string)
	if res := b.getRaw("/ui/pupils/" + id + "/documents/" + doc); res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	_, page = e.signIn(t, w.reviewer).get("/ui/pupils/" + id + "/audit")
	if !strings.Contains(page, "<h2>Documents</h2>") || !strings.Contains(page, ">EHC plan 2024</a>") {
		t.Fatalf("the reviewer's audit page:\n%s", page)
	}
}
