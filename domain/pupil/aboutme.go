package pupil

import (
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
)

// The young person's voice (CoP 1.1, 9.21): a one-page profile in the
// pupil's own words, written with the pupil and their parents: what people
// like about them, what is important to them, and how best to support
// them. It is shown beside the plan, printed for the staff who work with
// the pupil, and a new version replaces the last (the history keeps each).

// Contributors are who can have written a profile with the SENCO.
var Contributors = domain.Allowed("contributor", "pupil", "parent", "staff")

// WriteAboutMe is the command to record the pupil's profile.
type WriteAboutMe struct {
	WrittenOn     civil.Date `json:"written_on" validate:"required,date,happened"`
	LikeAboutMe   string     `json:"like_about_me" validate:"notblank,max=2000"`
	ImportantToMe string     `json:"important_to_me" validate:"notblank,max=2000"`
	HowToSupport  string     `json:"how_to_support" validate:"notblank,max=2000"`
	// WrittenWith says who wrote it with the SENCO: the pupil, a parent,
	// a member of staff.
	WrittenWith []string `json:"written_with" validate:"min=1,max=3,unique,dive,allowed=contributor"`
}

// AboutMe is the pupil's profile as last written.
type AboutMe struct {
	Entry         int        `json:"entry,omitempty"`
	WrittenOn     civil.Date `json:"written_on"`
	LikeAboutMe   string     `json:"like_about_me" personal:"true"`
	ImportantToMe string     `json:"important_to_me" personal:"true"`
	HowToSupport  string     `json:"how_to_support" personal:"true"`
	WrittenWith   []string   `json:"written_with"`
}

// AboutMeWritten records the profile.
type AboutMeWritten struct {
	AboutMe AboutMe `json:"about_me"`
}

func (AboutMeWritten) EventType() string        { return "about_me_written" }
func (e AboutMeWritten) OccurredOn() civil.Date { return e.AboutMe.WrittenOn }

func init() { event.Register[AboutMeWritten](1) }

// WriteAboutMe decides recording the pupil's profile. It may not be dated
// before the one it replaces, nor before the pupil was born.
func (p *Pupil) WriteAboutMe(cmd WriteAboutMe, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	if err := p.onRoll(); err != nil {
		return nil, err
	}
	var probs domain.Problems
	p.notBeforeBirth(&probs, "written_on", cmd.WrittenOn)
	if a := p.AboutMe; a != nil && cmd.WrittenOn.Before(a.WrittenOn) {
		probs.Add("written_on", "must not be before the profile it replaces (%s)", a.WrittenOn)
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return []event.Data{AboutMeWritten{AboutMe: AboutMe{WrittenOn: cmd.WrittenOn, LikeAboutMe: cmd.LikeAboutMe,
		ImportantToMe: cmd.ImportantToMe, HowToSupport: cmd.HowToSupport, WrittenWith: cmd.WrittenWith}}}, nil
}
