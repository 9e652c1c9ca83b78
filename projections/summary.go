package projections

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"sync/atomic"
	"unique"

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
	History      History
	LastOccurred civil.Date
	// trends is what this pupil added to each month end of the trends
	// last computed (see trendCache), kept while the summary is the same.
	trends atomic.Pointer[trendCache]
}

// Apply folds one pupil commit into s.
func (s *Summary) Apply(seq uint64, c event.Commit) {
	all := false
	for _, e := range c.Events {
		s.Pupil.Apply(e)
		s.Events, s.Head = e.Version, e.Hash
		s.remember(e)
		switch e.Data.(type) {
		case pupil.EntryCorrected, pupil.EntryVoided:
			all = true // may put back an earlier cycle whole
		}
	}
	s.Seq = seq
	s.prune(all)
}

// prune drops what the views never read, so that a summary stays small
// however many years a pupil has: sessions (kept compactly in each
// cycle's Delivered), the words of assessments, plans and reviews, and the
// details of meetings and referrals. Every cycle is kept, since delivery
// and impact read earlier plans and reviews.
//
// Only the last two cycles change in the usual commit (the one open, the
// one a review just closed), so only they are pruned, unless all is set (a
// correction or void, which may put back any cycle).
func (s *Summary) prune(all bool) {
	p := &s.Pupil
	from := 0
	if !all {
		from = max(len(p.Cycles)-2, 0)
	}
	for i := from; i < len(p.Cycles); i++ {
		c := p.Cycles[i]
		c.Sessions = nil
		for i, id := range c.DeliveredOf {
			c.DeliveredOf[i] = unique.Make(id).Value()
		}
		if c.Assessment != nil {
			c.Assessment.Summary = ""
		}
		if c.Plan != nil {
			c.Plan.ParentViews, c.Plan.PupilViews = "", ""
			for i := range c.Plan.Outcomes {
				o := &c.Plan.Outcomes[i]
				o.Description, o.SuccessCriteria, o.MeasureID = "", "", unique.Make(o.MeasureID).Value()
			}
			for i := range c.Plan.Provisions {
				pp := &c.Plan.Provisions[i]
				pp.ProvisionID = unique.Make(pp.ProvisionID).Value()
			}
		}
		if c.Review != nil {
			c.Review.ParentViews, c.Review.PupilViews = "", ""
			for i := range c.Review.Outcomes {
				r := &c.Review.Outcomes[i]
				r.Rating = unique.Make(r.Rating).Value()
				if c.Plan == nil {
					continue
				}
				if o, ok := c.Plan.Outcome(r.OutcomeID); ok {
					r.OutcomeID = o.ID // one copy of the id, the plan's
				}
			}
		}
		if i < len(p.Cycles)-1 && c.Stage == pupil.Closed {
			// A cycle before the last is done with: what it holds is read,
			// never added to, so it keeps no spare capacity, and no view
			// reads its assessment.
			c.Delivered, c.Readings = exact(c.Delivered), exact(c.Readings)
			c.Assessment = nil
		}
	}
	for _, r := range p.Referrals {
		r.History, r.Reason = nil, ""
	}
	p.Meetings = nil // their dates stay in ParentMeetings
	// Parents stay (a parent's list of their children is found from them),
	// and their requests for meetings, without their words (the due list).
	p.AboutMe, p.Documents, p.ParentsViews = nil, nil, nil
	for i := range p.MeetingRequests {
		p.MeetingRequests[i].About = ""
	}
	// Professionals stay by account (a professional's list of requests is
	// found from them), without what the request says or shares.
	p.Professionals = slices.Clone(p.Professionals)
	for i := range p.Professionals {
		p.Professionals[i].Message, p.Professionals[i].DocumentIDs = "", nil
	}
}

// exact is xs without spare capacity (itself when it has none).
func exact[T any](xs []T) []T {
	if cap(xs) == len(xs) {
		return xs
	}
	out := make([]T, len(xs))
	copy(out, xs)
	return out
}

// cycleDelivered is how a store outside memory keeps a cycle's compact
// sessions (Cycle.Delivered), which the pupil's JSON leaves out: 12
// bytes a session, base64 in the JSON.
type cycleDelivered struct {
	CycleID  string          `json:"cycle_id"`
	Of       []string        `json:"of"`
	Sessions []byte          `json:"sessions"`
	Readings []pupil.Reading `json:"readings,omitempty"`
}

const deliveredSize = 12

