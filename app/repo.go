// Package app runs commands: it loads an aggregate, lets the domain decide,
// and appends the decided events with the aggregate's expected sequence, so
// that no decision is ever made on a state that has since changed. It also
// makes retries with an Idempotency-Key answer once and write nothing new.
package app

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/eventstore"
)

// maxAttempts bounds re-deciding after losing a race to another writer.
const maxAttempts = 8

// aggregate is what every domain aggregate offers to the repository.
type aggregate interface {
	Apply(event.Event)
}

// entry is a cached aggregate. Its lock serialises commands on one aggregate
// in this process, so racing requests queue instead of losing CAS round
// trips; waiting for it gives up with the request.
type entry[T any] struct {
	mu      chanLock
	state   *T
	lastSeq uint64 // stream sequence of the last commit applied
	version int
	head    string // hash of the last event, which the next one chains to
	loaded  bool
}

// chanLock is a mutex whose waiting can be abandoned.
type chanLock chan struct{}

func newChanLock() chanLock { return make(chanLock, 1) }

func (l chanLock) lock(ctx context.Context) error {
	select {
	case l <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%w: waiting for the record: %w", eventstore.ErrUnavailable, ctx.Err())
	}
}

func (l chanLock) unlock() { <-l }

// repo caches aggregates of one kind, least recently used first out.
type repo[T any, P interface {
	*T
	aggregate
}] struct {
	kind  string
	store *eventstore.Store
	max   int

	mu    sync.Mutex
	items map[string]*list.Element
	order *list.List
}

func newRepo[T any, P interface {
	*T
	aggregate
}](kind string, store *eventstore.Store, max int) *repo[T, P] {
	return &repo[T, P]{kind: kind, store: store, max: max, items: map[string]*list.Element{}, order: list.New()}
}

type lruItem[T any] struct {
	id string
	e  *entry[T]
}

func (r *repo[T, P]) entry(id string) *entry[T] {
	r.mu.Lock()
	defer r.mu.Unlock()
	if el, ok := r.items[id]; ok {
		r.order.MoveToFront(el)
		return el.Value.(lruItem[T]).e
	}
	e := &entry[T]{state: new(T), mu: newChanLock()}
	r.items[id] = r.order.PushFront(lruItem[T]{id: id, e: e})
	for r.order.Len() > r.max {
		last := r.order.Back()
		r.order.Remove(last)
		delete(r.items, last.Value.(lruItem[T]).id)
	}
	return e
}

// refresh applies the commits stored after the cached state and returns them.
func (r *repo[T, P]) refresh(ctx context.Context, id string, e *entry[T]) ([]eventstore.Loaded, error) {
	newer, err := r.store.Load(ctx, eventstore.Subject(r.kind, id), e.lastSeq)
	if err != nil {
		return nil, err
	}
	for _, l := range newer {
		for _, ev := range l.Commit.Events {
			P(e.state).Apply(ev)
			e.version, e.head = ev.Version, ev.Hash
		}
		e.lastSeq = l.Seq
	}
	e.loaded = true
	return newer, nil
}

// Read calls fn with the current state of aggregate id (refreshed from the
// stream) and its version, under the aggregate's lock.
func (r *repo[T, P]) Read(ctx context.Context, id string, fn func(state P, version int) error) error {
	e := r.entry(id)
	if err := e.mu.lock(ctx); err != nil {
		return err
	}
	defer e.mu.unlock()
	if _, err := r.refresh(ctx, id, e); err != nil {
		return err
	}
	return fn(P(e.state), e.version)
}

// Request describes one command for the repository.
type Request struct {
	Actor event.Actor
	// Now is when the command is recorded (server time).
	Now time.Time
	// ExpectedVersion comes from If-Match.
	ExpectedVersion *int
	// IdempotencyKey is the hashed client key, or "".
	IdempotencyKey string
	// Status is the HTTP status of a successful answer (201 or 200).
	Status int
}

// Decision is what a decide function returns.
type Decision struct {
	Events []event.Data
	// ID is the answer's "id": the aggregate or the part the command created.
	ID string
	// Extra fields for the answer, stored with the commit.
	Extra map[string]any
	// Private fields are answered but never stored in the stream (a new
	// user's token); a retry within the idempotency window gets them again.
	Private map[string]any
}

