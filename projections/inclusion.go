package projections

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/inclusion"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
)

// The trust's inclusion views: the MAT SEND review's heat map, patterns of
// need, and attendance and exclusions by SEN status.

// ReviewRow is one school's row of the heat map: its latest round's score
// in each area, the change since the round before, and its open actions.
type ReviewRow struct {
	SchoolID string                `json:"school_id"`
	School   string                `json:"school"`
	RoundID  string                `json:"round_id,omitempty"`
	Round    string                `json:"round,omitempty"`
	OpenedOn civil.Date            `json:"opened_on,omitempty"`
	Scores   []inclusion.AreaScore `json:"scores"`
	// Change is each area's percent minus the round before's, in points;
	// nil where either is missing.
	Change      []*float64 `json:"change"`
	OpenActions int        `json:"open_actions"`
	Overdue     int        `json:"overdue_actions"`
	Rounds      int        `json:"rounds"`
}

// OpenAction is an action not yet done, with where it comes from.
type OpenAction struct {
	inclusion.Action
	RoundID  string `json:"round_id"`
	SchoolID string `json:"school_id"`
	Overdue  bool   `json:"overdue"`
}

// ReviewMap is the trust's (or one school's) heat map of schools × areas.
type ReviewMap struct {
	Areas   []inclusion.Area `json:"areas"`
	Schools []ReviewRow      `json:"schools"`
	Actions []OpenAction     `json:"open_actions"`
}

// Reviews builds the heat map of trust t's schools (only schoolID's when
// set) from their rounds in the directory, as of today.
func (v Views) Reviews(t trust.Trust, schoolID string) ReviewMap {
	out := ReviewMap{Areas: inclusion.Areas, Schools: []ReviewRow{}, Actions: []OpenAction{}}
	statements := t.Statements()
	for _, sch := range t.Schools {
		if schoolID != "" && sch.ID != schoolID {
			continue
		}
		rounds := v.Dir.Rounds(sch.ID)
		row := ReviewRow{SchoolID: sch.ID, School: sch.Name, Rounds: len(rounds)}
		if n := len(rounds); n > 0 {
			last := rounds[n-1]
			row.RoundID, row.Round, row.OpenedOn, row.Scores = last.ID, last.Name, last.OpenedOn, last.Scores(statements)
			var before []inclusion.AreaScore
			if n > 1 {
				before = rounds[n-2].Scores(statements)
			}
			row.Change = make([]*float64, len(row.Scores))
			for i, sc := range row.Scores {
				if before != nil && sc.Percent != nil && before[i].Percent != nil {
					d := math.Round((*sc.Percent-*before[i].Percent)*10) / 10
					row.Change[i] = &d
				}
			}
		}
		for _, r := range rounds {
			for _, a := range r.Actions {
				if a.Open() {
					oa := OpenAction{Action: a, RoundID: r.ID, SchoolID: sch.ID, Overdue: v.Today.After(a.DueOn)}
					out.Actions = append(out.Actions, oa)
					row.OpenActions++
					if oa.Overdue {
						row.Overdue++
					}
				}
			}
		}
		out.Schools = append(out.Schools, row)
	}
	slices.SortStableFunc(out.Actions, func(a, b OpenAction) int { return cmp.Compare(a.DueOn, b.DueOn) })
	return out
}

// NationalCensus2025 are the national figures patterns of need are set
// beside: the shares of all pupils on SEN support and with an EHC plan
// (DfE, "Special educational needs in England", academic year 2024/25,
// from the January 2025 school census), and the shares of EHC plans by
// primary need (DfE, "Education, health and care plans", January 2025).
// See docs/inclusion.md.
var NationalCensus2025 = National{
	Source:         "DfE, Special educational needs in England (January 2025 school census); Education, health and care plans (January 2025)",
	SupportPercent: 14.2, PlanPercent: 5.3,
	PlanByNeed: map[string]float64{"ASD": 31.5, "SLCN": 21.3, "SEMH": 20.7, "MLD": 10.6, "PD": 3.9, "SLD": 3.9,
		"SPLD": 2.4, "HI": 1.4, "PMLD": 1.3, "OTH": 1.2, "VI": 0.8, "MSI": 0.3},
}

