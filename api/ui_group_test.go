package api_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestGroupSessionInTheUI logs one session of a group provision for four
// pupils from the school's provision map: who attended and who did not,
// each on their own record; sent twice it logs nobody twice; a refused
// register comes back with what was ticked.
func TestGroupSessionInTheUI(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	var ids []string
	for range 4 {
		ids = append(ids, e.pupilBeingHelped(t, w))
	}
	b := e.signIn(t, w.sencoA)
	_, pm := b.get("/ui/schools/" + w.schoolA + "/provision-map")
	register := "/ui/schools/" + w.schoolA + "/provisions/" + w.provision + "/session"
	if !strings.Contains(pm, register) {
		t.Fatal("the school's provision map offers no group session")
	}
	status, page := b.get(register)
	if status != 200 || strings.Count(page, `value="yes" checked`) != 4 || !strings.Contains(page, `name="minutes" value="30"`) {
		t.Fatalf("the register (%d) does not list the four pupils, attending, for 30 minutes:\n%s", status, page)
	}
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(page)[1]
	form := func(day string, rows ...string) url.Values {
		v := url.Values{"key": {key}, "delivered_on": {day}, "minutes": {"30"}}
		for i, r := range rows {
			v.Set("present["+string(rune('0'+i))+"]", r)
		}
		return v
	}
	before := e.lastSeq(t)
	res := b.post(register, form("01/01/2099", "yes", "no", "skip", "yes"))
	if body := bodyOf(res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "must not be in the future") ||
		!strings.Contains(body, `value="skip" checked`) || !strings.Contains(body, `href="#group-delivered_on"`) {
		t.Fatalf("a session in the future: %d\n%s", res.StatusCode, body)
	}
	if res := b.post(register, form("03/11/2025", "skip", "skip", "skip", "skip")); res.StatusCode != http.StatusBadRequest ||
		!strings.Contains(bodyOf(res), "at least one pupil") {
		t.Fatalf("nobody in the session: %d", res.StatusCode)
	}
	if e.lastSeq(t) != before {
		t.Fatal("a refused register appended")
	}
	for range 2 { // the second is the same form sent again
		if res := b.post(register, form("03/11/2025", "yes", "no", "yes", "yes")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("logging the group session: %d\n%s", res.StatusCode, bodyOf(res))
		}
	}
	// The register lists by surname; every pupil here is Ada Lovelace, so
	// which row is whose is read back from the records.
	attended := 0
	for _, id := range ids {
		got := as[pupilAnswer](t, e.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil))
		s := got.Cycles[0].Sessions
		if len(s) != 1 || s[0].Minutes != 30 || s[0].DeliveredOn.String() != "2025-11-03" {
			t.Fatalf("pupil %s's sessions: %+v", id, s)
		}
		if s[0].Attended {
			attended++
		}
	}
	if attended != 3 {
		t.Fatalf("%d attended, want 3", attended)
	}
	// Another school's SENCO has no register here.
	if status, _ := e.signIn(t, w.sencoB).get(register); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Fatalf("another school's SENCO: %d", status)
	}
}

// TestGroupSessionOverHTTP: the API's group and group session, for an
// integration (a register app): refused whole when one pupil is not in
// the group, and with an If-Match.
func TestGroupSessionOverHTTP(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	a, b := e.pupilBeingHelped(t, w), e.pupilBeingHelped(t, w)
	outsider := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	base := "/v1/schools/" + w.schoolA + "/provisions/" + w.provision
	g := e.must(t, 200, "GET", base+"/group", w.sencoA, nil)
	if pupils, _ := g.Body["pupils"].([]any); len(pupils) != 2 {
		t.Fatalf("group: %s", g.Raw)
	}
	session := func(ids ...string) map[string]any {
		var att []any
		for i, id := range ids {
			att = append(att, map[string]any{"pupil_id": id, "attended": i == 0})
		}
		return map[string]any{"delivered_on": "2025-11-03", "minutes": 30, "attendance": att}
	}
	seq := e.lastSeq(t)
	if r := e.must(t, 400, "POST", base+"/sessions", w.sencoA, session(a, outsider)); strings.Join(r.fields(), ",") != "attendance[1].pupil_id" {
		t.Fatalf("a pupil not in the group: %s", r.Raw)
	}
	if r := e.must(t, 400, "POST", base+"/sessions", w.sencoA, session(a, b), "If-Match", `"3"`); strings.Join(r.fields(), ",") != "If-Match" {
		t.Fatalf("an If-Match: %s", r.Raw)
	}
	if e.lastSeq(t) != seq {
		t.Fatal("a refused group session appended")
	}
	res := e.must(t, 201, "POST", base+"/sessions", w.sencoA, session(a, b), "Idempotency-Key", "monday-talk-boost")
	again := e.must(t, 201, "POST", base+"/sessions", w.sencoA, session(a, b), "Idempotency-Key", "monday-talk-boost")
	if logged, _ := res.Body["logged"].([]any); len(logged) != 2 || string(res.Raw) != string(again.Raw) {
		t.Fatalf("group session: %s, again %s", res.Raw, again.Raw)
	}
	for i, id := range []string{a, b} {
		s := as[pupilAnswer](t, e.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil)).Cycles[0].Sessions
		if len(s) != 1 || s[0].Attended != (i == 0) {
			t.Errorf("pupil %d's sessions: %+v", i, s)
		}
	}
}
