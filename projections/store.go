// Package projections is sendcase's read models: a pruned summary of each
// pupil, evolved by the domain's own Apply, and the views computed from
// the summaries as of a date (caseload, workload, provision map, grants),
// behind one Store interface kept in memory here and in PostgreSQL by
// pgstore. Package projector feeds them from the stream.
package projections

import (
	"context"

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
	// EachGrantedPupil calls fn with every pupil an LA reviewer has ever been
	// granted (live or not: the caller judges the date).
	EachGrantedPupil(ctx context.Context, userID string, fn func(*Summary)) error
	// Anchor returns a pupil's audit anchor.
	Anchor(ctx context.Context, pupilID string) (Anchor, bool, error)
	// Reset empties the store and its checkpoint, for a rebuild.
	Reset(ctx context.Context) error
}

// ApplyToSummaries folds a batch into summaries looked up (or created) with
// get. Both stores use it, so they evolve summaries identically.
func ApplyToSummaries(batch []Item, get func(pupilID string) *Summary) {
	for _, it := range batch {
		if it.Commit.Aggregate != "pupil" {
			continue
		}
		get(it.Commit.AggregateID).Apply(it.Seq, it.Commit)
	}
}

// Listed reports whether a summary belongs in school and trust views: a
// registered pupil on roll.
func (s *Summary) Listed() bool { return s.Pupil.Exists() && s.Pupil.OnRoll }

// Anchor returns s's audit anchor.
func (s *Summary) Anchor() Anchor {
	return Anchor{PupilID: s.Pupil.ID, TrustID: s.Pupil.TrustID, SchoolID: s.Pupil.SchoolID, Events: s.Events, Head: s.Head}
}

// Leaser is implemented by stores shared between processes: only the
// holder of the lease applies events. Lead blocks until this process holds
// it, and returns a context that ends when the lease is lost.
type Leaser interface {
	Lead(ctx context.Context) (context.Context, func(), error)
}
