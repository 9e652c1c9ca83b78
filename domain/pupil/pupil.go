// Package pupil is the pupil aggregate: registration, SEN status, and the
// Assess-Plan-Do-Review cycles of the graduated approach (CoP 6.44–6.56).
// Every decision is a pure function of the current state, the command and a
// Facts that carries today's date and what the pupil must know of the trust.
package pupil

import (
	"slices"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/domain/yeargroup"
)

// Stage is where a cycle is in Assess-Plan-Do-Review; review closes it.
type Stage string

const (
	Assess Stage = "assess"
	Plan   Stage = "plan"
	Do     Stage = "do"
	Closed Stage = "closed"
)

// Review decisions.
const (
	DecisionContinue       = "continue"
	DecisionEHCRequest     = "escalate_ehc_request"
	DecisionRefer          = "refer"
	DecisionExitSENSupport = "exit_sen_support"
)

// Decisions are a review's possible decisions, and Ratings how far an
// outcome was met.
var (
	Decisions = domain.Allowed("review_decision", DecisionContinue, DecisionEHCRequest, DecisionRefer, DecisionExitSENSupport)
	Ratings   = domain.Allowed("rating", "not_met", "partly_met", "met", "exceeded")
)

// Pupil is the aggregate state; it is also the body of GET /v1/pupils/{id}.
type Pupil struct {
	ID           string          `json:"id"`
	TrustID      string          `json:"trust_id"`
	SchoolID     string          `json:"school_id"`
	UPN          string          `json:"upn" personal:"true"`
	FirstName    string          `json:"first_name" personal:"true"`
	LastName     string          `json:"last_name" personal:"true"`
	DateOfBirth  civil.Date      `json:"date_of_birth" personal:"true"`
	YearGroup    yeargroup.Group `json:"year_group"`
	RegisteredOn civil.Date      `json:"registered_on"`
	// YearGroupGivenOn is the day a corrected year group was given;
	// YearGroup counts from it, or else from RegisteredOn.
	YearGroupGivenOn civil.Date  `json:"year_group_given_on,omitempty"`
	SENStatus        need.Status `json:"sen_status"`
	PrimaryNeed      string      `json:"primary_need,omitempty"`
	SecondaryNeed    string      `json:"secondary_need,omitempty"`
	OnRoll           bool        `json:"on_roll"`
	LeftOn           civil.Date  `json:"left_on,omitempty"`
	Destination      string      `json:"destination,omitempty" personal:"true"`
	Version          int         `json:"version"`
	// Erasure is set once the pupil's personal data is destroyed: when, by
	// whom and why.
	Erasure *Erasure `json:"erasure,omitempty"`

	Cycles           []*Cycle           `json:"cycles"`
	ActiveProvisions []PlannedProvision `json:"active_provisions"`
	Grants           []Grant            `json:"grants"`
	// Staff are the members of staff who deliver the pupil's provision.
	Staff     []string    `json:"staff,omitempty"`
	Referrals []*Referral `json:"referrals"`
	// EHCPRecords are the recorded events of the EHC process; the statutory
	// clock is worked out from them on demand.
	EHCPRecords []ehcp.Record `json:"-"`
	// History of schools, for scoping reads of a pupil who transferred.
	Schools []SchoolSpell `json:"schools"`
	// ParentMeetings are the meetings with the parents the record shows:
	// each plan agreed and each review held records the parents' views, and
	// each meeting recorded on its own.
	// Kept apart from the cycles, which views prune to the current one.
	ParentMeetings []ParentMeeting `json:"parent_meetings,omitempty"`
	// Meetings are the meetings with the parents recorded on their own
	// (RecordMeeting), with who came and what was agreed.
	Meetings []Meeting `json:"meetings,omitempty"`
	// AboutMe is the pupil's one-page profile, as last written.
	AboutMe *AboutMe `json:"about_me,omitempty"`
	// Documents attached to the record, oldest first.
	Documents []Document `json:"documents,omitempty"`
	// Parents are the parents' accounts linked to the pupil; ParentsViews
	// their views in their own words and MeetingRequests their requests,
	// oldest first.
	Parents         []ParentLink     `json:"parents,omitempty"`
	ParentsViews    []ParentView     `json:"parents_views,omitempty"`
	MeetingRequests []MeetingRequest `json:"meeting_requests,omitempty"`
	// Professionals are the outside professionals asked for advice or a
	// report, oldest first.
	Professionals []ProfessionalRequest `json:"professionals,omitempty"`
}

// ParentMeeting is a meeting with the parents, and the entry that
// recorded it (a correction moves it, a void removes it).
type ParentMeeting struct {
	Entry int        `json:"entry"`
	On    civil.Date `json:"on"`
}

// SchoolSpell is a period on one school's roll.
type SchoolSpell struct {
	SchoolID string     `json:"school_id"`
	From     civil.Date `json:"from"`
	To       civil.Date `json:"to,omitempty"`
}

