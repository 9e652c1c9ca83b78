package user

import (
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
)

// Reminders are the emails a person has chosen to have. Which apply depends
// on the role: a SENCO has the weekly digest and the deadline alerts of
// their schools' pupils, a trust lead the weekly trust summary.
type Reminders struct {
	// Digest is the weekly list of what is overdue and due in the coming
	// week (SENCOs).
	Digest bool `json:"digest"`
	// Alerts are sent the day a statutory deadline is 5 school days away
	// and the day after it was missed (SENCOs).
	Alerts bool `json:"alerts"`
	// TrustSummary is the weekly count of each school's deadlines (trust
	// leads).
	TrustSummary bool `json:"trust_summary"`
}

// DefaultReminders are what a person has before choosing: every email
// their role has. Deadlines are the point of the service, and each email
// says how to stop it with one link.
var DefaultReminders = Reminders{Digest: true, Alerts: true, TrustSummary: true}

// NoReminders is what unsubscribing chooses.
var NoReminders = Reminders{}

// ChosenReminders are the emails the user has now: their choice (or the
// defaults) of those their role is offered; none for a deactivated user.
func (u *User) ChosenReminders() Reminders {
	if u.Deactivated {
		return NoReminders
	}
	if u.Reminders == nil {
		return DefaultReminders.And(u.Role.Offered())
	}
	return u.Reminders.And(u.Role.Offered())
}

// And is the reminders both r and o have.
func (r Reminders) And(o Reminders) Reminders {
	return Reminders{Digest: r.Digest && o.Digest, Alerts: r.Alerts && o.Alerts, TrustSummary: r.TrustSummary && o.TrustSummary}
}

// Offered reports which reminders role has at all.
func (r Role) Offered() Reminders {
	switch r {
	case SENCO:
		return Reminders{Digest: true, Alerts: true}
	case TrustLead:
		return Reminders{TrustSummary: true}
	}
	return NoReminders
}

// RemindersChosen records the emails the user chose (or stopped with an
// unsubscribe link).
type RemindersChosen struct {
	Reminders Reminders  `json:"reminders"`
	On        civil.Date `json:"on"`
}

func (RemindersChosen) EventType() string        { return "user_reminders_chosen" }
func (e RemindersChosen) OccurredOn() civil.Date { return e.On }

// ChooseReminders decides the user's choice of emails (what their role is
// not offered stays off); the same choice again records nothing.
func (u *User) ChooseReminders(r Reminders, today civil.Date) ([]event.Data, error) {
	if !u.Exists() {
		return nil, domain.NotFound("user")
	}
	r = r.And(u.Role.Offered())
	if u.Reminders != nil && *u.Reminders == r {
		return nil, nil
	}
	return []event.Data{RemindersChosen{Reminders: r, On: today}}, nil
}
