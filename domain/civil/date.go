// Package civil is a calendar date with no time of day and no time zone: the
// dates of the SEND Code of Practice ("15 days beginning with", "12 months
// after") are counted in whole days in England, so a time.Time would invite
// off-by-one-hour bugs around British Summer Time.
package civil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Date is a day in the proleptic Gregorian calendar, stored as the number of
// days since 0001-01-01 plus one, so that the zero value means "no date" and
// dates compare with < and ==. Four bytes keep large read models small.
type Date int32

// invalid marks a string that did not parse; validation reports it against the
// field it came from (see Date.UnmarshalJSON).
const invalid Date = -1

// epochOffset is the number of days from 0001-01-01 to 1970-01-01.
const epochOffset = 719162

// Layout is the only accepted format: YYYY-MM-DD.
const Layout = "2006-01-02"

// New returns the date y-m-d; out-of-range days and months normalise as in time.Date.
func New(y int, m time.Month, d int) Date {
	return FromTime(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// FromTime returns the calendar date of t in t's location.
func FromTime(t time.Time) Date {
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date(u.Unix()/86400 + epochOffset + 1)
}

// Parse reads YYYY-MM-DD.
func Parse(s string) (Date, error) {
	if d, ok := parseDigits(s); ok {
		return d, nil
	}
	t, err := time.Parse(Layout, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	// Year 0000 parses but lies before the first day a Date can hold.
	d := FromTime(t)
	if !d.Valid() {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	return d, nil
}

// parseDigits reads a well-formed YYYY-MM-DD of the years 1000 to 9999
// without time.Parse, which costs a rebuild a good part of its time; ok is
// false for anything else, which Parse then reads (and explains) the slow
// way.
func parseDigits(s string) (Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	num := func(x string) int {
		n := 0
		for i := 0; i < len(x); i++ {
			if x[i] < '0' || x[i] > '9' {
				return -1
			}
			n = n*10 + int(x[i]-'0')
		}
		return n
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	if y < 1000 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return Date(daysFromCivil(y, m, d) + epochOffset + 1), true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar (H. Hinnant, "chrono-Compatible Low-Level
// Date Algorithms").
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400 // y ≥ 999 here, so no negative years
	yoe := y - era*400
	mp := m + 9
	if m > 2 {
		mp = m - 3
	}
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// MustParse is Parse for tests and constant tables.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == 0 }

// Valid reports whether d is a set, well-formed date.
func (d Date) Valid() bool { return d > 0 }

// Time is midnight UTC at the start of d.
func (d Date) Time() time.Time {
	return time.Unix(int64(d-1-epochOffset)*86400, 0).UTC()
}

// Parts returns year, month and day.
func (d Date) Parts() (int, time.Month, int) { return d.Time().Date() }

// Year returns d's year.
func (d Date) Year() int { y, _, _ := d.Parts(); return y }

// String formats d as YYYY-MM-DD, or "" when unset.
func (d Date) String() string {
	if !d.Valid() {
		return ""
	}
	return d.Time().Format(Layout)
}

// AddDays returns d + n days.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// AddWeeks returns d + 7n days: "N weeks of" a date in the Regulations.
func (d Date) AddWeeks(n int) Date { return d + Date(7*n) }

// AddMonths returns the same day of the month n months later, or the last day
// of that month where it has no such day (29 Feb 2024 + 12 months = 28 Feb 2025).
// time.AddDate would normalise 29 Feb 2025 to 1 March instead.
func (d Date) AddMonths(n int) Date {
	y, m, day := d.Parts()
	total := int(m) - 1 + n
	ny := y + floorDiv(total, 12)
	nm := time.Month(total - floorDiv(total, 12)*12 + 1)
	if last := DaysIn(ny, nm); day > last {
		day = last
	}
	return New(ny, nm, day)
}

// DaysIn returns the number of days in month m of year y.
func DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// DaysUntil returns the number of days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e - d) }

// Before reports d < e.
func (d Date) Before(e Date) bool { return d < e }

// After reports d > e.
func (d Date) After(e Date) bool { return d > e }

// MarshalJSON writes "YYYY-MM-DD", or null when unset.
func (d Date) MarshalJSON() ([]byte, error) {
	if !d.Valid() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON accepts "YYYY-MM-DD" or null. Anything else (a string that
// is not a date, a number) is kept as an invalid Date rather than failing
// the whole decode, so that validation can name the offending field:
// encoding/json does not say which field a method's error came from (and
// since Go 1.27 no longer fills in UnmarshalTypeError.Field for it).
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = 0
		return nil
	}
	// The usual "YYYY-MM-DD", without a JSON string's escapes: parsed as
	// it is (a rebuild decodes millions of dates; encoding/json for each
	// was a tenth of its time).
	if len(b) == 12 && b[0] == '"' && b[11] == '"' && bytes.IndexByte(b, '\\') < 0 {
		p, ok := parseDigits(string(b[1:11]))
		if !ok {
			p = invalid
			if q, err := Parse(string(b[1:11])); err == nil {
				p = q
			}
		}
		*d = p
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		*d = invalid
		return nil
	}
	if s == "" {
		*d = 0
		return nil
	}
	p, err := Parse(s)
	if err != nil {
		*d = invalid
		return nil
	}
	*d = p
	return nil
}

// Min returns the earlier of a and b, ignoring unset dates.
func Min(a, b Date) Date {
	switch {
	case !a.Valid():
		return b
	case !b.Valid():
		return a
	case a < b:
		return a
	}
	return b
}

// Max returns the later of a and b.
func Max(a, b Date) Date {
	if a > b {
		return a
	}
	return b
}

// Today returns the calendar date of now in England. Only adapters (the API,
// command-line tools) call it; the domain is always handed its dates.
func Today(now time.Time) Date {
	return FromTime(now.In(London))
}

// Weekday is the day of the week d falls on.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// SchoolDay reports whether d is a Monday to Friday. Term dates and bank
// holidays are not kept, so a holiday counts as a school day: a reminder
// is then early, never late, and a holiday plans minutes of provision.
func (d Date) SchoolDay() bool {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// SchoolDaysBefore is the date n school days before d.
func (d Date) SchoolDaysBefore(n int) Date {
	for n > 0 {
		d = d.AddDays(-1)
		if d.SchoolDay() {
			n--
		}
	}
	return d
}

// SchoolDaysAfter is the date n school days after d.
func (d Date) SchoolDaysAfter(n int) Date {
	for n > 0 {
		d = d.AddDays(1)
		if d.SchoolDay() {
			n--
		}
	}
	return d
}

// SchoolDaysTo counts the school days from d to e, both included.
func (d Date) SchoolDaysTo(e Date) int {
	n := 0
	for ; !d.After(e); d = d.AddDays(1) {
		if d.SchoolDay() {
			n++
		}
	}
	return n
}
