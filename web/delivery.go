package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
)

// myPupils lists a member of staff's pupils.
func (s *Server) myPupils(w http.ResponseWriter, r *http.Request, u user.User) {
	ps, err := s.svc.MyPupils(r.Context(), u)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	s.render(w, r, http.StatusOK, "mypupils", page{Title: "My pupils", User: &u, Data: ps})
}

// delivery shows what a member of staff delivers for a pupil and logs a
// session of it.
func (s *Server) delivery(w http.ResponseWriter, r *http.Request, u user.User) {
	id := r.PathValue("id")
	d, err := s.svc.PupilDelivery(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	form := url.Values{"delivered_on": {s.svc.Today().String()}, "attended": {"true"}}
	if len(d.Provisions) > 0 {
		form.Set("minutes", strconv.Itoa(d.Provisions[0].MinutesPerSession)) // as planned, usually
	}
	pg := page{Title: d.FirstName + " " + d.LastName, User: &u, Data: d, FormName: "session", Form: form}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "delivery", pg)
		return
	}
	if submit(s, w, r, u, "delivery", pg, "provision_id", func(cmd pupil.LogSession) error {
		_, err := s.svc.LogSession(r.Context(), u, app.CommandOptions{}, id, d.CycleID, cmd)
		return err
	}) {
		done(w, r, "/ui/pupils/"+id+"/delivery", "Session logged")
	}
}
