package eventstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/eventlog"
)

// The security log is its own stream, not the event stream: it is kept for
// SecurityLogAge and then dropped (the event stream is kept for ever), and
// reading it changes nothing else.
const (
	securityStream  = "SENDCASE_SECURITY"
	securitySubject = "security.sendcase"
	SecurityLogAge  = 400 * 24 * time.Hour
)

func openSecurityLog(ctx context.Context, js jetstream.JetStream, replicas int) (jetstream.Stream, error) {
	st, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: securityStream, Description: "sign-ins, refusals, invitations, deactivations and LA access (no secrets)",
		Subjects: []string{securitySubject}, Storage: jetstream.FileStorage, Replicas: replicas,
		MaxAge: SecurityLogAge, Discard: jetstream.DiscardOld, MaxMsgs: -1, MaxBytes: -1,
	})
	if err != nil {
		return nil, fmt.Errorf("create stream %s: %w", securityStream, wrapUnavailable(err))
	}
	return st, nil
}

// LogSecurity records e, durably.
func (s *Store) LogSecurity(ctx context.Context, e eventlog.SecurityEntry) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if _, err := s.js.Publish(ctx, securitySubject, b, jetstream.WithExpectStream(securityStream)); err != nil {
		return fmt.Errorf("security log: %w", wrapUnavailable(err))
	}
	return nil
}

// SecurityLog returns the newest entries, newest first: up to limit of
// those keep accepts.
func (s *Store) SecurityLog(ctx context.Context, limit int, keep func(eventlog.SecurityEntry) bool) ([]eventlog.SecurityEntry, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	info, err := s.security.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("security log: %w", wrapUnavailable(err))
	}
	out := []eventlog.SecurityEntry{}
	// Read back from the newest, a batch at a time, until limit are kept.
	const batch = 500
	for last := info.State.LastSeq; last >= info.State.FirstSeq && last > 0 && len(out) < limit; {
		first := max(info.State.FirstSeq, last-min(last, batch-1))
		cons, err := s.security.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: first})
		if err != nil {
			return nil, fmt.Errorf("security log: %w", wrapUnavailable(err))
		}
		var page []eventlog.SecurityEntry
		msgs, err := cons.Fetch(int(last-first+1), jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return nil, fmt.Errorf("security log: %w", wrapUnavailable(err))
		}
		for m := range msgs.Messages() {
			md, err := m.Metadata()
			if err != nil || md.Sequence.Stream > last {
				continue
			}
			var e eventlog.SecurityEntry
			if json.Unmarshal(m.Data(), &e) == nil && (keep == nil || keep(e)) {
				page = append(page, e)
			}
		}
		if err := msgs.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
			return nil, fmt.Errorf("security log: %w", wrapUnavailable(err))
		}
		slices.Reverse(page)
		out = append(out, page...)
		if first <= info.State.FirstSeq {
			break
		}
		last = first - 1
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
