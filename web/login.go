package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/httpx"
)

// login shows the sign-in form and signs in with a token.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "login", page{Title: "Sign in", Form: url.Values{"next": {r.URL.Query().Get("next")}}})
		return
	}
	_ = r.ParseForm()
	token := strings.TrimSpace(r.PostFormValue("token"))
	cookie, _, err := s.svc.StartSession(r.Context(), token)
	if errors.Is(err, app.ErrUnauthenticated) {
		s.render(w, r, http.StatusUnauthorized, "login", page{Title: "Sign in", Form: r.PostForm,
			Errors: map[string]string{"token": "This token is not valid. Check it, or ask your trust's SEND lead for a new one."}})
		return
	}
	if err != nil {
		s.fail(w, r, user.User{}, err)
		return
	}
	// The cookie holds the session's id, never the token.
	http.SetCookie(w, &http.Cookie{Name: httpx.SessionCookie, Value: cookie, Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: int(app.SessionAbsolute.Seconds())})
	next := r.PostFormValue("next")
	if !strings.HasPrefix(next, "/ui/") || strings.HasPrefix(next, "//") {
		next = "/ui/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
