package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/user"
)

// login shows the sign-in form and signs in with a token.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "login", s.loginPage(url.Values{"next": {r.URL.Query().Get("next")}}, ""))
		return
	}
	_ = r.ParseForm()
	token := strings.TrimSpace(r.PostFormValue("token"))
	cookie, _, err := s.svc.StartSession(r.Context(), token)
	if errors.Is(err, app.ErrUnauthenticated) {
		pg := s.loginPage(r.PostForm, "")
		pg.Errors = map[string]string{"token": "This token is not valid. Check it, or ask your trust's SEND lead for a new one."}
		s.render(w, r, http.StatusUnauthorized, "login", pg)
		return
	}
	if err != nil {
		s.fail(w, r, user.User{}, err)
		return
	}
	s.signedInAs(w, r, cookie, r.PostFormValue("next"))
}

// signedInAs gives the browser its new session and sends it on to next.
// The cookie holds the session's id, never a token.
func (s *Server) signedInAs(w http.ResponseWriter, r *http.Request, cookie, next string) {
	setSession(w, r, cookie, int(app.SessionAbsolute.Seconds()))
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

// loginData is what the sign-in page offers.
type loginData struct {
	// Providers are the identity providers, each a button.
	Providers []providerLink
	// Passkeys says a passkey can sign in.
	Passkeys bool
	// Problem says why the last attempt failed.
	Problem string
	// FirstRun: the service has no administrator yet.
	FirstRun bool
}

type providerLink struct{ Href, Name string }

func (s *Server) loginPage(form url.Values, problem string) page {
	d := loginData{Passkeys: s.svc.PasskeysEnabled(), Problem: problem, FirstRun: !s.svc.HasAdmin()}
	next := safeNext(form.Get("next"))
	for _, p := range s.providers {
		d.Providers = append(d.Providers, providerLink{Href: "/ui/login/oidc/" + url.PathEscape(p.ID) + "?next=" + url.QueryEscape(next), Name: p.Name})
	}
	return page{Title: "Sign in", Form: form, Data: d}
}
