package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// A ticket is a one-time secret kept between two requests: a sign-in while
// the browser is at the identity provider, an invitation, a passkey
// ceremony. The secret goes to the browser; the store keeps only its hash,
// so neither the bucket nor a backup of it lets anyone in.
type ticket[T any] struct {
	At time.Time `json:"at"`
	V  T         `json:"v"`
}

// Ticket kinds and how long each lasts.
const (
	ticketSignIn     = "signin"
	ticketInvitation = "invite"
	ticketCeremony   = "passkey"

	SignInLifetime     = 10 * time.Minute
	InvitationLifetime = 72 * time.Hour
	ceremonyLifetime   = 5 * time.Minute
)

func ticketKey(kind, secret string) string { return kind + "." + hashToken(secret) }

// holdTicket keeps v under a new secret and answers the secret.
func holdTicket[T any](ctx context.Context, s *Service, kind string, v T) (string, error) {
	secret := randomSecret()
	b, err := json.Marshal(ticket[T]{At: s.now().UTC(), V: v})
	if err != nil {
		return "", fmt.Errorf("encode %s ticket: %w", kind, err)
	}
	if err := s.store.PutTicket(ctx, ticketKey(kind, secret), b); err != nil {
		return "", err
	}
	return secret, nil
}

// readTicket answers the ticket of secret if it is there and has not
// outlived life; take removes it (one caller gets it). ok is false
// otherwise.
func readTicket[T any](ctx context.Context, s *Service, kind, secret string, life time.Duration, take bool) (v T, at time.Time, ok bool, err error) {
	if secret == "" {
		return v, at, false, nil
	}
	read := s.store.Ticket
	if take {
		read = s.store.TakeTicket
	}
	b, found, err := read(ctx, ticketKey(kind, secret))
	if err != nil || !found {
		return v, at, false, err
	}
	var t ticket[T]
	if err := json.Unmarshal(b, &t); err != nil {
		return v, at, false, fmt.Errorf("decode %s ticket: %w", kind, err)
	}
	if s.now().Sub(t.At) > life {
		return v, at, false, nil
	}
	return t.V, t.At, true, nil
}
