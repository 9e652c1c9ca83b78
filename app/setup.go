package app

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
)

// The trusts, their schools and provision catalogues, and the users. Every
// setup command is visible to the next request in this process before it
// is answered (a new school is usable at once).

// CreateTrust creates a trust. Admins only.
//
// Errors: ErrForbidden, *ValidationError, ErrUnavailable.
func (s *Service) CreateTrust(ctx context.Context, u user.User, o CommandOptions, cmd trust.Create) (Result, error) {
	if u.Role != user.Admin {
		return Result{}, domain.Forbidden("Only an admin creates trusts.")
	}
	id := newID()
	res, err := execute(ctx, s.trusts, id, s.request(u, o, "CreateTrust"), func(*trust.Trust) (decision[*trust.Trust, Result], error) {
		evs, err := trust.CreateTrust(id, cmd, s.Today())
		return decision[*trust.Trust, Result]{events: evs, answer: answerID[*trust.Trust](id)}, err
	})
	if err != nil {
		return res, err
	}
	return res, s.awaitDirectory(ctx, res.Seq)
}

// answerID answers a command with id.
func answerID[P any](id string) func(P) Result { return func(P) Result { return Result{ID: id} } }

// Trust returns a trust: its schools, catalogue and settings. Its lead, its
// SENCOs and admins.
//
// Errors: ErrNotFound, ErrForbidden.
func (s *Service) Trust(ctx context.Context, u user.User, id string) (trust.Trust, error) {
	t, ok := fresh(ctx, s, func() (trust.Trust, bool) { return s.dir.Trust(id) })
	switch {
	case !ok:
		return trust.Trust{}, domain.NotFound("trust %s", id)
	case !managesTrust(u, id) && !(u.Role == user.SENCO && u.TrustID == id):
		return trust.Trust{}, domain.Forbidden("Only the trust's staff see the trust.")
	}
	return t, nil
}

// Trusts lists every trust. Admins only.
//
// Errors: ErrForbidden.
func (s *Service) Trusts(u user.User) ([]trust.Trust, error) {
	if u.Role != user.Admin {
		return nil, domain.Forbidden("Only an administrator sees every trust.")
	}
	return s.dir.Trusts(), nil
}

// trustCommand runs a command on trust id for its lead or an admin.
func trustCommand[R any, RP committed[R]](ctx context.Context, s *Service, u user.User, o CommandOptions, op, id string,
	decide func(t *trust.Trust, today civil.Date) (decision[*trust.Trust, R], error)) (R, error) {
	var zero R
	if _, err := s.managedTrust(ctx, u, id, "Only the trust's lead or an admin manages a trust."); err != nil {
		return zero, err
	}
	res, err := execute[trust.Trust, *trust.Trust, R, RP](ctx, s.trusts, id, s.request(u, o, op, id), func(t *trust.Trust) (decision[*trust.Trust, R], error) {
		if !t.Exists() {
			return decision[*trust.Trust, R]{}, domain.NotFound("trust %s", id)
		}
		return decide(t, s.Today())
	})
	if err != nil {
		return res, err
	}
	return res, s.awaitDirectory(ctx, RP(&res).Committed().Seq)
}

// AddSchool adds a school to trust trustID. Its lead or an admin.
//
// Errors: ErrNotFound, ErrForbidden, *ValidationError, *ConflictError, ErrUnavailable.
func (s *Service) AddSchool(ctx context.Context, u user.User, o CommandOptions, trustID string, cmd trust.AddSchool) (TrustPartResult, error) {
	return trustCommand(ctx, s, u, o, "AddSchool", trustID, func(t *trust.Trust, today civil.Date) (decision[*trust.Trust, TrustPartResult], error) {
		id := newID()
		evs, err := t.AddSchool(id, cmd, today)
		return decision[*trust.Trust, TrustPartResult]{events: evs, answer: answerPart(id)}, err
	})
}

func answerPart(id string) func(*trust.Trust) TrustPartResult {
	return func(t *trust.Trust) TrustPartResult { return TrustPartResult{Result: Result{ID: id}, TrustID: t.ID} }
}

// AddProvision adds a costed provision to trust trustID's catalogue. Its
// lead or an admin.
//
// Errors: ErrNotFound, ErrForbidden, *ValidationError, *ConflictError, ErrUnavailable.
func (s *Service) AddProvision(ctx context.Context, u user.User, o CommandOptions, trustID string, cmd trust.AddProvision) (TrustPartResult, error) {
	return trustCommand(ctx, s, u, o, "AddProvision", trustID, func(t *trust.Trust, today civil.Date) (decision[*trust.Trust, TrustPartResult], error) {
		id := newID()
		evs, err := t.AddProvision(id, cmd, today)
		return decision[*trust.Trust, TrustPartResult]{events: evs, answer: answerPart(id)}, err
	})
}

// AddMeasure adds a measure of progress to trust trustID's measures, for
// plans' outcomes to name. Its lead or an admin.
//
// Errors: ErrNotFound, ErrForbidden, *ValidationError, *ConflictError, ErrUnavailable.
func (s *Service) AddMeasure(ctx context.Context, u user.User, o CommandOptions, trustID string, cmd trust.AddMeasure) (TrustPartResult, error) {
	return trustCommand(ctx, s, u, o, "AddMeasure", trustID, func(t *trust.Trust, today civil.Date) (decision[*trust.Trust, TrustPartResult], error) {
		id := newID()
		evs, err := t.AddMeasure(id, cmd, today)
		return decision[*trust.Trust, TrustPartResult]{events: evs, answer: answerPart(id)}, err
	})
}