// Cycle is one Assess-Plan-Do-Review cycle.
type Cycle struct {
	ID         string      `json:"id"`
	Stage      Stage       `json:"stage"`
	OpenedOn   civil.Date  `json:"opened_on"`
	Assessment *Assessment `json:"assessment"`
	Plan       *PlanDoc    `json:"plan"`
	Sessions   []Session   `json:"sessions"`
	Review     *ReviewDoc  `json:"review"`
	// ClosedOn is set on a cycle closed without a review, when the pupil
	// no longer has SEN (ChangeStatus with CloseCycle).
	ClosedOn civil.Date `json:"closed_on,omitempty"`

	// Delivered and Readings are what the sessions say of delivery and
	// progress, kept apart in a compact form: views drop Sessions (they are
	// most of a pupil's events) and keep these, so that delivery and impact
	// are worked out by one rule (Delivery, Progress) from either. Derived
	// by Apply; events never carry them.
	Delivered []Delivered `json:"-"`
	// DeliveredOf are the provisions Delivered names, by index.
	DeliveredOf []string  `json:"-"`
	Readings    []Reading `json:"-"`
}

// Delivered is one session, compactly: 12 bytes, against some 150 for a
// Session, since a trust's views hold millions.
type Delivered struct {
	Entry   int32
	On      civil.Date
	Minutes int16
	// Of is the index of the session's provision in Cycle.DeliveredOf.
	Of       uint8
	Attended bool
}

// Reading is a reading of an outcome's measure that a session recorded.
type Reading struct {
	Entry     int        `json:"entry"`
	OutcomeID string     `json:"outcome_id"`
	On        civil.Date `json:"on"`
	Value     float64    `json:"value"`
}

// OutcomeReading is a reading as a session records it.
type OutcomeReading struct {
	OutcomeID string   `json:"outcome_id" validate:"required"`
	Value     *float64 `json:"value" validate:"required"`
}

// delivered puts session s (recorded as entry) into c's compact records,
// in place of what that entry said before (a correction); a nil s only
// removes it (a void).
func (c *Cycle) delivered(entry int, s *Session) {
	c.Delivered = slices.DeleteFunc(slices.Clone(c.Delivered), func(d Delivered) bool { return int(d.Entry) == entry })
	c.Readings = slices.DeleteFunc(slices.Clone(c.Readings), func(r Reading) bool { return r.Entry == entry })
	if s != nil {
		c.logDelivered(entry, s)
	}
}

// logDelivered adds session s (a new entry) to c's compact records. It
// appends in place, as Sessions does: sessions are most of a pupil's
// events, and copying the records on each would make a rebuild quadratic.
func (c *Cycle) logDelivered(entry int, s *Session) {
	of := slices.Index(c.DeliveredOf, s.ProvisionID)
	if of < 0 {
		of = len(c.DeliveredOf)
		c.DeliveredOf = append(slices.Clip(c.DeliveredOf), s.ProvisionID)
	}
	c.Delivered = append(c.Delivered, Delivered{Entry: int32(entry), On: s.DeliveredOn, Minutes: int16(s.Minutes), Of: uint8(of), Attended: s.Attended})
	for _, r := range s.Readings {
		c.Readings = append(c.Readings, Reading{Entry: entry, OutcomeID: r.OutcomeID, On: s.DeliveredOn, Value: *r.Value})
	}
}

// Assessment is the Assess stage's record.
type Assessment struct {
	// Entry is the version of the event that recorded it: what a
	// correction or a void names.
	Entry      int         `json:"entry,omitempty"`
	AssessedOn civil.Date  `json:"assessed_on"`
	Summary    string      `json:"summary" personal:"true"`
	NeedAreas  []need.Area `json:"need_areas"`
}

// Outcome is what the plan aims for: in words, and, when it names one of
// the trust's measures, from a baseline to a target.
type Outcome struct {
	ID              string   `json:"id"`
	Description     string   `json:"description" personal:"true"`
	SuccessCriteria string   `json:"success_criteria" personal:"true"`
	MeasureID       string   `json:"measure_id,omitempty"`
	Baseline        *float64 `json:"baseline,omitempty"`
	Target          *float64 `json:"target,omitempty"`
}

// PlannedProvision is a catalogue provision as the plan sets it up.
type PlannedProvision struct {
	ProvisionID       string `json:"provision_id"`
	SessionsPerWeek   int    `json:"sessions_per_week"`
	MinutesPerSession int    `json:"minutes_per_session"`
	GroupSize         int    `json:"group_size"`
}

// PlanDoc is the Plan stage's record.
type PlanDoc struct {
	// Entry is the version of the event that recorded it: what a
	// correction or a void names.
	Entry       int                `json:"entry,omitempty"`
	AgreedOn    civil.Date         `json:"agreed_on"`
	ReviewDueOn civil.Date         `json:"review_due_on"`
	Outcomes    []Outcome          `json:"outcomes"`
	Provisions  []PlannedProvision `json:"provisions"`
	ParentViews string             `json:"parent_views" personal:"true"`
	PupilViews  string             `json:"pupil_views" personal:"true"`
}

