package pupil

import (
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
)

// RevokeAccess ends an LA reviewer's access to the record today, before
// the date it was granted until (the review is over, or it was granted to
// the wrong person).
type RevokeAccess struct {
	UserID string `json:"user_id" validate:"required,uuid"`
}

// AccessRevoked ends a reviewer's live grants on On: from that day they
// read nothing more of the record.
type AccessRevoked struct {
	UserID string     `json:"user_id"`
	On     civil.Date `json:"on"`
}

func (AccessRevoked) EventType() string        { return "access_revoked" }
func (e AccessRevoked) OccurredOn() civil.Date { return e.On }

func init() { event.Register[AccessRevoked](1) }

// RevokeAccess decides ending a reviewer's access today.
func (p *Pupil) RevokeAccess(cmd RevokeAccess, facts Facts) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	if !p.HasLiveGrant(cmd.UserID, facts.Today) {
		return nil, domain.Conflict("this reviewer has no live access to the record")
	}
	return []event.Data{AccessRevoked{UserID: cmd.UserID, On: facts.Today}}, nil
}

// applyRevocation ends the reviewer's grants the day before On.
func (p *Pupil) applyRevocation(d AccessRevoked) {
	for i, g := range p.Grants {
		if g.UserID == d.UserID && !d.On.After(g.Until) {
			p.Grants[i].Until, p.Grants[i].RevokedOn = d.On.AddDays(-1), d.On
		}
	}
}
