package pupil

import (
	"testing"

	"github.com/sendcase/sendcase/domain/user"
)

const teacher = "0193a000-0000-7000-8000-0000000000c1"

func TestAssignStaff(t *testing.T) {
	tests := []struct {
		name    string
		who     user.User
		already bool
		wantErr bool
		events  int
	}{
		{"a teaching assistant of the school", user.User{ID: teacher, Role: user.Staff, TrustID: trustID, SchoolIDs: []string{schoolA}, Version: 1}, false, false, 1},
		{"assigned already", user.User{ID: teacher, Role: user.Staff, TrustID: trustID, SchoolIDs: []string{schoolA}, Version: 1}, true, false, 0},
		{"staff of another school", user.User{ID: teacher, Role: user.Staff, TrustID: trustID, SchoolIDs: []string{schoolB}, Version: 1}, false, true, 0},
		{"a SENCO is not staff", user.User{ID: teacher, Role: user.SENCO, TrustID: trustID, SchoolIDs: []string{schoolA}, Version: 1}, false, true, 0},
		{"deactivated", user.User{ID: teacher, Role: user.Staff, TrustID: trustID, SchoolIDs: []string{schoolA}, Version: 1, Deactivated: true}, false, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, facts, _ := atStage(t, "registered")
			facts.User = func(id string) (user.User, bool) { return tt.who, id == tt.who.ID }
			if tt.already {
				apply(t, p, must(t)(p.AssignStaff(AssignStaff{UserID: teacher}, facts)))
			}
			evs, err := p.AssignStaff(AssignStaff{UserID: teacher}, facts)
			if (err != nil) != tt.wantErr || len(evs) != tt.events {
				t.Fatalf("got %v %v, want error %v and %d events", evs, err, tt.wantErr, tt.events)
			}
			apply(t, p, evs)
			if got := p.HasStaff(teacher); got != (!tt.wantErr) {
				t.Fatalf("assigned: got %v", got)
			}
			if !tt.wantErr {
				apply(t, p, must(t)(p.UnassignStaff(UnassignStaff{UserID: teacher}, facts)))
				if p.HasStaff(teacher) {
					t.Fatal("still assigned after unassigning")
				}
				if _, err := p.UnassignStaff(UnassignStaff{UserID: teacher}, facts); err == nil {
					t.Fatal("unassigned twice")
				}
			}
		})
	}
}
