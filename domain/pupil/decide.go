package pupil

import (
	"fmt"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/upn"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/domain/yeargroup"
)

// Commands. Field tags are the first line of validation; the decide
// functions add the rules that need the current state.
type (
	Register struct {
		UPN           string          `json:"upn" validate:"required,upn"`
		FirstName     string          `json:"first_name" validate:"notblank,max=100"`
		LastName      string          `json:"last_name" validate:"notblank,max=100"`
		DateOfBirth   civil.Date      `json:"date_of_birth" validate:"required,date,happened"`
		YearGroup     yeargroup.Group `json:"year_group" validate:"required,yeargroup"`
		SENStatus     need.Status     `json:"sen_status" validate:"required,allowed=sen_status"`
		PrimaryNeed   string          `json:"primary_need"`
		SecondaryNeed string          `json:"secondary_need"`
		// RegisteredOn is the day the year group was given; default today.
		RegisteredOn civil.Date `json:"registered_on" validate:"date,happened"`
	}
	ChangeStatus struct {
		SENStatus     need.Status `json:"sen_status" validate:"required,allowed=sen_status"`
		PrimaryNeed   string      `json:"primary_need"`
		SecondaryNeed string      `json:"secondary_need"`
		On            civil.Date  `json:"on" validate:"required,date,happened"`
		// CloseCycle also closes the open cycle, unreviewed, and ends its
		// provisions: the pupil no longer needs them.
		CloseCycle bool `json:"close_cycle"`
	}
	OpenCycleCmd struct {
		OpenedOn civil.Date `json:"opened_on" validate:"required,date,happened"`
	}
	RecordAssessment struct {
		AssessedOn civil.Date  `json:"assessed_on" validate:"required,date,happened"`
		Summary    string      `json:"summary" validate:"notblank,max=10000"`
		NeedAreas  []need.Area `json:"need_areas" validate:"min=1,max=5,unique,dive,allowed=area_of_need"`
	}
	OutcomeInput struct {
		Description     string `json:"description" validate:"notblank,max=2000"`
		SuccessCriteria string `json:"success_criteria" validate:"notblank,max=2000"`
		// MeasureID names one of the trust's measures; Baseline and Target
		// are then required readings of it.
		MeasureID string   `json:"measure_id" validate:"omitempty,uuid"`
		Baseline  *float64 `json:"baseline"`
		Target    *float64 `json:"target"`
	}
	ProvisionInput struct {
		ProvisionID       string `json:"provision_id" validate:"required,uuid"`
		SessionsPerWeek   int    `json:"sessions_per_week" validate:"required,gte=1,lte=35"`
		MinutesPerSession int    `json:"minutes_per_session" validate:"required,gte=1,lte=480"`
		GroupSize         int    `json:"group_size" validate:"required,gte=1,lte=60"`
	}
	AgreePlan struct {
		AgreedOn    civil.Date       `json:"agreed_on" validate:"required,date,happened"`
		ReviewDueOn civil.Date       `json:"review_due_on" validate:"required,date"`
		Outcomes    []OutcomeInput   `json:"outcomes" validate:"min=1,max=20,dive"`
		Provisions  []ProvisionInput `json:"provisions" validate:"max=20,dive"`
		ParentViews string           `json:"parent_views" validate:"notblank,max=10000"`
		PupilViews  string           `json:"pupil_views" validate:"notblank,max=10000"`
	}
	LogSession struct {
		ProvisionID string     `json:"provision_id" validate:"required,uuid"`
		DeliveredOn civil.Date `json:"delivered_on" validate:"required,date,happened"`
		Minutes     int        `json:"minutes" validate:"required,gte=1,lte=480"`
		Attended    *bool      `json:"attended" validate:"required"`
		// Readings of the plan's outcomes' measures taken in the session.
		Readings []OutcomeReading `json:"readings" validate:"max=20,dive"`
	}
	RatingInput struct {
		OutcomeID string `json:"outcome_id" validate:"required"`
		Rating    string `json:"rating" validate:"required,allowed=rating"`
		// Reading is the outcome's measure at review, when it has one.
		Reading *float64 `json:"reading"`
	}
	RecordReview struct {
		HeldOn      civil.Date    `json:"held_on" validate:"required,date,happened"`
		Outcomes    []RatingInput `json:"outcomes" validate:"min=1,max=20,dive"`
		Decision    string        `json:"decision" validate:"required,allowed=review_decision"`
		ParentViews string        `json:"parent_views" validate:"notblank,max=10000"`
		PupilViews  string        `json:"pupil_views" validate:"notblank,max=10000"`
	}
	Transfer struct {
		SchoolID string     `json:"school_id" validate:"required,uuid"`
		On       civil.Date `json:"on" validate:"required,date,happened"`
	}
	Leave struct {
		On          civil.Date `json:"on" validate:"required,date,happened"`
		Destination string     `json:"destination" validate:"max=200"`
	}
	GrantAccess struct {
		UserID string     `json:"user_id" validate:"required,uuid"`
		Until  civil.Date `json:"until" validate:"required,date"`
	}
)