// National are national shares, in percent.
type National struct {
	Source         string             `json:"source"`
	SupportPercent float64            `json:"sen_support_percent_of_pupils"`
	PlanPercent    float64            `json:"ehc_plan_percent_of_pupils"`
	PlanByNeed     map[string]float64 `json:"ehc_plans_percent_by_need"`
}

// NeedCount is pupils of one need (a census code or a broad area) on SEN
// support and with an EHC plan, and their shares of the group's pupils
// of that status.
type NeedCount struct {
	Need           string   `json:"need"`
	Label          string   `json:"label"`
	Support        int      `json:"sen_support"`
	Plan           int      `json:"ehc_plan"`
	SupportPercent *float64 `json:"sen_support_percent"`
	PlanPercent    *float64 `json:"ehc_plan_percent"`
	// NationalPlanPercent is the national share of EHC plans with this
	// need, where known.
	NationalPlanPercent *float64 `json:"national_ehc_plan_percent,omitempty"`
}

// NeedPattern is one school's (or the trust's) pupils by need.
type NeedPattern struct {
	SchoolID string `json:"school_id,omitempty"`
	Name     string `json:"name"`
	Support  int    `json:"sen_support"`
	Plan     int    `json:"ehc_plan"`
	// Roll is the pupils on roll from the latest attendance counts
	// imported (0: not known), and the shares of it.
	Roll           int         `json:"roll"`
	SupportOfRoll  *float64    `json:"sen_support_percent_of_roll"`
	PlanOfRoll     *float64    `json:"ehc_plan_percent_of_roll"`
	ByArea         []NeedCount `json:"by_area"`
	ByNeed         []NeedCount `json:"by_need"`
	Withheld       bool        `json:"withheld"`
	DifferenceArea string      `json:"most_different_area,omitempty"`
	// Difference is the largest gap, in points, between the school's share
	// of SEN pupils in a broad area and the trust's.
	Difference float64 `json:"difference_points"`
	// NationalDifference is the school's share of its roll with SEN (on SEN
	// support or with a plan) less the national share, in points; nil
	// when its roll is not known.
	NationalDifference *float64 `json:"national_difference_points,omitempty"`
}

// Patterns is patterns of need on a date.
type Patterns struct {
	AsOf     civil.Date    `json:"as_of"`
	National National      `json:"national"`
	Trust    NeedPattern   `json:"trust"`
	Schools  []NeedPattern `json:"schools"`
	// Series is the trust's SEN support and EHC plan shares of SEN pupils
	// by broad area at each term end of the last two years.
	Series []PatternPoint `json:"series"`
}

// PatternPoint is the trust's pupils by area at a date.
type PatternPoint struct {
	AsOf    civil.Date     `json:"as_of"`
	Support int            `json:"sen_support"`
	Plan    int            `json:"ehc_plan"`
	ByArea  map[string]int `json:"by_area"`
}

