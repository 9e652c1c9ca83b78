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
	return v.Status == StatusRequested || v.Status == StatusAssessing || v.Status == StatusDraft
}

// View evaluates the clock as of asOf. A milestone is overdue only when it
// is not done and its due date is before asOf.
func (c *Clock) View(asOf civil.Date, f Facts) View {
	v := View{AsOf: asOf, Status: c.Status, RequestedOn: c.RequestedOn, PlanIssuedOn: c.PlanIssuedOn,
		AmendedOn: c.AmendedOn, Milestones: make([]Milestone, 0, len(c.Milestones)+1), Advice: []string{}}
	if v.Status == StatusNone && f.HasPlan {
		// A plan from before sendcase whose date is not recorded yet.
		v.Status = StatusActive
	}
	for _, m := range c.Milestones {
		m.Status = status(m, asOf)
		if m.window && m.Status == Done && m.DoneOn.IsZero() {
			m.DoneOn = m.DueOn // the period ended by itself
		}
		if m.Type == AnnualReview && m.open() {
			v.NextAnnualReviewDueOn = m.DueOn
		}
		v.Milestones = append(v.Milestones, m)
	}
	if v.Status == StatusActive && f.YearGroupOn != nil {
		if m, ok := c.phaseTransfer(asOf, f); ok {
			v.PhaseTransferDueOn = m.DueOn
			v.Milestones = append(v.Milestones, m)
		}
	}
	if v.Status == StatusActive && f.DateOfBirth.Valid() && asOf.Before(f.DateOfBirth.AddMonths(60)) {
		v.Advice = append(v.Advice, "The pupil is under five: the local authority should consider reviewing the plan every 3 to 6 months (CoP 9.178).")
	}
	return v
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

// phaseTransfer finds the transfer review of the current academic year, or
// of the next one in which the pupil will be in a transfer year: Year 6, or
// Year 2 at an infant school (due 15 February), or Year 11 (due 31 March),
// of the calendar year in which that academic year ends (reg 18).
func (c *Clock) phaseTransfer(asOf civil.Date, f Facts) (Milestone, bool) {
	start := yeargroup.AcademicYearStart(asOf)
	for k := 0; k < 16; k++ {
		ay := start.AddMonths(12 * k)
		var due civil.Date
		switch g := f.YearGroupOn(ay); {
		case g == "6", g == "2" && f.Phase == "infant":
			due = civil.New(ay.Year()+1, time.February, 15)
		case g == "11":
			due = civil.New(ay.Year()+1, time.March, 31)
		case g == "12" || g == "13" || g == "14":
			return Milestone{}, false
		default:
			continue
		}
		m := Milestone{Type: PhaseTransfer, DueOn: due}
		end := ay.AddMonths(12).AddDays(-1)
		for _, r := range c.records {
			if (r.Type == AmendedFinalIssued || (r.Type == LADecision && r.Outcome == "maintain")) &&
				!r.On.Before(ay) && !r.On.After(end) {
				m.DoneOn, m.Late = r.On, r.On.After(due)
				break
			}
		}
		m.Status = status(m, asOf)
		return m, true
	}
	return Milestone{}, false
}
