package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	gojson "github.com/goccy/go-json"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/eventlog"
)

// Recall returns the record for key (already hashed to a KV-safe form).
func (s *Store) Recall(ctx context.Context, key string) (eventlog.IdempotencyRecord, bool, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	e, err := s.idem.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return eventlog.IdempotencyRecord{}, false, nil
	}
	if err != nil {
		return eventlog.IdempotencyRecord{}, false, fmt.Errorf("recall idempotency key: %w", wrapUnavailable(err))
	}
	var r struct {
		eventlog.IdempotencyRecord
		// Answer is how records were kept before results were typed: the
		// HTTP answer, whose body is the result.
		Answer *struct {
			Body json.RawMessage `json:"body"`
		} `json:"answer"`
	}
	if err := gojson.Unmarshal(e.Value(), &r); err != nil {
		return eventlog.IdempotencyRecord{}, false, fmt.Errorf("decode idempotency record: %w", err)
	}
	if r.Result == nil && r.Answer != nil {
		r.Result = r.Answer.Body
	}
	return r.IdempotencyRecord, true, nil
}

// Remember stores the record for key for IdempotencyTTL.
func (s *Store) Remember(ctx context.Context, key string, r eventlog.IdempotencyRecord) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode idempotency record: %w", err)
	}
	if _, err := s.idem.Put(ctx, key, b); err != nil {
		return fmt.Errorf("remember idempotency key: %w", wrapUnavailable(err))
	}
	return nil
}

// ClaimUnique records owner as the holder of key if nobody holds it. If
// someone does, it returns their claim and eventlog.ErrClaimed.
func (s *Store) ClaimUnique(ctx context.Context, key, owner string) (eventlog.Claim, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	rev, err := s.unique.Create(ctx, key, []byte(owner))
	if err == nil {
		return eventlog.Claim{Owner: owner, Revision: rev}, nil
	}
	if !errors.Is(err, jetstream.ErrKeyExists) {
		return eventlog.Claim{}, fmt.Errorf("claim %s: %w", key, wrapUnavailable(err))
	}
	e, err := s.unique.Get(ctx, key)
	if err != nil {
		return eventlog.Claim{}, fmt.Errorf("read claim %s: %w", key, wrapUnavailable(err))
	}
	return eventlog.Claim{Owner: string(e.Value()), Revision: e.Revision()}, eventlog.ErrClaimed
}

// TakeOverClaim replaces an abandoned claim, if it is still at revision.
func (s *Store) TakeOverClaim(ctx context.Context, key, owner string, revision uint64) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	if _, err := s.unique.Update(ctx, key, []byte(owner), revision); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) || isWrongLastSeq(err) {
			return eventlog.ErrClaimed
		}
		return fmt.Errorf("take over claim %s: %w", key, wrapUnavailable(err))
	}
	return nil
}

// ReleaseClaim removes the claim on key, leaving no trace of the key in the
// bucket: its messages are purged from the bucket's stream, not covered by
// a delete marker (whose subject would still name the value).
func (s *Store) ReleaseClaim(ctx context.Context, key string) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	stream, err := s.js.Stream(ctx, "KV_"+uniqueKV)
	if err != nil {
		return fmt.Errorf("release claim: %w", wrapUnavailable(err))
	}
	if err := stream.Purge(ctx, jetstream.WithPurgeSubject("$KV."+uniqueKV+"."+key)); err != nil {
		return fmt.Errorf("release claim: %w", wrapUnavailable(err))
	}
	return nil
}

// Claims returns every claim whose key starts with prefix (a dot-separated
// key prefix such as "upn.<trust>"), as key → owner.
func (s *Store) Claims(ctx context.Context, prefix string) (map[string]string, error) {
	out := map[string]string{}
	err := eachValue(ctx, s.unique, prefix+".>", func(e jetstream.KeyValueEntry) { out[e.Key()] = string(e.Value()) })
	if err != nil {
		return nil, fmt.Errorf("list claims %s: %w", prefix, err)
	}
	return out, nil
}

// eachValue calls fn with the current value of every key of kv matching
// filter, and returns once all have been given.
func eachValue(ctx context.Context, kv jetstream.KeyValue, filter string, fn func(jetstream.KeyValueEntry)) error {
	w, err := kv.WatchFiltered(ctx, []string{filter}, jetstream.IgnoreDeletes())
	if err != nil {
		return wrapUnavailable(err)
	}
	defer func() { _ = w.Stop() }()
	for {
		select {
		case e, ok := <-w.Updates():
			if !ok || e == nil { // nil: every current value delivered
				return nil
			}
			fn(e)
		case <-ctx.Done():
			return wrapUnavailable(ctx.Err())
		}
	}
}
