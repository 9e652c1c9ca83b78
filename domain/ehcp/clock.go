package ehcp

import (
	"slices"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
)

// Milestones the clock opens. Most share a record type's name: the record
// of that type is what closes them.
const (
	DecisionToIssue          = "decision_to_issue"
	DraftRepresentations     = "draft_representations"
	AnnualReview             = "annual_review"
	ReviewInvitations        = "review_invitations"
	AmendmentRepresentations = "amendment_representations"
	PhaseTransfer            = "phase_transfer"
)

// Plan statuses.
const (
	StatusNone        = "none"
	StatusRequested   = "requested"
	StatusAssessing   = "assessing"
	StatusNotAssessed = "not_assessed"
	StatusDraft       = "draft"
	StatusNotIssued   = "not_issued"
	StatusActive      = "active"
	StatusCeased      = "ceased"
)

// Milestone statuses.
const (
	Pending = "pending"
	Done    = "done"
	Overdue = "overdue"
	Excused = "exception"
)

// Milestone is one statutory step with its due date.
type Milestone struct {
	Type   string     `json:"type"`
	From   string     `json:"from,omitempty"`
	DueOn  civil.Date `json:"due_on"`
	DoneOn civil.Date `json:"done_on"`
	Status string     `json:"status"`
	// Reason is the exception's reason when Status is "exception".
	Reason string `json:"reason,omitempty"`
	// Late is set on a milestone done after its due date.
	Late bool `json:"late,omitempty"`
	// window marks a period that ends by itself (parents' 15 days for
	// representations) rather than a task someone must do.
	window bool
}

func (m *Milestone) open() bool { return m.DoneOn.IsZero() }

// Clock is the state of a pupil's EHC process, folded from its records.
type Clock struct {
	Status       string
	RequestedOn  civil.Date
	PlanIssuedOn civil.Date
	AmendedOn    civil.Date
	Milestones   []Milestone
	records      []Record
}

// New returns the clock of a pupil with no records.
func New() *Clock { return &Clock{Status: StatusNone} }

