package api_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/internal/oidctest"
	"github.com/sendcase/sendcase/sso"
)

// oidcEnv is a node whose people sign in through a real OpenID provider.
func oidcEnv(t *testing.T, people ...oidctest.Person) (*env, *oidctest.Provider) {
	t.Helper()
	var op *oidctest.Provider
	e := startPublic(t, func(public string) node.Config {
		op = oidctest.Start(t, people, oidctest.Client{ID: "sendcase", Secret: "s3cret", RedirectURI: public + sso.CallbackPath})
		p, err := sso.New(sso.Config{ID: "oak", Name: "Oak Trust", Issuer: op.Issuer, ClientID: "sendcase", ClientSecret: "s3cret"}, public, nil)
		if err != nil {
			t.Fatal(err)
		}
		return node.Config{Providers: []*sso.Provider{p}}
	})
	return e, op
}

// anonymous is a browser that has not signed in.
func (e *env) anonymous(t *testing.T) *browserless {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &browserless{t: t, e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// getRaw fetches a path of the service, or an absolute URL, without
// following redirects; the body stays readable.
func (b *browserless) getRaw(target string) *http.Response {
	b.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = b.e.srv.URL + target
	}
	res, err := b.c.Get(target)
	if err != nil {
		b.t.Fatal(err)
	}
	return buffered(res)
}

// beginOIDC starts a sign-in in b and answers the provider's URL.
func beginOIDC(t *testing.T, b *browserless, next string) string {
	t.Helper()
	res, err := b.c.Get(b.e.srv.URL + "/ui/login/oidc/oak?next=" + url.QueryEscape(next))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("begin: %d", res.StatusCode)
	}
	return res.Header.Get("Location")
}

