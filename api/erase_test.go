package api_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/pgtest"
)

// personal is what the erasure test writes about its pupil, and must never
// find in the clear in the event stream, nor anywhere once erased.
var personal = []string{"Zara", "Quillfeather", "2015-03-04", "Zara finds phonics hard", "Reads 20 CVC words",
	"Mum Priya is pleased", "I like the group", "Speech unclear at home", "Hill Top Academy"}

// streamHolds reports which of the strings appear in any message of the event stream.
func streamHolds(t *testing.T, e *env, strs []string) []string {
	t.Helper()
	ctx := context.Background()
	stream, err := e.node.Store.JetStream().Stream(ctx, eventstore.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for seq := uint64(1); seq <= info.State.LastSeq; seq++ {
		m, err := stream.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(""))
		if err != nil {
			continue
		}
		for _, s := range strs {
			if bytes.Contains(m.Data, []byte(s)) {
				found = append(found, s)
			}
		}
	}
	return found
}

// rowHolds reports which of the strings appear in the pupil's PostgreSQL
// row once the views have applied everything (nothing without PostgreSQL).
func rowHolds(t *testing.T, e *env, pupilID string, strs []string) []string {
	t.Helper()
	if e.db == "" {
		return nil
	}
	ctx := context.Background()
	if err := e.node.Projector.WaitFor(ctx, e.lastSeq(t)); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var doc string
	if err := conn.QueryRow(ctx, `SELECT doc::text FROM pupil_summaries WHERE pupil_id = $1`, pupilID).Scan(&doc); err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, s := range strs {
		if strings.Contains(doc, s) {
			found = append(found, s)
		}
	}
	return found
}

// erasable registers a pupil with personal data in every kind of event,
// then takes them off roll.
func erasable(t *testing.T, e *env, w world, upn string) string {
	t.Helper()
	body := pupilBody(upn)
	body["first_name"], body["last_name"] = "Zara", "Quillfeather"
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, body).str("id")
	p := "/v1/pupils/" + id
	c := p + "/cycles/" + e.must(t, 201, "POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"}).str("id")
	e.must(t, 200, "POST", c+"/assessment", w.sencoA, map[string]any{"assessed_on": "2025-09-10", "summary": "Zara finds phonics hard", "need_areas": []string{"communication_interaction"}})
	e.must(t, 200, "POST", c+"/plan", w.sencoA, map[string]any{"agreed_on": "2025-09-15", "review_due_on": "2025-12-12",
		"outcomes":     []any{map[string]any{"description": "Reads 20 CVC words", "success_criteria": "In two weeks"}},
		"provisions":   []any{map[string]any{"provision_id": w.provision, "sessions_per_week": 2, "minutes_per_session": 30, "group_size": 2}},
		"parent_views": "Mum Priya is pleased", "pupil_views": "I like the group"})
	e.must(t, 201, "POST", c+"/sessions", w.sencoA, map[string]any{"provision_id": w.provision, "delivered_on": "2025-09-16", "minutes": 30, "attended": true})
	e.must(t, 201, "POST", p+"/referrals", w.sencoA, map[string]any{"service": "speech_language_therapy", "provider": "nhs", "reason": "Speech unclear at home", "referred_on": "2025-09-20"})
	e.must(t, 201, "POST", p+"/grants", w.sencoA, map[string]any{"user_id": w.reviewerID, "until": "2026-01-31"})
	return id
}

// TestErasure runs with the views in memory (rebuilt from the stream at a
// restart) and in PostgreSQL (resumed from its checkpoint).
func TestErasure(t *testing.T) {
	t.Run("memory", func(t *testing.T) { testErasure(t, "") })
	t.Run("postgres", func(t *testing.T) { testErasure(t, pgtest.URL(t)) })
}

