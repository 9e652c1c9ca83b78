package pupil

import "testing"

func TestRevokeAccess(t *testing.T) {
	tests := []struct {
		name      string
		grantTill string // "" for no grant
		revoke    string
		wantErr   bool
		// live after the revocation, today and tomorrow
		liveToday bool
	}{
		{name: "a live grant ends today", grantTill: "2026-06-30", revoke: reviewer, liveToday: false},
		{name: "no grant to end", revoke: reviewer, wantErr: true},
		{name: "another reviewer's grant is not touched", grantTill: "2026-06-30", revoke: "0193a000-0000-7000-8000-0000000000e2", wantErr: true, liveToday: true},
		{name: "not a user id", grantTill: "2026-06-30", revoke: "x", wantErr: true, liveToday: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, facts, _ := atStage(t, "registered")
			if tt.grantTill != "" {
				apply(t, p, must(t)(p.GrantAccess(GrantAccess{UserID: reviewer, Until: d(tt.grantTill)}, facts)))
			}
			evs, err := p.RevokeAccess(RevokeAccess{UserID: tt.revoke}, facts)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("err = %v, want an error: %v", err, tt.wantErr)
			}
			apply(t, p, evs)
			if got := p.HasLiveGrant(reviewer, facts.Today); got != tt.liveToday {
				t.Errorf("live today = %v, want %v", got, tt.liveToday)
			}
			if !tt.wantErr {
				// The grant stays in the record, ended the day before.
				g := p.Grants[0]
				if got, want := g.Until, facts.Today.AddDays(-1); got != want || g.RevokedOn != facts.Today {
					t.Errorf("grant = %+v, want until %s and revoked on %s", g, want, facts.Today)
				}
			}
		})
	}
}
