package web

import (
	"net/http/httptest"
	"testing"
)

func TestFromThisMachine(t *testing.T) {
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:5000", true},
		{"[::1]:5000", true},
		{"192.168.1.20:5000", false},
		{"10.0.0.1:80", false},
		{"garbage", false},
	} {
		r := httptest.NewRequest("GET", "/ui/setup", nil)
		r.RemoteAddr = tc.addr
		if got := fromThisMachine(r); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.addr, got, tc.want)
		}
	}
}

func TestCrossSite(t *testing.T) {
	for _, tc := range []struct {
		name, site, origin string
		want               bool
	}{
		{"no browser headers (curl)", "", "", false},
		{"same origin", "same-origin", "http://example.test", false},
		{"typed in the address bar", "none", "", false},
		{"another site", "cross-site", "https://evil.example", true},
		{"a sibling subdomain", "same-site", "", true},
		{"old browser, other origin", "", "https://evil.example", true},
		{"old browser, this origin", "", "http://example.test", false},
	} {
		r := httptest.NewRequest("POST", "http://example.test/ui/setup", nil)
		if tc.site != "" {
			r.Header.Set("Sec-Fetch-Site", tc.site)
		}
		if tc.origin != "" {
			r.Header.Set("Origin", tc.origin)
		}
		if got := crossSite(r); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
