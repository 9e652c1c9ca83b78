package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCorrectionsInTheUI corrects an entry of every kind and voids one
// through the pupil's pages: each form starts from the entry as it stands,
// a refused one comes back with what was typed, and the audit trail shows
// both with its chain verified. Then who the pupil is is corrected, and a
// pupil who left is re-admitted.
func TestCorrectionsInTheUI(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id, outcome := e.pupilWithEveryEntry(t, w)
	p := "/v1/pupils/" + id

	b := e.signIn(t, w.sencoA)
	page := "/ui/pupils/" + id
	if _, body := b.get(page); !strings.Contains(body, page+"/entries/3") || !strings.Contains(body, page+"/entries/11") {
		t.Fatal("the history offers no correction of its entries")
	}
	// Each form starts from the entry as it stands.
	for _, tt := range []struct {
		entry int
		want  []string
	}{
		{3, []string{">Speech screening</textarea>", `value="communication_interaction" checked`}},
		{4, []string{`value="Uses 3-word sentences"`, `value="` + w.provision + `" checked`, `name="provisions[0].sessions_per_week" value="3"`}},
		{5, []string{`name="delivered_on" value="16/09/2025"`, `name="minutes" value="30"`}},
		{7, []string{`value="met" selected`, `value="refer" selected`}},
		{8, []string{">Low mood</textarea>", `name="referred_on" value="10/09/2025"`}},
		{9, []string{`value="accepted" selected`, `name="on" value="20/09/2025"`}},
		{10, []string{`name="requested_by" value="school"`}},
		{11, []string{`name="until" value="30/06/2026"`}},
	} {
		status, body := b.get(fmt.Sprintf("%s/entries/%d", page, tt.entry))
		for _, want := range tt.want {
			if status != 200 || !strings.Contains(body, want) {
				t.Errorf("entry %d's page (%d) does not hold %s", tt.entry, status, want)
			}
		}
	}

	// Refused: the page again, with what was typed and the error linked.
	res := b.post(page+"/entries/5/correct", url.Values{"provision_id": {w.provision}, "delivered_on": {"16/09/2025"}, "minutes": {"20"}, "attended": {"true"}})
	body := bodyOf(res)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `href="#correct-correction_reason"`) || !strings.Contains(body, `name="minutes" value="20"`) {
		t.Fatalf("a correction without a reason: %d\n%s", res.StatusCode, body)
	}
	// A future date names its field.
	res = b.post(page+"/entries/5/correct", url.Values{"provision_id": {w.provision}, "delivered_on": {"16/09/2099"}, "minutes": {"20"}, "attended": {"true"}, "correction_reason": {"r"}})
	if body := bodyOf(res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "must not be in the future") || !strings.Contains(body, `href="#correct-delivered_on"`) {
		t.Fatalf("a session in the future: %d\n%s", res.StatusCode, body)
	}

	why := "Typed in the wrong box"
	for entry, form := range map[int]url.Values{
		3: {"assessed_on": {"10/09/2025"}, "summary": {"Speech and language screening"}, "need_areas": {"communication_interaction", "semh"}},
		4: {"agreed_on": {"15/09/2025"}, "review_due_on": {"12/12/2025"}, "outcomes[0].description": {"Uses 4-word sentences"},
			"outcomes[0].success_criteria": {"4 of 5 lessons"}, "outcomes[1].description": {""}, "provisions[0].provision_id": {w.provision},
			"provisions[0].sessions_per_week": {"2"}, "provisions[0].minutes_per_session": {"30"}, "provisions[0].group_size": {"4"},
			"parent_views": {"Mum is pleased"}, "pupil_views": {"I like the group"}},
		5:  {"provision_id": {w.provision}, "delivered_on": {"16/09/2025"}, "minutes": {"20"}, "attended": {"true"}},
		7:  {"held_on": {"04/11/2025"}, "outcomes[0].outcome_id": {outcome}, "outcomes[0].rating": {"partly_met"}, "decision": {"refer"}, "parent_views": {"p"}, "pupil_views": {"q"}},
		8:  {"service": {"camhs"}, "provider": {"nhs"}, "referred_on": {"11/09/2025"}, "reason": {"Low mood, anxiety"}},
		9:  {"status": {"accepted"}, "on": {"21/09/2025"}},
		10: {"type": {"request"}, "on": {"02/10/2025"}, "requested_by": {"parent"}},
		11: {"user_id": {w.reviewerID}, "until": {"31/07/2026"}},
	} {
		form.Set("correction_reason", why)
		if res := b.post(fmt.Sprintf("%s/entries/%d/correct", page, entry), form); res.StatusCode != http.StatusSeeOther {
			t.Errorf("correcting entry %d: %d\n%s", entry, res.StatusCode, bodyOf(res))
		}
	}
	// A void that later entries rest on is refused in words, on its page.
	res = b.post(page+"/entries/3/void", url.Values{"reason": {why}})
	if body := bodyOf(res); res.StatusCode != http.StatusConflict || !strings.Contains(body, "void the plan first") || !strings.Contains(body, why) {
		t.Fatalf("voiding an assessment under a plan: %d\n%s", res.StatusCode, body)
	}
	if res := b.post(page+"/entries/6/void", url.Values{"reason": {"Logged twice"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("voiding a session: %d\n%s", res.StatusCode, bodyOf(res))
	}
	got := as[pupilAnswer](t, e.must(t, 200, "GET", p, w.sencoA, nil))
	if c := got.Cycles[0]; len(c.Sessions) != 1 || c.Sessions[0].Minutes != 20 || len(c.Assessment.NeedAreas) != 2 || c.Plan.Outcomes[0].Description != "Uses 4-word sentences" {
		t.Fatalf("the record after the corrections: %+v", c)
	}
	_, audit := b.get(page + "/audit")
	for _, want := range []string{"✓ Verified", "Correction of entry 3 (the assessment): " + why, "Void of entry 6 (a session): Logged twice",
		"Corrected by entry", "Voided by entry"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit trail does not say %q", want)
		}
	}

	// Who the pupil is: a temporary UPN replaced by the permanent one.
	permanent := newUPN()
	res = b.post(page+"/details", url.Values{"upn": {permanent}, "first_name": {"Ada"}, "last_name": {"King"}, "date_of_birth": {"04/03/2015"}, "year_group": {"5"}})
	if body := bodyOf(res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `href="#details-reason"`) || !strings.Contains(body, `value="King"`) {
		t.Fatalf("details without a reason: %d\n%s", res.StatusCode, body)
	}
	if res := b.post(page+"/details", url.Values{"upn": {permanent}, "first_name": {"Ada"}, "last_name": {"King"}, "date_of_birth": {"04/03/2015"},
		"year_group": {"5"}, "reason": {"Married name; permanent UPN"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("correcting details: %d\n%s", res.StatusCode, bodyOf(res))
	}
	if _, body := b.get(page); !strings.Contains(body, "<h1>Ada King</h1>") || !strings.Contains(body, permanent) {
		t.Fatal("the page does not show the corrected details")
	}
	// She leaves, and comes back.
	if res := b.post(page+"/leave", url.Values{"on": {"07/11/2025"}, "confirm": {"yes"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("leaving: %d\n%s", res.StatusCode, bodyOf(res))
	}
	if _, body := b.get(page); !strings.Contains(body, "Re-admit") {
		t.Fatal("a pupil who left offers no re-admission")
	}
	if res := b.post(page+"/readmit", url.Values{"school_id": {w.schoolA}, "on": {"10/11/2025"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("re-admitting: %d\n%s", res.StatusCode, bodyOf(res))
	}
	if got := as[pupilAnswer](t, e.must(t, 200, "GET", p, w.sencoA, nil)); !got.OnRoll || got.UPN != permanent {
		t.Fatalf("after re-admission: on roll %v, UPN %s", got.OnRoll, got.UPN)
	}
}
