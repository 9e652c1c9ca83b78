package app

import (
	"context"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/domain/yeargroup"
	"github.com/sendcase/sendcase/projections"
)

// Delivery and impact of provision, for a school or a trust, over a period
// of the record as of a date.

// PeriodQuery asks for a view over a period: From to To, both included, of
// the record as of AsOf (To defaults to AsOf, which defaults to today).
type PeriodQuery struct {
	ViewQuery
	From, To civil.Date
}

// MaxPeriodDays is the longest period a delivery or impact view covers:
// three school years and a bit, so one request cannot fold a decade.
const MaxPeriodDays = 3*366 + 31

// period resolves q against asOf, with from defaulting to defaultFrom(to);
// or says which bound is wrong.
func (q PeriodQuery) period(asOf civil.Date, defaultFrom func(to civil.Date) civil.Date) (from, to civil.Date, err error) {
	from, to = q.From, q.To
	if !to.Valid() {
		to = asOf
	}
	if !from.Valid() {
		from = defaultFrom(to)
	}
	switch {
	case to.After(asOf):
		return 0, 0, domain.Invalid("to", "must not be after the day the record is shown as of (%s)", asOf)
	case to.Before(from):
		return 0, 0, domain.Invalid("to", "must not be before from (%s)", from)
	case from.DaysUntil(to) > MaxPeriodDays:
		return 0, 0, domain.Invalid("from", "must be at most %d days before to", MaxPeriodDays)
	}
	return from, to, nil
}

// lastFourWeeks is the delivery views' default period: the
// DeliveryWindowDays to to.
func lastFourWeeks(to civil.Date) civil.Date { return to.AddDays(-pupil.DeliveryWindowDays + 1) }

// Delivery returns delivered against planned for school schoolID, or for
// trust trustID when schoolID is empty, over q's period (default: the four
// weeks to the day asked for). A school's SENCO, its trust's lead and
// admins; the trust's lead and admins for the trust.
//
// Errors: *ValidationError (the period), ErrNotFound, ErrForbidden,
// ErrBehind, ErrUnavailable.
func (s *Service) Delivery(ctx context.Context, u user.User, trustID, schoolID string, q PeriodQuery) (View[projections.Delivery], error) {
	trustID, _, err := s.scope(ctx, u, trustID, schoolID)
	if err != nil {
		return View[projections.Delivery]{}, err
	}
	asOf := s.dateOf(q.When)
	from, to, err := q.period(asOf, lastFourWeeks)
	if err != nil {
		return View[projections.Delivery]{}, err
	}
	key := "delivery|" + trustID + "|" + schoolID + "|" + from.String() + "|" + to.String() + "|" + q.key(asOf)
	return cached(ctx, s, key, q.ViewQuery, func() (projections.Delivery, error) {
		return s.viewsOf(q.When).Delivery(ctx, trustID, schoolID, from, to, asOf)
	})
}

// Impact returns the impact of provision for school schoolID, or for trust
// trustID when schoolID is empty, over the reviews held in q's period
// (default: the school year, from 1 September, to the day asked for). Figures for fewer
// than projections.MinPupils pupils are withheld except from the school's
// own SENCO and admins. Who may ask: as Delivery.
//
// Errors: as Delivery.
func (s *Service) Impact(ctx context.Context, u user.User, trustID, schoolID string, q PeriodQuery) (View[projections.Impact], error) {
	trustID, small, err := s.scope(ctx, u, trustID, schoolID)
	if err != nil {
		return View[projections.Impact]{}, err
	}
	asOf := s.dateOf(q.When)
	from, to, err := q.period(asOf, yeargroup.AcademicYearStart)
	if err != nil {
		return View[projections.Impact]{}, err
	}
	key := "impact|" + trustID + "|" + schoolID + "|" + from.String() + "|" + to.String() + "|" + q.key(asOf)
	if small {
		key += "|all"
	}
	return cached(ctx, s, key, q.ViewQuery, func() (projections.Impact, error) {
		return s.viewsOf(q.When).Impact(ctx, trustID, schoolID, from, to, asOf, !small)
	})
}
