package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/mailer"
)

// managedUser returns user id if u may manage them (mayManageUser).
func (s *Service) managedUser(ctx context.Context, u user.User, id string) (user.User, error) {
	target, ok := fresh(ctx, s, func() (user.User, bool) { return s.dir.User(id) })
	switch {
	case !ok:
		return user.User{}, domain.NotFound("user %s", id)
	case !mayManageUser(u, target):
		return user.User{}, domain.Forbidden("Only an admin or the trust's lead may manage this person's account.")
	}
	return target, nil
}

// DeactivateUser ends user userID's access at once: their sessions end on
// every server (each request checks the account), their token stops
// working and they cannot sign in. Admins, and the lead of the user's
// trust; nobody deactivates themselves.
//
// Errors: ErrNotFound, ErrForbidden, *ConflictError, ErrUnavailable.
func (s *Service) DeactivateUser(ctx context.Context, u user.User, o CommandOptions, userID string) (Result, error) {
	if _, err := s.managedUser(ctx, u, userID); err != nil {
		return Result{}, err
	}
	return s.userCommand(ctx, u, o, "DeactivateUser", userID, SecDeactivated, func(t *user.User) ([]event.Data, error) {
		return t.Deactivate(u.ID, s.Today())
	}, func() error { return s.store.EndSessions(ctx, userID) })
}

// ReactivateUser gives a deactivated user access again. Who may: as
// DeactivateUser.
//
// Errors: ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) ReactivateUser(ctx context.Context, u user.User, o CommandOptions, userID string) (Result, error) {
	if _, err := s.managedUser(ctx, u, userID); err != nil {
		return Result{}, err
	}
	return s.userCommand(ctx, u, o, "ReactivateUser", userID, SecReactivated, func(t *user.User) ([]event.Data, error) {
		return t.Reactivate(s.Today())
	}, nil)
}

// userCommand runs decide on user userID and waits for the directory to
// have it; then, once it is in force, runs after (if any) and records kind
// in the security log (best effort: the event is the record).
func (s *Service) userCommand(ctx context.Context, u user.User, o CommandOptions, op, userID, kind string,
	decide func(*user.User) ([]event.Data, error), after func() error) (Result, error) {
	res, err := execute(ctx, s.users, userID, s.request(u, o, op, userID), func(t *user.User) (decision[*user.User, Result], error) {
		evs, err := decide(t)
		return decision[*user.User, Result]{events: evs, answer: answerID[*user.User](userID)}, err
	})
	if err == nil {
		err = s.awaitDirectory(ctx, res.Seq)
	}
	if err == nil && after != nil {
		err = after()
	}
	if err != nil {
		return res, err
	}
	if kind != "" {
		target, _ := s.dir.User(userID)
		_ = s.securityAbout(ctx, kind, u, target, "")
	}
	return res, nil
}

// Invitation is a one-time link for a person to set up a passkey.
type Invitation struct {
	UserID    string    `json:"user_id"`
	ExpiresAt time.Time `json:"expires_at"`
	// Link is the one-time link; shown once to the inviter when no mail was
	// sent, and never logged.
	Link string `json:"link,omitempty"`
	// Emailed says the link was sent to the person's email.
	Emailed bool `json:"emailed"`
}

type invitation struct {
	UserID string `json:"user_id"`
	By     string `json:"by"`
}

// Mailer sends an email. Bodies carry no personal data (see
// docs/data-protection.md).
type Mailer interface {
	Send(ctx context.Context, msg mailer.Message) error
}

// InvitationPath is where an invitation's link leads, before its secret.
const InvitationPath = "/ui/invitations/"

// Invite makes a one-time link, valid for InvitationLifetime, with which
// user userID registers a passkey and signs in. With a mailer it is emailed
// to them; otherwise it is answered, to be passed on. Who may: as
// DeactivateUser.
//
// Errors: ErrNotFound, ErrForbidden, *ConflictError (deactivated),
// ErrUnavailable, or the mailer's error.
func (s *Service) Invite(ctx context.Context, u user.User, _ CommandOptions, userID string) (Invitation, error) {
	target, err := s.managedUser(ctx, u, userID)
	if err != nil {
		return Invitation{}, err
	}
	return s.invite(ctx, u, target)
}

