package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/sso"
)

// signInCookie binds a sign-in at the identity provider to the browser
// that began it: the callback's state must equal it. SameSite=Lax, so that
// it comes back on the provider's redirect; limited to the sign-in paths.
const signInCookie = "sendcase_signin"

func (s *Server) provider(id string) *sso.Provider {
	for _, p := range s.providers {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// oidcBegin sends the browser to the provider, holding the sign-in's nonce
// and PKCE verifier server-side under a new state.
func (s *Server) oidcBegin(w http.ResponseWriter, r *http.Request) {
	p := s.provider(r.PathValue("provider"))
	if p == nil {
		s.errorPage(w, r, nil, http.StatusNotFound, "There is no such way to sign in.")
		return
	}
	keep := sso.NewSecrets()
	state, err := s.svc.HoldSignIn(r.Context(), app.PendingSignIn{Provider: p.ID, Nonce: keep.Nonce, Verifier: keep.Verifier, Next: safeNext(r.URL.Query().Get("next"))})
	if err != nil {
		s.signInFailed(w, r, http.StatusServiceUnavailable, "sendcase could not start signing you in just now. Please try again in a moment.")
		return
	}
	to, err := p.AuthURL(r.Context(), state, keep)
	if err != nil {
		s.log.WarnContext(r.Context(), "identity provider unreachable", "provider", p.ID, "err", err)
		s.signInFailed(w, r, http.StatusBadGateway, "We could not reach "+p.Name+" just now. Please try again in a moment.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Value: state, Path: "/ui/login/oidc/", HttpOnly: true,
		Secure: overTLS(r), SameSite: http.SameSiteLaxMode, MaxAge: int(app.SignInLifetime.Seconds())})
	http.Redirect(w, r, to, http.StatusFound)
}

// oidcCallback finishes a sign-in: the state must be this browser's and
// unused, the provider must vouch for the email, and an account must have
// it.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Value: "", Path: "/ui/login/oidc/", HttpOnly: true, Secure: overTLS(r), SameSite: http.SameSiteLaxMode, MaxAge: -1})
	c, err := r.Cookie(signInCookie)
	state := q.Get("state")
	if err != nil || state == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 {
		s.svc.RecordRefusedSignIn(r.Context(), "oidc", "the state is not this browser's")
		s.signInFailed(w, r, http.StatusBadRequest, "This sign-in was started in another browser or tab, or has expired. Please sign in again.")
		return
	}
	pending, ok, err := s.svc.TakeSignIn(r.Context(), state)
	if err != nil {
		s.signInFailed(w, r, http.StatusServiceUnavailable, "sendcase could not finish signing you in just now. Please try again in a moment.")
		return
	}
	p := s.provider(pending.Provider)
	if !ok || p == nil {
		s.svc.RecordRefusedSignIn(r.Context(), "oidc", "the sign-in expired or was used")
		s.signInFailed(w, r, http.StatusBadRequest, "This sign-in has expired or was used already. Please sign in again.")
		return
	}
	via := "oidc:" + p.ID
	if q.Get("error") != "" {
		s.svc.RecordRefusedSignIn(r.Context(), via, "the provider answered "+clip(q.Get("error")))
		s.signInFailed(w, r, http.StatusUnauthorized, p.Name+" did not sign you in. Please try again.")
		return
	}
	id, err := p.Identify(r.Context(), q.Get("code"), sso.Secrets{Nonce: pending.Nonce, Verifier: pending.Verifier})
	switch {
	case errors.Is(err, sso.ErrUnverifiedEmail), errors.Is(err, sso.ErrNoEmail):
		s.svc.RecordRefusedSignIn(r.Context(), via, err.Error())
		s.signInFailed(w, r, http.StatusForbidden, p.Name+" has not confirmed your email address, so sendcase cannot tell who you are. Ask your IT administrator.")
		return
	case errors.Is(err, sso.ErrRefused):
		s.log.WarnContext(r.Context(), "sign-in refused", "provider", p.ID, "err", err)
		s.svc.RecordRefusedSignIn(r.Context(), via, "the provider's answer did not check out")
		s.signInFailed(w, r, http.StatusUnauthorized, "We could not sign you in with "+p.Name+". Please sign in again.")
		return
	case err != nil:
		s.log.WarnContext(r.Context(), "identity provider unreachable", "provider", p.ID, "err", err)
		s.signInFailed(w, r, http.StatusBadGateway, "We could not reach "+p.Name+" just now. Please try again in a moment.")
		return
	}
	cookie, _, err := s.svc.SignInByEmail(r.Context(), p.ID, id.Email, p.TrustID)
	if errors.Is(err, app.ErrNoAccount) {
		s.signInFailed(w, r, http.StatusForbidden, "There is no sendcase account for "+id.Email+
			". Ask your school's SENCO or your trust's SEND lead to add you, with this email address.")
		return
	}
	if err != nil {
		s.signInFailed(w, r, http.StatusServiceUnavailable, "sendcase could not finish signing you in just now. Please try again in a moment.")
		return
	}
	s.signedInAs(w, r, cookie, pending.Next)
}

// signInFailed shows the sign-in page with why it failed.
func (s *Server) signInFailed(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "login", s.loginPage(url.Values{}, msg))
}

// clip keeps a value from the query short and printable for the log.
func clip(v string) string {
	out := []rune{}
	for _, r := range v {
		if len(out) == 40 {
			break
		}
		if r >= 'a' && r <= 'z' || r == '_' {
			out = append(out, r)
		}
	}
	return string(out)
}
