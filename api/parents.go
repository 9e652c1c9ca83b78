package api

import (
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/user"
)

type childrenAnswer struct {
	Children []app.ChildRef `json:"children"`
}

func (s *Server) myChildren(w http.ResponseWriter, r *http.Request, u user.User) {
	kids, err := s.svc.Children(r.Context(), u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, childrenAnswer{Children: kids})
}

func (s *Server) child(w http.ResponseWriter, r *http.Request, u user.User) {
	c, err := s.svc.Child(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, c)
}
