package api_test

import (
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sendcase/sendcase/internal/node"
)

func TestTokensRevokeReissueExpire(t *testing.T) {
	var now atomic.Int64
	now.Store(fixedNow.Unix())
	e := startConfig(t, "", node.Config{})
	e.stop()
	e = startConfig(t, e.dir, node.Config{Now: func() time.Time { return time.Unix(now.Load(), 0) }})
	w := e.world(t)
	me := e.must(t, 200, "GET", "/v1/me", w.sencoA, nil)
	id := me.str("id")
	if me.str("token_expires_on") != "2027-02-09" { // 456 days after 10 Nov 2025
		t.Fatalf("expiry %s", me.str("token_expires_on"))
	}
	// Who may manage a token.
	e.must(t, 403, "DELETE", "/v1/users/"+id+"/tokens", w.sencoB, nil)
	e.must(t, 403, "DELETE", "/v1/users/"+id+"/tokens", w.otherLead, nil)
	e.must(t, 404, "DELETE", "/v1/users/0193a000-0000-7000-8000-000000000999/tokens", w.lead, nil)
	// The trust lead revokes it: the next request fails at once, in the API and the UI.
	e.must(t, 200, "DELETE", "/v1/users/"+id+"/tokens", w.lead, nil)
	e.must(t, 401, "GET", "/v1/me", w.sencoA, nil)
	e.must(t, 200, "DELETE", "/v1/users/"+id+"/tokens", w.lead, nil) // again: nothing changes
	// A new token works; the old one stays dead.
	fresh := e.must(t, 201, "POST", "/v1/users/"+id+"/tokens", w.lead, nil).str("token")
	e.must(t, 200, "GET", "/v1/me", fresh, nil)
	e.must(t, 401, "GET", "/v1/me", w.sencoA, nil)
	// A user may replace their own token.
	newer := e.must(t, 201, "POST", "/v1/users/"+id+"/tokens", fresh, nil).str("token")
	e.must(t, 401, "GET", "/v1/me", fresh, nil)
	// Tokens expire.
	now.Store(fixedNow.Add(457 * 24 * time.Hour).Unix())
	e.must(t, 401, "GET", "/v1/me", newer, nil)
}

func TestRateLimitPerToken(t *testing.T) {
	e := startConfig(t, "", node.Config{RatePerSecond: 1, RateBurst: 8})
	w := e.world(t)
	limited := 0
	for range 20 {
		r := e.do(t, "GET", "/v1/me", w.sencoA, nil)
		if r.Status == 429 {
			if r.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("20 requests at once were not limited")
	}
	// Another token is not affected.
	e.must(t, 200, "GET", "/v1/me", w.sencoB, nil)
}

// TestIntegrationTokens: a named token with an expiry, made and revoked on
// the page; it acts as its maker until the day it expires.
func TestIntegrationTokens(t *testing.T) {
	var now atomic.Int64
	now.Store(fixedNow.UnixNano())
	e := startConfig(t, "", node.Config{Now: func() time.Time { return time.Unix(0, now.Load()).UTC() }})
	w := e.world(t)
	b := e.signIn(t, w.sencoA)
	b.get("/ui/tokens")
	for _, tc := range []struct {
		form url.Values
		says string
	}{
		{url.Values{"name": {""}, "expires_on": {"2026-01-01"}}, "name"},
		{url.Values{"name": {"Arbor sync"}, "expires_on": {"2025-11-10"}}, "must be after today"},
		{url.Values{"name": {"Arbor sync"}, "expires_on": {"2028-01-01"}}, "within 456 days"},
	} {
		res := b.post("/ui/tokens", tc.form)
		if body := bodyOf(res); res.StatusCode != 400 || !strings.Contains(body, tc.says) {
			t.Fatalf("%v: %d, want 400 saying %q", tc.form, res.StatusCode, tc.says)
		}
	}
	res := b.post("/ui/tokens", url.Values{"name": {"Arbor sync"}, "expires_on": {"2025-12-01"}})
	m := regexp.MustCompile(`id="new-token">(sc_[A-Za-z0-9_-]+)<`).FindStringSubmatch(bodyOf(res))
	if res.StatusCode != 201 || m == nil {
		t.Fatalf("make: %d", res.StatusCode)
	}
	token := m[1]
	if me := e.must(t, 200, "GET", "/v1/me", token, nil); me.str("name") != "Sam Senco" {
		t.Fatalf("the token acts as %s", me.str("name"))
	}
	list := e.must(t, 200, "GET", "/v1/me/tokens", w.sencoA, nil)
	if strings.Contains(string(list.Raw), token) || !strings.Contains(string(list.Raw), `"name":"Arbor sync"`) {
		t.Fatalf("list: %s", list.Raw)
	}
	// It works on its last day, not the day after.
	now.Store(time.Date(2025, 12, 1, 12, 0, 0, 0, time.UTC).UnixNano())
	e.must(t, 200, "GET", "/v1/me", token, nil)
	now.Store(time.Date(2025, 12, 2, 8, 0, 0, 0, time.UTC).UnixNano())
	e.must(t, 401, "GET", "/v1/me", token, nil)

	// Revoked, another stops at once; the maker's own token goes on.
	other := e.must(t, 201, "POST", "/v1/me/tokens", w.sencoA, map[string]any{"name": "Script", "expires_on": "2026-06-01"})
	e.must(t, 200, "GET", "/v1/me", other.str("token"), nil)
	e.must(t, 200, "DELETE", "/v1/me/tokens/"+other.str("id"), w.sencoA, nil)
	e.must(t, 401, "GET", "/v1/me", other.str("token"), nil)
	e.must(t, 200, "GET", "/v1/me", w.sencoA, nil)
	// Deactivating the maker stops every token.
	third := e.must(t, 201, "POST", "/v1/me/tokens", w.sencoA, map[string]any{"name": "Later", "expires_on": "2026-06-01"})
	sam := e.must(t, 200, "GET", "/v1/me", w.sencoA, nil).str("id")
	e.must(t, 200, "POST", "/v1/users/"+sam+"/deactivate", w.lead, nil)
	e.must(t, 401, "GET", "/v1/me", third.str("token"), nil)
}