func deliveredOf(cycles []*pupil.Cycle) []cycleDelivered {
	var out []cycleDelivered
	for _, c := range cycles {
		if len(c.Delivered) == 0 && len(c.Readings) == 0 {
			continue
		}
		b := make([]byte, 0, deliveredSize*len(c.Delivered))
		for _, d := range c.Delivered {
			att := byte(0)
			if d.Attended {
				att = 1
			}
			b = binary.LittleEndian.AppendUint32(b, uint32(d.Entry))
			b = binary.LittleEndian.AppendUint32(b, uint32(d.On))
			b = binary.LittleEndian.AppendUint16(b, uint16(d.Minutes))
			b = append(b, d.Of, att)
		}
		out = append(out, cycleDelivered{CycleID: c.ID, Of: c.DeliveredOf, Sessions: b, Readings: c.Readings})
	}
	return out
}

func (s *Summary) putDelivered(all []cycleDelivered) error {
	for _, cd := range all {
		c := s.Pupil.Cycle(cd.CycleID)
		if c == nil || len(cd.Sessions)%deliveredSize != 0 {
			return fmt.Errorf("summary of %s: delivered sessions of cycle %s do not fit", s.Pupil.ID, cd.CycleID)
		}
		c.DeliveredOf, c.Readings = cd.Of, cd.Readings
		c.Delivered = make([]pupil.Delivered, len(cd.Sessions)/deliveredSize)
		for i := range c.Delivered {
			b := cd.Sessions[i*deliveredSize:]
			c.Delivered[i] = pupil.Delivered{Entry: int32(binary.LittleEndian.Uint32(b)), On: civil.Date(int32(binary.LittleEndian.Uint32(b[4:]))),
				Minutes: int16(binary.LittleEndian.Uint16(b[8:])), Of: b[10], Attended: b[11] == 1}
		}
	}
	return nil
}

// summaryJSON is how a summary is stored outside memory.
type summaryJSON struct {
	Pupil       *pupil.Pupil     `json:"pupil"`
	EHCPRecords []ehcp.Record    `json:"ehcp_records,omitempty"`
	Events      int              `json:"events"`
	Head        string           `json:"head"`
	Seq         uint64           `json:"seq"`
	Unapplied   []uint64         `json:"unapplied,omitempty"`
	Delivered   []cycleDelivered `json:"delivered,omitempty"`
	// LastOccurred is kept with the summary; History is stored apart (see
	// pgstore), since only past views read it.
	LastOccurred civil.Date `json:"last_occurred,omitempty"`
}

// SummaryPersonal is the tree of the personal fields of a summary as
// MarshalJSON writes it, for stores that seal them (see pgstore).
func SummaryPersonal() *event.Personal { return event.PersonalOf(summaryJSON{}) }

// MarshalJSON keeps the EHCP records, which the pupil's API shape omits.
func (s *Summary) MarshalJSON() ([]byte, error) {
	p := s.Pupil
	return json.Marshal(summaryJSON{Pupil: &p, EHCPRecords: s.Pupil.EHCPRecords, Events: s.Events, Head: s.Head, Seq: s.Seq, Unapplied: s.Unapplied, LastOccurred: s.LastOccurred,
		Delivered: deliveredOf(s.Pupil.Cycles)})
}

// UnmarshalJSON is the inverse of MarshalJSON.
func (s *Summary) UnmarshalJSON(b []byte) error {
	v := summaryJSON{Pupil: &s.Pupil}
	if err := gojson.Unmarshal(b, &v); err != nil {
		return err
	}
	s.Pupil.EHCPRecords, s.Events, s.Head, s.Seq, s.Unapplied, s.LastOccurred = v.EHCPRecords, v.Events, v.Head, v.Seq, v.Unapplied, v.LastOccurred
	return s.putDelivered(v.Delivered)
}

// Trim readies a summary read back from its JSON to be kept in memory
// for long (a snapshot's, one made afresh by Memory.Compact): what was
// stored was pruned, and pruning again shares the ids a summary folded
// from the stream shares and drops nothing more; and its slices lose the
// spare capacity the decoder's doubling left (a third of the heap of
// views loaded from a snapshot). A store that reads summaries for one
// view only (PostgreSQL) need not.
func (s *Summary) Trim() {
	s.prune(true)
	p := &s.Pupil
	p.Cycles, p.ActiveProvisions, p.Grants, p.Staff, p.Referrals = exact(p.Cycles), exact(p.ActiveProvisions), exact(p.Grants), exact(p.Staff), exact(p.Referrals)
	p.EHCPRecords, p.Schools, p.ParentMeetings, p.Parents = exact(p.EHCPRecords), exact(p.Schools), exact(p.ParentMeetings), exact(p.Parents)
	p.MeetingRequests, p.Professionals = exact(p.MeetingRequests), exact(p.Professionals)
	for _, c := range p.Cycles {
		c.DeliveredOf, c.Readings = exact(c.DeliveredOf), exact(c.Readings)
		if c.Plan != nil {
			c.Plan.Outcomes, c.Plan.Provisions = exact(c.Plan.Outcomes), exact(c.Plan.Provisions)
		}
		if c.Review != nil {
			c.Review.Outcomes = exact(c.Review.Outcomes)
		}
	}
}
