package projections

import (
	"strconv"

	"github.com/sendcase/sendcase/domain/need"
)

// Table is the provision map as a table (a header and rows, for CSV): a
// line per provision, one per area of need, and the total. The API and
// the UI download the same table.
func (m ProvisionMap) Table() (header []string, rows [][]string) {
	line := func(id, name, area string, l ProvisionLine) []string {
		return []string{id, name, area, strconv.Itoa(l.Pupils), strconv.Itoa(l.WeeklyPupilMinutes),
			strconv.FormatFloat(l.WeeklyStaffHours, 'f', -1, 64), strconv.FormatInt(l.AnnualCostPence, 10)}
	}
	for _, l := range m.Provisions {
		rows = append(rows, line(l.ProvisionID, l.Name, l.AreaOfNeed, l))
	}
	for _, a := range need.Areas {
		if l := m.ByAreaOfNeed[string(a)]; l != nil {
			rows = append(rows, line("", "Area: "+a.Label(), string(a), *l))
		}
	}
	rows = append(rows, line("", "Total", "", m.Totals))
	return []string{"provision_id", "name", "area_of_need", "pupils", "weekly_pupil_minutes", "weekly_staff_hours", "annual_cost_pence"}, rows
}

// CaseloadTable is a caseload as a table: the CSV download's columns, the
// API's and the UI's.
func CaseloadTable(pupils []CaseloadRow) (header []string, rows [][]string) {
	header = []string{"pupil_id", "name", "year_group", "sen_status", "primary_need", "secondary_need", "area_of_need", "stage",
		"review_due_on", "review_overdue", "days_overdue", "active_provisions", "open_referrals", "ehcp_status",
		"next_statutory_due_on", "statutory_overdue", "parent_meetings", "parent_meetings_behind", "delivered_percent_4_weeks", "delivery_behind"}
	rows = make([][]string, len(pupils))
	for i, x := range pupils {
		rows[i] = []string{x.PupilID, x.Name, x.YearGroup, x.SENStatus, x.PrimaryNeed, x.SecondaryNeed, x.AreaOfNeed, x.Stage,
			x.ReviewDueOn.String(), strconv.FormatBool(x.ReviewOverdue), strconv.Itoa(x.DaysOverdue), strconv.Itoa(x.ActiveProvisions),
			strconv.Itoa(x.OpenReferrals), x.EHCPStatus, x.NextStatutoryDueOn.String(), strconv.Itoa(x.StatutoryOverdue),
			strconv.Itoa(x.ParentMeetings), strconv.FormatBool(x.ParentMeetingsBehind), optInt(x.DeliveredPercent), strconv.FormatBool(x.DeliveryBehind)}
	}
	return header, rows
}

// DueTable is a due list as a table, for the CSV downloads of the API and
// the UI.
func DueTable(items []DueItem) (header []string, rows [][]string) {
	header = []string{"due_on", "overdue", "days", "kind", "from", "pupil_id", "name", "school_id", "basis"}
	rows = make([][]string, len(items))
	for i, x := range items {
		rows[i] = []string{x.DueOn.String(), strconv.FormatBool(x.Overdue), strconv.Itoa(x.Days), x.Kind, x.From, x.PupilID, x.Name, x.SchoolID, x.Basis}
	}
	return header, rows
}

// optInt is an optional whole number in a table: blank when absent.
func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// Table is a delivery view as a table: a row per provision, per school
// (trust views) and per pupil's provision (school views), then the total.
func (d Delivery) Table() (header []string, rows [][]string) {
	header = []string{"row", "provision_id", "school_id", "pupil_id", "name", "pupils", "planned_per_week", "planned_minutes",
		"delivered_minutes", "delivered_percent", "attended_minutes", "attended_percent", "below_threshold"}
	line := func(kind string, l DeliveryLine) []string {
		return []string{kind, l.ProvisionID, l.SchoolID, "", l.Name, strconv.Itoa(l.Pupils), strconv.Itoa(l.PlannedPerWeek), strconv.Itoa(l.PlannedMinutes),
			strconv.Itoa(l.DeliveredMinutes), optInt(l.DeliveredPercent), strconv.Itoa(l.AttendedMinutes), optInt(l.AttendedPercent), ""}
	}
	for _, l := range d.Provisions {
		rows = append(rows, line("provision", l))
	}
	for _, l := range d.Schools {
		rows = append(rows, line("school", l))
	}
	below := map[string]bool{}
	for _, b := range d.Below {
		below[b.PupilID] = true
	}
	for _, p := range d.Pupils {
		rows = append(rows, []string{"pupil", p.ProvisionID, "", p.PupilID, p.Name + " (" + p.ProvisionName + ")", "1", strconv.Itoa(p.PlannedPerWeek),
			strconv.Itoa(p.PlannedMinutes), strconv.Itoa(p.DeliveredMinutes), optInt(p.DeliveredPercent), strconv.Itoa(p.AttendedMinutes),
			optInt(p.AttendedPercent), strconv.FormatBool(below[p.PupilID])})
	}
	rows = append(rows, line("total", d.Totals))
	return header, rows
}

// Table is an impact view as a table: a row per provision, per group and
// provision, and the total, with a row per measure under each; withheld
// figures are blank, with suppressed true.
func (im Impact) Table() (header []string, rows [][]string) {
	header = []string{"row", "provision_id", "name", "by", "key", "label", "suppressed", "pupils", "outcomes", "met_or_exceeded",
		"met_percent", "cost_pence", "cost_per_outcome_met_pence", "measure", "unit", "measured_outcomes", "mean_gain",
		"mean_of_target_percent", "reached_target"}
	optPence := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	add := func(kind string, l ImpactLine) {
		head := []string{kind, l.ProvisionID, l.Name, l.By, l.Key, l.Label, strconv.FormatBool(l.Suppressed)}
		if l.Suppressed {
			rows = append(rows, append(head, make([]string, 12)...))
			return
		}
		rows = append(rows, append(head, strconv.Itoa(l.Pupils), strconv.Itoa(l.Outcomes), strconv.Itoa(l.MetOrExceeded), optInt(l.MetPercent),
			strconv.FormatInt(l.CostPence, 10), optPence(l.CostPerOutcomeMetPence), "", "", "", "", "", ""))
		for _, m := range l.Measures {
			rows = append(rows, append(append([]string{}, head...), "", "", "", "", "", "", m.Name, m.Unit, strconv.Itoa(m.Outcomes),
				strconv.FormatFloat(m.MeanGain, 'f', -1, 64), strconv.Itoa(m.MeanOfTargetPercent), strconv.Itoa(m.ReachedTarget)))
		}
	}
	for _, l := range im.Provisions {
		add("provision", l)
	}
	for _, l := range im.Groups {
		add("group", l)
	}
	add("total", im.Totals)
	return header, rows
}
