package projections

import (
	"strconv"

	"github.com/sendcase/sendcase/domain/inclusion"
)

func optFloat(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// Table is the heat map as a table: a row per school and area.
func (m ReviewMap) Table() (header []string, rows [][]string) {
	header = []string{"school_id", "school", "round", "opened_on", "area", "statements", "rated", "secure", "developing", "not_yet",
		"percent", "change_points", "open_actions", "overdue_actions"}
	for _, s := range m.Schools {
		if len(s.Scores) == 0 {
			rows = append(rows, []string{s.SchoolID, s.School, "", "", "", "", "", "", "", "", "", "", strconv.Itoa(s.OpenActions), strconv.Itoa(s.Overdue)})
			continue
		}
		for i, sc := range s.Scores {
			rows = append(rows, []string{s.SchoolID, s.School, s.Round, s.OpenedOn.String(), inclusion.AreaName(sc.Area), strconv.Itoa(sc.Statements),
				strconv.Itoa(sc.Rated), strconv.Itoa(sc.Secure), strconv.Itoa(sc.Developing), strconv.Itoa(sc.NotYet), optFloat(sc.Percent),
				optFloat(s.Change[i]), strconv.Itoa(s.OpenActions), strconv.Itoa(s.Overdue)})
		}
	}
	return header, rows
}

// Table is patterns of need as a table: a row per group (the trust, each
// school) and need (each broad area, then each census code).
func (p Patterns) Table() (header []string, rows [][]string) {
	header = []string{"group", "school_id", "name", "need_kind", "need", "sen_support", "ehc_plan", "sen_support_percent", "ehc_plan_percent",
		"national_ehc_plan_percent", "roll", "withheld"}
	add := func(group string, np NeedPattern) {
		if np.Withheld {
			rows = append(rows, []string{group, np.SchoolID, np.Name, "", "", "", "", "", "", "", "", "true"})
			return
		}
		rows = append(rows, []string{group, np.SchoolID, np.Name, "all", "", strconv.Itoa(np.Support), strconv.Itoa(np.Plan),
			optFloat(np.SupportOfRoll), optFloat(np.PlanOfRoll), "", strconv.Itoa(np.Roll), "false"})
		for _, kind := range []struct {
			name  string
			lines []NeedCount
		}{{"area", np.ByArea}, {"code", np.ByNeed}} {
			for _, n := range kind.lines {
				rows = append(rows, []string{group, np.SchoolID, np.Name, kind.name, n.Need, strconv.Itoa(n.Support), strconv.Itoa(n.Plan),
					optFloat(n.SupportPercent), optFloat(n.PlanPercent), optFloat(n.NationalPlanPercent), "", "false"})
			}
		}
	}
	add("trust", p.Trust)
	for _, s := range p.Schools {
		add("school", s)
	}
	return header, rows
}

// Table is attendance and exclusions as a table: a row per group (the
// trust, each school), term and SEN status.
func (a AttendanceView) Table() (header []string, rows [][]string) {
	header = []string{"group", "school_id", "name", "term", "sen_status", "on_roll", "sessions_possible", "sessions_attended",
		"suspended_pupils", "suspension_days", "permanent_exclusions", "absence_percent", "suspension_percent", "exclusion_percent",
		"absence_ratio", "suspension_ratio", "exclusion_ratio", "withheld", "small_counts_withheld"}
	add := func(group string, s AttendanceSeries) {
		for _, t := range s.Terms {
			for _, g := range t.Groups {
				if g.Withheld {
					rows = append(rows, []string{group, s.SchoolID, s.Name, t.Term, g.Status, "", "", "", "", "", "", "", "", "", "", "", "", "true", "false"})
					continue
				}
				c := g.Counts
				rows = append(rows, []string{group, s.SchoolID, s.Name, t.Term, g.Status, strconv.Itoa(c.OnRoll), strconv.Itoa(c.SessionsPossible),
					strconv.Itoa(c.SessionsAttended), strconv.Itoa(c.SuspendedPupils), optFloat(&c.SuspensionDays), strconv.Itoa(c.PermanentExclusions),
					optFloat(g.Absence), optFloat(g.Suspension), optFloat(g.Exclusion), optFloat(g.AbsenceRatio), optFloat(g.SuspensionRatio),
					optFloat(g.ExclusionRatio), strconv.FormatBool(g.Withheld), strconv.FormatBool(g.SmallCounts)})
			}
		}
	}
	add("trust", a.Trust)
	for _, s := range a.Schools {
		add("school", s)
	}
	return header, rows
}
