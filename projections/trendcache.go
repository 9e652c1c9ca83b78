package projections

import (
	"hash/fnv"
	"slices"
	"unique"

	"github.com/sendcase/sendcase/domain/civil"
)

// What a trend is made of changes only when a pupil's record does: the
// pupil as it stood at a past month's end, judged on that day, is the same
// next week unless a commit has been applied to it since. So each summary
// keeps what it added to each month end of the trends last asked for, and
// a trend folds again only the pupils that changed (or a month end not
// asked for before). The cache is small and holds no pointers to scan
// but the school's handle: counts as bytes, 32 bytes a month end.

// trendCache is one summary's contributions, valid while the summary's
// Seq and the trust's school phases are those it was worked out with.
type trendCache struct {
	seq    uint64
	phases uint64
	ends   []civil.Date // ascending
	parts  []trendPart  // one per end
}

// maxCachedEnds bounds a summary's cache: three years of month ends and
// a few days' "today".
const maxCachedEnds = MaxTrendMonths + 12

// trendPart is what one pupil added to its school's month: nothing when it
// was not on a roll (school zero), else counts that fit a byte (a pupil
// whose do not is not cached).
type trendPart struct {
	school  unique.Handle[string]
	counts  [len(trendCounts)]uint8
	waitSum uint32
}

// trendCounts are the counts of a month a pupil adds to, in the order a
// trendPart keeps them: every int of TrendMonth, written once here.
var trendCounts = [...]func(m *TrendMonth) *int{
	func(m *TrendMonth) *int { return &m.SENSupport },
	func(m *TrendMonth) *int { return &m.EHCP },
	func(m *TrendMonth) *int { return &m.EHCRequestsInProgress },
	func(m *TrendMonth) *int { return &m.AnnualReviewsDue30d },
	func(m *TrendMonth) *int { return &m.AnnualReviewsDue60d },
	func(m *TrendMonth) *int { return &m.AnnualReviewsDue90d },
	func(m *TrendMonth) *int { return &m.StatutoryDue30d },
	func(m *TrendMonth) *int { return &m.StatutoryDue60d },
	func(m *TrendMonth) *int { return &m.StatutoryDue90d },
	func(m *TrendMonth) *int { return &m.StatutoryOverdue },
	func(m *TrendMonth) *int { return &m.APDRReviewsDue30d },
	func(m *TrendMonth) *int { return &m.APDRReviewsOverdue },
	func(m *TrendMonth) *int { return &m.OpenReferrals },
	func(m *TrendMonth) *int { return &m.IncompletePupils },
	func(m *TrendMonth) *int { return &m.waitN },
	func(m *TrendMonth) *int { return &m.FinalPlans12m },
	func(m *TrendMonth) *int { return &m.FinalPlansWithin20Weeks12m },
	func(m *TrendMonth) *int { return &m.AnnualReviewsDue12m },
	func(m *TrendMonth) *int { return &m.AnnualReviewsOnTime12m },
}

// packTrend is m (one pupil's month, at school) as a trendPart; ok is
// false when a count does not fit.
func packTrend(school string, m *TrendMonth) (p trendPart, ok bool) {
	if school == "" {
		return p, true
	}
	p.school = unique.Make(school)
	for i, f := range trendCounts {
		n := *f(m)
		if n < 0 || n > 255 {
			return p, false
		}
		p.counts[i] = uint8(n)
	}
	if m.waitSum < 0 || m.waitSum > 1<<32-1 {
		return p, false
	}
	p.waitSum = uint32(m.waitSum)
	return p, true
}

// addTo adds p to m.
func (p *trendPart) addTo(m *TrendMonth) {
	for i, f := range trendCounts {
		*f(m) += int(p.counts[i])
	}
	m.waitSum += int(p.waitSum)
}

// schoolOf is the school p counts in ("" for none).
func (p *trendPart) schoolOf() string {
	if p.school == (unique.Handle[string]{}) {
		return ""
	}
	return p.school.Value()
}

// phasesKey fingerprints the school phases a trend is judged with (phase
// transfers depend on them), so that a change of phase empties the caches.
func phasesKey(phases map[string]string) uint64 {
	keys := make([]string, 0, len(phases))
	for k := range phases {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h := fnv.New64a()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(phases[k]))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// cachedTrends is s's cache if it is still valid.
func (s *Summary) cachedTrends(phases uint64) *trendCache {
	c := s.trends.Load()
	if c == nil || c.seq != s.Seq || c.phases != phases {
		return nil
	}
	return c
}

// lookup finds end in c.
func (c *trendCache) lookup(end civil.Date) (*trendPart, bool) {
	if c == nil {
		return nil, false
	}
	i, ok := slices.BinarySearchFunc(c.ends, end, func(a, b civil.Date) int { return int(a) - int(b) })
	if !ok {
		return nil, false
	}
	return &c.parts[i], true
}

// with is c (nil: empty) with the new month ends added, the oldest
// dropped beyond maxCachedEnds. c itself is not changed: other trends may
// be reading it.
func (c *trendCache) with(seq, phases uint64, ends []civil.Date, parts []trendPart) *trendCache {
	n := &trendCache{seq: seq, phases: phases}
	type entry struct {
		end  civil.Date
		part trendPart
	}
	var all []entry
	if c != nil {
		for i := range c.ends {
			all = append(all, entry{c.ends[i], c.parts[i]})
		}
	}
	for i := range ends {
		all = append(all, entry{ends[i], parts[i]})
	}
	slices.SortFunc(all, func(a, b entry) int { return int(a.end) - int(b.end) })
	all = slices.CompactFunc(all, func(a, b entry) bool { return a.end == b.end })
	all = all[max(len(all)-maxCachedEnds, 0):]
	n.ends, n.parts = make([]civil.Date, len(all)), make([]trendPart, len(all))
	for i, e := range all {
		n.ends[i], n.parts[i] = e.end, e.part
	}
	return n
}
