package api_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserInclusion: review rounds for two schools, each opened and
// rated by its SENCO from the pages; the first school's attendance counts
// imported through the file input; the trust lead's heat map, patterns of
// need and attendance and exclusions, at full width and at 390 px, with
// axe-core on every page.
func TestBrowserInclusion(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := start(t, "")
	w := e.world(t)
	for _, need := range []string{"SLCN", "SLCN", "ASD", "SEMH", "MLD", "SPLD"} {
		b := pupilBody(newUPN())
		b["primary_need"] = need
		e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, b)
	}
	b := &tab{t: t, ctx: ctx, base: e.srv.URL, shots: screenshotDir(t)}

	review := func(token, school, name string, ratings map[string]string) {
		t.Helper()
		b.signIn(token)
		b.open("/ui/schools/" + school + "/reviews")
		b.axe("a school's MAT SEND review")
		b.fill("round-name", name, "round-opened_on", "01/10/2025")
		if f := b.text(".flash"); !strings.Contains(f, "Round opened") {
			t.Fatalf("after opening the round: %q", f)
		}
		for id, rating := range ratings {
			b.do(chromedp.Click(chromedp.ID(id + "-" + rating)))
		}
		b.fill("rate-leadership-ratings-0-strengths", "A clear SEND vision in the development plan")
		if f := b.text(".flash"); !strings.Contains(f, "Ratings saved") {
			t.Fatalf("after rating: %q", f)
		}
		b.axe("a review round")
		b.signOut()
	}
	review(w.sencoA, w.schoolA, "Autumn 2025", map[string]string{"rate-leadership-ratings-0": "secure", "rate-leadership-ratings-1": "developing", "rate-leadership-ratings-2": "secure"})
	review(w.sencoB, w.schoolB, "Autumn 2025", map[string]string{"rate-leadership-ratings-0": "not_yet", "rate-leadership-ratings-1": "developing"})

	// The first school's attendance counts, through the file input.
	csv := filepath.Join(t.TempDir(), "attendance.csv")
	if err := os.WriteFile(csv, []byte(attendanceCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	b.signIn(w.sencoA)
	b.open("/ui/schools/" + w.schoolA + "/attendance")
	b.do(chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{csv}))
	b.fill("import-file", "")
	if f := b.text(".flash"); !strings.Contains(f, "Imported: 1 terms new") {
		t.Fatalf("after the import: %q", f)
	}
	b.axe("a school's attendance and exclusions")
	b.signOut()

	b.signIn(w.lead)
	b.open("/ui/trusts/" + w.trust + "/reviews")
	// Oak Primary: (2 + 1 + 2) of 6, 83.3%; Oak Secondary: (0 + 1) of 4, 25%.
	if s := b.text("table.heatmap"); !strings.Contains(s, "Secure, 83.3%") || !strings.Contains(s, "Not yet in place, 25%") {
		t.Fatalf("the heat map: %q", s)
	}
	b.shot("review-heatmap")
	b.axe("the trust's heat map")
	b.narrow("review-heatmap")
	b.do(chromedp.Click(chromedp.CSS(`table.heatmap a[href^="/ui/rounds/"]`)), chromedp.WaitVisible(chromedp.ID("area-leadership")))
	b.shot("review-round")
	b.axe("a review round, as the trust lead")
	b.narrow("review-round")
	b.open("/ui/trusts/" + w.trust + "/patterns")
	if s := b.text("main"); !strings.Contains(s, "Communication and interaction") || !strings.Contains(s, "of 234 on roll") {
		t.Fatalf("patterns of need: %q", s)
	}
	b.shot("patterns-of-need")
	b.axe("patterns of need")
	b.narrow("patterns-of-need")
	b.open("/ui/trusts/" + w.trust + "/attendance")
	if s := b.text("main"); !strings.Contains(s, "Fewer than 5 pupils: not shown") || !strings.Contains(s, "Autumn 2025") {
		t.Fatalf("attendance and exclusions: %q", s)
	}
	b.shot("attendance-exclusions")
	b.axe("attendance and exclusions")
	b.narrow("attendance-exclusions")
}
