package api_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sendcase/sendcase/internal/until"
)

// TestStaffDeliverWhatTheyAreAssigned: a teaching assistant sees the
// current plan of the pupils the SENCO assigns to them, logs the sessions
// they deliver, and nothing else.
func TestStaffDeliverWhatTheyAreAssigned(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	ta := e.must(t, 201, "POST", "/v1/users", w.lead, map[string]any{"name": "Tia Assistant", "email": "tia@oak.org.uk", "role": "staff", "school_ids": []string{w.schoolA}})
	otherTA := e.must(t, 201, "POST", "/v1/users", w.lead, map[string]any{"name": "Oli Other", "email": "oli@oak.org.uk", "role": "staff", "school_ids": []string{w.schoolB}})
	id := e.pupilBeingHelped(t, w)
	p := "/v1/pupils/" + id
	e.must(t, 404, "GET", p+"/delivery", ta.str("token"), nil)

	// The SENCO assigns her on the pupil's page; another school's staff cannot be.
	senco := e.signIn(t, w.sencoA)
	senco.get("/ui/pupils/" + id)
	if res := senco.post("/ui/pupils/"+id+"/staff", url.Values{"user_id": {otherTA.str("id")}}); res.StatusCode != 400 || !strings.Contains(bodyOf(res), "not a member of staff at the pupil") {
		t.Fatalf("other school's staff: %d", res.StatusCode)
	}
	if res := senco.post("/ui/pupils/"+id+"/staff", url.Values{"user_id": {ta.str("id")}}); res.StatusCode != 303 {
		t.Fatalf("assign: %d", res.StatusCode)
	}

	staff := e.signIn(t, ta.str("token"))
	until.True(t, 10*time.Second, "her list has the pupil (a view)", func() bool {
		code, page := staff.get("/ui/delivery")
		return code == 200 && strings.Contains(page, "Talk Boost")
	})
	code, page := staff.get("/ui/pupils/" + id + "/delivery")
	if code != 200 || !strings.Contains(page, "Uses 3-word sentences") {
		t.Fatalf("delivery page: %d", code)
	}
	for _, private := range []string{"Speech screening", "Mum is pleased", "I like the group"} {
		if strings.Contains(page, private) {
			t.Errorf("the delivery page shows %q", private)
		}
	}
	if res := staff.post("/ui/pupils/"+id+"/delivery", url.Values{"provision_id": {w.provision}, "delivered_on": {"2025-11-10"}, "minutes": {"0"}, "attended": {"true"}}); res.StatusCode != 400 || !strings.Contains(bodyOf(res), `value="10/11/2025"`) {
		t.Fatalf("bad minutes: %d", res.StatusCode)
	}
	if res := staff.post("/ui/pupils/"+id+"/delivery", url.Values{"provision_id": {w.provision}, "delivered_on": {"2025-11-10"}, "minutes": {"30"}, "attended": {"true"}}); res.StatusCode != 303 {
		t.Fatalf("log a session: %d %s", res.StatusCode, bodyOf(res))
	}
	d := e.must(t, 200, "GET", p+"/delivery", ta.str("token"), nil)
	if got := len(d.Body["sessions"].([]any)); got != 1 {
		t.Fatalf("sessions: %d", got)
	}
	for _, path := range []string{p, p + "/ehcp", p + "/audit"} {
		e.must(t, 403, "GET", path, ta.str("token"), nil)
	}
	if code, _ := staff.get("/ui/pupils/" + id); code != 303 {
		t.Fatalf("the record as staff: %d", code)
	}

	// Ended: the pupil is gone from her list and her reach.
	e.must(t, 200, "POST", p+"/staff/remove", w.sencoA, map[string]any{"user_id": ta.str("id")})
	e.must(t, 404, "GET", p+"/delivery", ta.str("token"), nil)
	// (The list is a view, applied a moment after the command.)
	until.True(t, 10*time.Second, "the pupil leaves her list", func() bool {
		return len(e.must(t, 200, "GET", "/v1/me/pupils", ta.str("token"), nil).Body["pupils"].([]any)) == 0
	})
}
