// Package eventstore keeps events on NATS JetStream.
//
// Each aggregate has one subject, sendcase.<kind>.<id>, and each command's
// events are one message (a commit) on it. A commit is written with the
// aggregate's expected last subject sequence, so of two writers deciding on
// the same state only one can win, and all of a command's events land
// together or not at all. See docs/eventstore.md.
package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/eventlog"
)

// Names of what the store creates on the server.
const (
	StreamName      = "SENDCASE"
	idempotencyKV   = "sendcase_idempotency"
	uniqueKV        = "sendcase_unique"
	IdempotencyTTL  = 24 * time.Hour
	commitHeader    = "Sendcase-Commit"
	minServerMajor  = 2
	minServerMinor  = 11
	defaultDupesWin = 2 * time.Minute
)

// opTimeout bounds every call to NATS, whatever deadline the caller has:
// a server that has gone away must turn into eventlog.ErrUnavailable (503) quickly,
// not hold a request for as long as the HTTP server would allow.
const opTimeout = 5 * time.Second

// bounded returns ctx limited to opTimeout.
func bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= opTimeout {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, opTimeout)
}

// Options for Open.
type Options struct {
	// Replicas of the stream and buckets (1 for a single server, 3 in a cluster).
	Replicas int
}

// Store appends and loads commits.
type Store struct {
	nc       *nats.Conn
	js       jetstream.JetStream
	stream   jetstream.Stream
	idem     jetstream.KeyValue
	unique   jetstream.KeyValue
	sessions jetstream.KeyValue
	tickets  jetstream.KeyValue
	jobs     jetstream.KeyValue
	security jetstream.Stream
	keys     *Keyring
	loader   *loader
	replicas int
	// docs is the documents' object store, made on first use (see
	// documents.go).
	docsMu sync.Mutex
	docs   jetstream.ObjectStore
}

// Open checks the server, then creates or updates the stream and buckets.
func Open(ctx context.Context, nc *nats.Conn, o Options) (*Store, error) {
	if err := checkServerVersion(nc.ConnectedServerVersion()); err != nil {
		return nil, err
	}
	if o.Replicas < 1 {
		o.Replicas = 1
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	stream, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        StreamName,
		Description: "sendcase events: one subject per aggregate, one message per command",
		Subjects:    []string{eventlog.SubjectPrefix + ">"},
		Storage:     jetstream.FileStorage,
		Replicas:    o.Replicas,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardNew,
		MaxMsgs:     -1,
		MaxBytes:    -1,
		MaxAge:      0,
		Duplicates:  defaultDupesWin,
		AllowDirect: true,
		// Events are never deleted or purged: the audit trail depends on it.
		DenyDelete: true,
		DenyPurge:  true,
	})
	if err != nil {
		return nil, fmt.Errorf("create stream %s: %w", StreamName, wrapUnavailable(err))
	}
	idem, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: idempotencyKV, Description: "answers to commands sent with an Idempotency-Key",
		TTL: IdempotencyTTL, Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("create bucket %s: %w", idempotencyKV, wrapUnavailable(err))
	}
	unique, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: uniqueKV, Description: "claims on values unique across aggregates (UPN within a trust)",
		Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("create bucket %s: %w", uniqueKV, wrapUnavailable(err))
	}
	sessions, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: sessionsKV, Description: "signed-in browsers: <user>.<hash of the session id>",
		TTL: SessionTTL, Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("create bucket %s: %w", sessionsKV, wrapUnavailable(err))
	}
	tickets, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: ticketsKV, Description: "one-time secrets: <kind>.<hash>",
		TTL: TicketTTL, Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("create bucket %s: %w", ticketsKV, wrapUnavailable(err))
	}
	jobs, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: jobsKV, Description: "the schedule of emails to send: job.<kind>.<key>, and the reminders' secret",
		Storage: jetstream.FileStorage, Replicas: o.Replicas, History: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("create bucket %s: %w", jobsKV, wrapUnavailable(err))
	}
	security, err := openSecurityLog(ctx, js, o.Replicas)
	if err != nil {
		return nil, err
	}
	keys, err := openKeyring(ctx, js, o.Replicas)
	if err != nil {
		return nil, err
	}
	l, err := newLoader(nc, StreamName)
	if err != nil {
		keys.Close()
		return nil, err
	}
	return &Store{nc: nc, js: js, stream: stream, idem: idem, unique: unique, sessions: sessions, tickets: tickets, jobs: jobs, security: security, keys: keys, loader: l,
		replicas: o.Replicas}, nil
}

// Close releases the store's subscriptions; the connection stays open.
func (s *Store) Close() {
	s.loader.close()
	s.keys.Close()
}

// Keys is the keyring of the aggregates' personal data.
func (s *Store) Keys() *Keyring { return s.keys }

// Encrypt encrypts e's personal fields under aggregate id's key (see Keyring.Encrypt).
func (s *Store) Encrypt(ctx context.Context, id string, e *event.Event) error {
	return s.keys.Encrypt(ctx, id, e)
}

// DestroyKey destroys aggregate id's key for good (see Keyring.Destroy).
func (s *Store) DestroyKey(ctx context.Context, id string) error { return s.keys.Destroy(ctx, id) }

