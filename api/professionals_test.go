package api_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/domain/ehcp"
)

// answer sends a professional's file to their request.
func (e *env) answer(t *testing.T, pupilID, reqID, token, filename string, content []byte, fields map[string]string, headers ...string) resp {
	t.Helper()
	body, ct := multipartFile(t, filename, content, fields)
	return e.do(t, "POST", "/v1/pupils/"+pupilID+"/requests/"+reqID+"/answer", token, body.String(), append([]string{"Content-Type", ct}, headers...)...)
}

// adviceAsked takes pupil id through the EHC needs assessment to advice
// asked of an educational psychologist on 6 November 2025, and answers the
// entry that asked it.
func (e *env) adviceAsked(t *testing.T, w world, id string) int {
	t.Helper()
	p := "/v1/pupils/" + id
	e.must(t, 201, "POST", p+"/ehcp/milestones", w.sencoA, map[string]any{"type": "request", "on": "2025-10-01", "requested_by": "school"})
	e.must(t, 201, "POST", p+"/ehcp/milestones", w.sencoA, map[string]any{"type": "decision_to_assess", "on": "2025-11-05", "assess": true})
	e.must(t, 201, "POST", p+"/ehcp/milestones", w.sencoA, map[string]any{"type": "advice_requested", "on": "2025-11-06", "from": "educational psychologist"})
	return e.must(t, 200, "GET", p, w.sencoA, nil).num("version")
}

