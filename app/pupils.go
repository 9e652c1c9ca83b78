package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/domain/yeargroup"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/projections"
)

// pupilDecision is a decision on a pupil.
type pupilDecision[R any] = decision[*pupil.Pupil, R]

// pupilCommand runs command op on pupil id for u, who needs at least need.
func pupilCommand[R any, RP committed[R]](ctx context.Context, s *Service, u user.User, o CommandOptions, op, id string, need Access,
	decide func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[R], error)) (R, error) {
	today := s.Today()
	return execute[pupil.Pupil, *pupil.Pupil, R, RP](ctx, s.pupils, id, s.request(u, o, op, id), func(p *pupil.Pupil) (pupilDecision[R], error) {
		if err := requirePupil(u, id, p, today, need); err != nil {
			return pupilDecision[R]{}, err
		}
		if err := p.ErasedError(); err != nil {
			return pupilDecision[R]{}, err
		}
		return decide(p, s.facts(p.TrustID))
	})
}

// simple is a decision answered with the pupil's id.
func simple(evs []event.Data, err error) (pupilDecision[Result], error) {
	return pupilDecision[Result]{events: evs, answer: func(p *pupil.Pupil) Result { return Result{ID: p.ID} }}, err
}

// SchoolToWrite returns school schoolID if u may register and import its
// pupils: its SENCO or an admin (for the forms that do).
//
// Errors: ErrNotFound, ErrForbidden.
func (s *Service) SchoolToWrite(ctx context.Context, u user.User, schoolID string) (trust.School, error) {
	sch, _, err := s.school(ctx, u, schoolID, ReadWrite, "Pupils are registered by their school's SENCO.")
	return sch, err
}

// RegisterPupil registers a pupil at school schoolID. Its SENCO or an
// admin. The UPN is claimed in the unique bucket first, so two racing
// registrations cannot both pass.
//
// Errors: ErrNotFound, ErrForbidden, *ValidationError, *ConflictError (the
// UPN is taken in the trust), ErrUnavailable.
func (s *Service) RegisterPupil(ctx context.Context, u user.User, o CommandOptions, schoolID string, cmd pupil.Register) (Result, error) {
	_, trustID, err := s.school(ctx, u, schoolID, ReadWrite, "Pupils are registered by their school's SENCO.")
	if err != nil {
		return Result{}, err
	}
	req := s.request(u, o, "RegisterPupil", schoolID)
	if req.idem != "" {
		if res, ok, err := recall[Result](ctx, s.store, req.idem); err != nil || ok {
			return res, err
		}
	}
	// A new record is at version 0: any other If-Match is stale, checked
	// before deciding as for every command, and before the UPN is claimed.
	if o.IfMatch != nil && *o.IfMatch != 0 {
		return Result{}, domain.StaleVersion(*o.IfMatch, 0)
	}
	// Retries of one registration (the same idempotency key) name the same
	// pupil, so they meet on one UPN claim and one subject and get the
	// first attempt's result, instead of abandoning each other.
	id := newID()
	if req.idem != "" {
		id = uuid.NewSHA1(registrationSpace, []byte(req.idem)).String()
	}
	// Decide once before claiming, so that bad input claims nothing.
	evs, err := pupil.RegisterPupil(id, trustID, schoolID, cmd, s.facts(trustID))
	if err != nil {
		return Result{}, err
	}
	upn := evs[0].(pupil.Registered).UPN
	if err := s.claimUPN(ctx, trustID, upn, id); err != nil {
		return Result{}, err
	}
	res, err := execute(ctx, s.pupils, id, req, func(p *pupil.Pupil) (pupilDecision[Result], error) {
		if p.Version > 0 {
			return pupilDecision[Result]{}, errRegistered
		}
		return pupilDecision[Result]{events: evs, answer: answerID[*pupil.Pupil](id)}, nil
	})
	if errors.Is(err, errRegistered) {
		// Registered already: by this request's first attempt (its commit
		// carries the key), or abandoned by a racing registration.
		if req.idem != "" {
			if res, ok, rerr := recall[Result](ctx, s.store, req.idem); rerr != nil || ok {
				return res, rerr
			}
		}
		var exists bool
		if rerr := s.pupils.Read(ctx, id, func(p *pupil.Pupil) error { exists = p.Exists(); return nil }); rerr != nil {
			return Result{}, rerr
		}
		if exists { // a retry after the idempotency window
			return Result{}, domain.Conflict("a pupil with UPN %s is already registered in this trust", upn)
		}
		return Result{}, domain.Conflict("the registration was abandoned; send it again")
	}
	return res, err
}

