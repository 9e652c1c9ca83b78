// Package ehcp is the EHCP statutory clock: from the recorded events of an
// EHC needs assessment and plan, it works out every deadline of the SEND
// Regulations 2014 that follows, and whether each is pending, done, overdue
// or excused on a given date. It is pure: dates are passed in.
package ehcp

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
)

// Record types: what a SENCO or trust lead records happened.
const (
	Request               = "request"
	DecisionToAssess      = "decision_to_assess"
	AdviceRequested       = "advice_requested"
	AdviceReceived        = "advice_received"
	DraftIssued           = "draft_issued"
	FinalIssued           = "final_issued"
	NotToIssue            = "not_to_issue"
	AnnualReviewScheduled = "annual_review_scheduled"
	ReviewInvitationsSent = "review_invitations_sent"
	AnnualReviewHeld      = "annual_review_held"
	ReviewReportSent      = "review_report_sent"
	LADecision            = "la_decision"
	AmendmentsProposed    = "amendments_proposed"
	AmendedFinalIssued    = "amended_final_issued"
	Ceased                = "ceased"
	Exception             = "exception"
)

// RecordTypes lists every accepted type, in process order.
var RecordTypes = domain.Allowed("ehcp_record_type", Request, DecisionToAssess, AdviceRequested, AdviceReceived, DraftIssued, FinalIssued,
	NotToIssue, AnnualReviewScheduled, ReviewInvitationsSent, AnnualReviewHeld, ReviewReportSent, LADecision,
	AmendmentsProposed, AmendedFinalIssued, Ceased, Exception)

// Exception reasons (reg 5(4), 8(2), 10(4)).
const (
	SchoolClosure                   = "school_closure"
	ExceptionalPersonalCircumstance = "exceptional_personal_circumstances"
	AbsentFromArea                  = "absent_from_area"
	MissedAppointment               = "missed_appointment"
)

// Reasons lists the exception reasons.
var Reasons = domain.Allowed("ehcp_exception_reason", SchoolClosure, ExceptionalPersonalCircumstance, AbsentFromArea, MissedAppointment)

// Record is one recorded event of the EHC process; type-specific fields are
// set only for their type.
type Record struct {
	// Entry is the version of the event that recorded it: what a
	// correction or a void names.
	Entry       int        `json:"entry,omitempty"`
	Type        string     `json:"type"`
	On          civil.Date `json:"on"`
	RequestedBy string     `json:"requested_by,omitempty" personal:"true"`
	Assess      *bool      `json:"assess,omitempty"`
	From        string     `json:"from,omitempty"`
	MeetingOn   civil.Date `json:"meeting_on,omitempty"`
	Outcome     string     `json:"outcome,omitempty"`
	Milestone   string     `json:"milestone,omitempty"`
	Reason      string     `json:"reason,omitempty"`
	// Historic marks a final plan issued before sendcase, recorded for a
	// pupil with SEN status E to start the annual-review clock.
	Historic bool `json:"historic,omitempty"`
	// LastReviewedOn is, for such a plan, the last annual review held
	// before sendcase: the next is due a year after it.
	LastReviewedOn civil.Date `json:"last_reviewed_on,omitempty"`
}

// Command is the body of POST /v1/pupils/{id}/ehcp/milestones.
type Command struct {
	Type        string     `json:"type" validate:"required,allowed=ehcp_record_type"`
	On          civil.Date `json:"on" validate:"required,date,happened"`
	RequestedBy string     `json:"requested_by" validate:"max=200"`
	Assess      *bool      `json:"assess"`
	From        string     `json:"from" validate:"max=200"`
	MeetingOn   civil.Date `json:"meeting_on" validate:"date"`
	Outcome     string     `json:"outcome"`
	Milestone   string     `json:"milestone"`
	Reason      string     `json:"reason"`
	// LastReviewedOn: with final_issued for a plan issued before sendcase,
	// its last annual review (the import's "last annual review" column).
	LastReviewedOn civil.Date `json:"last_reviewed_on" validate:"date,happened"`
}

