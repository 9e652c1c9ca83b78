package web

import (
	"net/http"
	"net/url"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/user"
)

type tokensPage struct {
	Tokens []user.Token
	// Made is a token just made, shown once.
	Made *app.IntegrationTokenResult
}

// tokens lists the user's integration tokens and makes one.
func (s *Server) tokens(w http.ResponseWriter, r *http.Request, u user.User) {
	d := &tokensPage{Tokens: s.svc.IntegrationTokens(u)}
	pg := page{Title: "Integration tokens", User: &u, Data: d, FormName: "token",
		Form: url.Values{"expires_on": {s.svc.Today().AddDays(365).String()}}}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "tokens", pg)
		return
	}
	var made app.IntegrationTokenResult
	if submit(s, w, r, u, "tokens", pg, "name", func(cmd user.IssueIntegrationToken) error {
		var err error
		made, err = s.svc.IssueIntegrationToken(r.Context(), u, app.CommandOptions{}, cmd)
		return err
	}) {
		d.Tokens, d.Made = s.svc.IntegrationTokens(u), &made
		pg.Form = url.Values{"expires_on": {s.svc.Today().AddDays(365).String()}}
		s.render(w, r, http.StatusCreated, "tokens", pg)
	}
}

// revokeToken ends one of the user's integration tokens.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, u user.User) {
	if _, err := s.svc.RevokeIntegrationToken(r.Context(), u, app.CommandOptions{}, r.PathValue("token")); err != nil {
		s.fail(w, r, u, err)
		return
	}
	done(w, r, "/ui/tokens", "Token revoked")
}