// Fold rebuilds a clock from stored records. Stored history was accepted
// when it was recorded (historic plans carry their mark), so errors are not
// expected; they are returned for completeness.
func Fold(records []Record) (*Clock, error) {
	c := New()
	for _, r := range records {
		if err := c.Apply(r, false); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Records returns the records folded so far.
func (c *Clock) Records() []Record { return c.records }

func (c *Clock) openMilestone(typ, from string, due civil.Date) {
	c.Milestones = append(c.Milestones, Milestone{Type: typ, From: from, DueOn: due})
}

func (c *Clock) openWindow(typ string, due civil.Date) {
	c.Milestones = append(c.Milestones, Milestone{Type: typ, DueOn: due, window: true})
}

// pending returns the first open milestone of typ (and from, when given).
func (c *Clock) pending(typ, from string) *Milestone {
	for i := range c.Milestones {
		m := &c.Milestones[i]
		if m.Type == typ && m.open() && (from == "" || m.From == from) {
			return m
		}
	}
	return nil
}

// close marks the open milestone of typ (and from) done on date on.
func (c *Clock) close(typ, from string, on civil.Date) bool {
	if m := c.pending(typ, from); m != nil {
		m.DoneOn = on
		m.Late = !m.DueOn.IsZero() && on.After(m.DueOn)
		return true
	}
	return false
}

// closeAll marks every open milestone of typ done on date on, the missed
// ones late.
func (c *Clock) closeAll(typ string, on civil.Date) bool {
	closed := false
	for c.close(typ, "", on) {
		closed = true
	}
	return closed
}

// cancel drops open milestones of typ that no longer apply.
func (c *Clock) cancel(typ string) {
	c.Milestones = slices.DeleteFunc(c.Milestones, func(m Milestone) bool { return m.Type == typ && m.open() })
}

// move drops the open milestones of typ not yet due on date on, for a new
// date to replace them. One already missed stays: a missed statutory
// deadline never disappears.
func (c *Clock) move(typ string, on civil.Date) {
	c.Milestones = slices.DeleteFunc(c.Milestones, func(m Milestone) bool {
		return m.Type == typ && m.open() && !m.DueOn.Before(on)
	})
}

func (c *Clock) processStart() civil.Date {
	if c.Status == StatusActive || c.Status == StatusCeased {
		return civil.Max(c.PlanIssuedOn, c.RequestedOn)
	}
	return c.RequestedOn
}

// Apply adds record r if the process allows it now. hasPlan says the pupil
// is recorded with SEN status E, which allows a plan issued before sendcase
// to be recorded with final_issued alone.
func (c *Clock) Apply(r Record, hasPlan bool) error {
	if start := c.processStart(); r.Type != Exception && start.Valid() && r.On.Before(start) {
		return domain.Invalid("on", "must not be before the process it belongs to began (%s)", start)
	}
	on := r.On
	switch r.Type {
	case Request:
		switch {
		case c.Status == StatusRequested || c.Status == StatusAssessing || c.Status == StatusDraft:
			return outOfOrder("an EHC needs assessment request is already in progress (status %s)", c.Status)
		case c.Status == StatusActive, c.Status == StatusNone && hasPlan:
			return outOfOrder("the pupil already has an EHC plan; record final_issued with the plan's date to start its clock")
		}
		c.Status, c.RequestedOn, c.PlanIssuedOn, c.AmendedOn = StatusRequested, on, 0, 0
		c.openMilestone(DecisionToAssess, "", on.AddWeeks(6))
		c.openMilestone(FinalIssued, "", on.AddWeeks(20))
	case DecisionToAssess:
		if c.Status != StatusRequested {
			return outOfOrder("a decision to assess needs a pending request (status %s)", c.Status)
		}
		c.close(DecisionToAssess, "", on)
		if *r.Assess {
			c.Status = StatusAssessing
			c.openMilestone(DecisionToIssue, "", c.RequestedOn.AddWeeks(16))
		} else {
			c.Status = StatusNotAssessed
			c.cancel(FinalIssued)
		}
	case AdviceRequested:
		if c.Status != StatusAssessing {
			return outOfOrder("advice is requested during the assessment (status %s)", c.Status)
		}
		if c.pending(AdviceReceived, r.From) != nil {
			return outOfOrder("advice from %s is already awaited", r.From)
		}
		c.openMilestone(AdviceReceived, r.From, on.AddWeeks(6))
	case AdviceReceived:
		if !c.close(AdviceReceived, r.From, on) {
			return outOfOrder("no advice from %s is awaited", r.From)
		}
	case DraftIssued:
		if c.Status != StatusAssessing {
			return outOfOrder("a draft plan follows a decision to assess (status %s)", c.Status)
		}
		c.Status = StatusDraft
		// Sending a draft is the decision to issue (reg 10(1) only times a
		// notice not to issue).
		c.close(DecisionToIssue, "", on)
		c.openWindow(DraftRepresentations, on.AddDays(14))
	case FinalIssued:
		switch {
		case c.Status == StatusAssessing || c.Status == StatusDraft:
			c.close(FinalIssued, "", on)
			c.close(DecisionToIssue, "", on)
		case c.Status == StatusNone && (hasPlan || r.Historic):
			// A plan issued before sendcase: start its annual-review clock.
			r.Historic = true
		default:
			return outOfOrder("a final plan needs an assessment in progress (status %s)", c.Status)
		}
		if r.LastReviewedOn.Valid() && !r.Historic {
			return domain.Invalid("last_reviewed_on", "is only for a plan issued before sendcase: record the reviews of this one as they happen")
		}
		c.Status, c.PlanIssuedOn = StatusActive, on
		// A plan reviewed before sendcase is next due a year after that
		// review; the earlier reviews are not sendcase's to time.
		c.openMilestone(AnnualReview, "", civil.Max(on, r.LastReviewedOn).AddMonths(12))
	case NotToIssue:
		if c.Status != StatusAssessing && c.Status != StatusDraft {
			return outOfOrder("a notice not to issue needs an assessment in progress (status %s)", c.Status)
		}
		c.Status = StatusNotIssued
		c.close(FinalIssued, "", on)
		c.close(DecisionToIssue, "", on)
	case AnnualReviewScheduled, ReviewInvitationsSent, AnnualReviewHeld, ReviewReportSent, LADecision,
		AmendmentsProposed, AmendedFinalIssued, Ceased:
		if c.Status != StatusActive {
			return outOfOrder("%s needs an active plan (status %s)", r.Type, c.Status)
		}
		return c.applyToPlan(r)
	case Exception:
		m := c.pending(r.Milestone, r.From)
		if m == nil {
			return outOfOrder("no open %s milestone to excuse", r.Milestone)
		}
		m.Reason = r.Reason
	default:
		return domain.Invalid("type", "unknown type %q", r.Type)
	}
	c.records = append(c.records, r)
	return nil
}

// applyToPlan handles the records of an active plan's annual review cycle.
func (c *Clock) applyToPlan(r Record) error {
	on := r.On
	switch r.Type {
	case AnnualReviewScheduled:
		// A rescheduled meeting moves the invitations' deadline (one
		// already missed stays missed).
		c.move(ReviewInvitations, on)
		c.openMilestone(ReviewInvitations, "", r.MeetingOn.AddDays(-AdviceBeforeMeeting))
	case ReviewInvitationsSent:
		if !c.closeAll(ReviewInvitations, on) {
			return outOfOrder("no annual review meeting is scheduled")
		}
	case AnnualReviewHeld:
		c.closeAll(ReviewInvitations, on)
		c.close(AnnualReview, "", on)
		c.openMilestone(ReviewReportSent, "", on.AddWeeks(2))
		c.openMilestone(LADecision, "", on.AddWeeks(4))
		c.openMilestone(AnnualReview, "", on.AddMonths(12))
	case ReviewReportSent:
		if !c.close(ReviewReportSent, "", on) {
			return outOfOrder("no annual review report is due")
		}
	case LADecision:
		if !c.close(LADecision, "", on) {
			return outOfOrder("no local authority decision is due after an annual review")
		}
		switch r.Outcome {
		case "amend":
			c.openMilestone(AmendmentsProposed, "", 0)
		case "cease":
			c.openMilestone(Ceased, "", 0)
		}
	case AmendmentsProposed:
		c.close(AmendmentsProposed, "", on)
		c.openWindow(AmendmentRepresentations, on.AddDays(14))
		c.openMilestone(AmendedFinalIssued, "", on.AddWeeks(8))
	case AmendedFinalIssued:
		if !c.close(AmendedFinalIssued, "", on) {
			return outOfOrder("an amended plan follows proposed amendments")
		}
		c.AmendedOn = on
	case Ceased:
		c.Status = StatusCeased
		for i := range c.Milestones {
			if m := &c.Milestones[i]; m.open() && !m.window {
				m.DoneOn = on
			}
		}
	}
	c.records = append(c.records, r)
	return nil
}