// Patterns counts the pupils on SEN support and with EHC plans of trust t
// (only schoolID's when set) by primary need and broad area as the
// record stood at asOf, with shares; small shows figures behind fewer
// than MinPupils pupils (otherwise a school's pattern is withheld).
func (v Views) Patterns(ctx context.Context, t trust.Trust, schoolID string, asOf civil.Date, small bool) (Patterns, error) {
	ends := termEnds(asOf)
	out := Patterns{AsOf: asOf, National: NationalCensus2025, Schools: []NeedPattern{}}
	counts := map[string]map[string][2]int{} // school → need → [support, plan]
	series := make([]PatternPoint, len(ends))
	for i, e := range ends {
		series[i] = PatternPoint{AsOf: e, ByArea: map[string]int{}}
	}
	area := map[string]need.Area{}
	for _, c := range need.Codes {
		area[c.Code] = c.Area
	}
	visit := func(s *Summary) {
		s.eachMonthEnd(ends, func(i int, p *pupil.Pupil) {
			if !p.Exists() || !p.OnRoll || (p.SENStatus != need.SENSupport && p.SENStatus != need.EHCPlan) {
				return
			}
			k := 0
			if p.SENStatus == need.EHCPlan {
				k = 1
			}
			code := p.PrimaryNeed
			if code == "" {
				code = "NSA"
			}
			pt := &series[i]
			pt.ByArea[string(area[code])]++
			if k == 0 {
				pt.Support++
			} else {
				pt.Plan++
			}
			if i == len(ends)-1 {
				if counts[p.SchoolID] == nil {
					counts[p.SchoolID] = map[string][2]int{}
				}
				c := counts[p.SchoolID][code]
				c[k]++
				counts[p.SchoolID][code] = c
			}
		})
	}
	var err error
	if schoolID != "" {
		err = v.Store.EachPastSchoolPupil(ctx, schoolID, visit)
	} else {
		err = v.Store.EachPastTrustPupil(ctx, t.ID, visit)
	}
	if err != nil {
		return Patterns{}, err
	}
	out.Series = series
	all := map[string][2]int{}
	roll := 0
	for _, sch := range t.Schools {
		if schoolID != "" && sch.ID != schoolID {
			continue
		}
		att := v.Dir.Attendance(sch.ID)
		np := pattern(sch.Name, counts[sch.ID], area, &att, asOf)
		np.SchoolID = sch.ID
		for code, c := range counts[sch.ID] {
			a := all[code]
			a[0], a[1] = a[0]+c[0], a[1]+c[1]
			all[code] = a
		}
		if np.Roll > 0 && roll >= 0 {
			roll += np.Roll
		} else {
			roll = -1 // one school's roll unknown: the trust's is too
		}
		out.Schools = append(out.Schools, np)
	}
	out.Trust = pattern(t.Name, all, area, nil, asOf)
	if roll > 0 {
		out.Trust.Roll = roll
		out.Trust.SupportOfRoll, out.Trust.PlanOfRoll = share(out.Trust.Support, roll), share(out.Trust.Plan, roll)
	}
	for i := range out.Schools {
		s := &out.Schools[i]
		for j, a := range s.ByArea {
			ts := out.Trust.ByArea[j]
			d := math.Abs(pct(a.Support+a.Plan, s.Support+s.Plan) - pct(ts.Support+ts.Plan, out.Trust.Support+out.Trust.Plan))
			if d > s.Difference {
				s.Difference, s.DifferenceArea = math.Round(d*10)/10, a.Need
			}
		}
		if s.Roll > 0 {
			nd := math.Round((pct(s.Support+s.Plan, s.Roll)-NationalCensus2025.SupportPercent-NationalCensus2025.PlanPercent)*10) / 10
			s.NationalDifference = &nd
		}
		if !small && s.Support+s.Plan < MinPupils {
			*s = NeedPattern{SchoolID: s.SchoolID, Name: s.Name, Withheld: true, ByArea: []NeedCount{}, ByNeed: []NeedCount{}}
		}
	}
	if !small && out.Trust.Support+out.Trust.Plan < MinPupils {
		out.Trust = NeedPattern{Name: t.Name, Withheld: true, ByArea: []NeedCount{}, ByNeed: []NeedCount{}}
	}
	slices.SortStableFunc(out.Schools, func(a, b NeedPattern) int { return cmp.Compare(b.Difference, a.Difference) })
	return out, nil
}

