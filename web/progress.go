package web

import (
	"math"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
)

// A pupil's progress on the pupil page: each plan's outcomes with their
// ratings at review and their measures' readings (pupil.Cycle.Results),
// and a chart of each measure's readings across cycles
// (pupil.MeasureReadings) with the figures in a table under it.

// cycleResults are one plan's outcomes and what became of them.
type cycleResults struct {
	AgreedOn, ReviewedOn civil.Date
	Outcomes             []outcomeResult
}

// outcomeResult is one outcome, in words, with its result.
type outcomeResult struct {
	pupil.OutcomeResult
	Description string
	Measure     *trust.Measure
}

// Measured are the outcomes of c's plan that name a measure: the ones a
// session can take a reading of.
func (pp *pupilPage) Measured(c *pupil.Cycle) []pupil.Outcome {
	var out []pupil.Outcome
	if c == nil || c.Plan == nil {
		return nil
	}
	for _, o := range c.Plan.Outcomes {
		if _, ok := pp.Measures[o.MeasureID]; ok {
			out = append(out, o)
		}
	}
	return out
}

// progressOf is p's results, newest plan first, and a chart per measure.
func progressOf(p *pupil.Pupil, list []trust.Measure) ([]cycleResults, []lineChart) {
	var results []cycleResults
	for i := len(p.Cycles) - 1; i >= 0; i-- {
		c := p.Cycles[i]
		if c.Plan == nil {
			continue
		}
		cr := cycleResults{AgreedOn: c.Plan.AgreedOn}
		if c.Review != nil {
			cr.ReviewedOn = c.Review.HeldOn
		}
		for j, r := range c.Results() {
			or := outcomeResult{OutcomeResult: r, Description: c.Plan.Outcomes[j].Description}
			for _, m := range list {
				if m.ID == r.MeasureID {
					or.Measure = &m
				}
			}
			cr.Outcomes = append(cr.Outcomes, or)
		}
		results = append(results, cr)
	}
	var charts []lineChart
	readings := p.MeasureReadings()
	for _, m := range list {
		pts := readings[m.ID]
		if len(pts) == 0 {
			continue
		}
		c := lineChart{Title: m.Name + " (" + m.Unit + ")", Min: m.Min, Max: m.Max}
		values := make([]*float64, len(pts))
		lo, hi := pts[0].Value, pts[0].Value
		for i, pt := range pts {
			c.Labels = append(c.Labels, longDate(pt.On)+" ("+pt.What+")")
			v := pt.Value
			values[i] = &v
			lo, hi = min(lo, v), max(hi, v)
		}
		// The scale is the readings' own, with room around them, inside
		// the measure's range: a reading age from 96 to 110 months is not
		// drawn on 0 to 240.
		pad := max((hi-lo)/4, 1)
		c.Min, c.Max = max(m.Min, math.Floor(lo-pad)), min(m.Max, math.Ceil(hi+pad))
		c.Lines = []chartLine{{Label: m.Name, Class: "l0", Values: values}}
		charts = append(charts, c)
	}
	return results, charts
}
