package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/domain/yeargroup"
	"github.com/sendcase/sendcase/httpx"
	"github.com/sendcase/sendcase/projections"
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
	at, ok := when(w, r)
	if !ok {
		return
	}
	rec, err := s.svc.PupilRecord(r.Context(), u, r.PathValue("id"), at)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("ETag", strconv.Quote(strconv.Itoa(rec.Pupil.Version)))
	s.reply(w, r, pupilView{Pupil: rec.Pupil, CurrentYearGroup: rec.YearGroup, Erased: rec.Pupil.Erasure != nil,
		EHCP: rec.EHCP, Referrals: rec.Referrals})
}

// when reads ?as_of=YYYY-MM-DD and ?known_at=<RFC 3339>; absent, they are
// zero (today, and everything recorded, to app). It answers 400 naming
// each one that does not parse.
func when(w http.ResponseWriter, r *http.Request) (app.When, bool) {
	var at app.When
	var probs domain.Problems
	queryDay(r, &probs, "as_of", &at.AsOf)
	if v := r.URL.Query().Get("known_at"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			probs.Add("known_at", "is not a date and time with its offset (RFC 3339, such as 2025-11-01T09:00:00Z)")
		}
		at.KnownAt = t
	}
	if err := probs.Err(); err != nil {
		writeProblems(w, err)
		return app.When{}, false
	}
	return at, true
}

func (s *Server) getEHCP(w http.ResponseWriter, r *http.Request, u user.User) {
	at, ok := when(w, r)
	if !ok {
		return
	}
	v, err := s.svc.EHCP(r.Context(), u, r.PathValue("id"), at)
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

// securityLog answers the security log (app.SecurityLog).
func (s *Server) securityLog(w http.ResponseWriter, r *http.Request, u user.User) {
	q, ok := securityQuery(w, r)
	if !ok {
		return
	}
	entries, err := s.svc.SecurityLog(r.Context(), u, q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, securityLogAnswer{Entries: entries})
}

// securityQuery reads limit and user_id.
func securityQuery(w http.ResponseWriter, r *http.Request) (app.SecurityQuery, bool) {
	var q app.SecurityQuery
	var probs domain.Problems
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > app.SecurityLogMax {
			probs.Add("limit", "must be a whole number from 1 to %d", app.SecurityLogMax)
		}
		q.Limit = n
	}
	if v := r.URL.Query().Get("user_id"); v != "" {
		if _, err := uuid.Parse(v); err != nil {
			probs.Add("user_id", "is not a user id")
		}
		q.UserID = v
	}
	if err := probs.Err(); err != nil {
		httpx.WriteProblem(w, httpx.ProblemFor(err))
		return q, false
	}
	return q, true
}

// people answers a trust's people (app.People).
func (s *Server) people(w http.ResponseWriter, r *http.Request, u user.User) {
	people, err := s.svc.People(r.Context(), u, r.PathValue("trust"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, peopleAnswer{People: people})
}

// delivery answers what staff deliver for a pupil (app.PupilDelivery).
func (s *Server) delivery(w http.ResponseWriter, r *http.Request, u user.User) {
	d, err := s.svc.PupilDelivery(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, d)
}

// group answers a group provision's pupils at a school (app.Group).
func (s *Server) group(w http.ResponseWriter, r *http.Request, u user.User) {
	g, err := s.svc.Group(r.Context(), u, r.PathValue("school"), r.PathValue("provision"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, g)
}

// myPupils answers a member of staff's pupils (app.MyPupils).
func (s *Server) myPupils(w http.ResponseWriter, r *http.Request, u user.User) {
	ps, err := s.svc.MyPupils(r.Context(), u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, myPupilsAnswer{Pupils: ps})
}

// myDue answers what falls due for the signed-in user (app.Due): within
// (days, default 30), school to narrow it; CSV as every view.
func (s *Server) myDue(w http.ResponseWriter, r *http.Request, u user.User) {
	q := app.DueQuery{Within: 30, SchoolID: r.URL.Query().Get("school")}
	if v := r.URL.Query().Get("within"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fieldProblem(w, "within", app.DueWithinRule)
			return
		}
		q.Within = n
	}
	n, ok := minSeq(w, r)
	if !ok {
		return
	}
	q.MinSeq = n
	due, err := s.svc.Due(r.Context(), u, q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if wantsCSV(r) {
		header, rows := projections.DueTable(due.Items)
		writeCSV(w, "due.csv", header, rows)
		return
	}
	s.reply(w, r, due)
}

// myTokens answers the signed-in user's integration tokens.
// myReminders answers the signed-in person's choice of reminder emails.
func (s *Server) myReminders(w http.ResponseWriter, r *http.Request, u user.User) {
	s.reply(w, r, s.svc.RemindersOf(u))
}

func (s *Server) myTokens(w http.ResponseWriter, r *http.Request, u user.User) {
	s.reply(w, r, tokensAnswer{Tokens: s.svc.IntegrationTokens(u)})
}

// laAccess answers a trust's LA access (app.LAAccessOf).
func (s *Server) laAccess(w http.ResponseWriter, r *http.Request, u user.User) {
	a, err := s.svc.LAAccessOf(r.Context(), u, r.PathValue("trust"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, a)
}
