package pupil

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/need"
)

func TestNoLongerSENClosesTheOpenCycle(t *testing.T) {
	tests := []struct {
		name       string
		stage      string
		cmd        ChangeStatus
		wantFields []string
		wantClosed bool
	}{
		{"closes the cycle, ends provisions", "do", ChangeStatus{SENStatus: "N", On: d("2025-11-01"), CloseCycle: true}, nil, true},
		{"status only: the cycle stays", "do", ChangeStatus{SENStatus: "N", On: d("2025-11-01")}, nil, false},
		{"no cycle open", "reviewed", ChangeStatus{SENStatus: "N", On: d("2025-11-01"), CloseCycle: true}, []string{"close_cycle"}, false},
		{"before the cycle's last record", "do", ChangeStatus{SENStatus: "N", On: d("2025-09-21"), CloseCycle: true}, []string{"on"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, facts, cyc := atStage(t, tt.stage)
			evs, err := p.ChangeStatus(tt.cmd, facts)
			if got := fieldsOf(err); !slices.Equal(got, tt.wantFields) {
				t.Fatalf("fields %v, want %v (%v)", got, tt.wantFields, err)
			}
			if err != nil {
				return
			}
			apply(t, p, evs)
			closed := p.Cycle(cyc).Stage == Closed
			if closed != tt.wantClosed || (closed && (len(p.ActiveProvisions) != 0 || p.Cycle(cyc).ClosedOn != tt.cmd.On || p.CurrentCycle() != nil)) {
				t.Errorf("closed %v (want %v), on %s, active %v", closed, tt.wantClosed, p.Cycle(cyc).ClosedOn, p.ActiveProvisions)
			}
		})
	}
}

func TestNextParentMeeting(t *testing.T) {
	d := func(s string) civil.Date { v, _ := civil.Parse(s); return v }
	pupilWith := func(registered string, meetings ...string) *Pupil {
		p := &Pupil{ID: "p", OnRoll: true, SENStatus: need.SENSupport, RegisteredOn: d(registered)}
		for i, m := range meetings {
			p.ParentMeetings = append(p.ParentMeetings, ParentMeeting{Entry: i + 1, On: d(m)})
		}
		return p
	}
	for _, tc := range []struct {
		name    string
		p       *Pupil
		today   string
		due     string
		nth     int
		overdue bool
	}{
		{"none yet in the autumn: the first by 31 December", pupilWith("2024-05-01"), "2025-11-10", "2025-12-31", 1, false},
		{"none by January: the autumn's is overdue", pupilWith("2024-05-01"), "2026-01-05", "2025-12-31", 1, true},
		{"one in the autumn: the second by 31 March", pupilWith("2024-05-01", "2025-10-01"), "2026-01-05", "2026-03-31", 2, false},
		{"last year's meetings do not count", pupilWith("2024-05-01", "2025-07-01"), "2025-09-10", "2025-12-31", 1, false},
		{"registered in the spring: one by 31 March", pupilWith("2026-02-01"), "2026-02-10", "2026-03-31", 1, false},
		{"registered in the summer, one held", pupilWith("2026-05-01", "2026-05-10"), "2026-06-01", "", 0, false},
		{"three held", pupilWith("2024-05-01", "2025-10-01", "2026-01-10", "2026-02-01"), "2026-06-01", "", 0, false},
	} {
		m, ok := tc.p.NextParentMeeting(d(tc.today))
		if ok != (tc.due != "") || (ok && (m.DueOn != d(tc.due) || m.Nth != tc.nth || m.Overdue != tc.overdue)) {
			t.Errorf("%s: %s #%d overdue %v ok %v, want %s #%d overdue %v", tc.name, m.DueOn, m.Nth, m.Overdue, ok, tc.due, tc.nth, tc.overdue)
		}
	}
	onPlan := pupilWith("2024-05-01")
	onPlan.SENStatus = need.EHCPlan
	if _, ok := onPlan.NextParentMeeting(d("2026-01-05")); ok {
		t.Error("a pupil with an EHC plan meets the parents at the annual review; no term meetings are listed")
	}
}

// TestParentMeetingsFollowTheRecord: a plan agreed and a review held are
// meetings with the parents; correcting the review's date moves its
// meeting, voiding the plan removes its meeting.
func TestParentMeetingsFollowTheRecord(t *testing.T) {
	d := func(s string) civil.Date { v, _ := civil.Parse(s); return v }
	p := &Pupil{}
	apply := func(v int, data event.Data) { p.Apply(event.Event{Version: v, Data: data}) }
	apply(1, Registered{PupilID: "p", SchoolID: "s", On: d("2025-09-01"), SENStatus: need.SENSupport})
	apply(2, CycleOpened{CycleID: "c", OpenedOn: d("2025-09-02")})
	apply(3, PlanAgreed{CycleID: "c", Plan: PlanDoc{AgreedOn: d("2025-09-10")}})
	apply(4, CycleReviewed{CycleID: "c", Review: ReviewDoc{HeldOn: d("2025-12-01")}})
	got := func() string {
		var out []string
		for _, m := range p.ParentMeetings {
			out = append(out, fmt.Sprintf("%d:%s", m.Entry, m.On))
		}
		return strings.Join(out, " ")
	}
	if g := got(); g != "3:2025-09-10 4:2025-12-01" {
		t.Fatalf("after a plan and a review: %s", g)
	}
	cycle := *p.Cycles[0]
	review := *cycle.Review
	review.HeldOn = d("2025-12-03")
	cycle.Review = &review
	apply(5, EntryCorrected{Kind: EntryReview, Entry: 4, Cycle: &cycle})
	if g := got(); g != "3:2025-09-10 4:2025-12-03" {
		t.Fatalf("after correcting the review's date: %s", g)
	}
	apply(6, EntryVoided{Kind: EntryPlan, Entry: 3, Cycle: &cycle})
	if g := got(); g != "4:2025-12-03" {
		t.Fatalf("after voiding the plan: %s", g)
	}
}