// pattern is the counts by need of one group, with shares (of its roll
// from att, when given and known on asOf).
func pattern(name string, byCode map[string][2]int, area map[string]need.Area, att *inclusion.Attendance, asOf civil.Date) NeedPattern {
	np := NeedPattern{Name: name, ByArea: []NeedCount{}, ByNeed: []NeedCount{}}
	areas := map[need.Area][2]int{}
	for code, c := range byCode {
		np.Support += c[0]
		np.Plan += c[1]
		a := areas[area[code]]
		a[0], a[1] = a[0]+c[0], a[1]+c[1]
		areas[area[code]] = a
	}
	for _, c := range need.Codes {
		n := byCode[c.Code]
		if n == [2]int{} {
			continue
		}
		nc := NeedCount{Need: c.Code, Label: c.Label, Support: n[0], Plan: n[1], SupportPercent: share(n[0], np.Support), PlanPercent: share(n[1], np.Plan)}
		if nat, ok := NationalCensus2025.PlanByNeed[c.Code]; ok {
			nc.NationalPlanPercent = &nat
		}
		np.ByNeed = append(np.ByNeed, nc)
	}
	for _, a := range need.Areas {
		n := areas[a]
		np.ByArea = append(np.ByArea, NeedCount{Need: string(a), Label: a.Label(), Support: n[0], Plan: n[1],
			SupportPercent: share(n[0], np.Support), PlanPercent: share(n[1], np.Plan)})
	}
	if att != nil {
		if tc, ok := att.Latest(asOf); ok && tc.Roll() > 0 {
			np.Roll = tc.Roll()
			np.SupportOfRoll, np.PlanOfRoll = share(np.Support, np.Roll), share(np.Plan, np.Roll)
		}
	}
	return np
}

// share is n of d in percent, to one decimal; nil when d is 0.
func share(n, d int) *float64 {
	if d <= 0 {
		return nil
	}
	p := math.Round(float64(n)/float64(d)*1000) / 10
	return &p
}

func pct(n, d int) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / float64(d) * 100
}

// termEnds are the ends of the terms of the two years before asOf that
// have ended, oldest first, and asOf itself last.
func termEnds(asOf civil.Date) []civil.Date {
	var out []civil.Date
	y, _, _ := asOf.Parts()
	for year := y - 2; year <= y; year++ {
		for _, season := range []string{"spring", "summer", "autumn"} {
			if e := (inclusion.Term{Season: season, Year: year}).End(); e.Before(asOf) && !e.Before(asOf.AddDays(-730)) {
				out = append(out, e)
			}
		}
	}
	return append(out, asOf)
}

// AttendanceGroup is one SEN status's figures for a term, and their ratio
// to pupils with no SEN.
type AttendanceGroup struct {
	Status string           `json:"sen_status"`
	Counts inclusion.Counts `json:"counts"`
	inclusion.Rates
	// Ratios are the group's rates over the no-SEN group's: 2 means twice
	// as likely (nil for the no-SEN group itself, or when unknown).
	AbsenceRatio    *float64 `json:"absence_ratio,omitempty"`
	SuspensionRatio *float64 `json:"suspension_ratio,omitempty"`
	ExclusionRatio  *float64 `json:"exclusion_ratio,omitempty"`
	// Withheld: the group has fewer than MinPupils pupils on roll, shown
	// only to the school's SENCO; SmallCounts: a count of 1 to 4 pupils
	// suspended or excluded was withheld, with its rate and ratio.
	Withheld    bool `json:"withheld"`
	SmallCounts bool `json:"small_counts_withheld"`
}

// AttendanceTerm is a school's (or the trust's) term, by SEN status.
type AttendanceTerm struct {
	Term   string            `json:"term"`
	Label  string            `json:"label"`
	Groups []AttendanceGroup `json:"groups"`
}

// AttendanceSeries is one school's terms, or the trust's.
type AttendanceSeries struct {
	SchoolID string           `json:"school_id,omitempty"`
	Name     string           `json:"name"`
	Terms    []AttendanceTerm `json:"terms"`
}

