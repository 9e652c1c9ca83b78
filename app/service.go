package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/projections"
)

// Service is every command and aggregate read of sendcase.
type Service struct {
	store  *eventstore.Store
	dir    *projections.Directory
	now    func() time.Time
	trusts *repo[trust.Trust, *trust.Trust]
	users  *repo[user.User, *user.User]
	pupils *repo[pupil.Pupil, *pupil.Pupil]
}

// Options for New.
type Options struct {
	// Now is the clock; tests pin it.
	Now func() time.Time
	// CacheSize bounds the pupils kept in memory.
	CacheSize int
}

// New returns a Service on store, answering lookups from dir.
func New(store *eventstore.Store, dir *projections.Directory, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CacheSize <= 0 {
		o.CacheSize = 2_000
	}
	return &Service{
		store: store, dir: dir, now: o.Now,
		trusts: newRepo[trust.Trust]("trust", store, 1_000),
		users:  newRepo[user.User]("user", store, 10_000),
		pupils: newRepo[pupil.Pupil]("pupil", store, o.CacheSize),
	}
}

// Today is the date in England now.
func (s *Service) Today() civil.Date { return civil.Today(s.now()) }

// Now is the service clock.
func (s *Service) Now() time.Time { return s.now() }

// Directory is the directory the service decides with.
func (s *Service) Directory() *projections.Directory { return s.dir }

// Store is the event store.
func (s *Service) Store() *eventstore.Store { return s.store }

func (s *Service) request(actor event.Actor, idem string, expected *int, status int) Request {
	return Request{Actor: actor, Now: s.now(), IdempotencyKey: idem, ExpectedVersion: expected, Status: status}
}

// awaitDirectory makes a setup command visible to the next request in this
// process before it is answered (a new school must be usable at once).
func (s *Service) awaitDirectory(ctx context.Context, ans eventstore.Answer, err error) (eventstore.Answer, error) {
	if err != nil {
		return ans, err
	}
	var body struct {
		Seq uint64 `json:"seq"`
	}
	if jerr := json.Unmarshal(ans.Body, &body); jerr == nil && body.Seq > 0 {
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if werr := s.dir.WaitFor(wctx, body.Seq); werr != nil {
			return ans, fmt.Errorf("%w: directory did not catch up: %w", eventstore.ErrUnavailable, werr)
		}
	}
	return ans, nil
}

// CreateTrust creates a trust.
func (s *Service) CreateTrust(ctx context.Context, actor event.Actor, idem string, cmd trust.Create) (eventstore.Answer, error) {
	id := NewID()
	ans, err := s.trusts.Execute(ctx, id, s.request(actor, idem, nil, http.StatusCreated), func(t *trust.Trust, _ int) (Decision, error) {
		evs, err := trust.CreateTrust(id, cmd, s.Today())
		return Decision{Events: evs, ID: id}, err
	})
	return s.awaitDirectory(ctx, ans, err)
}

// TrustCommand runs a command on an existing trust.
func (s *Service) TrustCommand(ctx context.Context, actor event.Actor, idem string, trustID string, status int, decide func(t *trust.Trust, today civil.Date) (Decision, error)) (eventstore.Answer, error) {
	ans, err := s.trusts.Execute(ctx, trustID, s.request(actor, idem, nil, status), func(t *trust.Trust, _ int) (Decision, error) {
		if !t.Exists() {
			return Decision{}, domain.NotFound("trust %s", trustID)
		}
		return decide(t, s.Today())
	})
	return s.awaitDirectory(ctx, ans, err)
}

// CreateUser creates a user and answers their token, once.
func (s *Service) CreateUser(ctx context.Context, actor event.Actor, idem string, cmd user.Create) (eventstore.Answer, error) {
	id := NewID()
	token, hash := NewToken()
	facts := user.Facts{TrustExists: s.dir.TrustExists, SchoolTrust: s.dir.SchoolTrust}
	ans, err := s.users.Execute(ctx, id, s.request(actor, idem, nil, http.StatusCreated), func(u *user.User, _ int) (Decision, error) {
		evs, err := user.CreateUser(id, hash, cmd, facts, s.Today())
		return Decision{Events: evs, ID: id, Private: map[string]any{"token": token}}, err
	})
	return s.awaitDirectory(ctx, ans, err)
}

// UserCommand runs a command on an existing user; the directory sees the
// result before the answer, so a revoked token fails on the next request.
func (s *Service) UserCommand(ctx context.Context, actor event.Actor, idem, userID string, status int,
	decide func(u *user.User, today civil.Date) (Decision, error)) (eventstore.Answer, error) {
	ans, err := s.users.Execute(ctx, userID, s.request(actor, idem, nil, status), func(u *user.User, _ int) (Decision, error) {
		if !u.Exists() {
			return Decision{}, domain.NotFound("user %s", userID)
		}
		return decide(u, s.Today())
	})
	return s.awaitDirectory(ctx, ans, err)
}

