package api_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserImpact: the SENCO and the trust lead read impact and
// delivery in the browser: a period typed in dd/mm/yyyy, the bar chart
// with its table, small numbers withheld from the lead, a pupil's
// progress chart; axe-core on each page, at full width and at 390 px.
func TestBrowserImpact(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := start(t, "")
	w := e.impactWorld(t)
	b := &tab{t: t, ctx: ctx, base: e.srv.URL, shots: screenshotDir(t)}

	b.signIn(w.sencoA)
	b.open("/ui/schools/" + w.schoolA + "/impact")
	if s := b.text("#impact-provisions tbody tr"); !strings.Contains(s, "Talk Boost") || !strings.Contains(s, "3 of 5 (60%)") {
		t.Fatalf("the school's impact: %q", s)
	}
	b.shot("impact-school")
	b.axe("impact of a school")
	b.narrow("impact-school")

	b.do(chromedp.Click(chromedp.CSS(`nav.subnav a[href$="/delivery"]`)), chromedp.WaitVisible(chromedp.ID("period-from")))
	b.fill("period-from", "15/09/2025", "period-to", "02/11/2025")
	// Five plans of 630 minutes, 60 delivered each: 300 of 3150, 9%.
	if s := b.text("#delivery-provisions tbody tr"); !strings.Contains(s, "3150 min") || !strings.Contains(s, "300 min (9%)") {
		t.Fatalf("the school's delivery: %q", s)
	}
	b.shot("delivery-school")
	b.axe("delivery of a school")
	b.narrow("delivery-school")

	b.do(chromedp.Click(chromedp.CSS(`#delivery-pupils tbody tr a`)), chromedp.WaitVisible(chromedp.ID("progress")))
	if s := b.text("#outcome-results tbody tr"); !strings.Contains(s, "Reading age (months)\t96\t104") {
		t.Fatalf("the pupil's progress: %q", s)
	}
	b.do(chromedp.ScrollIntoView(chromedp.ID("progress")))
	b.shot("pupil-progress")
	b.axe("a pupil's progress")
	// The pupil's one-page profile, written on the record and printed.
	b.do(chromedp.Click(chromedp.CSS(`#about-me + p + details > summary`)))
	b.do(chromedp.SetValue(chromedp.ID("about-me-like_about_me"), "I am kind and I make people laugh"),
		chromedp.SetValue(chromedp.ID("about-me-important_to_me"), "My dog, Lego and my big sister"),
		chromedp.SetValue(chromedp.ID("about-me-how_to_support"), "Tell me what is coming next. Let me move about."),
		chromedp.Click(chromedp.ID("about-me-with-0")), chromedp.Click(chromedp.ID("about-me-with-1")))
	b.fill("about-me-written_on", "03/11/2025")
	if f := b.text(".flash"); !strings.Contains(f, "Profile saved") {
		t.Fatalf("after writing the profile: %q", f)
	}
	// A document attached from the page, through the browser's file input.
	pdf := filepath.Join(t.TempDir(), "ep-report.pdf")
	if err := os.WriteFile(pdf, pdfBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.Click(chromedp.CSS(`#documents + p + details > summary`)), chromedp.SetUploadFiles(chromedp.ID("documents-file"), []string{pdf}),
		chromedp.SetValue(chromedp.ID("documents-kind"), "report"), chromedp.Click(chromedp.ID("documents-la")))
	b.axe("attach a document")
	b.fill("documents-name", "Educational psychologist's report")
	if f := b.text(".flash"); !strings.Contains(f, "Document attached") {
		t.Fatalf("after attaching the document: %q", f)
	}
	if s := b.text("table.documents tbody"); !strings.Contains(s, "Educational psychologist's report") || !strings.Contains(s, "The LA") {
		t.Fatalf("the documents: %q", s)
	}
	b.do(chromedp.Click(chromedp.CSS(`a[href$="/about-me"]`)), chromedp.WaitVisible(chromedp.CSS(".about-me")))
	b.shot("about-me")
	b.axe("about me, to print")
	b.signOut()

	b.signIn(w.lead)
	b.open("/ui/trusts/" + w.trust + "/impact")
	if s := b.text("main"); !strings.Contains(s, "Fewer than 5 pupils: not shown") || !strings.Contains(s, "By school") {
		t.Fatalf("the trust's impact: %q", s)
	}
	b.shot("impact-trust")
	b.axe("impact of a trust")
	b.narrow("impact-trust")
	b.open("/ui/trusts/" + w.trust + "/delivery?from=15/09/2025&to=02/11/2025")
	b.shot("delivery-trust")
	b.axe("delivery of a trust")
	b.open("/ui/trusts/" + w.trust + "/measures")
	b.axe("measures")
}
