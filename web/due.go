package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

// duePage is what falls due for the signed-in SENCO or trust lead.
type duePage struct {
	Due     app.DueList
	Windows []int
	Schools []trust.School
	School  string
	Names   map[string]string
	CSV     string
}

// due lists what falls due within 7, 30 or 90 days (?within=), and what is
// overdue, each line linking to the form that closes it; ?format=csv
// downloads it.
func (s *Server) due(w http.ResponseWriter, r *http.Request, u user.User) {
	q := r.URL.Query()
	within, err := strconv.Atoi(q.Get("within"))
	if err != nil || within < 1 || within > 366 {
		within = 30
	}
	d, err := s.svc.Due(r.Context(), u, app.DueQuery{Within: within, SchoolID: q.Get("school")})
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	if q.Get("format") == "csv" {
		header, rows := projections.DueTable(d.Items)
		writeCSV(w, "due.csv", header, rows)
		return
	}
	dp := duePage{Due: d, Windows: []int{7, 30, 90}, School: q.Get("school"), Names: map[string]string{},
		CSV: withQuery(url.Values{"within": {strconv.Itoa(within)}, "school": {q.Get("school")}}, "format", "csv")}
	dp.Schools = s.svc.SchoolsOf(u)
	if u.Role == user.TrustLead {
		t, _ := s.svc.Directory().Trust(u.TrustID)
		dp.Schools = t.Schools
	}
	for _, sch := range dp.Schools {
		dp.Names[sch.ID] = sch.Name
	}
	s.render(w, r, http.StatusOK, "due", page{Title: "Due soon", User: &u, Data: dp})
}
