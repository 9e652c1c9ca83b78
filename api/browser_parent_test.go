package api_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sendcase/sendcase/internal/mailtest"
	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/mailer"
)

// TestBrowserParent: the SENCO invites a mother from her child's record; she
// opens the invitation emailed to her (read back from the test SMTP
// server), sets up a passkey, and lands on her child's page:
// the plan in plain words and the report shared with her; she gives her
// views and asks for a meeting; the SENCO reads her words above the review
// form. axe-core on each of her pages.
func TestBrowserParent(t *testing.T) {
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
	e.upload(t, id, w.sencoA, "report.pdf", pdfBytes, map[string]string{"kind": "report", "name": "Speech therapy report", "shared_with_parents": "true"})
	b := &tab{t: t, ctx: ctx, base: e.srv.URL, shots: screenshotDir(t)}

	b.signIn(w.sencoA)
	b.open("/ui/pupils/" + id)
	b.do(chromedp.Click(chromedp.CSS(`#invite-parent > summary`)))
	b.do(chromedp.SetValue(chromedp.ID("parents-email"), "mary@example.org"))
	b.do(chromedp.SetValue(chromedp.ID("parents-relationship"), "mother"))
	b.do(chromedp.Click(chromedp.CSS(`input[name="parental_responsibility"][value="true"]`)))
	b.fill("parents-name", "Mary Lovelace")
	if f := b.text(".flash"); !strings.Contains(f, "emailed an invitation") {
		t.Fatalf("after inviting her: %q", f)
	}
	b.signOut()
	// The invitation, read back from the SMTP server: the link, and no
	// child's name.
	msgs := smtp.Messages(t)
	if len(msgs) != 1 || msgs[0].To != "mary@example.org" || strings.Contains(msgs[0].Text, "Ada") {
		t.Fatalf("the invitation email: %+v", msgs)
	}
	link := regexp.MustCompile(`https?://\S+/ui/invitations/\S+`).FindString(msgs[0].Text)
	if link == "" {
		t.Fatalf("no link in the invitation:\n%s", msgs[0].Text)
	}

	virtualAuthenticator(b)
	b.open(strings.TrimPrefix(link, e.srv.URL))
	b.do(chromedp.SetValue(chromedp.ID("passkey-name"), "My phone"), chromedp.Click(chromedp.ID("passkey-create")),
		chromedp.WaitVisible(chromedp.ID("views")))
	if h := b.text("main h1"); !strings.Contains(h, "Ada Lovelace") {
		t.Fatalf("her first page: %q", h)
	}
	if s := b.text("main"); !strings.Contains(s, "Talk Boost") || !strings.Contains(s, "3 times a week, 30 minutes") || !strings.Contains(s, "Speech therapy report") {
		t.Fatalf("her child's page: %q", s)
	}
	b.shot("parent-child")
	b.axe("a parent's page of their child")
	b.narrow("parent-child")
	b.do(chromedp.SetValue(chromedp.ID("views-views"), "He talks about his group every day."))
	b.fill("views-about", "review")
	if f := b.text(".flash"); !strings.Contains(f, "your views are on the record") {
		t.Fatalf("after her views: %q", f)
	}
	b.fill("meeting-about", "How to help with his speech at home")
	if f := b.text(".flash"); !strings.Contains(f, "request for a meeting") {
		t.Fatalf("after asking for a meeting: %q", f)
	}
	b.axe("a parent's page after giving views")
	b.signOut()

	b.signIn(w.sencoA)
	b.open("/ui/pupils/" + id)
	if s := b.text("#parents-own-views"); !strings.Contains(s, "Mary Lovelace") || !strings.Contains(s, "He talks about his group every day.") {
		t.Fatalf("the SENCO's review form: %q", s)
	}
}
