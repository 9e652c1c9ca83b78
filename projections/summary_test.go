package projections

import (
	"encoding/json"
	"testing"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/pupil"
)

// TestSummaryKeepsMeetingsWithParents: a summary keeps only the current
// cycle, but every meeting with the parents (a plan agreed, a review held)
// stays, in memory and through the JSON other stores keep.
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
	apply(pupil.PlanAgreed{CycleID: "c2", Plan: pupil.PlanDoc{AgreedOn: d("2025-11-05")}})
	if len(s.Pupil.Cycles) != 1 || s.Pupil.MeetingsWithParents(d("2025-09-01"), d("2025-12-31")) != 3 {
		t.Fatalf("cycles %d, meetings %+v", len(s.Pupil.Cycles), s.Pupil.ParentMeetings)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Pupil.MeetingsWithParents(d("2025-09-01"), d("2025-12-31")); got != 3 {
		t.Fatalf("meetings after a round trip through JSON: %d", got)
	}
}
