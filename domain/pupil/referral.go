package pupil

import (
	"slices"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
)

// Referral statuses.
const (
	ReferralMade           = "made"
	ReferralAccepted       = "accepted"
	ReferralDeclined       = "declined"
	ReferralSeen           = "seen"
	ReferralReportReceived = "report_received"
	ReferralClosed         = "closed"
)

// Services are the outside services a pupil can be referred to, Providers
// who runs them, and ReferralChanges the statuses a referral can move to.
var (
	Services = domain.Allowed("referral_service", "educational_psychology", "speech_language_therapy", "occupational_therapy",
		"camhs", "specialist_teacher", "paediatrics", "social_care", "early_help", "other")
	Providers       = domain.Allowed("referral_provider", "local_authority", "nhs", "trust", "private", "other")
	ReferralChanges = domain.Allowed("referral_status", ReferralAccepted, ReferralDeclined, ReferralSeen, ReferralReportReceived, ReferralClosed)
)

// referralOrder is the lifecycle: made → accepted → seen → report_received
// → closed. A referral only moves forward, and may skip steps the school
// never hears of (a service that sees the pupil without saying it had
// accepted, a report that arrives without word of the appointment), or be
// closed early (the pupil left, the need resolved). It may be declined
// while made or accepted. Declined and closed are final.
var referralOrder = []string{ReferralMade, ReferralAccepted, ReferralSeen, ReferralReportReceived, ReferralClosed}

// referralMayBecome reports whether a referral that is from may become to.
func referralMayBecome(from, to string) bool {
	if to == ReferralDeclined {
		return from == ReferralMade || from == ReferralAccepted
	}
	f, t := slices.Index(referralOrder, from), slices.Index(referralOrder, to)
	return f >= 0 && t > f
}

// Referral is a referral to a service outside the school.
type Referral struct {
	// Entry is the version of the event that recorded it: what a
	// correction or a void names.
	Entry            int             `json:"entry,omitempty"`
	ID               string          `json:"id"`
	Service          string          `json:"service"`
	Provider         string          `json:"provider"`
	Reason           string          `json:"reason" personal:"true"`
	Status           string          `json:"status"`
	ReferredOn       civil.Date      `json:"referred_on"`
	AcceptedOn       civil.Date      `json:"accepted_on,omitempty"`
	DeclinedOn       civil.Date      `json:"declined_on,omitempty"`
	SeenOn           civil.Date      `json:"seen_on,omitempty"`
	ReportReceivedOn civil.Date      `json:"report_received_on,omitempty"`
	ClosedOn         civil.Date      `json:"closed_on,omitempty"`
	History          []ReferralEntry `json:"history"`
}

// ReferralEntry is one change of a referral's status.
type ReferralEntry struct {
	// Entry is the version of the event that recorded it: what a
	// correction or a void names.
	Entry  int        `json:"entry,omitempty"`
	Status string     `json:"status"`
	On     civil.Date `json:"on"`
	Note   string     `json:"note,omitempty" personal:"true"`
}

// Open reports whether the referral is neither declined nor closed.
func (r *Referral) Open() bool { return r.Status != ReferralDeclined && r.Status != ReferralClosed }

// WaitDays is the days from referral to being seen, or to asOf while not
// yet seen (to the day it was declined or closed, if it never was).
func (r *Referral) WaitDays(asOf civil.Date) int {
	end := asOf
	switch {
	case r.SeenOn.Valid():
		end = r.SeenOn
	case r.DeclinedOn.Valid():
		end = civil.Min(end, r.DeclinedOn)
	case r.ClosedOn.Valid():
		end = civil.Min(end, r.ClosedOn)
	}
	if end.Before(r.ReferredOn) {
		return 0
	}
	return r.ReferredOn.DaysUntil(end)
}

func (r *Referral) lastOn() civil.Date { return r.History[len(r.History)-1].On }

