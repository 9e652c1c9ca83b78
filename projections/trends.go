package projections

import (
	"context"
	"fmt"
	"math"
	"runtime"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
)

// NationalWithin20Weeks2024 is the share of EHC plans issued within 20
// weeks of the request in England in 2024, excluding exceptions (DfE, "Education,
// health and care plans", June 2025): 46.4%.
const NationalWithin20Weeks2024 = 46.4

// MaxTrendMonths bounds a trend's length.
const MaxTrendMonths = 36

// TrendMonth is one month of a trend: the workload at the month's end (or
// today, for the month in progress), and over the 12 months to then how
// many final plans were issued within 20 weeks of their request and how
// many annual reviews were held by their due date.
type TrendMonth struct {
	Month string     `json:"month"`
	AsOf  civil.Date `json:"as_of"`
	WorkloadCounts
	FinalPlans12m              int      `json:"final_plans_12m"`
	FinalPlansWithin20Weeks12m int      `json:"final_plans_within_20_weeks_12m"`
	PercentWithin20Weeks       *float64 `json:"percent_within_20_weeks"`
	AnnualReviewsDue12m        int      `json:"annual_reviews_due_12m"`
	AnnualReviewsOnTime12m     int      `json:"annual_reviews_on_time_12m"`
	PercentReviewsOnTime       *float64 `json:"percent_reviews_on_time"`
}

// TrendSeries is the months of one school, or of the trust.
type TrendSeries struct {
	SchoolID string       `json:"school_id,omitempty"`
	Name     string       `json:"name"`
	Months   []TrendMonth `json:"months"`
}

// Trends is a trust's (or one school's) trends month by month.
type Trends struct {
	From                      string        `json:"from"`
	To                        string        `json:"to"`
	NationalWithin20Weeks2024 float64       `json:"national_percent_within_20_weeks_2024"`
	Total                     TrendSeries   `json:"total"`
	Schools                   []TrendSeries `json:"schools"`
}

// MonthEnds lists the last day of each month from the month of from to the
// month of to (today for the month holding today), oldest first.
func MonthEnds(from, to, today civil.Date) []civil.Date {
	var out []civil.Date
	y, m, _ := from.Parts()
	for first := civil.New(y, m, 1); !first.After(to); first = first.AddMonths(1) {
		end := first.AddMonths(1).AddDays(-1)
		if today.Valid() && end.After(today) {
			end = today
		}
		out = append(out, end)
	}
	return out
}

// Trends computes, for trust trustID (or only its school schoolID), each
// month from `from` to `to` as the record stood at the month's end. Each
// pupil is folded forward through the months once when its history is in
// date order (the usual case), and again for each month otherwise.
func (v Views) Trends(ctx context.Context, trustID, schoolID string, from, to civil.Date) (Trends, error) {
	t, ok := v.Dir.Trust(trustID)
	if !ok {
		return Trends{}, nil
	}
	ends := MonthEnds(from, to, v.Today)
	if len(ends) > MaxTrendMonths {
		return Trends{}, fmt.Errorf("%d months: at most %d", len(ends), MaxTrendMonths)
	}
	out := Trends{From: monthOf(from), To: monthOf(to), NationalWithin20Weeks2024: NationalWithin20Weeks2024,
		Total: TrendSeries{Name: t.Name, Months: newMonths(ends)}, Schools: []TrendSeries{}}
	phases := map[string]string{}
	for _, s := range t.Schools {
		phases[s.ID] = string(s.Phase)
		if schoolID != "" && s.ID != schoolID {
			continue
		}
		out.Schools = append(out.Schools, TrendSeries{SchoolID: s.ID, Name: s.Name, Months: newMonths(ends)})
	}
	key := phasesKey(phases)
	// Each worker counts into its own copy of the schools' months; the
	// copies are summed at the end.
	workers := 1
	pv, parallel := v.Store.(ParallelVisitor)
	if parallel {
		workers = runtime.GOMAXPROCS(0)
	}
	parts := make([]map[string]*TrendSeries, workers)
	for w := range parts {
		parts[w] = map[string]*TrendSeries{}
		for _, series := range out.Schools {
			parts[w][series.SchoolID] = &TrendSeries{Months: newMonths(ends)}
		}
	}
	visit := func(w int, s *Summary) {
		// Month ends this pupil added to before, unchanged since, are
		// added from its cache; the others are worked out, and cached.
		c := s.cachedTrends(key)
		var missing []int
		for i, end := range ends {
			part, ok := c.lookup(end)
			if !ok {
				missing = append(missing, i)
			} else if series := parts[w][part.schoolOf()]; series != nil {
				part.addTo(&series.Months[i])
			}
		}
		if len(missing) == 0 {
			return
		}
		sub := make([]civil.Date, len(missing))
		for k, i := range missing {
			sub[k] = ends[i]
		}
		worked, cacheable := make([]trendPart, len(missing)), true
		var clk clockCache
		s.eachMonthEnd(sub, func(k int, p *pupil.Pupil) {
			if !p.Exists() || !p.OnRoll {
				return // adds nothing: the zero part
			}
			i := missing[k]
			var m TrendMonth
			m.add(p, s, clk.of(p), phases[p.SchoolID], ends[i])
			part, ok := packTrend(p.SchoolID, &m)
			worked[k], cacheable = part, cacheable && ok
			if series := parts[w][p.SchoolID]; series != nil {
				series.Months[i].sum(m)
			}
		})
		if cacheable {
			s.trends.Store(c.with(s.Seq, key, sub, worked))
		}
	}
	var err error
	switch {
	case parallel:
		err = pv.EachPastPupilParallel(ctx, trustID, schoolID, workers, visit)
	case schoolID != "":
		err = v.Store.EachPastSchoolPupil(ctx, schoolID, func(s *Summary) { visit(0, s) })
	default:
		err = v.Store.EachPastTrustPupil(ctx, trustID, func(s *Summary) { visit(0, s) })
	}
	for _, series := range out.Schools {
		for _, part := range parts {
			for i := range series.Months {
				series.Months[i].sum(part[series.SchoolID].Months[i])
			}
		}
	}
	for _, series := range out.Schools {
		for i := range series.Months {
			out.Total.Months[i].sum(series.Months[i])
			series.Months[i].finish(t.Settings.AdminHours)
		}
	}
	for i := range out.Total.Months {
		out.Total.Months[i].finish(t.Settings.AdminHours)
	}
	return out, err
}

