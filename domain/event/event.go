// Package event defines the stored form of facts: the envelope every event
// carries (who, when it happened, when it was recorded, its id and version),
// the commit that groups one command's events, and the registry that turns a
// stored type name back into a Go value.
package event

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	gojson "github.com/goccy/go-json"

	"github.com/sendcase/sendcase/domain/civil"
)

// Actor is who caused an event.
type Actor struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// Data is an event's payload. Every payload type has a stable name and says
// on which business date it happened.
type Data interface {
	EventType() string
	OccurredOn() civil.Date
}

// Erasure is implemented by a payload that records the destruction of its
// aggregate's personal data: the events before it read as erased, whatever
// a reader may still hold of the key.
type Erasure interface {
	Data
	ErasesPersonalData()
}

// Event is one stored fact about an aggregate.
type Event struct {
	ID         string     `json:"event_id"`
	Type       string     `json:"type"`
	Schema     int        `json:"schema"`
	Version    int        `json:"version"`
	OccurredOn civil.Date `json:"occurred_on"`
	RecordedAt time.Time  `json:"recorded_at"`
	Actor      Actor      `json:"actor"`
	// Raw is the payload exactly as stored; the audit hash chain covers it.
	Raw json.RawMessage `json:"data"`
	// Encryption names the scheme that encrypts the payload's personal fields
	// under the aggregate's key (see package shred), or is empty when they
	// are stored in the clear: payloads without personal fields, and events
	// written before encryption. The hash chain covers it.
	Encryption string `json:"encryption,omitempty"`
	// PrevHash and Hash chain the aggregate's events (see hash.go).
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`

	// Plain is Raw with its personal fields readable: decrypted, or blanked
	// when the key is destroyed. It is set on encrypted events when they are
	// decrypted, and is what Data is decoded from.
	Plain json.RawMessage `json:"-"`
	// Shredded reports that the personal fields could not be read because
	// the aggregate's key is destroyed: Plain holds them erased.
	Shredded bool `json:"-"`

	// Data is the payload decoded; set by New and by Commit.Decode.
	Data Data `json:"-"`
	// Seq is the stream sequence of the commit that holds the event; set on load.
	Seq uint64 `json:"-"`
}

// New wraps d in an envelope. The caller supplies the id, actor and recording
// time because the domain neither mints randomness nor reads the clock.
func New(id string, version int, actor Actor, recordedAt time.Time, d Data) (Event, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return Event{}, fmt.Errorf("encode %s: %w", d.EventType(), err)
	}
	return Event{
		ID: id, Type: d.EventType(), Schema: SchemaOf(d.EventType()), Version: version,
		OccurredOn: d.OccurredOn(), RecordedAt: recordedAt.UTC(), Actor: actor, Raw: raw, Data: d,
	}, nil
}

// Commit is the events of one command, stored as one JetStream message so
// that they are written all together or not at all.
type Commit struct {
	Aggregate   string  `json:"aggregate"`
	AggregateID string  `json:"aggregate_id"`
	Events      []Event `json:"events"`
	// Result is the command's result as the application encoded it (never
	// an HTTP status), kept so that a retried command with the same
	// idempotency key can be answered from the stream. Commits written before
	// results were typed hold {"status", "id", "extra"}; the application
	// still reads them.
	Result json.RawMessage `json:"result,omitempty"`
	// IdempotencyKey is the hash of the client's key, when one was sent.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// ErrEncrypted means an encrypted event was decoded before it was decrypted.
var ErrEncrypted = errors.New("personal fields are encrypted: decrypt the event first")

// Readable is the payload to show and decode: Plain once an encrypted event is
// decrypted, Raw otherwise.
func (e *Event) Readable() json.RawMessage {
	if e.Plain != nil {
		return e.Plain
	}
	return e.Raw
}

// Decode fills in each event's Data and Seq. Encrypted events must have been
// decrypted first.
func (c *Commit) Decode(seq uint64) error {
	for i := range c.Events {
		e := &c.Events[i]
		e.Seq = seq
		if e.Encryption != "" && e.Plain == nil {
			return fmt.Errorf("event %s (%s) at seq %d: %w", e.ID, e.Type, seq, ErrEncrypted)
		}
		d, err := decode(e.Type, e.Readable())
		if err != nil {
			return fmt.Errorf("event %s (%s) at seq %d: %w", e.ID, e.Type, seq, err)
		}
		e.Data = d
	}
	return nil
}

// DecodeData fills in e.Data from its readable payload.
func (e *Event) DecodeData() error {
	d, err := decode(e.Type, e.Readable())
	if err != nil {
		return fmt.Errorf("event %s (%s): %w", e.ID, e.Type, err)
	}
	e.Data = d
	return nil
}

type registration struct {
	typ      reflect.Type
	schema   int
	erases   bool      // the payload is an Erasure
	personal *Personal // nil: no personal fields
}

var (
	registryMu sync.RWMutex
	registry   = map[string]registration{}
)

// Register makes payload type T decodable under its EventType name.
// Aggregates call it from init; registering a name twice is a programming error.
func Register[T Data](schema int) {
	var zero T
	name := zero.EventType()
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[name]; dup {
		panic("event: " + name + " registered twice")
	}
	_, erases := any(zero).(Erasure)
	typ := reflect.TypeOf(zero)
	registry[name] = registration{typ: typ, schema: schema, erases: erases, personal: personalOf(typ)}
}

// Erases reports whether events of type name are erasures, so that a
// reader can tell before it decrypts anything.
func Erases(name string) bool {
	reg, _ := lookup(name)
	return reg.erases
}

// SchemaOf returns the current schema version of an event type.
func SchemaOf(name string) int {
	reg, _ := lookup(name)
	return reg.schema
}

// lookup returns the registration of type name, or an error naming it.
func lookup(name string) (registration, error) {
	registryMu.RLock()
	reg, ok := registry[name]
	registryMu.RUnlock()
	if !ok {
		return registration{}, fmt.Errorf("unknown event type %q", name)
	}
	return reg, nil
}

func decode(name string, raw json.RawMessage) (Data, error) {
	reg, err := lookup(name)
	if err != nil {
		return nil, err
	}
	ptr := reflect.New(reg.typ)
	if err := gojson.Unmarshal(raw, ptr.Interface()); err != nil {
		return nil, err
	}
	return ptr.Elem().Interface().(Data), nil
}

// CountsAt reports whether e is part of the record as it stood at the end
// of day asOf, as known at knownAt (zero: as known now): it happened on or
// before asOf and, when knownAt is set, was recorded by then.
func (e *Event) CountsAt(asOf civil.Date, knownAt time.Time) bool {
	return Counts(e.OccurredOn, e.RecordedAt, asOf, knownAt)
}

// Counts is CountsAt for an event that happened on occurred and was
// recorded at recorded.
func Counts(occurred civil.Date, recorded time.Time, asOf civil.Date, knownAt time.Time) bool {
	return !occurred.After(asOf) && (knownAt.IsZero() || !recorded.After(knownAt))
}

// LateEntryDays is how long after the date it describes an event may be
// recorded before the audit trail marks it as a late entry.
const LateEntryDays = 14

// RecordedLate reports whether e was recorded more than LateEntryDays
// after the date it describes (the day it was recorded in England).
func (e *Event) RecordedLate() bool {
	return e.OccurredOn.Valid() && e.OccurredOn.DaysUntil(civil.FromTime(e.RecordedAt.In(civil.London))) > LateEntryDays
}
