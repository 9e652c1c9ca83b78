package sso

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/sendcase/sendcase/internal/oidctest"
)

const publicURL = "http://localhost:9999"

var people = []oidctest.Person{
	{Username: "senco", Email: "Senco@Oak.example", EmailVerified: true},
	{Username: "unverified", Email: "someone@oak.example"},
	{Username: "noemail", EmailVerified: true},
}

// start runs a provider with two clients: ours and another application.
func start(t *testing.T) *oidctest.Provider {
	t.Helper()
	return oidctest.Start(t, people,
		oidctest.Client{ID: "sendcase", Secret: "s3cret", RedirectURI: publicURL + CallbackPath},
		oidctest.Client{ID: "other-app", Secret: "other", RedirectURI: publicURL + CallbackPath})
}

func provider(t *testing.T, issuer, clientID, secret string, now func() time.Time) *Provider {
	t.Helper()
	p, err := New(Config{ID: "oak", Name: "Oak", Issuer: issuer, ClientID: clientID, ClientSecret: secret}, publicURL, now)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// signIn runs the flow up to the callback and answers the code and what
// was kept.
func signIn(t *testing.T, p *Provider, username string) (string, Secrets) {
	t.Helper()
	keep := NewSecrets()
	url, err := p.AuthURL(context.Background(), "state-1", keep)
	if err != nil {
		t.Fatal(err)
	}
	back := oidctest.SignIn(t, browser(t), url, username)
	if got := back.Query().Get("state"); got != "state-1" {
		t.Fatalf("state: got %q, want state-1", got)
	}
	return back.Query().Get("code"), keep
}

func TestSignIn(t *testing.T) {
	op := start(t)
	ctx := context.Background()
	p := provider(t, op.Issuer, "sendcase", "s3cret", nil)

	code, keep := signIn(t, p, "senco")
	id, err := p.Identify(ctx, code, keep)
	if err != nil {
		t.Fatal(err)
	}
	if id.Email != "Senco@Oak.example" || id.Subject == "" {
		t.Fatalf("identity: got %+v", id)
	}
	// The provider takes a code once: a replay is refused.
	if _, err := p.Identify(ctx, code, keep); !errors.Is(err, ErrRefused) {
		t.Fatalf("replayed code: got %v, want ErrRefused", err)
	}
}

func TestSignInRefusals(t *testing.T) {
	op := start(t)
	ctx := context.Background()
	p := provider(t, op.Issuer, "sendcase", "s3cret", nil)
	later := provider(t, op.Issuer, "sendcase", "s3cret", func() time.Time { return time.Now().Add(3 * time.Hour) })

	for _, tc := range []struct {
		name     string
		p        *Provider
		username string
		keep     func(Secrets) Secrets
		want     error
	}{
		{"unverified email", p, "unverified", nil, ErrUnverifiedEmail},
		{"no email", p, "noemail", nil, ErrNoEmail},
		{"other nonce", p, "senco", func(k Secrets) Secrets { k.Nonce = "forged"; return k }, ErrRefused},
		{"other PKCE verifier", p, "senco", func(k Secrets) Secrets { k.Verifier = oauth2.GenerateVerifier(); return k }, ErrRefused},
		{"ID token expired on our clock", later, "senco", nil, ErrRefused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, keep := signIn(t, tc.p, tc.username)
			if tc.keep != nil {
				keep = tc.keep(keep)
			}
			_, err := tc.p.Identify(ctx, code, keep)
			t.Log(err)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// An ID token the provider issued to another application is not for us.
func TestIDTokenForAnotherAudience(t *testing.T) {
	op := start(t)
	ctx := context.Background()
	other := provider(t, op.Issuer, "other-app", "other", nil)
	code, keep := signIn(t, other, "senco")
	discovered, err := other.discover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := other.oauth(discovered).Exchange(ctx, code, oauth2.VerifierOption(keep.Verifier))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := tok.Extra("id_token").(string)

	ours := provider(t, op.Issuer, "sendcase", "s3cret", nil)
	opOurs, err := ours.discover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ours.verify(ctx, opOurs, raw, keep.Nonce); !errors.Is(err, ErrRefused) {
		t.Fatalf("other audience: got %v, want ErrRefused", err)
	}
	if _, err := other.verify(ctx, discovered, raw, keep.Nonce); err != nil {
		t.Fatalf("the token is good for its own audience: %v", err)
	}
}

func TestLoad(t *testing.T) {
	env := map[string]string{"SENDCASE_OIDC_ISSUER": "https://login.example", "SENDCASE_OIDC_CLIENT_ID": "c"}
	ps, err := Load(func(k string) string { return env[k] }, publicURL, nil)
	if err != nil || len(ps) != 1 || ps[0].ID != "default" {
		t.Fatalf("got %v %v", ps, err)
	}
	if _, err := Load(func(k string) string { return env[k] }, "", nil); err == nil {
		t.Fatal("a provider without a public URL was accepted")
	}
}
