package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/trust"
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
	// MinSeq waits until the views have applied this stream sequence.
	MinSeq uint64
}

// DueList is what falls due, soonest first, and everything overdue.
type DueList struct {
	AsOf   civil.Date            `json:"as_of"`
	Within int                   `json:"within"`
	Items  []projections.DueItem `json:"items"`
	// Schools are the schools the user looks after (the named one, for an
	// admin): what a page offers to narrow the list to.
	Schools []trust.School `json:"-"`
}

// DueWithinRule is the rule for DueQuery.Within, in the words a 400 uses.
const DueWithinRule = "must be a number of days from 1 to 366"

// Due answers what falls due for u: a SENCO's schools, a trust lead's
// trust, or (for an admin, or to narrow it) the school q names. Other
// roles have no deadlines to see.
//
// Errors: *ValidationError (within out of range; an admin naming no
// school), ErrNotFound, ErrForbidden (a school that is not theirs),
// ErrBehind (MinSeq not reached in time), ErrUnavailable.
func (s *Service) Due(ctx context.Context, u user.User, q DueQuery) (DueList, error) {
	if q.Within < 1 || q.Within > 366 {
		return DueList{}, domain.Invalid("within", DueWithinRule)
	}
	var mine []trust.School
	switch u.Role {
	case user.SENCO:
		mine = s.SchoolsOf(u)
	case user.TrustLead:
		t, _ := s.dir.Trust(u.TrustID)
		mine = t.Schools
	case user.Admin:
		if q.SchoolID == "" {
			return DueList{}, domain.Invalid("school", "is required: name the school whose deadlines to list")
		}
	default:
		return DueList{}, domain.Forbidden("Deadlines are for SENCOs and trust leads.")
	}
	schools := mine
	if q.SchoolID != "" {
		sch, _, err := s.school(ctx, u, q.SchoolID, ReadOnly, "This school is not yours to see.")
		if err != nil {
			return DueList{}, err
		}
		schools = []trust.School{sch}
		if mine == nil {
			mine = schools
		}
	}
	if err := s.awaitViews(ctx, q.MinSeq); err != nil {
		return DueList{}, err
	}
	today := s.Today()
	out := DueList{AsOf: today, Within: q.Within, Items: []projections.DueItem{}, Schools: mine}
	// Each school's list is cached, and never older than what the views
	// have applied (MinSeq: now): a lead's page asks for every school, and
	// many asking at once share one computation each.
	fresh := ViewQuery{MinSeq: s.proj.Seq()}
	for _, sch := range schools {
		key := fmt.Sprintf("due|%s|%s|%d|%s", sch.ID, today, q.Within, q.DoneSince)
		items, err := cached(ctx, s, key, fresh, func() ([]projections.DueItem, error) {
			return s.viewsOf(When{}).Due(ctx, sch.ID, today, q.Within, projections.DueOptions{DoneSince: q.DoneSince})
		})
		if err != nil {
			return DueList{}, fmt.Errorf("due at %s: %w", sch.ID, err)
		}
		out.Items = append(out.Items, items.Data...)
	}
	// The review's actions are the owner's, at whichever school.
	var at []trust.School
	if q.SchoolID != "" {
		at = schools
	}
	out.Items = append(out.Items, s.reviewActionsDue(u, at, today, q.Within)...)
	slices.SortStableFunc(out.Items, func(a, b projections.DueItem) int { return int(a.DueOn - b.DueOn) })
	return out, nil
}

// DueTally counts one school's lines of a due list.
type DueTally struct {
	School trust.School
	// Overdue lines, of which StatutoryOverdue have a time limit in law;
	// Coming: due within the list's window.
	Overdue, StatutoryOverdue, Coming int
}

// BySchool counts the list's lines for each of its schools, in the
// schools' order, and for all of them: a trust lead's overview, and the
// trust summary email.
func (d DueList) BySchool() (each []DueTally, all DueTally) {
	at := map[string]int{}
	for i, sch := range d.Schools {
		at[sch.ID] = i
		each = append(each, DueTally{School: sch})
	}
	for _, it := range d.Items {
		all.add(it)
		if i, ok := at[it.SchoolID]; ok {
			each[i].add(it)
		}
	}
	return each, all
}

func (t *DueTally) add(it projections.DueItem) {
	switch {
	case !it.Overdue:
		t.Coming++
	case it.Statutory():
		t.Overdue++
		t.StatutoryOverdue++
	default:
		t.Overdue++
	}
}
