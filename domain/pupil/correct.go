package pupil

import (
	"errors"
	"slices"
	"strings"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/event"
)

// Corrections and voids. Nothing recorded is ever rewritten: a correction
// is a new event that says what an entry should have said, and why; a
// void says that it should not have been recorded at all. An entry is
// named by the version of the event that recorded it (its Entry), which
// is how the audit trail numbers it.
//
// A correction event carries the fact whole, and everything that follows
// from it (the cycle as it now stands, the referral, the provisions now
// active), so that folding it needs no history: views keep little of a
// pupil's past (see projections.Summary).

// Entry kinds: what can be corrected or voided.
const (
	EntryAssessment     = "assessment"
	EntryPlan           = "plan"
	EntrySession        = "session"
	EntryReview         = "review"
	EntryEHCP           = "ehcp_milestone"
	EntryReferral       = "referral"
	EntryReferralChange = "referral_change"
	EntryGrant          = "grant"
	EntryMeeting        = "meeting"
)

// EntryKinds lists the kinds, as Correct names them.
var EntryKinds = domain.Allowed("entry_kind", EntryAssessment, EntryPlan, EntrySession, EntryReview, EntryEHCP,
	EntryReferral, EntryReferralChange, EntryGrant, EntryMeeting)

// Correct is the body of a correction: why, and the entry as it should
// have been recorded, in the shape of the command that recorded it, under
// the entry's kind (exactly one).
type Correct struct {
	Reason         string            `json:"reason" validate:"notblank,max=2000"`
	Assessment     *RecordAssessment `json:"assessment"`
	Plan           *AgreePlan        `json:"plan"`
	Session        *LogSession       `json:"session"`
	Review         *RecordReview     `json:"review"`
	EHCP           *ehcp.Command     `json:"ehcp_milestone"`
	Referral       *MakeReferral     `json:"referral"`
	ReferralChange *ChangeReferral   `json:"referral_change"`
	Grant          *GrantAccess      `json:"grant"`
	Meeting        *RecordMeeting    `json:"meeting"`
}

// Void is the body of a void: why the entry should not have been recorded.
type Void struct {
	Reason string `json:"reason" validate:"notblank,max=2000"`
}

// Events of corrections.
type (
	EntryCorrected struct {
		Entry  int    `json:"entry"`
		Kind   string `json:"kind"`
		Reason string `json:"reason" personal:"true"`
		// On is when the entry, as corrected, happened.
		On civil.Date `json:"on"`
		// Cycle is the cycle as it stands after the correction (without
		// its sessions) for an assessment, plan or review.
		Cycle   *Cycle   `json:"cycle,omitempty"`
		Session *Session `json:"session,omitempty"`
		CycleID string   `json:"cycle_id,omitempty"`
		// Referral is the referral after a referral or referral change.
		Referral *Referral    `json:"referral,omitempty"`
		EHCP     *ehcp.Record `json:"ehcp_milestone,omitempty"`
		Grant    *Grant       `json:"grant,omitempty"`
		Meeting  *Meeting     `json:"meeting,omitempty"`
		// Provisions are the provisions active after the correction, when
		// it changes them.
		Provisions *[]PlannedProvision `json:"active_provisions,omitempty"`
	}
	EntryVoided struct {
		Entry  int        `json:"entry"`
		Kind   string     `json:"kind"`
		Reason string     `json:"reason" personal:"true"`
		On     civil.Date `json:"on"`
		// Cycle is the cycle after the void, as in EntryCorrected;
		// RemovesCycle is a cycle the voided review had opened, empty.
		Cycle        *Cycle              `json:"cycle,omitempty"`
		RemovesCycle string              `json:"removes_cycle,omitempty"`
		CycleID      string              `json:"cycle_id,omitempty"`
		Referral     *Referral           `json:"referral,omitempty"`
		ReferralID   string              `json:"referral_id,omitempty"`
		Provisions   *[]PlannedProvision `json:"active_provisions,omitempty"`
	}
)

