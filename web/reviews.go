package web

import (
	"net/http"

	"github.com/sendcase/sendcase/domain/user"
)

// reviews lists the pupils granted to an LA reviewer.
func (s *Server) reviews(w http.ResponseWriter, r *http.Request, u user.User) {
	g, err := s.svc.Granted(r.Context(), u)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "reviews", page{Title: "Pupils granted to me", User: &u, Data: g})
}
