package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/internal/oidctest"
	"github.com/sendcase/sendcase/internal/until"
	"github.com/sendcase/sendcase/sso"
)

// oidcSignIn signs the tab in through the provider's own sign-in page.
func (b *tab) oidcSignIn(username string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base+"/ui/login"), chromedp.Click(chromedp.CSS(`a.button[href^="/ui/login/oidc/"]`)),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), username), chromedp.SendKeys(chromedp.ID("password"), oidctest.Password),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.CSS("header nav")))
}

// TestBrowserTrustSetUp: the trust lead and a SENCO sign in through the
// trust's OpenID provider; the lead sets up a school, a provision, the
// settings and a SENCO with the pages, and grants and ends an LA
// reviewer's access. Every page passes axe.
func TestBrowserTrustSetUp(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startPublic(t, func(public string) node.Config {
		op := oidctest.Start(t, []oidctest.Person{
			{Username: "lee", Email: "lee@oak.org.uk", EmailVerified: true},
			{Username: "sam", Email: "sam@oak.org.uk", EmailVerified: true},
		}, oidctest.Client{ID: "sendcase", Secret: "s3cret", RedirectURI: public + sso.CallbackPath})
		p, err := sso.New(sso.Config{ID: "oak", Name: "Oak Learning Trust", Issuer: op.Issuer, ClientID: "sendcase", ClientSecret: "s3cret"}, public, nil)
		if err != nil {
			t.Fatal(err)
		}
		return node.Config{Providers: []*sso.Provider{p}}
	})
	w := e.world(t)
	pupil := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
	b := &tab{t: t, ctx: ctx, base: e.srv.URL, shots: screenshotDir(t)}

	b.open("/ui/login")
	b.shot("login-sso")
	b.axe("login with a provider")
	b.oidcSignIn("lee")
	if h := b.text("main h1"); !strings.HasPrefix(h, "Workload") {
		t.Fatalf("trust lead lands on %q", h)
	}
	base := "/ui/trusts/" + w.trust

	b.open(base + "/schools")
	b.fill("school-name", "Oak Infants", "school-urn", "1000", "school-phase", "infant")
	if msg := b.text(".error-message"); msg == "" {
		t.Fatal("no error for a short URN")
	}
	b.axe("schools, with an error")
	b.fill("school-urn", "100003")
	if row := b.text("tbody tr:last-child"); !strings.Contains(row, "Oak Infants") {
		t.Fatalf("schools: %q", row)
	}
	b.shot("schools")

	b.open(base + "/provisions")
	b.fill("prov-name", "ELSA", "prov-area", "semh", "prov-delivery", "individual", "prov-staff_role", "ELSA", "prov-cost", "21.50", "prov-max_group_size", "1")
	if row := b.text("tbody tr:last-child"); !strings.Contains(row, "£21.50") {
		t.Fatalf("catalogue: %q", row)
	}
	b.axe("provision catalogue")

	b.open(base + "/settings")
	b.fill("set-weeks_per_year", "38")
	if f := b.text(".flash"); !strings.Contains(f, "Settings saved") {
		t.Fatalf("settings: %q", f)
	}
	b.axe("settings")

	b.open(base + "/people")
	b.do(chromedp.SetValue(chromedp.ID("person-name"), "Nia New"), chromedp.SetValue(chromedp.ID("person-email"), "nia@oak.org.uk"),
		chromedp.SetValue(chromedp.ID("person-role"), "senco"), chromedp.Click(chromedp.CSS(`#person-schools input`)),
		chromedp.Submit(chromedp.ID("person-name")), chromedp.Sleep(50*time.Millisecond), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if h := b.text("main h1"); h != "Invitation for Nia New" {
		t.Fatalf("after adding a person: %q: %s", h, b.text("main"))
	}
	if link := b.text("#invitation-link"); !strings.Contains(link, "/ui/invitations/") {
		t.Fatalf("invitation: %q", link)
	}
	b.shot("invited")
	b.axe("invitation shown")
	b.open(base + "/people")
	b.shot("people")
	b.axe("people")

	// LA access: granted to the trust's reviewer, then ended.
	b.open("/ui/pupils/" + pupil)
	b.fill("grant-until", "2026-03-31", "grant-user_id", w.reviewerID)
	b.do(chromedp.Click(chromedp.CSS(`form[action$="/revoke"] button`)), chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/revoke"]`)))
	if g := b.text("#access + ul"); !strings.Contains(g, "ended early") {
		t.Fatalf("access after ending it: %q", g)
	}
	// (The page reads the views, applied a moment after the command.)
	until.True(t, 10*time.Second, "the LA access page shows the ended grant", func() bool {
		b.open(base + "/la-access")
		g := b.text("main table tbody")
		return strings.Contains(g, "Rae Reviewer") && strings.Contains(g, "ended early")
	})
	b.shot("la-access")
	b.axe("LA access")
	b.open("/ui/security")
	if log := b.text("tbody"); !strings.Contains(log, "LA access granted") || !strings.Contains(log, "LA access ended") {
		t.Fatalf("security log: %q", log)
	}
	b.shot("security-log")
	b.axe("security log")
	b.do(chromedp.Click(chromedp.CSS("header form button")), chromedp.WaitVisible(chromedp.CSS(`a.button[href^="/ui/login/oidc/"]`)))

	// The SENCO signs in through the provider too.
	b.oidcSignIn("sam")
	if h := b.text("main h1"); h != "Due soon" { // a SENCO's day starts with what falls due
		t.Fatalf("SENCO lands on %q", h)
	}
}

// TestBrowserStaff: a teaching assistant's pages: my pupils, the plan they
// deliver, logging a session, and their integration tokens page.
func TestBrowserStaff(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := start(t, "")
	w := e.world(t)
	ta := e.must(t, 201, "POST", "/v1/users", w.lead, map[string]any{"name": "Tia Assistant", "email": "tia@oak.org.uk", "role": "staff", "school_ids": []string{w.schoolA}})
	id := e.pupilBeingHelped(t, w)
	b := &tab{t: t, ctx: ctx, base: e.srv.URL, shots: screenshotDir(t)}

	// The SENCO assigns her on the pupil's page.
	b.signIn(w.sencoA)
	b.open("/ui/pupils/" + id)
	b.fill("staff-user", ta.str("id"))
	if s := b.text("#staff + p + ul"); !strings.Contains(s, "Tia Assistant") {
		t.Fatalf("staff section: %q", s)
	}
	b.open("/ui/tokens")
	b.fill("token-name", "Arbor sync", "token-expires_on", "2026-06-30")
	if tok := b.text("#new-token"); !strings.HasPrefix(tok, "sc_") {
		t.Fatalf("new token: %q", tok)
	}
	b.shot("tokens")
	b.axe("tokens")
	b.signOut()

	b.signIn(ta.str("token"))
	if h := b.text("main h1"); h != "My pupils" {
		t.Fatalf("staff land on %q", h)
	}
	b.axe("my pupils")
	b.open("/ui/pupils/" + id + "/delivery")
	b.fill("session-minutes", "30", "session-delivered_on", "2025-11-10")
	if row := b.text("main table:last-of-type tbody tr"); !strings.Contains(row, "Talk Boost") {
		t.Fatalf("sessions: %q", row)
	}
	b.shot("delivery")
	b.axe("delivery")
}
