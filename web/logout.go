package web

import (
	"net/http"

	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/httpx"
)

// logout ends the session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, _ user.User) {
	http.SetCookie(w, &http.Cookie{Name: httpx.SessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/ui/login", http.StatusSeeOther)
}
