package app

import (
	"context"
	"strings"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

// Parents and carers. The SENCO invites a parent to their child: the
// parent's account (role parent, of the pupil's trust) is made if there is
// none for that email, linked to the child, and sent an invitation to set
// up a passkey. A parent sees only their own children: the plan in plain
// words, the dates coming, the EHC plan's stage, the profile and the
// documents shared with them; they give their views and ask for meetings.

// InviteParent is what the SENCO gives to invite a parent or carer.
type InviteParent struct {
	Name                   string `json:"name" validate:"notblank,max=200"`
	Email                  string `json:"email" validate:"required,email,max=254"`
	Relationship           string `json:"relationship" validate:"required,allowed=relationship"`
	ParentalResponsibility *bool  `json:"parental_responsibility" validate:"required"`
}

// InviteParent makes (or finds) the parent's account, links it to pupilID
// and invites them: the invitation is emailed, or its link answered once
// when no mail is set up. The pupil's SENCO and admins.
//
// Errors: *ValidationError, *ConflictError (already linked; the pupil has
// left), ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) InviteParent(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd InviteParent) (Invitation, error) {
	parent, err := s.accountToInvite(ctx, u, o, pupilID, cmd, user.Parent, cmd.Name, cmd.Email, (*pupil.Pupil).OnRollError)
	if err != nil {
		return Invitation{}, err
	}
	link := pupil.LinkParent{UserID: parent.ID, Relationship: cmd.Relationship, ParentalResponsibility: cmd.ParentalResponsibility}
	if _, err := pupilCommand(ctx, s, u, o, "InviteParent", pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		return simple(p.LinkParent(link, f))
	}); err != nil {
		return Invitation{}, err
	}
	return s.invite(ctx, u, parent)
}

// accountToInvite finds or makes the account of role (name, email, of the
// pupil's trust) that an invitation from pupilID's record is for. First,
// so that no account is made for an invitation the record would refuse,
// it checks what the command will: who may (the pupil's SENCO, an admin),
// a stale If-Match (first, as on every command), cmd's fields, and check
// on the record.
func (s *Service) accountToInvite(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd any, role user.Role, name, email string,
	check func(p *pupil.Pupil) error) (user.User, error) {
	var trustID string
	err := s.pupils.Read(ctx, pupilID, func(p *pupil.Pupil) error {
		if err := requirePupil(u, pupilID, p, s.Today(), ReadWrite); err != nil {
			return err
		}
		if o.IfMatch != nil && *o.IfMatch != p.Version {
			return domain.StaleVersion(*o.IfMatch, p.Version)
		}
		if err := domain.ValidateOn(cmd, s.Today()); err != nil {
			return err
		}
		trustID = p.TrustID
		return check(p)
	})
	if err != nil {
		return user.User{}, err
	}
	return s.accountFor(ctx, role, trustID, name, email)
}

// accountFor finds the account of role of trust trustID with email, or
// makes it: parents and professionals are invited from a pupil's record,
// so one person asked twice has one account.
func (s *Service) accountFor(ctx context.Context, role user.Role, trustID, name, email string) (user.User, error) {
	for _, a := range s.dir.Users(role) {
		if a.TrustID == trustID && strings.EqualFold(a.Email, strings.TrimSpace(email)) {
			return a, nil
		}
	}
	made, err := s.CreateUser(ctx, System, CommandOptions{}, user.Create{Name: name, Email: email, Role: role, TrustID: trustID})
	if err != nil {
		return user.User{}, err
	}
	a, ok := s.dir.User(made.ID)
	if !ok {
		return user.User{}, domain.NotFound("user %s", made.ID)
	}
	return a, nil
}

// Child is a parent's view of their child.
type Child struct {
	PupilID   string           `json:"pupil_id"`
	FirstName string           `json:"first_name"`
	LastName  string           `json:"last_name"`
	School    string           `json:"school"`
	YearGroup string           `json:"year_group"`
	Link      pupil.ParentLink `json:"link"`
	// Plan is the plan in place (or the last agreed), with its support in
	// words: what, how often, by whom.
	Plan     *pupil.PlanDoc   `json:"plan,omitempty"`
	Support  []Support        `json:"support"`
	Reviewed *pupil.ReviewDoc `json:"reviewed,omitempty"`
	// NextMeeting is the next meeting with the parents expected.
	NextMeeting *pupil.MeetingDue `json:"next_meeting,omitempty"`
	EHCP        ehcp.View         `json:"ehcp"`
	AboutMe     *pupil.AboutMe    `json:"about_me,omitempty"`
	Documents   []pupil.Document  `json:"documents"`
	// Views are this parent's own, newest first; Asked their requests.
	Views []pupil.ParentView     `json:"views"`
	Asked []pupil.MeetingRequest `json:"asked"`
}

