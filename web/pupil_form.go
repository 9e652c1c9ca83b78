package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/pupil"
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
	// then, if set, may send the browser on to what follows the form
	// (path and banner) instead of back to its section.
	then func(r *http.Request, id string) (path, msg string, ok bool)
}

// pupilForms are the forms of the pupil page, each one use case. Adding a
// pupil command to the UI is one line here and its form in pupil.html.
var pupilForms = map[string]pupilForm{
	"cycle":           {onPupil((*app.Service).OpenCycle), "cycle", "Cycle opened", nil},
	"assessment":      {onPart("cycle_id", (*app.Service).RecordAssessment), "cycle", "Assessment recorded", nil},
	"plan":            {planForm, "cycle", "Plan agreed", nil},
	"session":         {sessionForm, "cycle", "Session logged", nil},
	"review":          {onPart("cycle_id", (*app.Service).RecordReview), "cycle", "Review recorded", offerEHCRequest},
	"status":          {onPupil((*app.Service).ChangeStatus), "details", "SEN status changed", nil},
	"ehcp":            {onPupil((*app.Service).RecordEHCP), "ehcp", "EHCP milestone recorded", nil},
	"referral":        {onPupil((*app.Service).MakeReferral), "referrals", "Referral made", nil},
	"meeting":         {onPupil((*app.Service).RecordMeeting), "meetings", "Meeting recorded", nil},
	"about-me":        {onPupil((*app.Service).WriteAboutMe), "about-me", "Profile saved", nil},
	"documents":       {documentForm, "documents", "Document attached", nil},
	"referral-status": {onPart("referral_id", (*app.Service).ChangeReferral), "referrals", "Referral updated", nil},
	"grant":           {onPupil((*app.Service).GrantAccess), "access", "Access granted", nil},
	"revoke":          {onPupil((*app.Service).RevokeAccess), "access", "Access ended", nil},
	"staff":           {onPupil((*app.Service).AssignStaff), "staff", "Staff assigned", nil},
	"unstaff":         {onPupil((*app.Service).UnassignStaff), "staff", "Assignment ended", nil},
	// A transfer moves the pupil out of the SENCO's sight: back to their first page.
	"transfer": {onPupil((*app.Service).Transfer), "", "Pupil transferred", nil},
	"leave":    {onPupil((*app.Service).Leave), "details", "Pupil taken off roll", nil},
	"erase":    {onPupil((*app.Service).ErasePupil), "details", "Personal data erased", nil},
	"details":  {onPupil((*app.Service).CorrectDetails), "details", "Details corrected", nil},
	"readmit":  {onPupil((*app.Service).Readmit), "details", "Pupil re-admitted", nil},
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

// withRows runs a form after dropping the rows of its repeated groups left
// blank (each group a prefix and the field that says a row is used), and
// puts errors back on the rows they came from.
func withRows(run formRunner, groups ...[2]string) formRunner {
	return func(s *Server, r *http.Request, u user.User, id string) (map[string]string, error) {
		original := url.Values{}
		for k, v := range r.PostForm {
			original[k] = v
		}
		keep := make([][]int, len(groups))
		for i, g := range groups {
			keep[i] = compactRows(r.PostForm, g[0], g[1])
		}
		errs, err := run(s, r, u, id)
		r.PostForm = original
		for i, g := range groups {
			restoreRows(errs, g[0], keep[i])
		}
		return errs, err
	}
}

// repeatedRows are the repeated groups of each kind of entry's fields
// (recording.html), and the field that says a row is used: a plan's
// outcomes and catalogue rows ticked, a session's readings taken. The
// forms that record and that correct an entry both drop the rest.
var repeatedRows = map[string][][2]string{
	pupil.EntryPlan:    {{"outcomes", "description"}, {"provisions", "provision_id"}},
	pupil.EntrySession: {{"readings", "value"}},
}

var (
	planForm    = withRows(onPart("cycle_id", (*app.Service).AgreePlan), repeatedRows[pupil.EntryPlan]...)
	sessionForm = withRows(onPart("cycle_id", (*app.Service).LogSession), repeatedRows[pupil.EntrySession]...)
)

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
	if ask, ok := confirmations[name]; ok && r.PostForm.Get("confirm") != "yes" {
		// Asked only of who may, and of a form that is complete: else it
		// is refused now, as any form is.
		pp, err := s.loadPupilPage(r, u, id)
		if err != nil {
			s.fail(w, r, u, err)
			return
		}
		may := pp.CanWrite
		if name == "erase" {
			may = pp.CanErase
		}
		if may && ask.check(r, pp.Today) == nil && (ask.when == nil || ask.when(r, pp)) {
			s.confirm(w, r, u, id, name, ask, typed)
			return
		}
		r.PostForm.Set("confirm", "yes")
	}
	r.PostForm.Del("confirm")
	errs, err := form.run(s, r, u, id)
	if s.refusedPupilForm(w, r, u, id, name, typed, errs, err) {
		return
	}
	if form.then != nil {
		if path, msg, ok := form.then(r, id); ok {
			redirectDone(w, r, path, msg)
			return
		}
	}
	if form.section == "" {
		redirectDone(w, r, "/ui/", form.done)
		return
	}
	redirectDone(w, r, "/ui/pupils/"+id+"#"+form.section, form.done)
}

