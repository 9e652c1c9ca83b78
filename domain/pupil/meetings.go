package pupil

import (
	"time"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/yeargroup"
)

// Parent meetings. The SEND Code of Practice (6.65) says schools should
// meet the parents of a pupil on SEN support at least three times a year.
// sendcase counts the meetings it records with the parents' views: each
// plan agreed and each review held. It expects one a term, by the ends of
// December, March and July (it keeps no term dates), and none for terms
// that ended before the pupil was registered.

// ParentMeetingsPerYear is how many meetings a school year should have.
const ParentMeetingsPerYear = 3

// MeetingDue is the next meeting with the parents a pupil on SEN support
// needs: the Nth this school year, due by the end of its term (DueOn).
type MeetingDue struct {
	DueOn   civil.Date
	Nth     int
	Overdue bool
}

// NextParentMeeting answers the next meeting with the parents the pupil is
// behind on or about to need. ok is false when the pupil is not on SEN
// support, has left, or has had every meeting expected this year.
func (p *Pupil) NextParentMeeting(today civil.Date) (m MeetingDue, ok bool) {
	if !p.OnRoll || p.SENStatus != need.SENSupport {
		return MeetingDue{}, false
	}
	held := p.MeetingsThisSchoolYear(today)
	expected := 0
	for _, end := range termEnds(yeargroup.AcademicYearStart(today)) {
		if !end.After(p.RegisteredOn) {
			continue // the term ended before the pupil was on the register
		}
		expected++
		if held < expected {
			return MeetingDue{DueOn: end, Nth: expected, Overdue: today.After(end)}, true
		}
	}
	return MeetingDue{}, false
}

// MeetingsThisSchoolYear counts the meetings with the parents from 1
// September to today.
func (p *Pupil) MeetingsThisSchoolYear(today civil.Date) int {
	return p.MeetingsWithParents(yeargroup.AcademicYearStart(today), today)
}

// MeetingsWithParents counts the meetings with parents recorded from from
// to to: plans agreed and reviews held, each with the parents' views.
func (p *Pupil) MeetingsWithParents(from, to civil.Date) int {
	n := 0
	for _, m := range p.ParentMeetings {
		if !m.On.Before(from) && !m.On.After(to) {
			n++
		}
	}
	return n
}

// termEnds are the ends of the three terms of the school year from start.
func termEnds(start civil.Date) [3]civil.Date {
	y := start.Year()
	return [3]civil.Date{civil.New(y, time.December, 31), civil.New(y+1, time.March, 31), civil.New(y+1, time.July, 31)}
}

// Waiting reports whether the referral is still waiting for the service
// to see the pupil: made or accepted, not yet seen, declined or closed.
func (r *Referral) Waiting() bool {
	return r.Status == ReferralMade || r.Status == ReferralAccepted
}

// RecordMeeting is the command to record a meeting with the parents held
// outside a plan or a review (a termly catch-up, a meeting they asked for).
type RecordMeeting struct {
	HeldOn  civil.Date `json:"held_on" validate:"required,date,happened"`
	WhoCame string     `json:"who_came" validate:"notblank,max=500"`
	Agreed  string     `json:"agreed" validate:"notblank,max=5000"`
}

// Meeting is a meeting with the parents recorded on its own.
type Meeting struct {
	// Entry is the version of the event that recorded it.
	Entry   int        `json:"entry,omitempty"`
	HeldOn  civil.Date `json:"held_on"`
	WhoCame string     `json:"who_came" personal:"true"`
	Agreed  string     `json:"agreed" personal:"true"`
}

// MeetingRecorded records a meeting with the parents.
type MeetingRecorded struct {
	Meeting Meeting `json:"meeting"`
}

func (MeetingRecorded) EventType() string        { return "parent_meeting_recorded" }
func (e MeetingRecorded) OccurredOn() civil.Date { return e.Meeting.HeldOn }

func init() { event.Register[MeetingRecorded](1) }

// RecordMeeting decides recording a meeting with the parents.
func (p *Pupil) RecordMeeting(cmd RecordMeeting, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	if err := p.onRoll(); err != nil {
		return nil, err
	}
	if cmd.HeldOn.Before(p.DateOfBirth) {
		return nil, domain.Invalid("held_on", "must not be before the date of birth")
	}
	return []event.Data{MeetingRecorded{Meeting: Meeting{HeldOn: cmd.HeldOn, WhoCame: cmd.WhoCame, Agreed: cmd.Agreed}}}, nil
}
