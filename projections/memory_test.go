package projections_test

import (
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
