package eventstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/eventlog"
)

// The job schedule is a KV bucket shared by every server: a job is created
// once (Create fails for the second server to plan it), and each change of
// its state names the revision it read, so that of two servers taking the
// same job one wins. Jobs are kept under "job.>"; the bucket also holds the
// secret the reminders' unsubscribe links are signed with.
const (
	jobsKV    = "sendcase_jobs"
	jobPrefix = "job."
)

// PlanJob schedules the job under key (below "job.") with value.
//
// Errors: eventlog.ErrJobExists (already scheduled), eventlog.ErrUnavailable.
func (s *Store) PlanJob(ctx context.Context, key string, value []byte) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	if _, err := s.jobs.Create(ctx, jobPrefix+key, value); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return eventlog.ErrJobExists
		}
		return fmt.Errorf("plan job: %w", wrapUnavailable(err))
	}
	return nil
}

// Jobs returns every scheduled job, keys without "job.".
//
// Errors: eventlog.ErrUnavailable.
func (s *Store) Jobs(ctx context.Context) ([]eventlog.Job, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	var out []eventlog.Job
	err := eachValue(ctx, s.jobs, jobPrefix+">", func(e jetstream.KeyValueEntry) {
		out = append(out, eventlog.Job{Key: e.Key()[len(jobPrefix):], Value: e.Value(), Revision: e.Revision()})
	})
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	return out, nil
}

// UpdateJob stores value for the job under key if it is still at revision,
// and answers the new revision.
//
// Errors: eventlog.ErrJobMoved (another server changed it first),
// eventlog.ErrUnavailable.
func (s *Store) UpdateJob(ctx context.Context, key string, value []byte, revision uint64) (uint64, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	rev, err := s.jobs.Update(ctx, jobPrefix+key, value, revision)
	if err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) || isWrongLastSeq(err) {
			return 0, eventlog.ErrJobMoved
		}
		return 0, fmt.Errorf("update job: %w", wrapUnavailable(err))
	}
	return rev, nil
}

// DropJob removes a finished job, leaving no trace of its key, if it is
// still at revision.
//
// Errors: eventlog.ErrJobMoved, eventlog.ErrUnavailable.
func (s *Store) DropJob(ctx context.Context, key string, revision uint64) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	if err := s.jobs.Purge(ctx, jobPrefix+key, jetstream.LastRevision(revision)); err != nil {
		if isWrongLastSeq(err) {
			return eventlog.ErrJobMoved
		}
		return fmt.Errorf("drop job: %w", wrapUnavailable(err))
	}
	return nil
}

// Secret returns the 32-byte secret called name, made by whichever server
// asks first and the same for all afterwards.
//
// Errors: eventlog.ErrUnavailable.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	ctx, cancel := bounded(ctx)
	defer cancel()
	key := "secret." + name
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	if _, err := s.jobs.Create(ctx, key, b); err == nil {
		return b, nil
	} else if !errors.Is(err, jetstream.ErrKeyExists) {
		return nil, fmt.Errorf("make secret %s: %w", name, wrapUnavailable(err))
	}
	e, err := s.jobs.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("read secret %s: %w", name, wrapUnavailable(err))
	}
	return e.Value(), nil
}
