// Package app is sendcase's use-case layer: one method per command and per
// query, each given the signed-in user. It checks the access policy
// (policy.go), lets the domain decide, appends the decided events with the
// aggregate's expected sequence, and answers typed results and errors. It
// knows nothing of HTTP: the JSON API, the web UI, the import and the seed
// are its adapters.
//
// Errors are the domain's kinds, wrapped with context:
// *domain.ValidationError (bad input, naming each field),
// *domain.ConflictError (the state forbids it, or If-Match is stale),
// domain.ErrNotFound, domain.ErrForbidden, ErrUnauthenticated, and
// eventlog.ErrUnavailable (NATS or the views cannot answer in time).
package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/inclusion"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/projections"
)

// Service is every use case of sendcase.
type Service struct {
	store   EventStore
	dir     *projections.Directory
	proj    Projection
	now     func() time.Time
	catchUp func(ctx context.Context) error
	views   *viewCache
	trusts  *repo[trust.Trust, *trust.Trust]
	users   *repo[user.User, *user.User]
	pupils  *repo[pupil.Pupil, *pupil.Pupil]
	// rounds are the MAT SEND review's rounds; attendance each school's
	// attendance and exclusion counts.
	rounds     *repo[inclusion.Round, *inclusion.Round]
	attendance *repo[inclusion.Attendance, *inclusion.Attendance]

	publicURL   string
	mailer      Mailer
	passkeys    PasskeyRP
	signInLimit accountLimits
	reminders   reminderSettings
	stats       reminderStats
}

// EventStore is what the use cases need of the event store
// (eventlog.Store on JetStream). Its errors are eventlog's kinds.
type EventStore interface {
	// LastSeq is the stream's last sequence: what the views must reach to
	// show everything written so far.
	LastSeq(ctx context.Context) (uint64, error)
	// Load reads the commits of subject stored after stream sequence after.
	Load(ctx context.Context, subject string, after uint64) ([]eventlog.Loaded, error)
	// Append writes c if subject's last sequence is still expected
	// (eventlog.ErrConflict otherwise); msgID makes a retry a no-op.
	Append(ctx context.Context, subject string, expected uint64, c *event.Commit, msgID string) (eventlog.AppendResult, error)
	Recall(ctx context.Context, key string) (eventlog.IdempotencyRecord, bool, error)
	Remember(ctx context.Context, key string, r eventlog.IdempotencyRecord) error
	// ClaimUnique claims key for owner, or answers the holder's claim and eventlog.ErrClaimed.
	ClaimUnique(ctx context.Context, key, owner string) (eventlog.Claim, error)
	TakeOverClaim(ctx context.Context, key, owner string, revision uint64) error
	ReleaseClaim(ctx context.Context, key string) error
	Claims(ctx context.Context, prefix string) (map[string]string, error)
	LogAccess(ctx context.Context, pupilID string, e eventlog.AccessEntry) error
	// PutDocument, Document and DeleteDocument keep the documents of
	// pupils' records, sealed under each pupil's key (see
	// eventstore/documents.go); Document answers shred.ErrKeyDestroyed for
	// an erased pupil's.
	PutDocument(ctx context.Context, pupilID, docID string, content []byte) error
	Document(ctx context.Context, pupilID, docID string) ([]byte, error)
	DeleteDocument(ctx context.Context, pupilID, docID string) error
	// PutSession, Session, EndSession and EndSessions keep browser sessions
	// (see sessions.go).
	PutSession(ctx context.Context, idHash string, se eventlog.Session) error
	Session(ctx context.Context, userID, idHash string) (eventlog.Session, bool, error)
	EndSession(ctx context.Context, userID, idHash string) error
	EndSessions(ctx context.Context, userID string) error
	AccessLog(ctx context.Context, pupilID string) ([]eventlog.AccessEntry, error)
	// LogSecurity records a security log entry; SecurityLog reads the
	// newest limit entries keep accepts, newest first.
	LogSecurity(ctx context.Context, e eventlog.SecurityEntry) error
	SecurityLog(ctx context.Context, limit int, keep func(eventlog.SecurityEntry) bool) ([]eventlog.SecurityEntry, error)
	// PutTicket, Ticket, TakeTicket and DropTicket keep one-time secrets
	// (see tickets.go); TakeTicket gives a ticket to one caller only.
	PutTicket(ctx context.Context, key string, value []byte) error
	Ticket(ctx context.Context, key string) ([]byte, bool, error)
	TakeTicket(ctx context.Context, key string) ([]byte, bool, error)
	DropTicket(ctx context.Context, key string) error
	// PlanJob, Jobs, UpdateJob and DropJob keep the durable schedule of
	// emails (see reminders.go): PlanJob answers eventlog.ErrJobExists for
	// a job already planned, UpdateJob and DropJob eventlog.ErrJobMoved
	// for one changed since it was read.
	PlanJob(ctx context.Context, key string, value []byte) error
	Jobs(ctx context.Context) ([]eventlog.Job, error)
	UpdateJob(ctx context.Context, key string, value []byte, revision uint64) (uint64, error)
	DropJob(ctx context.Context, key string, revision uint64) error
	// Secret is a random secret shared by every server, made on first use.
	Secret(ctx context.Context, name string) ([]byte, error)
	// Encrypt encrypts an event's personal fields under its aggregate's key.
	Encrypt(ctx context.Context, aggregateID string, e *event.Event) error
	// DestroyKey destroys an aggregate's key: its personal fields read as erased.
	DestroyKey(ctx context.Context, aggregateID string) error
}