// JetStream exposes the JetStream context for projections' consumers.
func (s *Store) JetStream() jetstream.JetStream { return s.js }

// Conn is the NATS connection.
func (s *Store) Conn() *nats.Conn { return s.nc }

// Append writes commit c to subject if the subject's last sequence is still
// expected (0: no message yet). msgID, when set, makes a retry within the
// server's duplicate window a no-op that reports the first write.
func (s *Store) Append(ctx context.Context, subject string, expected uint64, c *event.Commit, msgID string) (eventlog.AppendResult, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	data, err := json.Marshal(c)
	if err != nil {
		return eventlog.AppendResult{}, fmt.Errorf("append %s: encode: %w", subject, err)
	}
	msg := &nats.Msg{Subject: subject, Data: data, Header: nats.Header{}}
	msg.Header.Set(commitHeader, strconv.Itoa(len(c.Events)))
	opts := []jetstream.PublishOpt{
		jetstream.WithExpectStream(StreamName),
		jetstream.WithExpectLastSequencePerSubject(expected),
	}
	if msgID != "" {
		opts = append(opts, jetstream.WithMsgID(msgID))
	}
	ack, err := s.js.PublishMsg(ctx, msg, opts...)
	if err != nil {
		if isWrongLastSeq(err) {
			return eventlog.AppendResult{}, fmt.Errorf("append %s at %d: %w", subject, expected, eventlog.ErrConflict)
		}
		return eventlog.AppendResult{}, fmt.Errorf("append %s: %w", subject, wrapUnavailable(err))
	}
	return eventlog.AppendResult{Seq: ack.Sequence, Duplicate: ack.Duplicate}, nil
}

// Load reads the commits of subject stored after stream sequence after, in
// order, and returns them with their events decoded. It creates no consumer:
// it asks for the messages in batches with JetStream's direct get.
func (s *Store) Load(ctx context.Context, subject string, after uint64) ([]eventlog.Loaded, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	var out []eventlog.Loaded
	erased := false
	err := s.loader.each(ctx, subject, after+1, func(seq uint64, data []byte) error {
		var c event.Commit
		if err := gojson.Unmarshal(data, &c); err != nil {
			return fmt.Errorf("decode commit at seq %d: %w", seq, err)
		}
		for _, e := range c.Events {
			erased = erased || event.Erases(e.Type)
		}
		out = append(out, eventlog.Loaded{Seq: seq, Commit: c})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", subject, err)
	}
	if erased && len(out) > 0 {
		// This node may not yet have heard that the key is destroyed (or
		// the destruction stopped half-way): what the erasure destroyed
		// must not be shown meanwhile.
		s.keys.forget(out[0].Commit.AggregateID)
	}
	for i := range out {
		c := &out[i].Commit
		if err := s.keys.Decrypt(ctx, c); err != nil {
			return nil, fmt.Errorf("load %s: decrypt commit at seq %d: %w", subject, out[i].Seq, err)
		}
		if err := c.Decode(out[i].Seq); err != nil {
			return nil, fmt.Errorf("load %s: %w", subject, err)
		}
	}
	return out, nil
}

// LastSeq is the stream's last sequence: what a projection must reach to be current.
func (s *Store) LastSeq(ctx context.Context) (uint64, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	info, err := s.stream.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("stream info: %w", wrapUnavailable(err))
	}
	return info.State.LastSeq, nil
}

func isWrongLastSeq(err error) bool {
	var apiErr *jetstream.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant
}

// wrapUnavailable marks connection-level failures so the API can answer 503.
func wrapUnavailable(err error) error {
	switch {
	case errors.Is(err, nats.ErrConnectionClosed), errors.Is(err, nats.ErrNoResponders),
		errors.Is(err, nats.ErrTimeout), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, nats.ErrConnectionReconnecting), errors.Is(err, nats.ErrDisconnected),
		errors.Is(err, jetstream.ErrNoStreamResponse), errors.Is(err, nats.ErrReconnectBufExceeded):
		return fmt.Errorf("%w: %w", eventlog.ErrUnavailable, err)
	}
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) && apiErr.Code == 503 {
		return fmt.Errorf("%w: %w", eventlog.ErrUnavailable, err)
	}
	return err
}

// checkServerVersion refuses servers older than 2.11, whose batched direct
// get and per-subject expectations behave differently.
func checkServerVersion(v string) error {
	parts := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3)
	if len(parts) < 2 {
		return fmt.Errorf("nats server version %q: cannot tell", v)
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return fmt.Errorf("nats server version %q: cannot tell", v)
	}
	if major < minServerMajor || (major == minServerMajor && minor < minServerMinor) {
		return fmt.Errorf("nats server %s is too old: sendcase needs %d.%d or newer", v, minServerMajor, minServerMinor)
	}
	return nil
}

// LoadRaw returns the messages of subject without decoding them: the raw
// read that benchmarks compare Load with.
func (s *Store) LoadRaw(ctx context.Context, subject string) ([][]byte, error) {
	var out [][]byte
	err := s.loader.each(ctx, subject, 1, func(_ uint64, data []byte) error {
		out = append(out, data)
		return nil
	})
	return out, err
}
