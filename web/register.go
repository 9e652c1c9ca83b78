package web

import (
	"errors"
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
)

type registerPage struct {
	School trust.School
	Codes  []need.Code
}

// register shows and sends the form that registers a pupil.
func (s *Server) register(w http.ResponseWriter, r *http.Request, u user.User) {
	schoolID := r.PathValue("school")
	sch, err := s.svc.SchoolToWrite(r.Context(), u, schoolID)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	pg := page{Title: "Register a pupil", User: &u, Data: registerPage{School: sch, Codes: need.Codes}, FormName: "reg"}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "register", pg)
		return
	}
	var cmd pupil.Register
	pg.Form = r.PostForm
	if errs := decodeForm(r, &cmd); errs != nil {
		pg.Errors = errs
		s.render(w, r, http.StatusBadRequest, "register", pg)
		return
	}
	res, err := s.svc.RegisterPupil(r.Context(), u, app.CommandOptions{}, schoolID, cmd)
	if errs, ok := fieldErrors(err); ok {
		pg.Errors = errs
		s.render(w, r, http.StatusBadRequest, "register", pg)
		return
	}
	var ce *domain.ConflictError
	if errors.As(err, &ce) {
		pg.Errors = map[string]string{"upn": ce.Reason}
		s.render(w, r, http.StatusConflict, "register", pg)
		return
	}
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	redirectDone(w, r, "/ui/pupils/"+res.ID, "Pupil registered")
}
