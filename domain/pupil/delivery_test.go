package pupil

import (
	"testing"

	"github.com/sendcase/sendcase/domain/civil"
)

func TestDelivery(t *testing.T) {
	d := civil.MustParse
	// Talk Boost 3 × 30 minutes a week (90) from Monday 8 September 2025;
	// reviewed Monday 6 October, so in place 8 September to 5 October.
	cycle := func(review bool) *Pupil {
		c := &Cycle{ID: "c1", Plan: &PlanDoc{AgreedOn: d("2025-09-08"), Provisions: []PlannedProvision{{ProvisionID: "tb", SessionsPerWeek: 3, MinutesPerSession: 30}}},
			Sessions: []Session{
				{ProvisionID: "tb", DeliveredOn: d("2025-09-08"), Minutes: 30, Attended: true},
				{ProvisionID: "tb", DeliveredOn: d("2025-09-10"), Minutes: 30, Attended: false},
				{ProvisionID: "tb", DeliveredOn: d("2025-09-15"), Minutes: 30, Attended: true},
				{ProvisionID: "tb", DeliveredOn: d("2025-10-06"), Minutes: 30, Attended: true}, // the review's day: not counted
				{ProvisionID: "other", DeliveredOn: d("2025-09-09"), Minutes: 45, Attended: true},
			}}
		if review {
			c.Review = &ReviewDoc{HeldOn: d("2025-10-06")}
		}
		for i := range c.Sessions {
			c.delivered(i+1, &c.Sessions[i])
		}
		return &Pupil{Cycles: []*Cycle{c}}
	}
	for _, tc := range []struct {
		name                         string
		p                            *Pupil
		from, to                     string
		planned, delivered, attended int
		deliveredPct, attendedPct    int
		wantFrom, wantTo             string
	}{
		// 8–19 September: 10 weekdays = 2 weeks = 180 minutes planned; 3
		// sessions logged (90), 2 attended (60): 50% delivered, 66%
		// attended.
		{"two weeks", cycle(true), "2025-09-08", "2025-09-19", 180, 90, 60, 50, 66, "2025-09-08", "2025-09-19"},
		// From 1 September, before the plan: it counts from 8 September;
		// to 5 October, the day before the review: 20 weekdays, 360.
		{"the whole plan", cycle(true), "2025-09-01", "2025-10-31", 360, 90, 60, 25, 66, "2025-09-08", "2025-10-05"},
		// Not reviewed: on to the end of the period, the 6 October session
		// counts; 8 Sep – 10 Oct is 25 weekdays, 450 minutes.
		{"a plan still in place", cycle(false), "2025-09-01", "2025-10-10", 450, 120, 90, 26, 75, "2025-09-08", "2025-10-10"},
		// Wednesday to Friday: 3 weekdays plan 3/5 of 90 = 54 minutes.
		{"part of a week", cycle(true), "2025-09-10", "2025-09-12", 54, 30, 0, 55, 0, "2025-09-10", "2025-09-12"},
	} {
		got := tc.p.Delivery(d(tc.from), d(tc.to))
		if len(got) != 1 {
			t.Fatalf("%s: %d provisions, want 1: %+v", tc.name, len(got), got)
		}
		g := got[0]
		dp, _ := g.DeliveredPercent()
		ap, _ := g.AttendedPercent()
		if g.PlannedMinutes != tc.planned || g.DeliveredMinutes != tc.delivered || g.AttendedMinutes != tc.attended ||
			dp != tc.deliveredPct || ap != tc.attendedPct || g.From != d(tc.wantFrom) || g.To != d(tc.wantTo) || g.PlannedPerWeek != 90 {
			t.Errorf("%s: planned %d, delivered %d (%d%%), attended %d (%d%%), %s–%s; want %d, %d (%d%%), %d (%d%%), %s–%s",
				tc.name, g.PlannedMinutes, g.DeliveredMinutes, dp, g.AttendedMinutes, ap, g.From, g.To,
				tc.planned, tc.delivered, tc.deliveredPct, tc.attended, tc.attendedPct, tc.wantFrom, tc.wantTo)
		}
	}
	if got := cycle(true).Delivery(d("2025-10-06"), d("2025-10-31")); len(got) != 0 {
		t.Errorf("after the review the plan is not in place: %+v", got)
	}
	if _, ok := (ProvisionDelivery{}).DeliveredPercent(); ok {
		t.Error("nothing planned has a percentage")
	}
}

func TestDeliveredShare(t *testing.T) {
	d := civil.MustParse
	// 3 × 30 minutes a week agreed Monday 1 September 2025. The window to
	// Friday 26 September is 29 Aug–26 Sep: the plan was not in place on
	// 29 Aug, so it is not judged. To Sunday 28 September the window is
	// 1–28 September: 20 weekdays, 4 weeks, 360 minutes planned.
	mk := func(sessions int, reviewed ...string) *Pupil {
		c := &Cycle{ID: "c", Plan: &PlanDoc{AgreedOn: d("2025-09-01"), Provisions: []PlannedProvision{{ProvisionID: "tb", SessionsPerWeek: 3, MinutesPerSession: 30}}}}
		if len(reviewed) > 0 {
			c.Review = &ReviewDoc{HeldOn: d(reviewed[0])}
		}
		for i := 0; i < sessions; i++ {
			s := Session{ProvisionID: "tb", DeliveredOn: d("2025-09-02").AddDays(i), Minutes: 30, Attended: true}
			c.delivered(i+1, &s)
		}
		return &Pupil{Cycles: []*Cycle{c}}
	}
	for _, tc := range []struct {
		name   string
		p      *Pupil
		asOf   string
		pct    int
		judged bool
	}{
		{"plan not in place for the whole window", mk(9), "2025-09-26", 0, false},
		{"plan reviewed in the window", mk(9, "2025-09-25"), "2025-09-28", 0, false},
		// 9 sessions × 30 = 270 of 360: 75%.
		{"at the threshold", mk(9), "2025-09-28", 75, true},
		// 8 × 30 = 240 of 360: 66%.
		{"below", mk(8), "2025-09-28", 66, true},
	} {
		pct, judged := tc.p.DeliveredShare(d(tc.asOf))
		if pct != tc.pct || judged != tc.judged {
			t.Errorf("%s: %d%% judged %v, want %d%% %v", tc.name, pct, judged, tc.pct, tc.judged)
		}
	}
}
