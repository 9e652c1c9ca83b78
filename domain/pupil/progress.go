package pupil

import (
	"slices"

	"github.com/sendcase/sendcase/domain/civil"
)

// Progress towards outcomes: the rating each got at review and, for an
// outcome measured by one of the trust's measures, where it started
// (baseline), where it aimed (target) and where it ended (exit: the
// review's reading, or else the last a session took before the review).

// OutcomeResult is what became of one outcome of a plan.
type OutcomeResult struct {
	CycleID   string `json:"cycle_id"`
	OutcomeID string `json:"outcome_id"`
	MeasureID string `json:"measure_id,omitempty"`
	// Rating is "" until the cycle is reviewed.
	Rating   string   `json:"rating,omitempty"`
	Baseline *float64 `json:"baseline,omitempty"`
	Target   *float64 `json:"target,omitempty"`
	Exit     *float64 `json:"exit,omitempty"`
}

// Met reports whether a rating says the outcome was met or exceeded.
func Met(rating string) bool { return rating == "met" || rating == "exceeded" }

// Results are the outcomes of c's plan with their ratings and readings, in
// the plan's order; none when it has no plan.
func (c *Cycle) Results() []OutcomeResult {
	if c.Plan == nil {
		return nil
	}
	out := make([]OutcomeResult, len(c.Plan.Outcomes))
	for i, o := range c.Plan.Outcomes {
		r := OutcomeResult{CycleID: c.ID, OutcomeID: o.ID, MeasureID: o.MeasureID, Baseline: o.Baseline, Target: o.Target}
		if o.MeasureID != "" {
			r.Exit = c.lastReading(o.ID)
		}
		if c.Review != nil {
			for _, rt := range c.Review.Outcomes {
				if rt.OutcomeID == o.ID {
					r.Rating = rt.Rating
					if rt.Reading != nil && o.MeasureID != "" {
						r.Exit = rt.Reading
					}
				}
			}
		}
		out[i] = r
	}
	return out
}

// lastReading is the latest reading a session took of outcome id, or nil.
func (c *Cycle) lastReading(id string) *float64 {
	var last *Reading
	for i, r := range c.Readings {
		if r.OutcomeID == id && (last == nil || !r.On.Before(last.On)) {
			last = &c.Readings[i]
		}
	}
	if last == nil {
		return nil
	}
	v := last.Value
	return &v
}

// MeasurePoint is one reading on a pupil's chart of a measure.
type MeasurePoint struct {
	On    civil.Date `json:"on"`
	Value float64    `json:"value"`
	// What the reading was: "baseline" (at the plan), "session" or
	// "review".
	What string `json:"what"`
}

// MeasureReadings are every reading of each measure the pupil's plans
// used, by measure id, in date order: each plan's baseline on the day it
// was agreed, the sessions' readings and the reviews'.
func (p *Pupil) MeasureReadings() map[string][]MeasurePoint {
	out := map[string][]MeasurePoint{}
	for _, c := range p.Cycles {
		if c.Plan == nil {
			continue
		}
		measureOf := map[string]string{}
		for _, o := range c.Plan.Outcomes {
			if o.MeasureID == "" {
				continue
			}
			measureOf[o.ID] = o.MeasureID
			if o.Baseline != nil {
				out[o.MeasureID] = append(out[o.MeasureID], MeasurePoint{On: c.Plan.AgreedOn, Value: *o.Baseline, What: "baseline"})
			}
		}
		for _, r := range c.Readings {
			if m, ok := measureOf[r.OutcomeID]; ok {
				out[m] = append(out[m], MeasurePoint{On: r.On, Value: r.Value, What: "session"})
			}
		}
		if c.Review != nil {
			for _, rt := range c.Review.Outcomes {
				if m, ok := measureOf[rt.OutcomeID]; ok && rt.Reading != nil {
					out[m] = append(out[m], MeasurePoint{On: c.Review.HeldOn, Value: *rt.Reading, What: "review"})
				}
			}
		}
	}
	for _, pts := range out {
		slices.SortStableFunc(pts, func(a, b MeasurePoint) int { return int(a.On) - int(b.On) })
	}
	return out
}