// Projection is the running projector the views are read from.
type Projection interface {
	// Seq is the last stream sequence the views have applied.
	Seq() uint64
	// WaitFor returns once the views have applied seq, or ctx ends.
	WaitFor(ctx context.Context, seq uint64) error
	Store() projections.Store
}

// Options for New.
type Options struct {
	// Now is the clock; tests pin it.
	Now func() time.Time
	// CacheSize bounds the pupils kept in memory.
	CacheSize int
	// CatchUpDirectory returns once the directory has applied everything
	// the stream held when it was called. With several servers on one
	// stream, a school, user or token made on another server is then seen
	// here. Nil: the directory is never behind (one process, or tests).
	CatchUpDirectory func(ctx context.Context) error
	// PublicURL is where people reach the service (links in invitations).
	PublicURL string
	// Mailer sends invitations; nil: the inviter is shown the link.
	Mailer Mailer
	// Passkeys is the WebAuthn relying party; nil: no passkeys.
	Passkeys PasskeyRP
	// DigestAt is when the weekly emails go (DefaultDigestAt when zero).
	DigestAt WeeklyTime
	// Server names this server in the job schedule (which server holds a
	// job it is sending); a random name when empty.
	Server string
}

// New returns a Service on store, answering lookups from dir and views
// from proj.
func New(store EventStore, dir *projections.Directory, proj Projection, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CacheSize <= 0 {
		o.CacheSize = 2_000
	}
	return &Service{
		store: store, dir: dir, proj: proj, now: o.Now, catchUp: o.CatchUpDirectory, views: newViewCache(),
		trusts: newRepo[trust.Trust]("trust", store, 1_000),
		users:  newRepo[user.User]("user", store, 10_000),
		pupils: newRepo[pupil.Pupil]("pupil", store, o.CacheSize),
		rounds: newRepo[inclusion.Round]("round", store, 1_000), attendance: newRepo[inclusion.Attendance]("attendance", store, 1_000),

		publicURL: strings.TrimSuffix(o.PublicURL, "/"), mailer: o.Mailer, passkeys: o.Passkeys,
		reminders: newReminderSettings(o.DigestAt, o.Server),
	}
}

// Today is the date in England now.
func (s *Service) Today() civil.Date { return civil.Today(s.now()) }

// Directory is the directory the service decides with.
func (s *Service) Directory() *projections.Directory { return s.dir }

// ProjectionSeq is the last stream sequence the views have applied.
func (s *Service) ProjectionSeq() uint64 { return s.proj.Seq() }

