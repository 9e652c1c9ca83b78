package ehcp

import (
	"time"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/yeargroup"
)

// Facts are what the clock needs to know about the pupil besides its records.
type Facts struct {
	// HasPlan: the pupil's SEN status is E.
	HasPlan bool
	// Phase is the phase of the pupil's school ("infant" matters).
	Phase string
	// DateOfBirth, for the under-fives advice.
	DateOfBirth civil.Date
	// YearGroupOn returns the pupil's year group on a date.
	YearGroupOn func(civil.Date) yeargroup.Group
}

// View is the clock as of a date: the body of GET /v1/pupils/{id}/ehcp.
type View struct {
	AsOf                  civil.Date  `json:"as_of"`
	Status                string      `json:"status"`
	RequestedOn           civil.Date  `json:"requested_on"`
	PlanIssuedOn          civil.Date  `json:"plan_issued_on"`
	AmendedOn             civil.Date  `json:"amended_on,omitempty"`
	NextAnnualReviewDueOn civil.Date  `json:"next_annual_review_due_on"`
	PhaseTransferDueOn    civil.Date  `json:"phase_transfer_due_on"`
	Milestones            []Milestone `json:"milestones"`
	// Advice is guidance that is not a statutory deadline.
	Advice []string `json:"advice"`
}

// Overdue counts milestones overdue in the view.
func (v View) Overdue() int {
	n := 0
	for _, m := range v.Milestones {
		if m.Status == Overdue {
			n++
		}
	}
	return n
}

// NextDue returns the earliest due date of a pending or overdue milestone.
func (v View) NextDue() civil.Date {
	var next civil.Date
	for _, m := range v.Milestones {
		if (m.Status == Pending || m.Status == Overdue) && m.DueOn.Valid() {
			next = civil.Min(next, m.DueOn)
		}
	}
	return next
}

// InProgress reports an EHC needs assessment request not yet decided.
func (v View) InProgress() bool {
	return InProgress(v.Status)
}

// InProgress reports whether a plan status is an EHC needs assessment
// request not yet decided.
func InProgress(status string) bool {
	return status == StatusRequested || status == StatusAssessing || status == StatusDraft
}

// StatusFor is the plan's status as views show it: a pupil recorded with
// an EHC plan from before sendcase whose date is not recorded yet is active.
func (c *Clock) StatusFor(f Facts) string {
	if c.Status == StatusNone && f.HasPlan {
		return StatusActive
	}
	return c.Status
}

// View evaluates the clock as of asOf. A milestone is overdue only when it
// is not done and its due date is before asOf.
func (c *Clock) View(asOf civil.Date, f Facts) View {
	v := View{AsOf: asOf, Status: c.StatusFor(f), RequestedOn: c.RequestedOn, PlanIssuedOn: c.PlanIssuedOn,
		AmendedOn: c.AmendedOn, Milestones: make([]Milestone, 0, len(c.Milestones)+1), Advice: []string{}}
	c.Visit(asOf, f, func(m Milestone) {
		switch {
		case m.Type == AnnualReview && m.open():
			v.NextAnnualReviewDueOn = m.DueOn
		case m.Type == PhaseTransfer:
			v.PhaseTransferDueOn = m.DueOn
		}
		v.Milestones = append(v.Milestones, m)
	})
	if v.Status == StatusActive && f.DateOfBirth.Valid() && asOf.Before(f.DateOfBirth.AddMonths(60)) {
		v.Advice = append(v.Advice, "The pupil is under five: the local authority should consider reviewing the plan every 3 to 6 months (CoP 9.178).")
	}
	return v
}

// Visit calls fn with each milestone of the view as of asOf, in the view's
// order and judged as View judges them, without building the view: trends
// judge every pupil's clock for every month.
func (c *Clock) Visit(asOf civil.Date, f Facts, fn func(Milestone)) {
	for _, m := range c.Milestones {
		m.Status = status(m, asOf)
		if m.window && m.Status == Done && m.DoneOn.IsZero() {
			m.DoneOn = m.DueOn // the period ended by itself
		}
		fn(m)
	}
	if c.StatusFor(f) == StatusActive && f.YearGroupOn != nil {
		c.phaseTransfers(asOf, f, fn)
	}
}

func status(m Milestone, asOf civil.Date) string {
	switch {
	case !m.DoneOn.IsZero():
		return Done
	case m.Reason != "":
		return Excused
	case m.window && m.DueOn.Before(asOf):
		return Done
	case m.DueOn.Valid() && m.DueOn.Before(asOf):
		return Overdue
	}
	return Pending
}

// phaseTransfers visits the transfer reviews (reg 18) of the plan: one for
// each academic year, since the plan was issued, in which the pupil was in
// a transfer year (Year 6, or Year 2 at an infant school, due 15 February;
// Year 11, due 31 March, of the calendar year in which that academic year
// ends), up to the current one, then the next one to come. A transfer is
// done by an amended_final_issued or a la_decision to maintain dated within
// its academic year (late after the deadline); one not done stays overdue
// on every later date, since the moment for it has passed.
func (c *Clock) phaseTransfers(asOf civil.Date, f Facts, fn func(Milestone)) {
	current := yeargroup.AcademicYearStart(asOf)
	first := current
	if c.PlanIssuedOn.Valid() && c.PlanIssuedOn.Before(current) {
		first = yeargroup.AcademicYearStart(c.PlanIssuedOn)
	}
	// Year by year from the first group (trends ask this for every pupil
	// and month); a group clamped at N1 is asked for each year instead.
	y0, cy := first.Year(), current.Year()
	g0 := f.YearGroupOn(first)
	for k := 0; y0+k < cy+16; k++ {
		g := g0.After(k)
		if g0 == "N1" {
			g = f.YearGroupOn(civil.New(y0+k, time.September, 1))
		}
		var due civil.Date
		switch {
		case g == "6", g == "2" && f.Phase == "infant":
			due = civil.New(y0+k+1, time.February, 15)
		case g == "11":
			due = civil.New(y0+k+1, time.March, 31)
		case g == "12" || g == "13" || g == "14":
			return
		default:
			continue
		}
		if due.Before(c.PlanIssuedOn) {
			continue // the plan was issued after that year's deadline
		}
		m := Milestone{Type: PhaseTransfer, DueOn: due}
		start, end := civil.New(y0+k, time.September, 1), civil.New(y0+k+1, time.August, 31)
		for _, r := range c.records {
			if (r.Type == AmendedFinalIssued || (r.Type == LADecision && r.Outcome == "maintain")) &&
				!r.On.Before(start) && !r.On.After(end) && !r.On.After(asOf) {
				m.DoneOn, m.Late = r.On, r.On.After(due)
				break
			}
		}
		m.Status = status(m, asOf)
		fn(m)
		if y0+k >= cy {
			return // the current or next transfer: nothing later yet
		}
	}
}
