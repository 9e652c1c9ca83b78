package api_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sendcase/sendcase/internal/mailtest"
	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/mailer"
)

// TestBrowserProfessional: advice is asked of an educational psychologist;
// the SENCO asks her in from the pupil's record, sharing the plan and a
// report; she opens the invitation emailed to her (read back from the test
// SMTP server), sets up a passkey, reads the request and sends her advice
// through the browser's file input, which closes the milestone on the
// SENCO's page. Then the LA reviewer downloads the report shared with the
// LA, and after the pupil's erasure nobody can. axe-core on every new page.
func TestBrowserProfessional(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	smtp := mailtest.Start(t)
	mail, err := mailer.New(smtp.SMTPURL, "sendcase@oak.org.uk")
	if err != nil {
		t.Fatal(err)
	}
	e := startPublic(t, func(string) node.Config { return node.Config{Mailer: mail} })
	w := e.world(t)
	id := e.pupilBeingHelped(t, w)
	e.adviceAsked(t, w, id)
	e.upload(t, id, w.sencoA, "screening.pdf", pdfBytes, map[string]string{"kind": "report", "name": "Speech screening", "shared_with_la": "true"})
	e.must(t, 201, "POST", "/v1/pupils/"+id+"/grants", w.sencoA, map[string]any{"user_id": w.reviewerID, "until": "2026-06-30"})
	b := &tab{t: t, ctx: ctx, base: e.srv.URL, shots: screenshotDir(t)}

	b.signIn(w.sencoA)
	b.open("/ui/pupils/" + id)
	b.do(chromedp.Click(chromedp.CSS(`#invite-professional > summary`)))
	b.axe("asking a professional in")
	// Refused: no email. The values typed stay, the summary links the field.
	b.do(chromedp.Click(chromedp.ID("professionals-plan")), chromedp.Click(chromedp.ID("professionals-doc-0")))
	b.fill("professionals-name", "Dr Eve Psych", "professionals-message", "Advice on communication, please")
	if n := get(b, chromedp.Evaluate[int](`document.querySelectorAll('.error-summary a[href="#professionals-email"]').length`)); n != 1 {
		t.Fatalf("the refused form's summary does not link the email field")
	}
	if v := get(b, chromedp.Evaluate[string](`document.getElementById("professionals-name").value + "|" + document.getElementById("professionals-doc-0").checked`)); v != "Dr Eve Psych|true" {
		t.Fatalf("the values kept: %q", v)
	}
	b.fill("professionals-email", "eve@ep.example.org")
	if f := b.text(".flash"); !strings.Contains(f, "emailed an invitation") {
		t.Fatalf("after asking her in: %q", f)
	}
	if s := b.text("#professionals + p + table"); !strings.Contains(s, "Dr Eve Psych") || !strings.Contains(s, "Waiting") {
		t.Fatalf("the professionals on the record: %q", s)
	}
	b.signOut()

	msgs := smtp.Messages(t)
	if len(msgs) != 1 || msgs[0].To != "eve@ep.example.org" || strings.Contains(msgs[0].Text, "Ada") {
		t.Fatalf("the invitation email: %+v", msgs)
	}
	link := regexp.MustCompile(`https?://\S+/ui/invitations/\S+`).FindString(msgs[0].Text)
	virtualAuthenticator(b)
	b.open(strings.TrimPrefix(link, e.srv.URL))
	b.do(chromedp.SetValue(chromedp.ID("passkey-name"), "Work laptop"), chromedp.Click(chromedp.ID("passkey-create")),
		chromedp.WaitVisible(chromedp.CSS("main table")))
	if h := b.text("main h1"); h != "Requests for advice" {
		t.Fatalf("her first page: %q", h)
	}
	b.axe("a professional's requests")
	b.do(chromedp.Click(chromedp.CSS(`main table a`)), chromedp.WaitVisible(chromedp.ID("answer")))
	if s := b.text("main"); !strings.Contains(s, "Ada Lovelace") || !strings.Contains(s, "Talk Boost") || !strings.Contains(s, "Speech screening") ||
		!strings.Contains(s, "Advice on communication, please") || !strings.Contains(s, "18 December 2025") {
		t.Fatalf("the request as she reads it: %q", s)
	}
	b.shot("professional-request")
	b.axe("a professional's request")
	b.narrow("professional-request")
	advice := filepath.Join(t.TempDir(), "advice.pdf")
	if err := os.WriteFile(advice, pdfBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.SetUploadFiles(chromedp.ID("answer-file"), []string{advice}))
	b.fill("answer-name", "Psychological advice")
	if f := b.text(".flash"); !strings.Contains(f, "your file is with the school") {
		t.Fatalf("after sending her advice: %q", f)
	}
	if s := b.text("main table"); !strings.Contains(s, "You sent it on 10 November 2025") || strings.Contains(s, "Ada") {
		t.Fatalf("her requests after sending: %q", s)
	}
	b.axe("a professional's requests after sending")
	b.signOut()

	b.signIn(w.sencoA)
	b.open("/ui/pupils/" + id)
	if s := b.text("#professionals + p + table"); !strings.Contains(s, "Sent on 10 November 2025") {
		t.Fatalf("the professionals after her advice: %q", s)
	}
	if s := b.text("table.documents"); !strings.Contains(s, "Psychological advice") {
		t.Fatalf("her advice on the record: %q", s)
	}
	if s := b.text(`ol.timeline`); !regexp.MustCompile(`Done\s+advice received from educational psychologist — due 18 December 2025; done 10 November 2025`).MatchString(s) {
		t.Fatalf("the EHC clock: %q", s)
	}
	b.signOut()

	// The LA reviewer downloads what is shared with the LA; after the
	// pupil's erasure the file cannot be read.
	b.signIn(w.reviewer)
	b.open("/ui/pupils/" + id + "/audit")
	href := get(b, chromedp.Evaluate[string](`(document.querySelector('a[href*="/documents/"]') || {}).pathname || ""`))
	if href == "" {
		t.Fatal("no shared document on the reviewer's audit page")
	}
	fetch := func() string {
		return get(b, chromedp.Evaluate[string](fmt.Sprintf(`(() => { const x = new XMLHttpRequest(); x.open("GET", %q, false); x.send(); return x.status + " " + x.responseText.slice(0, 5) })()`, href)))
	}
	if got := fetch(); got != "200 %PDF-" {
		t.Fatalf("the reviewer's download: %q", got)
	}
	e.must(t, 200, "POST", "/v1/pupils/"+id+"/leave", w.sencoA, map[string]any{"on": "2025-11-10", "destination": "Hill Top Academy"})
	e.must(t, 200, "POST", "/v1/pupils/"+id+"/erase", adminToken, map[string]any{"reason": "retention period ended", "before_retention": true})
	if got := fetch(); strings.HasPrefix(got, "200") || strings.Contains(got, "%PDF") {
		t.Fatalf("after the erasure, the download: %q", got)
	}
}