func testErasure(t *testing.T, db string) {
	e := startWith(t, "", db)
	w := e.world(t)
	upn := newUPN()
	id := erasable(t, e, w, upn)
	p := "/v1/pupils/" + id

	if got := e.must(t, 200, "GET", p, w.sencoA, nil); got.str("first_name") != "Zara" || got.Body["erased"] != false {
		t.Fatalf("before erasure: %s", got.Raw)
	}
	if found := streamHolds(t, e, append(personal[:8:8], upn)); len(found) > 0 {
		t.Fatalf("the event stream holds personal data in the clear: %q", found)
	}
	if found := rowHolds(t, e, id, append(personal[:8:8], upn)); len(found) > 0 {
		t.Fatalf("PostgreSQL's row holds personal data in the clear: %q", found)
	}

	// Who may erase, and what is refused appends nothing.
	seq := e.lastSeq(t)
	e.must(t, 403, "POST", p+"/erase", w.sencoA, map[string]any{"reason": "retention period ended", "before_retention": true})
	e.must(t, 403, "POST", p+"/erase", w.lead, map[string]any{"reason": "retention period ended", "before_retention": true})
	if bad := e.must(t, 400, "POST", p+"/erase", adminToken, map[string]any{"reason": " "}); strings.Join(bad.fields(), ",") != "reason" {
		t.Errorf("blank reason: %s", bad.Raw)
	}
	e.must(t, 409, "POST", p+"/erase", adminToken, map[string]any{"reason": "retention period ended", "before_retention": true}) // still on roll
	e.must(t, 404, "POST", "/v1/pupils/0193a000-0000-7000-8000-00000000dead/erase", adminToken, map[string]any{"reason": "r"})
	if e.lastSeq(t) != seq {
		t.Fatal("a refused erasure appended")
	}

	e.must(t, 200, "POST", p+"/leave", w.sencoA, map[string]any{"on": "2025-11-07", "destination": "Hill Top Academy"})
	before := len(as[auditTrail](t, e.must(t, 200, "GET", p+"/audit", w.sencoA, nil)).Events)
	e.must(t, 200, "POST", p+"/erase", adminToken, map[string]any{"reason": "retention period ended", "before_retention": true})
	seq = e.lastSeq(t)
	e.must(t, 200, "POST", p+"/erase", adminToken, map[string]any{"reason": "retention period ended", "before_retention": true}) // again: nothing new
	if e.lastSeq(t) != seq {
		t.Error("erasing an erased pupil appended")
	}

	check := func(t *testing.T, e *env) {
		t.Helper()
		got := e.must(t, 200, "GET", p, w.sencoA, nil)
		for _, s := range append(personal, upn) {
			if bytes.Contains(got.Raw, []byte(s)) {
				t.Errorf("the erased record still shows %q", s)
			}
		}
		state := as[pupilAnswer](t, got)
		if !state.Erased || state.FirstName != "[erased]" || state.DateOfBirth.Valid() || state.SENStatus != "K" ||
			state.Erasure == nil || state.Erasure.Reason != "retention period ended" || state.Erasure.On.String() != "2025-11-10" {
			t.Errorf("erased record: %s", got.Raw)
		}
		audit := e.must(t, 200, "GET", p+"/audit", w.sencoA, nil)
		evs := as[auditTrail](t, audit).Events
		if len(evs) != before+1 || evs[len(evs)-1].Type != "pupil_erased" {
			t.Errorf("audit trail has %d events, want %d ending with the erasure", len(evs), before+1)
		}
		reg := evs[0]
		if reg.Data["first_name"] != "[erased]" || reg.Data["school_id"] != w.schoolA || reg.StoredData == nil {
			t.Errorf("registration in the audit trail: %v", reg)
		}
		for _, s := range append(personal, upn) {
			if bytes.Contains(audit.Raw, []byte(s)) {
				t.Errorf("the audit trail still shows %q", s)
			}
		}
		if v := e.must(t, 200, "GET", p+"/audit/verify", w.sencoA, nil); v.Body["ok"] != true || v.num("events") != before+1 {
			t.Errorf("verify after erasure: %s", v.Raw)
		}
		// The reviewer's list comes from the projection (memory or PostgreSQL).
		if status, page := e.signIn(t, w.reviewer).get("/ui/reviews"); status != 200 || !strings.Contains(page, "[erased]") || strings.Contains(page, "Quillfeather") {
			t.Errorf("reviewer's list after erasure: %d\n%s", status, page)
		}
		if status, page := e.signIn(t, w.sencoA).get("/ui/pupils/" + id); status != 200 || !strings.Contains(page, "personal data was erased") || strings.Contains(page, "Zara") {
			t.Errorf("UI page of the erased pupil: %d\n%s", status, page)
		}
	}
	check(t, e)
	if found := rowHolds(t, e, id, append(personal, upn)); len(found) > 0 {
		t.Fatalf("PostgreSQL's row holds personal data after erasure: %q", found)
	}

	// The record is closed, and the UPN names nobody: it can be registered anew.
	if r := e.must(t, 409, "POST", p+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-11-10"}); !strings.Contains(string(r.Raw), "erased") {
		t.Errorf("command on an erased pupil: %s", r.Raw)
	}
	e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(upn))

	// Rebuilt from the stream, with no key, it reads the same.
	check(t, e.restart(t))
}

