package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	cdpwebauthn "github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/sendcase/sendcase/internal/node"
)

// virtualAuthenticator gives the tab a platform authenticator that holds
// passkeys and verifies the person at once (Chromium's DevTools WebAuthn
// domain), and answers it.
func virtualAuthenticator(b *tab) cdpwebauthn.AuthenticatorID {
	b.t.Helper()
	return get(b, func(ctx context.Context, t *chromedp.Target) (cdpwebauthn.AuthenticatorID, error) {
		if _, err := cdp.Call(ctx, t, cdpwebauthn.Enable, cdpwebauthn.EnableParams{}); err != nil {
			return "", err
		}
		res, err := cdp.Call(ctx, t, cdpwebauthn.AddVirtualAuthenticator, cdpwebauthn.AddVirtualAuthenticatorParams{
			Options: &cdpwebauthn.VirtualAuthenticatorOptions{Protocol: "ctap2", Ctap2version: "ctap2_1", Transport: "internal",
				HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true}})
		return res.AuthenticatorID, err
	})
}

// TestBrowserPasskeys: an invited LA reviewer opens the link, sets up a
// passkey, is signed in, signs out and signs in again with the passkey.
func TestBrowserPasskeys(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	ctx := browser(t)
	e := startPublic(t, func(string) node.Config { return node.Config{} })
	w := e.world(t)
	link := e.must(t, 201, "POST", "/v1/users/"+w.reviewerID+"/invitations", adminToken, nil).str("link")
	b := &tab{t: t, ctx: ctx, base: e.srv.URL, shots: screenshotDir(t)}
	virtualAuthenticator(b)

	b.open(strings.TrimPrefix(link, e.srv.URL))
	if h := b.text("main h1"); h != "Set up your passkey" {
		t.Fatalf("invitation page: %q", h)
	}
	b.shot("invitation")
	b.axe("invitation")
	b.do(chromedp.SetValue(chromedp.ID("passkey-name"), "Work laptop"), chromedp.Click(chromedp.ID("passkey-create")),
		chromedp.WaitVisible(chromedp.CSS("header nav")))
	if h := b.text("main h1"); !strings.Contains(h, "granted") {
		t.Fatalf("after setting up the passkey: %q", h)
	}

	// The link is used up.
	b.open(strings.TrimPrefix(link, e.srv.URL))
	if msg := b.text("main"); !strings.Contains(msg, "expired or has been used") {
		t.Fatalf("used invitation: %q", msg)
	}

	// Sign out, and in again with the passkey.
	b.open("/ui/reviews")
	b.do(chromedp.Click(chromedp.CSS("header form button")), chromedp.WaitVisible(chromedp.ID("passkey-sign-in")))
	b.shot("login-passkey")
	b.axe("login with a passkey")
	b.do(chromedp.Click(chromedp.ID("passkey-sign-in")), chromedp.WaitVisible(chromedp.CSS("header nav")))
	if who := b.text("header .who"); !strings.Contains(who, "Rae Reviewer") {
		t.Fatalf("signed in as %q", who)
	}
}