// registrationSpace names the pupils of keyed registrations.
var registrationSpace = uuid.MustParse("6f1d3c1e-1f0b-4a51-9a53-5e2d8c0b7a11")

// errRegistered: the subject of a registration already holds events.
var errRegistered = errors.New("already registered")

// claimUPN claims the UPN for pupil id. A claim whose pupil never got
// registered (a crash between the claim and the registration) is taken over,
// after closing that pupil's subject so its registration can no longer land.
func (s *Service) claimUPN(ctx context.Context, trustID, upn, id string) error {
	key := "upn." + trustID + "." + upn
	taken := domain.Conflict("a pupil with UPN %s is already registered in this trust", upn)
	claim, err := s.store.ClaimUnique(ctx, key, id)
	if err == nil || (errors.Is(err, eventlog.ErrClaimed) && claim.Owner == id) {
		return nil // claimed now, or by this registration's first attempt
	}
	if !errors.Is(err, eventlog.ErrClaimed) {
		return err
	}
	var exists bool
	var version int
	if err := s.pupils.Read(ctx, claim.Owner, func(p *pupil.Pupil) error { exists, version = p.Exists(), p.Version; return nil }); err != nil {
		return err
	}
	if exists {
		return taken
	}
	if version == 0 {
		_, err := execute(ctx, s.pupils, claim.Owner, s.request(System, CommandOptions{}, "AbandonRegistration"), func(p *pupil.Pupil) (pupilDecision[Result], error) {
			dec := pupilDecision[Result]{answer: answerID[*pupil.Pupil](claim.Owner)}
			if p.Version == 0 {
				dec.events = []event.Data{pupil.RegistrationAbandoned{On: s.Today()}}
			}
			return dec, nil
		})
		if err != nil {
			return err
		}
		if err := s.pupils.Read(ctx, claim.Owner, func(p *pupil.Pupil) error { exists = p.Exists(); return nil }); err != nil {
			return err
		}
		if exists {
			return taken
		}
	}
	if err := s.store.TakeOverClaim(ctx, key, id, claim.Revision); err != nil {
		if errors.Is(err, eventlog.ErrClaimed) {
			return domain.Conflict("a pupil with UPN %s is being registered in this trust", upn)
		}
		return err
	}
	return nil
}

// pupilsByUPN returns the pupil ids of a trust by UPN, from the claims.
// A claim whose registration never landed maps to an id with no pupil.
func (s *Service) pupilsByUPN(ctx context.Context, trustID string) (map[string]string, error) {
	claims, err := s.store.Claims(ctx, "upn."+trustID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(claims))
	prefix := "upn." + trustID + "."
	for k, v := range claims {
		out[strings.TrimPrefix(k, prefix)] = v
	}
	return out, nil
}

// ChangeStatus changes the pupil's SEN status or need. Its SENCO or an admin.
//
// Errors (every pupil command): ErrNotFound (no such pupil, or none u may
// know of), ErrForbidden, *ValidationError, *ConflictError (the state
// forbids it, or If-Match is stale), ErrUnavailable.
func (s *Service) ChangeStatus(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.ChangeStatus) (Result, error) {
	return pupilCommand(ctx, s, u, o, "ChangeStatus", pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		return simple(p.ChangeStatus(cmd, f))
	})
}

