package ehcp

import (
	"cmp"
	"slices"

	"github.com/sendcase/sendcase/domain/civil"
)

// Processes of the EHC clock, as a timeline groups its milestones.
const (
	ProcessAssessment     = "assessment"
	ProcessAnnualReview   = "annual_review"
	ProcessPhaseTransfer  = "phase_transfer"
	processAfterReviewing = "after"
)

// Process is one statutory process of a pupil's EHC clock: the needs
// assessment, one annual review, or a phase transfer, with its milestones
// in order of due date (those with no statutory date last).
type Process struct {
	Kind string `json:"kind"`
	// DueOn is the annual review's or the phase transfer's due date.
	DueOn      civil.Date  `json:"due_on,omitempty"`
	Milestones []Milestone `json:"milestones"`
}

// stepOf says where a milestone belongs: the assessment's steps, those
// that lead to an annual review (its invitations), or those that follow
// one (report, LA decision, amendments).
var stepOf = map[string]string{
	ReviewInvitations: ProcessAnnualReview,
	ReviewReportSent:  processAfterReviewing, LADecision: processAfterReviewing, AmendmentsProposed: processAfterReviewing,
	Ceased: processAfterReviewing, AmendmentRepresentations: processAfterReviewing, AmendedFinalIssued: processAfterReviewing,
}

// Processes groups the view's milestones by process: the assessment
// first, then each annual review and phase transfer by due date. The
// clock lists milestones in the order it opened them, which is what ties
// each step to its review: invitations to the review then pending, a
// report or decision to the review last held.
func (v View) Processes() []Process {
	var out []*Process
	var assessment *Process
	var open, held *Process // the latest annual review opened, and held
	for _, m := range v.Milestones {
		switch {
		case m.Type == AnnualReview:
			open = &Process{Kind: ProcessAnnualReview, DueOn: m.DueOn, Milestones: []Milestone{m}}
			out = append(out, open)
			if m.Status == Done {
				held = open
			}
		case m.Type == PhaseTransfer:
			out = append(out, &Process{Kind: ProcessPhaseTransfer, DueOn: m.DueOn, Milestones: []Milestone{m}})
		case stepOf[m.Type] == ProcessAnnualReview && open != nil:
			open.Milestones = append(open.Milestones, m)
		case stepOf[m.Type] == processAfterReviewing && (held != nil || open != nil):
			to := held
			if to == nil {
				to = open
			}
			to.Milestones = append(to.Milestones, m)
		default:
			if assessment == nil {
				assessment = &Process{Kind: ProcessAssessment}
			}
			assessment.Milestones = append(assessment.Milestones, m)
		}
	}
	slices.SortStableFunc(out, func(a, b *Process) int { return cmp.Compare(a.DueOn, b.DueOn) })
	if assessment != nil {
		out = append([]*Process{assessment}, out...)
	}
	processes := make([]Process, len(out))
	for i, p := range out {
		slices.SortStableFunc(p.Milestones, func(a, b Milestone) int { return cmp.Compare(dueOrLast(a.DueOn), dueOrLast(b.DueOn)) })
		processes[i] = *p
	}
	return processes
}

func dueOrLast(d civil.Date) civil.Date {
	if !d.Valid() {
		return civil.Date(1 << 30)
	}
	return d
}
