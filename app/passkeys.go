package app

import (
	"context"
	"errors"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/user"
)

// PasskeyRP is the WebAuthn relying party (package passkey): it makes each
// ceremony's options and checks the browser's answers; the service holds
// the ceremony between the two steps and records the passkeys.
type PasskeyRP interface {
	BeginRegistration(u user.User) (options, session []byte, err error)
	// FinishRegistration answers the passkey to record, or an error when
	// the browser's answer does not check out.
	FinishRegistration(u user.User, session, response []byte) (user.Passkey, error)
	BeginSignIn() (options, session []byte, err error)
	// FinishSignIn answers whose passkey answered, found with find.
	FinishSignIn(session, response []byte, find func(userID string) (user.User, bool)) (user.User, error)
}

// ErrPasskeyRefused means a passkey ceremony failed: the browser's answer
// did not check out, the ceremony expired or was used, or the invitation is
// no longer valid.
var ErrPasskeyRefused = errors.New("the passkey was not accepted")

// ErrNoPasskeys means passkeys are not set up on this service.
var ErrNoPasskeys = errors.New("passkeys are not set up on this service")

type ceremony struct {
	UserID  string `json:"user_id,omitempty"`
	Session []byte `json:"session"`
}

// BeginPasskeyRegistration starts registering a passkey for the person an
// invitation is for: it answers the browser's options and the ceremony id
// to send back with the answer.
//
// Errors: ErrPasskeyRefused (no valid invitation), ErrNoPasskeys,
// ErrUnavailable.
func (s *Service) BeginPasskeyRegistration(ctx context.Context, invitationSecret string) (options []byte, ceremonyID string, err error) {
	if s.passkeys == nil {
		return nil, "", ErrNoPasskeys
	}
	u, ok, err := s.InvitedUser(ctx, invitationSecret)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return nil, "", ErrPasskeyRefused
	}
	options, session, err := s.passkeys.BeginRegistration(u)
	if err != nil {
		return nil, "", err
	}
	id, err := holdTicket(ctx, s, ticketCeremony, ceremony{UserID: u.ID, Session: session})
	return options, id, err
}

// FinishPasskeyRegistration records the passkey the browser made for the
// invitation, uses the invitation up and signs the browser in.
//
// Errors: ErrPasskeyRefused, ErrNoPasskeys, *ValidationError (the name),
// *ConflictError (registered already), ErrUnavailable.
func (s *Service) FinishPasskeyRegistration(ctx context.Context, invitationSecret, ceremonyID string, cmd user.AddPasskey, response []byte) (cookie string, u user.User, err error) {
	if s.passkeys == nil {
		return "", user.User{}, ErrNoPasskeys
	}
	if err := domain.Validate(cmd); err != nil {
		return "", user.User{}, err
	}
	c, _, ok, err := readTicket[ceremony](ctx, s, ticketCeremony, ceremonyID, ceremonyLifetime, true)
	if err != nil {
		return "", user.User{}, err
	}
	u, invited, err := s.InvitedUser(ctx, invitationSecret)
	if err != nil {
		return "", user.User{}, err
	}
	if !ok || !invited || c.UserID != u.ID {
		return "", user.User{}, ErrPasskeyRefused
	}
	key, err := s.passkeys.FinishRegistration(u, c.Session, response)
	if err != nil {
		return "", user.User{}, errors.Join(ErrPasskeyRefused, err)
	}
	// The invitation is used once: of two browsers finishing at once, one
	// gets it.
	if _, _, ok, err := readTicket[invitation](ctx, s, ticketInvitation, invitationSecret, InvitationLifetime, true); err != nil || !ok {
		if err == nil {
			err = ErrPasskeyRefused
		}
		return "", user.User{}, err
	}
	res, err := execute(ctx, s.users, u.ID, s.request(u, CommandOptions{}, "AddPasskey", u.ID), func(t *user.User) (decision[*user.User, Result], error) {
		evs, err := t.AddPasskey(cmd, key, s.Today())
		return decision[*user.User, Result]{events: evs, answer: answerID[*user.User](u.ID)}, err
	})
	if err != nil {
		return "", user.User{}, err
	}
	if err := s.awaitDirectory(ctx, res.Seq); err != nil {
		return "", user.User{}, err
	}
	_ = s.securityAbout(ctx, SecPasskeyAdded, u, u, cmd.Name)
	cookie, err = s.startSession(ctx, u, viaPasskey)
	return cookie, u, err
}

// BeginPasskeySignIn starts a sign-in with any passkey of this service.
//
// Errors: ErrNoPasskeys, ErrUnavailable.
func (s *Service) BeginPasskeySignIn(ctx context.Context) (options []byte, ceremonyID string, err error) {
	if s.passkeys == nil {
		return nil, "", ErrNoPasskeys
	}
	options, session, err := s.passkeys.BeginSignIn()
	if err != nil {
		return nil, "", err
	}
	id, err := holdTicket(ctx, s, ticketCeremony, ceremony{Session: session})
	return options, id, err
}

// FinishPasskeySignIn checks the browser's answer and signs it in as the
// passkey's owner.
//
// Errors: ErrPasskeyRefused, ErrNoPasskeys, ErrUnavailable.
func (s *Service) FinishPasskeySignIn(ctx context.Context, ceremonyID string, response []byte) (cookie string, u user.User, err error) {
	if s.passkeys == nil {
		return "", user.User{}, ErrNoPasskeys
	}
	c, _, ok, err := readTicket[ceremony](ctx, s, ticketCeremony, ceremonyID, ceremonyLifetime, true)
	if err != nil {
		return "", user.User{}, err
	}
	if !ok || c.UserID != "" {
		return "", user.User{}, ErrPasskeyRefused
	}
	u, err = s.passkeys.FinishSignIn(c.Session, response, func(id string) (user.User, bool) {
		return fresh(ctx, s, func() (user.User, bool) { u, ok := s.dir.User(id); return u, ok && u.MaySignIn() })
	})
	if err != nil {
		s.RecordRefusedSignIn(ctx, viaPasskey, "the passkey was not accepted")
		return "", user.User{}, errors.Join(ErrPasskeyRefused, err)
	}
	cookie, err = s.startSession(ctx, u, viaPasskey)
	return cookie, u, err
}

// PasskeysEnabled reports whether people can register and sign in with
// passkeys here.
func (s *Service) PasskeysEnabled() bool { return s.passkeys != nil }
