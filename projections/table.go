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
