package pupil

import (
	"slices"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/user"
)

// AssignStaff gives a member of staff (a class teacher or teaching
// assistant of the pupil's school) the pupil's current plan and
// provisions, to deliver them and log the sessions.
type AssignStaff struct {
	UserID string `json:"user_id" validate:"required,uuid"`
}

// UnassignStaff ends that.
type UnassignStaff struct {
	UserID string `json:"user_id" validate:"required,uuid"`
}

// StaffAssigned and StaffUnassigned record it.
type StaffAssigned struct {
	UserID string     `json:"user_id"`
	On     civil.Date `json:"on"`
}

type StaffUnassigned struct {
	UserID string     `json:"user_id"`
	On     civil.Date `json:"on"`
}

func (StaffAssigned) EventType() string          { return "staff_assigned" }
func (StaffUnassigned) EventType() string        { return "staff_unassigned" }
func (e StaffAssigned) OccurredOn() civil.Date   { return e.On }
func (e StaffUnassigned) OccurredOn() civil.Date { return e.On }

func init() {
	event.Register[StaffAssigned](1)
	event.Register[StaffUnassigned](1)
}

// HasStaff reports whether user id delivers the pupil's provision.
func (p *Pupil) HasStaff(id string) bool { return slices.Contains(p.Staff, id) }

// AssignStaff decides assigning a member of staff; assigning them again
// records nothing.
func (p *Pupil) AssignStaff(cmd AssignStaff, facts Facts) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	if !p.Exists() {
		return nil, domain.NotFound("pupil")
	}
	if u, ok := facts.User(cmd.UserID); !ok || u.Role != user.Staff || !u.InSchool(p.SchoolID) || !u.MaySignIn() {
		return nil, domain.Invalid("user_id", "not a member of staff at the pupil's school")
	}
	if !p.OnRoll {
		return nil, domain.Conflict("the pupil has left")
	}
	if p.HasStaff(cmd.UserID) {
		return nil, nil
	}
	return []event.Data{StaffAssigned{UserID: cmd.UserID, On: facts.Today}}, nil
}

// UnassignStaff decides ending an assignment.
func (p *Pupil) UnassignStaff(cmd UnassignStaff, facts Facts) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	if !p.HasStaff(cmd.UserID) {
		return nil, domain.Conflict("this member of staff is not assigned to the pupil")
	}
	return []event.Data{StaffUnassigned{UserID: cmd.UserID, On: facts.Today}}, nil
}
