package projections_test

import (
	"context"
	"testing"

	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) projections.Store { return projections.NewMemory() })
}

func TestAnnualCostPenceRounding(t *testing.T) {
	tests := []struct {
		hourly                  int64
		spw, mins, weeks, group int
		want                    int64
	}{
		{1800, 3, 30, 39, 4, 26325},
		{1850, 3, 30, 38, 4, 26363}, // 26362.5 rounds up
		{1850, 2, 30, 38, 3, 23433}, // 23433.33 rounds down
		{1850, 1, 20, 38, 2, 11717}, // 11716.67 rounds up
		{0, 5, 60, 39, 1, 0},
		{2500, 5, 60, 39, 1, 487500},
	}
	for _, tt := range tests {
		if got := projections.AnnualCostPence(tt.hourly, tt.spw, tt.mins, tt.weeks, tt.group); got != tt.want {
			t.Errorf("%+v: %d", tt, got)
		}
	}
}

// BenchmarkTrends measures 24 months of trends over a trust of 3,000
// pupils on the register, each with a plan and weekly sessions, from
// memory: every pupil folded forward through the months.
func BenchmarkTrends(b *testing.B) {
	items := storetest.Generate(3000)
	m := projections.NewMemory()
	storetest.ApplyInBatches(b, m, items, 1000)
	v := projections.Views{Store: m, Dir: storetest.Directory(items), Today: storetest.AsOf}
	from := storetest.AsOf.AddMonths(-23)
	for b.Loop() {
		if _, err := v.Trends(context.Background(), storetest.Trust, "", from, storetest.AsOf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCaseloadInThePast measures a caseload of 1,500 pupils as of a
// date before their plans, folded again from history.
func BenchmarkCaseloadInThePast(b *testing.B) {
	items := storetest.Generate(3000)
	m := projections.NewMemory()
	storetest.ApplyInBatches(b, m, items, 1000)
	v := projections.Views{Store: m, Dir: storetest.Directory(items), Today: storetest.AsOf}
	for b.Loop() {
		if _, err := v.Caseload(context.Background(), storetest.SchoolA, storetest.AsOf.AddDays(-30), projections.CaseloadFilter{}); err != nil {
			b.Fatal(err)
		}
	}
}