// UpdateSettings sets trust trustID's weeks per year and admin-hour
// weights. Its lead or an admin.
//
// Errors: ErrNotFound, ErrForbidden, *ValidationError, ErrUnavailable.
func (s *Service) UpdateSettings(ctx context.Context, u user.User, o CommandOptions, trustID string, cmd trust.UpdateSettings) (Result, error) {
	return trustCommand(ctx, s, u, o, "UpdateSettings", trustID, func(t *trust.Trust, today civil.Date) (decision[*trust.Trust, Result], error) {
		evs, err := t.UpdateSettings(cmd, today)
		return decision[*trust.Trust, Result]{events: evs, answer: answerID[*trust.Trust](trustID)}, err
	})
}

// CreateUser creates a user and answers their token, once. Admins create
// anyone; a trust lead creates users of its own trust (a user it creates
// without a trust joins it, LA reviewers too).
//
// Errors: ErrForbidden, *ValidationError, ErrUnavailable.
func (s *Service) CreateUser(ctx context.Context, u user.User, o CommandOptions, cmd user.Create) (UserResult, error) {
	if err := mayCreateUser(u, cmd); err != nil {
		return UserResult{}, err
	}
	if u.Role == user.TrustLead && cmd.TrustID == "" {
		cmd.TrustID = u.TrustID // LA reviewers too: each trust adds the reviewers it works with
	}
	id := newID()
	token, hash := newToken()
	facts := user.Facts{TrustExists: s.dir.TrustExists, SchoolTrust: s.dir.SchoolTrust}
	res, err := execute(ctx, s.users, id, s.request(u, o, "CreateUser"), func(*user.User) (decision[*user.User, UserResult], error) {
		evs, err := user.CreateUser(id, hash, cmd, facts, s.Today())
		return decision[*user.User, UserResult]{events: evs,
			answer: func(*user.User) UserResult { return UserResult{Result: Result{ID: id}} },
			reveal: func(r *UserResult) { r.Token = token }}, err
	})
	if err != nil {
		return res, err
	}
	return res, s.awaitDirectory(ctx, res.Seq)
}

// tokenTarget returns user id if u may manage their token.
func (s *Service) tokenTarget(ctx context.Context, u user.User, id string) (user.User, error) {
	target, ok := fresh(ctx, s, func() (user.User, bool) { return s.dir.User(id) })
	switch {
	case !ok:
		return user.User{}, domain.NotFound("user %s", id)
	case !mayManageTokens(u, target):
		return user.User{}, domain.Forbidden("Only an admin, the trust's lead or the user may manage this user's token.")
	}
	return target, nil
}

// IssueToken gives user userID a new token (the old one stops working),
// shown once. Admins, the user, and the lead of the user's trust.
//
// Errors: ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) IssueToken(ctx context.Context, u user.User, o CommandOptions, userID string) (TokenResult, error) {
	if _, err := s.tokenTarget(ctx, u, userID); err != nil {
		return TokenResult{}, err
	}
	token, hash := newToken()
	res, err := execute(ctx, s.users, userID, s.request(u, o, "IssueToken", userID), func(t *user.User) (decision[*user.User, TokenResult], error) {
		today := s.Today()
		evs, err := t.IssueToken(hash, today)
		return decision[*user.User, TokenResult]{events: evs,
			answer: func(t *user.User) TokenResult {
				return TokenResult{UserResult: UserResult{Result: Result{ID: t.ID}}, TokenExpiresOn: t.TokenExpiresOn}
			},
			reveal: func(r *TokenResult) { r.Token = token }}, err
	})
	if err == nil {
		err = s.awaitDirectory(ctx, res.Seq)
	}
	if err != nil {
		return res, err
	}
	target, _ := s.dir.User(userID)
	_ = s.securityAbout(ctx, SecTokenIssued, u, target, "")
	return res, nil
}

// RevokeTokens stops user userID's token working. Who may: as IssueToken.
//
// Errors: ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) RevokeTokens(ctx context.Context, u user.User, o CommandOptions, userID string) (Result, error) {
	if _, err := s.tokenTarget(ctx, u, userID); err != nil {
		return Result{}, err
	}
	return s.userCommand(ctx, u, o, "RevokeTokens", userID, SecTokenRevoked, func(t *user.User) ([]event.Data, error) {
		return t.RevokeTokens(s.Today())
	}, nil)
}

// EnsureAdmin creates the service administrator for token if there is none
// yet. The user id derives from the token, so restarts change nothing.
func (s *Service) EnsureAdmin(ctx context.Context, token string) (string, error) {
	hash := hashToken(token)
	id := uuid.NewSHA1(uuid.NameSpaceOID, []byte("sendcase-admin:"+hash)).String()
	res, err := execute(ctx, s.users, id, s.request(System, CommandOptions{}, "EnsureAdmin"), func(t *user.User) (decision[*user.User, Result], error) {
		dec := decision[*user.User, Result]{answer: answerID[*user.User](id)}
		if !t.Exists() {
			dec.events = []event.Data{user.Created{UserID: id, Name: "Service administrator",
				Email: "admin@sendcase.invalid", Role: user.Admin, TokenHash: hash, On: s.Today()}}
		}
		return dec, nil
	})
	if err == nil {
		err = s.awaitDirectory(ctx, res.Seq)
	}
	if err != nil {
		return "", fmt.Errorf("ensure admin: %w", err)
	}
	return id, nil
}

// SchoolsOf lists the schools a SENCO works at.
func (s *Service) SchoolsOf(u user.User) []trust.School {
	var out []trust.School
	for _, id := range u.SchoolIDs {
		if sch, _, ok := s.dir.School(id); ok {
			out = append(out, sch)
		}
	}
	return out
}
