// Package seed generates a realistic trust through the real application
// service and event store: schools, a costed catalogue, SEN registers of
// about 15% of the roll (5% with EHC plans), needs in roughly national
// proportions, three APDR cycles a year with weekly sessions, EHC processes
// and annual reviews, and referrals. A fixed seed gives the same trust.
package seed

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/inclusion"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/upn"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/domain/yeargroup"
)

// DefaultWorkers is how many pupils are written at once unless told.
const DefaultWorkers = 32

// Options size the trust.
type Options struct {
	Schools int
	// Roll is the number of pupils on each school's roll; the SEN register
	// is 15% of it (a third of those with EHC plans).
	Roll int
	// Years of history, ending at Until.
	Years int
	Seed  uint64
	Until civil.Date
	// Workers write pupils concurrently.
	Workers int
	// Progress is told how many SEN pupils are done, of how many.
	Progress func(done, total int)
}

// Result is what was generated.
type Result struct {
	TrustID   string
	SchoolIDs []string
	Pupils    int
	Commits   int64
	Events    int64
	Elapsed   time.Duration
}

var system = user.User{ID: "seed", Name: "sendcase seed", Role: user.Admin}

// Needs in roughly the national proportions (DfE, January 2025): SEN support
// led by SLCN and SEMH, EHC plans by ASD.
var (
	supportNeeds = weighted{{"SLCN", 24}, {"SEMH", 20}, {"MLD", 13}, {"ASD", 11}, {"SPLD", 11}, {"OTH", 5}, {"NSA", 4}, {"PD", 3}, {"HI", 2}, {"VI", 1}, {"SLD", 1}}
	planNeeds    = weighted{{"ASD", 33}, {"SEMH", 16}, {"SLCN", 20}, {"SLD", 8}, {"MLD", 7}, {"PD", 4}, {"PMLD", 3}, {"HI", 2}, {"SPLD", 3}, {"VI", 1}, {"MSI", 1}, {"OTH", 2}}
	services     = pupil.Services
)

type weighted []struct {
	v string
	w int
}

func (ws weighted) pick(r *rand.Rand) string {
	total := 0
	for _, x := range ws {
		total += x.w
	}
	n := r.IntN(total)
	for _, x := range ws {
		if n < x.w {
			return x.v
		}
		n -= x.w
	}
	return ws[0].v
}

var catalogue = []trust.AddProvision{
	{Name: "Talk Boost", AreaOfNeed: need.CommunicationInteraction, Delivery: "group", StaffRole: "Teaching assistant", MaxGroupSize: 4},
	{Name: "Speech and language therapy programme", AreaOfNeed: need.CommunicationInteraction, Delivery: "individual", StaffRole: "Teaching assistant", MaxGroupSize: 1},
	{Name: "Precision teaching", AreaOfNeed: need.CognitionLearning, Delivery: "individual", StaffRole: "Teaching assistant", MaxGroupSize: 1},
	{Name: "Reading intervention", AreaOfNeed: need.CognitionLearning, Delivery: "group", StaffRole: "Teacher", MaxGroupSize: 6},
	{Name: "ELSA", AreaOfNeed: need.SEMH, Delivery: "individual", StaffRole: "ELSA", MaxGroupSize: 1},
	{Name: "Lego therapy", AreaOfNeed: need.SEMH, Delivery: "group", StaffRole: "Teaching assistant", MaxGroupSize: 3},
	{Name: "Fine motor skills group", AreaOfNeed: need.SensoryPhysical, Delivery: "group", StaffRole: "Teaching assistant", MaxGroupSize: 5},
	{Name: "In-class support", AreaOfNeed: need.Other, Delivery: "in_class", StaffRole: "Teaching assistant", MaxGroupSize: 8},
}
var costs = []int64{1850, 2600, 1850, 3400, 2250, 1850, 1850, 1850}

// seedMeasure is a measure of progress the seeded trust uses, the area of
// need it measures, and the readings a plan starts from and gains.
type seedMeasure struct {
	cmd            trust.AddMeasure
	area           need.Area
	baseline, gain [2]float64 // ranges: from, width
}