func monthOf(d civil.Date) string { return d.String()[:7] }

func newMonths(ends []civil.Date) []TrendMonth {
	out := make([]TrendMonth, len(ends))
	for i, e := range ends {
		out[i] = TrendMonth{Month: monthOf(e), AsOf: e}
	}
	return out
}

// eachMonthEnd calls fn with the pupil as it stood at each of ends
// (ascending); fn must not keep p, which the next call may change. The
// fold for one month goes on from the last when the events that begin to
// count all come after those already applied in stream order (the usual
// case), and starts again otherwise (a back-dated entry, a plan recorded
// from before the pupil's registration).
func (s *Summary) eachMonthEnd(ends []civil.Date, fn func(i int, p *pupil.Pupil)) {
	p, last := &pupil.Pupil{}, -1 // last: the stream position of the last event applied
	var prev civil.Date
	var history []PastEvent // decoded when first needed
	for i, end := range ends {
		if !s.LastOccurred.After(end) {
			fn(i, &s.Pupil)
			continue
		}
		if history == nil {
			history = s.History.eventsOnce()
		}
		// Every event after last that counts now began to count since the
		// previous month; one before last that begins to count now means
		// folding again from the start.
		for j := 0; j < last; j++ {
			if on := history[j].OccurredOn; on.After(prev) && !on.After(end) {
				p, last = &pupil.Pupil{}, -1
				break
			}
		}
		for j := last + 1; j < len(history); j++ {
			if !history[j].OccurredOn.After(end) {
				p.Apply(history[j].Event())
				last = j
			}
		}
		prev = end
		fn(i, p)
	}
}

// clockCache keeps a pupil's folded EHC clock from one month to the next
// while its records stay the same.
type clockCache struct {
	records []ehcp.Record
	clock   *ehcp.Clock
}

func (c *clockCache) of(p *pupil.Pupil) *ehcp.Clock {
	r := p.EHCPRecords
	if c.clock == nil || len(r) != len(c.records) || (len(r) > 0 && &r[0] != &c.records[0]) {
		c.records, c.clock = r, p.Clock()
	}
	return c.clock
}

// add counts p, as it stood on asOf with its folded EHC clock clk, into
// month m.
func (m *TrendMonth) add(p *pupil.Pupil, s *Summary, clk *ehcp.Clock, phase string, asOf civil.Date) {
	yearAgo := asOf.AddMonths(-12)
	within := func(d civil.Date) bool { return d.After(yearAgo) && !d.After(asOf) }
	m.WorkloadCounts.addVia(p, s, asOf, clk, phase, func(ms ehcp.Milestone) {
		// Annual reviews due in the 12 months, and whether held by then.
		if ms.Type == ehcp.AnnualReview && within(ms.DueOn) {
			m.AnnualReviewsDue12m++
			if ms.DoneOn.Valid() && !ms.DoneOn.After(ms.DueOn) {
				m.AnnualReviewsOnTime12m++
			}
		}
	})
	// Final plans issued in the 12 months, and whether within 20 weeks of
	// their request (plans recorded as issued before sendcase had none).
	var requested civil.Date
	for _, r := range p.EHCPRecords {
		switch {
		case r.On.After(asOf):
		case r.Type == ehcp.Request:
			requested = r.On
		case r.Type == ehcp.FinalIssued && !r.Historic && requested.Valid() && within(r.On):
			m.FinalPlans12m++
			if !r.On.After(requested.AddWeeks(20)) {
				m.FinalPlansWithin20Weeks12m++
			}
		}
	}
}

func (m *TrendMonth) sum(o TrendMonth) {
	m.WorkloadCounts.sum(o.WorkloadCounts)
	m.FinalPlans12m += o.FinalPlans12m
	m.FinalPlansWithin20Weeks12m += o.FinalPlansWithin20Weeks12m
	m.AnnualReviewsDue12m += o.AnnualReviewsDue12m
	m.AnnualReviewsOnTime12m += o.AnnualReviewsOnTime12m
}

func (m *TrendMonth) finish(w trust.AdminHours) {
	m.WorkloadCounts.finish(w)
	m.PercentWithin20Weeks = percent(m.FinalPlansWithin20Weeks12m, m.FinalPlans12m)
	m.PercentReviewsOnTime = percent(m.AnnualReviewsOnTime12m, m.AnnualReviewsDue12m)
}

// percent is 100 × n / of to one decimal place, or nil when of is 0.
func percent(n, of int) *float64 {
	if of == 0 {
		return nil
	}
	p := math.Round(float64(n)*1000/float64(of)) / 10
	return &p
}