func (EntryCorrected) EventType() string        { return "entry_corrected" }
func (EntryVoided) EventType() string           { return "entry_voided" }
func (e EntryCorrected) OccurredOn() civil.Date { return e.On }
func (e EntryVoided) OccurredOn() civil.Date    { return e.On }

func init() {
	event.Register[EntryCorrected](1)
	event.Register[EntryVoided](1)
}

// found is an entry located in the pupil: its kind, and where it is.
type found struct {
	kind     string
	cycle    *Cycle
	session  int // index in cycle.Sessions
	referral *Referral
	change   int // index in referral.History
	ehcp     int // index in EHCPRecords
	grant    int // index in Grants
	meeting  int // index in Meetings
	on       civil.Date
}

// EntryKind is the kind of entry recorded at version entry, or "" when
// nothing that can be corrected was.
func (p *Pupil) EntryKind(entry int) string {
	f, ok := p.find(entry)
	if !ok {
		return ""
	}
	return f.kind
}

func (p *Pupil) find(entry int) (found, bool) {
	if entry <= 0 {
		return found{}, false
	}
	for _, c := range p.Cycles {
		switch {
		case c.Assessment != nil && c.Assessment.Entry == entry:
			return found{kind: EntryAssessment, cycle: c, on: c.Assessment.AssessedOn}, true
		case c.Plan != nil && c.Plan.Entry == entry:
			return found{kind: EntryPlan, cycle: c, on: c.Plan.AgreedOn}, true
		case c.Review != nil && c.Review.Entry == entry:
			return found{kind: EntryReview, cycle: c, on: c.Review.HeldOn}, true
		}
		for i, s := range c.Sessions {
			if s.Entry == entry {
				return found{kind: EntrySession, cycle: c, session: i, on: s.DeliveredOn}, true
			}
		}
	}
	for _, r := range p.Referrals {
		for i, h := range r.History {
			if h.Entry == entry {
				kind := EntryReferralChange
				if i == 0 {
					kind = EntryReferral
				}
				return found{kind: kind, referral: r, change: i, on: h.On}, true
			}
		}
	}
	for i, r := range p.EHCPRecords {
		if r.Entry == entry {
			return found{kind: EntryEHCP, ehcp: i, on: r.On}, true
		}
	}
	for i, g := range p.Grants {
		if g.Entry == entry {
			return found{kind: EntryGrant, grant: i, on: g.GrantedOn}, true
		}
	}
	for i, m := range p.Meetings {
		if m.Entry == entry {
			return found{kind: EntryMeeting, meeting: i, on: m.HeldOn}, true
		}
	}
	return found{}, false
}

// correctable guards corrections: the record exists and is not erased; a
// pupil who left can still be corrected (the record is kept for them).
func (p *Pupil) correctable(entry int) (found, error) {
	if !p.Exists() {
		return found{}, domain.NotFound("pupil")
	}
	if err := p.ErasedError(); err != nil {
		return found{}, err
	}
	f, ok := p.find(entry)
	if !ok {
		return found{}, domain.NotFound("entry %d", entry)
	}
	return f, nil
}

