package web

import (
	"net/http"
	"net/url"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
)

// Parents and carers: the SENCO invites them from the pupil page; a parent
// signs in with the passkey the invitation sets up and sees their
// children's pages (/ui/children), where they give their views and ask
// for meetings.

// inviteParent invites a parent or carer to the pupil (the pupil page's
// form "parents"), and shows the invitation's link when no mail is set up.
func (s *Server) inviteParent(w http.ResponseWriter, r *http.Request, u user.User) {
	id := r.PathValue("id")
	typed := url.Values{}
	for k, v := range r.PostForm {
		typed[k] = v
	}
	var cmd app.InviteParent
	errs := decodeForm(r, &cmd)
	var inv app.Invitation
	var err error
	if errs == nil {
		inv, err = s.svc.InviteParent(r.Context(), u, app.CommandOptions{}, id, cmd)
		if fe, ok := fieldErrors(err); ok {
			errs, err = fe, nil
		}
	}
	if s.refusedPupilForm(w, r, u, id, "parents", typed, errs, err) {
		return
	}
	if inv.Emailed {
		redirectDone(w, r, "/ui/pupils/"+id+"#parents", cmd.Name+" is linked and was emailed an invitation")
		return
	}
	s.render(w, r, http.StatusOK, "invited", page{Title: "Invitation for " + cmd.Name, User: &u, Data: invitedPage{
		Invited: &inv, InvitedName: cmd.Name, Back: "/ui/pupils/" + id + "#parents", BackLabel: "Back to the pupil's record"}})
}

// invitedPage shows an invitation's link once.
type invitedPage struct {
	Invited         *app.Invitation
	InvitedName     string
	Back, BackLabel string
}

// children lists a parent's children; with one, it is their page.
func (s *Server) children(w http.ResponseWriter, r *http.Request, u user.User) {
	kids, err := s.svc.Children(r.Context(), u)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	if len(kids) == 1 {
		http.Redirect(w, r, "/ui/children/"+kids[0].PupilID, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "children", page{Title: "My children", User: &u, Data: kids})
}

// child is a parent's page of their child.
func (s *Server) child(w http.ResponseWriter, r *http.Request, u user.User) {
	s.childPage(w, r, u, http.StatusOK, nil, "", nil)
}

func (s *Server) childPage(w http.ResponseWriter, r *http.Request, u user.User, status int, form url.Values, name string, errs map[string]string) {
	c, err := s.svc.Child(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	pg := page{Title: c.FirstName + " " + c.LastName, User: &u, Data: c, Form: form, FormName: name, Errors: errs}
	if errs != nil {
		pg.Flash, pg.Refused = "Please correct the fields marked below.", true
	}
	s.render(w, r, status, "child", pg)
}

// childForm runs a parent's form: their views, or asking for a meeting.
func (s *Server) childForm(w http.ResponseWriter, r *http.Request, u user.User) {
	id, name := r.PathValue("id"), r.PathValue("form")
	typed := url.Values{}
	for k, v := range r.PostForm {
		typed[k] = v
	}
	var errs map[string]string
	var err error
	done := ""
	switch name {
	case "views":
		var cmd pupil.GiveViews
		if errs = decodeForm(r, &cmd); errs == nil {
			_, err = s.svc.GiveViews(r.Context(), u, app.CommandOptions{}, id, cmd)
		}
		done = "Thank you: your views are on the record, and the school will read them before the review"
	case "meeting":
		var cmd pupil.AskForMeeting
		if errs = decodeForm(r, &cmd); errs == nil {
			_, err = s.svc.AskForMeeting(r.Context(), u, app.CommandOptions{}, id, cmd)
		}
		done = "Your request for a meeting is with the school"
	default:
		s.errorPage(w, r, &u, http.StatusNotFound, "There is no such form.")
		return
	}
	if fe, ok := fieldErrors(err); ok {
		errs, err = fe, nil
	}
	switch {
	case err != nil:
		s.fail(w, r, u, err)
	case errs != nil:
		s.childPage(w, r, u, http.StatusBadRequest, typed, name, errs)
	default:
		redirectDone(w, r, "/ui/children/"+id, done)
	}
}
