package pupil

import (
	"reflect"
	"slices"
	"testing"

	"github.com/sendcase/sendcase/domain/ehcp"
)

// reviewed is a pupil whose first cycle was reviewed ("refer", so no next
// cycle), with two sessions, a referral accepted, an EHC request and a
// grant: every kind of entry.
func reviewed(t *testing.T) (*Pupil, Facts, string) {
	t.Helper()
	p, facts, cyc := atStage(t, "do")
	yes := true
	for _, on := range []string{"2025-10-01", "2025-10-08"} {
		apply(t, p, must(t)(p.LogSession(cyc, LogSession{ProvisionID: provID, DeliveredOn: d(on), Minutes: 30, Attended: &yes}, facts)))
	}
	apply(t, p, must(t)(p.RecordReview(cyc, reviewFor(p, cyc, "refer"), facts)))
	apply(t, p, must(t)(p.MakeReferral(MakeReferral{Service: "camhs", Provider: "nhs", Reason: "r", ReferredOn: d("2025-10-01")}, facts)))
	apply(t, p, must(t)(p.ChangeReferral(p.Referrals[0].ID, ChangeReferral{Status: ReferralAccepted, On: d("2025-10-20")}, facts)))
	apply(t, p, must(t)(p.RecordEHCP(ehcp.Command{Type: ehcp.Request, On: d("2025-11-01"), RequestedBy: "school"}, facts)))
	apply(t, p, must(t)(p.GrantAccess(GrantAccess{UserID: reviewer, Until: d("2026-06-30")}, facts)))
	return p, facts, cyc
}

func TestEntriesAreNamedByTheirEventVersion(t *testing.T) {
	p, _, _ := reviewed(t)
	var got []string
	for v := 1; v <= p.Version; v++ {
		got = append(got, p.EntryKind(v))
	}
	// 1 registered, 2 cycle, 3 assessment, 4 plan, 5-6 sessions, 7 review,
	// 8 referral, 9 its change, 10 EHC request, 11 grant.
	want := []string{"", "", EntryAssessment, EntryPlan, EntrySession, EntrySession, EntryReview, EntryReferral, EntryReferralChange, EntryEHCP, EntryGrant}
	if !slices.Equal(got, want) {
		t.Fatalf("kinds %v, want %v", got, want)
	}
}

