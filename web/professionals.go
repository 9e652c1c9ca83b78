package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
)

// Outside professionals: the SENCO asks one in from the pupil page's EHC
// and referrals (the form "professionals"); the professional signs in with
// the passkey the invitation sets up, reads what each open request shares
// (/ui/requests) and sends their advice or report there.

// askChoice is an open advice request or a referral waiting for its
// report, as the invitation form offers it: "advice:12", "referral:<id>".
type askChoice struct {
	Value, Label string
}

// askChoices are what a professional can be asked for on p's record.
func askChoices(p *pupil.Pupil) []askChoice {
	var out []askChoice
	for _, a := range p.Clock().AdviceRequests() {
		if !a.ReceivedOn.Valid() {
			out = append(out, askChoice{fmt.Sprintf("advice:%d", a.Entry), fmt.Sprintf("Advice from the %s, asked for on %s", a.From, longDate(a.RequestedOn))})
		}
	}
	for _, r := range p.Referrals {
		if r.AwaitsReport() {
			out = append(out, askChoice{"referral:" + r.ID, fmt.Sprintf("The report of the referral to %s, made on %s", strings.ReplaceAll(r.Service, "_", " "), longDate(r.ReferredOn))})
		}
	}
	return out
}

// inviteProfessional asks a professional in (the pupil page's form
// "professionals"), and shows the invitation's link when no mail is set
// up. The form's one choice "request" is the API's advice_entry or
// referral_id, and their errors are shown against it.
func (s *Server) inviteProfessional(w http.ResponseWriter, r *http.Request, u user.User) {
	id := r.PathValue("id")
	typed := url.Values{}
	for k, v := range r.PostForm {
		typed[k] = v
	}
	kind, ref, _ := strings.Cut(r.PostForm.Get("request"), ":")
	switch kind {
	case "advice":
		r.PostForm.Set("advice_entry", ref)
	case "referral":
		r.PostForm.Set("referral_id", ref)
	}
	r.PostForm.Del("request")
	var cmd app.InviteProfessional
	errs := decodeForm(r, &cmd)
	var inv app.Invitation
	var err error
	if errs == nil {
		inv, err = s.svc.InviteProfessional(r.Context(), u, app.CommandOptions{}, id, cmd)
		if fe, ok := fieldErrors(err); ok {
			errs, err = fe, nil
		}
	}
	for _, f := range []string{"advice_entry", "referral_id"} {
		if msg, ok := errs[f]; ok {
			delete(errs, f)
			errs["request"] = "Choose what they are asked for: " + msg
		}
	}
	if s.refusedPupilForm(w, r, u, id, "professionals", typed, errs, err) {
		return
	}
	if inv.Emailed {
		redirectDone(w, r, "/ui/pupils/"+id+"#professionals", cmd.Name+" was asked and emailed an invitation")
		return
	}
	s.render(w, r, http.StatusOK, "invited", page{Title: "Invitation for " + cmd.Name, User: &u, Data: invitedPage{
		Invited: &inv, InvitedName: cmd.Name, Back: "/ui/pupils/" + id + "#professionals", BackLabel: "Back to the pupil's record"}})
}

// requests lists a professional's requests.
func (s *Server) requests(w http.ResponseWriter, r *http.Request, u user.User) {
	reqs, err := s.svc.Requests(r.Context(), u)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "requests", page{Title: "Requests for advice", User: &u, Data: reqs})
}

// request is an open request as the professional sees it, with the form
// that sends their advice or report (GET), and that form sent (POST:
// multipart, read by signedIn).
func (s *Server) request(w http.ResponseWriter, r *http.Request, u user.User) {
	id, reqID := r.PathValue("id"), r.PathValue("req")
	if r.Method == http.MethodGet {
		s.requestPage(w, r, u, http.StatusOK, nil, nil)
		return
	}
	typed := url.Values{"name": {r.PostForm.Get("name")}}
	f, hdr, ferr := r.FormFile("file")
	if err := s.svc.MayAnswer(r.Context(), u, id, reqID); err != nil {
		s.fail(w, r, u, err)
		return
	}
	if ferr != nil {
		s.requestPage(w, r, u, http.StatusBadRequest, typed, map[string]string{"file": "Choose the file to send"})
		return
	}
	defer f.Close()
	var cmd pupil.Answer
	if errs := decodeForm(r, &cmd); errs != nil {
		s.requestPage(w, r, u, http.StatusBadRequest, typed, errs)
		return
	}
	if cmd.Name == "" {
		cmd.Name = hdr.Filename
	}
	_, err := s.svc.AnswerRequest(r.Context(), u, app.CommandOptions{}, id, reqID, cmd, f)
	if errs, ok := fieldErrors(err); ok {
		s.requestPage(w, r, u, http.StatusBadRequest, typed, errs)
		return
	}
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	redirectDone(w, r, "/ui/requests", "Thank you: your file is with the school, and the request is closed")
}

func (s *Server) requestPage(w http.ResponseWriter, r *http.Request, u user.User, status int, form url.Values, errs map[string]string) {
	req, err := s.svc.Request(r.Context(), u, r.PathValue("id"), r.PathValue("req"))
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	pg := page{Title: "Request about " + req.FirstName + " " + req.LastName, User: &u, Data: req, Form: form, FormName: "answer", Errors: errs}
	if errs != nil {
		pg.Flash, pg.Refused = "Please correct the fields marked below.", true
	}
	s.render(w, r, status, "request", pg)
}
