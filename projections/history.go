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
// sessions), each with its dates and its personal fields erased, folded
// again up to that date by the domain's own Apply. Names come from the
// current record instead, so an erased pupil reads as erased on every date.
// See docs/projections.md.

// remember keeps e in the summary's history.
func (s *Summary) remember(e event.Event) error {
	if _, ok := e.Data.(pupil.SessionLogged); ok {
		return nil
	}
	s.LastOccurred = civil.Max(s.LastOccurred, e.OccurredOn)
	past := event.Event{ID: e.ID, Type: e.Type, Schema: e.Schema, Version: e.Version, OccurredOn: e.OccurredOn,
		RecordedAt: e.RecordedAt, Raw: e.Readable(), Data: e.Data}
	tree, err := event.PersonalFields(e.Type)
	if err != nil {
		return err
	}
	if tree != nil {
		if past.Raw, err = shred.Erase(tree, e.Readable()); err != nil {
			return fmt.Errorf("history of %s: %w", e.ID, err)
		}
		if err := past.DecodeData(); err != nil {
			return fmt.Errorf("history of %s: %w", e.ID, err)
		}
	}
	s.History = append(s.History, past)
	return nil
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
			p.Apply(e)
		}
	}
	if p.Exists() {
		p.FirstName, p.LastName = s.Pupil.FirstName, s.Pupil.LastName
	}
	return p
}
