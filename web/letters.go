package web

import (
	"net/http"
	"net/url"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/user"
)

// Letters: the annual review invitation (to parents or to professionals)
// and the request for advice, filled from the record, printed from the
// browser (or saved as PDF through its print). What the record does not
// hold (the time and place, who to reply to) is typed on the page; the
// letter is not stored: recording the invitations as sent is the EHC
// form's job.

// letterTo is whom an annual review invitation is written to.
var letterTo = domain.Allowed("letter_to", "parents", "professional")

// letterFields are what the letter page asks for besides the record.
type letterFields struct {
	To      string `json:"to" validate:"omitempty,allowed=letter_to"`
	Time    string `json:"time" validate:"max=40"`
	Place   string `json:"place" validate:"max=200"`
	Contact string `json:"contact" validate:"max=200"`
	From    string `json:"from" validate:"max=200"`
}

type letterPage struct {
	*pupilPage
	Letter string
	Fields letterFields
	Today  civil.Date
	// Annual review: the meeting and the day advice is wanted by.
	Meeting, AdviceBy civil.Date
	// Advice request: the one written, and every one asked.
	Advice   *ehcp.AdviceRequest
	Requests []ehcp.AdviceRequest
	Signed   string
}

// letter shows one letter (annual-review or advice-request) for the pupil.
func (s *Server) letter(w http.ResponseWriter, r *http.Request, u user.User) {
	pp, err := s.loadPupilPage(r, u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	if !pp.CanGrant {
		s.errorPage(w, r, &u, http.StatusForbidden, "Letters about the EHC process are written by the pupil's SENCO or the trust lead.")
		return
	}
	q := r.URL.Query()
	f := letterFields{To: q.Get("to"), Time: q.Get("time"), Place: q.Get("place"), Contact: q.Get("contact"), From: q.Get("from")}
	if f.To == "" {
		f.To = letterTo[0] // the parents
	}
	if f.Contact == "" {
		f.Contact = u.Email
	}
	var refused error
	d := letterPage{pupilPage: pp, Letter: r.PathValue("letter"), Fields: f, Today: s.svc.Today(), Signed: u.Name}
	c := pp.Pupil.Clock()
	switch d.Letter {
	case "annual-review":
		d.Meeting, d.AdviceBy, _ = c.ReviewMeeting()
	case "advice-request":
		d.Requests = c.AdviceRequests()
		for i := range d.Requests {
			if f.From == "" && !d.Requests[i].ReceivedOn.Valid() || d.Requests[i].From == f.From {
				d.Advice = &d.Requests[i]
			}
		}
		if f.From != "" && d.Advice == nil {
			refused = domain.Invalid("from", "no advice was asked of %q on this record", f.From)
		}
	default:
		s.errorPage(w, r, &u, http.StatusNotFound, "There is no such letter.")
		return
	}
	pg := page{Title: "Letter — " + pp.Pupil.FirstName + " " + pp.Pupil.LastName, User: &u, Data: d, FormName: "letter",
		Form: url.Values{"time": {f.Time}, "place": {f.Place}, "contact": {f.Contact}}}
	status := http.StatusOK
	if err := domain.Validate(f); err != nil || refused != nil {
		if err == nil {
			err = refused
		}
		pg.Errors, _ = fieldErrors(err)
		status = http.StatusBadRequest
		pg.Flash, pg.Refused = "The letter could not be filled in: see the fields marked.", true
	}
	s.render(w, r, status, "letter", pg)
}