func (s *Service) invite(ctx context.Context, by, target user.User) (Invitation, error) {
	if !target.MaySignIn() {
		return Invitation{}, domain.Conflict("This account is deactivated; reactivate it first.")
	}
	secret, err := holdTicket(ctx, s, ticketInvitation, invitation{UserID: target.ID, By: by.ID})
	if err != nil {
		return Invitation{}, err
	}
	inv := Invitation{UserID: target.ID, ExpiresAt: s.now().UTC().Add(InvitationLifetime), Link: s.publicURL + InvitationPath + secret}
	if s.mailer != nil {
		body := fmt.Sprintf("You have been invited to sendcase, the SEND case management service your school or trust uses.\n\n"+
			"Open this link within 72 hours to set up a passkey and sign in:\n\n%s\n\n"+
			"If you did not expect this email, you can ignore it.\n", inv.Link)
		if err := s.mailer.Send(ctx, mailer.Message{To: target.Email, Subject: "Your invitation to sendcase", Body: body}); err != nil {
			return Invitation{}, fmt.Errorf("send invitation: %w", err)
		}
		inv.Link, inv.Emailed = "", true
	}
	how := "link shown to the inviter"
	if inv.Emailed {
		how = "emailed"
	}
	if err := s.securityAbout(ctx, SecInvitation, by, target, how); err != nil {
		return Invitation{}, err
	}
	return inv, nil
}

// InvitedUser answers whom the invitation with secret is for, leaving it
// unused. ok is false when it is unknown, used, expired, or its account
// deactivated.
//
// Errors: ErrUnavailable.
func (s *Service) InvitedUser(ctx context.Context, secret string) (u user.User, ok bool, err error) {
	inv, _, ok, err := readTicket[invitation](ctx, s, ticketInvitation, secret, InvitationLifetime, false)
	if err != nil || !ok {
		return user.User{}, false, err
	}
	u, ok = fresh(ctx, s, func() (user.User, bool) { u, ok := s.dir.User(inv.UserID); return u, ok && u.MaySignIn() })
	return u, ok, nil
}

// InviteAdmin makes a one-time link for the service administrator with
// email, creating their account if there is none (the first administrator
// of a new service, from the command line). The account's id derives from
// the email, so running it twice makes one account.
//
// Errors: *ValidationError (the email or name), *ConflictError (the
// account is deactivated), ErrUnavailable.
func (s *Service) InviteAdmin(ctx context.Context, name, email string) (Invitation, error) {
	email = strings.TrimSpace(email)
	if name == "" {
		name = "Service administrator"
	}
	cmd := user.Create{Name: name, Email: email, Role: user.Admin}
	if err := domain.Validate(cmd); err != nil {
		return Invitation{}, err
	}
	id := uuid.NewSHA1(uuid.NameSpaceOID, []byte("sendcase-admin-email:"+strings.ToLower(email))).String()
	res, err := execute(ctx, s.users, id, s.request(System, CommandOptions{}, "InviteAdmin"), func(t *user.User) (decision[*user.User, Result], error) {
		dec := decision[*user.User, Result]{answer: answerID[*user.User](id)}
		if !t.Exists() {
			evs, err := user.CreateUser(id, "", cmd, user.Facts{TrustExists: s.dir.TrustExists, SchoolTrust: s.dir.SchoolTrust}, s.Today())
			dec.events = evs
			return dec, err
		}
		return dec, nil
	})
	if err == nil {
		err = s.awaitDirectory(ctx, res.Seq)
	}
	if err != nil {
		return Invitation{}, fmt.Errorf("invite admin: %w", err)
	}
	target, _ := s.dir.User(id)
	return s.invite(ctx, System, target)
}

// Person is an account as its trust's pages show it.
type Person struct {
	user.User
	// LastSignIn is when they last signed in (zero: not in the security
	// log, which keeps about a year).
	LastSignIn time.Time `json:"last_sign_in,omitzero"`
}

// People lists the accounts of trust trustID, by name, with when each last
// signed in. Admins, and the trust's lead.
//
// Errors: ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) People(ctx context.Context, u user.User, trustID string) ([]Person, error) {
	if _, err := s.managedTrust(ctx, u, trustID, "Only an admin or the trust's lead sees its people."); err != nil {
		return nil, err
	}
	var out []Person
	for _, role := range user.Roles {
		for _, p := range s.dir.Users(role) {
			if p.TrustID == trustID {
				out = append(out, Person{User: p})
			}
		}
	}
	slices.SortFunc(out, func(a, b Person) int { return strings.Compare(a.Name, b.Name) })
	last := map[string]time.Time{}
	entries, err := s.store.SecurityLog(ctx, SecurityLogMax, func(e eventlog.SecurityEntry) bool {
		return e.Kind == SecSignIn && e.TrustID == trustID
	})
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if _, seen := last[e.UserID]; !seen {
			last[e.UserID] = e.At
		}
	}
	for i := range out {
		out[i].LastSignIn = last[out[i].ID]
	}
	return out, nil
}

