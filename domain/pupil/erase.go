package pupil

import (
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/event"
)

// Erase is the body of POST /v1/pupils/{id}/erase. The reason is kept in
// the clear with the erasure, so that the audit trail can say why: it must
// not name the child or the family.
type Erase struct {
	Reason string `json:"reason" validate:"notblank,max=500"`
	// BeforeRetention says the erasure is meant although the record is
	// still within its retention period (RetainUntil); the reason then says
	// why, and both stay in the audit trail.
	BeforeRetention bool `json:"before_retention"`
}

// Erased records that the pupil's personal data was destroyed. The events
// before it stay, with their personal fields unreadable.
type Erased struct {
	On     civil.Date `json:"on"`
	Reason string     `json:"reason"`
	// BeforeRetention: erased before the retention period ended.
	BeforeRetention bool `json:"before_retention,omitempty"`
}

func (Erased) EventType() string        { return "pupil_erased" }
func (Erased) ErasesPersonalData()      {}
func (e Erased) OccurredOn() civil.Date { return e.On }

func init() { event.Register[Erased](1) }

// Erasure says when, by whom and why a pupil's personal data was erased.
type Erasure struct {
	On     civil.Date  `json:"on,omitempty"`
	By     event.Actor `json:"by"`
	Reason string      `json:"reason"`
	// KeyLost means the personal data could not be read because its key is
	// missing, and no erasure was recorded: it reads as erased all the same.
	KeyLost bool `json:"key_lost,omitempty"`
}

// KeyLostReason is the reason given for an erasure nobody recorded.
const KeyLostReason = "the key of this pupil's personal data is missing"

// Erase decides destroying the pupil's personal data. Only a pupil off roll
// can be erased (the SEN record is destroyed at the end of its retention,
// years after the pupil left); erasing an erased pupil again decides
// nothing, so that the key can be destroyed on a retry.
func (p *Pupil) Erase(cmd Erase, facts Facts) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	if p.Erasure != nil && !p.Erasure.KeyLost {
		return nil, nil
	}
	if p.OnRoll && p.Erasure == nil {
		return nil, domain.Conflict("the pupil is on roll; record their leaving before erasing the record")
	}
	early := p.Erasure == nil && !facts.Today.After(p.RetainUntil())
	if early && !cmd.BeforeRetention {
		return nil, domain.Invalid("before_retention", "the record is kept until %s; to erase it sooner, confirm it and give the reason", p.RetainUntil())
	}
	return []event.Data{Erased{On: facts.Today, Reason: cmd.Reason, BeforeRetention: early}}, nil
}

// RetainUntil is the last day the pupil's SEN record is kept (the IRMS
// toolkit's schedule, docs/data-protection.md): date of birth plus 25
// years, or plus 31 where an EHC plan was made, as local authorities keep
// them.
func (p *Pupil) RetainUntil() civil.Date {
	years := 25
	for _, r := range p.EHCPRecords {
		if r.Type == ehcp.FinalIssued {
			years = 31
		}
	}
	return p.DateOfBirth.AddMonths(12 * years)
}

// ErasedError refuses a command on an erased pupil.
func (p *Pupil) ErasedError() error {
	if p.Erasure == nil {
		return nil
	}
	if p.Erasure.KeyLost {
		return domain.Conflict("the pupil's personal data cannot be read (its key is missing); the record is closed")
	}
	return domain.Conflict("the pupil's personal data was erased on %s; the record is closed", p.Erasure.On)
}

// applyErasure blanks the state's personal data.
func (p *Pupil) applyErasure(e event.Event) {
	if d, ok := e.Data.(Erased); ok {
		p.Erasure = &Erasure{On: d.On, By: e.Actor, Reason: d.Reason}
	} else if p.Erasure == nil {
		p.Erasure = &Erasure{Reason: KeyLostReason, KeyLost: true}
	}
	event.Blank(p)
}
