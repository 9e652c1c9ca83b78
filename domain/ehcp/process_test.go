package ehcp

import (
	"fmt"
	"testing"

	"github.com/sendcase/sendcase/domain/civil"
)

func TestProcessesGroupTheTimeline(t *testing.T) {
	d := civil.MustParse
	m := func(typ, due, status string) Milestone {
		var on civil.Date
		if due != "" {
			on = d(due)
		}
		return Milestone{Type: typ, DueOn: on, Status: status}
	}
	// In the order the clock opened them: the assessment, a first annual
	// review held (its report and decision, amendments after the next
	// review was opened), the next review's invitations, a phase transfer.
	v := View{Milestones: []Milestone{
		m(DecisionToAssess, "2024-03-01", Done), m(FinalIssued, "2024-06-01", Done), m(DecisionToIssue, "2024-05-01", Done),
		m(AdviceReceived, "2024-04-01", Done),
		m(AnnualReview, "2025-06-01", Done), m(ReviewReportSent, "2025-06-15", Done), m(LADecision, "2025-06-29", Done),
		m(AnnualReview, "2026-06-01", Pending), m(AmendmentsProposed, "", Done), m(AmendedFinalIssued, "2025-08-24", Pending),
		m(ReviewInvitations, "2026-05-18", Pending), m(PhaseTransfer, "2026-02-15", Pending),
	}}
	got := ""
	for _, p := range v.Processes() {
		got += fmt.Sprintf("%s %s:", p.Kind, p.DueOn)
		for _, m := range p.Milestones {
			got += " " + m.Type
		}
		got += "\n"
	}
	want := "assessment :" + " decision_to_assess advice_received decision_to_issue final_issued\n" +
		"annual_review 2025-06-01: annual_review review_report_sent la_decision amended_final_issued amendments_proposed\n" +
		"phase_transfer 2026-02-15: phase_transfer\n" +
		"annual_review 2026-06-01: review_invitations annual_review\n"
	if got != want {
		t.Errorf("processes:\n got %s\nwant %s", got, want)
	}
}
