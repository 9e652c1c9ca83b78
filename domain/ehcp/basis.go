package ehcp

// Basis says where each milestone's time limit comes from (the SEND
// Regulations 2014, "reg", and the Children and Families Act 2014), as
// domain.md gives them: what a reminder of the deadline cites.
var Basis = map[string]string{
	DecisionToAssess:         "reg 5(1): decide whether to assess within 6 weeks of the request",
	AdviceReceived:           "reg 8(1): advice within 6 weeks of being asked",
	DecisionToIssue:          "reg 10(1): a notice not to issue within 16 weeks of the request",
	DraftRepresentations:     "reg 13(1): 15 days for the parents' views on the draft",
	FinalIssued:              "reg 13(2): the final plan within 20 weeks of the request",
	AnnualReview:             "section 44(1): a review within 12 months of the plan or the last review",
	ReviewInvitations:        "reg 20(3),(4): invitations at least 2 weeks before the meeting",
	ReviewReportSent:         "reg 20(7): the report within 2 weeks of the meeting",
	LADecision:               "reg 20(10): the LA's decision within 4 weeks of the meeting",
	AmendmentRepresentations: "reg 22(2): 15 days for the parents' views on the amendments",
	AmendedFinalIssued:       "reg 22(3): the amended plan within 8 weeks of the proposal",
	PhaseTransfer:            "reg 18: reviewed and amended by 15 February (31 March in Year 11)",
}
