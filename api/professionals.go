package api

import (
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
)

type requestsAnswer struct {
	Requests []app.RequestRef `json:"requests"`
}

func (s *Server) myRequests(w http.ResponseWriter, r *http.Request, u user.User) {
	reqs, err := s.svc.Requests(r.Context(), u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, requestsAnswer{Requests: reqs})
}

func (s *Server) request(w http.ResponseWriter, r *http.Request, u user.User) {
	req, err := s.svc.Request(r.Context(), u, r.PathValue("id"), r.PathValue("req"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, req)
}

// answerRequest records a professional's file (multipart/form-data: the
// file in "file", its name in "name") as their answer.
func (s *Server) answerRequest(w http.ResponseWriter, r *http.Request, u user.User) {
	id, req := r.PathValue("id"), r.PathValue("req")
	o, f, name, ok := s.upload(w, r, func() error { return s.svc.MayAnswer(r.Context(), u, id, req) })
	if !ok {
		return
	}
	defer f.Close()
	res, err := s.svc.AnswerRequest(r.Context(), u, o, id, req, pupil.Answer{Name: name}, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, res)
}
