package pupil

import (
	"slices"
	"testing"

	"github.com/sendcase/sendcase/domain/civil"

	"github.com/sendcase/sendcase/domain/ehcp"
)

// TestNothingThatHappenedIsInTheFuture: the date of something that
// happened may be today but not tomorrow; planned dates (a review due, a
// meeting, a grant's end) may be later.
func TestNothingThatHappenedIsInTheFuture(t *testing.T) {
	today := testContext().Today
	tomorrow := today.AddDays(1)
	yes := true
	tests := []struct {
		name, stage, field string
		run                func(p *Pupil, facts Facts, cyc string, on civil.Date) error
	}{
		{"register: date of birth", "", "date_of_birth", func(_ *Pupil, f Facts, _ string, on civil.Date) error {
			r := validRegister()
			r.DateOfBirth, r.RegisteredOn = on, 0
			_, err := RegisterPupil("p2", trustID, schoolA, r, f)
			return err
		}},
		{"register: registered on", "", "registered_on", func(_ *Pupil, f Facts, _ string, on civil.Date) error {
			r := validRegister()
			r.RegisteredOn = on
			_, err := RegisterPupil("p2", trustID, schoolA, r, f)
			return err
		}},
		{"status", "registered", "on", func(p *Pupil, f Facts, _ string, on civil.Date) error {
			_, err := p.ChangeStatus(ChangeStatus{SENStatus: "K", PrimaryNeed: "SEMH", On: on}, f)
			return err
		}},
		{"open a cycle", "registered", "opened_on", func(p *Pupil, f Facts, _ string, on civil.Date) error {
			_, err := p.OpenCycle(OpenCycleCmd{OpenedOn: on}, f)
			return err
		}},
		{"assessment", "assess", "assessed_on", func(p *Pupil, f Facts, cyc string, on civil.Date) error {
			_, err := p.RecordAssessment(cyc, RecordAssessment{AssessedOn: on, Summary: "s", NeedAreas: []needArea{"semh"}}, f)
			return err
		}},
		{"plan", "plan", "agreed_on", func(p *Pupil, f Facts, cyc string, on civil.Date) error {
			pl := validPlan()
			pl.AgreedOn, pl.ReviewDueOn = on, on.AddDays(60)
			_, err := p.AgreePlan(cyc, pl, f)
			return err
		}},
		{"session", "do", "delivered_on", func(p *Pupil, f Facts, cyc string, on civil.Date) error {
			_, err := p.LogSession(cyc, LogSession{ProvisionID: provID, DeliveredOn: on, Minutes: 30, Attended: &yes}, f)
			return err
		}},
		{"review", "do", "held_on", func(p *Pupil, f Facts, cyc string, on civil.Date) error {
			r := reviewFor(p, cyc, "refer")
			r.HeldOn = on
			_, err := p.RecordReview(cyc, r, f)
			return err
		}},
		{"EHCP milestone", "registered", "on", func(p *Pupil, f Facts, _ string, on civil.Date) error {
			_, err := p.RecordEHCP(ehcp.Command{Type: ehcp.Request, On: on, RequestedBy: "parent"}, f)
			return err
		}},
		{"referral", "registered", "referred_on", func(p *Pupil, f Facts, _ string, on civil.Date) error {
			_, err := p.MakeReferral(MakeReferral{Service: "educational_psychology", Provider: "local_authority", Reason: "r", ReferredOn: on}, f)
			return err
		}},
		{"transfer", "registered", "on", func(p *Pupil, f Facts, _ string, on civil.Date) error {
			_, err := p.Transfer(Transfer{SchoolID: schoolB, On: on}, f)
			return err
		}},
		{"leave", "registered", "on", func(p *Pupil, f Facts, _ string, on civil.Date) error {
			_, err := p.Leave(Leave{On: on}, f)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []struct {
				on   civil.Date
				want []string
			}{{today, nil}, {tomorrow, []string{tt.field}}} {
				p, facts, cyc := &Pupil{}, testContext(), ""
				if tt.stage != "" {
					p, facts, cyc = atStage(t, tt.stage)
				}
				got := slices.Compact(fieldsOf(tt.run(p, facts, cyc, c.on)))
				if !slices.Equal(got, c.want) {
					t.Errorf("on %s: fields %v, want %v", c.on, got, c.want)
				}
			}
		})
	}
}
