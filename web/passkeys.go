package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/httpx"
)

// The passkey endpoints answer the page's script (static/passkey.js) in
// JSON: a ceremony's options, then the browser's answer. Nobody is signed
// in yet, so there is no CSRF token: a request another site's page makes
// is refused (Sec-Fetch-Site, or Origin where that is missing), and the
// ceremony id it carries was made for this browser moments ago.

const maxPasskeyAnswer = 64 << 10

type ceremonyAnswer struct {
	Options  json.RawMessage `json:"options"`
	Ceremony string          `json:"ceremony"`
}

type passkeyRequest struct {
	Ceremony string          `json:"ceremony"`
	Name     string          `json:"name"`
	Next     string          `json:"next"`
	Response json.RawMessage `json:"response"`
}

// crossSite reports whether a browser sent the request from another site's
// page. A browser says so (Sec-Fetch-Site, or else Origin) on every POST; a
// request without either is not a browser's, so not a forgery.
func crossSite(r *http.Request) bool {
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "same-origin", "none":
		return false
	case "":
	default:
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	o, err := url.Parse(origin)
	return err != nil || o.Host != r.Host
}

func (s *Server) passkeyJSON(w http.ResponseWriter, status int, v any) {
	headers(w)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// passkeyFailed answers the script why a ceremony failed, in words.
func (s *Server) passkeyFailed(w http.ResponseWriter, r *http.Request, err error) {
	p := httpx.ProblemFor(err)
	msg := p.Detail
	switch {
	case p.Status == http.StatusBadRequest:
		var fields []string
		for _, f := range p.Errors {
			fields = append(fields, f.Message)
		}
		if len(fields) > 0 {
			msg = "Give the passkey a name of up to 100 characters."
		}
	case p.Status == http.StatusInternalServerError:
		httpx.LogUnexpected(s.log, r, err)
		msg = "Something went wrong on our side. Please try again."
	case p.Status == http.StatusServiceUnavailable:
		msg = "sendcase could not do this just now. Please try again in a moment."
	}
	s.passkeyJSON(w, p.Status, map[string]string{"error": msg})
}

// readPasskeyRequest reads the script's request; ok is false once it has
// answered a refusal.
func (s *Server) readPasskeyRequest(w http.ResponseWriter, r *http.Request) (passkeyRequest, bool) {
	var req passkeyRequest
	if crossSite(r) {
		s.passkeyJSON(w, http.StatusForbidden, map[string]string{"error": "This request did not come from sendcase's own page."})
		return req, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPasskeyAnswer))
	if err == nil && len(body) > 0 {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		s.passkeyJSON(w, http.StatusBadRequest, map[string]string{"error": "The browser's answer could not be read. Please try again."})
		return req, false
	}
	return req, true
}

// passkeySignInOptions starts a passkey sign-in.
func (s *Server) passkeySignInOptions(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.readPasskeyRequest(w, r); !ok {
		return
	}
	options, id, err := s.svc.BeginPasskeySignIn(r.Context())
	if err != nil {
		s.passkeyFailed(w, r, err)
		return
	}
	s.passkeyJSON(w, http.StatusOK, ceremonyAnswer{Options: options, Ceremony: id})
}

// passkeySignIn finishes a passkey sign-in.
func (s *Server) passkeySignIn(w http.ResponseWriter, r *http.Request) {
	req, ok := s.readPasskeyRequest(w, r)
	if !ok {
		return
	}
	cookie, _, err := s.svc.FinishPasskeySignIn(r.Context(), req.Ceremony, req.Response)
	if err != nil {
		s.passkeyFailed(w, r, err)
		return
	}
	setSession(w, r, cookie, int(app.SessionAbsolute.Seconds()))
	s.passkeyJSON(w, http.StatusOK, map[string]string{"next": safeNext(req.Next)})
}

// invitation shows the page where an invited person sets up a passkey.
func (s *Server) invitation(w http.ResponseWriter, r *http.Request) {
	u, ok, err := s.svc.InvitedUser(r.Context(), r.PathValue("secret"))
	if err != nil {
		s.fail(w, r, user.User{}, err)
		return
	}
	if !ok {
		s.errorPage(w, r, nil, http.StatusNotFound, "This invitation link has expired or has been used. Ask the person who invited you for a new one.")
		return
	}
	s.render(w, r, http.StatusOK, "invitation", page{Title: "Set up your passkey", Data: map[string]any{
		"Name": u.Name, "Passkeys": s.svc.PasskeysEnabled()}})
}

// invitationOptions starts registering the invited person's passkey.
func (s *Server) invitationOptions(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.readPasskeyRequest(w, r); !ok {
		return
	}
	options, id, err := s.svc.BeginPasskeyRegistration(r.Context(), r.PathValue("secret"))
	if err != nil {
		s.passkeyFailed(w, r, err)
		return
	}
	s.passkeyJSON(w, http.StatusOK, ceremonyAnswer{Options: options, Ceremony: id})
}

// invitationFinish records the passkey and signs the person in.
func (s *Server) invitationFinish(w http.ResponseWriter, r *http.Request) {
	req, ok := s.readPasskeyRequest(w, r)
	if !ok {
		return
	}
	cookie, _, err := s.svc.FinishPasskeyRegistration(r.Context(), r.PathValue("secret"), req.Ceremony, user.AddPasskey{Name: req.Name}, req.Response)
	if err != nil {
		s.passkeyFailed(w, r, err)
		return
	}
	setSession(w, r, cookie, int(app.SessionAbsolute.Seconds()))
	s.passkeyJSON(w, http.StatusOK, map[string]string{"next": "/ui/"})
}
