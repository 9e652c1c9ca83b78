package app

import (
	"context"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

// Delivery is what a member of staff sees of a pupil they deliver
// provision to: the current plan's outcomes and provisions, and the
// sessions logged in it. Nothing of the EHC process, referrals, views or
// the audit trail.
type Delivery struct {
	PupilID   string `json:"pupil_id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	YearGroup string `json:"year_group"`
	SchoolID  string `json:"school_id"`
	// CycleID is the open cycle's; Stage says whether it is being
	// delivered ("do") yet.
	CycleID     string               `json:"cycle_id,omitempty"`
	Stage       pupil.Stage          `json:"stage,omitempty"`
	ReviewDueOn civil.Date           `json:"review_due_on,omitzero"`
	Outcomes    []pupil.Outcome      `json:"outcomes"`
	Provisions  []DeliveredProvision `json:"provisions"`
	Sessions    []pupil.Session      `json:"sessions"`
	// AboutMe is the pupil's one-page profile: how best to support them
	// is what the staff who deliver most need to know.
	AboutMe *pupil.AboutMe `json:"about_me,omitempty"`
}

// DeliveredProvision is a planned provision with its catalogue name.
type DeliveredProvision struct {
	pupil.PlannedProvision
	Name      string `json:"name"`
	StaffRole string `json:"staff_role"`
}

func (s *Service) delivery(p *pupil.Pupil, today civil.Date) Delivery {
	d := Delivery{PupilID: p.ID, FirstName: p.FirstName, LastName: p.LastName, YearGroup: string(p.CurrentYearGroup(today)), AboutMe: p.AboutMe,
		SchoolID: p.SchoolID, Outcomes: []pupil.Outcome{}, Provisions: []DeliveredProvision{}, Sessions: []pupil.Session{}}
	c := p.CurrentCycle()
	if c == nil {
		return d
	}
	d.CycleID, d.Stage = c.ID, c.Stage
	if c.Plan != nil {
		d.ReviewDueOn, d.Outcomes = c.Plan.ReviewDueOn, append(d.Outcomes, c.Plan.Outcomes...)
		for _, pp := range c.Plan.Provisions {
			cat, _ := s.dir.Provision(p.TrustID, pp.ProvisionID)
			d.Provisions = append(d.Provisions, DeliveredProvision{PlannedProvision: pp, Name: cat.Name, StaffRole: cat.StaffRole})
		}
	}
	d.Sessions = append(d.Sessions, c.Sessions...)
	return d
}

// PupilDelivery answers what staff deliver for pupil id: the assigned
// staff, its SENCO, or an admin.
//
// Errors: ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) PupilDelivery(ctx context.Context, u user.User, id string) (Delivery, error) {
	today := s.Today()
	var d Delivery
	err := s.pupils.Read(ctx, id, func(p *pupil.Pupil) error {
		if err := requirePupil(u, id, p, today, Delivers); err != nil {
			return err
		}
		if err := p.ErasedError(); err != nil {
			return err
		}
		d = s.delivery(p, today)
		return nil
	})
	return d, err
}

// MyPupils lists the pupils assigned to a member of staff, on roll at
// their schools, by name.
//
// Errors: ErrForbidden (not staff), ErrUnavailable.
func (s *Service) MyPupils(ctx context.Context, u user.User) ([]Delivery, error) {
	if u.Role != user.Staff {
		return nil, domain.Forbidden("This is for staff who deliver provision.")
	}
	today := s.Today()
	out := []Delivery{}
	for _, school := range u.SchoolIDs {
		err := s.proj.Store().EachSchoolPupil(ctx, school, func(sm *projections.Summary) {
			if p := &sm.Pupil; p.OnRoll && p.HasStaff(u.ID) && p.SchoolID == school {
				out = append(out, s.delivery(p, today))
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AssignStaff gives a member of staff of the pupil's school its plan to
// deliver. The pupil's SENCO or an admin. Errors: as ChangeStatus.
func (s *Service) AssignStaff(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.AssignStaff) (Result, error) {
	return pupilCommand(ctx, s, u, o, "AssignStaff", pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		return simple(p.AssignStaff(cmd, f))
	})
}

// UnassignStaff ends it. Who may: as AssignStaff.
func (s *Service) UnassignStaff(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.UnassignStaff) (Result, error) {
	return pupilCommand(ctx, s, u, o, "UnassignStaff", pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		return simple(p.UnassignStaff(cmd, f))
	})
}

// StaffOf lists the active staff of school schoolID, to assign from.
func (s *Service) StaffOf(schoolID string) []user.User {
	var out []user.User
	for _, st := range s.dir.Users(user.Staff) {
		if st.InSchool(schoolID) && st.MaySignIn() {
			out = append(out, st)
		}
	}
	return out
}
