package web

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

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
	// Search is the text searched for; Total the pupils it finds, shown
	// Page of Pages at a time.
	Search             string
	Total, Page, Pages int
	// Leavers is set for the leavers view (?view=leavers), which lists
	// them instead of the caseload; CSV downloads what is shown.
	Leavers []projections.LeaverRow
	View    string
	CSV     string
}

// caseload is a school's caseload, filtered and sorted.
func (s *Server) caseload(w http.ResponseWriter, r *http.Request, u user.User) {
	schoolID := r.PathValue("school")
	asOf, note := s.asOf(r)
	q := r.URL.Query()
	if q.Get("view") == "leavers" {
		s.leavers(w, r, u, schoolID)
		return
	}
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
	// The view is shared with other requests: search and sort a copy.
	rows := search(v.Data.Pupils, q.Get("q"))
	sortRows(rows, q.Get("sort"))
	if q.Get("format") == "csv" {
		header, table := projections.CaseloadTable(rows)
		writeCSV(w, "caseload.csv", header, table)
		return
	}
	total := len(rows)
	pages := max(1, (total+pageSize-1)/pageSize)
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = min(max(pageNo, 1), pages)
	rows = rows[(pageNo-1)*pageSize : min(pageNo*pageSize, total)]
	s.render(w, r, http.StatusOK, "caseload", page{Title: "Caseload — " + sch.Name, User: &u, Flash: note, Data: caseloadPage{
		School: sch, AsOf: asOf, Rows: rows, Filter: f, Sort: q.Get("sort"), Areas: need.Areas, Codes: need.Codes,
		CanEdit: writeErr == nil, Query: q, Search: q.Get("q"), Total: total, Page: pageNo, Pages: pages,
		CSV: withQuery(withQueryValues(q, "page", ""), "format", "csv")}})
}

// leavers lists the pupils who left the school, whose records are kept.
func (s *Server) leavers(w http.ResponseWriter, r *http.Request, u user.User, schoolID string) {
	rows, err := s.svc.Leavers(r.Context(), u, schoolID)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	sch, _, _ := s.svc.Directory().School(schoolID)
	s.render(w, r, http.StatusOK, "caseload", page{Title: "Leavers — " + sch.Name, User: &u, Data: caseloadPage{
		School: sch, View: "leavers", Leavers: rows, Total: len(rows), Query: r.URL.Query()}})
}

// pageSize is how many pupils a caseload page lists.
const pageSize = 50

// search keeps the rows whose name holds text, or whose UPN is it.
func search(rows []projections.CaseloadRow, text string) []projections.CaseloadRow {
	text = strings.TrimSpace(text)
	if text == "" {
		return slices.Clone(rows)
	}
	var out []projections.CaseloadRow
	for _, r := range rows {
		if strings.Contains(strings.ToLower(r.Name), strings.ToLower(text)) || strings.EqualFold(r.UPN, text) {
			out = append(out, r)
		}
	}
	return out
}

// sortRows sorts by a column, by surname when none is given; "-column"
// sorts it the other way.
func sortRows(rows []projections.CaseloadRow, by string) {
	desc := strings.HasPrefix(by, "-")
	by = strings.TrimPrefix(by, "-")
	less := map[string]func(a, b projections.CaseloadRow) bool{
		"":           func(a, b projections.CaseloadRow) bool { return surnameFirst(a) < surnameFirst(b) },
		"name":       func(a, b projections.CaseloadRow) bool { return surnameFirst(a) < surnameFirst(b) },
		"year":       func(a, b projections.CaseloadRow) bool { return a.YearGroup < b.YearGroup },
		"stage":      func(a, b projections.CaseloadRow) bool { return a.Stage < b.Stage },
		"review":     func(a, b projections.CaseloadRow) bool { return dateOrLast(a.ReviewDueOn) < dateOrLast(b.ReviewDueOn) },
		"overdue":    func(a, b projections.CaseloadRow) bool { return a.DaysOverdue > b.DaysOverdue },
		"need":       func(a, b projections.CaseloadRow) bool { return a.PrimaryNeed < b.PrimaryNeed },
		"sen":        func(a, b projections.CaseloadRow) bool { return a.SENStatus < b.SENStatus },
		"provisions": func(a, b projections.CaseloadRow) bool { return a.ActiveProvisions < b.ActiveProvisions },
		"referrals":  func(a, b projections.CaseloadRow) bool { return a.OpenReferrals < b.OpenReferrals },
		"meetings":   func(a, b projections.CaseloadRow) bool { return a.ParentMeetings < b.ParentMeetings },
		"delivered": func(a, b projections.CaseloadRow) bool {
			return deref(a.DeliveredPercent, -1) < deref(b.DeliveredPercent, -1)
		},
		"ehcp": func(a, b projections.CaseloadRow) bool {
			return dateOrLast(a.NextStatutoryDueOn) < dateOrLast(b.NextStatutoryDueOn)
		},
	}[by]
	if less != nil {
		sort.SliceStable(rows, func(i, j int) bool {
			if desc {
				return less(rows[j], rows[i])
			}
			return less(rows[i], rows[j])
		})
	}
}

func surnameFirst(r projections.CaseloadRow) string {
	return strings.ToLower(r.LastName + " " + r.Name)
}

func dateOrLast(d civil.Date) civil.Date {
	if !d.Valid() {
		return civil.Date(1 << 30)
	}
	return d
}

// deref is *p, or or when p is nil.
func deref(p *int, or int) int {
	if p == nil {
		return or
	}
	return *p
}
