package api

import (
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

// trendQuery reads ?from=YYYY-MM&to=YYYY-MM and min_seq.
func trendQuery(w http.ResponseWriter, r *http.Request) (app.TrendQuery, bool) {
	var q app.TrendQuery
	var probs domain.Problems
	queryMonth(r, &probs, "from", &q.From)
	queryMonth(r, &probs, "to", &q.To)
	if err := probs.Err(); err != nil {
		writeProblems(w, err)
		return q, false
	}
	var ok bool
	q.MinSeq, ok = minSeq(w, r)
	return q, ok
}

func (s *Server) trustTrends(w http.ResponseWriter, r *http.Request, u user.User) {
	q, ok := trendQuery(w, r)
	if !ok {
		return
	}
	v, err := s.svc.Trends(r.Context(), u, r.PathValue("trust"), q)
	writeView(s, w, r, v, err, func() ([]byte, error) { return csvBytes(trendTable(v.Data)) })
}

func (s *Server) schoolTrends(w http.ResponseWriter, r *http.Request, u user.User) {
	q, ok := trendQuery(w, r)
	if !ok {
		return
	}
	v, err := s.svc.SchoolTrends(r.Context(), u, r.PathValue("school"), q)
	writeView(s, w, r, v, err, func() ([]byte, error) { return csvBytes(trendTable(v.Data)) })
}

// trendTable is a trend as CSV: a row per school (then the total) and month.
func trendTable(t projections.Trends) ([]string, [][]string) {
	head := []string{"school_id", "name", "month", "as_of", "sen_support", "ehcp", "statutory_overdue", "apdr_reviews_overdue",
		"open_referrals", "mean_referral_wait_days", "final_plans_12m", "final_plans_within_20_weeks_12m",
		"percent_within_20_weeks", "annual_reviews_due_12m", "annual_reviews_on_time_12m", "percent_reviews_on_time"}
	opt := func(p *float64) string {
		if p == nil {
			return ""
		}
		return ftoa(*p)
	}
	var rows [][]string
	for _, series := range append(append([]projections.TrendSeries{}, t.Schools...), t.Total) {
		for _, m := range series.Months {
			rows = append(rows, []string{series.SchoolID, series.Name, m.Month, date(m.AsOf), itoa(m.SENSupport), itoa(m.EHCP),
				itoa(m.StatutoryOverdue), itoa(m.APDRReviewsOverdue), itoa(m.OpenReferrals), opt(m.MeanReferralWaitDays),
				itoa(m.FinalPlans12m), itoa(m.FinalPlansWithin20Weeks12m), opt(m.PercentWithin20Weeks),
				itoa(m.AnnualReviewsDue12m), itoa(m.AnnualReviewsOnTime12m), opt(m.PercentReviewsOnTime)})
		}
	}
	return head, rows
}
