package projections

import (
	"context"
	"math"
	"runtime"
	"sort"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
)

// Impact per provision, for a school or a trust over a period: the cycles
// reviewed in the period, each counted for every provision its plan set
// up. For each: the pupils, the share of outcomes rated met or exceeded,
// the progress on each measure (exit − baseline in the better direction,
// and how much of the way to the target that is), what the provision
// cost over the plan (planned minutes × the hourly cost ÷ the group, in
// pence) and the cost per outcome met.
//
// Small numbers identify children: outside the pupils' own school, a
// figure behind fewer than MinPupils pupils is not shown (Suppressed).

// MinPupils is the fewest pupils a figure may stand for outside their
// school.
const MinPupils = 5

// MeasureImpact is the progress on one measure.
type MeasureImpact struct {
	MeasureID      string `json:"measure_id"`
	Name           string `json:"name"`
	Unit           string `json:"unit"`
	HigherIsBetter bool   `json:"higher_is_better"`
	// Outcomes measured: with a baseline and an exit reading.
	Outcomes int `json:"outcomes"`
	// MeanGain is the mean of exit − baseline, in the better direction,
	// to 2 decimal places.
	MeanGain float64 `json:"mean_gain"`
	// MeanOfTargetPercent is the mean of gain ÷ (target − baseline), as a
	// whole percentage: 100 is on target on average.
	MeanOfTargetPercent int `json:"mean_of_target_percent"`
	// ReachedTarget counts exits at or past the target.
	ReachedTarget int `json:"reached_target"`

	gain, ofTarget float64
}

// ImpactFigures are the figures of one line.
type ImpactFigures struct {
	Pupils int `json:"pupils"`
	// Outcomes rated at the reviews, and of them MetOrExceeded.
	Outcomes      int   `json:"outcomes"`
	MetOrExceeded int   `json:"met_or_exceeded"`
	MetPercent    *int  `json:"met_percent,omitempty"`
	CostPence     int64 `json:"cost_pence"`
	// CostPerOutcomeMetPence is CostPence ÷ MetOrExceeded, rounded.
	CostPerOutcomeMetPence *int64          `json:"cost_per_outcome_met_pence,omitempty"`
	Measures               []MeasureImpact `json:"measures"`
	// Suppressed: fewer than MinPupils pupils, outside their school; every
	// figure but this is then left out.
	Suppressed bool `json:"suppressed,omitempty"`

	pupils   map[string]bool
	outcomes map[string]bool
	measures map[string]*MeasureImpact
}

// ImpactLine is one provision's figures, or one group's (By and Key set).
type ImpactLine struct {
	ProvisionID string `json:"provision_id,omitempty"`
	Name        string `json:"name"`
	// By is "area_of_need", "year_group" or "school" for a group's line;
	// Key its value and Label that in words.
	By    string `json:"by,omitempty"`
	Key   string `json:"key,omitempty"`
	Label string `json:"label,omitempty"`
	ImpactFigures
}

// Impact is the impact view of a school or a trust.
type Impact struct {
	From      civil.Date `json:"from"`
	To        civil.Date `json:"to"`
	AsOf      civil.Date `json:"as_of"`
	MinPupils int        `json:"min_pupils"`
	// Provisions has a line per provision; Groups a line per provision and
	// area of need, year group, or school (trust views).
	Provisions []ImpactLine `json:"provisions"`
	Groups     []ImpactLine `json:"groups"`
	Totals     ImpactLine   `json:"totals"`
}

// CostPence is what minutes of a provision cost: minutes × hourly ÷ (60 ×
// group) pence, halves rounded up, in integers (as AnnualCostPence).
func CostPence(hourly int64, minutes, group int) int64 {
	if group < 1 {
		group = 1
	}
	num, den := hourly*int64(minutes), int64(60*group)
	return (2*num + den) / (2 * den)
}

// impactPart is one worker's figures.
type impactPart struct {
	lines  map[string]*ImpactLine
	groups map[[3]string]*ImpactLine
	totals ImpactFigures
}

