package projections

import (
	"fmt"
	"time"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/shred"
)

// History is how a summary answers for a past date (as_of before today, or
// known_at): the pupil's events that views read (every one but delivered
// sessions), with their dates, folded again up to that date by the
// domain's own Apply. Names come from the current record, so an erased
// pupil reads as erased on every date; an erasure also erases the personal
// fields of the history kept in memory, and stores keep it erased
// (StoredHistory). See docs/projections.md.

// PastEvent is an event of a summary's history.
type PastEvent struct {
	event.Event
	// Erased: the payload's personal fields are erased (Raw and Data).
	Erased bool `json:"-"`
}

// remember keeps e in the summary's history, as it reads (no copy).
func (s *Summary) remember(e event.Event) error {
	if _, ok := e.Data.(pupil.SessionLogged); ok {
		return nil
	}
	s.LastOccurred = civil.Max(s.LastOccurred, e.OccurredOn)
	s.History = append(s.History, PastEvent{Event: event.Event{ID: e.ID, Type: e.Type, Schema: e.Schema, Version: e.Version,
		OccurredOn: e.OccurredOn, RecordedAt: e.RecordedAt, Raw: e.Readable(), Data: e.Data, Shredded: e.Shredded}})
	if event.Erases(e.Type) || e.Shredded {
		return s.eraseHistory()
	}
	return nil
}

// eraseHistory erases the personal fields of every event in the history.
func (s *Summary) eraseHistory() error {
	for i := range s.History {
		if s.History[i].Erased {
			continue
		}
		if err := erase(&s.History[i]); err != nil {
			return err
		}
		if err := s.History[i].DecodeData(); err != nil {
			return fmt.Errorf("history of %s: %w", s.History[i].ID, err)
		}
	}
	return nil
}

// erase replaces e's payload with its personal fields erased, once.
func erase(e *PastEvent) error {
	if e.Erased {
		return nil
	}
	tree, err := event.PersonalFields(e.Type)
	if err != nil {
		return err
	}
	if tree != nil {
		if e.Raw, err = shred.Erase(tree, e.Raw); err != nil {
			return fmt.Errorf("history of %s: %w", e.ID, err)
		}
	}
	e.Erased = true
	return nil
}

// StoredHistory is h as a store outside memory keeps it: every payload
// with its personal fields erased. h's payloads are erased in place (its
// decoded Data is left as it was).
func StoredHistory(h []PastEvent) ([]PastEvent, error) {
	for i := range h {
		if err := erase(&h[i]); err != nil {
			return nil, err
		}
	}
	return h, nil
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
	for _, e := range s.History {
		if e.CountsAt(asOf, knownAt) {
			p.Apply(e.Event)
		}
	}
	if p.Exists() {
		p.FirstName, p.LastName = s.Pupil.FirstName, s.Pupil.LastName
	}
	return p
}
