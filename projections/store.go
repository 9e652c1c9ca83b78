// Package projections is sendcase's read models: a pruned summary of each
// pupil, evolved by the domain's own Apply, and the views computed from
// the summaries as of a date (caseload, workload, provision map, grants),
// behind one Store interface kept in memory here and in PostgreSQL by
// pgstore. Package projector feeds them from the stream.
package projections

import (
	"context"
	"errors"
	"fmt"

	"github.com/sendcase/sendcase/domain/event"
)

// Item is one commit to apply, with its stream sequence.
type Item struct {
	Seq    uint64
	Commit event.Commit
}

// Anchor is what the store recorded of a pupil's audit trail as it applied
// it: the number of events and the hash of the last. Verification compares
// the stream against it, so rewriting the stream alone is detected.
type Anchor struct {
	PupilID  string
	TrustID  string
	SchoolID string
	Events   int
	Head     string
}

// Store keeps the pupil read models. Two implementations answer identically:
// Memory (rebuilt from the stream at start) and pgstore (PostgreSQL).
type Store interface {
	// Apply applies a batch of commits in stream order and moves the
	// checkpoint to the last one, all or nothing.
	Apply(ctx context.Context, batch []Item) error
	// Checkpoint is the stream sequence of the last commit applied.
	Checkpoint(ctx context.Context) (uint64, error)
	// EachSchoolPupil calls fn with every pupil on a school's roll. fn must
	// not keep the summary.
	EachSchoolPupil(ctx context.Context, schoolID string, fn func(*Summary)) error
	// EachTrustPupil calls fn with every pupil on the roll of a trust's school.
	EachTrustPupil(ctx context.Context, trustID string, fn func(*Summary)) error
	// EachPastSchoolPupil calls fn with every pupil ever on a school's roll,
	// on it now or not, with its History, for views of past dates.
	EachPastSchoolPupil(ctx context.Context, schoolID string, fn func(*Summary)) error
	// EachPastTrustPupil calls fn with every pupil ever registered in a
	// trust, with its History.
	EachPastTrustPupil(ctx context.Context, trustID string, fn func(*Summary)) error
	// EachGrantedPupil calls fn with every pupil an LA reviewer has ever been
	// granted (live or not: the caller judges the date).
	EachGrantedPupil(ctx context.Context, userID string, fn func(*Summary)) error
	// Anchor returns a pupil's audit anchor.
	Anchor(ctx context.Context, pupilID string) (Anchor, bool, error)
	// Skip records it as refused (see ErrRefused) instead of applying it:
	// the checkpoint moves to it, its pupil's summary notes its sequence
	// (so the pupil's views say they are incomplete), and Unapplied lists it.
	Skip(ctx context.Context, it Item, reason string) error
	// Unapplied lists the commits Skip recorded, in stream order.
	Unapplied(ctx context.Context) ([]Unapplied, error)
	// Reset empties the store and its checkpoint, for a rebuild.
	Reset(ctx context.Context) error
}

// Deferrer is implemented by stores whose Apply pays a transaction, and a
// read and a write of every summary the batch touches (PostgreSQL). A
// catch-up far behind the stream folds its batches with ApplyDeferred into
// summaries the store keeps in this process, and writes them with Flush
// every so many commits and at the end: a summary is then read once and
// written once a flush rather than once a batch. Nothing deferred is seen
// by readers, or survives a crash, before its Flush: the checkpoint moves
// only with the rows.
type Deferrer interface {
	// ApplyDeferred folds batch, in stream order, into the summaries kept
	// in this process. On an error, wrapping ErrRefused when a commit
	// cannot be folded, everything deferred since the last Flush is
	// dropped.
	ApplyDeferred(ctx context.Context, batch []Item) error
	// Flush writes the summaries changed since the last Flush and moves
	// the checkpoint to the last commit deferred, in one transaction. On
	// an error everything deferred since the last Flush is dropped. It
	// returns an error wrapping ErrCheckpointMoved when another process
	// moved the checkpoint since the summaries were read, and one wrapping
	// ErrRefused when the database refuses a value.
	Flush(ctx context.Context) error
	// Drop forgets everything deferred, flushed or not, and the summaries
	// kept for it.
	Drop()
}

