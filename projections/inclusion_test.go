package projections

import (
	"testing"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/inclusion"
	"github.com/sendcase/sendcase/domain/need"
)

func pf(v float64) *float64 { return &v }

func samePtr(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// TestShareOfNeed: the shares of a school's pupils by need, and of its roll.
func TestShareOfNeed(t *testing.T) {
	area := map[string]need.Area{}
	for _, c := range need.Codes {
		area[c.Code] = c.Area
	}
	term := inclusion.Term{Season: "autumn", Year: 2025}
	att := &inclusion.Attendance{Terms: []inclusion.TermCounts{{Term: term,
		None: inclusion.Counts{OnRoll: 180}, Support: inclusion.Counts{OnRoll: 16}, Plan: inclusion.Counts{OnRoll: 4}}}}
	// 16 on SEN support: SLCN 6, ASD 2, MLD 8; 4 plans: ASD 3, SEMH 1.
	np := pattern("Oak", map[string][2]int{"SLCN": {6, 0}, "ASD": {2, 3}, "MLD": {8, 0}, "SEMH": {0, 1}}, area, att, civil.MustParse("2025-11-10"))
	ci, cl, semh := np.ByArea[0], np.ByArea[1], np.ByArea[2]
	for _, tc := range []struct {
		name      string
		got, want *float64
	}{
		{"SEN support of the roll: 16 of 200", np.SupportOfRoll, pf(8)},
		{"EHC plans of the roll: 4 of 200", np.PlanOfRoll, pf(2)},
		{"communication and interaction on SEN support: 6 + 2 of 16", ci.SupportPercent, pf(50)},
		{"communication and interaction plans: 3 of 4", ci.PlanPercent, pf(75)},
		{"cognition and learning on SEN support: 8 of 16", cl.SupportPercent, pf(50)},
		{"SEMH plans: 1 of 4", semh.PlanPercent, pf(25)},
	} {
		if !samePtr(tc.got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, *tc.want)
		}
	}
	if np.Roll != 200 || np.Support != 16 || np.Plan != 4 {
		t.Errorf("counts: %+v", np)
	}
}

// TestSmallNumbersWithheld: outside the school, a group of fewer than 5
// pupils is withheld, as are counts of 1 to 4 pupils suspended or
// excluded, and any ratio to a withheld no-SEN rate.
func TestSmallNumbersWithheld(t *testing.T) {
	tc := inclusion.TermCounts{Term: inclusion.Term{Season: "autumn", Year: 2025},
		None:    inclusion.Counts{OnRoll: 200, SessionsPossible: 20000, SessionsAttended: 19000, SuspendedPupils: 4, SuspensionDays: 6},
		Support: inclusion.Counts{OnRoll: 30, SessionsPossible: 3000, SessionsAttended: 2700, SuspendedPupils: 6, SuspensionDays: 9, PermanentExclusions: 1},
		Plan:    inclusion.Counts{OnRoll: 4, SessionsPossible: 400, SessionsAttended: 340}}
	school, trust := attendanceTerm(tc, true), attendanceTerm(tc, false)
	for _, c := range []struct {
		name      string
		got, want *float64
	}{
		// The school sees everything: SEN support suspensions 6 of 30, 20%,
		// ten times the no-SEN 4 of 200, 2%.
		{"the school: suspension ratio 20 / 2", school.Groups[1].SuspensionRatio, pf(10)},
		{"the school: the plans' absence, 60 of 400", school.Groups[2].Absence, pf(15)},
		// The trust: 4 suspended without SEN are too few, so their rate and
		// the ratio to it are withheld; 1 exclusion too.
		{"the trust: no-SEN suspensions", trust.Groups[0].Suspension, nil},
		{"the trust: the suspension ratio", trust.Groups[1].SuspensionRatio, nil},
		{"the trust: SEN support suspensions, 6 of 30", trust.Groups[1].Suspension, pf(20)},
		{"the trust: SEN support exclusions", trust.Groups[1].Exclusion, nil},
		{"the trust: absence ratio 10 / 5", trust.Groups[1].AbsenceRatio, pf(2)},
	} {
		if !samePtr(c.got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
	if !trust.Groups[2].Withheld || trust.Groups[2].Counts.OnRoll != 0 || school.Groups[2].Withheld {
		t.Errorf("4 pupils with plans: withheld from the trust only: %+v / %+v", trust.Groups[2], school.Groups[2])
	}
}