// Support is one provision of the plan, as a parent reads it.
type Support struct {
	Name              string `json:"name"`
	SessionsPerWeek   int    `json:"sessions_per_week"`
	MinutesPerSession int    `json:"minutes_per_session"`
	GroupSize         int    `json:"group_size"`
	GivenBy           string `json:"given_by"`
}

// Children lists the children a parent is linked to. A parent only.
//
// Errors: ErrForbidden, ErrBehind (the views did not catch up in time),
// ErrUnavailable.
func (s *Service) Children(ctx context.Context, u user.User) ([]ChildRef, error) {
	if u.Role != user.Parent {
		return nil, domain.Forbidden("Only a parent sees their children here.")
	}
	// Found from the views, which must hold a link made a moment ago.
	if err := s.awaitWritten(ctx); err != nil {
		return nil, err
	}
	out := []ChildRef{}
	err := s.proj.Store().EachTrustPupil(ctx, u.TrustID, func(sm *projections.Summary) {
		if sm.Pupil.HasParent(u.ID) {
			out = append(out, ChildRef{PupilID: sm.Pupil.ID, Name: sm.Pupil.FirstName + " " + sm.Pupil.LastName})
		}
	})
	return out, err
}

// ChildRef names a child in a parent's list.
type ChildRef struct {
	PupilID string `json:"pupil_id"`
	Name    string `json:"name"`
}

// Child is pupilID as their parent u sees them.
//
// Errors: ErrNotFound (not u's child), ErrUnavailable.
func (s *Service) Child(ctx context.Context, u user.User, pupilID string) (Child, error) {
	p, _, err := s.history(ctx, pupilID)
	if err != nil {
		return Child{}, err
	}
	today := s.Today()
	if PupilAccess(u, p, today) != Family || p.Erasure != nil {
		return Child{}, domain.NotFound("pupil %s", pupilID)
	}
	c := Child{PupilID: p.ID, FirstName: p.FirstName, LastName: p.LastName, YearGroup: p.CurrentYearGroup(today).Label(),
		EHCP: p.EHCP(today, s.phaseOf(p)), AboutMe: p.AboutMe, Documents: []pupil.Document{}, Support: []Support{}, Views: []pupil.ParentView{}, Asked: []pupil.MeetingRequest{}}
	if sch, _, ok := s.dir.School(p.SchoolID); ok {
		c.School = sch.Name
	}
	for _, l := range p.Parents {
		if l.UserID == u.ID {
			c.Link = l
		}
	}
	c.Plan, c.Support, c.Reviewed = s.planInWords(p)
	if m, ok := p.NextParentMeeting(today); ok {
		c.NextMeeting = &m
	}
	for _, d := range p.Documents {
		if mayReadDocument(u, p, Family, d) {
			c.Documents = append(c.Documents, d)
		}
	}
	for i := len(p.ParentsViews) - 1; i >= 0; i-- {
		if v := p.ParentsViews[i]; v.UserID == u.ID {
			c.Views = append(c.Views, v)
		}
	}
	for _, m := range p.MeetingRequests {
		if m.UserID == u.ID {
			c.Asked = append(c.Asked, m)
		}
	}
	return c, nil
}

// planInWords is the pupil's plan in place (or the last agreed) with its
// support in words, and its review if held: what a parent, or a
// professional it is shared with, reads.
func (s *Service) planInWords(p *pupil.Pupil) (*pupil.PlanDoc, []Support, *pupil.ReviewDoc) {
	support := []Support{}
	t, _ := s.dir.Trust(p.TrustID)
	for i := len(p.Cycles) - 1; i >= 0; i-- {
		if cy := p.Cycles[i]; cy.Plan != nil {
			for _, pp := range cy.Plan.Provisions {
				pr, _ := t.Provision(pp.ProvisionID)
				support = append(support, supportOf(pr, pp))
			}
			return cy.Plan, support, cy.Review
		}
	}
	return nil, support, nil
}

func supportOf(pr trust.Provision, pp pupil.PlannedProvision) Support {
	return Support{Name: pr.Name, SessionsPerWeek: pp.SessionsPerWeek, MinutesPerSession: pp.MinutesPerSession, GroupSize: pp.GroupSize, GivenBy: pr.StaffRole}
}

// GiveViews records a parent's views of their child's plan or review, in
// their own words, dated today; the SENCO sees them when recording the
// review. The pupil's parents only.
//
// Errors: *ValidationError, *ConflictError (the pupil has left),
// ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) GiveViews(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.GiveViews) (Result, error) {
	return pupilCommand(ctx, s, u, o, "GiveViews", pupilID, Family, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		return simple(p.GiveViews(u.ID, cmd, f))
	})
}

// AskForMeeting records a parent's request for a meeting about their
// child; the SENCO sees it on the record. The pupil's parents only.
//
// Errors: as GiveViews.
func (s *Service) AskForMeeting(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.AskForMeeting) (Result, error) {
	return pupilCommand(ctx, s, u, o, "AskForMeeting", pupilID, Family, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		return simple(p.AskForMeeting(u.ID, cmd, f))
	})
}
