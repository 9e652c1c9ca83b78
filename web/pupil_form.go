package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/user"
)

// formRunner runs a posted form on pupil id: it returns the form's field
// errors, or the error that is not about a field.
type formRunner func(s *Server, r *http.Request, u user.User, id string) (map[string]string, error)

// pupilForm is one form of the pupil page: what it does, where the page
// returns to, and what it says when done.
type pupilForm struct {
	run     formRunner
	section string
	done    string
}

// pupilForms are the forms of the pupil page, each one use case. Adding a
// pupil command to the UI is one line here and its form in pupil.html.
var pupilForms = map[string]pupilForm{
	"cycle":           {onPupil((*app.Service).OpenCycle), "cycle", "Cycle opened"},
	"assessment":      {onPart("cycle_id", (*app.Service).RecordAssessment), "cycle", "Assessment recorded"},
	"plan":            {planForm, "cycle", "Plan agreed"},
	"session":         {onPart("cycle_id", (*app.Service).LogSession), "cycle", "Session logged"},
	"review":          {onPart("cycle_id", (*app.Service).RecordReview), "cycle", "Review recorded"},
	"status":          {onPupil((*app.Service).ChangeStatus), "details", "SEN status changed"},
	"ehcp":            {onPupil((*app.Service).RecordEHCP), "ehcp", "EHCP milestone recorded"},
	"referral":        {onPupil((*app.Service).MakeReferral), "referrals", "Referral made"},
	"referral-status": {onPart("referral_id", (*app.Service).ChangeReferral), "referrals", "Referral updated"},
	"grant":           {onPupil((*app.Service).GrantAccess), "access", "Access granted"},
	"revoke":          {onPupil((*app.Service).RevokeAccess), "access", "Access ended"},
	"staff":           {onPupil((*app.Service).AssignStaff), "staff", "Staff assigned"},
	"unstaff":         {onPupil((*app.Service).UnassignStaff), "staff", "Assignment ended"},
	// A transfer moves the pupil out of the SENCO's sight: back to their first page.
	"transfer": {onPupil((*app.Service).Transfer), "", "Pupil transferred"},
	"leave":    {onPupil((*app.Service).Leave), "details", "Pupil taken off roll"},
	"erase":    {onPupil((*app.Service).ErasePupil), "details", "Personal data erased"},
}

// onPupil decodes the form into C and runs a command on the pupil.
func onPupil[C, R any](f func(*app.Service, context.Context, user.User, app.CommandOptions, string, C) (R, error)) formRunner {
	return func(s *Server, r *http.Request, u user.User, id string) (map[string]string, error) {
		var cmd C
		if errs := decodeForm(r, &cmd); errs != nil {
			return errs, nil
		}
		_, err := f(s.svc, r.Context(), u, app.CommandOptions{}, id, cmd)
		if errs, ok := fieldErrors(err); ok {
			return errs, nil
		}
		return nil, err
	}
}

// onPart is onPupil for a command on a part of the record (a cycle, a
// referral) named by the form field field.
func onPart[C, R any](field string, f func(*app.Service, context.Context, user.User, app.CommandOptions, string, string, C) (R, error)) formRunner {
	return func(s *Server, r *http.Request, u user.User, id string) (map[string]string, error) {
		part := r.PostFormValue(field)
		r.PostForm.Del(field)
		return onPupil(func(svc *app.Service, ctx context.Context, u user.User, o app.CommandOptions, id string, cmd C) (R, error) {
			return f(svc, ctx, u, o, id, part, cmd)
		})(s, r, u, id)
	}
}

// planForm drops the outcome rows left blank and the catalogue rows not
// ticked before deciding, and puts errors back on the rows they came from.
func planForm(s *Server, r *http.Request, u user.User, id string) (map[string]string, error) {
	original := url.Values{}
	for k, v := range r.PostForm {
		original[k] = v
	}
	outcomes := compactRows(r.PostForm, "outcomes", "description")
	provisions := compactRows(r.PostForm, "provisions", "provision_id")
	errs, err := onPart("cycle_id", (*app.Service).AgreePlan)(s, r, u, id)
	r.PostForm = original
	restoreRows(errs, "outcomes", outcomes)
	restoreRows(errs, "provisions", provisions)
	return errs, err
}

// pupilForm runs a form of the pupil page: on success back to the
// page's section, on field errors the page again with the values kept and
// the errors next to their fields.
func (s *Server) pupilForm(w http.ResponseWriter, r *http.Request, u user.User) {
	id, name := r.PathValue("id"), r.PathValue("form")
	form, ok := pupilForms[name]
	if !ok {
		s.errorPage(w, r, &u, http.StatusNotFound, "There is no such form.")
		return
	}
	typed := url.Values{}
	for k, v := range r.PostForm {
		typed[k] = v
	}
	errs, err := form.run(s, r, u, id)
	var ce *domain.ConflictError
	conflict := errors.As(err, &ce)
	if err != nil && !conflict {
		s.fail(w, r, u, err)
		return
	}
	if errs != nil || conflict {
		// Refused: the page again, what was typed kept, and why in words.
		status, flash := http.StatusBadRequest, "Please correct the fields marked below."
		if conflict {
			status, flash = http.StatusConflict, "This could not be done: "+strings.ReplaceAll(ce.Reason, "_", " ")+"."
		}
		pp, lerr := s.loadPupilPage(r, u, id)
		if lerr != nil {
			s.fail(w, r, u, lerr)
			return
		}
		s.render(w, r, status, "pupil", page{Title: pp.Pupil.FirstName + " " + pp.Pupil.LastName, User: &u, Data: pp,
			Form: typed, Errors: errs, FormName: name, Flash: flash, Refused: conflict})
		return
	}
	if form.section == "" {
		redirectDone(w, r, "/ui/", form.done)
		return
	}
	redirectDone(w, r, "/ui/pupils/"+id+"#"+form.section, form.done)
}