// Execute runs decide against aggregate id and appends what it decides.
func (r *repo[T, P]) Execute(ctx context.Context, id string, req Request, decide func(state P, version int) (Decision, error)) (eventstore.Answer, error) {
	subject := eventstore.Subject(r.kind, id)
	if req.IdempotencyKey != "" {
		if ans, ok, err := r.recall(ctx, req.IdempotencyKey); err != nil || ok {
			return ans, err
		}
		if err := r.store.Remember(ctx, req.IdempotencyKey, eventstore.IdempotencyRecord{Subject: subject}); err != nil {
			return eventstore.Answer{}, err
		}
	}
	e := r.entry(id)
	if err := e.mu.lock(ctx); err != nil {
		return eventstore.Answer{}, err
	}
	defer e.mu.unlock()
	if !e.loaded {
		if _, err := r.refresh(ctx, id, e); err != nil {
			return eventstore.Answer{}, err
		}
	}
	for attempt := 0; ; attempt++ {
		if req.ExpectedVersion != nil && *req.ExpectedVersion != e.version {
			// The cache may be behind another process: look before refusing.
			if _, err := r.refresh(ctx, id, e); err != nil {
				return eventstore.Answer{}, err
			}
			if *req.ExpectedVersion != e.version {
				return eventstore.Answer{}, domain.StaleVersion(*req.ExpectedVersion, e.version)
			}
		}
		dec, err := decide(P(e.state), e.version)
		if err != nil {
			return eventstore.Answer{}, err
		}
		if len(dec.Events) == 0 {
			ans, err := answer(req.Status, dec, e.version, e.lastSeq)
			if err == nil && req.IdempotencyKey != "" {
				err = r.store.Remember(ctx, req.IdempotencyKey, eventstore.IdempotencyRecord{Answer: &ans})
			}
			return ans, err
		}
		commit, err := r.commit(ctx, id, req, dec, e.version, e.head)
		if err != nil {
			return eventstore.Answer{}, err
		}
		res, err := r.store.Append(ctx, subject, e.lastSeq, commit, req.IdempotencyKey)
		switch {
		case errors.Is(err, eventstore.ErrConflict):
			newer, rerr := r.refresh(ctx, id, e)
			if rerr != nil {
				return eventstore.Answer{}, rerr
			}
			if ans, ok := answerFromCommits(newer, req.IdempotencyKey); ok {
				return ans, r.rememberAnswer(ctx, req.IdempotencyKey, ans)
			}
			if attempt+1 >= maxAttempts {
				return eventstore.Answer{}, domain.Conflict("the record kept changing while this command was decided; try again")
			}
			continue
		case err != nil:
			return eventstore.Answer{}, err
		case res.Duplicate:
			newer, err := r.refresh(ctx, id, e)
			if err != nil {
				return eventstore.Answer{}, err
			}
			if ans, ok := answerFromCommits(newer, req.IdempotencyKey); ok {
				return ans, r.rememberAnswer(ctx, req.IdempotencyKey, ans)
			}
			return eventstore.Answer{}, fmt.Errorf("duplicate at seq %d not found on %s", res.Seq, subject)
		}
		for _, ev := range commit.Events {
			ev.Seq = res.Seq
			P(e.state).Apply(ev)
			e.head = ev.Hash
		}
		e.version += len(commit.Events)
		e.lastSeq = res.Seq
		ans, err := answer(req.Status, dec, e.version, res.Seq)
		if err != nil {
			return eventstore.Answer{}, err
		}
		return ans, r.rememberAnswer(ctx, req.IdempotencyKey, ans)
	}
}

// commit builds the commit of a decision: each event's personal fields
// encrypted under the aggregate's key, then hashed into the chain.
func (r *repo[T, P]) commit(ctx context.Context, id string, req Request, dec Decision, version int, head string) (*event.Commit, error) {
	stored, err := json.Marshal(storedResult{Status: req.Status, ID: dec.ID, Extra: dec.Extra})
	if err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	c := &event.Commit{Aggregate: r.kind, AggregateID: id, Result: stored, IdempotencyKey: req.IdempotencyKey}
	for i, d := range dec.Events {
		ev, err := event.New(newID(), version+i+1, req.Actor, req.Now, d)
		if err != nil {
			return nil, err
		}
		if err := r.store.Keys().Encrypt(ctx, id, &ev); err != nil {
			return nil, err
		}
		if err := event.Seal(id, head, &ev); err != nil {
			return nil, err
		}
		head = ev.Hash
		c.Events = append(c.Events, ev)
	}
	return c, nil
}

func (r *repo[T, P]) rememberAnswer(ctx context.Context, key string, ans eventstore.Answer) error {
	if key == "" {
		return nil
	}
	return r.store.Remember(ctx, key, eventstore.IdempotencyRecord{Answer: &ans})
}

// recall answers a retried command: from the bucket, or, when the first
// attempt stopped between its write and remembering the answer, from the
// commit that carries the key.
func (r *repo[T, P]) recall(ctx context.Context, key string) (eventstore.Answer, bool, error) {
	rec, ok, err := r.store.Recall(ctx, key)
	if err != nil || !ok {
		return eventstore.Answer{}, false, err
	}
	if rec.Answer != nil {
		return *rec.Answer, true, nil
	}
	commits, err := r.store.Load(ctx, rec.Subject, 0)
	if err != nil {
		return eventstore.Answer{}, false, err
	}
	if ans, ok := answerFromCommits(commits, key); ok {
		return ans, true, r.rememberAnswer(ctx, key, ans)
	}
	return eventstore.Answer{}, false, nil
}

// storedResult is the answer as kept in a commit: everything but the
// sequence, which is only known once the commit is stored.
type storedResult struct {
	Status int            `json:"status"`
	ID     string         `json:"id"`
	Extra  map[string]any `json:"extra,omitempty"`
}

func answerFromCommits(commits []eventstore.Loaded, key string) (eventstore.Answer, bool) {
	if key == "" {
		return eventstore.Answer{}, false
	}
	for _, l := range commits {
		if l.Commit.IdempotencyKey != key {
			continue
		}
		var sr storedResult
		if err := json.Unmarshal(l.Commit.Result, &sr); err != nil {
			return eventstore.Answer{}, false
		}
		version := l.Commit.Events[len(l.Commit.Events)-1].Version
		ans, err := answer(sr.Status, Decision{ID: sr.ID, Extra: sr.Extra}, version, l.Seq)
		return ans, err == nil
	}
	return eventstore.Answer{}, false
}

func answer(status int, dec Decision, version int, seq uint64) (eventstore.Answer, error) {
	body := make(map[string]any, len(dec.Extra)+len(dec.Private)+3)
	for k, v := range dec.Extra {
		body[k] = v
	}
	for k, v := range dec.Private {
		body[k] = v
	}
	body["id"], body["version"], body["seq"] = dec.ID, version, seq
	b, err := json.Marshal(body)
	if err != nil {
		return eventstore.Answer{}, fmt.Errorf("encode answer: %w", err)
	}
	return eventstore.Answer{Status: status, Body: b}, nil
}

// newID mints a time-ordered UUIDv7.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// NewID is exported for adapters that mint ids before a command runs.
func NewID() string { return newID() }