// A key that is gone without an erasure (lost, or destroyed by hand)
// reads as an erasure, never as an error.
func TestLostKeyReadsAsErased(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := erasable(t, e, w, newUPN())
	if err := e.node.Store.Keys().Destroy(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	// A running node keeps what it has already read; a restart reads the
	// stream again, without the key.
	for _, e := range []*env{e.restart(t)} {
		got := e.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil)
		state := as[pupilAnswer](t, got)
		if !state.Erased || state.LastName != "[erased]" || state.Erasure == nil || !state.Erasure.KeyLost {
			t.Errorf("pupil with a lost key: %s", got.Raw)
		}
		if v := e.must(t, 200, "GET", "/v1/pupils/"+id+"/audit/verify", w.reviewer, nil); v.Body["ok"] != true {
			t.Errorf("verify: %s", v.Raw)
		}
		cl := e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/caseload", w.sencoA, nil)
		if bytes.Contains(cl.Raw, []byte("Quillfeather")) || !bytes.Contains(cl.Raw, []byte("[erased]")) {
			t.Errorf("caseload: %s", cl.Raw)
		}
	}
}

// An admin erases from the pupil's page; a SENCO is not offered the form
// and is refused if they post it.
func TestErasureInTheUI(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := erasable(t, e, w, newUPN())
	e.must(t, 200, "POST", "/v1/pupils/"+id+"/leave", w.sencoA, map[string]any{"on": "2025-11-07"})
	page := "/ui/pupils/" + id

	senco := e.signIn(t, w.sencoA)
	if _, body := senco.get(page); strings.Contains(body, "Erase personal data") {
		t.Error("a SENCO is offered the erase form")
	}
	if res := senco.post(page+"/erase", url.Values{"reason": {"retention period ended"}}); res.StatusCode != 403 {
		t.Errorf("a SENCO's erase: %d", res.StatusCode)
	}

	admin := e.signIn(t, adminToken)
	if _, body := admin.get(page); !strings.Contains(body, "Erase personal data") {
		t.Fatal("the admin is not offered the erase form")
	}
	if res := admin.post(page+"/erase", url.Values{"reason": {""}}); res.StatusCode != 400 || !strings.Contains(bodyOf(res), "error-message") {
		t.Errorf("blank reason: %d", res.StatusCode)
	}
	// Within the retention period, erasing needs saying so; then a confirmation.
	if res := admin.post(page+"/erase", url.Values{"reason": {"parent's request"}, "confirm": {"yes"}}); res.StatusCode != 400 || !strings.Contains(bodyOf(res), "kept until 4 March 2040") {
		t.Errorf("within retention: %d", res.StatusCode)
	}
	if res := admin.post(page+"/erase", url.Values{"reason": {"parent's request"}, "before_retention": {"true"}}); res.StatusCode != 200 || !strings.Contains(bodyOf(res), "cannot be undone") {
		t.Errorf("confirmation: %d", res.StatusCode)
	}
	if res := admin.post(page+"/erase", url.Values{"reason": {"parent's request"}, "before_retention": {"true"}, "confirm": {"yes"}}); res.StatusCode != 303 {
		t.Fatalf("erase: %d %s", res.StatusCode, bodyOf(res))
	}
	_, body := admin.get(page)
	if !strings.Contains(body, "personal data was erased") || strings.Contains(body, "Quillfeather") || strings.Contains(body, "Erase personal data") {
		t.Errorf("page after erasure:\n%s", body)
	}
}
