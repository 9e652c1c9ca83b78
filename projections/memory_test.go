package projections_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"unsafe"

	"github.com/sendcase/sendcase/domain/civil"
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

// TestTrendsFollowChangesAfterCaching: the month ends a summary keeps
// from one trend to the next give the same trends as working them out
// afresh, asked again, after more commits, and for one school.
func TestTrendsFollowChangesAfterCaching(t *testing.T) {
	for _, items := range [][]projections.Item{storetest.Scenario(), storetest.Timeliness(), storetest.History()} {
		trendsFollowChanges(t, items)
	}
}

func trendsFollowChanges(t *testing.T, items []projections.Item) {
	ctx := context.Background()
	d := civil.MustParse
	trends := func(m *projections.Memory, school string) string {
		t.Helper()
		v := projections.Views{Store: m, Dir: storetest.Directory(items), Today: storetest.AsOf}
		tr, err := v.Trends(ctx, storetest.Trust, school, d("2024-08-01"), d("2025-11-30"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(tr)
		return string(b)
	}
	fresh := func(n int) *projections.Memory {
		m := projections.NewMemory()
		storetest.ApplyInBatches(t, m, items[:n], 5)
		return m
	}
	cached := fresh(len(items) / 2)
	for _, n := range []int{len(items) / 2, len(items)/2 + 3, len(items)} {
		storetest.ApplyInBatches(t, cached, items[:n], 5) // applies only what is new
		for _, school := range []string{"", storetest.SchoolB, ""} {
			if got, want := trends(cached, school), trends(fresh(n), school); got != want {
				t.Errorf("after %d commits, school %q: cached\n%s\nafresh\n%s", n, school, got, want)
			}
		}
	}
}

// TestTrendPartKeepsEveryCount: a pupil's cached month holds every count
// of a TrendMonth (a count added to TrendMonth must be added to
// trendCounts too).
func TestTrendPartKeepsEveryCount(t *testing.T) {
	var m projections.TrendMonth
	n := 0
	var set func(v reflect.Value)
	set = func(v reflect.Value) {
		for i := range v.NumField() {
			f := v.Field(i)
			switch {
			case f.Kind() == reflect.Struct && v.Type().Field(i).Anonymous:
				set(f)
			case f.Kind() == reflect.Int:
				n++
				reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().SetInt(int64(n))
			}
		}
	}
	set(reflect.ValueOf(&m).Elem())
	got := projections.RoundTripTrendMonth(m)
	if !reflect.DeepEqual(got, m) {
		t.Errorf("through the cache:\n%+v\nwant\n%+v", got, m)
	}
}
