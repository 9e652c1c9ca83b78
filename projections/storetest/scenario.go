// Package storetest is the conformance suite every projections.Store must
// pass: one scenario of a trust, applied to the store, with the views
// checked against totals worked out by hand.
package storetest

import (
	"fmt"
	"time"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

// IDs of the scenario.
const (
	Trust   = "0193a000-0000-7000-8000-000000000001"
	SchoolA = "0193a000-0000-7000-8000-0000000000a1"
	SchoolB = "0193a000-0000-7000-8000-0000000000b1"
	P1      = "0193a000-0000-7000-8000-0000000000f1" // Talk Boost
	P2      = "0193a000-0000-7000-8000-0000000000f2" // ELSA
	Ada     = "0193a000-0000-7000-8000-00000000000a"
	Ben     = "0193a000-0000-7000-8000-00000000000b"
	Cara    = "0193a000-0000-7000-8000-00000000000c"
	Dan     = "0193a000-0000-7000-8000-00000000000d"
	Eve     = "0193a000-0000-7000-8000-00000000000e"
	Finn    = "0193a000-0000-7000-8000-00000000000f"
	// Reviewer is an LA reviewer granted Ben until 31 March 2026.
	Reviewer = "0193a000-0000-7000-8000-0000000000e1"
)

// AsOf is the date the expected numbers are worked out for.
var AsOf = civil.MustParse("2025-11-10")

func d(s string) civil.Date { return civil.MustParse(s) }

// builder turns decisions into sealed commits with stream sequences, as the
// app and the event store would.
type builder struct {
	seq      uint64
	versions map[string]int
	heads    map[string]string
	items    []projections.Item
	states   map[string]*pupil.Pupil
	trust    *trust.Trust
	n        int
	// recordedAt, when set, says when each event was recorded (the app's
	// clock); otherwise 1 November 2025, 09:00.
	recordedAt func(occurred civil.Date) time.Time
}

func (b *builder) commit(kind, id string, data []event.Data, err error) {
	if err != nil {
		panic(fmt.Sprintf("scenario: %s %s: %v", kind, id, err))
	}
	b.seq++
	c := event.Commit{Aggregate: kind, AggregateID: id}
	for _, dt := range data {
		b.versions[id]++
		at := time.Date(2025, 11, 1, 9, 0, 0, 0, time.UTC)
		if b.recordedAt != nil {
			at = b.recordedAt(dt.OccurredOn())
		}
		e, err := event.New(fmt.Sprintf("ev-%d-%d", b.seq, b.versions[id]), b.versions[id],
			event.Actor{ID: "u1", Name: "Sam Senco", Role: "senco"}, at, dt)
		if err != nil {
			panic(err)
		}
		if err := event.Seal(id, b.heads[id], &e); err != nil {
			panic(err)
		}
		b.heads[id] = e.Hash
		e.Seq = b.seq
		c.Events = append(c.Events, e)
		switch kind {
		case "pupil":
			b.states[id].Apply(e)
		case "trust":
			b.trust.Apply(e)
		}
	}
	b.items = append(b.items, projections.Item{Seq: b.seq, Commit: c})
}

func (b *builder) facts() pupil.Facts {
	return pupil.Facts{
		Today: AsOf,
		NewID: func() string { b.n++; return fmt.Sprintf("0193a000-0000-7000-9000-%012d", b.n) },
		Provision: func(id string) (trust.Provision, bool) {
			return b.trust.Provision(id)
		},
		Measure: func(id string) (trust.Measure, bool) {
			return b.trust.Measure(id)
		},
		SchoolTrust: func(id string) (string, bool) {
			if _, ok := b.trust.School(id); ok {
				return Trust, true
			}
			return "", false
		},
	}
}

func (b *builder) register(id, school, first string, status, primary string, group string) *pupil.Pupil {
	return b.registerOn("2025-09-03", id, school, first, status, primary, group)
}

// registerOn registers a pupil on date on, in year group group then.
func (b *builder) registerOn(on, id, school, first string, status, primary string, group string) *pupil.Pupil {
	b.states[id] = &pupil.Pupil{}
	evs, err := pupil.RegisterPupil(id, Trust, school, pupil.Register{
		UPN: "B801200005001", FirstName: first, LastName: "Test", DateOfBirth: d("2015-01-01"),
		YearGroup: yeargroup(group), SENStatus: needStatus(status), PrimaryNeed: primary, RegisteredOn: d(on),
	}, b.facts())
	b.commit("pupil", id, evs, err)
	return b.states[id]
}

// cycle takes a pupil to Do with a plan of the given provisions.
func (b *builder) cycle(id string, reviewDue string, provs ...pupil.ProvisionInput) {
	p := b.states[id]
	b.to("pupil", id)(p.OpenCycle(pupil.OpenCycleCmd{OpenedOn: d("2025-09-08")}, b.facts()))
	cyc := p.CurrentCycle().ID
	if reviewDue == "" {
		return // left at Assess
	}
	b.to("pupil", id)(p.RecordAssessment(cyc, pupil.RecordAssessment{AssessedOn: d("2025-09-10"), Summary: "s", NeedAreas: areas("semh")}, b.facts()))
	b.to("pupil", id)(p.AgreePlan(cyc, pupil.AgreePlan{AgreedOn: d("2025-09-15"), ReviewDueOn: d(reviewDue),
		Outcomes: []pupil.OutcomeInput{{Description: "o", SuccessCriteria: "c"}}, Provisions: provs, ParentViews: "p", PupilViews: "q"}, b.facts()))
}

// to returns a function committing a decision to aggregate kind/id.
func (b *builder) to(kind, id string) func([]event.Data, error) {
	return func(data []event.Data, err error) { b.commit(kind, id, data, err) }
}

func (b *builder) ehcp(id string, c ehcp.Command) {
	b.to("pupil", id)(b.states[id].RecordEHCP(c, b.facts()))
}

// oakTrust is a builder of the Oak Learning Trust: Oak Primary (school A),
// Oak Infants (school B), Talk Boost (1850p an hour, groups up to 4) and
// ELSA (2250p, one to one).
func oakTrust() *builder {
	b := &builder{versions: map[string]int{}, heads: map[string]string{}, states: map[string]*pupil.Pupil{}, trust: &trust.Trust{}}
	today := AsOf
	b.to("trust", Trust)(trust.CreateTrust(Trust, trust.Create{Name: "Oak Learning Trust"}, today))
	b.to("trust", Trust)(b.trust.AddSchool(SchoolA, trust.AddSchool{Name: "Oak Primary", URN: "100001", Phase: "primary"}, today))
	b.to("trust", Trust)(b.trust.AddSchool(SchoolB, trust.AddSchool{Name: "Oak Infants", URN: "100002", Phase: "infant"}, today))
	c1, c2 := int64(1850), int64(2250)
	b.to("trust", Trust)(b.trust.AddProvision(P1, trust.AddProvision{Name: "Talk Boost", AreaOfNeed: "communication_interaction", Delivery: "group", StaffRole: "TA", HourlyCostPence: &c1, MaxGroupSize: 4}, today))
	b.to("trust", Trust)(b.trust.AddProvision(P2, trust.AddProvision{Name: "ELSA", AreaOfNeed: "semh", Delivery: "individual", StaffRole: "ELSA", HourlyCostPence: &c2, MaxGroupSize: 1}, today))
	return b
}

// Scenario returns the commits of the scenario in stream order:
//
//	School A (primary): Ada K/SLCN Y5 in Do (review 12 Dec, Talk Boost 3×30 in 4),
//	  EP referral accepted; Ben E/ASD Y6 with a plan from 20 Nov 2024, in Do with
//	  the review overdue since 1 Nov (ELSA 1×45 alone, Talk Boost 2×30 in 3), CAMHS
//	  referral seen after 92 days; Cara K/SEMH Y3 at Assess with an EHC request of
//	  1 Sep (decision overdue since 13 Oct); Dan N (not on the caseload); Eve left.
//	School B (infant): Finn K/SLCN Y2 in Do (review 30 Nov, Talk Boost 1×20 in 2).
//
// Settings: 38 weeks; admin hours 6 / 10 / 1.5 / 1. Talk Boost 1850p/h, ELSA 2250p/h.
func Scenario() []projections.Item {
	b := oakTrust()
	today := AsOf
	b.to("trust", Trust)(b.trust.UpdateSettings(trust.UpdateSettings{WeeksPerYear: 38, AdminHours: &trust.AdminHours{AnnualReview: 6, EHCRequest: 10, APDRReview: 1.5, Referral: 1}}, today))

	b.register(Ada, SchoolA, "Ada", "K", "SLCN", "5")
	b.cycle(Ada, "2025-12-12", pupil.ProvisionInput{ProvisionID: P1, SessionsPerWeek: 3, MinutesPerSession: 30, GroupSize: 4})
	ada := b.states[Ada]
	b.to("pupil", Ada)(ada.MakeReferral(pupil.MakeReferral{Service: "educational_psychology", Provider: "local_authority", Reason: "r", ReferredOn: d("2025-09-10")}, b.facts()))
	b.to("pupil", Ada)(ada.ChangeReferral(ada.Referrals[0].ID, pupil.ChangeReferral{Status: "accepted", On: d("2025-09-20")}, b.facts()))

	b.register(Ben, SchoolA, "Ben", "E", "ASD", "6")
	b.ehcp(Ben, ehcp.Command{Type: "final_issued", On: d("2024-11-20")})
	b.cycle(Ben, "2025-11-01",
		pupil.ProvisionInput{ProvisionID: P2, SessionsPerWeek: 1, MinutesPerSession: 45, GroupSize: 1},
		pupil.ProvisionInput{ProvisionID: P1, SessionsPerWeek: 2, MinutesPerSession: 30, GroupSize: 3})
	ben := b.states[Ben]
	b.to("pupil", Ben)(ben.MakeReferral(pupil.MakeReferral{Service: "camhs", Provider: "nhs", Reason: "r", ReferredOn: d("2025-03-01")}, b.facts()))
	ref := ben.Referrals[0].ID
	b.to("pupil", Ben)(ben.ChangeReferral(ref, pupil.ChangeReferral{Status: "accepted", On: d("2025-03-10")}, b.facts()))
	b.to("pupil", Ben)(ben.ChangeReferral(ref, pupil.ChangeReferral{Status: "seen", On: d("2025-06-01")}, b.facts()))
	ctx := b.facts()
	ctx.User = func(id string) (user.User, bool) {
		return user.User{ID: id, Role: user.LAReviewer, TrustID: Trust}, id == Reviewer
	}
	b.to("pupil", Ben)(ben.GrantAccess(pupil.GrantAccess{UserID: Reviewer, Until: d("2026-03-31")}, ctx))

	b.register(Cara, SchoolA, "Cara", "K", "SEMH", "3")
	b.cycle(Cara, "")
	b.ehcp(Cara, ehcp.Command{Type: "request", On: d("2025-09-01"), RequestedBy: "school"})

	b.register(Dan, SchoolA, "Dan", "N", "", "4")
	b.register(Eve, SchoolA, "Eve", "K", "MLD", "4")
	b.to("pupil", Eve)(b.states[Eve].Leave(pupil.Leave{On: d("2025-10-31")}, b.facts()))

	b.register(Finn, SchoolB, "Finn", "K", "SLCN", "2")
	b.cycle(Finn, "2025-11-30", pupil.ProvisionInput{ProvisionID: P1, SessionsPerWeek: 1, MinutesPerSession: 20, GroupSize: 2})
	return b.items
}

// Pupils of the History scenario.
const (
	Hal = "0193a000-0000-7000-8000-000000000011"
	Ivy = "0193a000-0000-7000-8000-000000000012"
)

// BackDatedOn is when Hal's assessment was recorded, long after it
// happened (10 September); StoredAfterBackDating is a moment after it.
var (
	BackDatedOn           = time.Date(2025, 10, 30, 16, 0, 0, 0, time.UTC)
	StoredAfterBackDating = time.Date(2025, 10, 31, 0, 0, 0, 0, time.UTC)
)

// History returns the commits of an autumn term as it happened, for views as
// of past dates (Today being AsOf):
//
//	Hal K/SLCN Y4, registered at school A on 3 September 2025; a cycle opened
//	  8 September, assessed 10 September (recorded only on 30 October: a
//	  back-dated entry), a plan agreed 15 September (Talk Boost 2×30 in 2,
//	  review due 1 December); transferred to school B on 1 October.
//	Ivy K/MLD Y3, registered at school A on 3 September, left on 20 October.
//
// Every other event is recorded at 16:00 on the day it happened. 38 weeks.
func History() []projections.Item {
	b := &builder{versions: map[string]int{}, heads: map[string]string{}, states: map[string]*pupil.Pupil{}, trust: &trust.Trust{}}
	b.recordedAt = func(on civil.Date) time.Time {
		if on == d("2025-09-10") {
			return BackDatedOn
		}
		return on.Time().Add(16 * time.Hour)
	}
	today := AsOf
	b.to("trust", Trust)(trust.CreateTrust(Trust, trust.Create{Name: "Oak Learning Trust"}, today))
	b.to("trust", Trust)(b.trust.AddSchool(SchoolA, trust.AddSchool{Name: "Oak Primary", URN: "100001", Phase: "primary"}, today))
	b.to("trust", Trust)(b.trust.AddSchool(SchoolB, trust.AddSchool{Name: "Oak Infants", URN: "100002", Phase: "primary"}, today))
	c1 := int64(1850)
	b.to("trust", Trust)(b.trust.AddProvision(P1, trust.AddProvision{Name: "Talk Boost", AreaOfNeed: "communication_interaction", Delivery: "group", StaffRole: "TA", HourlyCostPence: &c1, MaxGroupSize: 4}, today))
	b.to("trust", Trust)(b.trust.UpdateSettings(trust.UpdateSettings{WeeksPerYear: 38, AdminHours: &trust.AdminHours{AnnualReview: 6, EHCRequest: 10, APDRReview: 1.5, Referral: 1}}, today))
	b.register(Hal, SchoolA, "Hal", "K", "SLCN", "4")
	b.cycle(Hal, "2025-12-01", pupil.ProvisionInput{ProvisionID: P1, SessionsPerWeek: 2, MinutesPerSession: 30, GroupSize: 2})
	b.register(Ivy, SchoolA, "Ivy", "K", "MLD", "3")
	b.to("pupil", Hal)(b.states[Hal].Transfer(pupil.Transfer{SchoolID: SchoolB, On: d("2025-10-01")}, b.facts()))
	b.to("pupil", Ivy)(b.states[Ivy].Leave(pupil.Leave{On: d("2025-10-20")}, b.facts()))
	return b.items
}

// Pupils of the Timeliness scenario.
const (
	Max = "0193a000-0000-7000-8000-000000000021"
	Kit = "0193a000-0000-7000-8000-000000000022"
	Lou = "0193a000-0000-7000-8000-000000000023"
)

// Timeliness returns the commits of two EHC requests and an annual review
// cycle over 2024/25, for trends (Today being AsOf; both schools primary):
//
//	Max E/ASD Y5, registered at school A on 3 September 2024 with a plan of
//	  1 October 2023: annual review held 20 September 2024 (due 1 October,
//	  on time), report 25 September, LA decision to maintain 10 October;
//	  next due 20 September 2025, held late on 1 October 2025, report 8
//	  October, maintain 20 October (which also does his Year 6 transfer).
//	Kit K/SLCN Y2 at school B from 3 September 2024: requested 1 October
//	  2024, assessed from 1 November, final plan 10 February 2025 (within the
//	  20 weeks, which end 18 February).
//	Lou K/SEMH Y3 at school B from 3 September 2024: requested 10 September
//	  2024, assessed from 15 October, final plan 3 March 2025 (late: the 20
//	  weeks ended 28 January).
func Timeliness() []projections.Item {
	b := &builder{versions: map[string]int{}, heads: map[string]string{}, states: map[string]*pupil.Pupil{}, trust: &trust.Trust{}}
	today := AsOf
	b.to("trust", Trust)(trust.CreateTrust(Trust, trust.Create{Name: "Oak Learning Trust"}, today))
	b.to("trust", Trust)(b.trust.AddSchool(SchoolA, trust.AddSchool{Name: "Oak Primary", URN: "100001", Phase: "primary"}, today))
	b.to("trust", Trust)(b.trust.AddSchool(SchoolB, trust.AddSchool{Name: "Elm Primary", URN: "100002", Phase: "primary"}, today))
	b.to("trust", Trust)(b.trust.UpdateSettings(trust.UpdateSettings{WeeksPerYear: 38, AdminHours: &trust.AdminHours{AnnualReview: 6, EHCRequest: 10, APDRReview: 1.5, Referral: 1}}, today))
	yes := true
	b.registerOn("2024-09-03", Max, SchoolA, "Max", "E", "ASD", "5")
	for _, c := range []ehcp.Command{
		{Type: "final_issued", On: d("2023-10-01")},
		{Type: "annual_review_held", On: d("2024-09-20")},
		{Type: "review_report_sent", On: d("2024-09-25")},
		{Type: "la_decision", On: d("2024-10-10"), Outcome: "maintain"},
	} {
		b.ehcp(Max, c)
	}
	b.registerOn("2024-09-03", Kit, SchoolB, "Kit", "K", "SLCN", "2")
	b.registerOn("2024-09-03", Lou, SchoolB, "Lou", "K", "SEMH", "3")
	b.ehcp(Lou, ehcp.Command{Type: "request", On: d("2024-09-10"), RequestedBy: "school"})
	b.ehcp(Kit, ehcp.Command{Type: "request", On: d("2024-10-01"), RequestedBy: "parent"})
	b.ehcp(Lou, ehcp.Command{Type: "decision_to_assess", On: d("2024-10-15"), Assess: &yes})
	b.ehcp(Kit, ehcp.Command{Type: "decision_to_assess", On: d("2024-11-01"), Assess: &yes})
	b.ehcp(Kit, ehcp.Command{Type: "final_issued", On: d("2025-02-10")})
	b.ehcp(Lou, ehcp.Command{Type: "final_issued", On: d("2025-03-03")})
	for _, c := range []ehcp.Command{
		{Type: "annual_review_held", On: d("2025-10-01")},
		{Type: "review_report_sent", On: d("2025-10-08")},
		{Type: "la_decision", On: d("2025-10-20"), Outcome: "maintain"},
	} {
		b.ehcp(Max, c)
	}
	return b.items
}

// Generate returns the commits of a trust of n pupils on the register (two
// schools), each taken through a plan with weekly sessions: the shape of a
// term's data, for benchmarks.
func Generate(n int) []projections.Item {
	b := &builder{versions: map[string]int{}, heads: map[string]string{}, states: map[string]*pupil.Pupil{}, trust: &trust.Trust{}}
	today := AsOf
	b.to("trust", Trust)(trust.CreateTrust(Trust, trust.Create{Name: "Oak Learning Trust"}, today))
	b.to("trust", Trust)(b.trust.AddSchool(SchoolA, trust.AddSchool{Name: "Oak Primary", URN: "100001", Phase: "primary"}, today))
	b.to("trust", Trust)(b.trust.AddSchool(SchoolB, trust.AddSchool{Name: "Oak Infants", URN: "100002", Phase: "infant"}, today))
	c1 := int64(1850)
	b.to("trust", Trust)(b.trust.AddProvision(P1, trust.AddProvision{Name: "Talk Boost", AreaOfNeed: "communication_interaction", Delivery: "group", StaffRole: "TA", HourlyCostPence: &c1, MaxGroupSize: 4}, today))
	yes := true
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("0193a000-0000-7000-a000-%012d", i)
		school := SchoolA
		if i%2 == 1 {
			school = SchoolB
		}
		b.register(id, school, fmt.Sprintf("Pupil%d", i), "K", "SLCN", "5")
		b.cycle(id, "2025-12-12", pupil.ProvisionInput{ProvisionID: P1, SessionsPerWeek: 2, MinutesPerSession: 30, GroupSize: 4})
		cyc := b.states[id].CurrentCycle().ID
		for w := 0; w < 8; w++ {
			b.to("pupil", id)(b.states[id].LogSession(cyc, pupil.LogSession{ProvisionID: P1, DeliveredOn: d("2025-09-16").AddWeeks(w), Minutes: 30, Attended: &yes}, b.facts()))
		}
	}
	return b.items
}