func TestCorrections(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name   string
		entry  int
		cmd    func(p *Pupil) Correct
		fields []string
		check  func(t *testing.T, p *Pupil)
	}{
		{"assessment: areas of need", 3, func(*Pupil) Correct {
			return Correct{Assessment: &RecordAssessment{AssessedOn: d("2025-09-21"), Summary: "better", NeedAreas: []needArea{"semh"}}}
		}, nil, func(t *testing.T, p *Pupil) {
			if a := p.Cycles[0].Assessment; a.Summary != "better" || a.NeedAreas[0] != "semh" || a.Entry != 3 || p.Cycles[0].Stage != Closed {
				t.Errorf("assessment %+v stage %s", a, p.Cycles[0].Stage)
			}
		}},
		{"assessment: after the plan", 3, func(*Pupil) Correct {
			return Correct{Assessment: &RecordAssessment{AssessedOn: d("2025-09-26"), Summary: "s", NeedAreas: []needArea{"semh"}}}
		}, []string{"assessment.assessed_on"}, nil},
		{"plan: provisions and outcomes keep their ids", 4, func(p *Pupil) Correct {
			pl := validPlan()
			pl.Provisions[0].SessionsPerWeek = 2
			pl.Outcomes[0].Description = "Uses 4-word sentences"
			return Correct{Plan: &pl}
		}, nil, func(t *testing.T, p *Pupil) {
			pl := p.Cycles[0].Plan
			if pl.Provisions[0].SessionsPerWeek != 2 || pl.Outcomes[0].Description != "Uses 4-word sentences" || pl.Outcomes[0].ID != p.Cycles[0].Review.Outcomes[0].OutcomeID {
				t.Errorf("plan %+v", pl)
			}
			if p.ActiveProvisions[0].SessionsPerWeek != 2 {
				t.Errorf("active provisions %+v", p.ActiveProvisions)
			}
		}},
		{"plan: reviewed, an outcome removed", 4, func(*Pupil) Correct {
			pl := validPlan()
			pl.Outcomes = pl.Outcomes[:1]
			return Correct{Plan: &pl}
		}, []string{"plan.outcomes"}, nil},
		{"plan: agreed after the first session", 4, func(*Pupil) Correct {
			pl := validPlan()
			pl.AgreedOn = d("2025-10-02")
			return Correct{Plan: &pl}
		}, []string{"plan.agreed_on"}, nil},
		{"session: not attended after all", 5, func(*Pupil) Correct {
			return Correct{Session: &LogSession{ProvisionID: provID, DeliveredOn: d("2025-10-01"), Minutes: 25, Attended: &no}}
		}, nil, func(t *testing.T, p *Pupil) {
			if s := p.Cycles[0].Sessions[0]; s.Attended || s.Minutes != 25 || s.Entry != 5 || s.ID == "" {
				t.Errorf("session %+v", s)
			}
		}},
		{"session: after the review", 5, func(*Pupil) Correct {
			return Correct{Session: &LogSession{ProvisionID: provID, DeliveredOn: d("2025-12-11"), Minutes: 25, Attended: &yes}}
		}, []string{"session.delivered_on"}, nil},
		{"review: a rating", 7, func(p *Pupil) Correct {
			r := reviewFor(p, p.Cycles[0].ID, "refer")
			r.Outcomes[0].Rating = "partly_met"
			return Correct{Review: &r}
		}, nil, func(t *testing.T, p *Pupil) {
			if r := p.Cycles[0].Review; r.Outcomes[0].Rating != "partly_met" || r.Entry != 7 {
				t.Errorf("review %+v", r)
			}
		}},
		{"review: another decision", 7, func(p *Pupil) Correct {
			r := reviewFor(p, p.Cycles[0].ID, "continue")
			return Correct{Review: &r}
		}, []string{"review.decision"}, nil},
		{"referral: the date", 8, func(*Pupil) Correct {
			return Correct{Referral: &MakeReferral{Service: "camhs", Provider: "nhs", Reason: "r", ReferredOn: d("2025-10-02")}}
		}, nil, func(t *testing.T, p *Pupil) {
			if r := p.Referrals[0]; r.ReferredOn != d("2025-10-02") || r.History[0].On != d("2025-10-02") || r.Status != ReferralAccepted {
				t.Errorf("referral %+v", r)
			}
		}},
		{"referral change: the date", 9, func(*Pupil) Correct {
			return Correct{ReferralChange: &ChangeReferral{Status: ReferralAccepted, On: d("2025-10-21"), Note: "booked"}}
		}, nil, func(t *testing.T, p *Pupil) {
			if r := p.Referrals[0]; r.AcceptedOn != d("2025-10-21") || r.History[1].Note != "booked" {
				t.Errorf("referral %+v", r)
			}
		}},
		{"referral change: another status", 9, func(*Pupil) Correct {
			return Correct{ReferralChange: &ChangeReferral{Status: ReferralSeen, On: d("2025-10-21")}}
		}, []string{"referral_change.status"}, nil},
		{"EHCP: who asked", 10, func(*Pupil) Correct {
			return Correct{EHCP: &ehcp.Command{Type: ehcp.Request, On: d("2025-11-02"), RequestedBy: "parent"}}
		}, nil, func(t *testing.T, p *Pupil) {
			if r := p.EHCPRecords[0]; r.RequestedBy != "parent" || r.On != d("2025-11-02") || p.EHCP(d("2025-11-02"), "primary").RequestedOn != d("2025-11-02") {
				t.Errorf("record %+v", r)
			}
		}},
		{"EHCP: a field that does not belong", 10, func(*Pupil) Correct {
			return Correct{EHCP: &ehcp.Command{Type: ehcp.Request, On: d("2025-11-02"), RequestedBy: "parent", From: "x"}}
		}, []string{"ehcp_milestone.from"}, nil},
		{"grant: until", 11, func(*Pupil) Correct {
			return Correct{Grant: &GrantAccess{UserID: reviewer, Until: d("2026-07-31")}}
		}, nil, func(t *testing.T, p *Pupil) {
			if g := p.Grants[0]; g.Until != d("2026-07-31") {
				t.Errorf("grant %+v", g)
			}
		}},
		{"the wrong kind", 5, func(*Pupil) Correct {
			return Correct{Assessment: &RecordAssessment{AssessedOn: d("2025-09-21"), Summary: "s", NeedAreas: []needArea{"semh"}}}
		}, []string{"session"}, nil},
		{"no reason", 5, func(*Pupil) Correct {
			return Correct{Reason: " ", Session: &LogSession{ProvisionID: provID, DeliveredOn: d("2025-10-01"), Minutes: 25, Attended: &yes}}
		}, []string{"reason"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, facts, _ := reviewed(t)
			cmd := tt.cmd(p)
			if cmd.Reason == "" {
				cmd.Reason = "typed in wrongly"
			}
			evs, err := p.CorrectEntry(tt.entry, cmd, facts)
			if got := fieldsOf(err); !slices.Equal(got, tt.fields) {
				t.Fatalf("fields %v, want %v (%v)", got, tt.fields, err)
			}
			if err != nil {
				return
			}
			apply(t, p, evs)
			tt.check(t, p)
		})
	}
}

