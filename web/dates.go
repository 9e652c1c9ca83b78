package web

import (
	"github.com/sendcase/sendcase/domain/civil"
)

// People in England write dates day first: forms take 27/3/2026 (or
// 27/03/2026, or the ISO 2026-03-27 that links and the API use) and show
// what they hold as dd/mm/yyyy; pages print "27 March 2026".

// parseDate reads a date as a person or a link writes it.
func parseDate(s string) (civil.Date, error) { return civil.ParseDayFirst(s) }

// dayFirst shows a form's date value as dd/mm/yyyy, or as it was typed
// when it is not a date.
func dayFirst(v string) string {
	d, err := parseDate(v)
	if err != nil {
		return v
	}
	return d.Time().Format("02/01/2006")
}

// longDate prints a date as "3 March 2026".
// dayDate is a date with its weekday, as a letter gives a meeting's:
// "Monday 20 October 2025".
func dayDate(d civil.Date) string {
	if !d.Valid() {
		return "—"
	}
	return d.Time().Format("Monday 2 January 2006")
}

func longDate(d civil.Date) string {
	if !d.Valid() {
		return "—"
	}
	return d.Time().Format("2 January 2006")
}
