package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/eventlog"
)

// Sessions live in their own bucket, one key a session: "<user>.<hash of
// the session id>", so that all of a user's sessions can be ended at once.
// A session not written for SessionTTL is gone (the service ends sessions
// sooner: see app's session timeouts).
const (
	sessionsKV = "sendcase_sessions"
	SessionTTL = 12 * time.Hour
)

func sessionKey(userID, idHash string) string { return userID + "." + idHash }

// PutSession stores session idHash of its user.
func (s *Store) PutSession(ctx context.Context, idHash string, se eventlog.Session) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	b, err := json.Marshal(se)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	if _, err := s.sessions.Put(ctx, sessionKey(se.UserID, idHash), b); err != nil {
		return fmt.Errorf("store session: %w", wrapUnavailable(err))
	}
	return nil
}

// Session returns user userID's session idHash; ok is false when there is
// none.
func (s *Store) Session(ctx context.Context, userID, idHash string) (se eventlog.Session, ok bool, err error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	e, err := s.sessions.Get(ctx, sessionKey(userID, idHash))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return eventlog.Session{}, false, nil
	}
	if err != nil {
		return eventlog.Session{}, false, fmt.Errorf("read session: %w", wrapUnavailable(err))
	}
	if err := json.Unmarshal(e.Value(), &se); err != nil {
		return eventlog.Session{}, false, fmt.Errorf("decode session: %w", err)
	}
	return se, true, nil
}

// EndSession removes user userID's session idHash (purged: nothing of it stays).
func (s *Store) EndSession(ctx context.Context, userID, idHash string) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	if err := s.sessions.Purge(ctx, sessionKey(userID, idHash)); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return fmt.Errorf("end session: %w", wrapUnavailable(err))
	}
	return nil
}

// EndSessions removes every session of user userID.
func (s *Store) EndSessions(ctx context.Context, userID string) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	lister, err := s.sessions.ListKeysFiltered(ctx, userID+".*")
	if err != nil {
		return fmt.Errorf("list sessions: %w", wrapUnavailable(err))
	}
	for k := range lister.Keys() {
		if err := s.sessions.Purge(ctx, k); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
			return fmt.Errorf("end session: %w", wrapUnavailable(err))
		}
	}
	return nil
}
