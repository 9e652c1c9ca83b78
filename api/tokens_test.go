package api_test

import (
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
