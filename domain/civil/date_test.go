package civil

import (
	"encoding/json"
	"testing"
	"time"
)

func TestAddMonths(t *testing.T) {
	tests := []struct {
		from   string
		months int
		want   string
	}{
		{"2024-02-29", 12, "2025-02-28"},
		{"2023-02-28", 12, "2024-02-28"},
		{"2024-01-31", 1, "2024-02-29"},
		{"2023-01-31", 1, "2023-02-28"},
		{"2024-03-31", 1, "2024-04-30"},
		{"2024-08-31", 12, "2025-08-31"},
		{"2024-12-15", 1, "2025-01-15"},
		{"2024-12-31", 2, "2025-02-28"},
		{"2025-03-31", -1, "2025-02-28"},
		{"2025-01-15", -1, "2024-12-15"},
		{"2028-02-29", 48, "2032-02-29"},
	}
	for _, tt := range tests {
		got := MustParse(tt.from).AddMonths(tt.months).String()
		if got != tt.want {
			t.Errorf("%s + %d months = %s, want %s", tt.from, tt.months, got, tt.want)
		}
	}
}

func TestDayArithmetic(t *testing.T) {
	d := MustParse("2025-01-01")
	if got := d.AddWeeks(6).String(); got != "2025-02-12" {
		t.Errorf("6 weeks: %s", got)
	}
	if got := d.AddDays(14).String(); got != "2025-01-15" {
		t.Errorf("14 days: %s", got)
	}
	if got := d.DaysUntil(MustParse("2025-03-01")); got != 59 {
		t.Errorf("days until: %d", got)
	}
	// Crossing the clocks going forward must not lose a day.
	if got := MustParse("2025-03-29").AddDays(2).String(); got != "2025-03-31" {
		t.Errorf("across BST: %s", got)
	}
}

func TestParseAndJSON(t *testing.T) {
	for _, bad := range []string{"2025-13-01", "2025-02-30", "01/02/2025", "2025-1-1", ""} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	var v struct {
		D Date `json:"d"`
	}
	if err := json.Unmarshal([]byte(`{"d":"2025-02-30"}`), &v); err != nil || v.D.Valid() || v.D.IsZero() {
		t.Errorf("bad date string: err=%v d=%d", err, v.D)
	}
	if err := json.Unmarshal([]byte(`{"d":12}`), &v); err != nil || v.D.Valid() || v.D.IsZero() {
		t.Errorf("number: want an invalid date for validation to name, got err=%v d=%d", err, v.D)
	}
	if err := json.Unmarshal([]byte(`{"d":"2025-09-01"}`), &v); err != nil || v.D.String() != "2025-09-01" {
		t.Errorf("good date: %v %s", err, v.D)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"d":"2025-09-01"}` {
		t.Errorf("marshal: %s", b)
	}
}

func TestTodayInLondon(t *testing.T) {
	// 23:30 UTC on 30 June is already 1 July in London (BST).
	now := time.Date(2025, 6, 30, 23, 30, 0, 0, time.UTC)
	if got := Today(now).String(); got != "2025-07-01" {
		t.Errorf("Today = %s", got)
	}
}

func FuzzAddMonths(f *testing.F) {
	f.Add(int32(738945), 12)
	f.Add(int32(739000), -5)
	f.Fuzz(func(t *testing.T, days int32, n int) {
		if days < 1 || days > 1_000_000 || n < -1200 || n > 1200 {
			return
		}
		d := Date(days)
		got := d.AddMonths(n)
		y, m, day := d.Parts()
		gy, gm, gd := got.Parts()
		wantMonths := y*12 + int(m) - 1 + n
		if gy*12+int(gm)-1 != wantMonths {
			t.Fatalf("%s + %d months = %s: wrong month", d, n, got)
		}
		if gd > day {
			t.Fatalf("%s + %d months = %s: later than the anniversary", d, n, got)
		}
		if gd < day && gd != DaysIn(gy, gm) {
			t.Fatalf("%s + %d months = %s: clamped but not to the month end", d, n, got)
		}
	})
}

// FuzzParse: Parse accepts exactly the strings that round-trip.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"2025-01-01", "2024-02-29", "2025-02-29", "0001-01-01", "9999-12-31", "2025-1-01", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("Parse(%q) = %s", s, d)
		}
	})
}

func TestSchoolDaysBefore(t *testing.T) {
	for _, tc := range []struct {
		due  string
		n    int
		want string
	}{
		{"2025-11-17", 5, "2025-11-10"}, // Monday: the Monday before
		{"2025-11-14", 5, "2025-11-07"}, // Friday: the Friday before
		{"2025-11-12", 5, "2025-11-05"}, // Wednesday: a weekend in between
		{"2025-11-16", 5, "2025-11-10"}, // Sunday: Monday to Friday before it
		{"2025-11-12", 0, "2025-11-12"},
	} {
		due, _ := Parse(tc.due)
		if got := due.SchoolDaysBefore(tc.n).String(); got != tc.want {
			t.Errorf("%s.SchoolDaysBefore(%d) = %s, want %s", tc.due, tc.n, got, tc.want)
		}
	}
}

func TestSchoolDaysTo(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     int
	}{
		{"2025-11-10", "2025-11-14", 5}, // Monday to Friday
		{"2025-11-08", "2025-11-09", 0}, // a weekend
		{"2025-10-14", "2025-11-10", 20},
		{"2025-11-10", "2025-11-09", 0},
	} {
		from, _ := Parse(tc.from)
		to, _ := Parse(tc.to)
		if got := from.SchoolDaysTo(to); got != tc.want {
			t.Errorf("%s to %s: %d school days, want %d", tc.from, tc.to, got, tc.want)
		}
	}
}

// TestParseDigitsAgreesWithTimeParse: the quick reading of YYYY-MM-DD
// gives time.Parse's date for every day of two centuries, and leaves
// everything else to it.
func TestParseDigitsAgreesWithTimeParse(t *testing.T) {
	for day := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() < 2101; day = day.AddDate(0, 0, 1) {
		s := day.Format(Layout)
		got, ok := parseDigits(s)
		if want := FromTime(day); !ok || got != want {
			t.Fatalf("%s: %v %v, want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"2025-02-29", "2024-02-30", "2025-13-01", "2025-00-10", "2025-1-01", "20250101", "2025-01-0x", "0999-12-31", "+025-01-01", ""} {
		if d, ok := parseDigits(s); ok {
			t.Errorf("%q read as %v", s, d)
		}
	}
}
