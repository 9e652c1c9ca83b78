package app

import (
	"context"
	"errors"
	"strings"

	"github.com/sendcase/sendcase/domain/user"
)

// ErrNoAccount means nobody with that email may sign in this way: there is
// no account, it is deactivated, it belongs to another trust than the
// provider's, or several accounts share the email.
var ErrNoAccount = errors.New("no account may sign in with this email")

// PendingSignIn is what an OpenID Connect sign-in keeps while the browser is
// at the identity provider.
type PendingSignIn struct {
	Provider string `json:"provider"`
	Nonce    string `json:"nonce"`
	Verifier string `json:"verifier"`
	// Next is the page to go to once signed in.
	Next string `json:"next"`
}

// HoldSignIn keeps p for SignInLifetime and answers the state to send to
// the provider (and to keep in the browser).
//
// Errors: ErrUnavailable.
func (s *Service) HoldSignIn(ctx context.Context, p PendingSignIn) (state string, err error) {
	return holdTicket(ctx, s, ticketSignIn, p)
}

// TakeSignIn answers, once, the sign-in held for state. ok is false when
// there is none (never held, already used, or older than SignInLifetime).
//
// Errors: ErrUnavailable.
func (s *Service) TakeSignIn(ctx context.Context, state string) (p PendingSignIn, ok bool, err error) {
	p, _, ok, err = readTicket[PendingSignIn](ctx, s, ticketSignIn, state, SignInLifetime, true)
	return p, ok, err
}

// SignInByEmail starts a browser session for the account with email, as
// identity provider provider has verified it. trustID, when not empty, is
// the only trust whose people this provider may sign in.
//
// Errors: ErrNoAccount, ErrUnavailable.
func (s *Service) SignInByEmail(ctx context.Context, provider, email, trustID string) (cookie string, u user.User, err error) {
	email = strings.TrimSpace(email)
	u, ok := fresh(ctx, s, func() (user.User, bool) {
		var found []user.User
		for _, c := range s.dir.UsersByEmail(email) {
			if c.MaySignIn() && (trustID == "" || c.TrustID == trustID) {
				found = append(found, c)
			}
		}
		if len(found) != 1 {
			return user.User{}, false
		}
		return found[0], true
	})
	via := viaOIDC + ":" + provider
	if !ok {
		s.RecordRefusedSignIn(ctx, via, "no active account for "+email)
		return "", user.User{}, ErrNoAccount
	}
	cookie, err = s.startSession(ctx, u, via)
	return cookie, u, err
}
