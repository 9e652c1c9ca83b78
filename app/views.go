package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/projections"
)

// The read models: computed from the projections as of a date, after the
// access check, and cached briefly, since a trust's workload costs hundreds
// of milliseconds and changes only when events arrive.

// ErrBehind means the views have not reached the asked-for sequence
// (min_seq) in time. It is also eventlog.ErrUnavailable.
var ErrBehind = fmt.Errorf("%w: the views have not caught up yet", eventlog.ErrUnavailable)

// ViewQuery is what every view takes.
type ViewQuery struct {
	When
	// MinSeq waits (up to about 5 s) until the views have applied this
	// stream sequence: a client reads its own write back.
	MinSeq uint64
}

// When is the moment a record or view is asked for (domain.md, "Dates
// and history").
type When struct {
	// AsOf is the day whose end the record is shown as it stood at: only
	// what happened on or before it counts, judged on it (zero: today in
	// England).
	AsOf civil.Date
	// KnownAt also leaves out what was recorded after this instant (zero:
	// everything recorded so far).
	KnownAt time.Time
}

// key is w as part of a cache key.
func (w When) key(asOf civil.Date) string {
	if w.KnownAt.IsZero() {
		return asOf.String()
	}
	return asOf.String() + "@" + w.KnownAt.UTC().Format(time.RFC3339Nano)
}

// View is a computed view and the stream sequence it reflects at least.
// Data is shared with other callers: read it, never change it.
type View[T any] struct {
	Data  T
	Seq   uint64
	entry *viewEntry
}

// Memo returns what derive makes of the view under name, made once per
// computed view: an adapter's encoding of it, so that a view many people
// ask for is encoded once, not once a request.
func (v View[T]) Memo(name string, derive func() ([]byte, error)) ([]byte, error) {
	if v.entry == nil {
		return derive()
	}
	return v.entry.memo(name, derive)
}

// Caseload is a school's caseload.
type Caseload struct {
	// School is the school whose caseload it is (not in the API's answer,
	// whose path names it).
	School trust.School              `json:"-"`
	AsOf   civil.Date                `json:"as_of"`
	Pupils []projections.CaseloadRow `json:"pupils"`
}

// Caseload returns school schoolID's caseload. Its SENCO, its trust's
// lead and admins.
//
// Errors: *ValidationError (an unknown stage), ErrNotFound, ErrForbidden,
// ErrBehind, ErrUnavailable.
func (s *Service) Caseload(ctx context.Context, u user.User, schoolID string, q ViewQuery, f projections.CaseloadFilter) (View[Caseload], error) {
	sch, _, err := s.school(ctx, u, schoolID, ReadOnly, "Your role does not give access to this school.")
	if err != nil {
		return View[Caseload]{}, err
	}
	if f.Stage != "" && !slices.Contains(projections.CaseloadStages, f.Stage) {
		return View[Caseload]{}, domain.Invalid("stage", "must be one of: %s", strings.Join(projections.CaseloadStages, ", "))
	}
	asOf := s.dateOf(q.When)
	key := fmt.Sprintf("caseload|%s|%s|%s|%s|%t", schoolID, q.key(asOf), f.Stage, f.Need, f.Overdue)
	return cached(ctx, s, key, q, func() (Caseload, error) {
		rows, err := s.viewsOf(q.When).Caseload(ctx, schoolID, asOf, f)
		return Caseload{School: sch, AsOf: asOf, Pupils: rows}, err
	})
}

// Leavers lists the pupils who left school schoolID, newest first. Who
// may: as Caseload.
//
// Errors: ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) Leavers(ctx context.Context, u user.User, schoolID string) ([]projections.LeaverRow, error) {
	if _, _, err := s.school(ctx, u, schoolID, ReadOnly, "Your role does not give access to this school."); err != nil {
		return nil, err
	}
	rows, err := s.viewsOf(When{}).Leavers(ctx, schoolID)
	if err != nil {
		return nil, fmt.Errorf("leavers of %s: %w", schoolID, err)
	}
	return rows, nil
}

// Workload returns trust trustID's EHCP and APDR administrative load by
// school. Its lead and admins.
//
// Errors: ErrNotFound, ErrForbidden, ErrBehind, ErrUnavailable.
func (s *Service) Workload(ctx context.Context, u user.User, trustID string, q ViewQuery) (View[projections.Workload], error) {
	if _, err := s.managedTrust(ctx, u, trustID, "Only the trust's lead sees the trust's views."); err != nil {
		return View[projections.Workload]{}, err
	}
	asOf := s.dateOf(q.When)
	return cached(ctx, s, "workload|"+trustID+"|"+q.key(asOf), q, func() (projections.Workload, error) {
		return s.viewsOf(q.When).Workload(ctx, trustID, asOf)
	})
}

// ProvisionMap returns the costed provision map of trust trustID, or of
// its school schoolID when schoolID is not "". A trust's: its lead and
// admins; a school's: also its SENCO.
//
// Errors: ErrNotFound, ErrForbidden, ErrBehind, ErrUnavailable.
func (s *Service) ProvisionMap(ctx context.Context, u user.User, trustID, schoolID string, q ViewQuery) (View[projections.ProvisionMap], error) {
	trustID, _, err := s.scope(ctx, u, trustID, schoolID)
	if err != nil {
		return View[projections.ProvisionMap]{}, err
	}
	asOf := s.dateOf(q.When)
	return cached(ctx, s, "provisions|"+trustID+"|"+schoolID+"|"+q.key(asOf), q, func() (projections.ProvisionMap, error) {
		return s.viewsOf(q.When).ProvisionMap(ctx, trustID, schoolID, asOf)
	})
}