// Referral returns the pupil's referral id, or nil.
func (p *Pupil) Referral(id string) *Referral {
	for _, r := range p.Referrals {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Referral events.
type (
	ReferralMadeEvent struct {
		Referral Referral `json:"referral"`
	}
	ReferralStatusChanged struct {
		ReferralID string        `json:"referral_id"`
		Entry      ReferralEntry `json:"entry"`
	}
)

func (ReferralMadeEvent) EventType() string        { return "referral_made" }
func (ReferralStatusChanged) EventType() string    { return "referral_status_changed" }
func (e ReferralMadeEvent) OccurredOn() civil.Date { return e.Referral.ReferredOn }
func (e ReferralStatusChanged) OccurredOn() civil.Date {
	return e.Entry.On
}

func init() {
	event.Register[ReferralMadeEvent](1)
	event.Register[ReferralStatusChanged](1)
}

func (p *Pupil) applyReferral(e event.Event) {
	switch d := e.Data.(type) {
	case ReferralMadeEvent:
		r := d.Referral
		// Its own history: appending must never write into the event's,
		// which views of past dates fold again.
		r.History = slices.Clone(r.History)
		r.Entry = e.Version
		if len(r.History) > 0 {
			r.History[0].Entry = e.Version
		}
		p.Referrals = append(p.Referrals, &r)
	case ReferralStatusChanged:
		r := p.Referral(d.ReferralID)
		if r == nil {
			return
		}
		entry := d.Entry
		entry.Entry = e.Version
		r.History = append(r.History, entry)
		r.follow(entry)
	}
}

// follow sets the referral's status, and the date of that status, from
// one entry of its history.
func (r *Referral) follow(h ReferralEntry) {
	r.Status = h.Status
	switch h.Status {
	case ReferralMade:
		r.ReferredOn = h.On
	case ReferralAccepted:
		r.AcceptedOn = h.On
	case ReferralDeclined:
		r.DeclinedOn = h.On
	case ReferralSeen:
		r.SeenOn = h.On
	case ReferralReportReceived:
		r.ReportReceivedOn = h.On
	case ReferralClosed:
		r.ClosedOn = h.On
	}
}

// Referral commands.
type (
	MakeReferral struct {
		Service    string     `json:"service" validate:"required,allowed=referral_service"`
		Provider   string     `json:"provider" validate:"required,allowed=referral_provider"`
		Reason     string     `json:"reason" validate:"notblank,max=2000"`
		ReferredOn civil.Date `json:"referred_on" validate:"required,date,happened"`
	}
	ChangeReferral struct {
		Status string     `json:"status" validate:"required,allowed=referral_status"`
		On     civil.Date `json:"on" validate:"required,date,happened"`
		Note   string     `json:"note" validate:"max=2000"`
	}
)

// MakeReferral decides a new referral.
func (p *Pupil) MakeReferral(cmd MakeReferral, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	if err := p.onRoll(); err != nil {
		return nil, err
	}
	if cmd.ReferredOn.Before(p.DateOfBirth) {
		return nil, domain.Invalid("referred_on", "must not be before the date of birth")
	}
	r := Referral{ID: facts.NewID(), Service: cmd.Service, Provider: cmd.Provider, Reason: cmd.Reason,
		Status: ReferralMade, ReferredOn: cmd.ReferredOn,
		History: []ReferralEntry{{Status: ReferralMade, On: cmd.ReferredOn}}}
	return []event.Data{ReferralMadeEvent{Referral: r}}, nil
}

// ChangeReferral decides a referral's next status; dates never go backwards.
func (p *Pupil) ChangeReferral(id string, cmd ChangeReferral, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	if !p.Exists() {
		return nil, domain.NotFound("pupil")
	}
	r := p.Referral(id)
	if r == nil {
		return nil, domain.NotFound("referral %s", id)
	}
	if !referralMayBecome(r.Status, cmd.Status) {
		return nil, domain.Conflict("a referral that is %s cannot become %s", r.Status, cmd.Status)
	}
	if last := r.lastOn(); cmd.On.Before(last) {
		return nil, domain.Invalid("on", "must not be before the referral's last change (%s)", last)
	}
	return []event.Data{ReferralStatusChanged{ReferralID: id, Entry: ReferralEntry{Status: cmd.Status, On: cmd.On, Note: cmd.Note}}}, nil
}