// RegisterPupil decides the registration of pupil id at a school of a trust.
// Uniqueness of the UPN in the trust spans aggregates and is enforced by the
// event store; everything else is checked here.
func RegisterPupil(id, trustID, schoolID string, cmd Register, facts Facts) ([]event.Data, error) {
	cmd.UPN = upn.Normalize(cmd.UPN)
	p, err := domain.CheckOn(cmd, facts.Today)
	if err != nil {
		return nil, err
	}
	on := cmd.RegisteredOn
	if !on.Valid() {
		on = facts.Today
	}
	if need.ValidStatus(cmd.SENStatus) {
		for _, fp := range need.CheckStatus(cmd.SENStatus, cmd.PrimaryNeed, cmd.SecondaryNeed) {
			p.Add(fp.Field, "%s", fp.Err)
		}
	}
	checkDateOfBirth(&p, cmd.DateOfBirth, on)
	if err := p.Err(); err != nil {
		return nil, err
	}
	return []event.Data{Registered{
		PupilID: id, TrustID: trustID, SchoolID: schoolID, UPN: cmd.UPN,
		FirstName: cmd.FirstName, LastName: cmd.LastName, DateOfBirth: cmd.DateOfBirth,
		YearGroup: cmd.YearGroup, SENStatus: cmd.SENStatus, PrimaryNeed: cmd.PrimaryNeed,
		SecondaryNeed: cmd.SecondaryNeed, On: on,
	}}, nil
}

// checkDateOfBirth is the rule for a date of birth against the day the
// pupil was registered on. An invalid date is already reported by Check.
func checkDateOfBirth(probs *domain.Problems, dob, registeredOn civil.Date) {
	if dob.Valid() && dob.After(registeredOn) {
		probs.Add("date_of_birth", "must not be after the date of registration (%s)", registeredOn)
	} else if dob.Valid() && registeredOn.Year()-dob.Year() > 26 {
		probs.Add("date_of_birth", "the SEND Code of Practice covers ages 0 to 25")
	}
}

// OnRollError is what every command on the pupil answers when the pupil
// does not exist (ErrNotFound) or has left (*ConflictError); nil else.
func (p *Pupil) OnRollError() error { return p.onRoll() }

// onRoll guards every command on an existing pupil.
func (p *Pupil) onRoll() error {
	if !p.Exists() {
		return domain.NotFound("pupil")
	}
	if !p.OnRoll {
		return domain.Conflict("the pupil left on %s; the record is kept but can no longer change", p.LeftOn)
	}
	return nil
}

// notBeforeBirth names field when date d is before the pupil's date of birth.
func (p *Pupil) notBeforeBirth(probs *domain.Problems, field string, d civil.Date) {
	if d.Valid() && d.Before(p.DateOfBirth) {
		probs.Add(field, "must not be before the date of birth")
	}
}

