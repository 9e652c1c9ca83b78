package pupil

import (
	"errors"
	"testing"

	"github.com/sendcase/sendcase/domain"
)

const (
	mum              = "0193a000-0000-7000-8000-0000000000p1"
	otherTrustParent = "0193a000-0000-7000-8000-0000000000p2"
)

func TestParents(t *testing.T) {
	yes := true
	p, facts, _ := atStage(t, "do")
	for _, tc := range []struct {
		name     string
		cmd      LinkParent
		field    string // "" for a conflict or forbidden
		conflict bool
	}{
		{"a reviewer's account", LinkParent{UserID: reviewer, Relationship: "mother", ParentalResponsibility: &yes}, "email", false},
		{"another trust's parent", LinkParent{UserID: otherTrustParent, Relationship: "mother", ParentalResponsibility: &yes}, "email", false},
		{"no relationship", LinkParent{UserID: mum, ParentalResponsibility: &yes}, "relationship", false},
		{"a neighbour", LinkParent{UserID: mum, Relationship: "neighbour", ParentalResponsibility: &yes}, "relationship", false},
		{"responsibility not said", LinkParent{UserID: mum, Relationship: "mother"}, "parental_responsibility", false},
	} {
		_, err := p.LinkParent(tc.cmd, facts)
		if got := fieldOf(err); got != tc.field {
			t.Errorf("%s: %v (field %q), want %q", tc.name, err, got, tc.field)
		}
	}
	apply(t, p, must(t)(p.LinkParent(LinkParent{UserID: mum, Relationship: "mother", ParentalResponsibility: &yes}, facts)))
	if !p.HasParent(mum) || p.Parents[0].Relationship != "mother" || !p.Parents[0].ParentalResponsibility {
		t.Fatalf("linked: %+v", p.Parents)
	}
	var ce *domain.ConflictError
	if _, err := p.LinkParent(LinkParent{UserID: mum, Relationship: "mother", ParentalResponsibility: &yes}, facts); !errors.As(err, &ce) {
		t.Errorf("linked twice: %v", err)
	}

	if _, err := p.GiveViews(reviewer, GiveViews{About: "review", Views: "x"}, facts); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("views from someone not a parent of the pupil: %v", err)
	}
	if _, err := p.GiveViews(mum, GiveViews{About: "review", Views: "  "}, facts); fieldOf(err) != "views" {
		t.Errorf("blank views: %v", err)
	}
	if _, err := p.GiveViews(mum, GiveViews{About: "holidays", Views: "x"}, facts); fieldOf(err) != "about" {
		t.Errorf("views about something else: %v", err)
	}
	apply(t, p, must(t)(p.GiveViews(mum, GiveViews{About: "review", Views: "She reads to her brother now."}, facts)))
	if got := p.ViewsSince(p.CurrentCycle().Plan.AgreedOn); len(got) != 1 || got[0].Views != "She reads to her brother now." || got[0].GivenOn != facts.Today || got[0].UserID != mum {
		t.Errorf("views since the plan: %+v", got)
	}
	if got := p.ViewsSince(facts.Today.AddDays(1)); len(got) != 0 {
		t.Errorf("views since tomorrow: %+v", got)
	}
	if _, err := p.AskForMeeting(otherTrustParent, AskForMeeting{About: "x"}, facts); !errors.Is(err, domain.ErrForbidden) {
		t.Errorf("a meeting asked by someone else: %v", err)
	}
	apply(t, p, must(t)(p.AskForMeeting(mum, AskForMeeting{About: "Her new reading group"}, facts)))
	if len(p.MeetingRequests) != 1 || p.MeetingRequests[0].About != "Her new reading group" {
		t.Errorf("meeting requests: %+v", p.MeetingRequests)
	}
}

func TestOpenRequests(t *testing.T) {
	// Asked on Monday 2 March 2026: 10 school days on is Monday 16 March.
	p := &Pupil{MeetingRequests: []MeetingRequest{{UserID: mum, AskedOn: d("2026-03-02")}}}
	for _, tc := range []struct {
		name     string
		meetings []ParentMeeting
		asOf     string
		open     bool
		overdue  bool
	}{
		{"before it was asked", nil, "2026-03-01", false, false},
		{"asked, not yet due", nil, "2026-03-16", true, false},
		{"overdue", nil, "2026-03-17", true, true},
		{"a meeting before it was asked does not answer it", []ParentMeeting{{On: d("2026-02-20")}}, "2026-03-17", true, true},
		{"met since", []ParentMeeting{{On: d("2026-03-05")}}, "2026-03-17", false, false},
	} {
		p.ParentMeetings = tc.meetings
		got := p.OpenRequests(d(tc.asOf))
		if open := len(got) == 1; open != tc.open || (open && (got[0].Overdue != tc.overdue || got[0].DueOn != d("2026-03-16"))) {
			t.Errorf("%s: %+v", tc.name, got)
		}
	}
}
