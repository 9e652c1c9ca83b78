package projections

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/pupil"
)

// TestSummaryKeepsMeetingsWithParents: a summary drops sessions and the
// words of the record, but every cycle, every meeting with the parents (a
// plan agreed, a review held) and each session compactly stay, in memory
// and through the JSON other stores keep.
func TestSummaryKeepsMeetingsWithParents(t *testing.T) {
	d := civil.MustParse
	var s Summary
	v := 0
	apply := func(data ...event.Data) {
		var c event.Commit
		for _, x := range data {
			v++
			c.Events = append(c.Events, event.Event{Version: v, Data: x})
		}
		s.Apply(uint64(v), c)
	}
	apply(pupil.Registered{PupilID: "p", SchoolID: "s", On: d("2025-09-01"), SENStatus: need.SENSupport})
	apply(pupil.CycleOpened{CycleID: "c1", OpenedOn: d("2025-09-02")})
	apply(pupil.PlanAgreed{CycleID: "c1", Plan: pupil.PlanDoc{AgreedOn: d("2025-09-10")}})
	apply(pupil.CycleReviewed{CycleID: "c1", Review: pupil.ReviewDoc{HeldOn: d("2025-11-03")}})
	apply(pupil.CycleOpened{CycleID: "c2", OpenedOn: d("2025-11-03")})
	apply(pupil.PlanAgreed{CycleID: "c2", Plan: pupil.PlanDoc{AgreedOn: d("2025-11-05"), ParentViews: "private"}})
	value := 99.5
	apply(pupil.SessionLogged{CycleID: "c2", Session: pupil.Session{ID: "s1", ProvisionID: "tb", DeliveredOn: d("2025-11-06"), Minutes: 30, Attended: true,
		Readings: []pupil.OutcomeReading{{OutcomeID: "o1", Value: &value}}}})
	apply(pupil.SessionLogged{CycleID: "c2", Session: pupil.Session{ID: "s2", ProvisionID: "lx", DeliveredOn: d("2025-11-07"), Minutes: 45}})
	c2 := s.Pupil.Cycle("c2")
	if len(c2.Sessions) != 0 || len(c2.Delivered) != 2 || c2.Plan.ParentViews != "" {
		t.Fatalf("kept sessions %d, delivered %d, views %q", len(c2.Sessions), len(c2.Delivered), c2.Plan.ParentViews)
	}
	if len(s.Pupil.Cycles) != 2 || s.Pupil.MeetingsWithParents(d("2025-09-01"), d("2025-12-31")) != 3 {
		t.Fatalf("cycles %d, meetings %+v", len(s.Pupil.Cycles), s.Pupil.ParentMeetings)
	}
	b, err := json.Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if got, want := back.Pupil.Cycle("c2"), c2; !reflect.DeepEqual(got.Delivered, want.Delivered) || !reflect.DeepEqual(got.DeliveredOf, want.DeliveredOf) ||
		!reflect.DeepEqual(got.Readings, want.Readings) {
		t.Errorf("through JSON: delivered %+v of %v, readings %+v; want %+v of %v, %+v", got.Delivered, got.DeliveredOf, got.Readings, want.Delivered, want.DeliveredOf, want.Readings)
	}
	if got := back.Pupil.MeetingsWithParents(d("2025-09-01"), d("2025-12-31")); got != 3 {
		t.Fatalf("meetings after a round trip through JSON: %d", got)
	}
}

// TestSummaryKeepsProfessionalsByAccount: a professional's requests are
// found from the summaries (their list), which keep who was asked and not
// what the request says or shares.
func TestSummaryKeepsProfessionalsByAccount(t *testing.T) {
	d := civil.MustParse
	var s Summary
	s.Apply(1, event.Commit{Events: []event.Event{{Version: 1, Data: pupil.Registered{PupilID: "p", SchoolID: "s", On: d("2025-09-01"), SENStatus: need.SENSupport}}}})
	s.Apply(2, event.Commit{Events: []event.Event{{Version: 2, Data: pupil.ProfessionalInvited{Request: pupil.ProfessionalRequest{
		ID: "r1", UserID: "eve", AdviceEntry: 1, From: "educational psychologist", Message: "private", DocumentIDs: []string{"d1"}, InvitedOn: d("2025-11-10")}}}}})
	b, err := json.Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Pupil.Professionals; len(got) != 1 || got[0].UserID != "eve" || got[0].Message != "" || got[0].DocumentIDs != nil {
		t.Errorf("the professionals kept: %+v", got)
	}
}

// TestPastEventKeepsItsRecordingTime: a past event answers the time it
// was recorded, to the nanosecond, and an event recorded at no stated time
// stays so (through JSON too).
func TestPastEventKeepsItsRecordingTime(t *testing.T) {
	for _, at := range []time.Time{{}, time.Date(2025, 11, 10, 9, 30, 0, 123456789, time.UTC)} {
		e := NewPastEvent(event.Event{Type: "pupil_registered", Version: 1, RecordedAt: at}, pupil.Registered{PupilID: "p"})
		var back PastEvent
		b, err := json.Marshal(e)
		if err == nil {
			err = json.Unmarshal(b, &back)
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []time.Time{e.RecordedAt(), back.RecordedAt()} {
			if !got.Equal(at) || got.IsZero() != at.IsZero() {
				t.Errorf("recorded at %v, want %v", got, at)
			}
		}
	}
}