// TestProfessionals: the SENCO asks an educational psychologist in for the
// advice asked for; she sees only what the request shares, while it is
// open; the file she sends is recorded as the advice received on the EHC
// clock in the same commit, and closes the request. A speech and language
// therapist's report closes a referral the same way. Every refusal appends
// nothing.
func TestProfessionals(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	ada := e.pupilBeingHelped(t, w)
	other := e.pupilBeingHelped(t, w)
	p := "/v1/pupils/" + ada
	entry := e.adviceAsked(t, w, ada)
	shared := e.upload(t, ada, w.sencoA, "screening.pdf", pdfBytes, map[string]string{"kind": "report", "name": "Speech screening"}).str("id")
	private := e.upload(t, ada, w.sencoA, "notes.txt", []byte("Staff notes.\n"), map[string]string{"kind": "other"}).str("id")
	ref := e.must(t, 201, "POST", p+"/referrals", w.sencoA, map[string]any{"service": "speech_language_therapy", "provider": "nhs", "reason": "Stammer", "referred_on": "2025-09-10"}).str("id")
	invite := map[string]any{"name": "Dr Eve Psych", "email": "eve@ep.example.org", "advice_entry": entry,
		"message": "Advice on communication, please", "share_plan": true, "document_ids": []string{shared}}

	before := e.lastSeq(t)
	for _, tc := range []struct {
		name   string
		token  string
		edit   func(map[string]any)
		status int
		field  string
	}{
		{"neither advice nor referral", w.sencoA, func(b map[string]any) { delete(b, "advice_entry") }, 400, "advice_entry"},
		{"both advice and referral", w.sencoA, func(b map[string]any) { b["referral_id"] = ref }, 400, "advice_entry"},
		{"an entry that asked no advice", w.sencoA, func(b map[string]any) { b["advice_entry"] = 1 }, 400, "advice_entry"},
		{"no such referral", w.sencoA, func(b map[string]any) {
			delete(b, "advice_entry")
			b["referral_id"] = "0193a000-0000-7000-8000-000000000001"
		}, 400, "referral_id"},
		{"a document of another record", w.sencoA, func(b map[string]any) { b["document_ids"] = []string{"0193a000-0000-7000-8000-00000000d0c1"} }, 400, "document_ids[0]"},
		{"no email", w.sencoA, func(b map[string]any) { b["email"] = "eve at work" }, 400, "email"},
		{"a control character", w.sencoA, func(b map[string]any) { b["message"] = "Advice\x07" }, 400, "message"},
		{"the trust lead", w.lead, func(map[string]any) {}, 403, ""},
		{"another trust's lead", w.otherLead, func(map[string]any) {}, 404, ""},
	} {
		body := map[string]any{}
		for k, v := range invite {
			body[k] = v
		}
		tc.edit(body)
		r := e.do(t, "POST", p+"/professionals", tc.token, body)
		if r.Status != tc.status || (tc.field != "" && strings.Join(r.fields(), ",") != tc.field) {
			t.Errorf("%s: %d %v, want %d naming %q: %s", tc.name, r.Status, r.fields(), tc.status, tc.field, r.Raw)
		}
	}
	if e.lastSeq(t) != before {
		t.Error("refused invitations appended")
	}
	inv := e.must(t, 201, "POST", p+"/professionals", w.sencoA, invite)
	if !strings.Contains(inv.str("link"), "/ui/invitations/") {
		t.Fatalf("no link shown without mail: %s", inv.Raw)
	}
	e.must(t, 409, "POST", p+"/professionals", w.sencoA, invite) // asked already
	eve := e.must(t, 201, "POST", "/v1/users/"+inv.str("user_id")+"/tokens", adminToken, nil).str("token")

	// What she sees: her request, and nothing else of the record.
	reqs := e.must(t, 200, "GET", "/v1/me/requests", eve, nil).Body["requests"].([]any)
	if len(reqs) != 1 || reqs[0].(map[string]any)["pupil"] != "Ada Lovelace" || reqs[0].(map[string]any)["due_on"] != "2025-12-18" {
		t.Fatalf("her requests: %v", reqs)
	}
	reqID := reqs[0].(map[string]any)["request_id"].(string)
	got := e.must(t, 200, "GET", p+"/requests/"+reqID, eve, nil)
	docs := got.Body["documents"].([]any)
	if got.str("from") != "educational psychologist" || got.str("message") != "Advice on communication, please" || got.str("date_of_birth") == "" ||
		got.Body["plan"] == nil || got.Body["about_me"] != nil || len(docs) != 1 || docs[0].(map[string]any)["id"] != shared {
		t.Fatalf("the request as she reads it: %s", got.Raw)
	}
	if r := e.do(t, "GET", p+"/documents/"+shared, eve, nil); r.Status != 200 || !bytes.Equal(r.Raw, pdfBytes) {
		t.Fatalf("the shared document: %d", r.Status)
	}
	if list := e.must(t, 200, "GET", p+"/documents", eve, nil).Body["documents"].([]any); len(list) != 1 {
		t.Fatalf("the documents she may read: %v", list)
	}
	for _, path := range []string{p + "/documents/" + private, "/v1/pupils/" + other, "/v1/pupils/" + other + "/requests/" + reqID, "/v1/children/" + ada} {
		e.must(t, 404, "GET", path, eve, nil)
	}
	for _, path := range []string{p, p + "/ehcp", p + "/audit", "/v1/schools/" + w.schoolA + "/caseload", "/v1/me/children"} {
		e.must(t, 403, "GET", path, eve, nil)
	}
	e.must(t, 403, "POST", p+"/ehcp/milestones", eve, map[string]any{"type": "advice_received", "on": "2025-11-10", "from": "educational psychologist"})
	e.must(t, 404, "GET", p+"/requests/"+reqID, w.sencoA, nil) // the school reads the record, not her view of it

	// Refused answers append nothing.
	mum := e.parentOf(t, w, ada)
	before = e.lastSeq(t)
	for _, tc := range []struct {
		name, filename string
		content        []byte
		fields         map[string]string
		token          string
		status         int
		field          string
	}{
		{"a program", "advice.pdf", elfBytes, nil, eve, 400, "file"},
		{"over 20 MiB", "big.txt", bytes.Repeat([]byte("a"), 20<<20+1), nil, eve, 400, "file"},
		{"an empty file", "advice.pdf", nil, nil, eve, 400, "file"},
		{"a control character in the name", "advice.pdf", pdfBytes, map[string]string{"name": "Advice\x1b"}, eve, 400, "name"},
		{"the SENCO", "advice.pdf", pdfBytes, nil, w.sencoA, 404, ""},
		{"a parent", "advice.pdf", pdfBytes, nil, mum, 404, ""},
	} {
		r := e.answer(t, ada, reqID, tc.token, tc.filename, tc.content, tc.fields)
		if r.Status != tc.status || (tc.field != "" && strings.Join(r.fields(), ",") != tc.field) {
			t.Errorf("%s: %d %v, want %d naming %q: %s", tc.name, r.Status, r.fields(), tc.status, tc.field, r.Raw)
		}
	}
	if r := e.answer(t, ada, reqID, eve, "advice.pdf", pdfBytes, nil, "If-Match", `"1"`); r.Status != 409 {
		t.Errorf("a stale If-Match: %d %s", r.Status, r.Raw)
	}
	if e.lastSeq(t) != before {
		t.Error("refused answers appended")
	}

	// Her advice closes the milestone, in one commit.
	before = e.lastSeq(t)
	doc := e.answer(t, ada, reqID, eve, "ep-advice.pdf", pdfBytes, map[string]string{"name": "Psychological advice"})
	if doc.Status != 201 {
		t.Fatalf("her advice: %d %s", doc.Status, doc.Raw)
	}
	if after := e.lastSeq(t); after != before+1 {
		t.Errorf("the answer took %d commits, want 1", after-before)
	}
	var received *ehcp.Milestone
	for _, m := range as[ehcp.View](t, e.must(t, 200, "GET", p+"/ehcp", w.sencoA, nil)).Milestones {
		if m.Type == "advice_received" {
			received = &m
		}
	}
	if received == nil || received.Status != "done" || received.DoneOn.String() != "2025-11-10" || received.From != "educational psychologist" {
		t.Errorf("advice received on the clock: %+v", received)
	}
	list := e.must(t, 200, "GET", p+"/documents", w.sencoA, nil).Body["documents"].([]any)
	last := list[len(list)-1].(map[string]any)
	if last["id"] != doc.str("id") || last["kind"] != "advice" || last["name"] != "Psychological advice" || last["shared_with_parents"] != false {
		t.Errorf("her advice on the record: %v", last)
	}
	// The request is closed: she reads nothing more.
	e.must(t, 404, "GET", p+"/requests/"+reqID, eve, nil)
	e.must(t, 404, "GET", p+"/documents/"+shared, eve, nil)
	if r := e.answer(t, ada, reqID, eve, "again.pdf", pdfBytes, nil); r.Status != 404 {
		t.Errorf("a second answer: %d", r.Status)
	}
	reqs = e.must(t, 200, "GET", "/v1/me/requests", eve, nil).Body["requests"].([]any)
	if r := reqs[0].(map[string]any); r["open"] != false || r["pupil"] != nil || r["answered_on"] != "2025-11-10" {
		t.Errorf("her answered request: %v", r)
	}

	// A referral's report, from a therapist with no account yet.
	salt := e.must(t, 201, "POST", p+"/professionals", w.sencoA, map[string]any{"name": "Sam Therapist", "email": "sam@nhs.example.org", "referral_id": ref})
	sam := e.must(t, 201, "POST", "/v1/users/"+salt.str("user_id")+"/tokens", adminToken, nil).str("token")
	samReq := e.must(t, 200, "GET", "/v1/me/requests", sam, nil).Body["requests"].([]any)[0].(map[string]any)["request_id"].(string)
	if r := e.must(t, 200, "GET", p+"/requests/"+samReq, sam, nil); r.Body["plan"] != nil || len(r.Body["documents"].([]any)) != 0 {
		t.Errorf("shared with the therapist beyond who the pupil is: %s", r.Raw)
	}
	e.must(t, 404, "GET", p+"/requests/"+reqID, sam, nil) // another professional's request
	if r := e.answer(t, ada, samReq, sam, "report.pdf", pdfBytes, nil); r.Status != 201 {
		t.Fatalf("his report: %d %s", r.Status, r.Raw)
	}
	refs := as[pupilAnswer](t, e.must(t, 200, "GET", p, w.sencoA, nil)).Referrals
	if len(refs) != 1 || refs[0].Status != "report_received" {
		t.Errorf("the referral after his report: %+v", refs)
	}
	list = e.must(t, 200, "GET", p+"/documents", w.sencoA, nil).Body["documents"].([]any)
	if last := list[len(list)-1].(map[string]any); last["kind"] != "report" || last["name"] != "report.pdf" {
		t.Errorf("his report on the record: %v", last)
	}
}

// parentOf invites a parent to pupil id and answers their token.
func (e *env) parentOf(t *testing.T, w world, id string) string {
	t.Helper()
	inv := e.must(t, 201, "POST", "/v1/pupils/"+id+"/parents", w.sencoA, map[string]any{"name": "Mary Lovelace", "email": "mary@example.org", "relationship": "mother", "parental_responsibility": true})
	return e.must(t, 201, "POST", "/v1/users/"+inv.str("user_id")+"/tokens", adminToken, nil).str("token")
}