// EnsureAdmin creates the service administrator for token if there is none
// yet. The user id derives from the token, so restarts change nothing.
func (s *Service) EnsureAdmin(ctx context.Context, token string) (string, error) {
	hash := HashToken(token)
	id := uuid.NewSHA1(uuid.NameSpaceOID, []byte("sendcase-admin:"+hash)).String()
	system := event.Actor{ID: "system", Name: "sendcase", Role: string(user.Admin)}
	ans, err := s.users.Execute(ctx, id, s.request(system, "", nil, http.StatusOK), func(u *user.User, _ int) (Decision, error) {
		if u.Exists() {
			return Decision{ID: id}, nil
		}
		return Decision{ID: id, Events: []event.Data{user.Created{UserID: id, Name: "Service administrator",
			Email: "admin@sendcase.invalid", Role: user.Admin, TokenHash: hash, On: s.Today()}}}, nil
	})
	if _, err := s.awaitDirectory(ctx, ans, err); err != nil {
		return "", fmt.Errorf("ensure admin: %w", err)
	}
	return id, nil
}

// PupilFacts is what pupil decisions know of trust trustID.
func (s *Service) PupilFacts(trustID string) pupil.Facts {
	return pupil.Facts{
		Today:       s.Today(),
		NewID:       NewID,
		Provision:   func(id string) (trust.Provision, bool) { return s.dir.Provision(trustID, id) },
		SchoolTrust: s.dir.SchoolTrust,
		User:        s.dir.User,
	}
}

// ErrDuplicateUPN means another pupil of the trust has the UPN.
var ErrDuplicateUPN = errors.New("duplicate UPN")

// RegisterPupil registers a pupil at a school. The UPN is claimed in the
// unique bucket first, so two racing registrations cannot both pass.
func (s *Service) RegisterPupil(ctx context.Context, actor event.Actor, idem string, schoolID string, cmd pupil.Register) (eventstore.Answer, error) {
	if idem != "" {
		if ans, ok, err := s.pupils.recall(ctx, idem); err != nil || ok {
			return ans, err
		}
	}
	_, trustID, ok := s.dir.School(schoolID)
	if !ok {
		return eventstore.Answer{}, domain.NotFound("school %s", schoolID)
	}
	id := NewID()
	facts := s.PupilFacts(trustID)
	// Decide once before claiming, so that bad input claims nothing.
	evs, err := pupil.RegisterPupil(id, trustID, schoolID, cmd, facts)
	if err != nil {
		return eventstore.Answer{}, err
	}
	upn := evs[0].(pupil.Registered).UPN
	if err := s.claimUPN(ctx, actor, trustID, upn, id); err != nil {
		return eventstore.Answer{}, err
	}
	return s.pupils.Execute(ctx, id, s.request(actor, idem, nil, http.StatusCreated), func(p *pupil.Pupil, _ int) (Decision, error) {
		if p.Version > 0 {
			return Decision{}, domain.Conflict("the registration was abandoned; send it again")
		}
		return Decision{Events: evs, ID: id}, nil
	})
}

// PupilsByUPN returns the pupil ids of a trust by UPN, from the claims.
// A claim whose registration never landed maps to an id with no pupil.
func (s *Service) PupilsByUPN(ctx context.Context, trustID string) (map[string]string, error) {
	claims, err := s.store.Claims(ctx, "upn."+trustID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(claims))
	prefix := "upn." + trustID + "."
	for k, v := range claims {
		out[strings.TrimPrefix(k, prefix)] = v
	}
	return out, nil
}

// claimUPN claims the UPN for pupil id. A claim whose pupil never got
// registered (a crash between the claim and the registration) is taken over,
// after closing that pupil's subject so its registration can no longer land.
func (s *Service) claimUPN(ctx context.Context, actor event.Actor, trustID, upn, id string) error {
	key := "upn." + trustID + "." + upn
	claim, err := s.store.ClaimUnique(ctx, key, id)
	if err == nil {
		return nil
	}
	if !errors.Is(err, eventstore.ErrClaimed) {
		return err
	}
	var owner pupil.Pupil
	if err := s.pupils.Read(ctx, claim.Owner, func(p *pupil.Pupil, _ int) error { owner = *p; return nil }); err != nil {
		return err
	}
	if owner.Exists() {
		return fmt.Errorf("%w: %w", ErrDuplicateUPN, domain.Conflict("a pupil with UPN %s is already registered in this trust", upn))
	}
	if owner.Version == 0 {
		_, err := s.pupils.Execute(ctx, claim.Owner, s.request(actor, "", nil, http.StatusOK), func(p *pupil.Pupil, v int) (Decision, error) {
			if v > 0 {
				return Decision{}, nil
			}
			return Decision{ID: claim.Owner, Events: []event.Data{pupil.RegistrationAbandoned{On: s.Today()}}}, nil
		})
		if err != nil {
			return err
		}
		var registered bool
		if err := s.pupils.Read(ctx, claim.Owner, func(p *pupil.Pupil, _ int) error { registered = p.Exists(); return nil }); err != nil {
			return err
		}
		if registered {
			return fmt.Errorf("%w: %w", ErrDuplicateUPN, domain.Conflict("a pupil with UPN %s is already registered in this trust", upn))
		}
	}
	if err := s.store.TakeOverClaim(ctx, key, id, claim.Revision); err != nil {
		if errors.Is(err, eventstore.ErrClaimed) {
			return fmt.Errorf("%w: %w", ErrDuplicateUPN, domain.Conflict("a pupil with UPN %s is being registered in this trust", upn))
		}
		return err
	}
	return nil
}

