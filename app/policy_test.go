package app

import (
	"testing"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
)

func TestPupilAccess(t *testing.T) {
	today := civil.MustParse("2025-11-10")
	p := &pupil.Pupil{ID: "p1", TrustID: "oak", SchoolID: "oak-primary",
		Grants: []pupil.Grant{{UserID: "rae", Until: civil.MustParse("2026-06-30")}, {UserID: "old", Until: civil.MustParse("2025-11-09")}}}
	tests := []struct {
		name string
		u    user.User
		want Access
	}{
		{"admin", user.User{Role: user.Admin}, ReadWrite},
		{"the school's SENCO", user.User{Role: user.SENCO, TrustID: "oak", SchoolIDs: []string{"oak-primary"}}, ReadWrite},
		{"another school's SENCO", user.User{Role: user.SENCO, TrustID: "oak", SchoolIDs: []string{"oak-secondary"}}, NoAccess},
		{"the trust's lead", user.User{Role: user.TrustLead, TrustID: "oak"}, ReadOnly},
		{"another trust's lead", user.User{Role: user.TrustLead, TrustID: "elm"}, NoAccess},
		{"reviewer with a live grant", user.User{ID: "rae", Role: user.LAReviewer}, EHCPAndAudit},
		{"reviewer whose grant ended yesterday", user.User{ID: "old", Role: user.LAReviewer}, NoAccess},
		{"reviewer without a grant", user.User{ID: "sam", Role: user.LAReviewer}, NoAccess},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PupilAccess(tt.u, p, today); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
	if got := PupilAccess(user.User{Role: user.Admin}, &pupil.Pupil{}, today); got != NoAccess {
		t.Errorf("a pupil that does not exist: got %d, want NoAccess", got)
	}
}
