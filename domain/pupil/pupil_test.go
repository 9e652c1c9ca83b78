package pupil

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
)

const (
	trustID   = "0193a000-0000-7000-8000-000000000001"
	schoolA   = "0193a000-0000-7000-8000-0000000000a1"
	schoolB   = "0193a000-0000-7000-8000-0000000000b1"
	otherTrSc = "0193a000-0000-7000-8000-0000000000c1"
	provID    = "0193a000-0000-7000-8000-0000000000f1"
	reviewer  = "0193a000-0000-7000-8000-0000000000e1"
	// otherTrustReviewer works with another trust.
	otherTrustReviewer = "0193a000-0000-7000-8000-0000000000e3"
)

func d(s string) civil.Date { return civil.MustParse(s) }

func testContext() Facts {
	n := 0
	return Facts{
		Today: d("2026-03-01"),
		NewID: func() string { n++; return fmt.Sprintf("id-%d", n) },
		Provision: func(id string) (trust.Provision, bool) {
			if id == provID {
				return trust.Provision{ID: provID, Name: "Talk Boost", MaxGroupSize: 4}, true
			}
			return trust.Provision{}, false
		},
		Measure: func(id string) (trust.Measure, bool) {
			m, ok := testMeasures[id]
			return m, ok
		},
		SchoolTrust: func(id string) (string, bool) {
			switch id {
			case schoolA, schoolB:
				return trustID, true
			case otherTrSc:
				return "another-trust", true
			}
			return "", false
		},
		User: func(id string) (user.User, bool) {
			switch id {
			case reviewer:
				return user.User{ID: id, Role: user.LAReviewer, TrustID: trustID}, true
			case otherTrustReviewer:
				return user.User{ID: id, Role: user.LAReviewer, TrustID: "another-trust"}, true
			case mum:
				return user.User{ID: id, Role: user.Parent, TrustID: trustID}, true
			case otherTrustParent:
				return user.User{ID: id, Role: user.Parent, TrustID: "another-trust"}, true
			case psychologist:
				return user.User{ID: id, Role: user.Professional, TrustID: trustID}, true
			case otherTrustPsychologist:
				return user.User{ID: id, Role: user.Professional, TrustID: "another-trust"}, true
			}
			return user.User{}, false
		},
	}
}

// apply folds decided events into p, as the store would after appending them.
func apply(t *testing.T, p *Pupil, data []event.Data) {
	t.Helper()
	for _, dt := range data {
		e, err := event.New("e", p.Version+1, event.Actor{}, d("2025-01-01").Time(), dt)
		if err != nil {
			t.Fatal(err)
		}
		p.Apply(e)
	}
}

func must(t *testing.T) func([]event.Data, error) []event.Data {
	return func(out []event.Data, err error) []event.Data {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return out
	}
}

func validRegister() Register {
	return Register{UPN: "B801200005001", FirstName: "Ada", LastName: "Lovelace", DateOfBirth: d("2015-03-04"),
		YearGroup: "5", SENStatus: "K", PrimaryNeed: "SLCN", RegisteredOn: d("2025-09-10")}
}

func attended() *bool { b := true; return &b }

// stages builds pupils at each point of a cycle so that every command can be
// tried against every stage.
func atStage(t *testing.T, stage string) (*Pupil, Facts, string) {
	t.Helper()
	facts := testContext()
	p := &Pupil{}
	apply(t, p, must(t)(RegisterPupil("p1", trustID, schoolA, validRegister(), facts)))
	if stage == "registered" {
		return p, facts, ""
	}
	apply(t, p, must(t)(p.OpenCycle(OpenCycleCmd{OpenedOn: d("2025-09-15")}, facts)))
	cyc := p.CurrentCycle().ID
	if stage == "assess" {
		return p, facts, cyc
	}
	apply(t, p, must(t)(p.RecordAssessment(cyc, RecordAssessment{AssessedOn: d("2025-09-20"), Summary: "s", NeedAreas: []needArea{"communication_interaction"}}, facts)))
	if stage == "plan" {
		return p, facts, cyc
	}
	apply(t, p, must(t)(p.AgreePlan(cyc, validPlan(), facts)))
	if stage == "do" {
		return p, facts, cyc
	}
	apply(t, p, must(t)(p.RecordReview(cyc, reviewFor(p, cyc, "refer"), facts)))
	return p, facts, cyc
}