// Excusable lists the milestones whose time limits the exceptions relax,
// and ReviewOutcomes the LA's decisions after an annual review.
var (
	Excusable      = domain.Allowed("ehcp_excusable_milestone", DecisionToAssess, AdviceReceived, DecisionToIssue, FinalIssued)
	ReviewOutcomes = domain.Allowed("ehcp_review_outcome", "maintain", "amend", "cease")
)

// Check validates a command's fields for its type and returns the record.
// Unknown types, missing type-specific fields and fields that do not belong
// to the type are each reported against their field; the date it happened
// must not be after today.
func (c Command) Check(today civil.Date) (Record, error) {
	probs, err := domain.CheckOn(c, today)
	if err != nil {
		return Record{}, err
	}
	need := func(field string, present bool) {
		if !present {
			probs.Add(field, "is required for type %s", c.Type)
		}
	}
	forbid := func(field string, present bool, owner string) {
		if present {
			probs.Add(field, "only belongs with type %s", owner)
		}
	}
	t := c.Type
	switch t {
	case Request:
		need("requested_by", c.RequestedBy != "")
	case DecisionToAssess:
		need("assess", c.Assess != nil)
	case AdviceRequested, AdviceReceived:
		need("from", c.From != "")
	case AnnualReviewScheduled:
		need("meeting_on", !c.MeetingOn.IsZero())
	case LADecision:
		if c.Outcome == "" {
			need("outcome", false)
		} else if !slices.Contains(ReviewOutcomes, c.Outcome) {
			probs.Add("outcome", "must be one of: %s", strings.Join(ReviewOutcomes, ", "))
		}
	case Exception:
		switch {
		case c.Milestone == "":
			need("milestone", false)
		case !slices.Contains(Excusable, c.Milestone):
			probs.Add("milestone", "exceptions apply to: %s", strings.Join(Excusable, ", "))
		}
		switch {
		case c.Reason == "":
			need("reason", false)
		case !slices.Contains(Reasons, c.Reason):
			probs.Add("reason", "must be one of: %s", strings.Join(Reasons, ", "))
		case c.Reason == MissedAppointment && c.Milestone != "" && c.Milestone != AdviceReceived:
			probs.Add("reason", "missed_appointment only excuses advice_received")
		}
	}
	if t != "" {
		forbid("requested_by", t != Request && c.RequestedBy != "", Request)
		forbid("assess", t != DecisionToAssess && c.Assess != nil, DecisionToAssess)
		forbid("from", !slices.Contains([]string{AdviceRequested, AdviceReceived, Exception}, t) && c.From != "", "advice_requested, advice_received or exception")
		forbid("meeting_on", t != AnnualReviewScheduled && !c.MeetingOn.IsZero(), AnnualReviewScheduled)
		forbid("outcome", t != LADecision && c.Outcome != "", LADecision)
		forbid("milestone", t != Exception && c.Milestone != "", Exception)
		forbid("reason", t != Exception && c.Reason != "", Exception)
		forbid("last_reviewed_on", t != FinalIssued && !c.LastReviewedOn.IsZero(), FinalIssued)
		if t == FinalIssued && c.LastReviewedOn.Valid() && c.On.Valid() && c.LastReviewedOn.Before(c.On) {
			probs.Add("last_reviewed_on", "must not be before the plan was issued (%s)", c.On)
		}
	}
	if err := probs.Err(); err != nil {
		return Record{}, err
	}
	return Record{Type: c.Type, On: c.On, RequestedBy: c.RequestedBy, Assess: c.Assess, From: c.From,
		MeetingOn: c.MeetingOn, Outcome: c.Outcome, Milestone: c.Milestone, Reason: c.Reason, LastReviewedOn: c.LastReviewedOn}, nil
}

// outOfOrder is the 409 for a record the process does not allow now.
func outOfOrder(format string, args ...any) error {
	return domain.Conflict("%s", fmt.Sprintf(format, args...))
}
