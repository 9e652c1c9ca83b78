package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds Debian's Chromium. Without it the browser tests are
// skipped on a developer's machine and fail under CI=true (.ci/run installs it).
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("SENDCASE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := exec.LookPath(p); err == nil {
				return p
			}
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is required under CI=true (apt-get install chromium)")
	}
	t.Skip("no Chromium: apt-get install chromium to run the browser tests")
	return ""
}

// browser opens a headless Chromium tab for the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "en-GB"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// screenshotDir is where screenshots go: docs/screenshots when
// SENDCASE_SCREENSHOTS=1, else a temporary directory.
func screenshotDir(t *testing.T) string {
	if os.Getenv("SENDCASE_SCREENSHOTS") == "1" {
		return filepath.Join("..", "docs", "screenshots")
	}
	return t.TempDir()
}

type tab struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

func (b *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// get runs one action that returns a value.
func get[T any](b *tab, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	return v
}

func (b *tab) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
}

func (b *tab) text(sel string) string { b.t.Helper(); return get(b, chromedp.Text(chromedp.CSS(sel))) }

func (b *tab) signIn(token string) {
	b.t.Helper()
	// With passkeys offered, the token field is behind a disclosure.
	b.do(chromedp.Navigate(b.base+"/ui/login"), chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`),
		chromedp.SendKeys(chromedp.ID("token"), token), chromedp.Submit(chromedp.ID("token")), chromedp.WaitVisible(chromedp.CSS("header nav")))
}

func (b *tab) signOut() {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS("header form button")), chromedp.WaitVisible(chromedp.ID("token")))
}

func (b *tab) click(id string) { b.t.Helper(); b.do(chromedp.Click(chromedp.ID(id))) }

// fill sets form fields by id and submits the form of the first one.
func (b *tab) fill(fields ...string) {
	b.t.Helper()
	var actions []chromedp.Action[chromedp.Void]
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i+1] == "" {
			continue // (left empty: Chromium will not set a textarea to "")
		}
		actions = append(actions, chromedp.SetValue(chromedp.ID(fields[i]), fields[i+1]))
	}
	actions = append(actions, chromedp.Submit(chromedp.ID(fields[0])), chromedp.Sleep(50*time.Millisecond), chromedp.WaitVisible(chromedp.CSS("main h1")))
	b.do(actions...)
}

func (b *tab) shot(name string) {
	b.t.Helper()
	png := get(b, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// axe runs axe-core in the page and fails on serious or critical violations.
func (b *tab) axe(page string) {
	b.t.Helper()
	src, err := os.ReadFile("testdata/axe.min.js")
	if err != nil {
		b.t.Fatal(err)
	}
	get(b, chromedp.Evaluate[any](string(src)))
	out := get(b, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0,3).map(n => n.target.join(" "))}))))`, chromedp.EvalAwaitPromise))
	var violations []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal([]byte(out), &violations); err != nil {
		b.t.Fatalf("axe on %s: %v (%s)", page, err, out)
	}
	for _, v := range violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			b.t.Errorf("accessibility on %s: %s (%s): %s at %v", page, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
}

func TestBrowserWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := start(t, "")
	w := e.world(t)
	b := &tab{t: t, ctx: ctx, base: e.srv.URL, shots: screenshotDir(t)}

	// SENCO: sign in, register a pupil, take her through a full cycle.
	b.signIn(w.sencoA)
	if h := b.text("main h1"); h != "Due soon" { // a SENCO's day starts with what falls due
		t.Fatalf("SENCO lands on %q", h)
	}
	b.open("/ui/schools/" + w.schoolA + "/pupils/new")
	b.axe("register")
	b.fill("reg-upn", "A801200005001", "reg-first_name", "Ada", "reg-last_name", "Lovelace", "reg-date_of_birth", "2015-03-04",
		"year_group", "5", "sen_status", "K", "reg-primary_need", "SLCN")
	if msg := b.text(".error-message"); !strings.Contains(msg, "check letter") {
		t.Fatalf("no field error: %q", msg)
	}
	if typed := get(b, chromedp.Value(chromedp.ID("reg-first_name"))); typed != "Ada" {
		t.Fatalf("typed value lost: %q", get(b, chromedp.Value(chromedp.ID("reg-first_name"))))
	}
	b.fill("reg-upn", newUPN(), "reg-first_name", "Ada", "reg-last_name", "Lovelace", "reg-date_of_birth", "2015-03-04",
		"year_group", "5", "sen_status", "K", "reg-primary_need", "SLCN")
	if h := b.text("main h1"); h != "Ada Lovelace" {
		t.Fatalf("after registering: %q", h)
	}
	pupilURL := get(b, chromedp.Location())
	pupilPath := strings.TrimPrefix(strings.Split(pupilURL, "?")[0], e.srv.URL)

	b.fill("cycle-opened_on", "2025-09-08")
	b.click("assessment-area-0") // (any box will do: each is named need_areas)
	b.fill("assessment-assessed_on", "2025-09-10", "assessment-summary", "Speech and language screening shows delay.")
	b.click("plan-prov-0")
	b.fill("plan-agreed_on", "2025-09-15", "plan-review_due_on", "2025-12-12",
		"plan-outcomes-0-description", "Uses three-word sentences", "plan-outcomes-0-success_criteria", "In 4 of 5 observed lessons",
		"plan-prov-0-sessions_per_week", "3", "plan-prov-0-minutes_per_session", "30", "plan-prov-0-group_size", "4",
		"plan-parent_views", "Mum is pleased with the plan", "plan-pupil_views", "I like Talk Boost")
	b.fill("session-delivered_on", "2025-09-16", "session-minutes", "30")
	b.shot("pupil")
	b.axe("pupil")
	b.fill("review-held_on", "2025-11-07", "review-outcomes-0-rating", "partly_met", "review-decision", "continue",
		"review-parent_views", "Keen to continue", "review-pupil_views", "It is fun")
	if s := b.text("#cycle"); s == "" {
		t.Fatal("no cycle section")
	}
	cycleText := b.text("main")
	if !strings.Contains(cycleText, "stage assess") || !strings.Contains(cycleText, "Review recorded") {
		t.Fatalf("after the review the next cycle should be at assess:\n%.600s", cycleText)
	}
	// An EHC needs assessment request, and the decision to assess.
	b.fill("ehcp-type", "request", "ehcp-on", "2025-10-01", "ehcp-requested_by", "parent")
	b.fill("ehcp-type", "decision_to_assess", "ehcp-on", "2025-11-05", "ehcp-assess", "true")
	cycleText = b.text("#ehcp ~ ol.timeline")
	if !strings.Contains(cycleText, "decision to issue") || !strings.Contains(cycleText, "✓ Done") || !strings.Contains(cycleText, "○ Pending") {
		t.Fatalf("EHCP timeline: %s", cycleText)
	}
	b.open(pupilPath + "/plan")
	b.shot("plan")
	b.axe("plan")

	// The caseload shows her at assess with an EHC request in progress.
	b.open("/ui/schools/" + w.schoolA + "/caseload")
	row := b.text("tbody tr")
	if !strings.Contains(row, "Ada Lovelace") || !strings.Contains(row, "assess") || !strings.Contains(row, "assessing") {
		t.Fatalf("caseload row: %q", row)
	}
	b.shot("caseload")
	b.axe("caseload")
	b.signOut()

	// Another school's SENCO cannot open her record.
	b.signIn(w.sencoB)
	b.open(pupilPath)
	if h := b.text("main h1"); h != "Not Found" {
		t.Fatalf("other school's SENCO sees %q", h)
	}
	b.signOut()

	// Trust lead: the workload and the costed provision map.
	b.signIn(w.lead)
	if h := b.text("main h1"); !strings.HasPrefix(h, "Workload") {
		t.Fatalf("trust lead lands on %q", h)
	}
	total := b.text("#by-school tbody tr:last-child")
	// Ada: K, one EHC request in progress, 10 admin hours for it (default weights).
	if !strings.Contains(total, "Total") || !strings.Contains(total, "\t1\t0\t1\t") {
		t.Fatalf("workload totals: %q", total)
	}
	b.shot("workload")
	b.axe("workload")
	b.open("/ui/trusts/" + w.trust + "/provision-map")
	// Talk Boost 1800p/h × 3 × 30 min × 39 weeks / (60 × 4) = £263.25.
	if pm := b.text("tbody tr"); !strings.Contains(pm, "Talk Boost") || !strings.Contains(pm, "£263.25") {
		t.Fatalf("provision map: %q", pm)
	}
	b.shot("provision-map")
	b.axe("provision-map")
	b.open(pupilPath)
	b.fill("grant-until", "2026-03-31", "grant-user_id", w.reviewerID)
	if g := b.text("#access + ul"); !strings.Contains(g, "End this access now") {
		t.Fatalf("access section after granting: %q", g)
	}
	b.axe("pupil, with a live grant")
	b.signOut()

	// LA reviewer: the granted pupil and her verified audit trail.
	b.signIn(w.reviewer)
	if row := b.text("tbody tr"); !strings.Contains(row, "Ada Lovelace") {
		t.Fatalf("reviewer list: %q", row)
	}
	b.axe("reviews")
	b.open(pupilPath + "/audit")
	if v := b.text(".verified"); !strings.Contains(v, "Verified") {
		t.Fatalf("audit: %q", v)
	}
	b.shot("audit")
	b.axe("audit")
	b.signOut()

	// End of retention: she leaves, and an admin erases her record.
	b.signIn(w.sencoA)
	b.open(pupilPath)
	b.fill("leave-on", "2025-11-10", "leave-destination", "Hill Top Academy")
	if h := b.text("main h1"); h != "Are you sure?" {
		t.Fatalf("leaving is not asked again: %q", h)
	}
	b.axe("confirmation")
	b.do(chromedp.Click(chromedp.ID("confirm-yes")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.signOut()
	b.signIn(adminToken)
	b.open(pupilPath)
	b.axe("pupil, with the erase form")
	b.do(chromedp.Click(chromedp.CSS("details:has(#erase-reason) > summary")), chromedp.Click(chromedp.ID("erase-before_retention")))
	b.fill("erase-reason", "Parent's request, agreed with the DPO")
	b.do(chromedp.Click(chromedp.ID("confirm-yes")), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if n := b.text(".notice"); !strings.Contains(n, "personal data was erased") {
		t.Fatalf("erased notice: %q", n)
	}
	if h := b.text("main h1"); h != "[erased] [erased]" {
		t.Fatalf("erased pupil's heading: %q", h)
	}
	b.shot("erased")
	b.axe("erased pupil")
	b.signOut()
	b.open("/ui/login")
	b.shot("login")
	b.axe("login")
	fmt.Fprintln(os.Stderr, "screenshots in", b.shots)
}

// narrow shows the page at 390 px wide (a phone): it must not scroll
// sideways, and axe-core must pass; the screenshot is name-390.
func (b *tab) narrow(name string) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(1), chromedp.EmulatePortrait, chromedp.EmulateMobile), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if wide := get(b, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); wide > 390 {
		b.t.Errorf("%s scrolls sideways at 390 px: %d px wide; widest: %s", name, wide, get(b, chromedp.Evaluate[string](
			`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 392).slice(0, 8).map(e => e.tagName + "." + e.className + "#" + e.id + " " + Math.round(e.getBoundingClientRect().right)).join(", ")`)))
	}
	b.shot(name + "-390")
	b.axe(name + " at 390 px")
	// Back to the window's width (1280): a reset alone leaves the last
	// metrics a screenshot set.
	b.do(chromedp.EmulateReset(), chromedp.EmulateViewport(1280, 900), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("main h1")))
}