// Transfer moves the pupil to another school of the trust. Its SENCO or an
// admin. Errors: as ChangeStatus.
func (s *Service) Transfer(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.Transfer) (Result, error) {
	return pupilCommand(ctx, s, u, o, "Transfer", pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		return simple(p.Transfer(cmd, f))
	})
}

// Leave takes the pupil off roll; the history is kept. Its SENCO or an
// admin. Errors: as ChangeStatus.
func (s *Service) Leave(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.Leave) (Result, error) {
	return pupilCommand(ctx, s, u, o, "Leave", pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		return simple(p.Leave(cmd, f))
	})
}

// GrantAccess gives an LA reviewer read access to the pupil's EHC plan and
// audit trail until a date. Its SENCO, its trust's lead or an admin.
// Errors: as ChangeStatus.
func (s *Service) GrantAccess(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.GrantAccess) (Result, error) {
	res, err := pupilCommand(ctx, s, u, o, "GrantAccess", pupilID, ReadOnly, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		return simple(p.GrantAccess(cmd, f))
	})
	if err == nil {
		s.accessChanged(ctx, SecAccessGranted, u, cmd.UserID, pupilID, "until "+cmd.Until.String())
	}
	return res, err
}

// RevokeAccess ends an LA reviewer's access to the pupil's record today.
// Who may: as GrantAccess. Errors: as ChangeStatus.
func (s *Service) RevokeAccess(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.RevokeAccess) (Result, error) {
	res, err := pupilCommand(ctx, s, u, o, "RevokeAccess", pupilID, ReadOnly, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		return simple(p.RevokeAccess(cmd, f))
	})
	if err == nil {
		s.accessChanged(ctx, SecAccessRevoked, u, cmd.UserID, pupilID, "")
	}
	return res, err
}

// RecordEHCP records an event of the EHC process, answering the plan's
// status after it. Its SENCO, its trust's lead or an admin.
// Errors: as ChangeStatus.
func (s *Service) RecordEHCP(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd ehcp.Command) (EHCPResult, error) {
	return pupilCommand(ctx, s, u, o, "RecordEHCP", pupilID, ReadOnly, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[EHCPResult], error) {
		evs, err := p.RecordEHCP(cmd, f)
		return pupilDecision[EHCPResult]{events: evs, answer: func(p *pupil.Pupil) EHCPResult {
			return EHCPResult{Result: Result{ID: p.ID}, Type: cmd.Type, Status: p.EHCPStatus()}
		}}, err
	})
}

// MakeReferral refers the pupil to an outside service. Its SENCO or an
// admin. Errors: as ChangeStatus.
func (s *Service) MakeReferral(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.MakeReferral) (ReferralResult, error) {
	return pupilCommand(ctx, s, u, o, "MakeReferral", pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[ReferralResult], error) {
		evs, err := p.MakeReferral(cmd, f)
		if err != nil {
			return pupilDecision[ReferralResult]{}, err
		}
		return pupilDecision[ReferralResult]{events: evs, answer: referralAnswer(evs[0].(pupil.ReferralMadeEvent).Referral.ID)}, nil
	})
}

// RecordMeeting records a meeting with pupilID's parents held outside a
// plan or review: who came and what was agreed. It counts towards the
// three a year (CoP 6.65). Who may: as MakeReferral.
//
// Errors: *ValidationError, *ConflictError (the pupil has left),
// ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) RecordMeeting(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.RecordMeeting) (Result, error) {
	return pupilCommand(ctx, s, u, o, "RecordMeeting", pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		evs, err := p.RecordMeeting(cmd, f)
		return pupilDecision[Result]{events: evs, answer: answerID[*pupil.Pupil](pupilID)}, err
	})
}

