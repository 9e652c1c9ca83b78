package pupil

import (
	"slices"

	"github.com/sendcase/sendcase/domain/civil"
)

// Delivered against planned: for each provision a plan set up, the minutes
// it planned over a period against the minutes delivered and attended.
// Ombudsman complaints are upheld when a plan's provision was not
// delivered; this is what shows it.
//
// Planned minutes count school days (civil.SchoolDay): a plan's weekly
// minutes spread over Monday to Friday, so a period of 3 weekdays plans
// 3/5 of a week. Term dates are not kept, so a period over a holiday plans
// minutes nobody could deliver; choose periods in term.

// ProvisionDelivery is one provision of one plan over the part of a period
// the plan was in place.
type ProvisionDelivery struct {
	CycleID     string `json:"cycle_id"`
	ProvisionID string `json:"provision_id"`
	// PlannedPerWeek is the plan's minutes a week (sessions × minutes).
	PlannedPerWeek int `json:"planned_per_week"`
	// GroupSize is the plan's group, which shares the staff's time (and
	// so the cost).
	GroupSize int `json:"group_size"`
	// From and To are the days of the period the plan was in place.
	From civil.Date `json:"from"`
	To   civil.Date `json:"to"`
	// PlannedMinutes over those days; DeliveredMinutes of the sessions
	// logged (attended or not), AttendedMinutes of those attended.
	PlannedMinutes   int `json:"planned_minutes"`
	DeliveredMinutes int `json:"delivered_minutes"`
	AttendedMinutes  int `json:"attended_minutes"`
	Sessions         int `json:"sessions"`
}

// DeliveredPercent is the share of planned minutes delivered, rounded
// down; ok is false when nothing was planned.
func (d ProvisionDelivery) DeliveredPercent() (pct int, ok bool) {
	return Percent(d.DeliveredMinutes, d.PlannedMinutes)
}

// AttendedPercent is the share of delivered minutes attended, rounded
// down; ok is false when nothing was delivered.
func (d ProvisionDelivery) AttendedPercent() (pct int, ok bool) {
	return Percent(d.AttendedMinutes, d.DeliveredMinutes)
}

// Percent is n as a whole percentage of of, rounded down (the rule every
// delivery figure uses); ok is false when of is 0.
func Percent(n, of int) (pct int, ok bool) {
	if of <= 0 {
		return 0, false
	}
	return n * 100 / of, true
}

// inPlace is the part of from..to the cycle's plan was in place (see
// Delivery); ok is false when it was not in place then.
func (c *Cycle) inPlace(from, to civil.Date) (start, end civil.Date, ok bool) {
	if c.Plan == nil {
		return 0, 0, false
	}
	start, end = c.Plan.AgreedOn, to
	switch {
	case c.Review != nil:
		end = c.Review.HeldOn.AddDays(-1)
	case c.ClosedOn.Valid():
		end = c.ClosedOn.AddDays(-1)
	}
	start, end = civil.Max(start, from), civil.Min(end, to)
	return start, end, !end.Before(start)
}

// Delivery answers, for each provision of each plan in place at some time
// from from to to (both included), what was planned and delivered then.
// A plan is in place from the day it was agreed until the day before its
// review (or the cycle's closing), or on.
func (p *Pupil) Delivery(from, to civil.Date) []ProvisionDelivery {
	var out []ProvisionDelivery
	for _, c := range p.Cycles {
		out = append(out, c.Delivery(from, to)...)
	}
	return out
}

// Delivery is Pupil.Delivery for one cycle.
func (c *Cycle) Delivery(from, to civil.Date) []ProvisionDelivery {
	start, end, ok := c.inPlace(from, to)
	if !ok {
		return nil
	}
	days := start.SchoolDaysTo(end)
	out := make([]ProvisionDelivery, 0, len(c.Plan.Provisions))
	for _, pp := range c.Plan.Provisions {
		d := ProvisionDelivery{CycleID: c.ID, ProvisionID: pp.ProvisionID, PlannedPerWeek: pp.SessionsPerWeek * pp.MinutesPerSession,
			GroupSize: pp.GroupSize, From: start, To: end}
		d.PlannedMinutes = d.PlannedPerWeek * days / 5
		of := slices.Index(c.DeliveredOf, pp.ProvisionID)
		for _, s := range c.Delivered {
			if int(s.Of) != of || s.On.Before(start) || s.On.After(end) {
				continue
			}
			d.Sessions++
			d.DeliveredMinutes += int(s.Minutes)
			if s.Attended {
				d.AttendedMinutes += int(s.Minutes)
			}
		}
		out = append(out, d)
	}
	return out
}

// DeliveryWindowDays is the window a pupil's delivery is judged over
// against the trust's threshold: four weeks to the day.
const DeliveryWindowDays = 28

// DeliveredShare is the share of planned minutes delivered, over the
// provisions of the plan in place, in the DeliveryWindowDays to asOf.
// judged is false unless a plan was in place for the whole window: one
// agreed last week is not yet behind, and one reviewed meanwhile is over.
func (p *Pupil) DeliveredShare(asOf civil.Date) (pct int, judged bool) {
	from := asOf.AddDays(-DeliveryWindowDays + 1)
	planned, delivered := 0, 0
	for _, d := range p.Delivery(from, asOf) {
		if d.From == from && d.To == asOf {
			planned += d.PlannedMinutes
			delivered += d.DeliveredMinutes
		}
	}
	return Percent(delivered, planned)
}

// SchoolOn is the school whose roll the pupil was on on day on (the
// current school when on is outside every spell).
func (p *Pupil) SchoolOn(on civil.Date) string {
	for _, s := range p.Schools {
		if !on.Before(s.From) && (!s.To.Valid() || on.Before(s.To)) {
			return s.SchoolID
		}
	}
	return p.SchoolID
}
