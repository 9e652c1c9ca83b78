package api_test

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sendcase/sendcase/internal/mailtest"
	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/mailer"
)

// TestReminders: the weekly digest, the trust summary and the deadline
// alerts, with two servers on one stream and a real SMTP server, the
// clock passed in. Each email goes once: with both servers working through
// the schedule at once, after a server stops mid-send, and after the SMTP
// server refuses and is tried again. Unsubscribing stops them.
func TestReminders(t *testing.T) {
	smtp := mailtest.Start(t)
	good, err := mailer.New(smtp.SMTPURL, "sendcase@oak.org.uk")
	if err != nil {
		t.Fatal(err)
	}
	nats := natstest.StartProcess(t, t.TempDir())
	clock := newTestClock() // Monday 10 November 2025, 09:00 (the digest went out at 07:00)
	server := func(m node.Config) *env {
		m.NATSURL, m.Now, m.RemindEvery, m.PublicURL = nats.URL, clock.Now, -1, "https://sendcase.example"
		if m.Mailer == nil {
			m.Mailer = good
		}
		return startConfig(t, "", m)
	}
	a, b := server(node.Config{}), server(node.Config{})
	w := a.world(t)
	// Requests for an EHC needs assessment: the LA decides whether to
	// assess within 6 weeks (reg 5(1)).
	request := func(first, last, on string) string {
		body := pupilBody(newUPN())
		body["first_name"], body["last_name"] = first, last
		id := a.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, body).str("id")
		a.must(t, 201, "POST", "/v1/pupils/"+id+"/ehcp/milestones", w.sencoA, map[string]any{"type": "request", "on": on, "requested_by": "school"})
		return id
	}
	request("Ben", "Brown", "2025-09-01") // due Monday 13 October: long overdue, no alert now
	request("Cat", "Cole", "2025-09-28")  // due Sunday 9 November: missed yesterday
	request("Dan", "Dee", "2025-10-06")   // due Monday 17 November: 5 school days away
	a.pupilBeingHelped(t, w)              // an APDR review on 12 December: not this week; no session in 4 weeks
	run := func(envs ...*env) {
		t.Helper()
		seq := a.lastSeq(t)
		var wg sync.WaitGroup
		for _, e := range envs {
			if err := e.node.Projector.WaitFor(context.Background(), seq); err != nil {
				t.Fatal(err)
			}
			wg.Go(func() {
				for range 3 {
					if err := e.node.Service.RunReminders(context.Background()); err != nil && !strings.Contains(err.Error(), "tried again") {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
	}
	// Both servers work through the schedule at once, three times each.
	run(a, b)
	got := smtp.Messages(t)
	subjects := func(got []mailtest.Message) []string {
		var out []string
		for _, m := range got {
			out = append(out, m.To+" "+m.Subject)
		}
		slices.Sort(out)
		return out
	}
	want := []string{
		"lee@oak.org.uk sendcase: the trust's week, 3 overdue",
		"sam@oak.org.uk sendcase: 3 overdue, 1 due this week",
		"sam@oak.org.uk sendcase: a statutory deadline in 5 school days",
		"sam@oak.org.uk sendcase: a statutory deadline was missed",
	}
	if s := subjects(got); !slices.Equal(s, want) {
		t.Fatalf("emails:\n%s\nwant:\n%s", strings.Join(s, "\n"), strings.Join(want, "\n"))
	}
	for _, m := range got {
		for _, personal := range []string{"Ben", "Brown", "Cat", "Cole", "Dan", "Dee", "Ada", "Lovelace", "Sam", "Lee Lead"} {
			if strings.Contains(m.Text, personal) || strings.Contains(m.Subject, personal) {
				t.Fatalf("the email %q holds %q:\n%s", m.Subject, personal, m.Text)
			}
		}
	}
	digest := find(t, got, "3 overdue, 1 due this week")
	// The digest lists exactly what is overdue and due this week, worked
	// out by hand: each decision to assess, 6 weeks after its request,
	// and the helped pupil's provision, none of it delivered.
	var lines []string
	for _, l := range strings.Split(digest.Text, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "- ") {
			lines = append(lines, l)
		}
	}
	wantLines := []string{
		"- B.B.: decision to assess, was due Monday 13 October 2025 (28 days ago)",
		"- C.C.: decision to assess, was due Sunday 9 November 2025 (1 day ago)",
		"- A.L.: provision behind: 0% of the planned minutes delivered in the last 4 weeks",
		"- D.D.: decision to assess, due Monday 17 November 2025",
	}
	if !slices.Equal(lines, wantLines) || !strings.Contains(digest.Text, "reg 5(1)") || !strings.Contains(digest.Text, "https://sendcase.example/ui/pupils/") {
		t.Fatalf("digest:\n%s", digest.Text)
	}
	if s := find(t, got, "trust's week").Text; !strings.Contains(s, "- Oak Primary: 3 overdue (2 statutory), 1 due this week") ||
		!strings.Contains(s, "- Oak Secondary: 0 overdue (0 statutory), 0 due this week") {
		t.Fatalf("trust summary:\n%s", s)
	}
	if s := find(t, got, "was missed").Text; !strings.Contains(s, "C.C.") || !strings.Contains(s, "Sunday 9 November 2025") {
		t.Fatalf("missed alert:\n%s", s)
	}

	// Tuesday: a server takes the missed-deadline alert of a decision due
	// Monday 10 November and stops mid-send (its SMTP call never
	// returns). Restarted, once the lease has lapsed, a server takes the
	// job over, and the alert goes once.
	clock.setDate(t, "2025-11-11")
	request("Eve", "Ely", "2025-09-29")
	hung := &hungMailer{taken: make(chan struct{}), release: make(chan struct{})}
	c := server(node.Config{Mailer: hung})
	if err := c.node.Projector.WaitFor(context.Background(), a.lastSeq(t)); err != nil {
		t.Fatal(err)
	}
	go func() { _ = c.node.Service.RunReminders(context.Background()) }()
	<-hung.taken
	run(a, b) // within the lease: the job is c's
	if n := len(smtp.Messages(t)); n != 4 {
		t.Fatalf("a job held by a server mid-send was sent by another: %d emails", n)
	}
	c.stop()
	t.Cleanup(func() { close(hung.release) })
	clock.ns.Add(int64(3 * time.Minute))
	run(server(node.Config{})) // c, restarted
	run(a, b)
	if got := alertsFor(smtp.Messages(t), "E.E."); got != 1 {
		t.Fatalf("the missed-deadline alert taken over after a stop mid-send was sent %d times", got)
	}
	if m := find(t, smtp.Messages(t), "was missed"); !strings.Contains(m.Text, "E.E.") || !strings.Contains(m.Text, "Monday 10 November 2025") {
		t.Fatalf("the alert after the restart:\n%s", m.Text)
	}

	// Wednesday: the SMTP server cannot be reached. The alert stays
	// pending, is tried again a minute later, and goes once.
	clock.setDate(t, "2025-11-12")
	request("Fay", "Fox", "2025-10-08") // due Wednesday 19 November
	down, err := mailer.New("smtp://127.0.0.1:1?tls=none", "sendcase@oak.org.uk")
	if err != nil {
		t.Fatal(err)
	}
	d := server(node.Config{Mailer: down})
	if err := d.node.Projector.WaitFor(context.Background(), a.lastSeq(t)); err != nil {
		t.Fatal(err)
	}
	if err := d.node.Service.RunReminders(context.Background()); err == nil || !strings.Contains(err.Error(), "tried again") {
		t.Fatalf("a failed send: %v", err)
	}
	if c := d.node.Service.ReminderCounts(); c.Retried != 1 || c.Pending != 1 {
		t.Fatalf("counts after a failed send: %+v", c)
	}
	if m := d.do(t, "GET", "/metrics", "", nil); !strings.Contains(string(m.Raw), "sendcase_reminders_retried_total 1") || !strings.Contains(string(m.Raw), "sendcase_reminders_pending 1") {
		t.Fatalf("metrics:\n%s", m.Raw)
	}
	run(a, b) // not yet: the next try is a minute away
	if got := alertsFor(smtp.Messages(t), "F.F."); got != 0 {
		t.Fatalf("retried before its time: %d", got)
	}
	clock.ns.Add(int64(2 * time.Minute))
	run(a, b)
	run(a, b)
	if got := alertsFor(smtp.Messages(t), "F.F."); got != 1 {
		t.Fatalf("the alert after an SMTP failure was sent %d times", got)
	}
	if c := a.node.Service.ReminderCounts(); c.Pending != 0 {
		t.Fatalf("pending after every email went: %+v", c)
	}

	// The digest's unsubscribe link asks, then stops every email to Sam;
	// the next Monday, only the trust lead hears.
	link := regexp.MustCompile(`https://sendcase\.example(/ui/unsubscribe/\S+)`).FindStringSubmatch(digest.Text)
	if link == nil {
		t.Fatalf("no unsubscribe link in:\n%s", digest.Text)
	}
	anon := a.anonymous(t)
	if code, page := anon.get(link[1]); code != 200 || !strings.Contains(page, "Stop reminder emails?") || !strings.Contains(page, "sam@oak.org.uk") {
		t.Fatalf("unsubscribe page: %d\n%s", code, page)
	}
	if code, _ := anon.get(link[1] + "x"); code != 404 {
		t.Fatalf("a forged unsubscribe link: %d", code)
	}
	// What a mail program sends for one-click unsubscribe (RFC 8058).
	if res := anon.post(link[1], url.Values{"List-Unsubscribe": {"One-Click"}}); res.StatusCode != 200 || !strings.Contains(bodyOf(res), "Reminder emails stopped") {
		t.Fatalf("unsubscribe: %d", res.StatusCode)
	}
	before := len(smtp.Messages(t))
	clock.setDate(t, "2025-11-17")
	request("Gus", "Gray", "2025-10-13") // due Monday 24 November: an alert today, were Sam subscribed
	run(a, b)
	after := smtp.Messages(t)
	if len(after) != before+1 || !strings.HasPrefix(after[0].Subject, "sendcase: the trust's week") {
		t.Fatalf("after unsubscribing, the next Monday sent %d emails: %v", len(after)-before, subjects(after[:len(after)-before]))
	}
}

// TestReminderChoices: each person chooses their emails on a page of
// their own; a role without reminders is told so.
func TestReminderChoices(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	sam := e.signIn(t, w.sencoA)
	code, page := sam.get("/ui/reminders")
	if code != 200 || !strings.Contains(page, `name="digest" checked`) || !strings.Contains(page, `name="alerts" checked`) ||
		strings.Contains(page, `name="trust_summary"`) || !strings.Contains(page, "no mail server set up") {
		t.Fatalf("a SENCO's choices (%d):\n%s", code, page)
	}
	if res := sam.post("/ui/reminders", url.Values{"alerts": {"on"}}); res.StatusCode != 303 {
		t.Fatalf("save: %d", res.StatusCode)
	}
	if _, page = sam.get("/ui/reminders"); strings.Contains(page, `name="digest" checked`) || !strings.Contains(page, `name="alerts" checked`) {
		t.Fatalf("after choosing alerts only:\n%s", page)
	}
	if _, page = e.signIn(t, w.lead).get("/ui/reminders"); !strings.Contains(page, `name="trust_summary" checked`) || strings.Contains(page, `name="digest"`) {
		t.Fatalf("a trust lead's choices:\n%s", page)
	}
	if _, page = e.signIn(t, w.reviewer).get("/ui/reminders"); !strings.Contains(page, "no reminder emails for your role") {
		t.Fatalf("an LA reviewer's choices:\n%s", page)
	}
	if _, page = sam.get("/ui/due"); !strings.Contains(page, `href="/ui/reminders"`) {
		t.Fatal("the due page does not lead to the email choices")
	}
	// The same through the API.
	e.must(t, 200, "PUT", "/v1/me/reminders", w.sencoA, map[string]any{"digest": true, "alerts": false})
	if got := e.must(t, 200, "GET", "/v1/me/reminders", w.sencoA, nil); jsonOf(t, got.Body["chosen"]) != `{"alerts":false,"digest":true,"trust_summary":false}` || got.Body["email"] != false {
		t.Fatalf("a SENCO's choice through the API: %s", got.Raw)
	}
	e.must(t, 200, "PUT", "/v1/me/reminders", w.lead, map[string]any{"digest": true, "trust_summary": false})
	if got := e.must(t, 200, "GET", "/v1/me/reminders", w.lead, nil); jsonOf(t, got.Body["chosen"]) != `{"alerts":false,"digest":false,"trust_summary":false}` {
		t.Fatalf("a lead cannot choose a SENCO's digest: %s", got.Raw)
	}
	if r := e.must(t, 400, "PUT", "/v1/me/reminders", w.sencoA, map[string]any{"digest": "yes"}); strings.Join(r.fields(), ",") != "digest" {
		t.Fatalf("digest \"yes\": %s", r.Raw)
	}
}

func find(t *testing.T, msgs []mailtest.Message, subject string) mailtest.Message {
	t.Helper()
	for _, m := range msgs {
		if strings.Contains(m.Subject, subject) {
			return m
		}
	}
	t.Fatalf("no email %q", subject)
	return mailtest.Message{}
}

// alertsFor counts the alerts about the pupil with these initials.
func alertsFor(msgs []mailtest.Message, initials string) int {
	n := 0
	for _, m := range msgs {
		if strings.Contains(m.Subject, "statutory deadline") && strings.Contains(m.Text, initials) {
			n++
		}
	}
	return n
}

// hungMailer takes an email and never finishes sending it, as a server
// that stops mid-send: taken is closed when it has one.
type hungMailer struct {
	once           sync.Once
	taken, release chan struct{}
}

func (h *hungMailer) Send(context.Context, mailer.Message) error {
	h.once.Do(func() { close(h.taken) })
	<-h.release
	return errors.New("stopped")
}
