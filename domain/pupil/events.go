package pupil

import (
	"slices"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/yeargroup"
)

// Events of the pupil aggregate. Type names are stable: they are stored.
type (
	Registered struct {
		PupilID       string          `json:"pupil_id"`
		TrustID       string          `json:"trust_id"`
		SchoolID      string          `json:"school_id"`
		UPN           string          `json:"upn" personal:"true"`
		FirstName     string          `json:"first_name" personal:"true"`
		LastName      string          `json:"last_name" personal:"true"`
		DateOfBirth   civil.Date      `json:"date_of_birth" personal:"true"`
		YearGroup     yeargroup.Group `json:"year_group"`
		SENStatus     need.Status     `json:"sen_status"`
		PrimaryNeed   string          `json:"primary_need,omitempty"`
		SecondaryNeed string          `json:"secondary_need,omitempty"`
		On            civil.Date      `json:"on"`
	}
	StatusChanged struct {
		SENStatus     need.Status `json:"sen_status"`
		PrimaryNeed   string      `json:"primary_need,omitempty"`
		SecondaryNeed string      `json:"secondary_need,omitempty"`
		On            civil.Date  `json:"on"`
		// ClosesCycle is the open cycle the change closed, unreviewed,
		// ending its provisions.
		ClosesCycle string `json:"closes_cycle,omitempty"`
	}
	CycleOpened struct {
		CycleID  string     `json:"cycle_id"`
		OpenedOn civil.Date `json:"opened_on"`
	}
	AssessmentRecorded struct {
		CycleID    string     `json:"cycle_id"`
		Assessment Assessment `json:"assessment"`
	}
	PlanAgreed struct {
		CycleID string  `json:"cycle_id"`
		Plan    PlanDoc `json:"plan"`
	}
	SessionLogged struct {
		CycleID string  `json:"cycle_id"`
		Session Session `json:"session"`
	}
	CycleReviewed struct {
		CycleID string    `json:"cycle_id"`
		Review  ReviewDoc `json:"review"`
	}
	Transferred struct {
		FromSchoolID string     `json:"from_school_id"`
		ToSchoolID   string     `json:"to_school_id"`
		On           civil.Date `json:"on"`
	}
	Left struct {
		On          civil.Date `json:"on"`
		Destination string     `json:"destination,omitempty" personal:"true"`
	}
	AccessGranted struct {
		Grant Grant `json:"grant"`
	}
	// RegistrationAbandoned closes the subject of a registration that claimed
	// a UPN but never landed (a crash between the two writes), so that the
	// late write can no longer land and the UPN can be claimed again.
	RegistrationAbandoned struct {
		On civil.Date `json:"on"`
	}
)

func (Registered) EventType() string            { return "pupil_registered" }
func (StatusChanged) EventType() string         { return "sen_status_changed" }
func (CycleOpened) EventType() string           { return "cycle_opened" }
func (AssessmentRecorded) EventType() string    { return "assessment_recorded" }
func (PlanAgreed) EventType() string            { return "plan_agreed" }
func (SessionLogged) EventType() string         { return "session_logged" }
func (CycleReviewed) EventType() string         { return "cycle_reviewed" }
func (Transferred) EventType() string           { return "pupil_transferred" }
func (Left) EventType() string                  { return "pupil_left" }
func (AccessGranted) EventType() string         { return "access_granted" }
func (RegistrationAbandoned) EventType() string { return "pupil_registration_abandoned" }

func (e Registered) OccurredOn() civil.Date            { return e.On }
func (e StatusChanged) OccurredOn() civil.Date         { return e.On }
func (e CycleOpened) OccurredOn() civil.Date           { return e.OpenedOn }
func (e AssessmentRecorded) OccurredOn() civil.Date    { return e.Assessment.AssessedOn }
func (e PlanAgreed) OccurredOn() civil.Date            { return e.Plan.AgreedOn }
func (e SessionLogged) OccurredOn() civil.Date         { return e.Session.DeliveredOn }
func (e CycleReviewed) OccurredOn() civil.Date         { return e.Review.HeldOn }
func (e Transferred) OccurredOn() civil.Date           { return e.On }
func (e Left) OccurredOn() civil.Date                  { return e.On }
func (e AccessGranted) OccurredOn() civil.Date         { return e.Grant.GrantedOn }
func (e RegistrationAbandoned) OccurredOn() civil.Date { return e.On }

func init() {
	event.Register[Registered](1)
	event.Register[StatusChanged](1)
	event.Register[CycleOpened](1)
	event.Register[AssessmentRecorded](1)
	event.Register[PlanAgreed](1)
	event.Register[SessionLogged](1)
	event.Register[CycleReviewed](1)
	event.Register[Transferred](1)
	event.Register[Left](1)
	event.Register[AccessGranted](1)
	event.Register[RegistrationAbandoned](1)
}

