package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sendcase/sendcase/app"
)

// TestBrowserSENCODay is a SENCO's school day on a 300-pupil caseload,
// through real clicks: search and paging; a refused form on each form,
// its values kept and its error summary linked to the field; a
// correction and a void, shown in the audit trail with the chain
// verified; a group session for four pupils; every page at 390 px wide
// without sideways scrolling; axe-core on each.
func TestBrowserSENCODay(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := start(t, "")
	w := e.world(t)
	b := &tab{t: t, ctx: ctx, base: e.srv.URL, shots: screenshotDir(t)}

	// 300 pupils from the MIS, and four of them helped by Talk Boost.
	first := []string{"Amelia", "Oliver", "Isla", "Noah", "Ava", "Leo", "Mia", "Arthur", "Ivy", "Oscar", "Freya", "George", "Lily", "Harry", "Grace"}
	last := []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright", "Khan", "Evans", "Thomas", "Roberts", "Walker", "Hughes", "Green", "Hall", "Wood", "Clarke"}
	var csv strings.Builder
	csv.WriteString("UPN,Surname,Forename,DOB,Year,SEN status,Primary need\n")
	for i := range 299 {
		fmt.Fprintf(&csv, "%s,%s,%s,04/03/2015,5,K,SLCN\n", newUPN(), last[i%len(last)], first[i%len(first)])
	}
	fmt.Fprintf(&csv, "%s,Quinn,Zainab,04/03/2015,5,K,SEMH\n", newUPN())
	if r := as[importReport](t, e.importCSV(t, 200, w.schoolA, w.sencoA, "", csv.String())); r.Summary.Created != 300 {
		t.Fatalf("import: %+v", r.Summary)
	}
	var helped []string
	for range 4 {
		helped = append(helped, e.pupilBeingHelped(t, w))
	}
	fresh := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	e.must(t, 201, "POST", "/v1/pupils/"+fresh+"/referrals", w.sencoA, map[string]any{"service": "camhs", "provider": "nhs", "reason": "Low mood", "referred_on": "2025-09-10"})
	atAssess := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	e.must(t, 201, "POST", "/v1/pupils/"+atAssess+"/cycles", w.sencoA, map[string]any{"opened_on": "2025-09-08"})

	b.signIn(w.sencoA)
	caseload := "/ui/schools/" + w.schoolA + "/caseload"
	b.open(caseload)
	if s := b.text("#caseload-count"); !strings.Contains(s, "306 pupils") || !strings.Contains(s, "page 1 of 7") {
		t.Fatalf("caseload summary: %q", s)
	}
	b.axe("caseload of 306")
	b.do(chromedp.Click(chromedp.CSS(`a[rel="next"]`)), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if s := b.text("#caseload-count"); !strings.Contains(s, "page 2 of 7") {
		t.Fatalf("after Next page: %q", s)
	}
	b.fill("q", "zainab")
	if row := b.text("tbody tr"); !strings.Contains(row, "Zainab Quinn") || strings.Contains(b.text("#caseload-count"), "page") {
		t.Fatalf("search: %q", row)
	}
	b.open(caseload)
	b.narrow("caseload")

	// A refused form on each form: the error summary links to the field,
	// and what was typed stays.
	refused := func(field, value string, fields ...string) {
		t.Helper()
		b.fill(fields...)
		if n := get(b, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll('.error-summary a[href="#%s"]').length`, field))); n != 1 {
			t.Fatalf("no error summary linking to #%s: %s", field, b.text("main"))
		}
		if got := get(b, chromedp.Value(chromedp.ID(field))); got != value {
			t.Fatalf("%s kept %q, want %q", field, got, value)
		}
	}
	future := "01/01/2099"
	b.open("/ui/pupils/" + fresh)
	refused("cycle-opened_on", future, "cycle-opened_on", future)
	refused("referral-referred_on", future, "referral-referred_on", future, "referral-reason", "Low mood")
	refused("ehcp-on", future, "ehcp-on", future, "ehcp-requested_by", "parent")
	refused("grant-until", "01/01/2020", "grant-until", "01/01/2020", "grant-user_id", w.reviewerID)
	refused("referral-status-on", future, "ref-0-on", future)
	b.do(chromedp.Click(chromedp.CSS("details:has(#transfer-on) > summary")))
	refused("transfer-on", future, "transfer-on", future)
	b.do(chromedp.Click(chromedp.CSS("details#details > summary")))
	refused("status-on", future, "status-on", future)
	b.do(chromedp.Click(chromedp.CSS("details:has(#leave-on) > summary")))
	refused("leave-on", future, "leave-on", future, "leave-destination", "Hill Top")
	b.do(chromedp.Click(chromedp.CSS("details:has(#details-reason) > summary")))
	refused("details-reason", "", "details-first_name", "Adah")
	if got := get(b, chromedp.Value(chromedp.ID("details-first_name"))); got != "Adah" {
		t.Fatalf("details kept %q", got)
	}
	b.open("/ui/pupils/" + atAssess)
	b.click("assessment-area-4")
	refused("assessment-assessed_on", future, "assessment-assessed_on", future, "assessment-summary", "Screening")
	if !get(b, chromedp.Evaluate[bool](`document.getElementById("assessment-area-4").checked`)) {
		t.Fatal("the ticked area of need came back unticked")
	}
	b.fill("assessment-assessed_on", "10/09/2025", "assessment-summary", "Screening")
	refused("plan-agreed_on", future, "plan-agreed_on", future, "plan-review_due_on", "12/12/2025", "plan-outcomes-0-description", "Talks in class")
	pupil := "/ui/pupils/" + helped[0]
	b.open(pupil)
	refused("session-delivered_on", future, "session-delivered_on", future, "session-minutes", "25")
	refused("review-held_on", future, "review-held_on", future, "review-parent_views", "Pleased")
	b.fill("session-delivered_on", "16/09/2025", "session-minutes", "30")
	b.fill("session-delivered_on", "17/09/2025", "session-minutes", "30")
	b.narrow("pupil")
	b.axe("pupil being helped")

	// Correct the first session (25 minutes, not 30), void the second.
	b.do(chromedp.Click(chromedp.CSS(`a[href$="/entries/5"]`)), chromedp.WaitVisible(chromedp.ID("correct-minutes")))
	b.axe("correct an entry")
	refused("correct-correction_reason", "", "correct-minutes", "25")
	b.fill("correct-minutes", "25", "correct-correction_reason", "The session ended early")
	b.do(chromedp.Click(chromedp.CSS(`a[href$="/entries/6"]`)), chromedp.WaitVisible(chromedp.ID("void-reason")))
	refused("void-reason", "", "void-reason", "")
	b.fill("void-reason", "Logged twice")
	if s := b.text("#sessions tbody"); !strings.Contains(s, "25") || strings.Count(s, "\n") > 0 {
		t.Fatalf("sessions after the correction and the void: %q", s)
	}
	b.open(pupil + "/audit")
	trail := b.text("main")
	for _, want := range []string{"✓ Verified", "Correction of entry 5 (a session): The session ended early", "Void of entry 6 (a session): Logged twice", "Corrected by entry 7", "Voided by entry 8"} {
		if !strings.Contains(trail, want) {
			t.Errorf("the audit trail lacks %q", want)
		}
	}
	b.shot("audit-corrections")
	b.axe("audit with corrections")

	// One Talk Boost session for the group of four.
	b.open("/ui/schools/" + w.schoolA + "/provision-map")
	b.do(chromedp.Click(chromedp.CSS(`a[href$="/session"]`)), chromedp.WaitVisible(chromedp.ID("group-delivered_on")))
	if n := get(b, chromedp.Evaluate[int](`document.querySelectorAll('input[value="yes"]:checked').length`)); n != 4 {
		t.Fatalf("the register lists %d pupils attending, want 4", n)
	}
	b.axe("group register")
	b.click("group-present-1-no")
	refused("group-delivered_on", future, "group-delivered_on", future)
	if !get(b, chromedp.Evaluate[bool](`document.getElementById("group-present-1-no").checked`)) {
		t.Fatal("the register lost who was absent")
	}
	b.fill("group-delivered_on", "18/09/2025")
	if f := b.text(".flash"); !strings.Contains(f, "Talk Boost session logged for 4 pupils") {
		t.Fatalf("after the group session: %q", f)
	}
	b.shot("provision-map-after-group")
	attended := 0
	for _, id := range helped {
		for _, s := range as[pupilAnswer](t, e.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil)).Cycles[0].Sessions {
			if s.DeliveredOn.String() == "2025-09-18" && s.Attended {
				attended++
			}
		}
	}
	if attended != 3 {
		t.Fatalf("%d attended the group session, want 3", attended)
	}

	// Following through: a review deciding to request an EHC needs
	// assessment offers the request, filled in.
	b.open("/ui/pupils/" + helped[1])
	b.fill("review-held_on", "03/11/2025", "review-outcomes-0-rating", "not_met", "review-decision", "escalate_ehc_request",
		"review-parent_views", "Worried", "review-pupil_views", "It is hard")
	if typ := get(b, chromedp.Value(chromedp.ID("ehcp-type"))); typ != "request" || !strings.Contains(get(b, chromedp.Location()), "next=ehc_request") {
		t.Fatalf("the request is not offered: %q", typ)
	}
	b.do(chromedp.Submit(chromedp.ID("ehcp-on")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if tl := b.text("#ehcp ~ h3"); tl != "EHC needs assessment" {
		t.Fatalf("after recording the request: %q", tl)
	}
	if s := b.text("#past-cycles + details summary"); !strings.Contains(s, "reviewed 3 November 2025") {
		t.Fatalf("the reviewed cycle is not in the history: %q", s)
	}
	// What falls due lists the decision to assess (6 weeks from the
	// request); its line leads to the form that closes it.
	b.open("/ui/due?within=90")
	b.axe("due soon")
	if s := b.text("main table"); !strings.Contains(s, "Decision to assess") || !strings.Contains(s, "reg 5(1)") {
		t.Fatalf("due soon: %q", s)
	}
	b.do(chromedp.Click(chromedp.CSS(`a[href="/ui/pupils/`+helped[1]+`#ehcp"]`)), chromedp.WaitVisible(chromedp.ID("ehcp-type")))
	b.fill("ehcp-type", "decision_to_assess", "ehcp-on", "10/11/2025", "ehcp-assess", "true")
	b.open("/ui/due?within=90")
	if s := b.text("main table"); strings.Contains(s, "Decision to assess") {
		t.Fatalf("a done milestone is still due: %q", s)
	}
	// Advice is asked of the educational psychologist: the letter asking
	// for it is filled from the record, to print.
	e.must(t, 201, "POST", "/v1/pupils/"+helped[1]+"/ehcp/milestones", w.sencoA, map[string]any{"type": "advice_requested", "on": "2025-11-10", "from": "educational psychologist"})
	b.open("/ui/pupils/" + helped[1])
	b.do(chromedp.Click(chromedp.CSS(`#letters a[href$="/letters/advice-request"]`)), chromedp.WaitVisible(chromedp.CSS("article.letter")))
	b.axe("request for advice")
	if s := b.text("article.letter"); !strings.Contains(s, "Dear educational psychologist") || !strings.Contains(s, "Monday 22 December 2025") {
		t.Fatalf("the request for advice: %q", s)
	}
	b.shot("letter-advice-request")
	// The SENCO's email choices, from the due page.
	b.open("/ui/due")
	b.do(chromedp.Click(chromedp.ID("reminders-link")), chromedp.WaitVisible(chromedp.ID("reminders-save")))
	b.axe("email reminders")
	// (The page already has a flash: no mail server is set up here.)
	b.do(chromedp.Click(chromedp.ID("rem-digest")), chromedp.Click(chromedp.ID("reminders-save")),
		chromedp.WaitVisible(chromedp.Search(`//div[contains(@class, "flash")][contains(., "choices are saved")]`)))
	if got := as[app.ReminderChoice](t, e.must(t, 200, "GET", "/v1/me/reminders", w.sencoA, nil)).Chosen; got.Digest || !got.Alerts {
		t.Fatalf("after unticking the weekly list: %+v", got)
	}
	// No SEN after all: the open cycle closes with the status.
	b.open("/ui/pupils/" + helped[2])
	b.do(chromedp.Click(chromedp.CSS("details#details > summary")))
	b.fill("status-sen_status", "N", "status-on", "07/11/2025")
	if h := b.text("main h1"); h != "Are you sure?" {
		t.Fatalf("SEN status N with a cycle open is not asked about: %q", h)
	}
	b.axe("close the cycle too?")
	b.do(chromedp.Click(chromedp.ID("confirm-yes")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if s := b.text("#cycle + p"); !strings.Contains(s, "closed on 7 November 2025, without a review") {
		t.Fatalf("after status N: %q", s)
	}
	// A leaver, in the leavers view, comes back.
	b.open("/ui/pupils/" + helped[3])
	b.do(chromedp.Click(chromedp.CSS("details:has(#leave-on) > summary")))
	b.fill("leave-on", "07/11/2025", "leave-destination", "Hill Top Academy")
	b.do(chromedp.Click(chromedp.ID("confirm-yes")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.open(caseload)
	b.do(chromedp.Click(chromedp.CSS(`a[href$="view=leavers"]`)), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if row := b.text("tbody tr"); !strings.Contains(row, "Hill Top Academy") || !strings.Contains(row, "7 November 2025") {
		t.Fatalf("leavers: %q", row)
	}
	b.axe("leavers")
	b.do(chromedp.Click(chromedp.CSS("tbody tr a")), chromedp.WaitVisible(chromedp.CSS("main h1")))
	b.do(chromedp.Click(chromedp.CSS("details:has(#readmit-on) > summary")))
	b.fill("readmit-on", "10/11/2025")
	if f := b.text(".flash"); !strings.Contains(f, "re-admitted") {
		t.Fatalf("after re-admission: %q", f)
	}
}
