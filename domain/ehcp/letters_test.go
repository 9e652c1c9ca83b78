package ehcp

import (
	"testing"
)

func TestLetterFacts(t *testing.T) {
	c := New()
	for _, r := range []Record{
		{Type: Request, On: d("2025-09-01"), RequestedBy: "school"},
		{Type: DecisionToAssess, On: d("2025-10-01"), Assess: yes()},
		{Type: AdviceRequested, On: d("2025-10-02"), From: "educational psychologist"},
		{Type: AdviceRequested, On: d("2025-10-03"), From: "speech and language therapist"},
		{Type: AdviceReceived, On: d("2025-11-01"), From: "educational psychologist"},
	} {
		if err := c.Apply(r, false); err != nil {
			t.Fatal(err)
		}
	}
	got := c.AdviceRequests()
	want := []AdviceRequest{
		{From: "educational psychologist", RequestedOn: d("2025-10-02"), DueOn: d("2025-11-13"), ReceivedOn: d("2025-11-01")},
		{From: "speech and language therapist", RequestedOn: d("2025-10-03"), DueOn: d("2025-11-14")},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("advice requests: %+v", got)
	}
	if _, _, ok := c.ReviewMeeting(); ok {
		t.Fatal("a meeting before any plan")
	}

	plan := New()
	for _, tc := range []struct {
		r                 Record
		meeting, adviceBy string
	}{
		{Record{Type: FinalIssued, On: d("2024-11-15")}, "", ""},
		{Record{Type: AnnualReviewScheduled, On: d("2025-09-01"), MeetingOn: d("2025-10-20")}, "2025-10-20", "2025-10-06"},
		{Record{Type: AnnualReviewScheduled, On: d("2025-10-01"), MeetingOn: d("2025-11-03")}, "2025-11-03", "2025-10-20"}, // moved
		{Record{Type: AnnualReviewHeld, On: d("2025-11-03")}, "", ""},
	} {
		if err := plan.Apply(tc.r, true); err != nil {
			t.Fatal(err)
		}
		meeting, by, ok := plan.ReviewMeeting()
		if ok != (tc.meeting != "") || (ok && (meeting != d(tc.meeting) || by != d(tc.adviceBy))) {
			t.Errorf("after %s: meeting %s, advice by %s (%v); want %q, %q", tc.r.Type, meeting, by, ok, tc.meeting, tc.adviceBy)
		}
	}
}
