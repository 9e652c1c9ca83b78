package eventstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Tickets are one-time secrets kept between two requests: a sign-in on its
// way to an identity provider, an invitation, a passkey ceremony. Each is
// stored under "<kind>.<hash of the secret>", so the bucket holds nothing a
// reader could use. The service checks each kind's own lifetime; TicketTTL,
// the longest (an invitation's 72 hours, and an hour's grace), only clears
// the bucket.
const (
	ticketsKV = "sendcase_tickets"
	TicketTTL = 73 * time.Hour
)

// ErrTicketExists is returned by PutTicket when the key is taken.
var ErrTicketExists = errors.New("ticket exists")

// PutTicket stores value under key.
//
// Errors: ErrTicketExists, eventlog.ErrUnavailable.
func (s *Store) PutTicket(ctx context.Context, key string, value []byte) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	if _, err := s.tickets.Create(ctx, key, value); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return ErrTicketExists
		}
		return fmt.Errorf("store ticket: %w", wrapUnavailable(err))
	}
	return nil
}

// Ticket returns the ticket under key, leaving it; ok is false when there
// is none.
func (s *Store) Ticket(ctx context.Context, key string) (value []byte, ok bool, err error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	e, err := s.getTicket(ctx, key)
	if e == nil {
		return nil, false, err
	}
	return e.Value(), true, nil
}

// getTicket reads the ticket under key: nil (and no error) when there is none.
func (s *Store) getTicket(ctx context.Context, key string) (jetstream.KeyValueEntry, error) {
	e, err := s.tickets.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read ticket: %w", wrapUnavailable(err))
	}
	return e, nil
}

// TakeTicket returns the ticket under key and removes it: of two requests
// taking one ticket at once, one gets it and the other finds none.
func (s *Store) TakeTicket(ctx context.Context, key string) (value []byte, ok bool, err error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	e, err := s.getTicket(ctx, key)
	if e == nil {
		return nil, false, err
	}
	// Purge only the revision read: a concurrent taker that purged first
	// makes this fail, and that taker has the ticket.
	if err := s.tickets.Purge(ctx, key, jetstream.LastRevision(e.Revision())); err != nil {
		if isWrongLastSeq(err) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("take ticket: %w", wrapUnavailable(err))
	}
	return e.Value(), true, nil
}

// DropTicket removes the ticket under key, if any.
func (s *Store) DropTicket(ctx context.Context, key string) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	if err := s.tickets.Purge(ctx, key); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return fmt.Errorf("drop ticket: %w", wrapUnavailable(err))
	}
	return nil
}