// Named reports the one kind a correction's body names, or "".
func (c Correct) Named() string {
	var kinds []string
	for k, set := range map[string]bool{EntryAssessment: c.Assessment != nil, EntryPlan: c.Plan != nil, EntrySession: c.Session != nil,
		EntryReview: c.Review != nil, EntryEHCP: c.EHCP != nil, EntryReferral: c.Referral != nil,
		EntryReferralChange: c.ReferralChange != nil, EntryGrant: c.Grant != nil, EntryMeeting: c.Meeting != nil} {
		if set {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) != 1 {
		return ""
	}
	return kinds[0]
}

// CorrectEntry decides correcting entry: the corrected fact must keep
// every rule that recording it keeps, against the rest of the record.
func (p *Pupil) CorrectEntry(entry int, cmd Correct, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	f, err := p.correctable(entry)
	if err != nil {
		return nil, err
	}
	if named := cmd.Named(); named != f.kind {
		return nil, domain.Invalid(f.kind, "entry %d is a %s: send the corrected %s, and nothing else", entry, human(f.kind), human(f.kind))
	}
	ev := EntryCorrected{Entry: entry, Kind: f.kind, Reason: cmd.Reason}
	var probs domain.Problems
	switch f.kind {
	case EntryAssessment:
		in := cmd.Assessment
		c := f.cycle.clone()
		if in.AssessedOn.Before(c.OpenedOn) {
			probs.Add("assessment.assessed_on", "must not be before the cycle was opened (%s)", c.OpenedOn)
		}
		if c.Plan != nil && in.AssessedOn.After(c.Plan.AgreedOn) {
			probs.Add("assessment.assessed_on", "must not be after the plan was agreed (%s)", c.Plan.AgreedOn)
		}
		c.Assessment = &Assessment{Entry: entry, AssessedOn: in.AssessedOn, Summary: in.Summary, NeedAreas: in.NeedAreas}
		ev.Cycle, ev.On = c, in.AssessedOn
	case EntryPlan:
		in := cmd.Plan
		c := f.cycle.clone()
		pfx := "plan."
		if in.AgreedOn.Before(c.Assessment.AssessedOn) {
			probs.Add(pfx+"agreed_on", "must not be before the assessment (%s)", c.Assessment.AssessedOn)
		}
		if first := f.cycle.firstSession(); first.Valid() && in.AgreedOn.After(first) {
			probs.Add(pfx+"agreed_on", "must not be after the first session (%s)", first)
		}
		if in.ReviewDueOn.Before(in.AgreedOn) {
			probs.Add(pfx+"review_due_on", "must not be before agreed_on")
		}
		if c.Review != nil && len(in.Outcomes) != len(c.Plan.Outcomes) {
			probs.Add(pfx+"outcomes", "the plan was reviewed with %d outcomes: correct them, do not add or remove any", len(c.Plan.Outcomes))
		}
		checkProvisions(pfx, in.Provisions, facts, &probs)
		checkMeasures(pfx, in.Outcomes, facts, &probs)
		plan := newPlan(*in, facts)
		// Outcomes keep their ids, in order, so that ratings still name them.
		for i := range plan.Outcomes {
			if i < len(c.Plan.Outcomes) {
				plan.Outcomes[i].ID = c.Plan.Outcomes[i].ID
			}
		}
		plan.Entry = entry
		c.Plan = &plan
		ev.Cycle, ev.On = c, in.AgreedOn
		if p.activeFrom() == f.cycle {
			active := slices.Clone(plan.Provisions)
			ev.Provisions = &active
		}
	case EntrySession:
		in := cmd.Session
		c := f.cycle
		if !c.Plan.plans(in.ProvisionID) {
			probs.Add("session.provision_id", "not a provision of this cycle's plan")
		}
		if in.DeliveredOn.Before(c.Plan.AgreedOn) {
			probs.Add("session.delivered_on", "must not be before the plan was agreed (%s)", c.Plan.AgreedOn)
		}
		if c.Review != nil && in.DeliveredOn.After(c.Review.HeldOn) {
			probs.Add("session.delivered_on", "must not be after the review (%s)", c.Review.HeldOn)
		}
		old := c.Sessions[f.session]
		checkSessionReadings("session.", in.Readings, c.Plan, facts, &probs)
		ev.Session = &Session{Entry: entry, ID: old.ID, ProvisionID: in.ProvisionID, DeliveredOn: in.DeliveredOn, Minutes: in.Minutes, Attended: *in.Attended,
			Readings: in.Readings}
		ev.CycleID, ev.On = c.ID, in.DeliveredOn
	case EntryReview:
		in := cmd.Review
		c := f.cycle.clone()
		if in.Decision != c.Review.Decision {
			probs.Add("review.decision", "a correction keeps the decision (%s): to change it, void the review and record it again", human(c.Review.Decision))
		}
		if last := f.cycle.lastBeforeReview(); in.HeldOn.Before(last) {
			probs.Add("review.held_on", "must not be before the last record of the cycle (%s)", last)
		}
		if next := p.after(c.ID); next != nil && in.HeldOn.After(next.OpenedOn) {
			probs.Add("review.held_on", "must not be after the next cycle was opened (%s)", next.OpenedOn)
		}
		checkRatings("review.", in.Outcomes, c.Plan, facts, &probs)
		review := newReview(*in)
		review.Entry = entry
		c.Review = &review
		ev.Cycle, ev.On = c, in.HeldOn
	case EntryEHCP:
		r, err := underEHCP(cmd.EHCP.Check(facts.Today))
		if err != nil {
			return nil, err
		}
		r.Entry = entry
		if old := p.EHCPRecords[f.ehcp]; old.Historic && r.Type == old.Type {
			// A plan from before sendcase stays one when its dates are corrected.
			r.Historic = true
		}
		recs := slices.Clone(p.EHCPRecords)
		recs[f.ehcp] = r
		if _, err := ehcp.Fold(recs); err != nil {
			return nil, err
		}
		ev.EHCP, ev.On = &r, r.On
	case EntryReferral:
		in := cmd.Referral
		r := f.referral.clone()
		p.notBeforeBirth(&probs, "referral.referred_on", in.ReferredOn)
		if len(r.History) > 1 && in.ReferredOn.After(r.History[1].On) {
			probs.Add("referral.referred_on", "must not be after the referral's next change (%s)", r.History[1].On)
		}
		r.Service, r.Provider, r.Reason, r.ReferredOn = in.Service, in.Provider, in.Reason, in.ReferredOn
		r.History[0].On = in.ReferredOn
		ev.Referral, ev.On = r, in.ReferredOn
	case EntryReferralChange:
		in := cmd.ReferralChange
		r := f.referral.clone()
		h := r.History[f.change]
		if in.Status != h.Status {
			probs.Add("referral_change.status", "a correction keeps the status (%s): to change it, void the change and record it again", human(h.Status))
		}
		if prev := r.History[f.change-1].On; in.On.Before(prev) {
			probs.Add("referral_change.on", "must not be before the change before it (%s)", prev)
		}
		if f.change+1 < len(r.History) && in.On.After(r.History[f.change+1].On) {
			probs.Add("referral_change.on", "must not be after the change after it (%s)", r.History[f.change+1].On)
		}
		r.History[f.change] = ReferralEntry{Entry: entry, Status: h.Status, On: in.On, Note: in.Note}
		r.rederive()
		ev.Referral, ev.On = r, in.On
	case EntryGrant:
		in := cmd.Grant
		g := p.Grants[f.grant]
		if in.UserID != g.UserID {
			probs.Add("grant.user_id", "a correction keeps the reviewer: to give someone else access, grant it to them")
		}
		if in.Until.Before(facts.Today) {
			probs.Add("grant.until", "must not be in the past")
		}
		g.Until = in.Until
		ev.Grant, ev.On = &g, g.GrantedOn
	case EntryMeeting:
		in := cmd.Meeting
		p.notBeforeBirth(&probs, "meeting.held_on", in.HeldOn)
		ev.Meeting = &Meeting{Entry: entry, HeldOn: in.HeldOn, WhoCame: in.WhoCame, Agreed: in.Agreed}
		ev.On = in.HeldOn
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	// As of a past date, the correction counts from the earlier of the
	// two dates, so that the entry is never shown twice or not at all.
	ev.On = civil.Min(ev.On, f.on)
	return []event.Data{ev}, nil
}

// underEHCP passes a checked record through, naming its fields as the
// correction's body does (ehcp_milestone.on).
func underEHCP(r ehcp.Record, err error) (ehcp.Record, error) {
	if err != nil {
		return r, prefixFields("ehcp_milestone.", err)
	}
	return r, nil
}

// VoidEntry decides voiding entry. Stages are undone from the last: an
// assessment under a plan, a plan with sessions or a review, a review
// after which the next cycle has started, or a referral change that is
// not the last cannot be voided until what follows it is.
func (p *Pupil) VoidEntry(entry int, cmd Void, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	f, err := p.correctable(entry)
	if err != nil {
		return nil, err
	}
	ev := EntryVoided{Entry: entry, Kind: f.kind, Reason: cmd.Reason, On: f.on}
	switch f.kind {
	case EntryAssessment:
		c := f.cycle.clone()
		if c.Plan != nil {
			return nil, domain.Conflict("a plan was agreed on this assessment: void the plan first")
		}
		c.Assessment, c.Stage = nil, Assess
		ev.Cycle = c
	case EntryPlan:
		c := f.cycle.clone()
		switch {
		case c.Review != nil:
			return nil, domain.Conflict("this plan has been reviewed: void the review first")
		case len(f.cycle.Sessions) > 0:
			return nil, domain.Conflict("sessions were logged under this plan: void them first")
		}
		c.Plan, c.Stage = nil, Plan
		ev.Cycle = c
		if p.activeFrom() == f.cycle {
			active := slices.Clone(p.provisionsBefore(f.cycle))
			ev.Provisions = &active
		}
	case EntrySession:
		ev.CycleID = f.cycle.ID
	case EntryReview:
		c := f.cycle.clone()
		if next := p.after(c.ID); next != nil {
			if next.Assessment != nil || len(next.Sessions) > 0 || p.after(next.ID) != nil {
				return nil, domain.Conflict("the next cycle has started: its records must be voided first")
			}
			ev.RemovesCycle = next.ID
		}
		c.Review, c.Stage = nil, Do
		ev.Cycle = c
		if p.OnRoll {
			active := slices.Clone(c.Plan.Provisions)
			ev.Provisions = &active
		}
	case EntryEHCP:
		recs := slices.Delete(slices.Clone(p.EHCPRecords), f.ehcp, f.ehcp+1)
		if _, err := ehcp.Fold(recs); err != nil {
			return nil, domain.Conflict("later EHC process records depend on this one: void them first (%s)", domain.Reason(err))
		}
	case EntryReferral:
		ev.ReferralID = f.referral.ID
	case EntryReferralChange:
		r := f.referral.clone()
		if f.change != len(r.History)-1 {
			return nil, domain.Conflict("only the referral's last change can be voided; void the later ones first")
		}
		r.History = r.History[:f.change]
		r.rederive()
		ev.Referral = r
	case EntryGrant, EntryMeeting:
	}
	return []event.Data{ev}, nil
}

func (p *Pupil) applyCorrection(d EntryCorrected) {
	switch d.Kind {
	case EntryAssessment, EntryPlan, EntryReview:
		p.putCycle(d.Cycle, "")
		p.moveMeeting(d.Kind, d.Entry, d.Cycle)
	case EntrySession:
		if c := p.Cycle(d.CycleID); c != nil {
			c.Sessions = slices.Clone(c.Sessions)
			for i := range c.Sessions {
				if c.Sessions[i].Entry == d.Entry {
					c.Sessions[i] = *d.Session
				}
			}
			c.delivered(d.Entry, d.Session)
		}
	case EntryReferral, EntryReferralChange:
		p.putReferral(d.Referral)
	case EntryEHCP:
		p.EHCPRecords = slices.Clone(p.EHCPRecords)
		for i := range p.EHCPRecords {
			if p.EHCPRecords[i].Entry == d.Entry {
				p.EHCPRecords[i] = *d.EHCP
			}
		}
	case EntryGrant:
		p.Grants = slices.Clone(p.Grants)
		for i := range p.Grants {
			if p.Grants[i].Entry == d.Entry {
				p.Grants[i] = *d.Grant
			}
		}
	case EntryMeeting:
		// Views keep no Meetings (only their dates): both are put right.
		p.Meetings = slices.Clone(p.Meetings)
		for i := range p.Meetings {
			if p.Meetings[i].Entry == d.Entry {
				p.Meetings[i] = *d.Meeting
			}
		}
		p.ParentMeetings = slices.Clone(p.ParentMeetings)
		for i := range p.ParentMeetings {
			if p.ParentMeetings[i].Entry == d.Entry {
				p.ParentMeetings[i].On = d.Meeting.HeldOn
			}
		}
	}
	if d.Provisions != nil {
		p.ActiveProvisions = slices.Clone(*d.Provisions)
	}
}

func (p *Pupil) applyVoid(d EntryVoided) {
	switch d.Kind {
	case EntryAssessment, EntryPlan, EntryReview:
		p.putCycle(d.Cycle, d.RemovesCycle)
		p.ParentMeetings = slices.DeleteFunc(slices.Clone(p.ParentMeetings), func(m ParentMeeting) bool { return m.Entry == d.Entry })
	case EntrySession:
		if c := p.Cycle(d.CycleID); c != nil {
			c.Sessions = slices.DeleteFunc(slices.Clone(c.Sessions), func(s Session) bool { return s.Entry == d.Entry })
			c.delivered(d.Entry, nil)
		}
	case EntryReferral:
		p.Referrals = slices.DeleteFunc(slices.Clone(p.Referrals), func(r *Referral) bool { return r.ID == d.ReferralID })
	case EntryReferralChange:
		p.putReferral(d.Referral)
	case EntryEHCP:
		p.EHCPRecords = slices.DeleteFunc(slices.Clone(p.EHCPRecords), func(r ehcp.Record) bool { return r.Entry == d.Entry })
	case EntryGrant:
		p.Grants = slices.DeleteFunc(slices.Clone(p.Grants), func(g Grant) bool { return g.Entry == d.Entry })
	case EntryMeeting:
		p.Meetings = slices.DeleteFunc(slices.Clone(p.Meetings), func(m Meeting) bool { return m.Entry == d.Entry })
		p.ParentMeetings = slices.DeleteFunc(slices.Clone(p.ParentMeetings), func(m ParentMeeting) bool { return m.Entry == d.Entry })
	}
	if d.Provisions != nil {
		p.ActiveProvisions = slices.Clone(*d.Provisions)
	}
}

// moveMeeting gives the meeting a corrected plan or review recorded its
// corrected date.
func (p *Pupil) moveMeeting(kind string, entry int, c *Cycle) {
	var on civil.Date
	switch {
	case c == nil:
		return
	case kind == EntryPlan && c.Plan != nil:
		on = c.Plan.AgreedOn
	case kind == EntryReview && c.Review != nil:
		on = c.Review.HeldOn
	default:
		return
	}
	p.ParentMeetings = slices.Clone(p.ParentMeetings)
	for i := range p.ParentMeetings {
		if p.ParentMeetings[i].Entry == entry {
			p.ParentMeetings[i].On = on
		}
	}
}

// putCycle sets a cycle as an event carries it, keeping the sessions the
// pupil holds of it; a view that no longer keeps the cycle takes it back
// only when it is open again (a voided review), since views keep just the
// current cycle.
func (p *Pupil) putCycle(c *Cycle, removes string) {
	if removes != "" {
		p.Cycles = slices.DeleteFunc(slices.Clone(p.Cycles), func(x *Cycle) bool { return x.ID == removes })
	}
	if c == nil {
		return
	}
	next := c.clone()
	for i, old := range p.Cycles {
		if old.ID == c.ID {
			next.Sessions, next.Delivered, next.DeliveredOf, next.Readings = old.Sessions, old.Delivered, old.DeliveredOf, old.Readings
			p.Cycles = slices.Clone(p.Cycles)
			p.Cycles[i] = next
			return
		}
	}
	if next.Stage != Closed {
		next.Sessions = []Session{}
		p.Cycles = append(slices.Clip(p.Cycles), next)
	}
}

func (p *Pupil) putReferral(r *Referral) {
	if r == nil {
		return
	}
	p.Referrals = slices.Clone(p.Referrals)
	for i, old := range p.Referrals {
		if old.ID == r.ID {
			p.Referrals[i] = r.clone()
		}
	}
}

// clone copies a cycle's records (not its sessions, which events never
// carry): an event's cycle must not share memory with the pupil's.
func (c *Cycle) clone() *Cycle {
	n := *c
	n.Sessions, n.Delivered, n.DeliveredOf, n.Readings = nil, nil, nil, nil
	if c.Assessment != nil {
		a := *c.Assessment
		a.NeedAreas = slices.Clone(a.NeedAreas)
		n.Assessment = &a
	}
	if c.Plan != nil {
		pl := *c.Plan
		pl.Outcomes, pl.Provisions = slices.Clone(pl.Outcomes), slices.Clone(pl.Provisions)
		n.Plan = &pl
	}
	if c.Review != nil {
		r := *c.Review
		r.Outcomes = slices.Clone(r.Outcomes)
		n.Review = &r
	}
	return &n
}

func (r *Referral) clone() *Referral {
	n := *r
	n.History = slices.Clone(r.History)
	return &n
}

// rederive sets the referral's status and dates from its history.
func (r *Referral) rederive() {
	r.AcceptedOn, r.DeclinedOn, r.SeenOn, r.ReportReceivedOn, r.ClosedOn = 0, 0, 0, 0, 0
	for _, h := range r.History {
		r.follow(h)
	}
}

// after is the cycle opened after cycle id, or nil.
func (p *Pupil) after(id string) *Cycle {
	for i, c := range p.Cycles {
		if c.ID == id && i+1 < len(p.Cycles) {
			return p.Cycles[i+1]
		}
	}
	return nil
}

// activeFrom is the cycle whose plan's provisions are active, or nil.
func (p *Pupil) activeFrom() *Cycle {
	if !p.OnRoll {
		return nil
	}
	for i := len(p.Cycles) - 1; i >= 0; i-- {
		if c := p.Cycles[i]; c.Plan != nil {
			if c.Review != nil && c.Review.Decision == DecisionExitSENSupport {
				return nil
			}
			return c
		}
	}
	return nil
}

// provisionsBefore is what was active before cycle c's plan.
func (p *Pupil) provisionsBefore(c *Cycle) []PlannedProvision {
	i := slices.Index(p.Cycles, c)
	for j := i - 1; j >= 0; j-- {
		if prev := p.Cycles[j]; prev.Plan != nil {
			if prev.Review != nil && prev.Review.Decision == DecisionExitSENSupport {
				return []PlannedProvision{}
			}
			return prev.Plan.Provisions
		}
	}
	return []PlannedProvision{}
}

func (c *Cycle) firstSession() civil.Date {
	var first civil.Date
	for _, s := range c.Sessions {
		if !first.Valid() || s.DeliveredOn.Before(first) {
			first = s.DeliveredOn
		}
	}
	return first
}

// lastBeforeReview is the latest date the cycle holds besides its review.
func (c *Cycle) lastBeforeReview() civil.Date {
	n := *c
	n.Review = nil
	return n.lastDate()
}

func (plan *PlanDoc) plans(provisionID string) bool {
	for _, pp := range plan.Provisions {
		if pp.ProvisionID == provisionID {
			return true
		}
	}
	return false
}

// prefixFields names a validation error's fields under prefix.
func prefixFields(prefix string, err error) error {
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	out := &domain.ValidationError{Fields: make(domain.Problems, len(ve.Fields))}
	for i, fe := range ve.Fields {
		fe.Field = prefix + fe.Field
		out.Fields[i] = fe
	}
	return out
}

// human is a value in words, for messages.
func human(v string) string { return strings.ReplaceAll(v, "_", " ") }

// Recorded is entry as it now stands, in the shape of the command that
// records it, under its kind as in a Correct (with no reason): a form to
// correct an entry starts from it. It also gives the entry's cycle, for an
// assessment, plan, session or review. ok is false when nothing that can
// be corrected was recorded at entry.
func (p *Pupil) Recorded(entry int) (c Correct, cycle *Cycle, ok bool) {
	f, ok := p.find(entry)
	if !ok {
		return Correct{}, nil, false
	}
	switch f.kind {
	case EntryAssessment:
		a := f.cycle.Assessment
		c.Assessment = &RecordAssessment{AssessedOn: a.AssessedOn, Summary: a.Summary, NeedAreas: slices.Clone(a.NeedAreas)}
	case EntryPlan:
		pl := f.cycle.Plan
		cmd := &AgreePlan{AgreedOn: pl.AgreedOn, ReviewDueOn: pl.ReviewDueOn, ParentViews: pl.ParentViews, PupilViews: pl.PupilViews}
		for _, o := range pl.Outcomes {
			cmd.Outcomes = append(cmd.Outcomes, OutcomeInput{Description: o.Description, SuccessCriteria: o.SuccessCriteria,
				MeasureID: o.MeasureID, Baseline: o.Baseline, Target: o.Target})
		}
		for _, pr := range pl.Provisions {
			cmd.Provisions = append(cmd.Provisions, ProvisionInput(pr))
		}
		c.Plan = cmd
	case EntrySession:
		s := f.cycle.Sessions[f.session]
		c.Session = &LogSession{ProvisionID: s.ProvisionID, DeliveredOn: s.DeliveredOn, Minutes: s.Minutes, Attended: &s.Attended,
			Readings: slices.Clone(s.Readings)}
	case EntryReview:
		rv := f.cycle.Review
		cmd := &RecordReview{HeldOn: rv.HeldOn, Decision: rv.Decision, ParentViews: rv.ParentViews, PupilViews: rv.PupilViews}
		for _, o := range rv.Outcomes {
			cmd.Outcomes = append(cmd.Outcomes, RatingInput(o))
		}
		c.Review = cmd
	case EntryEHCP:
		r := p.EHCPRecords[f.ehcp]
		c.EHCP = &ehcp.Command{Type: r.Type, On: r.On, RequestedBy: r.RequestedBy, Assess: r.Assess, From: r.From,
			MeetingOn: r.MeetingOn, Outcome: r.Outcome, Milestone: r.Milestone, Reason: r.Reason, LastReviewedOn: r.LastReviewedOn}
	case EntryReferral:
		r := f.referral
		c.Referral = &MakeReferral{Service: r.Service, Provider: r.Provider, Reason: r.Reason, ReferredOn: r.ReferredOn}
	case EntryReferralChange:
		h := f.referral.History[f.change]
		c.ReferralChange = &ChangeReferral{Status: h.Status, On: h.On, Note: h.Note}
	case EntryGrant:
		g := p.Grants[f.grant]
		c.Grant = &GrantAccess{UserID: g.UserID, Until: g.Until}
	case EntryMeeting:
		m := p.Meetings[f.meeting]
		c.Meeting = &RecordMeeting{HeldOn: m.HeldOn, WhoCame: m.WhoCame, Agreed: m.Agreed}
	}
	return c, f.cycle, true
}

// Fact is what c says of an entry of kind: a pointer to the command that
// records it, made when c has none (a form decodes into it); nil for a kind
// that is none of EntryKinds.
func (c *Correct) Fact(kind string) any {
	switch kind {
	case EntryAssessment:
		return made(&c.Assessment)
	case EntryPlan:
		return made(&c.Plan)
	case EntrySession:
		return made(&c.Session)
	case EntryReview:
		return made(&c.Review)
	case EntryEHCP:
		return made(&c.EHCP)
	case EntryReferral:
		return made(&c.Referral)
	case EntryReferralChange:
		return made(&c.ReferralChange)
	case EntryGrant:
		return made(&c.Grant)
	case EntryMeeting:
		return made(&c.Meeting)
	}
	return nil
}

func made[T any](p **T) *T {
	if *p == nil {
		*p = new(T)
	}
	return *p
}
