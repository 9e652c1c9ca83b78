package pupil

import (
	"slices"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/user"
)

// Parents and carers take part (CoP 6.64–6.71): the SENCO links a parent's
// account to their child, with the relationship and whether they have
// parental responsibility; the parent then gives their views in their own
// words, attributed and dated, and asks for meetings.

// Relationships are how a parent or carer is related to the pupil.
var Relationships = domain.Allowed("relationship", "mother", "father", "parent", "carer", "guardian", "grandparent", "other")

// ViewsAbout are what a parent's views can be about.
var ViewsAbout = domain.Allowed("views_about", "plan", "review", "general")

// ParentLink is a parent's account linked to the pupil.
type ParentLink struct {
	Entry                  int        `json:"entry,omitempty"`
	UserID                 string     `json:"user_id"`
	Relationship           string     `json:"relationship"`
	ParentalResponsibility bool       `json:"parental_responsibility"`
	LinkedOn               civil.Date `json:"linked_on"`
}

// ParentView is a parent's views in their own words.
type ParentView struct {
	Entry   int        `json:"entry,omitempty"`
	UserID  string     `json:"user_id"`
	About   string     `json:"about"`
	Views   string     `json:"views" personal:"true"`
	GivenOn civil.Date `json:"given_on"`
}

// MeetingRequest is a parent asking for a meeting.
type MeetingRequest struct {
	Entry   int        `json:"entry,omitempty"`
	UserID  string     `json:"user_id"`
	About   string     `json:"about" personal:"true"`
	AskedOn civil.Date `json:"asked_on"`
}

// Commands.
type (
	// LinkParent links parent account UserID (set by the service, which
	// makes the account) to the pupil.
	LinkParent struct {
		UserID                 string `json:"-"`
		Relationship           string `json:"relationship" validate:"required,allowed=relationship"`
		ParentalResponsibility *bool  `json:"parental_responsibility" validate:"required"`
	}
	GiveViews struct {
		About string `json:"about" validate:"required,allowed=views_about"`
		Views string `json:"views" validate:"notblank,max=5000"`
	}
	AskForMeeting struct {
		About string `json:"about" validate:"notblank,max=1000"`
	}
)

// Events.
type (
	ParentLinked struct {
		Link ParentLink `json:"link"`
	}
	ParentViewsGiven struct {
		View ParentView `json:"view"`
	}
	MeetingAsked struct {
		Request MeetingRequest `json:"request"`
	}
)

func (ParentLinked) EventType() string            { return "parent_linked" }
func (ParentViewsGiven) EventType() string        { return "parent_views_given" }
func (MeetingAsked) EventType() string            { return "parent_meeting_asked" }
func (e ParentLinked) OccurredOn() civil.Date     { return e.Link.LinkedOn }
func (e ParentViewsGiven) OccurredOn() civil.Date { return e.View.GivenOn }
func (e MeetingAsked) OccurredOn() civil.Date     { return e.Request.AskedOn }

func init() {
	event.Register[ParentLinked](1)
	event.Register[ParentViewsGiven](1)
	event.Register[MeetingAsked](1)
}

// HasParent reports whether user id is linked to the pupil as a parent.
func (p *Pupil) HasParent(id string) bool {
	return slices.ContainsFunc(p.Parents, func(l ParentLink) bool { return l.UserID == id })
}

// LinkParent decides linking a parent's account to the pupil: a parent
// of the pupil's trust, not linked already.
func (p *Pupil) LinkParent(cmd LinkParent, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	if err := p.onRoll(); err != nil {
		return nil, err
	}
	if u, ok := facts.User(cmd.UserID); !ok || u.Role != user.Parent || u.TrustID != p.TrustID {
		return nil, domain.Invalid("email", "is not a parent's account of this trust")
	}
	if p.HasParent(cmd.UserID) {
		return nil, domain.Conflict("this parent is already linked to the pupil")
	}
	return []event.Data{ParentLinked{Link: ParentLink{UserID: cmd.UserID, Relationship: cmd.Relationship,
		ParentalResponsibility: *cmd.ParentalResponsibility, LinkedOn: facts.Today}}}, nil
}

// GiveViews decides recording a linked parent's views, dated today.
func (p *Pupil) GiveViews(userID string, cmd GiveViews, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	if err := p.onRoll(); err != nil {
		return nil, err
	}
	if !p.HasParent(userID) {
		return nil, domain.Forbidden("Only the pupil's parents give their views here.")
	}
	return []event.Data{ParentViewsGiven{View: ParentView{UserID: userID, About: cmd.About, Views: cmd.Views, GivenOn: facts.Today}}}, nil
}

// AskForMeeting decides recording a linked parent's request for a meeting.
func (p *Pupil) AskForMeeting(userID string, cmd AskForMeeting, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	if err := p.onRoll(); err != nil {
		return nil, err
	}
	if !p.HasParent(userID) {
		return nil, domain.Forbidden("Only the pupil's parents ask for meetings here.")
	}
	return []event.Data{MeetingAsked{Request: MeetingRequest{UserID: userID, About: cmd.About, AskedOn: facts.Today}}}, nil
}

// ViewsSince are the parents' views given on or after since, newest first:
// what the SENCO reads before recording a review (since the plan).
func (p *Pupil) ViewsSince(since civil.Date) []ParentView {
	var out []ParentView
	for i := len(p.ParentsViews) - 1; i >= 0; i-- {
		if v := p.ParentsViews[i]; !v.GivenOn.Before(since) {
			out = append(out, v)
		}
	}
	return out
}

// MeetingAnswerSchoolDays is how soon the school meets parents who asked:
// within two school weeks.
const MeetingAnswerSchoolDays = 10

// OpenRequest is a parent's request for a meeting not yet met: due
// MeetingAnswerSchoolDays after it was asked.
type OpenRequest struct {
	MeetingRequest
	DueOn   civil.Date
	Overdue bool
}

// OpenRequests are the parents' requests for a meeting with no meeting
// with the parents held on or after them, as of asOf, oldest first.
func (p *Pupil) OpenRequests(asOf civil.Date) []OpenRequest {
	var out []OpenRequest
	for _, r := range p.MeetingRequests {
		if r.AskedOn.After(asOf) {
			continue
		}
		met := slices.ContainsFunc(p.ParentMeetings, func(m ParentMeeting) bool { return !m.On.Before(r.AskedOn) && !m.On.After(asOf) })
		if met {
			continue
		}
		due := r.AskedOn.SchoolDaysAfter(MeetingAnswerSchoolDays)
		out = append(out, OpenRequest{MeetingRequest: r, DueOn: due, Overdue: asOf.After(due)})
	}
	return out
}