// Gus is the pupil of the Corrections scenario.
const Gus = "0193a000-0000-7000-8000-000000000021"

// Corrections returns the commits of a trust whose one pupil's record was
// corrected: Gus (school A) agreed Talk Boost 3×30 in 4 with a review due
// 12 December, corrected to 2×30 in 4 and a review due 1 November
// (overdue by 9 days on AsOf); two sessions logged, the second voided; an
// EHC request of 1 September corrected to 15 September (the decision to
// assess due 27 October, overdue).
func Corrections() []projections.Item {
	b := &builder{versions: map[string]int{}, heads: map[string]string{}, states: map[string]*pupil.Pupil{}, trust: &trust.Trust{}}
	today := AsOf
	b.to("trust", Trust)(trust.CreateTrust(Trust, trust.Create{Name: "Oak Learning Trust"}, today))
	b.to("trust", Trust)(b.trust.AddSchool(SchoolA, trust.AddSchool{Name: "Oak Primary", URN: "100001", Phase: "primary"}, today))
	c1 := int64(1850)
	b.to("trust", Trust)(b.trust.AddProvision(P1, trust.AddProvision{Name: "Talk Boost", AreaOfNeed: "communication_interaction", Delivery: "group", StaffRole: "TA", HourlyCostPence: &c1, MaxGroupSize: 4}, today))
	b.to("trust", Trust)(b.trust.UpdateSettings(trust.UpdateSettings{WeeksPerYear: 38, AdminHours: &trust.AdminHours{AnnualReview: 6, EHCRequest: 10, APDRReview: 1.5, Referral: 1}}, today))

	b.register(Gus, SchoolA, "Gus", "K", "SLCN", "5")
	b.cycle(Gus, "2025-12-12", pupil.ProvisionInput{ProvisionID: P1, SessionsPerWeek: 3, MinutesPerSession: 30, GroupSize: 4})
	gus := b.states[Gus]
	cyc := gus.CurrentCycle()
	plan := pupil.AgreePlan{AgreedOn: d("2025-09-15"), ReviewDueOn: d("2025-11-01"), Outcomes: []pupil.OutcomeInput{{Description: "o", SuccessCriteria: "c"}},
		Provisions: []pupil.ProvisionInput{{ProvisionID: P1, SessionsPerWeek: 2, MinutesPerSession: 30, GroupSize: 4}}, ParentViews: "p", PupilViews: "q"}
	b.to("pupil", Gus)(gus.CorrectEntry(cyc.Plan.Entry, pupil.Correct{Reason: "typed 3 for 2", Plan: &plan}, b.facts()))
	yes := true
	for _, on := range []string{"2025-09-16", "2025-09-17"} {
		b.to("pupil", Gus)(gus.LogSession(cyc.ID, pupil.LogSession{ProvisionID: P1, DeliveredOn: d(on), Minutes: 30, Attended: &yes}, b.facts()))
	}
	b.to("pupil", Gus)(gus.VoidEntry(gus.CurrentCycle().Sessions[1].Entry, pupil.Void{Reason: "logged twice"}, b.facts()))
	b.ehcp(Gus, ehcp.Command{Type: "request", On: d("2025-09-01"), RequestedBy: "school"})
	b.to("pupil", Gus)(gus.CorrectEntry(gus.EHCPRecords[0].Entry, pupil.Correct{Reason: "the date the LA received it",
		EHCP: &ehcp.Command{Type: "request", On: d("2025-09-15"), RequestedBy: "school"}}, b.facts()))
	return b.items
}