// AttendanceView is attendance and exclusions by SEN status, term by term.
type AttendanceView struct {
	MinPupils int                `json:"min_pupils"`
	Trust     AttendanceSeries   `json:"trust"`
	Schools   []AttendanceSeries `json:"schools"`
}

// Attendance builds the attendance view of trust t (only schoolID's when
// set); small shows figures behind fewer than MinPupils pupils.
func (v Views) Attendance(t trust.Trust, schoolID string, small bool) AttendanceView {
	out := AttendanceView{MinPupils: MinPupils, Trust: AttendanceSeries{Name: t.Name, Terms: []AttendanceTerm{}}, Schools: []AttendanceSeries{}}
	sums := map[inclusion.Term]*inclusion.TermCounts{}
	for _, sch := range t.Schools {
		if schoolID != "" && sch.ID != schoolID {
			continue
		}
		att := v.Dir.Attendance(sch.ID)
		series := AttendanceSeries{SchoolID: sch.ID, Name: sch.Name, Terms: []AttendanceTerm{}}
		for _, tc := range att.Terms {
			series.Terms = append(series.Terms, attendanceTerm(tc, small))
			sum := sums[tc.Term]
			if sum == nil {
				sum = &inclusion.TermCounts{Term: tc.Term}
				sums[tc.Term] = sum
			}
			sum.None, sum.Support, sum.Plan = sum.None.Add(tc.None), sum.Support.Add(tc.Support), sum.Plan.Add(tc.Plan)
		}
		out.Schools = append(out.Schools, series)
	}
	terms := make([]inclusion.Term, 0, len(sums))
	for t := range sums {
		terms = append(terms, t)
	}
	slices.SortFunc(terms, inclusion.Term.Compare)
	for _, term := range terms {
		out.Trust.Terms = append(out.Trust.Terms, attendanceTerm(*sums[term], small))
	}
	return out
}

func attendanceTerm(tc inclusion.TermCounts, small bool) AttendanceTerm {
	at := AttendanceTerm{Term: tc.Term.String(), Label: tc.Term.Label()}
	base := tc.None.Rates()
	for _, st := range inclusion.Statuses {
		c := tc.Of(st)
		g := AttendanceGroup{Status: string(st), Counts: c, Rates: c.Rates()}
		if st != need.NoSEN {
			g.AbsenceRatio = inclusion.Ratio(g.Absence, base.Absence)
			g.SuspensionRatio = inclusion.Ratio(g.Suspension, base.Suspension)
			g.ExclusionRatio = inclusion.Ratio(g.Exclusion, base.Exclusion)
		}
		if !small {
			switch {
			case c.OnRoll < MinPupils:
				g = AttendanceGroup{Status: string(st), Withheld: true}
			default:
				if c.SuspendedPupils > 0 && c.SuspendedPupils < MinPupils {
					g.Suspension, g.SuspensionRatio, g.Counts.SuspendedPupils, g.Counts.SuspensionDays, g.SmallCounts = nil, nil, 0, 0, true
				}
				if c.PermanentExclusions > 0 && c.PermanentExclusions < MinPupils {
					g.Exclusion, g.ExclusionRatio, g.Counts.PermanentExclusions, g.SmallCounts = nil, nil, 0, true
				}
			}
		}
		at.Groups = append(at.Groups, g)
	}
	// A ratio to a no-SEN rate that is withheld would give that rate away.
	if base := at.Groups[0]; base.Withheld || base.Suspension == nil || base.Exclusion == nil {
		for i := range at.Groups[1:] {
			g := &at.Groups[i+1]
			if base.Withheld {
				g.AbsenceRatio = nil
			}
			if base.Withheld || base.Suspension == nil {
				g.SuspensionRatio = nil
			}
			if base.Withheld || base.Exclusion == nil {
				g.ExclusionRatio = nil
			}
		}
	}
	return at
}