// ReadPupil calls fn with the current state of pupil id.
func (s *Service) ReadPupil(ctx context.Context, id string, fn func(p *pupil.Pupil) error) error {
	return s.pupils.Read(ctx, id, func(p *pupil.Pupil, _ int) error {
		if !p.Exists() {
			return domain.NotFound("pupil %s", id)
		}
		return fn(p)
	})
}

// PupilHistory returns every event of pupil id, in order, from the stream.
func (s *Service) PupilHistory(ctx context.Context, id string) ([]event.Event, error) {
	commits, err := s.store.Load(ctx, eventstore.Subject("pupil", id), 0)
	if err != nil {
		return nil, err
	}
	var out []event.Event
	for _, c := range commits {
		out = append(out, c.Commit.Events...)
	}
	return out, nil
}

// PupilCommand runs a command on an existing pupil. decide gets the state and
// the context; it returns the events and the answer's id.
func (s *Service) PupilCommand(ctx context.Context, actor event.Actor, idem string, expected *int, id string, status int,
	decide func(p *pupil.Pupil, c pupil.Facts) ([]event.Data, Decision, error)) (eventstore.Answer, error) {
	return s.pupils.Execute(ctx, id, s.request(actor, idem, expected, status), func(p *pupil.Pupil, _ int) (Decision, error) {
		if !p.Exists() {
			return Decision{}, domain.NotFound("pupil %s", id)
		}
		if err := p.ErasedError(); err != nil {
			return Decision{}, err
		}
		evs, dec, err := decide(p, s.PupilFacts(p.TrustID))
		if err != nil {
			return Decision{}, err
		}
		dec.Events = evs
		if dec.ID == "" {
			dec.ID = id
		}
		return dec, nil
	})
}

// ErasePupil erases pupil id's personal data: it records the erasure, then
// destroys the pupil's key, so every personal field of its events reads as
// erased, and its UPN claim, so the UPN names nobody. The events stay and
// their hash chain still verifies. Erasing an erased pupil records nothing
// and destroys what a failed first attempt may have left.
func (s *Service) ErasePupil(ctx context.Context, actor event.Actor, idem string, id string, cmd pupil.Erase) (eventstore.Answer, error) {
	var trustID string
	ans, err := s.pupils.Execute(ctx, id, s.request(actor, idem, nil, http.StatusOK), func(p *pupil.Pupil, _ int) (Decision, error) {
		if !p.Exists() {
			return Decision{}, domain.NotFound("pupil %s", id)
		}
		trustID = p.TrustID
		evs, err := p.Erase(cmd, s.PupilFacts(p.TrustID))
		return Decision{Events: evs, ID: id, Extra: map[string]any{"erased": true}}, err
	})
	if err != nil {
		return ans, err
	}
	if err := s.store.Keys().Destroy(ctx, id); err != nil {
		return eventstore.Answer{}, fmt.Errorf("erase %s: %w", id, err)
	}
	if trustID == "" { // answered from the idempotency record
		if err := s.pupils.Read(ctx, id, func(p *pupil.Pupil, _ int) error { trustID = p.TrustID; return nil }); err != nil {
			return eventstore.Answer{}, err
		}
	}
	if err := s.releaseClaims(ctx, "upn."+trustID, id); err != nil {
		return eventstore.Answer{}, fmt.Errorf("erase %s: %w", id, err)
	}
	return ans, nil
}

// releaseClaims removes the claims under prefix that owner holds. Claims
// are found by owner, not by value: an erased pupil's UPN is unreadable.
func (s *Service) releaseClaims(ctx context.Context, prefix, owner string) error {
	claims, err := s.store.Claims(ctx, prefix)
	if err != nil {
		return err
	}
	for k, v := range claims {
		if v == owner {
			if err := s.store.ReleaseClaim(ctx, k); err != nil {
				return err
			}
		}
	}
	return nil
}

// NewToken returns a new bearer token and its hash.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	token = "sc_" + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is how tokens are stored and looked up: SHA-256, hex. Tokens are
// 256-bit random values, so a fast hash is enough and lookups by hash do not
// leak timing about the secret.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// IdempotencyKey scopes a client's key to the user, method and path, so two
// users or two endpoints never share answers.
func IdempotencyKey(userID, method, path, key string) string {
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(userID + "\x00" + method + " " + path + "\x00" + key))
	return hex.EncodeToString(sum[:])
}