// ReadingAge is the Impact scenario's measure: months, higher is better.
const ReadingAge = "0193a000-0000-7000-8000-0000000000c1"

// Impact returns the commits of a trust whose provision was reviewed in
// the autumn term of 2025, for the delivery and impact views:
//
//	School A: five pupils on Talk Boost 3×30 in 4 (1850p/h), plans agreed
//	  Monday 15 September, reviewed Monday 13 October, each with one
//	  outcome of reading age from 96 to a target of 104 months. Rated met,
//	  exceeded, met, not met, partly met; exit readings 100, 104 (a
//	  session's), 106, 96 and none. A1 had 12 sessions, all attended; A2
//	  8, 6 attended; the others none. A6 on Talk Boost 2×30 from Monday
//	  13 October, not yet reviewed: 4 sessions by 10 November.
//	School B: two pupils on ELSA 1×45 alone (2250p/h), agreed 15 September
//	  and reviewed 13 October, an unmeasured outcome each: met, not met.
func Impact() []projections.Item {
	b := oakTrust()
	today := AsOf
	yes, no := true, false
	lo, hi := 0.0, 240.0
	b.to("trust", Trust)(b.trust.AddMeasure(ReadingAge, trust.AddMeasure{Name: "Reading age", Unit: "months", HigherIsBetter: &yes, Min: &lo, Max: &hi}, today))
	num := func(v float64) *float64 { return &v }

	plan := func(id, agreed string, measured bool, prov pupil.ProvisionInput) *pupil.Cycle {
		p := b.states[id]
		b.to("pupil", id)(p.OpenCycle(pupil.OpenCycleCmd{OpenedOn: d("2025-09-08")}, b.facts()))
		cyc := p.CurrentCycle().ID
		b.to("pupil", id)(p.RecordAssessment(cyc, pupil.RecordAssessment{AssessedOn: d("2025-09-10"), Summary: "s", NeedAreas: areas("communication_interaction")}, b.facts()))
		o := pupil.OutcomeInput{Description: "Reads fluently", SuccessCriteria: "Reading age"}
		if measured {
			o.MeasureID, o.Baseline, o.Target = ReadingAge, num(96), num(104)
		}
		b.to("pupil", id)(p.AgreePlan(cyc, pupil.AgreePlan{AgreedOn: d(agreed), ReviewDueOn: d("2025-12-12"),
			Outcomes: []pupil.OutcomeInput{o}, Provisions: []pupil.ProvisionInput{prov}, ParentViews: "p", PupilViews: "q"}, b.facts()))
		return p.CurrentCycle()
	}
	sessions := func(id string, c *pupil.Cycle, prov string, from string, n, attended int, readings ...pupil.OutcomeReading) {
		day := d(from)
		for i := 0; i < n; i++ {
			for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
				day = day.AddDays(1)
			}
			cmd := pupil.LogSession{ProvisionID: prov, DeliveredOn: day, Minutes: 30, Attended: &no}
			if i < attended {
				cmd.Attended = &yes
			}
			if i == n-1 {
				cmd.Readings = readings
			}
			b.to("pupil", id)(b.states[id].LogSession(c.ID, cmd, b.facts()))
			day = day.AddDays(1)
		}
	}
	review := func(id string, c *pupil.Cycle, rating string, reading *float64) {
		b.to("pupil", id)(b.states[id].RecordReview(c.ID, pupil.RecordReview{HeldOn: d("2025-10-13"), Decision: "refer", ParentViews: "p", PupilViews: "q",
			Outcomes: []pupil.RatingInput{{OutcomeID: c.Plan.Outcomes[0].ID, Rating: rating, Reading: reading}}}, b.facts()))
	}
	talk := pupil.ProvisionInput{ProvisionID: P1, SessionsPerWeek: 3, MinutesPerSession: 30, GroupSize: 4}
	for i, r := range []struct {
		rating string
		exit   *float64
	}{{"met", num(100)}, {"exceeded", nil}, {"met", num(106)}, {"not_met", num(96)}, {"partly_met", nil}} {
		id := fmt.Sprintf("0193a000-0000-7000-8000-0000000001a%d", i+1)
		b.register(id, SchoolA, fmt.Sprintf("A%d", i+1), "K", "SLCN", "4")
		c := plan(id, "2025-09-15", true, talk)
		switch i {
		case 0:
			sessions(id, c, P1, "2025-09-15", 12, 12)
		case 1:
			sessions(id, c, P1, "2025-09-15", 8, 6, pupil.OutcomeReading{OutcomeID: c.Plan.Outcomes[0].ID, Value: num(104)})
		}
		review(id, c, r.rating, r.exit)
	}
	a6 := "0193a000-0000-7000-8000-0000000001a6"
	b.register(a6, SchoolA, "A6", "K", "SLCN", "4")
	c := plan(a6, "2025-10-13", false, pupil.ProvisionInput{ProvisionID: P1, SessionsPerWeek: 2, MinutesPerSession: 30, GroupSize: 4})
	for _, on := range []string{"2025-10-14", "2025-10-16", "2025-10-21", "2025-11-04"} {
		b.to("pupil", a6)(b.states[a6].LogSession(c.ID, pupil.LogSession{ProvisionID: P1, DeliveredOn: d(on), Minutes: 30, Attended: &yes}, b.facts()))
	}
	elsa := pupil.ProvisionInput{ProvisionID: P2, SessionsPerWeek: 1, MinutesPerSession: 45, GroupSize: 1}
	for i, rating := range []string{"met", "not_met"} {
		id := fmt.Sprintf("0193a000-0000-7000-8000-0000000001b%d", i+1)
		b.register(id, SchoolB, fmt.Sprintf("B%d", i+1), "K", "SEMH", "1")
		review(id, plan(id, "2025-09-15", false, elsa), rating, nil)
	}
	return b.items
}
