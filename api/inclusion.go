package api

import (
	"encoding/json"
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/inclusion"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/httpx"
	"github.com/sendcase/sendcase/importer"
)

// replyTable answers v as JSON, or as CSV (table) when asked.
func (s *Server) replyTable(w http.ResponseWriter, r *http.Request, v any, err error, table func() ([]string, [][]string)) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if wantsCSV(r) {
		header, rows := table()
		writeCSV(w, "view.csv", header, rows)
		return
	}
	s.reply(w, r, v)
}

func (s *Server) round(w http.ResponseWriter, r *http.Request, u user.User) {
	v, err := s.svc.Round(r.Context(), u, r.PathValue("round"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, v)
}

type roundsAnswer struct {
	Rounds []inclusion.Round `json:"rounds"`
}

func (s *Server) myRounds(w http.ResponseWriter, r *http.Request, u user.User) {
	s.reply(w, r, roundsAnswer{Rounds: s.svc.RoundsReviewed(u)})
}

func (s *Server) reviews(w http.ResponseWriter, r *http.Request, u user.User) {
	v, err := s.svc.Reviews(r.Context(), u, app.ReviewQuery{TrustID: r.PathValue("trust"), SchoolID: r.PathValue("school")})
	s.replyTable(w, r, v, err, v.Table)
}

func (s *Server) patterns(w http.ResponseWriter, r *http.Request, u user.User) {
	vq, ok := viewQuery(w, r)
	if !ok {
		return
	}
	v, err := s.svc.Patterns(r.Context(), u, app.PatternsQuery{TrustID: r.PathValue("trust"), SchoolID: r.PathValue("school"), ViewQuery: vq})
	s.replyTable(w, r, v, err, v.Table)
}

func (s *Server) attendance(w http.ResponseWriter, r *http.Request, u user.User) {
	v, err := s.svc.Attendance(r.Context(), u, app.ReviewQuery{TrustID: r.PathValue("trust"), SchoolID: r.PathValue("school")})
	s.replyTable(w, r, v, err, v.Table)
}

// attendanceRefusal is a 400 problem that carries the whole report.
type attendanceRefusal struct {
	httpx.Problem
	Report importer.AttendanceReport `json:"report"`
}

func (s *Server) importAttendance(w http.ResponseWriter, r *http.Request, u user.User) {
	schoolID := r.PathValue("school")
	if _, err := s.svc.SchoolToWrite(r.Context(), u, schoolID); err != nil {
		s.writeError(w, r, err)
		return
	}
	body, ok := importFile(w, r)
	if !ok {
		return
	}
	rep, err := s.svc.ImportAttendance(r.Context(), u, schoolID, body, app.AttendanceImport{DryRun: r.URL.Query().Get("dry_run") == "true"})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !rep.DryRun && !rep.Applied {
		p := httpx.New(http.StatusBadRequest, httpx.TypeInvalid, "Some rows or terms were refused, so nothing was imported. Correct them and import the file again.")
		p.Errors = importer.AttendanceProblems(rep)
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(attendanceRefusal{Problem: p, Report: rep})
		return
	}
	s.reply(w, r, rep)
}

// addEvidence attaches a document to a round as evidence
// (multipart/form-data: the file in "file", its name in "name", the
// statement in "statement_id").
func (s *Server) addEvidence(w http.ResponseWriter, r *http.Request, u user.User) {
	id := r.PathValue("round")
	o, f, name, ok := s.upload(w, r, func() error { return s.svc.MayAddEvidence(r.Context(), u, id) })
	if !ok {
		return
	}
	defer f.Close()
	res, err := s.svc.AddEvidence(r.Context(), u, o, id, inclusion.AddEvidence{Name: name, StatementID: r.FormValue("statement_id")}, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.reply(w, r, res)
}

func (s *Server) evidence(w http.ResponseWriter, r *http.Request, u user.User) {
	d, err := s.svc.Evidence(r.Context(), u, r.PathValue("round"), r.PathValue("doc"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	httpx.WriteDownload(w, d.ContentType, d.Name, d.Content)
}
