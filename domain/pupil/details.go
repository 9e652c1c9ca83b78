package pupil

import (
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/upn"
	"github.com/sendcase/sendcase/domain/yeargroup"
)

// CorrectDetails is the body of a correction of who the pupil is: every
// field as it should read (a form sends them all), and why. The year group
// is the pupil's year group today. A new UPN must be free in the trust,
// which the event store enforces; replacing a temporary UPN by the
// permanent one is such a correction.
type CorrectDetails struct {
	Reason      string          `json:"reason" validate:"notblank,max=2000"`
	UPN         string          `json:"upn" validate:"required,upn"`
	FirstName   string          `json:"first_name" validate:"notblank,max=100"`
	LastName    string          `json:"last_name" validate:"notblank,max=100"`
	DateOfBirth civil.Date      `json:"date_of_birth" validate:"required,date,happened"`
	YearGroup   yeargroup.Group `json:"year_group" validate:"required,yeargroup"`
}

// Readmit is the body of a re-admission: a pupil who left comes back on
// the roll of a school of the trust, with the same UPN and record.
type Readmit struct {
	SchoolID string     `json:"school_id" validate:"required,uuid"`
	On       civil.Date `json:"on" validate:"required,date,happened"`
}

// Events of corrections to who the pupil is, and of re-admission.
type (
	DetailsCorrected struct {
		Reason      string          `json:"reason" personal:"true"`
		UPN         string          `json:"upn" personal:"true"`
		FirstName   string          `json:"first_name" personal:"true"`
		LastName    string          `json:"last_name" personal:"true"`
		DateOfBirth civil.Date      `json:"date_of_birth" personal:"true"`
		YearGroup   yeargroup.Group `json:"year_group"`
		// On is the day of the correction, from which YearGroup counts.
		On civil.Date `json:"on"`
	}
	Readmitted struct {
		SchoolID string     `json:"school_id"`
		On       civil.Date `json:"on"`
	}
)

func (DetailsCorrected) EventType() string        { return "pupil_details_corrected" }
func (Readmitted) EventType() string              { return "pupil_readmitted" }
func (e DetailsCorrected) OccurredOn() civil.Date { return e.On }
func (e Readmitted) OccurredOn() civil.Date       { return e.On }

func init() {
	event.Register[DetailsCorrected](1)
	event.Register[Readmitted](1)
}

// CorrectDetails decides correcting the pupil's name, date of birth, UPN or
// year group; nothing to change records nothing.
func (p *Pupil) CorrectDetails(cmd CorrectDetails, facts Facts) ([]event.Data, error) {
	cmd.UPN = upn.Normalize(cmd.UPN)
	probs, err := domain.CheckOn(cmd, facts.Today)
	if err != nil {
		return nil, err
	}
	if !p.Exists() {
		return nil, domain.NotFound("pupil")
	}
	if err := p.ErasedError(); err != nil {
		return nil, err
	}
	checkDateOfBirth(&probs, cmd.DateOfBirth, p.RegisteredOn)
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if cmd.UPN == p.UPN && cmd.FirstName == p.FirstName && cmd.LastName == p.LastName &&
		cmd.DateOfBirth == p.DateOfBirth && cmd.YearGroup == p.CurrentYearGroup(facts.Today) {
		return nil, nil
	}
	return []event.Data{DetailsCorrected{Reason: cmd.Reason, UPN: cmd.UPN, FirstName: cmd.FirstName, LastName: cmd.LastName,
		DateOfBirth: cmd.DateOfBirth, YearGroup: cmd.YearGroup, On: facts.Today}}, nil
}

func (p *Pupil) applyDetails(d DetailsCorrected) {
	p.UPN, p.FirstName, p.LastName, p.DateOfBirth = d.UPN, d.FirstName, d.LastName, d.DateOfBirth
	p.YearGroup, p.YearGroupGivenOn = d.YearGroup, d.On
}

// Readmit decides putting a pupil who left back on roll at a school of
// the trust; the record, its history and its UPN are kept.
func (p *Pupil) Readmit(cmd Readmit, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	if !p.Exists() {
		return nil, domain.NotFound("pupil")
	}
	if err := p.ErasedError(); err != nil {
		return nil, err
	}
	if p.OnRoll {
		return nil, domain.Conflict("the pupil is on roll: only a pupil who left can be re-admitted")
	}
	var probs domain.Problems
	if t, ok := facts.SchoolTrust(cmd.SchoolID); !ok || t != p.TrustID {
		probs.Add("school_id", "no such school in the pupil's trust")
	}
	if cmd.On.Before(p.LeftOn) {
		probs.Add("on", "must not be before the pupil left (%s)", p.LeftOn)
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return []event.Data{Readmitted{SchoolID: cmd.SchoolID, On: cmd.On}}, nil
}

func (p *Pupil) applyReadmission(d Readmitted) {
	p.OnRoll, p.LeftOn, p.Destination = true, 0, ""
	p.SchoolID = d.SchoolID
	p.Schools = append(p.Schools, SchoolSpell{SchoolID: d.SchoolID, From: d.On})
}
