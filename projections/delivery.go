package projections

import (
	"context"
	"sort"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/pupil"
)

// Delivered against planned, for a school or a trust over a period: each
// pupil's lines come from pupil.Delivery (one rule for the pupil page and
// these views), added up per provision, per school and in total. A line
// counts at the school the pupil was on the roll of on its last day.

// DeliveryFigures are planned, delivered and attended minutes added up.
type DeliveryFigures struct {
	Pupils int `json:"pupils"`
	// PlannedPerWeek sums the plans' minutes a week (each plan in place in
	// the period counts once).
	PlannedPerWeek   int `json:"planned_per_week"`
	PlannedMinutes   int `json:"planned_minutes"`
	DeliveredMinutes int `json:"delivered_minutes"`
	AttendedMinutes  int `json:"attended_minutes"`
	// DeliveredPercent of planned and AttendedPercent of delivered, rounded
	// down; absent when nothing was planned (or delivered).
	DeliveredPercent *int `json:"delivered_percent,omitempty"`
	AttendedPercent  *int `json:"attended_percent,omitempty"`

	pupils map[string]bool
}

func (f *DeliveryFigures) add(pupilID string, d pupil.ProvisionDelivery) {
	if f.pupils == nil {
		f.pupils = map[string]bool{}
	}
	f.pupils[pupilID] = true
	f.PlannedPerWeek += d.PlannedPerWeek
	f.PlannedMinutes += d.PlannedMinutes
	f.DeliveredMinutes += d.DeliveredMinutes
	f.AttendedMinutes += d.AttendedMinutes
}

func (f *DeliveryFigures) finish() {
	f.Pupils = len(f.pupils)
	f.DeliveredPercent = percentOrNil(f.DeliveredMinutes, f.PlannedMinutes)
	f.AttendedPercent = percentOrNil(f.AttendedMinutes, f.DeliveredMinutes)
}

func percentOrNil(n, of int) *int {
	if pct, ok := pupil.Percent(n, of); ok {
		return &pct
	}
	return nil
}

// DeliveryLine is one provision's, or one school's, figures.
type DeliveryLine struct {
	ProvisionID string `json:"provision_id,omitempty"`
	SchoolID    string `json:"school_id,omitempty"`
	Name        string `json:"name"`
	DeliveryFigures
}

// PupilDelivery is one pupil's delivery of one provision (school views).
type PupilDelivery struct {
	PupilID       string `json:"pupil_id"`
	Name          string `json:"name"`
	ProvisionID   string `json:"provision_id"`
	ProvisionName string `json:"provision_name"`
	pupil.ProvisionDelivery
	DeliveredPercent *int `json:"delivered_percent,omitempty"`
	AttendedPercent  *int `json:"attended_percent,omitempty"`
}

// BelowThreshold is a pupil whose delivery over the last four weeks fell
// below the trust's threshold.
type BelowThreshold struct {
	PupilID          string `json:"pupil_id"`
	Name             string `json:"name"`
	SchoolID         string `json:"school_id"`
	DeliveredPercent int    `json:"delivered_percent"`
}

// Delivery is the delivered-against-planned view of a school or a trust.
type Delivery struct {
	From civil.Date `json:"from"`
	To   civil.Date `json:"to"`
	AsOf civil.Date `json:"as_of"`
	// ThresholdPercent is the trust's; Below lists the pupils under it over
	// the DeliveryWindowDays to AsOf.
	ThresholdPercent int              `json:"threshold_percent"`
	Provisions       []DeliveryLine   `json:"provisions"`
	Schools          []DeliveryLine   `json:"schools,omitempty"`
	Totals           DeliveryLine     `json:"totals"`
	Pupils           []PupilDelivery  `json:"pupils,omitempty"`
	Below            []BelowThreshold `json:"below"`
}

// Delivery works out delivery from from to to (both included) for school
// schoolID, or for the whole trust when schoolID is empty, from the
// record as of asOf. Pupil lines are listed for a school only.
func (v Views) Delivery(ctx context.Context, trustID, schoolID string, from, to, asOf civil.Date) (Delivery, error) {
	t, _ := v.Dir.Trust(trustID)
	threshold := t.Settings.DeliveryThreshold()
	out := Delivery{From: from, To: to, AsOf: asOf, ThresholdPercent: threshold, Below: []BelowThreshold{}}
	provisions := map[string]*DeliveryLine{}
	for _, p := range t.Provisions {
		provisions[p.ID] = &DeliveryLine{ProvisionID: p.ID, Name: p.Name}
	}
	schools := map[string]*DeliveryLine{}
	for _, s := range t.Schools {
		schools[s.ID] = &DeliveryLine{SchoolID: s.ID, Name: s.Name}
	}
	out.Totals.Name = "All provision"
	visit := func(p *pupil.Pupil) {
		name := p.FirstName + " " + p.LastName
		for _, d := range p.Delivery(from, to) {
			at := p.SchoolOn(d.To)
			line, ok := provisions[d.ProvisionID]
			if !ok || (schoolID != "" && at != schoolID) {
				continue
			}
			line.add(p.ID, d)
			out.Totals.add(p.ID, d)
			if s, ok := schools[at]; ok {
				s.add(p.ID, d)
			}
			if schoolID != "" {
				row := PupilDelivery{PupilID: p.ID, Name: name, ProvisionID: d.ProvisionID, ProvisionName: line.Name, ProvisionDelivery: d}
				row.DeliveredPercent = percentOrNil(d.DeliveredMinutes, d.PlannedMinutes)
				row.AttendedPercent = percentOrNil(d.AttendedMinutes, d.DeliveredMinutes)
				out.Pupils = append(out.Pupils, row)
			}
		}
		if !p.OnRoll || (schoolID != "" && p.SchoolID != schoolID) {
			return
		}
		if pct, judged := p.DeliveredShare(asOf); judged && pct < threshold {
			out.Below = append(out.Below, BelowThreshold{PupilID: p.ID, Name: name, SchoolID: p.SchoolID, DeliveredPercent: pct})
		}
	}
	if err := v.eachPastPupil(ctx, trustID, schoolID, asOf, visit); err != nil {
		return Delivery{}, err
	}
	for _, p := range t.Provisions {
		if l := provisions[p.ID]; l.PlannedMinutes > 0 || l.DeliveredMinutes > 0 {
			l.finish()
			out.Provisions = append(out.Provisions, *l)
		}
	}
	if schoolID == "" {
		for _, s := range t.Schools {
			l := schools[s.ID]
			l.finish()
			out.Schools = append(out.Schools, *l)
		}
	}
	out.Totals.finish()
	sort.SliceStable(out.Pupils, func(i, j int) bool { return out.Pupils[i].Name < out.Pupils[j].Name })
	sort.SliceStable(out.Below, func(i, j int) bool { return out.Below[i].DeliveredPercent < out.Below[j].DeliveredPercent })
	return out, nil
}

// eachPastPupil calls fn with every pupil ever on the roll of school
// schoolID (or of any school of trust trustID), as the record stood at the
// end of asOf: delivery and impact count pupils who have left since.
func (v Views) eachPastPupil(ctx context.Context, trustID, schoolID string, asOf civil.Date, fn func(*pupil.Pupil)) error {
	visit := func(s *Summary) {
		if p := s.At(asOf, v.KnownAt); p.Exists() {
			fn(p)
		}
	}
	if schoolID != "" {
		return v.Store.EachPastSchoolPupil(ctx, schoolID, visit)
	}
	return v.Store.EachPastTrustPupil(ctx, trustID, visit)
}
