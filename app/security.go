package app

import (
	"context"
	"time"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventlog"
)

// What the security log records (eventlog.SecurityEntry.Kind).
const (
	SecSignIn          = "sign_in"
	SecSignInRefused   = "sign_in_refused"
	SecSignOutAll      = "signed_out_everywhere"
	SecInvitation      = "invitation"
	SecPasskeyAdded    = "passkey_added"
	SecDeactivated     = "deactivated"
	SecReactivated     = "reactivated"
	SecTokenIssued     = "token_issued"
	SecTokenRevoked    = "token_revoked"
	SecAccessGranted   = "la_access_granted"
	SecAccessRevoked   = "la_access_revoked"
	securityLogDefault = 200
	// SecurityLogMax is the most entries one read answers.
	SecurityLogMax = 2_000
)

type clientKey struct{}

// WithClient says which address a request comes from, for the security
// log. The HTTP stack sets it on every request.
func WithClient(ctx context.Context, address string) context.Context {
	return context.WithValue(ctx, clientKey{}, address)
}

// security records e with the time and the client's address.
func (s *Service) security(ctx context.Context, e eventlog.SecurityEntry) error {
	e.At = s.now().UTC().Truncate(time.Second)
	e.Address, _ = ctx.Value(clientKey{}).(string)
	return s.store.LogSecurity(ctx, e)
}

// securityAbout records e about user target done by actor.
func (s *Service) securityAbout(ctx context.Context, kind string, actor, target user.User, detail string) error {
	return s.security(ctx, eventlog.SecurityEntry{Kind: kind, ActorID: actor.ID, UserID: target.ID, TrustID: target.TrustID, Detail: detail})
}

// RecordRefusedSignIn records a sign-in refused before any account was
// found (a wrong state, an unverified email), how it was tried and why.
// It is best effort: a sign-in already refused is refused anyway.
func (s *Service) RecordRefusedSignIn(ctx context.Context, via, why string) {
	_ = s.security(ctx, eventlog.SecurityEntry{Kind: SecSignInRefused, Via: via, Detail: why})
}

// signedIn records a sign-in of u; a sign-in that cannot be recorded does
// not happen.
func (s *Service) signedIn(ctx context.Context, u user.User, via string) error {
	return s.security(ctx, eventlog.SecurityEntry{Kind: SecSignIn, UserID: u.ID, TrustID: u.TrustID, Via: via})
}

// SecurityQuery filters the security log.
type SecurityQuery struct {
	// Limit is how many entries, newest first (0: 200; at most 2,000).
	Limit int
	// UserID, when set, keeps one account's entries.
	UserID string
}

// SecurityLog answers the newest entries of the security log: every entry
// for an admin, their own trust's for a trust lead.
//
// Errors: ErrForbidden, ErrUnavailable.
func (s *Service) SecurityLog(ctx context.Context, u user.User, q SecurityQuery) ([]eventlog.SecurityEntry, error) {
	if u.Role != user.Admin && u.Role != user.TrustLead {
		return nil, domain.Forbidden("Only an admin or a trust lead reads the security log.")
	}
	if q.Limit <= 0 {
		q.Limit = securityLogDefault
	}
	q.Limit = min(q.Limit, SecurityLogMax)
	return s.store.SecurityLog(ctx, q.Limit, func(e eventlog.SecurityEntry) bool {
		return (u.Role == user.Admin || e.TrustID == u.TrustID) && (q.UserID == "" || e.UserID == q.UserID)
	})
}

// accessChanged records an LA reviewer's access granted or revoked (best
// effort: the grant itself is in the pupil's audit trail).
func (s *Service) accessChanged(ctx context.Context, kind string, by user.User, reviewerID, pupilID, detail string) {
	target, _ := s.dir.User(reviewerID)
	_ = s.security(ctx, eventlog.SecurityEntry{Kind: kind, ActorID: by.ID, UserID: reviewerID, TrustID: target.TrustID, PupilID: pupilID, Detail: detail})
}