func TestSignInWithOpenIDConnect(t *testing.T) {
	e, _ := oidcEnv(t,
		oidctest.Person{Username: "sam", Email: "SAM@oak.org.uk", EmailVerified: true},
		oidctest.Person{Username: "stranger", Email: "stranger@oak.org.uk", EmailVerified: true},
		oidctest.Person{Username: "unverified", Email: "bo@oak.org.uk"},
	)
	w := e.world(t)
	caseload := "/ui/schools/" + w.schoolA + "/caseload"

	// The sign-in page offers the provider.
	anon := e.anonymous(t)
	if code, page := anon.get("/ui/login"); code != 200 || !strings.Contains(page, "Sign in with Oak Trust") {
		t.Fatalf("sign-in page: %d", code)
	}

	// A SENCO signs in; the email matches whatever its case.
	b := e.anonymous(t)
	back := oidctest.SignIn(t, nil, beginOIDC(t, b, caseload), "sam")
	res := b.getRaw(back.String())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != caseload {
		t.Fatalf("callback: %d %s %s", res.StatusCode, res.Header.Get("Location"), bodyOf(res))
	}
	if code, page := b.get(caseload); code != 200 || !strings.Contains(page, "Sam Senco") {
		t.Fatalf("signed in: %d", code)
	}

	// The callback again (a replay): its state is used.
	if res := b.getRaw(back.String()); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("replayed callback: %d", res.StatusCode)
	}

	refusals := []struct {
		name   string
		run    func(t *testing.T) *http.Response
		status int
		says   string
	}{
		{"state of another browser", func(t *testing.T) *http.Response {
			mine, theirs := e.anonymous(t), e.anonymous(t)
			beginOIDC(t, mine, "")
			back := oidctest.SignIn(t, nil, beginOIDC(t, theirs, ""), "sam")
			return mine.getRaw(back.String())
		}, 400, "started in another browser"},
		{"no sign-in cookie", func(t *testing.T) *http.Response {
			back := oidctest.SignIn(t, nil, beginOIDC(t, e.anonymous(t), ""), "sam")
			return e.anonymous(t).getRaw(back.String())
		}, 400, "started in another browser"},
		{"code replayed with a new state", func(t *testing.T) *http.Response {
			b := e.anonymous(t)
			q := back.Query()
			u, _ := url.Parse(beginOIDC(t, b, ""))
			q.Set("state", u.Query().Get("state"))
			return b.getRaw(sso.CallbackPath + "?" + q.Encode())
		}, 401, "could not sign you in"},
		{"provider error", func(t *testing.T) *http.Response {
			b := e.anonymous(t)
			u, _ := url.Parse(beginOIDC(t, b, ""))
			return b.getRaw(sso.CallbackPath + "?error=access_denied&state=" + url.QueryEscape(u.Query().Get("state")))
		}, 401, "did not sign you in"},
		{"unknown email", func(t *testing.T) *http.Response {
			b := e.anonymous(t)
			return b.getRaw(oidctest.SignIn(t, nil, beginOIDC(t, b, ""), "stranger").String())
		}, 403, "no sendcase account for stranger@oak.org.uk"},
		{"unverified email", func(t *testing.T) *http.Response {
			b := e.anonymous(t)
			return b.getRaw(oidctest.SignIn(t, nil, beginOIDC(t, b, ""), "unverified").String())
		}, 403, "has not confirmed your email"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.run(t)
			body := bodyOf(res)
			if res.StatusCode != tt.status || !strings.Contains(body, tt.says) {
				t.Fatalf("got %d, want %d saying %q:\n%s", res.StatusCode, tt.status, tt.says, body)
			}
			if strings.Contains(res.Header.Get("Set-Cookie"), "sendcase_session=") && !strings.Contains(res.Header.Get("Set-Cookie"), "Max-Age=0") {
				t.Fatal("a refused sign-in set a session")
			}
		})
	}

	// Deactivating the SENCO ends their session at once and keeps them out.
	samID := e.must(t, 200, "GET", "/v1/me", w.sencoA, nil).str("id")
	e.must(t, 200, "POST", "/v1/users/"+samID+"/deactivate", w.lead, nil)
	if code, _ := b.get(caseload); code != http.StatusSeeOther {
		t.Fatalf("deactivated, still signed in: %d", code)
	}
	b2 := e.anonymous(t)
	if res := b2.getRaw(oidctest.SignIn(t, nil, beginOIDC(t, b2, ""), "sam").String()); res.StatusCode != 403 {
		t.Fatalf("deactivated sign-in: %d", res.StatusCode)
	}
	e.must(t, 401, "GET", "/v1/me", w.sencoA, nil)
	e.must(t, 200, "POST", "/v1/users/"+samID+"/reactivate", w.lead, nil)
	e.must(t, 200, "GET", "/v1/me", w.sencoA, nil)

	// The security log has it all, and no secret.
	log := e.must(t, 200, "GET", "/v1/security-log?limit=2000", adminToken, nil)
	raw := string(log.Raw)
	for _, want := range []string{`"kind":"sign_in","user_id":"` + samID, `"via":"oidc:oak"`, `"detail":"no active account for stranger@oak.org.uk"`,
		`"kind":"deactivated"`, `"kind":"reactivated"`, `"detail":"the state is not this browser's"`, `"address":"127.0.0.1"`} {
		if !strings.Contains(raw, want) {
			t.Errorf("the security log lacks %s", want)
		}
	}
	for _, secret := range []string{back.Query().Get("code"), back.Query().Get("state"), w.sencoA, strings.TrimPrefix(w.sencoA, "sc_")} {
		if strings.Contains(raw, secret) {
			t.Errorf("the security log holds a secret: %s", secret)
		}
	}
	// A lead reads their own trust's entries; another trust's lead none of them.
	if got := string(e.must(t, 200, "GET", "/v1/security-log?user_id="+samID, w.lead, nil).Raw); !strings.Contains(got, `"kind":"sign_in"`) {
		t.Errorf("the lead's log: %s", got)
	}
	if got := string(e.must(t, 200, "GET", "/v1/security-log?user_id="+samID, w.otherLead, nil).Raw); got != `{"entries":[]}`+"\n" && got != `{"entries":[]}` {
		t.Errorf("another trust's lead reads: %s", got)
	}
	e.must(t, 403, "GET", "/v1/security-log", w.sencoA, nil)
	if bad := e.must(t, 400, "GET", "/v1/security-log?limit=0&user_id=x", adminToken, nil); strings.Join(bad.fields(), ",") != "limit,user_id" {
		t.Errorf("bad query: %s", bad.Raw)
	}
}

// TestSignInLimits: sign-in attempts are limited per address, and sign-ins
// per account.
func TestSignInLimits(t *testing.T) {
	e := startConfig(t, "", node.Config{SignInsPerMinute: 1, SignInBurst: 3})
	anon := e.anonymous(t)
	var got []int
	for range 4 {
		got = append(got, anon.post("/ui/login", url.Values{"token": {"wrong"}}).StatusCode)
	}
	if want := []int{401, 401, 401, 429}; !slices.Equal(got, want) {
		t.Fatalf("attempts from one address: got %v, want %v", got, want)
	}

	// Per account, whatever the address: ten sign-ins at once, then no more.
	e2 := start(t, "")
	w := e2.world(t)
	got = nil
	for range 11 {
		got = append(got, e2.anonymous(t).post("/ui/login", url.Values{"token": {w.sencoA}}).StatusCode)
	}
	if got[9] != http.StatusSeeOther || got[10] != http.StatusTooManyRequests {
		t.Fatalf("sign-ins to one account: %v", got)
	}
}
