package projections

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
	"unique"

	gojson "github.com/goccy/go-json"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
)

// History is how a summary answers for a past date (as_of before today, or
// known_at): the pupil's events that views read (every one but delivered
// sessions), with their dates and their personal fields erased (views
// read none: names come from the current record, so an erased pupil reads
// as erased on every date), folded again up to that date by the domain's
// own Apply. See docs/projections.md.

// PastEvent is what a summary's history keeps of an event: what folding it
// again needs, and no more (no envelope, no stored bytes). Every pupil's
// history is in memory (1.4 million events at 100 schools over three
// years), so it is laid out to be small and to hold few pointers for the
// collector to follow: the type interned, the recording time as
// nanoseconds, the version as 32 bits (56 bytes an event, not 80).
type PastEvent struct {
	Type string
	// Data is the payload with its personal fields erased.
	Data event.Data
	// recorded is RecordedAt in Unix nanoseconds (0: not recorded).
	recorded   int64
	Version    int32
	OccurredOn civil.Date
	// Shredded: the event was read with the pupil's key destroyed.
	Shredded bool
}

// NewPastEvent is what a history keeps of e: its payload as given (the
// caller erases what must be).
func NewPastEvent(e event.Event, data event.Data) PastEvent {
	var recorded int64
	if !e.RecordedAt.IsZero() {
		recorded = e.RecordedAt.UnixNano()
	}
	return PastEvent{Type: unique.Make(e.Type).Value(), Data: data, recorded: recorded, Version: int32(e.Version),
		OccurredOn: e.OccurredOn, Shredded: e.Shredded}
}

// RecordedAt is when the event was recorded (zero if it was not said).
func (e *PastEvent) RecordedAt() time.Time {
	if e.recorded == 0 {
		return time.Time{}
	}
	return time.Unix(0, e.recorded).UTC()
}

// Event is e as the domain's Apply takes it.
func (e *PastEvent) Event() event.Event {
	return event.Event{Type: e.Type, Version: int(e.Version), OccurredOn: e.OccurredOn, RecordedAt: e.RecordedAt(), Data: e.Data, Shredded: e.Shredded}
}

// remember keeps e in the summary's history.
func (s *Summary) remember(e event.Event) {
	if _, ok := e.Data.(pupil.SessionLogged); ok {
		return
	}
	s.LastOccurred = civil.Max(s.LastOccurred, e.OccurredOn)
	s.History.add(NewPastEvent(e, event.ErasedCopy(e.Data)))
}

// decode sets e's Data from a stored payload.
func (e *PastEvent) decode(raw json.RawMessage) error {
	ev := event.Event{Type: e.Type, Raw: raw}
	if err := ev.DecodeData(); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	e.Data = ev.Data
	return nil
}

// pastJSON is how a store outside memory keeps a PastEvent.
type pastJSON struct {
	Type       string          `json:"type"`
	Version    int             `json:"version"`
	OccurredOn civil.Date      `json:"occurred_on"`
	RecordedAt time.Time       `json:"recorded_at"`
	Shredded   bool            `json:"shredded,omitempty"`
	Data       json.RawMessage `json:"data"`
}

// MarshalJSON writes e (its personal fields erased, as kept).
func (e PastEvent) MarshalJSON() ([]byte, error) {
	raw, err := json.Marshal(e.Data)
	if err != nil {
		return nil, fmt.Errorf("history: %s: %w", e.Type, err)
	}
	return json.Marshal(pastJSON{Type: e.Type, Version: int(e.Version), OccurredOn: e.OccurredOn, RecordedAt: e.RecordedAt(), Shredded: e.Shredded, Data: raw})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (e *PastEvent) UnmarshalJSON(b []byte) error {
	var v pastJSON
	if err := gojson.Unmarshal(b, &v); err != nil {
		return err
	}
	*e = NewPastEvent(event.Event{Type: v.Type, Version: v.Version, OccurredOn: v.OccurredOn, RecordedAt: v.RecordedAt, Shredded: v.Shredded}, nil)
	return e.decode(v.Data)
}

// At is the pupil as it stood at the end of day asOf, leaving out events
// recorded after knownAt too when it is set. The current record is
// returned as it is when nothing it holds happened after asOf; callers
// must not change what they are given.
func (s *Summary) At(asOf civil.Date, knownAt time.Time) *pupil.Pupil {
	if knownAt.IsZero() && !s.LastOccurred.After(asOf) {
		return &s.Pupil
	}
	p := &pupil.Pupil{}
	for _, e := range s.History.Events() {
		if event.Counts(e.OccurredOn, e.RecordedAt(), asOf, knownAt) {
			p.Apply(e.Event())
		}
	}
	if p.Exists() {
		p.FirstName, p.LastName = s.Pupil.FirstName, s.Pupil.LastName
	}
	// Sessions are not in the history (they are most of it): a cycle as of
	// asOf has the sessions the current record holds up to that day.
	for _, c := range p.Cycles {
		if now := s.Pupil.Cycle(c.ID); now != nil {
			c.DeliveredOf = now.DeliveredOf
			c.Delivered = slices.DeleteFunc(slices.Clone(now.Delivered), func(d pupil.Delivered) bool { return d.On.After(asOf) })
			c.Readings = slices.DeleteFunc(slices.Clone(now.Readings), func(r pupil.Reading) bool { return r.On.After(asOf) })
		}
	}
	return p
}