// NeedsBySchool counts trust trustID's pupils on the register by school
// and area of need. Its lead and admins.
//
// Errors: ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) NeedsBySchool(ctx context.Context, u user.User, trustID string) (map[string]map[need.Area]int, error) {
	if _, err := s.managedTrust(ctx, u, trustID, "Only the trust's lead sees the trust's views."); err != nil {
		return nil, err
	}
	v, err := cached(ctx, s, "needs|"+trustID, ViewQuery{}, func() (map[string]map[need.Area]int, error) {
		return s.viewsOf(When{}).NeedsBySchool(ctx, trustID)
	})
	return v.Data, err
}

// Granted lists the pupils granted to LA reviewer u, live grants first.
// LA reviewers and admins.
//
// Errors: ErrForbidden, ErrUnavailable.
func (s *Service) Granted(ctx context.Context, u user.User) ([]projections.GrantedPupil, error) {
	if u.Role != user.LAReviewer && u.Role != user.Admin {
		return nil, domain.Forbidden("This is for local authority reviewers.")
	}
	return s.viewsOf(When{}).Granted(ctx, u.ID, s.Today())
}

// roster lists school schoolID's pupils on roll, from the projection.
func (s *Service) roster(ctx context.Context, schoolID string) ([]rosterEntry, error) {
	var out []rosterEntry
	err := s.proj.Store().EachSchoolPupil(ctx, schoolID, func(sm *projections.Summary) {
		p := &sm.Pupil
		out = append(out, rosterEntry{id: p.ID, upn: p.UPN, name: p.FirstName + " " + p.LastName})
	})
	return out, err
}

type rosterEntry struct{ id, upn, name string }

// viewsOf computes views as asked at w: a date before today, or known_at,
// reads the pupils' history.
func (s *Service) viewsOf(w When) projections.Views {
	return projections.Views{Store: s.proj.Store(), Dir: s.dir, Today: s.Today(), KnownAt: w.KnownAt}
}

// dateOf is w's day: AsOf, or today.
func (s *Service) dateOf(w When) civil.Date {
	if w.AsOf.Valid() {
		return w.AsOf
	}
	return s.Today()
}

// awaitViews waits until the views have applied seq.
func (s *Service) awaitViews(ctx context.Context, seq uint64) error {
	if seq == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, minSeqWait)
	defer cancel()
	if err := s.proj.WaitFor(ctx, seq); err != nil {
		return fmt.Errorf("sequence %d: %w", seq, ErrBehind)
	}
	return nil
}

// viewStale is how long a computed view may be served after the projection
// has moved on. Views are projections and may lag anyway; the answer's
// sequence says exactly which it reflects, and MinSeq always forces an
// answer at least that new.
const viewStale = time.Second

const viewCacheMax = 2048

// viewCache keeps computed views by key (the view, its ids, date and
// filters; never the user: access is checked before the cache is asked).
type viewCache struct {
	mu      sync.Mutex
	entries map[string]*viewEntry
	flight  singleflight.Group
}

type viewEntry struct {
	data any
	seq  uint64
	at   time.Time

	mu    sync.Mutex
	memos map[string][]byte
}

func (e *viewEntry) memo(name string, derive func() ([]byte, error)) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if b, ok := e.memos[name]; ok {
		return b, nil
	}
	b, err := derive()
	if err != nil {
		return nil, err
	}
	if e.memos == nil {
		e.memos = map[string][]byte{}
	}
	e.memos[name] = b
	return b, nil
}

func newViewCache() *viewCache { return &viewCache{entries: map[string]*viewEntry{}} }

// cached answers view key from the cache, or computes it (once for
// concurrent callers) after waiting for q.MinSeq.
func cached[T any](ctx context.Context, s *Service, key string, q ViewQuery, compute func() (T, error)) (View[T], error) {
	if err := s.awaitViews(ctx, q.MinSeq); err != nil {
		return View[T]{}, err
	}
	c := s.views
	now := time.Now()
	cur := s.proj.Seq()
	c.mu.Lock()
	e := c.entries[key]
	c.mu.Unlock()
	if e == nil || e.seq < q.MinSeq || (e.seq != cur && now.Sub(e.at) > viewStale) {
		v, err, _ := c.flight.Do(key, func() (any, error) {
			seq := s.proj.Seq() // the answer reflects at least this sequence
			data, err := compute()
			if err != nil {
				return nil, err
			}
			ne := &viewEntry{data: data, seq: seq, at: time.Now()}
			c.mu.Lock()
			defer c.mu.Unlock()
			if len(c.entries) >= viewCacheMax {
				for k, old := range c.entries {
					if now.Sub(old.at) > viewStale {
						delete(c.entries, k)
					}
				}
				if len(c.entries) >= viewCacheMax {
					c.entries = map[string]*viewEntry{}
				}
			}
			c.entries[key] = ne
			return ne, nil
		})
		if err != nil {
			return View[T]{}, err
		}
		e = v.(*viewEntry)
	}
	data, ok := e.data.(T)
	if !ok {
		return View[T]{}, errors.New("view cache: " + key + " holds another type")
	}
	return View[T]{Data: data, Seq: e.seq, entry: e}, nil
}
