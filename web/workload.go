package web

import (
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

type workloadPage struct {
	Trust    trust.Trust
	AsOf     civil.Date
	W        projections.Workload
	MaxHours float64
	MaxDue   int
	Needs    []needRow
	Areas    []need.Area
}

type needRow struct {
	School   string
	Counts   []int
	Total    int
	Segments []segment
}

// segment is one part of a stacked bar, in percent of its width.
type segment struct{ X, W int }

// workload is the trust's workload dashboard.
func (s *Server) workload(w http.ResponseWriter, r *http.Request, u user.User) {
	trustID := r.PathValue("trust")
	asOf, note := s.asOf(r)
	wl, err := s.svc.Workload(r.Context(), u, trustID, app.ViewQuery{When: app.When{AsOf: asOf}})
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	needs, err := s.svc.NeedsBySchool(r.Context(), u, trustID)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	t, err := s.svc.Trust(r.Context(), u, trustID)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	wp := workloadPage{Trust: t, AsOf: asOf, W: wl.Data, Areas: need.Areas}
	for _, sc := range wl.Data.Schools {
		wp.MaxHours = max(wp.MaxHours, sc.AdminHoursNext30d)
		wp.MaxDue = max(wp.MaxDue, sc.StatutoryDue90d, sc.StatutoryOverdue)
		row := needRow{School: sc.Name}
		for _, a := range need.Areas {
			n := needs[sc.SchoolID][a]
			row.Counts = append(row.Counts, n)
			row.Total += n
		}
		x := 0
		for _, n := range row.Counts {
			w := 0
			if row.Total > 0 {
				w = n * 100 / row.Total
			}
			row.Segments = append(row.Segments, segment{X: x, W: w})
			x += w
		}
		wp.Needs = append(wp.Needs, row)
	}
	s.render(w, r, http.StatusOK, "workload", page{Title: "Workload — " + t.Name, User: &u, Flash: note, Data: wp})
}
