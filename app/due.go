package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

// DueQuery asks what falls due: within Within days (1 to 366), at one
// school or, when SchoolID is "", at every school the user looks after.
type DueQuery struct {
	Within   int
	SchoolID string
	// DoneSince also lists milestones done that were due since then.
	DoneSince civil.Date
}

// DueList is what falls due, soonest first, and everything overdue.
type DueList struct {
	AsOf   civil.Date            `json:"as_of"`
	Within int                   `json:"within"`
	Items  []projections.DueItem `json:"items"`
}

// Due answers what falls due for u: a SENCO's schools, a trust lead's
// trust, or (for an admin, or to narrow it) the school q names.
//
// Errors: *ValidationError (within out of range; an admin naming no
// school), ErrNotFound, ErrForbidden (a school that is not theirs),
// ErrUnavailable.
func (s *Service) Due(ctx context.Context, u user.User, q DueQuery) (DueList, error) {
	if q.Within < 1 || q.Within > 366 {
		return DueList{}, domain.Invalid("within", "must be a number of days from 1 to 366")
	}
	var schools []string
	switch {
	case q.SchoolID != "":
		if _, _, err := s.school(ctx, u, q.SchoolID, ReadOnly, "This school is not yours to see."); err != nil {
			return DueList{}, err
		}
		schools = []string{q.SchoolID}
	case u.Role == user.SENCO:
		schools = slices.Clone(u.SchoolIDs)
	case u.Role == user.TrustLead:
		t, _ := s.dir.Trust(u.TrustID)
		for _, sch := range t.Schools {
			schools = append(schools, sch.ID)
		}
	case u.Role == user.Admin:
		return DueList{}, domain.Invalid("school", "is required: name the school whose deadlines to list")
	default:
		return DueList{}, domain.Forbidden("Deadlines are for SENCOs and trust leads.")
	}
	today := s.Today()
	out := DueList{AsOf: today, Within: q.Within, Items: []projections.DueItem{}}
	for _, id := range schools {
		items, err := s.viewsOf(When{}).Due(ctx, id, today, q.Within, projections.DueOptions{DoneSince: q.DoneSince})
		if err != nil {
			return DueList{}, fmt.Errorf("due at %s: %w", id, err)
		}
		out.Items = append(out.Items, items...)
	}
	slices.SortStableFunc(out.Items, func(a, b projections.DueItem) int { return int(a.DueOn - b.DueOn) })
	return out, nil
}
