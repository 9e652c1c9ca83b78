package web

import (
	"net/http"

	"github.com/sendcase/sendcase/domain/user"
)

// admin lists every trust (admins).
func (s *Server) admin(w http.ResponseWriter, r *http.Request, u user.User) {
	trusts, err := s.svc.Trusts(u)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin", page{Title: "Trusts", User: &u, Data: trusts})
}
