// Package yeargroup handles National Curriculum year groups, which advance
// every 1 September. Pupils may be taught outside their chronological cohort,
// so a year group is never derived from the date of birth.
package yeargroup

import (
	"fmt"
	"time"

	"github.com/sendcase/sendcase/domain/civil"
)

// Group is a year group: N1, N2, R, 1 … 14.
type Group string

// order lists the groups in the order pupils move through them.
var order = []Group{"N1", "N2", "R", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14"}

var index = func() map[Group]int {
	m := make(map[Group]int, len(order))
	for i, g := range order {
		m[g] = i
	}
	return m
}()

// All returns every group in order.
func All() []Group { return append([]Group(nil), order...) }

// Valid reports whether g is a year group.
func Valid(g Group) bool { _, ok := index[g]; return ok }

// Number returns the numeric year (1–14) of g, or 0 for N1, N2 and R.
func (g Group) Number() int {
	i := index[g]
	if i < 3 {
		return 0
	}
	return i - 2
}

// After is the group years academic years after g (14 stays 14).
func (g Group) After(years int) Group {
	i, ok := index[g]
	if !ok {
		return g
	}
	return order[min(max(i+years, 0), len(order)-1)]
}

// AcademicYearStart returns the 1 September that starts the academic year
// containing d (academic years run 1 September – 31 August).
func AcademicYearStart(d civil.Date) civil.Date {
	y, m, _ := d.Parts()
	if m < time.September {
		y--
	}
	return civil.New(y, time.September, 1)
}

// On returns the year group on date on of a pupil who was in group at on date
// given. It advances once for each 1 September after given up to and including
// on, and stops at 14. Dates before given answer with earlier groups, down to N1.
func On(group Group, given, on civil.Date) (Group, error) {
	i, ok := index[group]
	if !ok {
		return "", fmt.Errorf("year group %q: not one of N1, N2, R, 1–14", group)
	}
	steps := AcademicYearStart(on).Year() - AcademicYearStart(given).Year()
	i += steps
	if i >= len(order) {
		i = len(order) - 1
	}
	if i < 0 {
		i = 0
	}
	return order[i], nil
}

// Label is the year group in words, as a letter names it: "Year 5",
// "Reception", "Nursery 1".
func (g Group) Label() string {
	switch g {
	case "R":
		return "Reception"
	case "N1", "N2":
		return "Nursery " + string(g[1:])
	case "":
		return ""
	}
	return "Year " + string(g)
}