func TestVoids(t *testing.T) {
	tests := []struct {
		name     string
		setup    string // "reviewed", or an atStage stage
		entry    int
		conflict bool
		check    func(t *testing.T, p *Pupil)
	}{
		{"a session", "reviewed", 5, false, func(t *testing.T, p *Pupil) {
			if n := len(p.Cycles[0].Sessions); n != 1 || p.Cycles[0].Sessions[0].Entry != 6 {
				t.Errorf("sessions %+v", p.Cycles[0].Sessions)
			}
		}},
		{"a review reopens the cycle", "reviewed", 7, false, func(t *testing.T, p *Pupil) {
			if c := p.Cycles[0]; c.Review != nil || c.Stage != Do || p.CurrentCycle() != c {
				t.Errorf("cycle %+v", c)
			}
		}},
		{"a plan under a review", "reviewed", 4, true, nil},
		{"an assessment under a plan", "reviewed", 3, true, nil},
		{"the referral", "reviewed", 8, false, func(t *testing.T, p *Pupil) {
			if len(p.Referrals) != 0 {
				t.Errorf("referrals %+v", p.Referrals)
			}
		}},
		{"the referral's last change", "reviewed", 9, false, func(t *testing.T, p *Pupil) {
			if r := p.Referrals[0]; r.Status != ReferralMade || r.AcceptedOn.Valid() || len(r.History) != 1 {
				t.Errorf("referral %+v", r)
			}
		}},
		{"the EHC request", "reviewed", 10, false, func(t *testing.T, p *Pupil) {
			if len(p.EHCPRecords) != 0 || p.EHCPStatus() != ehcp.StatusNone {
				t.Errorf("records %+v", p.EHCPRecords)
			}
		}},
		{"the grant", "reviewed", 11, false, func(t *testing.T, p *Pupil) {
			if p.HasLiveGrant(reviewer, d("2026-01-01")) {
				t.Error("the voided grant still gives access")
			}
		}},
		{"a plan with no sessions ends its provisions", "do", 4, false, func(t *testing.T, p *Pupil) {
			if c := p.Cycles[0]; c.Plan != nil || c.Stage != Plan || len(p.ActiveProvisions) != 0 {
				t.Errorf("cycle %+v provisions %+v", c, p.ActiveProvisions)
			}
		}},
		{"an assessment", "plan", 3, false, func(t *testing.T, p *Pupil) {
			if c := p.Cycles[0]; c.Assessment != nil || c.Stage != Assess {
				t.Errorf("cycle %+v", c)
			}
		}},
		{"nothing was recorded at the registration", "reviewed", 1, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p *Pupil
			var facts Facts
			if tt.setup == "reviewed" {
				p, facts, _ = reviewed(t)
			} else {
				p, facts, _ = atStage(t, tt.setup)
			}
			evs, err := p.VoidEntry(tt.entry, Void{Reason: "recorded on the wrong pupil"}, facts)
			if tt.conflict {
				if err == nil {
					t.Fatal("voided")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			apply(t, p, evs)
			tt.check(t, p)
		})
	}
}

// TestVoidingAReviewThatContinuedRemovesTheEmptyNextCycle: "continue"
// opened the next cycle; voiding the review takes it away while it is
// empty, and a view that kept only the last cycle ends the same.
func TestVoidingAReviewThatContinuedRemovesTheEmptyNextCycle(t *testing.T) {
	p, facts, cyc := atStage(t, "do")
	apply(t, p, must(t)(p.RecordReview(cyc, reviewFor(p, cyc, "continue"), facts)))
	pruned := *p
	pruned.Cycles = pruned.Cycles[1:] // as a view keeps it
	review := p.Cycles[0].Review.Entry
	evs := must(t)(p.VoidEntry(review, Void{Reason: "held with the wrong pupil"}, facts))
	apply(t, p, evs)
	apply(t, &pruned, evs)
	for _, q := range []*Pupil{p, &pruned} {
		if c := q.CurrentCycle(); len(q.Cycles) != 1 || c == nil || c.ID != cyc || c.Stage != Do || c.Plan == nil {
			t.Errorf("cycles %+v", q.Cycles)
		}
	}
}

func TestCorrectDetailsAndReadmit(t *testing.T) {
	p, facts, _ := atStage(t, "registered")
	if evs := must(t)(p.CorrectDetails(CorrectDetails{Reason: "r", UPN: p.UPN, FirstName: p.FirstName, LastName: p.LastName,
		DateOfBirth: p.DateOfBirth, YearGroup: p.CurrentYearGroup(facts.Today)}, facts)); len(evs) != 0 {
		t.Fatalf("no change recorded %v", evs)
	}
	apply(t, p, must(t)(p.CorrectDetails(CorrectDetails{Reason: "spelling", UPN: "b801200005001", FirstName: "Ada", LastName: "Byron",
		DateOfBirth: d("2015-04-03"), YearGroup: "4"}, facts)))
	if p.LastName != "Byron" || p.DateOfBirth != d("2015-04-03") || p.CurrentYearGroup(facts.Today) != "4" || p.CurrentYearGroup(d("2026-09-01")) != "5" {
		t.Fatalf("details %+v", p)
	}
	if _, err := p.Readmit(Readmit{SchoolID: schoolA, On: d("2026-01-10")}, facts); !isConflict(err) {
		t.Fatalf("re-admitted while on roll: %v", err)
	}
	apply(t, p, must(t)(p.Leave(Leave{On: d("2026-01-05")}, facts)))
	if got := fieldsOf(second(p.Readmit(Readmit{SchoolID: otherTrSc, On: d("2026-01-04")}, facts))); !slices.Equal(got, []string{"school_id", "on"}) {
		t.Fatalf("fields %v", got)
	}
	apply(t, p, must(t)(p.Readmit(Readmit{SchoolID: schoolB, On: d("2026-02-01")}, facts)))
	if !p.OnRoll || p.SchoolID != schoolB || len(p.Schools) != 2 || p.LeftOn.Valid() {
		t.Fatalf("after re-admission %+v", p)
	}
	apply(t, p, must(t)(p.OpenCycle(OpenCycleCmd{OpenedOn: d("2026-02-02")}, facts)))
}

func second[A, B any](_ A, b B) B { return b }

// TestRecordedIsWhatACorrectionStartsFrom: every entry, as Recorded gives
// it back, is a correction that keeps every rule and changes nothing.
func TestRecordedIsWhatACorrectionStartsFrom(t *testing.T) {
	p, facts, _ := reviewed(t)
	last := p.Version
	for entry := 3; entry <= last; entry++ {
		cmd, cycle, ok := p.Recorded(entry)
		if !ok || cmd.Named() != p.EntryKind(entry) {
			t.Fatalf("entry %d: recorded %v as %q, want %q", entry, ok, cmd.Named(), p.EntryKind(entry))
		}
		if kind := cmd.Named(); (kind == EntryAssessment || kind == EntryPlan || kind == EntrySession || kind == EntryReview) != (cycle != nil) {
			t.Errorf("entry %d (%s): cycle %v", entry, kind, cycle)
		}
		cmd.Reason = "checked"
		before, _, _ := p.Recorded(entry)
		evs, err := p.CorrectEntry(entry, cmd, facts)
		if err != nil {
			t.Fatalf("entry %d (%s) corrected as it stands: %v", entry, cmd.Named(), err)
		}
		apply(t, p, evs)
		if after, _, _ := p.Recorded(entry); !reflect.DeepEqual(after, before) {
			t.Errorf("entry %d changed:\n got %+v\nwant %+v", entry, after, before)
		}
	}
	if _, _, ok := p.Recorded(1); ok {
		t.Error("the registration is not an entry to correct here")
	}
}

// TestCorrectingAPlanFromBeforeSendcase: its dates corrected, a plan
// issued before sendcase stays one, and its annual review moves.
func TestCorrectingAPlanFromBeforeSendcase(t *testing.T) {
	facts := testContext()
	p := &Pupil{}
	reg := validRegister()
	reg.SENStatus, reg.PrimaryNeed = "E", "ASD"
	apply(t, p, must(t)(RegisterPupil("p1", trustID, schoolA, reg, facts)))
	apply(t, p, must(t)(p.RecordEHCP(ehcp.Command{Type: ehcp.FinalIssued, On: d("2023-04-01")}, facts)))
	entry := p.EHCPRecords[0].Entry
	apply(t, p, must(t)(p.CorrectEntry(entry, Correct{Reason: "the LA's letter", EHCP: &ehcp.Command{Type: ehcp.FinalIssued, On: d("2023-04-03"), LastReviewedOn: d("2025-03-10")}}, facts)))
	if r := p.EHCPRecords[0]; !r.Historic || r.On != d("2023-04-03") {
		t.Fatalf("record %+v", r)
	}
	if got := p.EHCP(facts.Today, "primary").NextAnnualReviewDueOn; got != d("2026-03-10") {
		t.Fatalf("next annual review due %s", got)
	}
}