// ErrCheckpointMoved is returned (wrapped) by Deferrer.Flush when another
// process applied commits while this one deferred its own.
var ErrCheckpointMoved = errors.New("the checkpoint moved while commits were deferred")

// ErrRefused is returned (wrapped) by Store.Apply when the store cannot
// apply a commit of the batch however often it is asked: PostgreSQL refuses
// a value in it, or folding it into a summary fails. Any other error is
// taken as passing (the database unreachable) and the batch is tried again.
var ErrRefused = errors.New("the store refuses this commit")

// Unapplied is a commit a store refused, as Skip recorded it. Reason names
// what was refused and never quotes the commit's data.
type Unapplied struct {
	Seq         uint64 `json:"seq"`
	Aggregate   string `json:"aggregate"`
	AggregateID string `json:"aggregate_id"`
	Reason      string `json:"reason"`
}

// UnappliedOf is the record Skip keeps of it.
func UnappliedOf(it Item, reason string) Unapplied {
	return Unapplied{Seq: it.Seq, Aggregate: it.Commit.Aggregate, AggregateID: it.Commit.AggregateID, Reason: reason}
}

// ApplyToSummaries folds a batch into summaries looked up (or created) with
// get. Both stores use it, so they evolve summaries identically. It answers
// how many commits it applied; when folding one fails (a panic in the
// domain's Apply: a bug, but one commit must not stop every view) it stops
// there with an error wrapping ErrRefused.
func ApplyToSummaries(batch []Item, get func(pupilID string) *Summary) (applied int, err error) {
	for i, it := range batch {
		if it.Commit.Aggregate != "pupil" {
			continue
		}
		if err := applyOne(it, get); err != nil {
			return i, err
		}
	}
	return len(batch), nil
}

func applyOne(it Item, get func(pupilID string) *Summary) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("commit %d: %w: applying it failed: %v", it.Seq, ErrRefused, r)
		}
	}()
	s := get(it.Commit.AggregateID)
	if it.Seq <= s.Seq {
		// Already in this summary: a snapshot taken while commits were
		// applied holds some pupils ahead of its sequence (see Memory.Export).
		return nil
	}
	s.Apply(it.Seq, it.Commit)
	return nil
}

// MarkUnapplied notes on s that commit seq of its pupil was not applied.
func (s *Summary) MarkUnapplied(it Item) {
	if s.Pupil.ID == "" {
		// Its registration was refused: keep the id, so the pupil can be
		// found and reported.
		s.Pupil.ID = it.Commit.AggregateID
	}
	s.Unapplied = append(s.Unapplied, it.Seq)
	s.Seq = it.Seq
}

// Listed reports whether a summary belongs in school and trust views: a
// registered pupil on roll.
func (s *Summary) Listed() bool { return s.Pupil.Exists() && s.Pupil.OnRoll }

// Anchor returns s's audit anchor.
func (s *Summary) Anchor() Anchor {
	return Anchor{PupilID: s.Pupil.ID, TrustID: s.Pupil.TrustID, SchoolID: s.Pupil.SchoolID, Events: s.Events, Head: s.Head}
}

// ParallelVisitor is implemented by stores that can hand their summaries to
// several goroutines at once (Memory, whose summaries are all in memory):
// views that fold history for many dates (trends) use it where it is there.
type ParallelVisitor interface {
	// EachPastPupilParallel is EachPastSchoolPupil (schoolID set) or
	// EachPastTrustPupil, with fn called from workers goroutines at once,
	// each with its number (0 to workers-1). It returns once all are done.
	EachPastPupilParallel(ctx context.Context, trustID, schoolID string, workers int, fn func(worker int, s *Summary)) error
}

// Leaser is implemented by stores shared between processes: only the
// holder of the lease applies events. Lead blocks until this process holds
// it, and returns a context that ends when the lease is lost.
type Leaser interface {
	Lead(ctx context.Context) (context.Context, func(), error)
}