// ChangeUser gives user userID a new role and schools, in their trust.
// Who may: as DeactivateUser; a trust lead makes no admins, and nobody
// changes their own role.
//
// Errors: ErrNotFound, ErrForbidden, *ValidationError, ErrUnavailable.
func (s *Service) ChangeUser(ctx context.Context, u user.User, o CommandOptions, userID string, cmd user.Change) (Result, error) {
	target, err := s.managedUser(ctx, u, userID)
	if err != nil {
		return Result{}, err
	}
	switch {
	case target.ID == u.ID:
		return Result{}, domain.Forbidden("Nobody changes their own role; ask another admin or lead.")
	case u.Role != user.Admin && cmd.Role == user.Admin:
		return Result{}, domain.Forbidden("A trust lead makes no admins.")
	}
	facts := user.Facts{TrustExists: s.dir.TrustExists, SchoolTrust: s.dir.SchoolTrust}
	return s.userCommand(ctx, u, o, "ChangeUser", userID, "", func(t *user.User) ([]event.Data, error) {
		return t.Change(cmd, facts, s.Today())
	}, nil)
}

// HasAdmin reports whether the service has an administrator who can sign
// in: a new service has none until the first is set up.
func (s *Service) HasAdmin() bool {
	for _, a := range s.dir.Users(user.Admin) {
		if a.MaySignIn() {
			return true
		}
	}
	return false
}

// IntegrationTokenResult answers a new integration token; Token is shown
// once.
type IntegrationTokenResult struct {
	Result
	Name      string     `json:"name"`
	ExpiresOn civil.Date `json:"expires_on"`
	Token     string     `json:"token,omitempty"`
}

// IssueIntegrationToken makes a named token for the signed-in user, for an
// integration or a script: it acts as them, until the day it expires.
//
// Errors: *ValidationError, *ConflictError (too many), ErrUnavailable.
func (s *Service) IssueIntegrationToken(ctx context.Context, u user.User, o CommandOptions, cmd user.IssueIntegrationToken) (IntegrationTokenResult, error) {
	token, hash := newToken()
	tokenID := newID()
	res, err := execute(ctx, s.users, u.ID, s.request(u, o, "IssueIntegrationToken", u.ID), func(t *user.User) (decision[*user.User, IntegrationTokenResult], error) {
		evs, err := t.IssueIntegrationToken(tokenID, hash, cmd, s.Today())
		return decision[*user.User, IntegrationTokenResult]{events: evs,
			answer: func(*user.User) IntegrationTokenResult {
				return IntegrationTokenResult{Result: Result{ID: tokenID}, Name: cmd.Name, ExpiresOn: cmd.ExpiresOn}
			},
			reveal: func(r *IntegrationTokenResult) { r.Token = token }}, err
	})
	if err == nil {
		err = s.awaitDirectory(ctx, res.Seq)
	}
	if err != nil {
		return res, err
	}
	_ = s.securityAbout(ctx, SecTokenIssued, u, u, cmd.Name)
	return res, nil
}

// RevokeIntegrationToken ends the signed-in user's token tokenID at once.
//
// Errors: ErrNotFound, ErrUnavailable.
func (s *Service) RevokeIntegrationToken(ctx context.Context, u user.User, o CommandOptions, tokenID string) (Result, error) {
	var name string
	res, err := execute(ctx, s.users, u.ID, s.request(u, o, "RevokeIntegrationToken", u.ID, tokenID), func(t *user.User) (decision[*user.User, Result], error) {
		for _, tk := range t.Tokens {
			if tk.ID == tokenID {
				name = tk.Name
			}
		}
		evs, err := t.RevokeIntegrationToken(tokenID, s.Today())
		return decision[*user.User, Result]{events: evs, answer: answerID[*user.User](tokenID)}, err
	})
	if err == nil {
		err = s.awaitDirectory(ctx, res.Seq)
	}
	if err != nil {
		return res, err
	}
	_ = s.securityAbout(ctx, SecTokenRevoked, u, u, name)
	return res, nil
}

// IntegrationTokens lists the signed-in user's integration tokens (never
// the tokens themselves).
func (s *Service) IntegrationTokens(u user.User) []user.Token {
	now, _ := s.dir.User(u.ID)
	return append([]user.Token{}, now.Tokens...)
}
