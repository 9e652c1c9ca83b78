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
	// Charts are the trust's trends over the 24 months to AsOf.
	Charts []lineChart
}

type needRow struct {
	School   string
	Counts   []int
	Total    int
	Segments []segment
}

// segment is one part of a stacked bar, in percent of its width.
type segment struct{ X, W int }

// trendCharts draws the trust's trends: statutory and review load, and the
// timeliness of plans and reviews beside the national figure.
func trendCharts(tr projections.Trends) []lineChart {
	months := tr.Total.Months
	labels := make([]string, len(months))
	overdue, apdr, referrals := make([]*float64, len(months)), make([]*float64, len(months)), make([]*float64, len(months))
	plans, national, reviews := make([]*float64, len(months)), make([]*float64, len(months)), make([]*float64, len(months))
	top := 0.0
	nat := projections.NationalWithin20Weeks2024
	for i, m := range months {
		t := m.AsOf.Time()
		labels[i] = t.Format("Jan 2006")
		overdue[i], apdr[i], referrals[i] = num(m.StatutoryOverdue), num(m.APDRReviewsOverdue), num(m.OpenReferrals)
		top = max(top, float64(m.StatutoryOverdue), float64(m.APDRReviewsOverdue), float64(m.OpenReferrals))
		plans[i], national[i], reviews[i] = m.PercentWithin20Weeks, &nat, m.PercentReviewsOnTime
	}
	return []lineChart{
		{Title: "Overdue and open at each month's end", Labels: labels, Max: scaleTop(top), Lines: []chartLine{
			{Label: "Statutory items overdue", Class: "l0", Values: overdue},
			{Label: "APDR reviews overdue", Class: "l1", Values: apdr},
			{Label: "Open referrals", Class: "l2", Values: referrals}}},
		{Title: "Final plans issued within 20 weeks of the request, over the 12 months to each month's end", Unit: "%", Labels: labels, Max: 100, Lines: []chartLine{
			{Label: tr.Total.Name, Class: "l0", Values: plans},
			{Label: "England, 2024", Class: "ref", Values: national}}},
		{Title: "Annual reviews held by their due date, over the 12 months to each month's end", Unit: "%", Labels: labels, Max: 100, Lines: []chartLine{
			{Label: tr.Total.Name, Class: "l0", Values: reviews}}},
	}
}

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
	tr, err := s.svc.Trends(r.Context(), u, trustID, app.TrendQuery{To: asOf})
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	wp := workloadPage{Trust: t, AsOf: asOf, W: wl.Data, Areas: need.Areas, Charts: trendCharts(tr.Data)}
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
