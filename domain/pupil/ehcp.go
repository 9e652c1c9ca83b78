package pupil

import (
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/yeargroup"
)

// EHCPRecorded is one recorded event of the EHC process.
type EHCPRecorded struct {
	Record ehcp.Record `json:"record"`
}

func (EHCPRecorded) EventType() string        { return "ehcp_milestone_recorded" }
func (e EHCPRecorded) OccurredOn() civil.Date { return e.Record.On }

func init() { event.Register[EHCPRecorded](1) }

// Clock folds the pupil's EHC records: what EHCP judges on a date. A
// caller judging many dates (trends) folds it once with Clock and judges
// each with VisitEHCP.
func (p *Pupil) Clock() *ehcp.Clock { return p.clock() }

// clock folds the pupil's EHC records.
func (p *Pupil) clock() *ehcp.Clock {
	c, err := ehcp.Fold(p.EHCPRecords)
	if err != nil {
		// Stored history was accepted when recorded; a fold error means a
		// rule changed under it. Show what folds rather than fail reads.
		return ehcp.New()
	}
	return c
}

// EHCP returns the statutory clock as of asOf, for a pupil at a school of phase.
func (p *Pupil) EHCP(asOf civil.Date, phase string) ehcp.View {
	return p.clock().View(asOf, p.ehcpFacts(phase))
}

// VisitEHCP judges the pupil's folded clock as of asOf without building the
// view: it calls fn with each milestone, and answers the plan's status.
func (p *Pupil) VisitEHCP(c *ehcp.Clock, asOf civil.Date, phase string, fn func(ehcp.Milestone)) string {
	f := p.ehcpFacts(phase)
	c.Visit(asOf, f, fn)
	return c.StatusFor(f)
}

func (p *Pupil) ehcpFacts(phase string) ehcp.Facts {
	return ehcp.Facts{
		HasPlan: p.SENStatus == need.EHCPlan, Phase: phase, DateOfBirth: p.DateOfBirth,
		YearGroupOn: func(on civil.Date) yeargroup.Group { return p.CurrentYearGroup(on) },
	}
}

// EHCPStatus is the EHC plan's status after the recorded events (none,
// requested, assessing, active, ...), whatever the date.
func (p *Pupil) EHCPStatus() string { return p.clock().Status }

// RecordEHCP decides recording an EHC process event. A final plan also puts
// the pupil on the register with status E when the need allows it.
func (p *Pupil) RecordEHCP(cmd ehcp.Command, facts Facts) ([]event.Data, error) {
	r, err := cmd.Check(facts.Today)
	if err != nil {
		return nil, err
	}
	if err := p.onRoll(); err != nil {
		return nil, err
	}
	if r.On.Before(p.DateOfBirth) {
		return nil, domain.Invalid("on", "must not be before the date of birth")
	}
	c := p.clock()
	if err := c.Apply(r, p.SENStatus == need.EHCPlan); err != nil {
		return nil, err
	}
	recs := c.Records()
	out := []event.Data{EHCPRecorded{Record: recs[len(recs)-1]}}
	if r.Type == ehcp.FinalIssued && p.SENStatus != need.EHCPlan && p.PrimaryNeed != "" && p.PrimaryNeed != "NSA" {
		out = append(out, StatusChanged{SENStatus: need.EHCPlan, PrimaryNeed: p.PrimaryNeed, SecondaryNeed: p.SecondaryNeed, On: r.On})
	}
	return out, nil
}
