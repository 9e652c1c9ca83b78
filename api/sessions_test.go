package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sendcase/sendcase/httpx"
	"github.com/sendcase/sendcase/internal/node"
)

// TestBrowserSessions: the cookie holds a session id, never the token; a
// session ends when unused for 30 minutes, 12 hours after it began, on
// signing out (this browser, or everywhere), and when the token it was
// started with is replaced.
func TestBrowserSessions(t *testing.T) {
	var now atomic.Int64
	now.Store(fixedNow.UnixNano())
	clock := func(d time.Duration) { now.Add(int64(d)) }
	e := startConfig(t, "", node.Config{Now: func() time.Time { return time.Unix(0, now.Load()).UTC() }})
	w := e.world(t)
	caseload := "/ui/schools/" + w.schoolA + "/caseload"
	signedIn := func(b *browserless) bool {
		t.Helper()
		code, _ := b.get(caseload)
		return code == http.StatusOK
	}

	b := e.signIn(t, w.sencoA)
	u, _ := url.Parse(e.srv.URL)
	var cookie string
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == httpx.SessionCookie {
			cookie = c.Value
		}
	}
	if cookie == "" || strings.Contains(cookie, w.sencoA) || strings.Contains(cookie, strings.TrimPrefix(w.sencoA, "sc_")) {
		t.Fatalf("the session cookie holds %q", cookie)
	}
	if found := sessionsHold(t, e, w.sencoA); found {
		t.Fatal("the sessions bucket holds the token")
	}
	if !signedIn(b) {
		t.Fatal("not signed in")
	}

	// Idle: used every 29 minutes it lives; 31 minutes unused ends it.
	for range 3 {
		clock(29 * time.Minute)
		if !signedIn(b) {
			t.Fatal("a session in use ended")
		}
	}
	clock(31 * time.Minute)
	if signedIn(b) {
		t.Fatal("a session unused for 31 minutes still signs in")
	}

	// Absolute: however busy, 12 hours after signing in.
	b = e.signIn(t, w.sencoA)
	for range 24 {
		clock(29 * time.Minute) // 11 h 36 min
		if !signedIn(b) {
			t.Fatal("a session in use ended before 12 hours")
		}
	}
	clock(25 * time.Minute)
	if signedIn(b) {
		t.Fatal("a session still signs in 12 hours after it began")
	}

	// Sign out: this browser only, then everywhere.
	one, two, other := e.signIn(t, w.sencoA), e.signIn(t, w.sencoA), e.signIn(t, w.lead)
	one.get(caseload)
	if res := one.post("/ui/logout", url.Values{}); res.StatusCode != http.StatusSeeOther || signedIn(one) || !signedIn(two) {
		t.Fatalf("signing out one browser: %d, one %v, two %v", res.StatusCode, signedIn(one), signedIn(two))
	}
	three := e.signIn(t, w.sencoA)
	two.get(caseload)
	if res := two.post("/ui/logout", url.Values{"everywhere": {"yes"}}); res.StatusCode != http.StatusSeeOther || signedIn(two) || signedIn(three) || !signedIn(other) {
		t.Fatalf("signing out everywhere: %d, two %v, three %v, another user %v", res.StatusCode, signedIn(two), signedIn(three), signedIn(other))
	}

	// A replaced token ends the sessions started with it at once.
	four := e.signIn(t, w.sencoA)
	me := as[struct {
		ID string `json:"id"`
	}](t, e.must(t, 200, "GET", "/v1/me", w.sencoA, nil))
	e.must(t, 201, "POST", "/v1/users/"+me.ID+"/tokens", w.lead, nil)
	if signedIn(four) {
		t.Fatal("a session outlived its token")
	}
}

// sessionsHold reports whether any stored session holds s.
func sessionsHold(t *testing.T, e *env, s string) bool {
	t.Helper()
	kv, err := e.node.Store.JetStream().KeyValue(t.Context(), "sendcase_sessions")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := kv.ListKeys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for k := range keys.Keys() {
		v, err := kv.Get(t.Context(), k)
		if err == nil && (strings.Contains(string(v.Value()), s) || strings.Contains(k, s)) {
			return true
		}
	}
	return false
}