// Session is one delivered session of a provision.
type Session struct {
	// Entry is the version of the event that recorded it: what a
	// correction or a void names.
	Entry       int        `json:"entry,omitempty"`
	ID          string     `json:"id"`
	ProvisionID string     `json:"provision_id"`
	DeliveredOn civil.Date `json:"delivered_on"`
	Minutes     int        `json:"minutes"`
	Attended    bool       `json:"attended"`
	// Readings of outcomes' measures taken in the session.
	Readings []OutcomeReading `json:"readings,omitempty"`
}

// Rating is an outcome's rating at review, and the reading of its measure
// then (the exit reading), when it has one.
type Rating struct {
	OutcomeID string   `json:"outcome_id"`
	Rating    string   `json:"rating"`
	Reading   *float64 `json:"reading,omitempty"`
}

// ReviewDoc is the Review stage's record.
type ReviewDoc struct {
	// Entry is the version of the event that recorded it: what a
	// correction or a void names.
	Entry       int        `json:"entry,omitempty"`
	HeldOn      civil.Date `json:"held_on"`
	Outcomes    []Rating   `json:"outcomes"`
	Decision    string     `json:"decision"`
	ParentViews string     `json:"parent_views" personal:"true"`
	PupilViews  string     `json:"pupil_views" personal:"true"`
}

// Grant gives an LA reviewer read access until a date.
type Grant struct {
	// Entry is the version of the event that recorded it: what a
	// correction or a void names.
	Entry     int        `json:"entry,omitempty"`
	UserID    string     `json:"user_id"`
	GrantedOn civil.Date `json:"granted_on"`
	Until     civil.Date `json:"until"`
	// RevokedOn is set when the access was ended early (Until is then the day before).
	RevokedOn civil.Date `json:"revoked_on,omitempty"`
}

// Facts is what a decision is given besides the state and the command.
type Facts struct {
	Today civil.Date
	// NewID mints ids for parts of the aggregate (cycles, outcomes, sessions).
	NewID func() string
	// Provision looks up the trust's catalogue.
	Provision func(id string) (trust.Provision, bool)
	// Measure looks up the trust's measures.
	Measure func(id string) (trust.Measure, bool)
	// SchoolTrust returns the trust of a school.
	SchoolTrust func(schoolID string) (string, bool)
	// User looks up a user (for grants).
	User func(id string) (user.User, bool)
}

// Exists reports whether the pupil has been registered (an abandoned
// registration leaves a version but no pupil).
func (p *Pupil) Exists() bool { return p.ID != "" }

// CurrentCycle returns the open cycle, or nil.
func (p *Pupil) CurrentCycle() *Cycle {
	if n := len(p.Cycles); n > 0 && p.Cycles[n-1].Stage != Closed {
		return p.Cycles[n-1]
	}
	return nil
}

// Cycle returns the cycle with id, or nil.
func (p *Pupil) Cycle(id string) *Cycle {
	for _, c := range p.Cycles {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// CurrentYearGroup is the pupil's year group on date on.
func (p *Pupil) CurrentYearGroup(on civil.Date) yeargroup.Group {
	given := p.RegisteredOn
	if p.YearGroupGivenOn.Valid() {
		given = p.YearGroupGivenOn
	}
	g, err := yeargroup.On(p.YearGroup, given, on)
	if err != nil {
		return p.YearGroup
	}
	return g
}

// HasLiveGrant reports whether user id may read the pupil on date on.
func (p *Pupil) HasLiveGrant(userID string, on civil.Date) bool {
	for _, g := range p.Grants {
		if g.UserID == userID && !on.After(g.Until) {
			return true
		}
	}
	return false
}

// WasAtSchool reports whether the pupil is or was on the roll of school id.
func (p *Pupil) WasAtSchool(id string) bool {
	for _, s := range p.Schools {
		if s.SchoolID == id {
			return true
		}
	}
	return false
}

// ReviewOverdue reports whether the open cycle is in Do with its review due
// before asOf, and by how many days.
func (p *Pupil) ReviewOverdue(asOf civil.Date) (bool, int) {
	c := p.CurrentCycle()
	if c == nil || c.Stage != Do || !c.Plan.ReviewDueOn.Before(asOf) {
		return false, 0
	}
	return true, c.Plan.ReviewDueOn.DaysUntil(asOf)
}

// lastDate is the latest date recorded in cycle c, which the next record
// of the cycle may not precede.
func (c *Cycle) lastDate() civil.Date {
	d := c.OpenedOn
	if c.Assessment != nil {
		d = civil.Max(d, c.Assessment.AssessedOn)
	}
	if c.Plan != nil {
		d = civil.Max(d, c.Plan.AgreedOn)
	}
	for _, s := range c.Sessions {
		d = civil.Max(d, s.DeliveredOn)
	}
	if c.Review != nil {
		d = civil.Max(d, c.Review.HeldOn)
	}
	return d
}
