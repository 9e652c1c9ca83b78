package app

import (
	"context"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

// TrendQuery asks for a trend: the months from From's to To's (zero: the
// 24 months to this one).
type TrendQuery struct {
	From, To civil.Date
	// MinSeq waits until the views have applied this stream sequence.
	MinSeq uint64
}

// months resolves q's months against today, or says which bound is wrong.
func (q TrendQuery) months(today civil.Date) (from, to civil.Date, err error) {
	from, to = q.From, q.To
	if !to.Valid() || to.After(today) {
		to = today
	}
	if !from.Valid() {
		from = to.AddMonths(-23)
	}
	switch n := len(projections.MonthEnds(from, to, 0)); {
	case to.Before(from):
		return 0, 0, domain.Invalid("to", "must not be before from")
	case n > projections.MaxTrendMonths:
		return 0, 0, domain.Invalid("from", "must be at most %d months before to", projections.MaxTrendMonths)
	}
	return from, to, nil
}

// Trends returns trust trustID's trends month by month, per school and in
// total, as the record stood at each month's end. Its lead and admins.
//
// Errors: *ValidationError (the months), ErrNotFound, ErrForbidden,
// ErrBehind, ErrUnavailable.
func (s *Service) Trends(ctx context.Context, u user.User, trustID string, q TrendQuery) (View[projections.Trends], error) {
	if _, err := s.managedTrust(ctx, u, trustID, "Only the trust's lead sees the trust's trends."); err != nil {
		return View[projections.Trends]{}, err
	}
	return s.trends(ctx, trustID, "", q)
}

// SchoolTrends returns school schoolID's own trends. Its SENCO, its
// trust's lead and admins.
//
// Errors: as Trends.
func (s *Service) SchoolTrends(ctx context.Context, u user.User, schoolID string, q TrendQuery) (View[projections.Trends], error) {
	_, trustID, err := s.school(ctx, u, schoolID, ReadOnly, "Your role does not give access to this school.")
	if err != nil {
		return View[projections.Trends]{}, err
	}
	return s.trends(ctx, trustID, schoolID, q)
}

func (s *Service) trends(ctx context.Context, trustID, schoolID string, q TrendQuery) (View[projections.Trends], error) {
	today := s.Today()
	from, to, err := q.months(today)
	if err != nil {
		return View[projections.Trends]{}, err
	}
	key := "trends|" + trustID + "|" + schoolID + "|" + from.String()[:7] + "|" + to.String()[:7] + "|" + today.String()
	return cached(ctx, s, key, ViewQuery{MinSeq: q.MinSeq}, func() (projections.Trends, error) {
		return s.viewsOf(When{}).Trends(ctx, trustID, schoolID, from, to)
	})
}

// WarmTrends works out every trust's trends over the default months, as
// its lead would first ask, so that the first to ask after a start does
// not wait while every pupil's month ends are worked out: the in-memory
// summaries keep them from then on (docs/projections.md).
func (s *Service) WarmTrends(ctx context.Context) {
	for _, t := range s.dir.Trusts() {
		if ctx.Err() != nil {
			return
		}
		_, _ = s.trends(ctx, t.ID, "", TrendQuery{})
	}
}