type needArea = need.Area

func validPlan() AgreePlan {
	return AgreePlan{AgreedOn: d("2025-09-25"), ReviewDueOn: d("2025-12-12"),
		Outcomes:    []OutcomeInput{{Description: "Uses 3-word sentences", SuccessCriteria: "In 4 of 5 observed lessons"}, {Description: "Joins group talk", SuccessCriteria: "Weekly"}},
		Provisions:  []ProvisionInput{{ProvisionID: provID, SessionsPerWeek: 3, MinutesPerSession: 30, GroupSize: 4}},
		ParentViews: "Pleased", PupilViews: "Likes the group"}
}

func reviewFor(p *Pupil, cyc, decision string) RecordReview {
	r := RecordReview{HeldOn: d("2025-12-10"), Decision: decision, ParentViews: "ok", PupilViews: "ok"}
	for _, o := range p.Cycle(cyc).Plan.Outcomes {
		r.Outcomes = append(r.Outcomes, RatingInput{OutcomeID: o.ID, Rating: "met"})
	}
	return r
}

func isConflict(err error) bool {
	var c *domain.ConflictError
	return errors.As(err, &c)
}

func fieldsOf(err error) []string {
	var v *domain.ValidationError
	if !errors.As(err, &v) {
		return nil
	}
	var out []string
	for _, f := range v.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestStageTransitions(t *testing.T) {
	type command func(p *Pupil, facts Facts, cyc string) error
	commands := map[string]command{
		"open": func(p *Pupil, facts Facts, _ string) error {
			_, err := p.OpenCycle(OpenCycleCmd{OpenedOn: d("2025-12-20")}, facts)
			return err
		},
		"assess": func(p *Pupil, facts Facts, cyc string) error {
			_, err := p.RecordAssessment(cyc, RecordAssessment{AssessedOn: d("2025-12-20"), Summary: "s", NeedAreas: []needArea{"semh"}}, facts)
			return err
		},
		"plan": func(p *Pupil, facts Facts, cyc string) error {
			pl := validPlan()
			pl.AgreedOn, pl.ReviewDueOn = d("2025-12-20"), d("2026-02-01")
			_, err := p.AgreePlan(cyc, pl, facts)
			return err
		},
		"session": func(p *Pupil, facts Facts, cyc string) error {
			_, err := p.LogSession(cyc, LogSession{ProvisionID: provID, DeliveredOn: d("2025-12-20"), Minutes: 30, Attended: attended()}, facts)
			return err
		},
		"review": func(p *Pupil, facts Facts, cyc string) error {
			c := p.Cycle(cyc)
			r := RecordReview{HeldOn: d("2025-12-20"), Decision: "refer", ParentViews: "x", PupilViews: "y",
				Outcomes: []RatingInput{{OutcomeID: "none", Rating: "met"}}}
			if c != nil && c.Plan != nil {
				r.Outcomes = nil
				for _, o := range c.Plan.Outcomes {
					r.Outcomes = append(r.Outcomes, RatingInput{OutcomeID: o.ID, Rating: "met"})
				}
			}
			_, err := p.RecordReview(cyc, r, facts)
			return err
		},
	}
	// legal[stage] lists the commands allowed at that stage; all others are 409.
	legal := map[string][]string{
		"registered": {"open"},
		"assess":     {"assess"},
		"plan":       {"plan"},
		"do":         {"session", "review"},
		"closed":     {"open"},
	}
	for stage, allowed := range legal {
		for name, cmd := range commands {
			t.Run(stage+"/"+name, func(t *testing.T) {
				p, facts, cyc := atStage(t, stage)
				if stage == "registered" {
					cyc = "no-cycle"
				}
				err := cmd(p, facts, cyc)
				want := false
				for _, a := range allowed {
					want = want || a == name
				}
				switch {
				case want && err != nil:
					t.Fatalf("legal command refused: %v", err)
				case !want && stage == "registered" && errors.Is(err, domain.ErrNotFound):
				case !want && !isConflict(err):
					t.Fatalf("illegal command: want conflict, got %v", err)
				}
			})
		}
	}
}

func TestReviewDecisions(t *testing.T) {
	tests := []struct {
		decision      string
		wantCycles    int
		wantOpenStage Stage
		wantStatus    string
		wantActive    int
	}{
		{"continue", 2, Assess, "K", 1},
		{"escalate_ehc_request", 1, "", "K", 1},
		{"refer", 1, "", "K", 1},
		{"exit_sen_support", 1, "", "N", 0},
	}
	for _, tt := range tests {
		t.Run(tt.decision, func(t *testing.T) {
			p, facts, cyc := atStage(t, "do")
			apply(t, p, must(t)(p.RecordReview(cyc, reviewFor(p, cyc, tt.decision), facts)))
			if len(p.Cycles) != tt.wantCycles || p.Cycles[0].Stage != Closed {
				t.Fatalf("cycles = %d, first stage %s", len(p.Cycles), p.Cycles[0].Stage)
			}
			open := p.CurrentCycle()
			if (open == nil) != (tt.wantOpenStage == "") || (open != nil && (open.Stage != tt.wantOpenStage || open.OpenedOn != d("2025-12-10"))) {
				t.Fatalf("open cycle = %+v", open)
			}
			if string(p.SENStatus) != tt.wantStatus || len(p.ActiveProvisions) != tt.wantActive {
				t.Fatalf("status %s, active provisions %d", p.SENStatus, len(p.ActiveProvisions))
			}
		})
	}
}

func TestExitRefusedWithEHCPlan(t *testing.T) {
	p, facts, cyc := atStage(t, "do")
	p.SENStatus = "E"
	if _, err := p.RecordReview(cyc, reviewFor(p, cyc, "exit_sen_support"), facts); !isConflict(err) {
		t.Fatalf("got %v", err)
	}
}

func TestFieldRules(t *testing.T) {
	tests := []struct {
		name   string
		stage  string
		run    func(p *Pupil, facts Facts, cyc string) error
		fields []string
	}{
		{"register: bad UPN, missing names, bad year", "", func(p *Pupil, facts Facts, _ string) error {
			r := validRegister()
			r.UPN, r.FirstName, r.YearGroup = "A801200005001", " ", "15"
			_, err := RegisterPupil("p", trustID, schoolA, r, facts)
			return err
		}, []string{"upn", "first_name", "year_group"}},
		{"register: every field problem at once", "", func(p *Pupil, facts Facts, _ string) error {
			r := validRegister()
			r.UPN, r.SENStatus, r.DateOfBirth = "A801200005001", "N", -1
			_, err := RegisterPupil("p", trustID, schoolA, r, facts)
			return err
		}, []string{"upn", "date_of_birth", "primary_need"}},
		{"register: N with a need", "", func(p *Pupil, facts Facts, _ string) error {
			r := validRegister()
			r.SENStatus = "N"
			_, err := RegisterPupil("p", trustID, schoolA, r, facts)
			return err
		}, []string{"primary_need"}},
		{"register: NSA with E", "", func(p *Pupil, facts Facts, _ string) error {
			r := validRegister()
			r.SENStatus, r.PrimaryNeed = "E", "NSA"
			_, err := RegisterPupil("p", trustID, schoolA, r, facts)
			return err
		}, []string{"primary_need"}},
		{"register: born after registration", "", func(p *Pupil, facts Facts, _ string) error {
			r := validRegister()
			r.DateOfBirth = d("2026-01-01")
			_, err := RegisterPupil("p", trustID, schoolA, r, facts)
			return err
		}, []string{"date_of_birth"}},
		{"register: malformed date", "", func(p *Pupil, facts Facts, _ string) error {
			r := validRegister()
			r.DateOfBirth = -1
			_, err := RegisterPupil("p", trustID, schoolA, r, facts)
			return err
		}, []string{"date_of_birth"}},
		{"open before birth", "registered", func(p *Pupil, facts Facts, _ string) error {
			_, err := p.OpenCycle(OpenCycleCmd{OpenedOn: d("2010-01-01")}, facts)
			return err
		}, []string{"opened_on"}},
		{"open before the last review", "closed", func(p *Pupil, facts Facts, _ string) error {
			_, err := p.OpenCycle(OpenCycleCmd{OpenedOn: d("2025-12-01")}, facts)
			return err
		}, []string{"opened_on"}},
		{"assessment before opening", "assess", func(p *Pupil, facts Facts, cyc string) error {
			_, err := p.RecordAssessment(cyc, RecordAssessment{AssessedOn: d("2025-09-01"), Summary: "s", NeedAreas: []needArea{"semh"}}, facts)
			return err
		}, []string{"assessed_on"}},
		{"assessment without areas or with an unknown one", "assess", func(p *Pupil, facts Facts, cyc string) error {
			_, err := p.RecordAssessment(cyc, RecordAssessment{AssessedOn: d("2025-09-20"), Summary: "s", NeedAreas: []needArea{"maths"}}, facts)
			return err
		}, []string{"need_areas[0]"}},
		{"plan: review before agreement, too big a group, unknown provision", "plan", func(p *Pupil, facts Facts, cyc string) error {
			pl := validPlan()
			pl.ReviewDueOn = d("2025-09-01")
			pl.Provisions = []ProvisionInput{{provID, 1, 30, 6}, {"0193a000-0000-7000-8000-00000000ffff", 1, 30, 1}}
			_, err := p.AgreePlan(cyc, pl, facts)
			return err
		}, []string{"review_due_on", "provisions[0].group_size", "provisions[1].provision_id"}},
		{"plan: before the assessment, no outcomes, no views", "plan", func(p *Pupil, facts Facts, cyc string) error {
			pl := validPlan()
			pl.AgreedOn, pl.Outcomes, pl.ParentViews = d("2025-09-16"), nil, ""
			_, err := p.AgreePlan(cyc, pl, facts)
			return err
		}, []string{"outcomes", "parent_views"}},
		{"session: unplanned provision, before the plan, no attendance", "do", func(p *Pupil, facts Facts, cyc string) error {
			_, err := p.LogSession(cyc, LogSession{ProvisionID: "0193a000-0000-7000-8000-00000000ffff", DeliveredOn: d("2025-09-01"), Minutes: 30, Attended: attended()}, facts)
			return err
		}, []string{"provision_id", "delivered_on"}},
		{"session: attended missing", "do", func(p *Pupil, facts Facts, cyc string) error {
			_, err := p.LogSession(cyc, LogSession{ProvisionID: provID, DeliveredOn: d("2025-10-01"), Minutes: 30}, facts)
			return err
		}, []string{"attended"}},
		{"review: an outcome unrated, an unknown one, a bad rating", "do", func(p *Pupil, facts Facts, cyc string) error {
			r := reviewFor(p, cyc, "continue")
			r.Outcomes = []RatingInput{{OutcomeID: r.Outcomes[0].OutcomeID, Rating: "great"}}
			_, err := p.RecordReview(cyc, r, facts)
			return err
		}, []string{"outcomes[0].rating"}},
		{"review: unknown and missing outcomes", "do", func(p *Pupil, facts Facts, cyc string) error {
			r := reviewFor(p, cyc, "continue")
			r.Outcomes = []RatingInput{r.Outcomes[0], r.Outcomes[0], {OutcomeID: "x", Rating: "met"}}
			_, err := p.RecordReview(cyc, r, facts)
			return err
		}, []string{"outcomes[1].outcome_id", "outcomes[2].outcome_id", "outcomes"}},
		{"review: before the last session", "do", func(p *Pupil, facts Facts, cyc string) error {
			apply(t, p, must(t)(p.LogSession(cyc, LogSession{ProvisionID: provID, DeliveredOn: d("2025-12-11"), Minutes: 30, Attended: attended()}, facts)))
			_, err := p.RecordReview(cyc, reviewFor(p, cyc, "refer"), facts)
			return err
		}, []string{"held_on"}},
		{"transfer to another trust's school", "registered", func(p *Pupil, facts Facts, _ string) error {
			_, err := p.Transfer(Transfer{SchoolID: otherTrSc, On: d("2025-10-01")}, facts)
			return err
		}, []string{"school_id"}},
		{"transfer to the same school, backwards", "registered", func(p *Pupil, facts Facts, _ string) error {
			_, err := p.Transfer(Transfer{SchoolID: schoolA, On: d("2025-01-01")}, facts)
			return err
		}, []string{"school_id", "on"}},
		{"grant to a non-reviewer, in the past", "registered", func(p *Pupil, facts Facts, _ string) error {
			_, err := p.GrantAccess(GrantAccess{UserID: "0193a000-0000-7000-8000-00000000ffff", Until: d("2025-01-01")}, facts)
			return err
		}, []string{"user_id", "until"}},
		{"grant to another trust's reviewer", "registered", func(p *Pupil, facts Facts, _ string) error {
			_, err := p.GrantAccess(GrantAccess{UserID: otherTrustReviewer, Until: d("2026-06-30")}, facts)
			return err
		}, []string{"user_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p *Pupil
			var facts Facts
			var cyc string
			if tt.stage == "" {
				p, facts = &Pupil{}, testContext()
			} else {
				p, facts, cyc = atStage(t, tt.stage)
			}
			err := tt.run(p, facts, cyc)
			if got := strings.Join(fieldsOf(err), ","); got != strings.Join(tt.fields, ",") {
				t.Fatalf("fields = %q, want %q (err %v)", got, strings.Join(tt.fields, ","), err)
			}
		})
	}
}

func TestProvisionsStayActiveUntilReplaced(t *testing.T) {
	p, facts, cyc := atStage(t, "do")
	apply(t, p, must(t)(p.RecordReview(cyc, reviewFor(p, cyc, "continue"), facts)))
	if len(p.ActiveProvisions) != 1 {
		t.Fatal("provisions ended at a continue review")
	}
	next := p.CurrentCycle().ID
	apply(t, p, must(t)(p.RecordAssessment(next, RecordAssessment{AssessedOn: d("2025-12-11"), Summary: "s", NeedAreas: []needArea{"semh"}}, facts)))
	pl := validPlan()
	pl.AgreedOn, pl.ReviewDueOn = d("2025-12-12"), d("2026-03-01")
	pl.Provisions[0].SessionsPerWeek = 1
	apply(t, p, must(t)(p.AgreePlan(next, pl, facts)))
	if len(p.ActiveProvisions) != 1 || p.ActiveProvisions[0].SessionsPerWeek != 1 {
		t.Fatalf("plan did not replace the list: %+v", p.ActiveProvisions)
	}
	apply(t, p, must(t)(p.Leave(Leave{On: d("2026-01-05")}, facts)))
	if len(p.ActiveProvisions) != 0 || p.OnRoll {
		t.Fatal("leaving kept provisions")
	}
	if _, err := p.OpenCycle(OpenCycleCmd{OpenedOn: d("2026-02-01")}, facts); !isConflict(err) {
		t.Fatalf("command after leaving: %v", err)
	}
}

func TestOverdueAndYearGroup(t *testing.T) {
	p, _, _ := atStage(t, "do") // review due 2025-12-12
	for _, tt := range []struct {
		asOf    string
		overdue bool
		days    int
	}{{"2025-12-11", false, 0}, {"2025-12-12", false, 0}, {"2025-12-13", true, 1}, {"2026-01-12", true, 31}} {
		if o, n := p.ReviewOverdue(d(tt.asOf)); o != tt.overdue || n != tt.days {
			t.Errorf("as of %s: overdue %v %d", tt.asOf, o, n)
		}
	}
	if g := p.CurrentYearGroup(d("2026-09-01")); g != "6" {
		t.Errorf("year group next September = %s", g)
	}
}

func TestChangeStatusNoChangeRecordsNothing(t *testing.T) {
	p, facts, _ := atStage(t, "registered")
	out, err := p.ChangeStatus(ChangeStatus{SENStatus: "K", PrimaryNeed: "SLCN", On: d("2025-10-01")}, facts)
	if err != nil || len(out) != 0 {
		t.Fatalf("no-op change: %v %v", out, err)
	}
	out, err = p.ChangeStatus(ChangeStatus{SENStatus: "E", PrimaryNeed: "ASD", SecondaryNeed: "SLCN", On: d("2025-10-01")}, facts)
	if err != nil || len(out) != 1 {
		t.Fatalf("change: %v %v", out, err)
	}
}
