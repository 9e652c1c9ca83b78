package web

import (
	"net/http"
	"net/url"
	"slices"
	"sort"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

type caseloadPage struct {
	School  trust.School
	AsOf    civil.Date
	Rows    []projections.CaseloadRow
	Filter  projections.CaseloadFilter
	Sort    string
	Areas   []need.Area
	Codes   []need.Code
	CanEdit bool
	Query   url.Values
}

// caseload is a school's caseload, filtered and sorted.
func (s *Server) caseload(w http.ResponseWriter, r *http.Request, u user.User) {
	schoolID := r.PathValue("school")
	asOf, note := s.asOf(r)
	q := r.URL.Query()
	f := projections.CaseloadFilter{Stage: q.Get("stage"), Need: q.Get("need"), Overdue: q.Get("overdue") == "true"}
	if !slices.Contains(projections.CaseloadStages, f.Stage) {
		f.Stage = ""
	}
	v, err := s.svc.Caseload(r.Context(), u, schoolID, app.ViewQuery{When: app.When{AsOf: asOf}}, f)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	sch := v.Data.School
	_, writeErr := s.svc.SchoolToWrite(r.Context(), u, schoolID)
	// The view is shared with other requests: sort a copy.
	rows := slices.Clone(v.Data.Pupils)
	sortRows(rows, q.Get("sort"))
	s.render(w, r, http.StatusOK, "caseload", page{Title: "Caseload — " + sch.Name, User: &u, Flash: note, Data: caseloadPage{
		School: sch, AsOf: asOf, Rows: rows, Filter: f, Sort: q.Get("sort"), Areas: need.Areas, Codes: need.Codes,
		CanEdit: writeErr == nil, Query: q}})
}

func sortRows(rows []projections.CaseloadRow, by string) {
	less := map[string]func(a, b projections.CaseloadRow) bool{
		"year":    func(a, b projections.CaseloadRow) bool { return a.YearGroup < b.YearGroup },
		"stage":   func(a, b projections.CaseloadRow) bool { return a.Stage < b.Stage },
		"review":  func(a, b projections.CaseloadRow) bool { return dateOrLast(a.ReviewDueOn) < dateOrLast(b.ReviewDueOn) },
		"overdue": func(a, b projections.CaseloadRow) bool { return a.DaysOverdue > b.DaysOverdue },
		"need":    func(a, b projections.CaseloadRow) bool { return a.AreaOfNeed < b.AreaOfNeed },
		"ehcp": func(a, b projections.CaseloadRow) bool {
			return dateOrLast(a.NextStatutoryDueOn) < dateOrLast(b.NextStatutoryDueOn)
		},
	}[by]
	if less != nil {
		sort.SliceStable(rows, func(i, j int) bool { return less(rows[i], rows[j]) })
	}
}

func dateOrLast(d civil.Date) civil.Date {
	if !d.Valid() {
		return civil.Date(1 << 30)
	}
	return d
}