// Apply evolves the pupil by one event. It trusts the event: decisions have
// already checked it, and stored history is never refused.
func (p *Pupil) Apply(e event.Event) {
	p.Version = e.Version
	switch d := e.Data.(type) {
	case Registered:
		p.ID, p.TrustID, p.SchoolID, p.UPN = d.PupilID, d.TrustID, d.SchoolID, d.UPN
		p.FirstName, p.LastName, p.DateOfBirth, p.YearGroup = d.FirstName, d.LastName, d.DateOfBirth, d.YearGroup
		p.SENStatus, p.PrimaryNeed, p.SecondaryNeed = d.SENStatus, d.PrimaryNeed, d.SecondaryNeed
		p.RegisteredOn, p.OnRoll = d.On, true
		p.Cycles, p.ActiveProvisions, p.Grants, p.Referrals = []*Cycle{}, []PlannedProvision{}, []Grant{}, []*Referral{}
		p.Schools = []SchoolSpell{{SchoolID: d.SchoolID, From: d.On}}
	case StatusChanged:
		p.SENStatus, p.PrimaryNeed, p.SecondaryNeed = d.SENStatus, d.PrimaryNeed, d.SecondaryNeed
		if c := p.Cycle(d.ClosesCycle); c != nil {
			c.Stage, c.ClosedOn = Closed, d.On
			p.ActiveProvisions = []PlannedProvision{}
		}
	case CycleOpened:
		p.Cycles = append(p.Cycles, &Cycle{ID: d.CycleID, Stage: Assess, OpenedOn: d.OpenedOn, Sessions: []Session{}})
	case AssessmentRecorded:
		if c := p.Cycle(d.CycleID); c != nil {
			a := d.Assessment
			a.Entry = e.Version
			c.Assessment, c.Stage = &a, Plan
		}
	case PlanAgreed:
		if c := p.Cycle(d.CycleID); c != nil {
			plan := d.Plan
			plan.Entry = e.Version
			c.Plan, c.Stage = &plan, Do
			p.ParentMeetings = append(slices.Clip(p.ParentMeetings), ParentMeeting{Entry: e.Version, On: plan.AgreedOn})
			// A plan replaces the list of active provisions.
			p.ActiveProvisions = append([]PlannedProvision{}, plan.Provisions...)
		}
	case SessionLogged:
		if c := p.Cycle(d.CycleID); c != nil {
			s := d.Session
			s.Entry = e.Version
			c.Sessions = append(c.Sessions, s)
			c.logDelivered(e.Version, &s)
		}
	case CycleReviewed:
		if c := p.Cycle(d.CycleID); c != nil {
			r := d.Review
			r.Entry = e.Version
			c.Review, c.Stage = &r, Closed
			p.ParentMeetings = append(slices.Clip(p.ParentMeetings), ParentMeeting{Entry: e.Version, On: r.HeldOn})
			if r.Decision == DecisionExitSENSupport {
				p.ActiveProvisions = []PlannedProvision{}
			}
		}
	case Transferred:
		if n := len(p.Schools); n > 0 {
			p.Schools[n-1].To = d.On
		}
		p.Schools = append(p.Schools, SchoolSpell{SchoolID: d.ToSchoolID, From: d.On})
		p.SchoolID = d.ToSchoolID
		p.Staff = nil // the old school's staff no longer deliver
	case Left:
		p.OnRoll, p.LeftOn, p.Destination = false, d.On, d.Destination
		p.ActiveProvisions = []PlannedProvision{}
		p.Staff = nil
		if n := len(p.Schools); n > 0 {
			p.Schools[n-1].To = d.On
		}
	case AccessGranted:
		g := d.Grant
		g.Entry = e.Version
		p.Grants = append(p.Grants, g)
	case AccessRevoked:
		p.applyRevocation(d)
	case StaffAssigned:
		p.Staff = append(slices.Clip(p.Staff), d.UserID)
	case StaffUnassigned:
		p.Staff = slices.DeleteFunc(slices.Clone(p.Staff), func(id string) bool { return id == d.UserID })
	case EHCPRecorded:
		r := d.Record
		r.Entry = e.Version
		p.EHCPRecords = append(p.EHCPRecords, r)
	case MeetingRecorded:
		m := d.Meeting
		m.Entry = e.Version
		p.Meetings = append(slices.Clip(p.Meetings), m)
		p.ParentMeetings = append(slices.Clip(p.ParentMeetings), ParentMeeting{Entry: e.Version, On: m.HeldOn})
	case ParentLinked:
		l := d.Link
		l.Entry = e.Version
		p.Parents = append(slices.Clip(p.Parents), l)
	case ParentViewsGiven:
		v := d.View
		v.Entry = e.Version
		p.ParentsViews = append(slices.Clip(p.ParentsViews), v)
	case MeetingAsked:
		m := d.Request
		m.Entry = e.Version
		p.MeetingRequests = append(slices.Clip(p.MeetingRequests), m)
	case DocumentAdded:
		doc := d.Document
		doc.Entry = e.Version
		p.Documents = append(slices.Clip(p.Documents), doc)
	case ProfessionalInvited:
		r := d.Request
		r.Entry = e.Version
		p.Professionals = append(slices.Clip(p.Professionals), r)
	case ProfessionalAnswered:
		p.applyAnswer(d)
	case AboutMeWritten:
		a := d.AboutMe
		a.Entry = e.Version
		p.AboutMe = &a
	case EntryCorrected:
		p.applyCorrection(d)
	case EntryVoided:
		p.applyVoid(d)
	case DetailsCorrected:
		p.applyDetails(d)
	case Readmitted:
		p.applyReadmission(d)
	case ReferralMadeEvent, ReferralStatusChanged:
		p.applyReferral(e)
	case Erased:
		p.applyErasure(e)
	}
	if e.Shredded && p.Erasure == nil {
		p.applyErasure(e)
	}
}
