package projections

import (
	"encoding/json"

	gojson "github.com/goccy/go-json"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
)

// Summary is what the views keep of one pupil: the pupil aggregate evolved by
// the domain's own Apply (so no rule is written twice), pruned to the current
// cycle without its sessions, plus the audit anchor.
type Summary struct {
	Pupil pupil.Pupil
	// Events and Head anchor the audit trail: how many events the pupil has
	// and the hash of the last, as seen when they were applied.
	Events int
	Head   string
	// Seq is the stream sequence of the last commit applied.
	Seq uint64
	// Unapplied are the sequences of this pupil's commits the store refused
	// (see ErrRefused): the pupil's views are incomplete and say so.
	Unapplied []uint64
	// History and LastOccurred answer for past dates (see history.go): the
	// events views read, personal fields erased, and the latest date any
	// of them happened on. Stores may load History only for past views.
	History      []PastEvent
	LastOccurred civil.Date
}

// Apply folds one pupil commit into s.
func (s *Summary) Apply(seq uint64, c event.Commit) {
	for _, e := range c.Events {
		s.Pupil.Apply(e)
		s.Events, s.Head = e.Version, e.Hash
		s.remember(e)
	}
	s.Seq = seq
	s.prune()
}

// prune drops history the views never read, so that a summary stays small
// however many years of sessions a pupil has.
func (s *Summary) prune() {
	p := &s.Pupil
	if n := len(p.Cycles); n > 1 {
		p.Cycles = p.Cycles[n-1:]
	}
	for _, c := range p.Cycles {
		c.Sessions = nil
		if c.Plan != nil {
			c.Plan.Outcomes, c.Plan.ParentViews, c.Plan.PupilViews = nil, "", ""
		}
		if c.Assessment != nil {
			c.Assessment.Summary = ""
		}
		c.Review = nil
	}
	for _, r := range p.Referrals {
		r.History, r.Reason = nil, ""
	}
	p.Meetings = nil // their dates stay in ParentMeetings
}

// summaryJSON is how a summary is stored outside memory.
type summaryJSON struct {
	Pupil       *pupil.Pupil  `json:"pupil"`
	EHCPRecords []ehcp.Record `json:"ehcp_records,omitempty"`
	Events      int           `json:"events"`
	Head        string        `json:"head"`
	Seq         uint64        `json:"seq"`
	Unapplied   []uint64      `json:"unapplied,omitempty"`
	// LastOccurred is kept with the summary; History is stored apart (see
	// pgstore), since only past views read it.
	LastOccurred civil.Date `json:"last_occurred,omitempty"`
}

// SummaryPersonal is the tree of the personal fields of a summary as
// MarshalJSON writes it, for stores that seal them (see pgstore).
func SummaryPersonal() *event.Personal { return event.PersonalOf(summaryJSON{}) }

// MarshalJSON keeps the EHCP records, which the pupil's API shape omits.
func (s Summary) MarshalJSON() ([]byte, error) {
	p := s.Pupil
	return json.Marshal(summaryJSON{Pupil: &p, EHCPRecords: s.Pupil.EHCPRecords, Events: s.Events, Head: s.Head, Seq: s.Seq, Unapplied: s.Unapplied, LastOccurred: s.LastOccurred})
}

// UnmarshalJSON is the inverse of MarshalJSON.
func (s *Summary) UnmarshalJSON(b []byte) error {
	v := summaryJSON{Pupil: &s.Pupil}
	if err := gojson.Unmarshal(b, &v); err != nil {
		return err
	}
	s.Pupil.EHCPRecords, s.Events, s.Head, s.Seq, s.Unapplied, s.LastOccurred = v.EHCPRecords, v.Events, v.Head, v.Seq, v.Unapplied, v.LastOccurred
	return nil
}
