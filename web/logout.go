package web

import (
	"net/http"

	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/httpx"
)

// logout ends this browser's session, or with everywhere=yes every
// session of the user.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, u user.User) {
	var err error
	if r.PostFormValue("everywhere") == "yes" {
		err = s.svc.EndAllSessions(r.Context(), u)
	} else if c, cerr := r.Cookie(httpx.SessionCookie); cerr == nil {
		err = s.svc.EndSession(r.Context(), c.Value)
	}
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	setSession(w, r, "", -1)
	http.Redirect(w, r, "/ui/login", http.StatusSeeOther)
}