// group is the part's line of provision prov in group by=key.
func (p *impactPart) group(by, key, label string, prov trust.Provision) *ImpactLine {
	k := [3]string{by, key, prov.ID}
	g := p.groups[k]
	if g == nil {
		g = &ImpactLine{ProvisionID: prov.ID, Name: prov.Name, By: by, Key: key, Label: label}
		p.groups[k] = g
	}
	return g
}

// merge adds another worker's figures to p's.
func (p *impactPart) merge(o *impactPart) {
	for id, l := range o.lines {
		p.lines[id].merge(&l.ImpactFigures)
	}
	for k, g := range o.groups {
		if mine := p.groups[k]; mine != nil {
			mine.merge(&g.ImpactFigures)
		} else {
			p.groups[k] = g
		}
	}
	p.totals.merge(&o.totals)
}

// merge adds figures o, of other pupils, to f.
func (f *ImpactFigures) merge(o *ImpactFigures) {
	if o.pupils == nil {
		return
	}
	if f.pupils == nil {
		f.pupils, f.outcomes, f.measures = map[string]bool{}, map[string]bool{}, map[string]*MeasureImpact{}
	}
	for id := range o.pupils {
		f.pupils[id] = true
	}
	for id := range o.outcomes {
		f.outcomes[id] = true
	}
	f.Outcomes += o.Outcomes
	f.MetOrExceeded += o.MetOrExceeded
	f.CostPence += o.CostPence
	for id, m := range o.measures {
		mi := f.measures[id]
		if mi == nil {
			c := *m
			f.measures[id] = &c
			continue
		}
		mi.Outcomes += m.Outcomes
		mi.gain += m.gain
		mi.ofTarget += m.ofTarget
		mi.ReachedTarget += m.ReachedTarget
	}
}

// reviewed is one cycle reviewed in the period, as it counts for one of
// its provisions.
type reviewed struct {
	pupilID string
	results []pupil.OutcomeResult
	cost    int64
}

func (f *ImpactFigures) add(r reviewed, measures func(string) (trust.Measure, bool)) {
	if f.pupils == nil {
		f.pupils, f.outcomes, f.measures = map[string]bool{}, map[string]bool{}, map[string]*MeasureImpact{}
	}
	f.pupils[r.pupilID] = true
	f.CostPence += r.cost
	for _, o := range r.results {
		if f.outcomes[o.OutcomeID] {
			continue // totals count an outcome once, whatever its provisions
		}
		f.outcomes[o.OutcomeID] = true
		f.Outcomes++
		if pupil.Met(o.Rating) {
			f.MetOrExceeded++
		}
		m, ok := measures(o.MeasureID)
		if !ok || o.Baseline == nil || o.Exit == nil {
			continue
		}
		mi := f.measures[m.ID]
		if mi == nil {
			mi = &MeasureImpact{MeasureID: m.ID, Name: m.Name, Unit: m.Unit, HigherIsBetter: m.HigherIsBetter}
			f.measures[m.ID] = mi
		}
		mi.Outcomes++
		gain := m.Gain(*o.Baseline, *o.Exit)
		mi.gain += gain
		if o.Target != nil {
			if aim := m.Gain(*o.Baseline, *o.Target); aim > 0 {
				mi.ofTarget += gain / aim
			}
			if m.Gain(*o.Target, *o.Exit) >= 0 {
				mi.ReachedTarget++
			}
		}
	}
}

func (f *ImpactFigures) finish(suppress bool) {
	f.Pupils = len(f.pupils)
	if f.Outcomes > 0 {
		pct := f.MetOrExceeded * 100 / f.Outcomes
		f.MetPercent = &pct
	}
	if f.MetOrExceeded > 0 {
		per := (2*f.CostPence + int64(f.MetOrExceeded)) / (2 * int64(f.MetOrExceeded))
		f.CostPerOutcomeMetPence = &per
	}
	f.Measures = []MeasureImpact{}
	for _, m := range f.measures {
		m.MeanGain = math.Round(m.gain/float64(m.Outcomes)*100) / 100
		m.MeanOfTargetPercent = int(math.Round(m.ofTarget / float64(m.Outcomes) * 100))
		f.Measures = append(f.Measures, *m)
	}
	sort.Slice(f.Measures, func(i, j int) bool { return f.Measures[i].Name < f.Measures[j].Name })
	if suppress && f.Pupils < MinPupils {
		*f = ImpactFigures{Suppressed: true, Measures: []MeasureImpact{}}
	}
}

