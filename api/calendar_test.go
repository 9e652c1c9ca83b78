package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/emersion/go-ical"
)

// TestCalendarFeed: a SENCO's deadlines as an iCalendar feed that parses
// back, by initials and never by name; a milestone done is the same event,
// marked done; a new address ends the old one, and stopping the feed ends
// it too.
func TestCalendarFeed(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	e.must(t, 201, "POST", "/v1/pupils/"+id+"/ehcp/milestones", w.sencoA, map[string]any{"type": "request", "on": "2025-10-01", "requested_by": "school"})
	b := e.signIn(t, w.sencoA)
	b.get("/ui/due")
	address := func() string {
		t.Helper()
		res := b.post("/ui/calendar", url.Values{"action": {"new"}})
		m := regexp.MustCompile(`id="calendar-url">([^<]+)<`).FindStringSubmatch(bodyOf(res))
		if res.StatusCode != http.StatusCreated || m == nil {
			t.Fatalf("making a calendar address: %d", res.StatusCode)
		}
		return strings.TrimPrefix(m[1], e.srv.URL)
	}
	feed := func(path string, status int) map[string]string {
		t.Helper()
		res, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != status {
			t.Fatalf("feed %s: %d, want %d", path, res.StatusCode, status)
		}
		if status != http.StatusOK {
			return nil
		}
		cal, err := ical.NewDecoder(res.Body).Decode()
		if err != nil {
			t.Fatalf("the feed does not parse back: %v", err)
		}
		events := map[string]string{}
		for _, ev := range cal.Events() {
			uid, _ := ev.Props.Text(ical.PropUID)
			summary, _ := ev.Props.Text(ical.PropSummary)
			start, err := ev.DateTimeStart(nil)
			if err != nil {
				t.Fatal(err)
			}
			events[uid] = start.Format("2006-01-02") + " " + summary
		}
		return events
	}
	e.must(t, 200, "GET", fmt.Sprintf("/v1/me/due?min_seq=%d", e.lastSeq(t)), w.sencoA, nil)
	first := address()
	events := feed(first, http.StatusOK)
	var uid string
	for u, ev := range events {
		if strings.Contains(ev, "decision to assess") {
			uid = u
		}
		if strings.Contains(ev, "Lovelace") || strings.Contains(ev, "Ada") {
			t.Fatalf("a name in the calendar: %q", ev)
		}
	}
	// The decision to assess, the final plan, and the first meeting with
	// the parents this school year.
	if events[uid] != "2025-11-12 A.L.: decision to assess" || len(events) != 3 {
		t.Fatalf("events: %v", events)
	}
	e.must(t, 201, "POST", "/v1/pupils/"+id+"/ehcp/milestones", w.sencoA, map[string]any{"type": "decision_to_assess", "on": "2025-11-05", "assess": true})
	// A calendar client sends no min_seq: the test waits for the views
	// itself before each read of the feed.
	e.must(t, 200, "GET", fmt.Sprintf("/v1/me/due?min_seq=%d", e.lastSeq(t)), w.sencoA, nil)
	if got := feed(first, http.StatusOK)[uid]; got != "2025-11-12 Done: A.L.: decision to assess" {
		t.Fatalf("after the decision, the same event reads %q", got)
	}
	second := address()
	feed(first, http.StatusNotFound)
	feed(second, http.StatusOK)
	if res := b.post("/ui/calendar", url.Values{"action": {"stop"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("stopping the feed: %d", res.StatusCode)
	}
	feed(second, http.StatusNotFound)
}
