// Package sso signs people in through OpenID Connect providers (Microsoft
// Entra ID, Google Workspace, any certified provider): the authorization
// code flow with PKCE, state and nonce, on github.com/coreos/go-oidc and
// golang.org/x/oauth2. It answers who the provider says the person is, by
// a verified email; whether that person has an account is app's to decide.
package sso

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// CallbackPath is where every provider sends the browser back: one path,
// because the pending sign-in (found by its state) names the provider.
const CallbackPath = "/ui/login/oidc/callback"

// Config is one provider.
type Config struct {
	// Name is what the sign-in button says ("Sign in with Oak Trust").
	Name string `json:"name"`
	// ID names the provider in URLs; letters, digits and hyphens.
	ID           string `json:"id"`
	Issuer       string `json:"issuer"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	// TrustID, when set, lets only that trust's people in through it.
	TrustID string `json:"trust_id,omitempty"`
}

// Errors of Identify.
var (
	// ErrUnverifiedEmail: the provider does not vouch for the email.
	ErrUnverifiedEmail = errors.New("the provider has not verified this email")
	// ErrNoEmail: the provider gave no email.
	ErrNoEmail = errors.New("the provider gave no email")
	// ErrRefused: the provider refused the code, or the ID token is not
	// valid for us (signature, issuer, audience, expiry, nonce).
	ErrRefused = errors.New("the sign-in was refused")
)

// Identity is who the provider vouches for.
type Identity struct {
	Subject string
	// Email is verified by the provider.
	Email string
}

// Provider is a configured provider. Discovery happens on first use and is
// retried after a failure, so a provider that is down at start-up does not
// stop the service.
type Provider struct {
	Config
	redirectURL string
	now         func() time.Time
	client      *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
}

// New returns provider c, sending people back to publicURL's callback.
// now is the clock ID tokens are checked against (nil: time.Now).
func New(c Config, publicURL string, now func() time.Time) (*Provider, error) {
	var p []string
	if c.ID == "" {
		p = append(p, "id")
	}
	if c.Issuer == "" {
		p = append(p, "issuer")
	}
	if c.ClientID == "" {
		p = append(p, "client_id")
	}
	if publicURL == "" {
		p = append(p, "the public URL (SENDCASE_PUBLIC_URL)")
	}
	if len(p) > 0 {
		return nil, fmt.Errorf("OpenID provider %q: %s not set", c.Name, strings.Join(p, ", "))
	}
	if c.Name == "" {
		c.Name = "your organisation's account"
	}
	if now == nil {
		now = time.Now
	}
	return &Provider{Config: c, redirectURL: strings.TrimSuffix(publicURL, "/") + CallbackPath, now: now,
		client: &http.Client{Timeout: 15 * time.Second}}, nil
}

func (p *Provider) discover(ctx context.Context) (*oidc.Provider, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.provider != nil {
		return p.provider, nil
	}
	op, err := oidc.NewProvider(oidc.ClientContext(ctx, p.client), p.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover %s: %w", p.Issuer, err)
	}
	p.provider = op
	return op, nil
}

func (p *Provider) oauth(op *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, Endpoint: op.Endpoint(),
		RedirectURL: p.redirectURL, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

// Secrets are what a sign-in keeps while the browser is at the provider.
type Secrets struct {
	Nonce string `json:"nonce"`
	// Verifier is the PKCE code verifier.
	Verifier string `json:"verifier"`
}

// NewSecrets makes a sign-in's nonce and PKCE verifier.
func NewSecrets() Secrets {
	return Secrets{Nonce: oauth2.GenerateVerifier(), Verifier: oauth2.GenerateVerifier()}
}

// AuthURL is where to send the browser to sign in, with state and keep's
// nonce and PKCE challenge.
func (p *Provider) AuthURL(ctx context.Context, state string, keep Secrets) (string, error) {
	op, err := p.discover(ctx)
	if err != nil {
		return "", err
	}
	return p.oauth(op).AuthCodeURL(state, oidc.Nonce(keep.Nonce), oauth2.S256ChallengeOption(keep.Verifier)), nil
}

// Identify finishes a sign-in: it exchanges code (with the PKCE verifier),
// checks the ID token and answers the verified email.
//
// Errors: ErrRefused, ErrNoEmail, ErrUnverifiedEmail, or a wrapped network
// error when the provider cannot be reached.
func (p *Provider) Identify(ctx context.Context, code string, keep Secrets) (Identity, error) {
	op, err := p.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	ctx = oidc.ClientContext(ctx, p.client)
	conf := p.oauth(op)
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(keep.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return Identity{}, fmt.Errorf("%w: token endpoint: %s", ErrRefused, re.ErrorCode)
		}
		return Identity{}, fmt.Errorf("exchange code: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return Identity{}, fmt.Errorf("%w: no ID token", ErrRefused)
	}
	id, err := p.verify(ctx, op, raw, keep.Nonce)
	if err != nil {
		return Identity{}, err
	}
	claims, err := emailClaims(id)
	if err != nil {
		return Identity{}, err
	}
	if claims.Email == "" {
		// Some providers keep the email out of the ID token: ask UserInfo,
		// for the same subject.
		info, err := op.UserInfo(ctx, conf.TokenSource(ctx, tok))
		if err != nil {
			return Identity{}, fmt.Errorf("userinfo: %w", err)
		}
		if info.Subject != id.Subject {
			return Identity{}, fmt.Errorf("%w: userinfo is for another subject", ErrRefused)
		}
		if err := info.Claims(&claims); err != nil {
			return Identity{}, fmt.Errorf("%w: userinfo: %v", ErrRefused, err)
		}
	}
	switch {
	case claims.Email == "":
		return Identity{}, ErrNoEmail
	case !claims.verified():
		return Identity{}, ErrUnverifiedEmail
	}
	return Identity{Subject: id.Subject, Email: claims.Email}, nil
}

// verify checks an ID token: signature, issuer, audience (our client id),
// expiry (on our clock) and the nonce this sign-in sent.
func (p *Provider) verify(ctx context.Context, op *oidc.Provider, raw, nonce string) (*oidc.IDToken, error) {
	id, err := op.VerifierContext(ctx, &oidc.Config{ClientID: p.ClientID, Now: p.now}).Verify(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRefused, err)
	}
	if id.Nonce != nonce {
		return nil, fmt.Errorf("%w: nonce does not match", ErrRefused)
	}
	return id, nil
}

type emailInfo struct {
	Email string `json:"email"`
	// EmailVerified is a boolean, or a string at some providers.
	EmailVerified any `json:"email_verified"`
	// EntraDomainVerified is Microsoft Entra ID's optional claim that the
	// email's domain is the tenant's own (Entra issues no email_verified).
	EntraDomainVerified any `json:"xms_edov"`
}

func emailClaims(id *oidc.IDToken) (emailInfo, error) {
	var c emailInfo
	if err := id.Claims(&c); err != nil {
		return c, fmt.Errorf("%w: claims: %v", ErrRefused, err)
	}
	return c, nil
}

func (c emailInfo) verified() bool {
	return truthy(c.EmailVerified) || truthy(c.EntraDomainVerified)
}

func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}

// Load reads the providers configured: one from SENDCASE_OIDC_ISSUER,
// SENDCASE_OIDC_CLIENT_ID and SENDCASE_OIDC_CLIENT_SECRET (named by
// SENDCASE_OIDC_NAME, for every trust), and any listed in the JSON file
// SENDCASE_OIDC_PROVIDERS (an array of Config; a client_secret of
// "env:NAME" is read from that variable).
func Load(getenv func(string) string, publicURL string, now func() time.Time) ([]*Provider, error) {
	var cs []Config
	if iss := getenv("SENDCASE_OIDC_ISSUER"); iss != "" {
		cs = append(cs, Config{ID: "default", Name: getenv("SENDCASE_OIDC_NAME"), Issuer: iss,
			ClientID: getenv("SENDCASE_OIDC_CLIENT_ID"), ClientSecret: getenv("SENDCASE_OIDC_CLIENT_SECRET")})
	}
	if f := getenv("SENDCASE_OIDC_PROVIDERS"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("SENDCASE_OIDC_PROVIDERS: %w", err)
		}
		var more []Config
		if err := json.Unmarshal(b, &more); err != nil {
			return nil, fmt.Errorf("SENDCASE_OIDC_PROVIDERS %s: %w", f, err)
		}
		for i := range more {
			if name, ok := strings.CutPrefix(more[i].ClientSecret, "env:"); ok {
				more[i].ClientSecret = getenv(name)
			}
		}
		cs = append(cs, more...)
	}
	var out []*Provider
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.ID] {
			return nil, fmt.Errorf("OpenID provider id %q is used twice", c.ID)
		}
		seen[c.ID] = true
		p, err := New(c, publicURL, now)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
