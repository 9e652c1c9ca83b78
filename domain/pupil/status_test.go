package pupil

import (
	"slices"
	"testing"
)

func TestNoLongerSENClosesTheOpenCycle(t *testing.T) {
	tests := []struct {
		name       string
		stage      string
		cmd        ChangeStatus
		wantFields []string
		wantClosed bool
	}{
		{"closes the cycle, ends provisions", "do", ChangeStatus{SENStatus: "N", On: d("2025-11-01"), CloseCycle: true}, nil, true},
		{"status only: the cycle stays", "do", ChangeStatus{SENStatus: "N", On: d("2025-11-01")}, nil, false},
		{"no cycle open", "reviewed", ChangeStatus{SENStatus: "N", On: d("2025-11-01"), CloseCycle: true}, []string{"close_cycle"}, false},
		{"before the cycle's last record", "do", ChangeStatus{SENStatus: "N", On: d("2025-09-21"), CloseCycle: true}, []string{"on"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, facts, cyc := atStage(t, tt.stage)
			evs, err := p.ChangeStatus(tt.cmd, facts)
			if got := fieldsOf(err); !slices.Equal(got, tt.wantFields) {
				t.Fatalf("fields %v, want %v (%v)", got, tt.wantFields, err)
			}
			if err != nil {
				return
			}
			apply(t, p, evs)
			closed := p.Cycle(cyc).Stage == Closed
			if closed != tt.wantClosed || (closed && (len(p.ActiveProvisions) != 0 || p.Cycle(cyc).ClosedOn != tt.cmd.On || p.CurrentCycle() != nil)) {
				t.Errorf("closed %v (want %v), on %s, active %v", closed, tt.wantClosed, p.Cycle(cyc).ClosedOn, p.ActiveProvisions)
			}
		})
	}
}