// CommandOptions are what a client adds to a command besides its fields.
type CommandOptions struct {
	// IdempotencyKey makes a retry within 24 hours answer the first result
	// and write nothing. It is scoped to the user and the command's target,
	// so two users or two commands never share results.
	IdempotencyKey string
	// IfMatch is the record's version the client decided on (its ETag); the
	// command is refused with a *domain.ConflictError carrying the current
	// version if the record has moved on. Nil: no expectation.
	IfMatch *int
}

// request is the repository's request for user u's command op on target.
func (s *Service) request(u user.User, o CommandOptions, op string, target ...string) request {
	req := request{actor: actor(u), now: s.now(), expected: o.IfMatch, catchUp: s.directoryCaughtUp}
	if o.IdempotencyKey != "" {
		sum := sha256.Sum256([]byte(u.ID + "\x00" + op + "\x00" + strings.Join(target, "/") + "\x00" + o.IdempotencyKey))
		req.idem = hex.EncodeToString(sum[:])
	}
	return req
}

// actor is how user u is recorded on the events it causes.
func actor(u user.User) event.Actor {
	return event.Actor{ID: u.ID, Name: u.Name, Role: string(u.Role)}
}

// System is the user that sendcase itself acts as: at start-up, and for
// the seed. It is an admin.
var System = user.User{ID: "system", Name: "sendcase", Role: user.Admin}

// awaitDirectory makes a setup command visible to the next request in this
// process before it is answered (a new school must be usable at once).
func (s *Service) awaitDirectory(ctx context.Context, seq uint64) error {
	if seq == 0 {
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := s.dir.WaitFor(wctx, seq); err != nil {
		return fmt.Errorf("%w: directory did not catch up: %w", eventlog.ErrUnavailable, err)
	}
	return nil
}

// directoryCaughtUp brings the directory up to the stream, waiting a few
// seconds at most, and reports whether it learnt anything. A lookup that
// misses calls it before answering "not found": the thing may have just
// been made through another server.
func (s *Service) directoryCaughtUp(ctx context.Context) bool {
	if s.catchUp == nil {
		return false
	}
	before := s.dir.Seq()
	// Short: a directory that cannot catch up (its consumer stuck after a
	// cluster lost a node) must not hold every refused request for long.
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return s.catchUp(ctx) == nil && s.dir.Seq() > before
}

// fresh looks something up in the directory; when it is missing, it
// catches the directory up and looks again.
func fresh[T any](ctx context.Context, s *Service, find func() (T, bool)) (T, bool) {
	v, ok := find()
	if !ok && s.directoryCaughtUp(ctx) {
		v, ok = find()
	}
	return v, ok
}

// facts is what pupil decisions know of trust trustID.
func (s *Service) facts(trustID string) pupil.Facts {
	return pupil.Facts{
		Today:       s.Today(),
		NewID:       NewID,
		Provision:   func(id string) (trust.Provision, bool) { return s.dir.Provision(trustID, id) },
		Measure:     func(id string) (trust.Measure, bool) { return s.dir.Measure(trustID, id) },
		SchoolTrust: s.dir.SchoolTrust,
		User:        s.dir.User,
	}
}

// ErrUnauthenticated means the token (or session) names no user, or has
// expired or been revoked.
var ErrUnauthenticated = errors.New("the token is not valid, or has expired")

// Authenticate returns the user whose token this is.
//
// Errors: ErrUnauthenticated.
func (s *Service) Authenticate(ctx context.Context, token string) (user.User, error) {
	hash := hashToken(strings.TrimSpace(token))
	u, ok := fresh(ctx, s, func() (user.User, bool) { // perhaps issued through another server
		u, ok := s.dir.UserByTokenHash(hash)
		return u, ok && u.TokenWorks(hash, s.Today())
	})
	if !ok {
		return user.User{}, ErrUnauthenticated
	}
	return u, nil
}

// newToken returns a new bearer token and its hash.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	token = "sc_" + base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

// hashToken is how tokens are stored and looked up: SHA-256, hex. Tokens are
// 256-bit random values, so a fast hash is enough and lookups by hash do not
// leak timing about the secret.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
