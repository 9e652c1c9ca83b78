// Package eventlog is what an event store holds and answers, apart from
// how it is stored: commits as they are read back, idempotency records,
// unique claims, access-log entries, subjects, and the error kinds. The
// use-case layer depends on these and on an interface, not on JetStream.
package eventlog

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/sendcase/sendcase/domain/event"
)

// SubjectPrefix starts every subject of sendcase's stream.
const SubjectPrefix = "sendcase."

// Errors the store returns; callers test them with errors.Is.
var (
	// ErrConflict: the aggregate moved on since the state the command was decided on.
	ErrConflict = errors.New("eventlog: aggregate changed concurrently")
	// ErrUnavailable: NATS could not be reached or did not answer in time.
	ErrUnavailable = errors.New("eventlog: NATS unavailable")
)

// Subject returns the subject of aggregate kind/id.
func Subject(kind, id string) string { return SubjectPrefix + kind + "." + id }

// AppendResult tells where a commit landed.
type AppendResult struct {
	// Seq is the stream sequence of the commit.
	Seq uint64
	// Duplicate is true when a commit with the same message id was already
	// stored (a retry); Seq is then the original's.
	Duplicate bool
}

// Loaded is one commit read back, with where it is stored.
type Loaded struct {
	Seq    uint64
	Commit event.Commit
}

// AccessEntry records that someone outside the school read a pupil's record.
type AccessEntry struct {
	UserID string    `json:"user_id"`
	Name   string    `json:"name"`
	Role   string    `json:"role"`
	What   string    `json:"what"`
	At     time.Time `json:"at"`
}

// IdempotencyRecord is what the idempotency bucket holds for a key: either the
// command's result, or, while the command runs, the subject it writes to, so
// that a retry after a crash can look there for a commit carrying the key.
type IdempotencyRecord struct {
	Subject string `json:"subject,omitempty"`
	// Result is the command's result as the application encoded it.
	Result json.RawMessage `json:"result,omitempty"`
}

// Claim is a value's current owner in the unique bucket.
type Claim struct {
	Owner    string
	Revision uint64
}

// Job is one entry of the durable job schedule (emails to send): its key,
// its state as the scheduler wrote it, and the revision a change must name.
type Job struct {
	Key      string
	Value    []byte
	Revision uint64
}

// ErrJobExists means a job with the key is already scheduled (by this
// server or another); ErrJobMoved that a job changed since it was read.
var (
	ErrJobExists = errors.New("eventlog: job already scheduled")
	ErrJobMoved  = errors.New("eventlog: job changed since it was read")
)

// ErrClaimed means another owner already holds the value.
var ErrClaimed = errors.New("eventlog: value already claimed")

// ErrNoDocument means no document is stored under that pupil and id.
var ErrNoDocument = errors.New("eventlog: no such document")

// SecurityEntry records a sign-in, a refused sign-in, an invitation, an
// account deactivated, or LA access granted or revoked. It holds no secret
// (no token, link, code or passkey); see docs/data-protection.md for what
// it holds and how long it is kept.
type SecurityEntry struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	// UserID is whose account it is about, when known; ActorID who did it.
	UserID  string `json:"user_id,omitempty"`
	ActorID string `json:"actor_id,omitempty"`
	// TrustID is the trust of the account, so that a trust lead sees their
	// own trust's entries.
	TrustID string `json:"trust_id,omitempty"`
	// PupilID is the record an LA access entry is about.
	PupilID string `json:"pupil_id,omitempty"`
	// Via is how: token, oidc:<provider>, passkey.
	Via string `json:"via,omitempty"`
	// Detail says why a sign-in was refused, or what was granted, in words.
	Detail string `json:"detail,omitempty"`
	// Address is the client's IP address.
	Address string `json:"address,omitempty"`
}