// Impact works out the impact of provision for school schoolID, or for the
// whole trust when schoolID is empty, over the cycles reviewed from from
// to to (both included), from the record as of asOf. suppress applies the
// small-number rule (readers outside the school).
func (v Views) Impact(ctx context.Context, trustID, schoolID string, from, to, asOf civil.Date, suppress bool) (Impact, error) {
	t, _ := v.Dir.Trust(trustID)
	measures := t.Measure
	out := Impact{From: from, To: to, AsOf: asOf, MinPupils: MinPupils}
	// Each worker adds into its own figures; they are merged at the end
	// (a pupil is one worker's, so their pupils and outcomes never meet).
	workers := 1
	pv, parallel := v.Store.(ParallelVisitor)
	if parallel {
		workers = runtime.GOMAXPROCS(0)
	}
	parts := make([]*impactPart, workers)
	for w := range parts {
		parts[w] = &impactPart{lines: map[string]*ImpactLine{}, groups: map[[3]string]*ImpactLine{}}
		for _, p := range t.Provisions {
			parts[w].lines[p.ID] = &ImpactLine{ProvisionID: p.ID, Name: p.Name}
		}
	}
	visit := func(w int, p *pupil.Pupil) {
		part := parts[w]
		for _, c := range p.Cycles {
			if c.Review == nil || c.Plan == nil || c.Review.HeldOn.Before(from) || c.Review.HeldOn.After(to) {
				continue
			}
			at := p.SchoolOn(c.Review.HeldOn)
			if schoolID != "" && at != schoolID {
				continue
			}
			results := c.Results()
			area := need.AreaOf(p.PrimaryNeed)
			year := p.CurrentYearGroup(c.Review.HeldOn)
			for _, d := range c.Delivery(c.Plan.AgreedOn, c.Review.HeldOn) {
				prov, ok := t.Provision(d.ProvisionID)
				if !ok {
					continue
				}
				r := reviewed{pupilID: p.ID, results: results, cost: CostPence(prov.HourlyCostPence, d.PlannedMinutes, d.GroupSize)}
				part.lines[prov.ID].add(r, measures)
				part.totals.add(r, measures)
				part.group("area_of_need", string(area), area.Label(), prov).add(r, measures)
				part.group("year_group", string(year), year.Label(), prov).add(r, measures)
				if schoolID == "" {
					s, _ := t.School(at)
					part.group("school", at, s.Name, prov).add(r, measures)
				}
			}
		}
	}
	var err error
	if parallel {
		err = pv.EachPastPupilParallel(ctx, trustID, schoolID, workers, func(w int, s *Summary) {
			if p := s.At(asOf, v.KnownAt); p.Exists() {
				visit(w, p)
			}
		})
	} else {
		err = v.eachPastPupil(ctx, trustID, schoolID, asOf, func(p *pupil.Pupil) { visit(0, p) })
	}
	if err != nil {
		return Impact{}, err
	}
	all := parts[0]
	for _, part := range parts[1:] {
		all.merge(part)
	}
	lines, groups := all.lines, all.groups
	out.Totals = ImpactLine{Name: "All provision", ImpactFigures: all.totals}
	for _, p := range t.Provisions {
		if l := lines[p.ID]; l.pupils != nil {
			l.finish(suppress)
			out.Provisions = append(out.Provisions, *l)
		}
	}
	out.Groups = make([]ImpactLine, 0, len(groups))
	for _, g := range groups {
		g.finish(suppress)
		out.Groups = append(out.Groups, *g)
	}
	sort.Slice(out.Groups, func(i, j int) bool {
		a, b := out.Groups[i], out.Groups[j]
		if a.By != b.By {
			return a.By < b.By
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.Name < b.Name
	})
	out.Totals.finish(suppress)
	return out, nil
}
