package eventstore

import (
	"context"
	"encoding/json"
	"fmt"

	gojson "github.com/goccy/go-json"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/eventlog"
)

// accessSubject keeps a pupil's access log beside, not inside, its event
// chain: reading a trail must not change the trail being read. It is in the
// same append-only stream, so it is kept, backed up and cannot be deleted.
func accessSubject(pupilID string) string { return eventlog.SubjectPrefix + "access." + pupilID }

// LogAccess records one read, durably, before the read is answered.
func (s *Store) LogAccess(ctx context.Context, pupilID string, e eventlog.AccessEntry) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if _, err := s.js.Publish(ctx, accessSubject(pupilID), b, jetstream.WithExpectStream(StreamName)); err != nil {
		return fmt.Errorf("log access: %w", wrapUnavailable(err))
	}
	return nil
}

// AccessLog returns a pupil's access log, oldest first.
func (s *Store) AccessLog(ctx context.Context, pupilID string) ([]eventlog.AccessEntry, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	out := []eventlog.AccessEntry{}
	err := s.loader.each(ctx, accessSubject(pupilID), 1, func(_ uint64, data []byte) error {
		var e eventlog.AccessEntry
		if err := gojson.Unmarshal(data, &e); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("access log: %w", err)
	}
	return out, nil
}
