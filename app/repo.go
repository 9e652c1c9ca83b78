package app

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	gojson "github.com/goccy/go-json"

	"github.com/google/uuid"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/eventlog"
)

// maxAttempts bounds re-deciding after losing a race to another writer.
const maxAttempts = 8

// aggregate is what every domain aggregate offers to the repository.
type aggregate[T any] interface {
	*T
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

// reset forgets the cached state, so the next use reloads it from the
// stream: after a write whose outcome is unknown, or that lost a race.
func (e *entry[T]) reset() {
	e.state, e.lastSeq, e.version, e.head, e.loaded = new(T), 0, 0, "", false
}

// chanLock is a mutex whose waiting can be abandoned.
type chanLock chan struct{}

func newChanLock() chanLock { return make(chanLock, 1) }

func (l chanLock) lock(ctx context.Context) error {
	select {
	case l <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%w: waiting for the record: %w", eventlog.ErrUnavailable, ctx.Err())
	}
}

func (l chanLock) unlock() { <-l }

// repo caches aggregates of one kind, least recently used first out.
type repo[T any, P aggregate[T]] struct {
	kind  string
	store EventStore
	max   int

	mu    sync.Mutex
	items map[string]*list.Element
	order *list.List
}

func newRepo[T any, P aggregate[T]](kind string, store EventStore, max int) *repo[T, P] {
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
func (r *repo[T, P]) refresh(ctx context.Context, id string, e *entry[T]) ([]eventlog.Loaded, error) {
	newer, err := r.store.Load(ctx, eventlog.Subject(r.kind, id), e.lastSeq)
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
// stream), under the aggregate's lock: fn must not keep the state.
func (r *repo[T, P]) Read(ctx context.Context, id string, fn func(state P) error) error {
	e := r.entry(id)
	if err := e.mu.lock(ctx); err != nil {
		return err
	}
	defer e.mu.unlock()
	if _, err := r.refresh(ctx, id, e); err != nil {
		return err
	}
	return fn(P(e.state))
}

// request is one command for the repository.
type request struct {
	actor event.Actor
	// now is when the command is recorded (server time).
	now time.Time
	// expected is the client's If-Match, or nil.
	expected *int
	// idem is the scoped, hashed idempotency key, or "".
	idem string
	// catchUp brings what decisions look up (the directory) up to the
	// stream and reports whether it learnt anything; nil when nothing can
	// be behind.
	catchUp func(ctx context.Context) bool
}

// decision is what a use case decides on the current state.
type decision[P any, R any] struct {
	events []event.Data
	// answer builds the result from the state once the events are applied
	// (a cycle's new stage, the plan's status), so that no adapter derives
	// it again. Its Result part is filled in by the repository.
	answer func(state P) R
	// reveal adds what the answer carries but the stream must not (a new
	// user's token, the wording of outcomes): a retry within the
	// idempotency window gets it again from the idempotency bucket.
	reveal func(*R)
}

// execute runs decide against aggregate id and appends what it decides,
// with the aggregate's expected stream sequence, so no decision is ever
// made on a state that has since changed: a lost race reloads and decides
// again. With an idempotency key a retry answers the first result and
// writes nothing.
//
// Errors: decide's own; *domain.ConflictError when If-Match is stale or the
// record kept changing; eventlog.ErrUnavailable when NATS does not answer.
func execute[T any, P aggregate[T], R any, RP committed[R]](ctx context.Context, r *repo[T, P], id string, req request,
	decide func(state P) (decision[P, R], error)) (R, error) {
	var zero R
	subject := eventlog.Subject(r.kind, id)
	if req.idem != "" {
		if res, ok, err := recall[R, RP](ctx, r.store, req.idem); err != nil || ok {
			return res, err
		}
		if err := r.store.Remember(ctx, req.idem, eventlog.IdempotencyRecord{Subject: subject}); err != nil {
			return zero, err
		}
	}
	e := r.entry(id)
	if err := e.mu.lock(ctx); err != nil {
		return zero, err
	}
	defer e.mu.unlock()
	if req.idem != "" {
		// A retry that waited for the lock behind its first attempt gets
		// that attempt's result (one read of the bucket).
		if rec, ok, err := r.store.Recall(ctx, req.idem); err != nil {
			return zero, err
		} else if ok && rec.Result != nil {
			var res R
			if err := json.Unmarshal(rec.Result, &res); err != nil {
				return zero, fmt.Errorf("decode remembered result: %w", err)
			}
			return res, nil
		}
	}
	if !e.loaded {
		if _, err := r.refresh(ctx, id, e); err != nil {
			return zero, err
		}
	}
	for attempt := 0; ; attempt++ {
		if req.expected != nil && *req.expected != e.version {
			// The cache may be behind another process: look before refusing.
			if _, err := r.refresh(ctx, id, e); err != nil {
				return zero, err
			}
			if *req.expected != e.version {
				return zero, domain.StaleVersion(*req.expected, e.version)
			}
		}
		dec, err := decide(P(e.state))
		if err != nil {
			// A cache, of the record or of the directory, must never make
			// a command fail: another server may have moved either on.
			// Look once more before refusing.
			newer, rerr := r.refresh(ctx, id, e)
			if rerr != nil {
				return zero, rerr
			}
			learnt := req.catchUp != nil && req.catchUp(ctx)
			if len(newer) == 0 && !learnt {
				return zero, err
			}
			if dec, err = decide(P(e.state)); err != nil {
				return zero, err
			}
		}
		if len(dec.events) == 0 {
			res := dec.answer(P(e.state))
			RP(&res).Committed().Version, RP(&res).Committed().Seq = e.version, e.lastSeq
			if dec.reveal != nil {
				dec.reveal(&res)
			}
			return res, remember(ctx, r.store, req.idem, res)
		}
		commit, err := r.commit(ctx, id, req, dec.events, e.version, e.head)
		if err != nil {
			return zero, err
		}
		// Apply before appending, so the result is read off the new state
		// and stored with the commit; if the append does not land, the
		// cached state is forgotten and read again.
		expected := e.lastSeq
		for _, ev := range commit.Events {
			P(e.state).Apply(ev)
		}
		e.version += len(commit.Events)
		res := dec.answer(P(e.state))
		RP(&res).Committed().Version = e.version
		if commit.Result, err = json.Marshal(res); err != nil {
			e.reset()
			return zero, fmt.Errorf("encode result: %w", err)
		}
		ar, err := r.store.Append(ctx, subject, expected, commit, req.idem)
		if err != nil || ar.Duplicate {
			e.reset()
		}
		switch {
		case errors.Is(err, eventlog.ErrConflict), err == nil && ar.Duplicate:
			newer, rerr := r.refresh(ctx, id, e)
			if rerr != nil {
				return zero, rerr
			}
			if res, ok := resultFromCommits[R, RP](newer, req.idem); ok {
				return res, remember(ctx, r.store, req.idem, res)
			}
			if err == nil {
				return zero, fmt.Errorf("duplicate at seq %d not found on %s", ar.Seq, subject)
			}
			if attempt+1 >= maxAttempts {
				return zero, domain.Conflict("the record kept changing while this command was decided; try again")
			}
			continue
		case err != nil:
			return zero, err
		}
		e.head = commit.Events[len(commit.Events)-1].Hash
		e.lastSeq = ar.Seq
		RP(&res).Committed().Seq = ar.Seq
		if dec.reveal != nil {
			dec.reveal(&res)
		}
		return res, remember(ctx, r.store, req.idem, res)
	}
}

// commit builds the commit of decided events: each event's personal fields
// encrypted under the aggregate's key, then hashed into the chain.
func (r *repo[T, P]) commit(ctx context.Context, id string, req request, evs []event.Data, version int, head string) (*event.Commit, error) {
	c := &event.Commit{Aggregate: r.kind, AggregateID: id, IdempotencyKey: req.idem}
	for i, d := range evs {
		ev, err := event.New(newID(), version+i+1, req.actor, req.now, d)
		if err != nil {
			return nil, err
		}
		if err := r.store.Encrypt(ctx, id, &ev); err != nil {
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

// remember keeps res as the answer to key, for a retry.
func remember[R any](ctx context.Context, store EventStore, key string, res R) error {
	if key == "" {
		return nil
	}
	b, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	return store.Remember(ctx, key, eventlog.IdempotencyRecord{Result: b})
}

// recall answers a retried command: from the bucket, or, when the first
// attempt stopped between its write and remembering the result, from the
// commit that carries the key.
func recall[R any, RP committed[R]](ctx context.Context, store EventStore, key string) (R, bool, error) {
	var res R
	rec, ok, err := store.Recall(ctx, key)
	if err != nil || !ok {
		return res, false, err
	}
	if rec.Result != nil {
		if err := gojson.Unmarshal(rec.Result, &res); err != nil {
			return res, false, fmt.Errorf("decode remembered result: %w", err)
		}
		return res, true, nil
	}
	commits, err := store.Load(ctx, rec.Subject, 0)
	if err != nil {
		return res, false, err
	}
	if res, ok := resultFromCommits[R, RP](commits, key); ok {
		return res, true, remember(ctx, store, key, res)
	}
	return res, false, nil
}

// resultFromCommits finds the commit made with key and reads its result.
// Commits written before results were typed hold {"status", "id",
// "extra": {...}}; the extra fields are the result's own, so both read alike.
func resultFromCommits[R any, RP committed[R]](commits []eventlog.Loaded, key string) (R, bool) {
	var res R
	if key == "" {
		return res, false
	}
	for _, l := range commits {
		if l.Commit.IdempotencyKey != key {
			continue
		}
		var legacy struct {
			Extra json.RawMessage `json:"extra"`
		}
		if gojson.Unmarshal(l.Commit.Result, &res) != nil || gojson.Unmarshal(l.Commit.Result, &legacy) != nil {
			return res, false
		}
		if legacy.Extra != nil && gojson.Unmarshal(legacy.Extra, &res) != nil {
			return res, false
		}
		c := RP(&res).Committed()
		c.Version, c.Seq = l.Commit.Events[len(l.Commit.Events)-1].Version, l.Seq
		return res, true
	}
	return res, false
}

// newID mints a time-ordered UUIDv7.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// NewID is exported for adapters that mint ids before a command runs.
func NewID() string { return newID() }
