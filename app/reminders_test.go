package app

import (
	"testing"
	"time"
)

func TestWeeklyTime(t *testing.T) {
	mon7 := WeeklyTime{Day: time.Monday, Hour: 7}
	for _, tc := range []struct {
		name string
		w    WeeklyTime
		now  string
		want string
	}{
		{"Monday after 07:00 (GMT)", mon7, "2025-11-10T09:00:00Z", "2025-11-10T07:00:00Z"},
		{"Monday before 07:00: last week's", mon7, "2025-11-10T06:59:00Z", "2025-11-03T07:00:00Z"},
		{"Sunday", mon7, "2025-11-16T23:00:00Z", "2025-11-10T07:00:00Z"},
		{"in summer time, 07:00 in London is 06:00 UTC", mon7, "2025-06-09T06:30:00Z", "2025-06-09T06:00:00Z"},
		{"Friday 16:30", WeeklyTime{Day: time.Friday, Hour: 16, Minute: 30}, "2025-11-10T09:00:00Z", "2025-11-07T16:30:00Z"},
	} {
		now, _ := time.Parse(time.RFC3339, tc.now)
		if got := tc.w.last(now).UTC().Format(time.RFC3339); got != tc.want {
			t.Errorf("%s: last(%s) = %s, want %s", tc.name, tc.now, got, tc.want)
		}
	}
	for in, want := range map[string]WeeklyTime{"Mon 07:00": mon7, "friday 16:30": {Day: time.Friday, Hour: 16, Minute: 30}} {
		if got, err := ParseWeeklyTime(in); err != nil || got != want {
			t.Errorf("ParseWeeklyTime(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "Mon", "Mon 7am", "Someday 07:00", "Mon 25:00"} {
		if _, err := ParseWeeklyTime(bad); err == nil {
			t.Errorf("ParseWeeklyTime(%q) accepted", bad)
		}
	}
}
