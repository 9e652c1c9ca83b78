package app

import (
	"context"
	"fmt"
	"time"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventlog"
)

// minSeqWait bounds how long a read waits for the views (min_seq).
const minSeqWait = 5 * time.Second

// AuditQuery narrows an audit trail.
type AuditQuery struct {
	// When leaves out what happened after its day or was recorded after
	// its KnownAt: the trail as the school's record showed it then.
	When
	// From and To keep the events that happened on or between them (zero: no bound).
	From, To civil.Date
	// MinSeq waits until the views have applied this stream sequence.
	MinSeq uint64
	// Verify also checks the hash chain against the recorded anchor.
	Verify bool
	// Read names the read in the LA reviewers' access log (default "audit
	// trail", or "audit trail verification" with Verify).
	Read string
}

// Audit is a pupil's audit trail.
type Audit struct {
	PupilID string
	// Name is the pupil's name as it reads ("[erased]" once erased).
	Name string
	EHCP ehcp.View
	// Events are the pupil's events within the query's dates, oldest first.
	Events []event.Event
	// Verification is set when the query asked for it.
	Verification *Verification
}

// Verification is the outcome of checking a pupil's hash chain.
type Verification struct {
	OK       bool                `json:"ok"`
	Events   int                 `json:"events"`
	HeadHash string              `json:"head_hash"`
	Problem  *event.ChainProblem `json:"problem,omitempty"`
}

// AuditTrail returns pupil id's audit trail with its hash chain. Its
// SENCO, its trust's lead, admins, and an LA reviewer with a live grant
// (whose read is logged first; if it cannot be, the read is refused).
//
// Errors: *ValidationError (To before From), ErrNotFound, ErrBehind,
// ErrUnavailable.
func (s *Service) AuditTrail(ctx context.Context, u user.User, id string, q AuditQuery) (Audit, error) {
	if q.From.Valid() && q.To.Valid() && q.To.Before(q.From) {
		return Audit{}, domain.Invalid("to", "must not be before from")
	}
	if err := s.awaitViews(ctx, q.MinSeq); err != nil {
		return Audit{}, err
	}
	today := s.Today()
	p, events, err := s.history(ctx, id)
	if err != nil {
		return Audit{}, err
	}
	if err := requirePupil(u, id, p, today, EHCPAndAudit); err != nil {
		return Audit{}, err
	}
	read := q.Read
	switch {
	case read != "":
	case q.Verify:
		read = "audit trail verification"
	default:
		read = "audit trail"
	}
	if err := s.logReviewerRead(ctx, u, id, read); err != nil {
		return Audit{}, err
	}
	a := Audit{PupilID: id, Name: p.FirstName + " " + p.LastName}
	asOf := s.dateOf(q.When)
	if s.past(q.When) {
		at, _, err := recordAt(id, events, asOf, q.KnownAt)
		if err != nil {
			return Audit{}, err
		}
		a.EHCP = at.EHCP(asOf, s.phaseOf(at))
	} else {
		a.EHCP = p.EHCP(asOf, s.phaseOf(p))
	}
	if q.Verify {
		v, err := s.verify(ctx, id, events)
		if err != nil {
			return Audit{}, err
		}
		a.Verification = &v
	}
	for _, e := range events {
		if (q.From.Valid() && e.OccurredOn.Before(q.From)) || (q.To.Valid() && e.OccurredOn.After(q.To)) ||
			(s.past(q.When) && !e.CountsAt(asOf, q.KnownAt)) {
			continue
		}
		a.Events = append(a.Events, e)
	}
	return a, nil
}

// VerifyAudit recomputes pupil id's hash chain from the stream and checks
// it against the anchor the projection recorded when it applied the events,
// so that rewriting the stream, or deleting from it, is detected. Who may,
// and errors: as AuditTrail.
func (s *Service) VerifyAudit(ctx context.Context, u user.User, id string) (Verification, error) {
	a, err := s.AuditTrail(ctx, u, id, AuditQuery{Verify: true})
	if err != nil {
		return Verification{}, err
	}
	return *a.Verification, nil
}

func (s *Service) verify(ctx context.Context, id string, events []event.Event) (Verification, error) {
	v := Verification{Events: len(events)}
	head, prob := event.VerifyChain(id, events)
	if prob == nil && len(events) > 0 {
		// The projection must have seen the last event before it can vouch for it.
		wctx, cancel := context.WithTimeout(ctx, minSeqWait)
		defer cancel()
		if err := s.proj.WaitFor(wctx, events[len(events)-1].Seq); err != nil {
			return v, fmt.Errorf("%w: the audit anchors are not up to date yet", eventlog.ErrUnavailable)
		}
		a, ok, err := s.proj.Store().Anchor(ctx, id)
		switch {
		case err != nil:
			return v, err
		case !ok || a.Events != len(events):
			prob = &event.ChainProblem{Version: min(a.Events, len(events)) + 1,
				Reason: fmt.Sprintf("the stream holds %d events but %d were recorded", len(events), a.Events)}
		case a.Head != head:
			prob = &event.ChainProblem{Version: len(events), Reason: "the chain's head differs from the one recorded"}
		}
	}
	v.OK, v.Problem = prob == nil, prob
	if v.OK {
		v.HeadHash = head
	}
	return v, nil
}

// awaitWritten waits until the views have applied everything written so
// far: for answers found from the views that must hold a write made a
// moment ago (by this server or another).
func (s *Service) awaitWritten(ctx context.Context) error {
	last, err := s.store.LastSeq(ctx)
	if err != nil {
		return err
	}
	return s.awaitViews(ctx, last)
}
