package api

import (
	"net/http"
	"strconv"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/domain/yeargroup"
)

func (s *Server) me(w http.ResponseWriter, r *http.Request, u user.User) {
	s.reply(w, r, u)
}

func (s *Server) getTrust(w http.ResponseWriter, r *http.Request, u user.User) {
	t, err := s.svc.Trust(r.Context(), u, r.PathValue("trust"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, t)
}

// pupilView is the body of GET /v1/pupils/{id}.
type pupilView struct {
	*pupil.Pupil
	CurrentYearGroup yeargroup.Group `json:"current_year_group"`
	// Erased says at a glance what Erasure details.
	Erased    bool               `json:"erased"`
	EHCP      ehcp.View          `json:"ehcp"`
	Referrals []app.ReferralView `json:"referrals"`
}

func (s *Server) getPupil(w http.ResponseWriter, r *http.Request, u user.User) {
	rec, err := s.svc.PupilRecord(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("ETag", strconv.Quote(strconv.Itoa(rec.Pupil.Version)))
	s.reply(w, r, pupilView{Pupil: rec.Pupil, CurrentYearGroup: rec.YearGroup, Erased: rec.Pupil.Erasure != nil,
		EHCP: rec.EHCP, Referrals: rec.Referrals})
}

// asOf reads ?as_of=YYYY-MM-DD; absent, it is zero (today, to app).
func asOf(w http.ResponseWriter, r *http.Request) (civil.Date, bool) {
	q := r.URL.Query().Get("as_of")
	if q == "" {
		return 0, true
	}
	d, err := civil.Parse(q)
	if err != nil {
		fieldProblem(w, "as_of", "is not a date (YYYY-MM-DD)")
		return 0, false
	}
	return d, true
}

func (s *Server) getEHCP(w http.ResponseWriter, r *http.Request, u user.User) {
	d, ok := asOf(w, r)
	if !ok {
		return
	}
	if !d.Valid() {
		d = s.svc.Today()
	}
	v, err := s.svc.EHCP(r.Context(), u, r.PathValue("id"), d)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, v)
}

func (s *Server) accessLog(w http.ResponseWriter, r *http.Request, u user.User) {
	id := r.PathValue("id")
	entries, err := s.svc.AccessLog(r.Context(), u, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, accessLogAnswer{PupilID: id, Entries: entries})
}
