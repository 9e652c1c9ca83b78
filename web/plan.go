package web

import (
	"net/http"

	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
)

// planPrint is the printable SEN support plan, for parents.
func (s *Server) planPrint(w http.ResponseWriter, r *http.Request, u user.User) {
	pp, err := s.loadPupilPage(r, u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	var plan *pupil.Cycle
	for i := len(pp.Pupil.Cycles) - 1; i >= 0; i-- {
		if pp.Pupil.Cycles[i].Plan != nil {
			plan = pp.Pupil.Cycles[i]
			break
		}
	}
	s.render(w, r, http.StatusOK, "plan", page{Title: "SEN support plan — " + pp.Pupil.FirstName + " " + pp.Pupil.LastName, User: &u,
		Data: struct {
			*pupilPage
			Plan *pupil.Cycle
		}{pp, plan}}) // pupilPage.Current is the open cycle, if any
}

// aboutMePrint is the pupil's one-page profile, to print for the staff who
// work with them.
func (s *Server) aboutMePrint(w http.ResponseWriter, r *http.Request, u user.User) {
	pp, err := s.loadPupilPage(r, u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "aboutme", page{Title: "About me — " + pp.Pupil.FirstName + " " + pp.Pupil.LastName, User: &u, Data: pp})
}