// WriteAboutMe records pupilID's one-page profile, written with the pupil
// or their parents; it replaces the last. The pupil's SENCO and admins.
//
// Errors: *ValidationError, *ConflictError (the pupil has left),
// ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) WriteAboutMe(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.WriteAboutMe) (Result, error) {
	return pupilCommand(ctx, s, u, o, "WriteAboutMe", pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		evs, err := p.WriteAboutMe(cmd, f)
		return pupilDecision[Result]{events: evs, answer: answerID[*pupil.Pupil](pupilID)}, err
	})
}

func referralAnswer(id string) func(*pupil.Pupil) ReferralResult {
	return func(p *pupil.Pupil) ReferralResult {
		res := ReferralResult{Result: Result{ID: id}, PupilID: p.ID}
		if r := p.Referral(id); r != nil {
			res.Status = r.Status
		}
		return res
	}
}

// ChangeReferral moves referral refID on (accepted, declined, seen,
// report_received, closed). Its SENCO or an admin. Errors: as ChangeStatus.
func (s *Service) ChangeReferral(ctx context.Context, u user.User, o CommandOptions, pupilID, refID string, cmd pupil.ChangeReferral) (ReferralResult, error) {
	return pupilCommand(ctx, s, u, o, "ChangeReferral/"+refID, pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[ReferralResult], error) {
		evs, err := p.ChangeReferral(refID, cmd, f)
		return pupilDecision[ReferralResult]{events: evs, answer: referralAnswer(refID)}, err
	})
}

// ErasePupil erases pupil id's personal data at the end of its retention.
// Admins only, whatever the pupil's school, so the answer for anyone else
// does not depend on it; the pupil must have left. It records the erasure,
// then destroys the pupil's key, so every personal field of its events
// reads as erased, and its UPN claim, so the UPN names nobody. The events
// stay and their hash chain still verifies. Erasing an erased pupil records
// nothing and destroys what a failed first attempt may have left.
//
// Errors: ErrForbidden, then as ChangeStatus.
func (s *Service) ErasePupil(ctx context.Context, u user.User, o CommandOptions, id string, cmd pupil.Erase) (EraseResult, error) {
	if u.Role != user.Admin {
		return EraseResult{}, domain.Forbidden("Only an admin erases a pupil's record.")
	}
	var trustID string
	today := s.Today()
	res, err := execute(ctx, s.pupils, id, s.request(u, o, "ErasePupil", id), func(p *pupil.Pupil) (pupilDecision[EraseResult], error) {
		if err := requirePupil(u, id, p, today, ReadWrite); err != nil {
			return pupilDecision[EraseResult]{}, err
		}
		trustID = p.TrustID
		evs, err := p.Erase(cmd, s.facts(p.TrustID))
		return pupilDecision[EraseResult]{events: evs, answer: func(p *pupil.Pupil) EraseResult {
			return EraseResult{Result: Result{ID: p.ID}, Erased: p.Erasure != nil}
		}}, err
	})
	if err != nil {
		return res, err
	}
	if err := s.store.DestroyKey(ctx, id); err != nil {
		return EraseResult{}, fmt.Errorf("erase %s: %w", id, err)
	}
	if trustID == "" { // answered from the idempotency record
		if err := s.pupils.Read(ctx, id, func(p *pupil.Pupil) error { trustID = p.TrustID; return nil }); err != nil {
			return EraseResult{}, err
		}
	}
	if err := s.releaseClaims(ctx, "upn."+trustID, id); err != nil {
		return EraseResult{}, fmt.Errorf("erase %s: %w", id, err)
	}
	return res, nil
}

