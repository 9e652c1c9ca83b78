package pupil

import (
	"testing"

	"github.com/sendcase/sendcase/domain/ehcp"
)

func TestReferralLifecycle(t *testing.T) {
	type step struct {
		status, on string
		ok         bool
		field      string
	}
	tests := []struct {
		name  string
		steps []step
		open  bool
		wait  int // as of 2025-11-01
	}{
		{"full path", []step{{"accepted", "2025-09-20", true, ""}, {"seen", "2025-10-10", true, ""}, {"report_received", "2025-10-20", true, ""}, {"closed", "2025-10-21", true, ""}}, false, 30},
		{"declined", []step{{"declined", "2025-09-15", true, ""}}, false, 5},
		{"waiting", []step{{"accepted", "2025-09-20", true, ""}}, true, 52},
		{"closed early", []step{{"closed", "2025-09-30", true, ""}}, false, 20},
		// Steps the school never hears about may be skipped, forward only.
		{"seen without word of acceptance", []step{{"seen", "2025-09-20", true, ""}, {"report_received", "2025-10-01", true, ""}}, true, 10},
		{"report without word of the appointment", []step{{"accepted", "2025-09-12", true, ""}, {"report_received", "2025-09-21", true, ""}}, true, 52},
		{"report straight after referral", []step{{"report_received", "2025-10-01", true, ""}}, true, 52},
		{"declined once accepted", []step{{"accepted", "2025-09-12", true, ""}, {"declined", "2025-09-15", true, ""}}, false, 5},
		{"declined once seen", []step{{"seen", "2025-09-20", true, ""}, {"declined", "2025-09-21", false, ""}}, true, 10},
		{"accepted twice", []step{{"accepted", "2025-09-20", true, ""}, {"accepted", "2025-09-21", false, ""}}, true, 52},
		{"backwards in the order", []step{{"seen", "2025-09-20", true, ""}, {"accepted", "2025-09-21", false, ""}}, true, 10},
		{"backwards in time", []step{{"accepted", "2025-09-20", true, ""}, {"seen", "2025-09-19", false, "on"}}, true, 52},
		{"after declined", []step{{"declined", "2025-09-15", true, ""}, {"accepted", "2025-09-21", false, ""}}, false, 5},
		{"after closed", []step{{"closed", "2025-09-15", true, ""}, {"seen", "2025-09-21", false, ""}}, false, 5},
		{"backwards date", []step{{"accepted", "2025-09-01", false, "on"}}, true, 52},
		{"unknown status", []step{{"lost", "2025-09-20", false, "status"}}, true, 52},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, facts, _ := atStage(t, "registered")
			out := must(t)(p.MakeReferral(MakeReferral{Service: "speech_language_therapy", Provider: "nhs", Reason: "Speech delay", ReferredOn: d("2025-09-10")}, facts))
			apply(t, p, out)
			id := p.Referrals[0].ID
			for _, s := range tt.steps {
				evs, err := p.ChangeReferral(id, ChangeReferral{Status: s.status, On: d(s.on)}, facts)
				switch {
				case s.ok && err != nil:
					t.Fatalf("%s refused: %v", s.status, err)
				case !s.ok && s.field == "" && !isConflict(err):
					t.Fatalf("%s: want conflict, got %v", s.status, err)
				case !s.ok && s.field != "" && (len(fieldsOf(err)) != 1 || fieldsOf(err)[0] != s.field):
					t.Fatalf("%s: want 400 on %s, got %v", s.status, s.field, err)
				}
				apply(t, p, evs)
			}
			r := p.Referrals[0]
			if r.Open() != tt.open || r.WaitDays(d("2025-11-01")) != tt.wait {
				t.Fatalf("open %v wait %d", r.Open(), r.WaitDays(d("2025-11-01")))
			}
		})
	}
	p, facts, _ := atStage(t, "registered")
	_, err := p.MakeReferral(MakeReferral{Service: "astrology", Provider: "nhs", Reason: " ", ReferredOn: d("2025-09-10")}, facts)
	if got := fieldsOf(err); len(got) != 2 || got[0] != "service" || got[1] != "reason" {
		t.Fatalf("fields %v", got)
	}
}

func TestEHCPOnThePupil(t *testing.T) {
	p, facts, _ := atStage(t, "registered") // K, SLCN
	assess := true
	for _, c := range []ehcp.Command{
		{Type: "request", On: d("2025-09-15"), RequestedBy: "parent"},
		{Type: "decision_to_assess", On: d("2025-10-20"), Assess: &assess},
	} {
		apply(t, p, must(t)(p.RecordEHCP(c, facts)))
	}
	// A final plan puts the pupil on status E.
	apply(t, p, must(t)(p.RecordEHCP(ehcp.Command{Type: "final_issued", On: d("2026-01-20")}, facts)))
	if p.SENStatus != "E" {
		t.Fatalf("status %s after a final plan", p.SENStatus)
	}
	v := p.EHCP(d("2026-02-01"), "primary")
	if v.Status != "active" || v.NextAnnualReviewDueOn != d("2027-01-20") || v.PhaseTransferDueOn != d("2027-02-15") {
		t.Fatalf("view %+v", v)
	}
	// Out of order: 409.
	if _, err := p.RecordEHCP(ehcp.Command{Type: "draft_issued", On: d("2026-02-01")}, facts); !isConflict(err) {
		t.Fatalf("draft after final: %v", err)
	}
}

func TestHistoricPlanSurvivesStatusChange(t *testing.T) {
	facts := testContext()
	p := &Pupil{}
	r := validRegister()
	r.SENStatus, r.PrimaryNeed = "E", "ASD"
	apply(t, p, must(t)(RegisterPupil("p1", trustID, schoolA, r, facts)))
	if v := p.EHCP(d("2025-10-01"), "primary"); v.Status != "active" || v.PlanIssuedOn.Valid() {
		t.Fatalf("E pupil without records: %+v", v)
	}
	apply(t, p, must(t)(p.RecordEHCP(ehcp.Command{Type: "final_issued", On: d("2023-03-10")}, facts)))
	apply(t, p, must(t)(p.RecordEHCP(ehcp.Command{Type: "ceased", On: d("2025-10-01")}, facts)))
	apply(t, p, must(t)(p.ChangeStatus(ChangeStatus{SENStatus: "K", PrimaryNeed: "ASD", On: d("2025-10-02")}, facts)))
	// The clock still folds with the pupil no longer on status E.
	if v := p.EHCP(d("2025-11-01"), "primary"); v.Status != "ceased" || v.PlanIssuedOn != d("2023-03-10") {
		t.Fatalf("after status change: %+v", v)
	}
	// A K pupil cannot record a plan without a process.
	if _, err := p.RecordEHCP(ehcp.Command{Type: "final_issued", On: d("2025-11-01")}, facts); !isConflict(err) {
		t.Fatalf("final without request: %v", err)
	}
}