// refusedPupilForm answers a pupil page's form that failed: the page again
// with what was typed and the errors by their fields, or the error's page.
// It reports whether it answered (false: the form was done).
func (s *Server) refusedPupilForm(w http.ResponseWriter, r *http.Request, u user.User, id, name string, typed url.Values, errs map[string]string, err error) bool {
	no, refused, err := refusedBy(errs, err)
	switch {
	case err != nil:
		s.fail(w, r, u, err)
	case refused:
		pp, err := s.loadPupilPage(r, u, id)
		if err != nil {
			s.fail(w, r, u, err)
			return true
		}
		s.render(w, r, no.status, "pupil", no.page(page{Title: pp.Pupil.FirstName + " " + pp.Pupil.LastName, User: &u, Data: pp}, typed, errs, name))
	default:
		return false
	}
	return true
}

// offerEHCRequest follows through a review that decided to ask for an EHC
// needs assessment: the request is offered next, filled in.
func offerEHCRequest(r *http.Request, id string) (string, string, bool) {
	if r.PostForm.Get("decision") != pupil.DecisionEHCRequest {
		return "", "", false
	}
	q := url.Values{"next": {nextEHCRequest}}
	if d, err := parseDate(r.PostForm.Get("held_on")); err == nil {
		q.Set("on", d.String())
	}
	return "/ui/pupils/" + id + "?" + q.Encode() + "#ehcp", "Review recorded. It decided to request an EHC needs assessment: record the request below.", true
}

// nextEHCRequest (?next= on the pupil page) fills in the form recording
// an EHC needs assessment request, as a review decided.
const nextEHCRequest = "ehc_request"

// confirmations are the forms that cannot be taken back by another form:
// each is asked again, saying what will happen, before it is sent.
var confirmations = map[string]confirmation{
	"leave": {Question: "Take this pupil off roll? Their open cycle's provision ends and they leave the caseload; the record stays, read only.",
		Yes: "Yes, take them off roll", check: checkForm[pupil.Leave]},
	"transfer": {Question: "Transfer this pupil? The record moves to the other school: its SENCO takes it over, and this school's staff no longer see it.",
		Yes: "Yes, transfer them", check: checkForm[pupil.Transfer]},
	"erase": {Question: "Erase this pupil's personal data? Names, date of birth, UPN and every note become unreadable for good. This cannot be undone.",
		Yes: "Yes, erase it", check: checkForm[pupil.Erase]},
	// No longer SEN with a cycle open: close it too, or not.
	"status": {Question: "This pupil will no longer be on the SEN register, but a cycle of SEN support is still open. Close it as well, and end its provisions? Its records are kept; it shows as closed without a review.",
		Yes: "Yes, close the cycle and end its provisions", No: "No, change the status only", Choice: "close_cycle",
		check: checkForm[pupil.ChangeStatus], when: func(r *http.Request, pp *pupilPage) bool {
			return r.PostForm.Get("sen_status") == string(need.NoSEN) && pp.Current != nil && r.PostForm.Get("close_cycle") == ""
		}},
}

type confirmation struct {
	Question, Yes string
	// No, with Choice, offers a second way on: the form's field Choice is
	// sent "true" by Yes and "false" by No.
	No, Choice string
	// check says whether the form is complete (the command's own checks);
	// when, if set, whether to ask at all.
	check func(r *http.Request, today civil.Date) error
	when  func(r *http.Request, pp *pupilPage) bool
}

// checkForm checks the posted form as command C on today, deciding
// nothing.
func checkForm[C any](r *http.Request, today civil.Date) error {
	var cmd C
	if errs := decodeForm(r, &cmd); errs != nil {
		return errors.New("undecodable form")
	}
	return domain.ValidateOn(cmd, today)
}

// confirm asks again before a form that cannot be taken back, keeping
// what was typed.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request, u user.User, id, name string, ask confirmation, typed url.Values) {
	type field struct{ Name, Value string }
	var fields []field
	for k, vs := range typed {
		if k == "csrf" || k == "confirm" || (ask.Choice != "" && k == ask.Choice) {
			continue
		}
		for _, v := range vs {
			fields = append(fields, field{k, v})
		}
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i].Name < fields[j].Name })
	s.render(w, r, http.StatusOK, "confirm", page{Title: "Are you sure?", User: &u, Data: map[string]any{
		"Action": "/ui/pupils/" + id + "/" + name, "Back": "/ui/pupils/" + id, "Question": ask.Question, "Yes": ask.Yes,
		"No": ask.No, "Choice": ask.Choice, "Fields": fields}})
}

// refusal is how a refused form is shown again: its status, and why.
type refusal struct {
	status   int
	flash    string
	conflict bool
}

// refusedBy says whether a form was refused: by its field errors (400),
// or by the record (a conflict, 409, said in words). A refused form is
// shown again; any other error is returned, to fail the page with.
func refusedBy(errs map[string]string, err error) (refusal, bool, error) {
	var ce *domain.ConflictError
	switch {
	case errors.As(err, &ce):
		return refusal{http.StatusConflict, "This could not be done: " + strings.ReplaceAll(ce.Reason, "_", " ") + ".", true}, true, nil
	case errs != nil:
		return refusal{status: http.StatusBadRequest, flash: "Please correct the fields marked below."}, true, nil
	}
	return refusal{}, false, err
}

// page is pg showing form name again: what was typed, its errors linked
// from the summary, and why.
func (f refusal) page(pg page, typed url.Values, errs map[string]string, name string) page {
	pg.Form, pg.Errors, pg.FormName, pg.Flash, pg.Refused = typed, errs, name, f.flash, f.conflict
	return pg
}