// releaseClaims removes the claims under prefix that owner holds. Claims
// are found by owner, not by value: an erased pupil's UPN is unreadable.
func (s *Service) releaseClaims(ctx context.Context, prefix, owner string) error {
	claims, err := s.store.Claims(ctx, prefix)
	if err != nil {
		return err
	}
	for k, v := range claims {
		if v == owner {
			if err := s.store.ReleaseClaim(ctx, k); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReferralView adds to a referral what depends on the date.
type ReferralView struct {
	*pupil.Referral
	Open     bool `json:"open"`
	WaitDays int  `json:"wait_days"`
}

// PupilRecord is a pupil's record as of today, read from the stream: its
// state is this call's own, folded from History.
type PupilRecord struct {
	Pupil  *pupil.Pupil
	Access Access
	// Can is what the user may do now; nothing for a record of the past.
	Can   Can
	Today civil.Date
	// AsOf is the day the record is shown as of (today unless asked), and
	// Past is set when it is an earlier day or known_at was given.
	AsOf      civil.Date
	Past      bool
	YearGroup yeargroup.Group
	EHCP      ehcp.View
	Referrals []ReferralView
	// History is every event of the pupil that counts at the time asked,
	// oldest first.
	History []event.Event
	School  trust.School
	Trust   trust.Trust
	// Reviewers are the LA reviewers access may be granted to (when Can.Grant).
	Reviewers []user.User
}

// history loads pupil id's events once and folds its state from them.
func (s *Service) history(ctx context.Context, id string) (*pupil.Pupil, []event.Event, error) {
	commits, err := s.store.Load(ctx, eventlog.Subject("pupil", id), 0)
	if err != nil {
		return nil, nil, err
	}
	p := &pupil.Pupil{}
	var events []event.Event
	for _, c := range commits {
		for _, ev := range c.Commit.Events {
			p.Apply(ev)
			events = append(events, ev)
		}
	}
	return p, events, nil
}

// PupilRecord returns pupil id's whole record as it stood at w: the state,
// the EHC clock and referrals judged on w's day, and the history, read once.
// Its SENCO, its trust's lead and admins (who may read is judged on today's
// record); an LA reviewer is refused (they read the audit trail instead).
//
// Errors: ErrNotFound (also for a pupil not yet registered at w),
// ErrForbidden, ErrUnavailable.
func (s *Service) PupilRecord(ctx context.Context, u user.User, id string, w When) (PupilRecord, error) {
	today := s.Today()
	p, events, err := s.history(ctx, id)
	if err != nil {
		return PupilRecord{}, err
	}
	if err := requirePupil(u, id, p, today, ReadOnly); err != nil {
		return PupilRecord{}, err
	}
	access := PupilAccess(u, p, today)
	asOf, past := s.dateOf(w), s.past(w)
	cando := can(u, p, access)
	if past {
		if p, events, err = recordAt(id, events, asOf, w.KnownAt); err != nil {
			return PupilRecord{}, err
		}
		cando = Can{}
	}
	rec := PupilRecord{Pupil: p, Access: access, Can: cando, Today: today, AsOf: asOf, Past: past, YearGroup: p.CurrentYearGroup(asOf),
		EHCP: p.EHCP(asOf, s.phaseOf(p)), Referrals: referralViews(p, asOf), History: events}
	rec.School, _, _ = s.dir.School(p.SchoolID)
	rec.Trust, _ = s.dir.Trust(p.TrustID)
	if rec.Can.Grant {
		// Only the reviewers the pupil's trust works with, and who may sign in.
		for _, r := range s.dir.Users(user.LAReviewer) {
			if r.TrustID == p.TrustID && r.MaySignIn() {
				rec.Reviewers = append(rec.Reviewers, r)
			}
		}
	}
	return rec, nil
}

// past reports whether w asks for the record as it stood before now.
func (s *Service) past(w When) bool { return projections.Past(w.AsOf, s.Today(), w.KnownAt) }

// recordAt folds pupil id as it stood at the end of day asOf (as known at
// knownAt, when set) from its events, and returns the events that count
// then. The registration always gives the pupil's identity, so that history
// recorded from before it (a plan issued before the pupil joined) reads on
// its own dates; a pupil of whom nothing counts then is not found.
func recordAt(id string, events []event.Event, asOf civil.Date, knownAt time.Time) (*pupil.Pupil, []event.Event, error) {
	p := &pupil.Pupil{}
	var kept []event.Event
	for i := range events {
		counts := events[i].CountsAt(asOf, knownAt)
		if counts || i == 0 {
			p.Apply(events[i])
		}
		if counts {
			kept = append(kept, events[i])
		}
	}
	if len(kept) == 0 {
		return nil, nil, domain.NotFound("pupil %s had no record yet on %s", id, asOf)
	}
	return p, kept, nil
}

// phaseOf is the phase of the pupil's current school.
func (s *Service) phaseOf(p *pupil.Pupil) string {
	sch, _, _ := s.dir.School(p.SchoolID)
	return string(sch.Phase)
}

func referralViews(p *pupil.Pupil, asOf civil.Date) []ReferralView {
	out := make([]ReferralView, len(p.Referrals))
	for i, r := range p.Referrals {
		out[i] = ReferralView{Referral: r, Open: r.Open(), WaitDays: r.WaitDays(asOf)}
	}
	return out
}

// EHCP returns the pupil's EHCP statutory clock as it stood at w, judged
// on w's day. Whoever may read the record, and an LA reviewer with a live
// grant (the read is logged first; if it cannot be, the read is refused).
//
// Errors: ErrNotFound, ErrUnavailable.
func (s *Service) EHCP(ctx context.Context, u user.User, id string, w When) (ehcp.View, error) {
	today, asOf := s.Today(), s.dateOf(w)
	var view ehcp.View
	var err error
	if s.past(w) {
		err = s.ehcpAt(ctx, u, id, w, &view)
	} else {
		err = s.pupils.Read(ctx, id, func(p *pupil.Pupil) error {
			if err := requirePupil(u, id, p, today, EHCPAndAudit); err != nil {
				return err
			}
			view = p.EHCP(asOf, s.phaseOf(p))
			return nil
		})
	}
	if err == nil {
		err = s.logReviewerRead(ctx, u, id, "EHC plan status")
	}
	return view, err
}

// ehcpAt is EHCP for a past w, folded from the pupil's history.
func (s *Service) ehcpAt(ctx context.Context, u user.User, id string, w When, view *ehcp.View) error {
	p, events, err := s.history(ctx, id)
	if err != nil {
		return err
	}
	if err := requirePupil(u, id, p, s.Today(), EHCPAndAudit); err != nil {
		return err
	}
	asOf := s.dateOf(w)
	at, _, err := recordAt(id, events, asOf, w.KnownAt)
	if err != nil {
		return err
	}
	*view = at.EHCP(asOf, s.phaseOf(at))
	return nil
}

// logReviewerRead records a read by an LA reviewer before it is answered.
func (s *Service) logReviewerRead(ctx context.Context, u user.User, pupilID, what string) error {
	if u.Role != user.LAReviewer {
		return nil
	}
	return s.store.LogAccess(ctx, pupilID, eventlog.AccessEntry{UserID: u.ID, Name: u.Name, Role: string(u.Role), What: what, At: s.now().UTC()})
}

// ReviewerReads lists the reads of rec's pupil by LA reviewers, oldest
// first. rec, from PupilRecord, already proves the user may see them, so
// the record is not read again.
//
// Errors: ErrUnavailable.
func (s *Service) ReviewerReads(ctx context.Context, rec PupilRecord) ([]eventlog.AccessEntry, error) {
	return s.store.AccessLog(ctx, rec.Pupil.ID)
}

// AccessLog lists the reads logged of pupil id's record, oldest first:
// LA reviewers' reads, and every document opened (by anyone). Its SENCO, its trust's lead and admins.
//
// Errors: ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) AccessLog(ctx context.Context, u user.User, id string) ([]eventlog.AccessEntry, error) {
	today := s.Today()
	err := s.pupils.Read(ctx, id, func(p *pupil.Pupil) error { return requirePupil(u, id, p, today, ReadOnly) })
	if err != nil {
		return nil, err
	}
	return s.store.AccessLog(ctx, id)
}