// ChangeStatus decides a change of SEN status or need; no change records nothing.
func (p *Pupil) ChangeStatus(cmd ChangeStatus, facts Facts) ([]event.Data, error) {
	probs, err := domain.CheckOn(cmd, facts.Today)
	if err != nil {
		return nil, err
	}
	if err := p.onRoll(); err != nil {
		return nil, err
	}
	if need.ValidStatus(cmd.SENStatus) {
		for _, fp := range need.CheckStatus(cmd.SENStatus, cmd.PrimaryNeed, cmd.SecondaryNeed) {
			probs.Add(fp.Field, "%s", fp.Err)
		}
	}
	if cmd.On.Valid() && cmd.On.Before(p.RegisteredOn) {
		probs.Add("on", "must not be before the pupil was registered (%s)", p.RegisteredOn)
	}
	var closes string
	if cmd.CloseCycle {
		switch c := p.CurrentCycle(); {
		case c == nil:
			probs.Add("close_cycle", "no cycle is open")
		case cmd.On.Valid() && cmd.On.Before(c.lastDate()):
			probs.Add("on", "must not be before the open cycle's last record (%s) when it closes the cycle", c.lastDate())
		default:
			closes = c.ID
		}
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if closes == "" && cmd.SENStatus == p.SENStatus && cmd.PrimaryNeed == p.PrimaryNeed && cmd.SecondaryNeed == p.SecondaryNeed {
		return nil, nil
	}
	return []event.Data{StatusChanged{SENStatus: cmd.SENStatus, PrimaryNeed: cmd.PrimaryNeed, SecondaryNeed: cmd.SecondaryNeed, On: cmd.On,
		ClosesCycle: closes}}, nil
}

// OpenCycle decides opening a new APDR cycle; only one may be open.
func (p *Pupil) OpenCycle(cmd OpenCycleCmd, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	if err := p.onRoll(); err != nil {
		return nil, err
	}
	if c := p.CurrentCycle(); c != nil {
		return nil, domain.Conflict("a cycle is still open (at %s); review it before opening another", c.Stage)
	}
	var probs domain.Problems
	p.notBeforeBirth(&probs, "opened_on", cmd.OpenedOn)
	if n := len(p.Cycles); n > 0 {
		if last := p.Cycles[n-1].lastDate(); cmd.OpenedOn.Before(last) {
			probs.Add("opened_on", "must not be before the previous cycle's review (%s)", last)
		}
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return []event.Data{CycleOpened{CycleID: facts.NewID(), OpenedOn: cmd.OpenedOn}}, nil
}

// cycleAt returns cycle id when it is at stage want, or the error to answer.
func (p *Pupil) cycleAt(id string, want Stage, doing string) (*Cycle, error) {
	if err := p.onRoll(); err != nil {
		return nil, err
	}
	c := p.Cycle(id)
	if c == nil {
		return nil, domain.NotFound("cycle %s", id)
	}
	if c.Stage != want {
		return nil, domain.Conflict("cannot %s: the cycle is at stage %s, not %s", doing, c.Stage, want)
	}
	return c, nil
}

// RecordAssessment decides the Assess stage.
func (p *Pupil) RecordAssessment(cycleID string, cmd RecordAssessment, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	c, err := p.cycleAt(cycleID, Assess, "record an assessment")
	if err != nil {
		return nil, err
	}
	if cmd.AssessedOn.Before(c.OpenedOn) {
		return nil, domain.Invalid("assessed_on", "must not be before the cycle was opened (%s)", c.OpenedOn)
	}
	return []event.Data{AssessmentRecorded{CycleID: c.ID, Assessment: Assessment{
		AssessedOn: cmd.AssessedOn, Summary: cmd.Summary, NeedAreas: cmd.NeedAreas,
	}}}, nil
}

// AgreePlan decides the Plan stage: outcomes, provisions from the trust's
// catalogue and a clear review date.
func (p *Pupil) AgreePlan(cycleID string, cmd AgreePlan, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	c, err := p.cycleAt(cycleID, Plan, "agree a plan")
	if err != nil {
		return nil, err
	}
	var probs domain.Problems
	if cmd.AgreedOn.Before(c.Assessment.AssessedOn) {
		probs.Add("agreed_on", "must not be before the assessment (%s)", c.Assessment.AssessedOn)
	}
	if cmd.ReviewDueOn.Before(cmd.AgreedOn) {
		probs.Add("review_due_on", "must not be before agreed_on")
	}
	checkProvisions("", cmd.Provisions, facts, &probs)
	checkMeasures("", cmd.Outcomes, facts, &probs)
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return []event.Data{PlanAgreed{CycleID: c.ID, Plan: newPlan(cmd, facts)}}, nil
}

// checkProvisions checks a plan's provisions against the trust's
// catalogue; fields are named under prefix.
func checkProvisions(prefix string, provisions []ProvisionInput, facts Facts, probs *domain.Problems) {
	seen := map[string]bool{}
	for i, in := range provisions {
		field := fmt.Sprintf("%sprovisions[%d]", prefix, i)
		prov, ok := facts.Provision(in.ProvisionID)
		switch {
		case !ok:
			probs.Add(field+".provision_id", "not a provision in the trust's catalogue")
		case seen[in.ProvisionID]:
			probs.Add(field+".provision_id", "is already in this plan")
		case in.GroupSize > prov.MaxGroupSize:
			probs.Add(field+".group_size", "must be at most %d for %s", prov.MaxGroupSize, prov.Name)
		}
		seen[in.ProvisionID] = true
	}
}

// checkMeasures checks the measures a plan's outcomes name: the trust's,
// with a baseline and a target that are readings of it, the target better
// than the baseline; fields are named under prefix.
func checkMeasures(prefix string, outcomes []OutcomeInput, facts Facts, probs *domain.Problems) {
	for i, o := range outcomes {
		field := fmt.Sprintf("%soutcomes[%d].", prefix, i)
		if o.MeasureID == "" {
			if o.Baseline != nil || o.Target != nil {
				probs.Add(field+"measure_id", "choose the measure the baseline and target are readings of")
			}
			continue
		}
		m, ok := facts.Measure(o.MeasureID)
		if !ok {
			probs.Add(field+"measure_id", "not one of the trust's measures")
			continue
		}
		for _, r := range []struct {
			name string
			v    *float64
		}{{"baseline", o.Baseline}, {"target", o.Target}} {
			switch {
			case r.v == nil:
				probs.Add(field+r.name, "is required for a measured outcome (%s)", m.Name)
			case m.Refuses(*r.v) != "":
				probs.Add(field+r.name, "%s", m.Refuses(*r.v))
			}
		}
		if o.Baseline != nil && o.Target != nil && m.Gain(*o.Baseline, *o.Target) <= 0 {
			way := "above"
			if !m.HigherIsBetter {
				way = "below"
			}
			probs.Add(field+"target", "must be %s the baseline (%s): for %s, %s is better", way, trust.Number(*o.Baseline), m.Name, map[bool]string{true: "higher", false: "lower"}[m.HigherIsBetter])
		}
	}
}

// checkReading checks one reading of outcome outcomeID of plan: the
// outcome must name a measure and the value be a reading of it.
func checkReading(field, outcomeID string, value float64, plan *PlanDoc, facts Facts, probs *domain.Problems) {
	o, ok := plan.Outcome(outcomeID)
	if !ok {
		probs.Add(field, "not an outcome of this cycle's plan")
		return
	}
	if o.MeasureID == "" {
		probs.Add(field, "the outcome %q has no measure to read", o.Description)
		return
	}
	if m, ok := facts.Measure(o.MeasureID); ok {
		if why := m.Refuses(value); why != "" {
			probs.Add(field, "%s", why)
		}
	}
}

// checkSessionReadings checks the readings a session records: each of an
// outcome of the plan with a measure, once; fields named under prefix.
func checkSessionReadings(prefix string, readings []OutcomeReading, plan *PlanDoc, facts Facts, probs *domain.Problems) {
	seen := map[string]bool{}
	for i, r := range readings {
		field := fmt.Sprintf("%sreadings[%d]", prefix, i)
		if seen[r.OutcomeID] {
			probs.Add(field+".outcome_id", "is read twice in one session")
			continue
		}
		seen[r.OutcomeID] = true
		checkReading(field+".value", r.OutcomeID, *r.Value, plan, facts, probs)
	}
}

// newPlan is the plan a command agrees, its outcomes given new ids.
func newPlan(cmd AgreePlan, facts Facts) PlanDoc {
	plan := PlanDoc{AgreedOn: cmd.AgreedOn, ReviewDueOn: cmd.ReviewDueOn, ParentViews: cmd.ParentViews, PupilViews: cmd.PupilViews,
		Outcomes: make([]Outcome, len(cmd.Outcomes)), Provisions: make([]PlannedProvision, len(cmd.Provisions))}
	for i, o := range cmd.Outcomes {
		plan.Outcomes[i] = Outcome{ID: facts.NewID(), Description: o.Description, SuccessCriteria: o.SuccessCriteria,
			MeasureID: o.MeasureID, Baseline: o.Baseline, Target: o.Target}
	}
	for i, in := range cmd.Provisions {
		plan.Provisions[i] = PlannedProvision(in)
	}
	return plan
}

// LogSession decides recording a delivered session; only in Do.
func (p *Pupil) LogSession(cycleID string, cmd LogSession, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	c, err := p.cycleAt(cycleID, Do, "log a session")
	if err != nil {
		return nil, err
	}
	var probs domain.Problems
	if !c.Plan.plans(cmd.ProvisionID) {
		probs.Add("provision_id", "not a provision of this cycle's plan")
	}
	if cmd.DeliveredOn.Before(c.Plan.AgreedOn) {
		probs.Add("delivered_on", "must not be before the plan was agreed (%s)", c.Plan.AgreedOn)
	}
	checkSessionReadings("", cmd.Readings, c.Plan, facts, &probs)
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return []event.Data{SessionLogged{CycleID: c.ID, Session: Session{
		ID: facts.NewID(), ProvisionID: cmd.ProvisionID, DeliveredOn: cmd.DeliveredOn, Minutes: cmd.Minutes, Attended: *cmd.Attended,
		Readings: cmd.Readings,
	}}}, nil
}

// RecordReview decides the Review stage, which closes the cycle. Every
// outcome of the plan is rated exactly once. "continue" opens the next cycle
// on the day of the review; "exit_sen_support" ends provisions and takes a
// pupil on SEN support off the register.
func (p *Pupil) RecordReview(cycleID string, cmd RecordReview, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	c, err := p.cycleAt(cycleID, Do, "record a review")
	if err != nil {
		return nil, err
	}
	var probs domain.Problems
	if last := c.lastDate(); cmd.HeldOn.Before(last) {
		probs.Add("held_on", "must not be before the last record of the cycle (%s)", last)
	}
	checkRatings("", cmd.Outcomes, c.Plan, facts, &probs)
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if cmd.Decision == DecisionExitSENSupport && p.SENStatus == need.EHCPlan {
		return nil, domain.Conflict("the pupil has an EHC plan: SEN support cannot end while the plan is maintained")
	}
	out := []event.Data{CycleReviewed{CycleID: c.ID, Review: newReview(cmd)}}
	switch cmd.Decision {
	case DecisionContinue:
		out = append(out, CycleOpened{CycleID: facts.NewID(), OpenedOn: cmd.HeldOn})
	case DecisionExitSENSupport:
		if p.SENStatus == need.SENSupport {
			out = append(out, StatusChanged{SENStatus: need.NoSEN, On: cmd.HeldOn})
		}
	}
	return out, nil
}

// checkRatings checks that a review rates every outcome of the plan
// exactly once; fields are named under prefix.
func checkRatings(prefix string, ratings []RatingInput, plan *PlanDoc, facts Facts, probs *domain.Problems) {
	rated := map[string]bool{}
	for i, r := range ratings {
		field := fmt.Sprintf("%soutcomes[%d].outcome_id", prefix, i)
		switch {
		case !plan.hasOutcome(r.OutcomeID):
			probs.Add(field, "not an outcome of this cycle's plan")
		case rated[r.OutcomeID]:
			probs.Add(field, "is rated twice")
		case r.Reading != nil:
			checkReading(fmt.Sprintf("%soutcomes[%d].reading", prefix, i), r.OutcomeID, *r.Reading, plan, facts, probs)
		}
		rated[r.OutcomeID] = true
	}
	for _, o := range plan.Outcomes {
		if !rated[o.ID] {
			probs.Add(prefix+"outcomes", "every outcome of the plan must be rated; %q (%s) is not", o.Description, o.ID)
		}
	}
}

// newReview is the review a command records.
func newReview(cmd RecordReview) ReviewDoc {
	review := ReviewDoc{HeldOn: cmd.HeldOn, Decision: cmd.Decision, ParentViews: cmd.ParentViews, PupilViews: cmd.PupilViews,
		Outcomes: make([]Rating, len(cmd.Outcomes))}
	for i, r := range cmd.Outcomes {
		review.Outcomes[i] = Rating(r)
	}
	return review
}

func (plan *PlanDoc) hasOutcome(id string) bool {
	_, ok := plan.Outcome(id)
	return ok
}

// Outcome returns the plan's outcome with id.
func (plan *PlanDoc) Outcome(id string) (Outcome, bool) {
	for _, o := range plan.Outcomes {
		if o.ID == id {
			return o, true
		}
	}
	return Outcome{}, false
}

// Transfer decides moving the pupil to another school of the same trust.
func (p *Pupil) Transfer(cmd Transfer, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	if err := p.onRoll(); err != nil {
		return nil, err
	}
	var probs domain.Problems
	if t, ok := facts.SchoolTrust(cmd.SchoolID); !ok || t != p.TrustID {
		probs.Add("school_id", "no such school in the pupil's trust")
	} else if cmd.SchoolID == p.SchoolID {
		probs.Add("school_id", "the pupil is already at this school")
	}
	if last := p.Schools[len(p.Schools)-1].From; cmd.On.Before(last) {
		probs.Add("on", "must not be before the pupil joined the current school (%s)", last)
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return []event.Data{Transferred{FromSchoolID: p.SchoolID, ToSchoolID: cmd.SchoolID, On: cmd.On}}, nil
}

// Leave decides taking the pupil off roll; the history is kept.
func (p *Pupil) Leave(cmd Leave, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	if err := p.onRoll(); err != nil {
		return nil, err
	}
	if last := p.Schools[len(p.Schools)-1].From; cmd.On.Before(last) {
		return nil, domain.Invalid("on", "must not be before the pupil joined the current school (%s)", last)
	}
	return []event.Data{Left{On: cmd.On, Destination: cmd.Destination}}, nil
}

// GrantAccess decides giving an LA reviewer read access until a date.
func (p *Pupil) GrantAccess(cmd GrantAccess, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	if !p.Exists() {
		return nil, domain.NotFound("pupil")
	}
	var probs domain.Problems
	trustID, _ := facts.SchoolTrust(p.SchoolID)
	if u, ok := facts.User(cmd.UserID); !ok || u.Role != user.LAReviewer {
		probs.Add("user_id", "not an la_reviewer")
	} else if u.TrustID != trustID {
		// Each trust adds the LA reviewers it works with; nobody grants
		// another trust's reviewer, or one no trust added.
		probs.Add("user_id", "not an la_reviewer of this trust")
	}
	if cmd.Until.Before(facts.Today) {
		probs.Add("until", "must not be in the past")
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return []event.Data{AccessGranted{Grant: Grant{UserID: cmd.UserID, GrantedOn: facts.Today, Until: cmd.Until}}}, nil
}