func measure(name, unit string, higher bool, lo, hi float64) trust.AddMeasure {
	return trust.AddMeasure{Name: name, Unit: unit, HigherIsBetter: &higher, Min: &lo, Max: &hi}
}

var measures = []seedMeasure{
	{measure("Reading age", "months", true, 0, 240), need.CognitionLearning, [2]float64{72, 48}, [2]float64{-2, 12}},
	{measure("Boxall profile", "points", true, 0, 136), need.SEMH, [2]float64{40, 50}, [2]float64{-4, 20}},
	{measure("Speech sounds", "sounds in error", false, 0, 40), need.CommunicationInteraction, [2]float64{8, 16}, [2]float64{-2, 8}},
}

// Run generates the trust with svc.
func Run(ctx context.Context, svc *app.Service, o Options) (Result, error) {
	start := time.Now()
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	res := Result{}
	t, err := svc.CreateTrust(ctx, system, app.CommandOptions{}, trust.Create{Name: fmt.Sprintf("Seeded Trust %d", o.Seed)})
	if err != nil {
		return res, err
	}
	res.TrustID = t.ID
	var provisions []string
	for i, c := range catalogue {
		c.HourlyCostPence = &costs[i]
		added, err := svc.AddProvision(ctx, system, app.CommandOptions{}, res.TrustID, c)
		if err != nil {
			return res, err
		}
		provisions = append(provisions, added.ID)
	}
	measureOf := map[need.Area]measured{}
	for _, m := range measures {
		added, err := svc.AddMeasure(ctx, system, app.CommandOptions{}, res.TrustID, m.cmd)
		if err != nil {
			return res, err
		}
		measureOf[m.area] = measured{seedMeasure: m, id: added.ID}
	}
	for s := 0; s < o.Schools; s++ {
		phase := trust.Phase("primary")
		if s%3 == 2 {
			phase = "secondary"
		}
		added, err := svc.AddSchool(ctx, system, app.CommandOptions{}, res.TrustID,
			trust.AddSchool{Name: fmt.Sprintf("School %03d", s+1), URN: fmt.Sprintf("%06d", 100000+s), Phase: phase})
		if err != nil {
			return res, err
		}
		res.SchoolIDs = append(res.SchoolIDs, added.ID)
	}
	senPerSchool := o.Roll * 15 / 100
	type job struct{ school, n int }
	jobs := make(chan job)
	var commits, events atomic.Int64
	var done atomic.Int64
	total := senPerSchool * o.Schools
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for range o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				g := &gen{svc: svc, o: o, trustID: res.TrustID, schoolID: res.SchoolIDs[j.school], provisions: provisions, measures: measureOf,
					r: rand.New(rand.NewPCG(o.Seed, uint64(j.school)<<32|uint64(j.n)))}
				if err := g.pupil(ctx, j.school, j.n, j.n < o.Roll*5/100); err != nil {
					errOnce.Do(func() { firstErr = err })
				}
				commits.Add(g.commits)
				events.Add(g.events)
				if o.Progress != nil {
					o.Progress(int(done.Add(1)), total)
				}
			}
		}()
	}
	for s := 0; s < o.Schools && firstErr == nil; s++ {
		for n := 0; n < senPerSchool; n++ {
			jobs <- job{s, n}
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr == nil {
		firstErr = inclusionOf(ctx, svc, o, res)
	}
	res.Pupils, res.Commits, res.Events, res.Elapsed = total, commits.Load(), events.Load(), time.Since(start)
	return res, firstErr
}

// inclusionOf gives each school its attendance and exclusion counts for
// the terms of the last year (imported as its MIS would export them) and
// a round of the MAT SEND review with every statement rated.
func inclusionOf(ctx context.Context, svc *app.Service, o Options, res Result) error {
	r := rand.New(rand.NewPCG(o.Seed, 22))
	y, _, _ := o.Until.Parts()
	var terms []inclusion.Term
	for year := y - 1; year <= y; year++ {
		for _, season := range inclusion.Seasons {
			if t := (inclusion.Term{Season: season, Year: year}); !t.Start().After(o.Until) && t.End().After(o.Until.AddDays(-365)) {
				terms = append(terms, t)
			}
		}
	}
	slices.SortFunc(terms, inclusion.Term.Compare)
	support, plans := o.Roll*10/100, o.Roll*5/100
	for _, school := range res.SchoolIDs {
		var csv strings.Builder
		csv.WriteString("term,sen_status,on_roll,sessions_possible,sessions_attended,suspended_pupils,suspension_days,permanent_exclusions\n")
		for _, t := range terms {
			for _, g := range []struct {
				status             string
				roll               int
				attends, suspended float64
			}{{"N", o.Roll - support - plans, 0.95, 0.01}, {"K", support, 0.91, 0.04}, {"E", plans, 0.89, 0.05}} {
				possible := g.roll * 120 // about 60 school days a term, two sessions each
				attended := int(float64(possible) * (g.attends + r.Float64()*0.02 - 0.01))
				suspended := int(float64(g.roll) * g.suspended * (0.5 + r.Float64()))
				fmt.Fprintf(&csv, "%s,%s,%d,%d,%d,%d,%g,%d\n", t.Label(), g.status, g.roll, possible, attended, suspended,
					float64(suspended)*1.5, r.IntN(2)*min(suspended, 1))
			}
		}
		if _, err := svc.ImportAttendance(ctx, system, school, strings.NewReader(csv.String()), app.AttendanceImport{}); err != nil {
			return fmt.Errorf("seed attendance: %w", err)
		}
		round, err := svc.OpenRound(ctx, system, app.CommandOptions{}, school, inclusion.OpenRound{Name: "Review " + strconv.Itoa(y), OpenedOn: o.Until.AddDays(-30)})
		if err != nil {
			return fmt.Errorf("seed review round: %w", err)
		}
		for _, a := range inclusion.Areas {
			cmd := inclusion.RateArea{Area: a.ID}
			for _, st := range inclusion.Framework {
				if st.Area == a.ID {
					cmd.Ratings = append(cmd.Ratings, inclusion.StatementRating{StatementID: st.ID, Rating: inclusion.Ratings[r.IntN(len(inclusion.Ratings))]})
				}
			}
			if _, err := svc.RateArea(ctx, system, app.CommandOptions{}, round.ID, cmd); err != nil {
				return fmt.Errorf("seed review ratings: %w", err)
			}
		}
	}
	return nil
}

// gen writes one pupil's history through the use cases, as the seed user.
type gen struct {
	svc               *app.Service
	o                 Options
	trustID, schoolID string
	provisions        []string
	measures          map[need.Area]measured
	r                 *rand.Rand
	id                string
	primaryNeed       string
	// cycleID is the open cycle's.
	cycleID         string
	commits, events int64
}

// measured is a seeded measure with its id.
type measured struct {
	seedMeasure
	id string
}

// done counts a command whose result is res: the pupil's version is its
// number of events.
func (g *gen) done(res *app.Result, err error) error {
	if err == nil {
		g.commits++
		g.events = int64(res.Version)
	}
	return err
}

func (g *gen) pupil(ctx context.Context, school, n int, hasPlan bool) error {
	start := yeargroup.AcademicYearStart(g.o.Until).AddMonths(-12 * (g.o.Years - 1))
	status, needs := need.SENSupport, supportNeeds
	if hasPlan {
		status, needs = need.EHCPlan, planNeeds
	}
	primary := needs.pick(g.r)
	rest := fmt.Sprintf("8%03d%08d", school%1000, n)
	letter, _ := upn.CheckLetter(rest)
	group := yeargroup.Group(fmt.Sprint(1 + g.r.IntN(11)))
	reg := pupil.Register{UPN: string(letter) + rest, FirstName: fmt.Sprintf("Pupil%d", n), LastName: fmt.Sprintf("School%03d", school+1),
		DateOfBirth: start.AddDays(-365*(5+g.r.IntN(10)) - g.r.IntN(365)), YearGroup: group, SENStatus: status, PrimaryNeed: primary,
		RegisteredOn: start}
	res, err := g.svc.RegisterPupil(ctx, system, app.CommandOptions{}, g.schoolID, reg)
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	g.id, g.primaryNeed, g.commits, g.events = res.ID, primary, 1, 1
	if hasPlan {
		issued := start.AddDays(-g.r.IntN(330))
		if err := g.ehcp(ctx, ehcp.Command{Type: ehcp.FinalIssued, On: issued}); err != nil {
			return err
		}
	}
	for y := 0; y < g.o.Years; y++ {
		ay := start.AddMonths(12 * y)
		for term := 0; term < 3; term++ {
			opened := ay.AddDays(7 + 91*term)
			if opened.After(g.o.Until) {
				break
			}
			if err := g.cycle(ctx, opened, y == 0 && term == 0); err != nil {
				return err
			}
		}
		if hasPlan {
			if err := g.annualReview(ctx, ay.AddDays(120+g.r.IntN(120))); err != nil {
				return err
			}
		}
		if g.r.IntN(10) < 3 {
			if err := g.referral(ctx, ay.AddDays(20+g.r.IntN(200))); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *gen) ehcp(ctx context.Context, c ehcp.Command) error {
	if c.On.After(g.o.Until) {
		return nil
	}
	res, err := g.svc.RecordEHCP(ctx, system, app.CommandOptions{}, g.id, c)
	return g.done(&res.Result, err)
}

// cycle runs one APDR cycle: assess, plan 1–3 provisions, weekly sessions
// logged a week at a time, and a review that continues into the next cycle
// (the first cycle is opened explicitly).
func (g *gen) cycle(ctx context.Context, opened civil.Date, first bool) error {
	none := app.CommandOptions{}
	if first {
		res, err := g.svc.OpenCycle(ctx, system, none, g.id, pupil.OpenCycleCmd{OpenedOn: opened})
		if err := g.done(&res.Result, err); err != nil {
			return fmt.Errorf("open: %w", err)
		}
		g.cycleID = res.ID
	}
	res, err := g.svc.RecordAssessment(ctx, system, none, g.id, g.cycleID, pupil.RecordAssessment{AssessedOn: opened.AddDays(3),
		Summary: "Termly assessment of progress and need.", NeedAreas: []need.Area{need.AreaOf(g.primaryNeed)}})
	if err := g.done(&res.Result, err); err != nil {
		return fmt.Errorf("assess: %w", err)
	}
	k := 1 + g.r.IntN(3)
	var provs []pupil.ProvisionInput
	for _, i := range g.r.Perm(len(g.provisions))[:k] {
		size := []int{4, 1, 1, 6, 1, 3, 5, 8}[i]
		provs = append(provs, pupil.ProvisionInput{ProvisionID: g.provisions[i], SessionsPerWeek: 1 + g.r.IntN(3), MinutesPerSession: 20 + 10*g.r.IntN(4), GroupSize: size})
	}
	agreed, reviewDue := opened.AddDays(7), opened.AddDays(84)
	outcome := pupil.OutcomeInput{Description: "Makes expected progress in the area of need", SuccessCriteria: "Observed in most lessons"}
	// The area's measure, when it has one: a baseline, a target 8 better,
	// a reading half way through and one at review, gaining what it gains.
	m, isMeasured := g.measures[need.AreaOf(g.primaryNeed)]
	var baseline, better, gain float64
	if isMeasured {
		dir := 1.0
		if !*m.cmd.HigherIsBetter {
			dir = -1
		}
		baseline = math.Round(m.baseline[0] + g.r.Float64()*m.baseline[1])
		better = math.Round(m.gain[0] + g.r.Float64()*m.gain[1])
		gain = dir * better
		target := min(max(baseline+dir*8, *m.cmd.Min), *m.cmd.Max)
		if target == baseline {
			isMeasured = false
		} else {
			outcome.MeasureID, outcome.Baseline, outcome.Target = m.id, &baseline, &target
		}
	}
	reading := func(share float64) *float64 {
		v := min(max(math.Round(baseline+gain*share), *m.cmd.Min), *m.cmd.Max)
		return &v
	}
	plan, err := g.svc.AgreePlan(ctx, system, none, g.id, g.cycleID, pupil.AgreePlan{AgreedOn: agreed, ReviewDueOn: reviewDue,
		Outcomes: []pupil.OutcomeInput{outcome}, Provisions: provs, ParentViews: "Parents agree with the plan.", PupilViews: "Happy to take part."})
	if err := g.done(&plan.Result, err); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	// Most sessions are delivered and most attended; a pupil now and then
	// is behind (a term of absences, or the staff away).
	missed := 0.05 + 0.3*float64(g.r.IntN(10)/9)
	for w := 1; w <= 10; w++ { // the last session falls before the earliest review date
		week := agreed.AddWeeks(w)
		if week.After(g.o.Until) {
			return nil
		}
		var sessions []pupil.LogSession
		for _, pv := range provs {
			for s := 0; s < pv.SessionsPerWeek; s++ {
				if g.r.Float64() < missed {
					continue
				}
				attended := g.r.IntN(10) > 0
				sessions = append(sessions, pupil.LogSession{ProvisionID: pv.ProvisionID, DeliveredOn: week.AddDays(s), Minutes: pv.MinutesPerSession, Attended: &attended})
			}
		}
		if w == 5 && isMeasured && len(sessions) > 0 {
			sessions[0].Readings = []pupil.OutcomeReading{{OutcomeID: plan.Outcomes[0].ID, Value: reading(0.5)}}
		}
		if len(sessions) == 0 {
			continue
		}
		res, err := g.svc.LogSessions(ctx, system, none, g.id, g.cycleID, sessions)
		if err := g.done(&res.Result, err); err != nil {
			return fmt.Errorf("sessions: %w", err)
		}
	}
	held := reviewDue.AddDays(g.r.IntN(10) - 3)
	if held.After(g.o.Until) {
		return nil
	}
	r := pupil.RecordReview{HeldOn: held, Decision: pupil.DecisionContinue, ParentViews: "Pleased with progress.", PupilViews: "It helps."}
	for _, o := range plan.Outcomes {
		rt := pupil.RatingInput{OutcomeID: o.ID, Rating: pupil.Ratings[g.r.IntN(len(pupil.Ratings))]}
		if isMeasured {
			rt.Reading = reading(1)
			// The rating follows the reading: on target is met.
			switch progress := better / 8; {
			case progress >= 1.25:
				rt.Rating = "exceeded"
			case progress >= 1:
				rt.Rating = "met"
			case progress > 0:
				rt.Rating = "partly_met"
			default:
				rt.Rating = "not_met"
			}
		}
		r.Outcomes = append(r.Outcomes, rt)
	}
	review, err := g.svc.RecordReview(ctx, system, none, g.id, g.cycleID, r)
	if err := g.done(&review.Result, err); err != nil {
		return fmt.Errorf("review: %w", err)
	}
	g.cycleID = review.NextCycleID
	return nil
}

func (g *gen) annualReview(ctx context.Context, meeting civil.Date) error {
	for _, c := range []ehcp.Command{
		{Type: ehcp.AnnualReviewScheduled, On: meeting.AddDays(-30), MeetingOn: meeting},
		{Type: ehcp.ReviewInvitationsSent, On: meeting.AddDays(-16)},
		{Type: ehcp.AnnualReviewHeld, On: meeting},
		{Type: ehcp.ReviewReportSent, On: meeting.AddDays(10)},
		{Type: ehcp.LADecision, On: meeting.AddDays(25), Outcome: "maintain"},
	} {
		if err := g.ehcp(ctx, c); err != nil {
			return fmt.Errorf("%s: %w", c.Type, err)
		}
	}
	return nil
}

func (g *gen) referral(ctx context.Context, on civil.Date) error {
	if on.After(g.o.Until) {
		return nil
	}
	ref, err := g.svc.MakeReferral(ctx, system, app.CommandOptions{}, g.id,
		pupil.MakeReferral{Service: services[g.r.IntN(len(services))], Provider: "local_authority", Reason: "Advice on next steps.", ReferredOn: on})
	if err := g.done(&ref.Result, err); err != nil {
		return err
	}
	day := on
	for _, st := range []string{"accepted", "seen", "report_received", "closed"}[:1+g.r.IntN(4)] {
		day = day.AddDays(7 + g.r.IntN(60))
		if day.After(g.o.Until) {
			return nil
		}
		res, err := g.svc.ChangeReferral(ctx, system, app.CommandOptions{}, g.id, ref.ID, pupil.ChangeReferral{Status: st, On: day})
		if err := g.done(&res.Result, err); err != nil {
			return err
		}
	}
	return nil
}
