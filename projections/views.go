package projections

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
)

// Views computes the read models from a Store's summaries and the directory,
// as of a date. The arithmetic lives here once, whichever store is used.
//
// A view as of a date before Today (or with KnownAt set) shows the record as
// it stood then: each pupil folded again from its history up to that date
// (see Summary.At), found among every pupil ever on the school's or trust's
// roll. With Today unset every date is judged against the current record.
type Views struct {
	Store Store
	Dir   *Directory
	// Today is the service's today; views of earlier dates read history.
	Today civil.Date
	// KnownAt, when set, leaves out events recorded after it.
	KnownAt time.Time
}

// Past reports whether the record asked for as of asOf (known at knownAt,
// when set) is the past, which only history answers: an earlier day than
// today, or as known at an instant. A zero today is never in the past.
func Past(asOf, today civil.Date, knownAt time.Time) bool {
	return !knownAt.IsZero() || (today.Valid() && asOf.Valid() && asOf.Before(today))
}

// past reports whether a view as of asOf must read history.
func (v Views) past(asOf civil.Date) bool { return Past(asOf, v.Today, v.KnownAt) }

// eachSchoolPupil calls fn with every pupil on a school's roll as of asOf,
// and its summary.
func (v Views) eachSchoolPupil(ctx context.Context, schoolID string, asOf civil.Date, fn func(*pupil.Pupil, *Summary)) error {
	if !v.past(asOf) {
		return v.Store.EachSchoolPupil(ctx, schoolID, func(s *Summary) { fn(&s.Pupil, s) })
	}
	return v.Store.EachPastSchoolPupil(ctx, schoolID, func(s *Summary) {
		if p := s.At(asOf, v.KnownAt); p.Exists() && p.OnRoll && p.SchoolID == schoolID {
			fn(p, s)
		}
	})
}

// eachTrustPupil calls fn with every pupil on the roll of a trust's school
// as of asOf, and its summary.
func (v Views) eachTrustPupil(ctx context.Context, trustID string, asOf civil.Date, fn func(*pupil.Pupil, *Summary)) error {
	if !v.past(asOf) {
		return v.Store.EachTrustPupil(ctx, trustID, func(s *Summary) { fn(&s.Pupil, s) })
	}
	return v.Store.EachPastTrustPupil(ctx, trustID, func(s *Summary) {
		if p := s.At(asOf, v.KnownAt); p.Exists() && p.OnRoll {
			fn(p, s)
		}
	})
}

// CaseloadRow is one pupil on a SENCO's caseload.
type CaseloadRow struct {
	PupilID string `json:"pupil_id"`
	Name    string `json:"name"`
	// UPN finds a pupil by the number the MIS shows; LastName sorts by
	// surname.
	UPN         string `json:"upn"`
	LastName    string `json:"-"`
	YearGroup   string `json:"year_group"`
	SENStatus   string `json:"sen_status"`
	PrimaryNeed string `json:"primary_need"`
	// SecondaryNeed is shown beside the primary: the need filter matches
	// either, so the table says why a pupil is listed.
	SecondaryNeed      string     `json:"secondary_need,omitempty"`
	AreaOfNeed         string     `json:"area_of_need"`
	Stage              string     `json:"stage"`
	ReviewDueOn        civil.Date `json:"review_due_on"`
	ReviewOverdue      bool       `json:"review_overdue"`
	DaysOverdue        int        `json:"days_overdue"`
	ActiveProvisions   int        `json:"active_provisions"`
	OpenReferrals      int        `json:"open_referrals"`
	EHCPStatus         string     `json:"ehcp_status"`
	NextStatutoryDueOn civil.Date `json:"next_statutory_due_on"`
	StatutoryOverdue   int        `json:"statutory_overdue"`
	// ParentMeetings this school year, and whether the pupil (on SEN
	// support) is behind the one a term of CoP 6.65.
	ParentMeetings       int  `json:"parent_meetings"`
	ParentMeetingsBehind bool `json:"parent_meetings_behind"`
	// DeliveredPercent is the share of the plan's minutes delivered in the
	// last 4 weeks (absent unless a plan was in place all that time), and
	// DeliveryBehind whether it is under the trust's threshold.
	DeliveredPercent *int `json:"delivered_percent,omitempty"`
	DeliveryBehind   bool `json:"delivery_behind"`
	// Incomplete is true when some of the pupil's changes could not be
	// applied to the views (see docs/projections.md): the row may be out of
	// date, and the pupil's record, read from the stream, is not.
	Incomplete bool `json:"incomplete,omitempty"`
}

// CaseloadFilter narrows a caseload. Need is a census code or an area of need.
type CaseloadFilter struct {
	Stage   string
	Overdue bool
	Need    string
}

// StageNone is the stage of a pupil with no open cycle.
const StageNone = "none"

// CaseloadStages are the stages a caseload can be filtered by.
var CaseloadStages = domain.Allowed("caseload_stage", string(pupil.Assess), string(pupil.Plan), string(pupil.Do), StageNone)

func (v Views) phase(schoolID string) string {
	s, _, _ := v.Dir.School(schoolID)
	return string(s.Phase)
}

// onCaseload: the SEN register, plus pupils not on it whose needs are being
// assessed in an open cycle.
func onCaseload(p *pupil.Pupil) bool {
	return p.SENStatus.OnRegister() || p.CurrentCycle() != nil
}

func caseloadRow(p *pupil.Pupil, s *Summary, asOf civil.Date, phase string, threshold int) CaseloadRow {
	row := CaseloadRow{
		PupilID: p.ID, Name: p.FirstName + " " + p.LastName, UPN: p.UPN, LastName: p.LastName, YearGroup: string(p.CurrentYearGroup(asOf)),
		SENStatus: string(p.SENStatus), PrimaryNeed: p.PrimaryNeed, SecondaryNeed: p.SecondaryNeed, AreaOfNeed: string(need.AreaOf(p.PrimaryNeed)),
		Stage: StageNone, ActiveProvisions: len(p.ActiveProvisions), Incomplete: len(s.Unapplied) > 0,
	}
	if c := p.CurrentCycle(); c != nil {
		row.Stage = string(c.Stage)
		if c.Plan != nil {
			row.ReviewDueOn = c.Plan.ReviewDueOn
		}
	}
	row.ReviewOverdue, row.DaysOverdue = p.ReviewOverdue(asOf)
	row.ParentMeetings = p.MeetingsThisSchoolYear(asOf)
	next, _ := p.NextParentMeeting(asOf)
	row.ParentMeetingsBehind = next.Overdue
	if pct, judged := p.DeliveredShare(asOf); judged {
		row.DeliveredPercent, row.DeliveryBehind = &pct, pct < threshold
	}
	for _, r := range p.Referrals {
		if r.Open() {
			row.OpenReferrals++
		}
	}
	ev := p.EHCP(asOf, phase)
	row.EHCPStatus, row.NextStatutoryDueOn, row.StatutoryOverdue = ev.Status, ev.NextDue(), ev.Overdue()
	return row
}

// Caseload lists a school's caseload as of asOf, by name.
func (v Views) Caseload(ctx context.Context, schoolID string, asOf civil.Date, f CaseloadFilter) ([]CaseloadRow, error) {
	phase := v.phase(schoolID)
	_, trustID, _ := v.Dir.School(schoolID)
	t, _ := v.Dir.Trust(trustID)
	threshold := t.Settings.DeliveryThreshold()
	rows := []CaseloadRow{}
	err := v.eachSchoolPupil(ctx, schoolID, asOf, func(p *pupil.Pupil, s *Summary) {
		if !onCaseload(p) {
			return
		}
		row := caseloadRow(p, s, asOf, phase, threshold)
		switch {
		case f.Stage != "" && row.Stage != f.Stage:
		case f.Overdue && !row.ReviewOverdue && row.StatutoryOverdue == 0:
		case f.Need != "" && f.Need != row.PrimaryNeed && f.Need != row.SecondaryNeed && f.Need != row.AreaOfNeed:
		default:
			rows = append(rows, row)
		}
	})
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Name != rows[j].Name {
			return rows[i].Name < rows[j].Name
		}
		return rows[i].PupilID < rows[j].PupilID
	})
	return rows, err
}

// WorkloadCounts are the EHCP and APDR administrative load of a school or trust.
type WorkloadCounts struct {
	SENSupport            int      `json:"sen_support"`
	EHCP                  int      `json:"ehcp"`
	EHCRequestsInProgress int      `json:"ehc_requests_in_progress"`
	AnnualReviewsDue30d   int      `json:"annual_reviews_due_30d"`
	AnnualReviewsDue60d   int      `json:"annual_reviews_due_60d"`
	AnnualReviewsDue90d   int      `json:"annual_reviews_due_90d"`
	StatutoryDue30d       int      `json:"statutory_due_30d"`
	StatutoryDue60d       int      `json:"statutory_due_60d"`
	StatutoryDue90d       int      `json:"statutory_due_90d"`
	StatutoryOverdue      int      `json:"statutory_overdue"`
	APDRReviewsDue30d     int      `json:"apdr_reviews_due_30d"`
	APDRReviewsOverdue    int      `json:"apdr_reviews_overdue"`
	OpenReferrals         int      `json:"open_referrals"`
	MeanReferralWaitDays  *float64 `json:"mean_referral_wait_days"`
	AdminHoursNext30d     float64  `json:"admin_hours_next_30d"`
	// IncompletePupils counts pupils some of whose changes could not be
	// applied to the views: the counts may miss them.
	IncompletePupils int `json:"incomplete_pupils,omitempty"`

	waitSum, waitN int
}

// WorkloadSchool is one school's row.
type WorkloadSchool struct {
	SchoolID string `json:"school_id"`
	Name     string `json:"name"`
	WorkloadCounts
}

// Workload is the trust lead's view.
type Workload struct {
	AsOf    civil.Date       `json:"as_of"`
	Schools []WorkloadSchool `json:"schools"`
	Totals  WorkloadCounts   `json:"totals"`
}

// within reports due in [asOf, asOf+days].
func within(due, asOf civil.Date, days int) bool {
	return due.Valid() && !due.Before(asOf) && !due.After(asOf.AddDays(days))
}

func (c *WorkloadCounts) add(p *pupil.Pupil, s *Summary, asOf civil.Date, phase string) {
	c.addVia(p, s, asOf, p.Clock(), phase, nil)
}

// addVia is add with the pupil's EHC clock already folded; also, when set,
// is called with each milestone as judged on asOf. No view is built: trends
// judge every pupil's clock for every month.
func (c *WorkloadCounts) addVia(p *pupil.Pupil, s *Summary, asOf civil.Date, clk *ehcp.Clock, phase string, also func(ehcp.Milestone)) {
	if len(s.Unapplied) > 0 {
		c.IncompletePupils++
	}
	switch p.SENStatus {
	case need.SENSupport:
		c.SENSupport++
	case need.EHCPlan:
		c.EHCP++
	}
	status := p.VisitEHCP(clk, asOf, phase, func(m ehcp.Milestone) {
		c.milestone(m, asOf)
		if also != nil {
			also(m)
		}
	})
	if ehcp.InProgress(status) {
		c.EHCRequestsInProgress++
	}
	if cyc := p.CurrentCycle(); cyc != nil && cyc.Stage == pupil.Do {
		if overdue, _ := p.ReviewOverdue(asOf); overdue {
			c.APDRReviewsOverdue++
		}
		if !cyc.Plan.ReviewDueOn.After(asOf.AddDays(30)) {
			c.APDRReviewsDue30d++ // due or overdue within 30 days
		}
	}
	yearAgo := asOf.AddMonths(-12)
	for _, r := range p.Referrals {
		if r.Open() {
			c.OpenReferrals++
		}
		if r.ReferredOn.After(yearAgo) && !r.ReferredOn.After(asOf) {
			c.waitSum += r.WaitDays(asOf)
			c.waitN++
		}
	}
}

// milestone counts one statutory milestone as judged on asOf.
func (c *WorkloadCounts) milestone(m ehcp.Milestone, asOf civil.Date) {
	if m.Status == ehcp.Overdue {
		c.StatutoryOverdue++
	}
	if m.Status != ehcp.Pending {
		return
	}
	for _, w := range []struct {
		days     int
		all, ars *int
	}{{30, &c.StatutoryDue30d, &c.AnnualReviewsDue30d}, {60, &c.StatutoryDue60d, &c.AnnualReviewsDue60d}, {90, &c.StatutoryDue90d, &c.AnnualReviewsDue90d}} {
		if within(m.DueOn, asOf, w.days) {
			*w.all++
			if m.Type == ehcp.AnnualReview {
				*w.ars++
			}
		}
	}
}

func (c *WorkloadCounts) finish(w trust.AdminHours) {
	if c.waitN > 0 {
		mean := math.Round(float64(c.waitSum)/float64(c.waitN)*10) / 10
		c.MeanReferralWaitDays = &mean
	}
	hours := w.AnnualReview*float64(c.AnnualReviewsDue30d) + w.EHCRequest*float64(c.EHCRequestsInProgress) +
		w.APDRReview*float64(c.APDRReviewsDue30d) + w.Referral*float64(c.OpenReferrals)
	c.AdminHoursNext30d = math.Round(hours*100) / 100
}

func (c *WorkloadCounts) sum(o WorkloadCounts) {
	c.SENSupport += o.SENSupport
	c.EHCP += o.EHCP
	c.EHCRequestsInProgress += o.EHCRequestsInProgress
	c.AnnualReviewsDue30d += o.AnnualReviewsDue30d
	c.AnnualReviewsDue60d += o.AnnualReviewsDue60d
	c.AnnualReviewsDue90d += o.AnnualReviewsDue90d
	c.StatutoryDue30d += o.StatutoryDue30d
	c.StatutoryDue60d += o.StatutoryDue60d
	c.StatutoryDue90d += o.StatutoryDue90d
	c.StatutoryOverdue += o.StatutoryOverdue
	c.APDRReviewsDue30d += o.APDRReviewsDue30d
	c.APDRReviewsOverdue += o.APDRReviewsOverdue
	c.OpenReferrals += o.OpenReferrals
	c.IncompletePupils += o.IncompletePupils
	c.waitSum += o.waitSum
	c.waitN += o.waitN
}

// Workload counts a trust's load per school and in total, as of asOf.
func (v Views) Workload(ctx context.Context, trustID string, asOf civil.Date) (Workload, error) {
	t, ok := v.Dir.Trust(trustID)
	if !ok {
		return Workload{}, nil
	}
	bySchool := map[string]*WorkloadSchool{}
	out := Workload{AsOf: asOf, Schools: make([]WorkloadSchool, 0, len(t.Schools))}
	for _, s := range t.Schools {
		bySchool[s.ID] = &WorkloadSchool{SchoolID: s.ID, Name: s.Name}
	}
	phases := map[string]string{}
	for _, s := range t.Schools {
		phases[s.ID] = string(s.Phase)
	}
	err := v.eachTrustPupil(ctx, trustID, asOf, func(p *pupil.Pupil, s *Summary) {
		if row := bySchool[p.SchoolID]; row != nil {
			row.add(p, s, asOf, phases[p.SchoolID])
		}
	})
	for _, s := range t.Schools {
		row := bySchool[s.ID]
		out.Totals.sum(row.WorkloadCounts)
		row.finish(t.Settings.AdminHours)
		out.Schools = append(out.Schools, *row)
	}
	out.Totals.finish(t.Settings.AdminHours)
	return out, err
}

// ProvisionLine is the cost and reach of one provision, or of an area of need.
type ProvisionLine struct {
	ProvisionID        string  `json:"provision_id,omitempty"`
	Name               string  `json:"name,omitempty"`
	AreaOfNeed         string  `json:"area_of_need,omitempty"`
	Pupils             int     `json:"pupils"`
	WeeklyPupilMinutes int     `json:"weekly_pupil_minutes"`
	WeeklyStaffHours   float64 `json:"weekly_staff_hours"`
	AnnualCostPence    int64   `json:"annual_cost_pence"`

	staffMinutesNum float64
	pupils          map[string]bool
}

// ProvisionMap is the costed provision map of a school or trust.
type ProvisionMap struct {
	AsOf         civil.Date                `json:"as_of"`
	WeeksPerYear int                       `json:"weeks_per_year"`
	Provisions   []ProvisionLine           `json:"provisions"`
	ByAreaOfNeed map[string]*ProvisionLine `json:"by_area_of_need"`
	Totals       ProvisionLine             `json:"totals"`
}

// AnnualCostPence is round(hourly × sessions × minutes × weeks / (60 × group))
// in integer arithmetic, halves rounded up: pence are never lost to floats.
func AnnualCostPence(hourly int64, sessionsPerWeek, minutes, weeks, group int) int64 {
	num := hourly * int64(sessionsPerWeek) * int64(minutes) * int64(weeks)
	den := int64(60 * group)
	return (2*num + den) / (2 * den)
}

func (l *ProvisionLine) add(pupilID string, pp pupil.PlannedProvision, hourly int64, weeks int) {
	if l.pupils == nil {
		l.pupils = map[string]bool{}
	}
	l.pupils[pupilID] = true
	l.WeeklyPupilMinutes += pp.SessionsPerWeek * pp.MinutesPerSession
	l.staffMinutesNum += float64(pp.SessionsPerWeek*pp.MinutesPerSession) / float64(pp.GroupSize)
	l.AnnualCostPence += AnnualCostPence(hourly, pp.SessionsPerWeek, pp.MinutesPerSession, weeks, pp.GroupSize)
}

func (l *ProvisionLine) finish() {
	l.Pupils = len(l.pupils)
	l.WeeklyStaffHours = math.Round(l.staffMinutesNum/60*100) / 100
}

// ProvisionMap costs the active provisions of a school (schoolID set) or of
// a whole trust (schoolID empty).
func (v Views) ProvisionMap(ctx context.Context, trustID, schoolID string, asOf civil.Date) (ProvisionMap, error) {
	t, _ := v.Dir.Trust(trustID)
	weeks := t.Settings.WeeksPerYear
	out := ProvisionMap{AsOf: asOf, WeeksPerYear: weeks, Provisions: make([]ProvisionLine, len(t.Provisions)), ByAreaOfNeed: map[string]*ProvisionLine{}}
	index := map[string]int{}
	for i, p := range t.Provisions {
		out.Provisions[i] = ProvisionLine{ProvisionID: p.ID, Name: p.Name, AreaOfNeed: string(p.AreaOfNeed)}
		index[p.ID] = i
	}
	for _, a := range need.Areas {
		out.ByAreaOfNeed[string(a)] = &ProvisionLine{AreaOfNeed: string(a)}
	}
	visit := func(p *pupil.Pupil, _ *Summary) {
		for _, pp := range p.ActiveProvisions {
			i, ok := index[pp.ProvisionID]
			if !ok {
				continue
			}
			cat := t.Provisions[i]
			out.Provisions[i].add(p.ID, pp, cat.HourlyCostPence, weeks)
			out.ByAreaOfNeed[string(cat.AreaOfNeed)].add(p.ID, pp, cat.HourlyCostPence, weeks)
			out.Totals.add(p.ID, pp, cat.HourlyCostPence, weeks)
		}
	}
	var err error
	if schoolID != "" {
		err = v.eachSchoolPupil(ctx, schoolID, asOf, visit)
	} else {
		err = v.eachTrustPupil(ctx, trustID, asOf, visit)
	}
	for i := range out.Provisions {
		out.Provisions[i].finish()
	}
	for _, l := range out.ByAreaOfNeed {
		l.finish()
	}
	out.Totals.finish()
	return out, err
}

// NeedsBySchool counts the pupils on each school's SEN register by the area
// of their primary need.
func (v Views) NeedsBySchool(ctx context.Context, trustID string) (map[string]map[need.Area]int, error) {
	out := map[string]map[need.Area]int{}
	err := v.Store.EachTrustPupil(ctx, trustID, func(s *Summary) {
		p := &s.Pupil
		if !p.SENStatus.OnRegister() {
			return
		}
		if out[p.SchoolID] == nil {
			out[p.SchoolID] = map[need.Area]int{}
		}
		out[p.SchoolID][need.AreaOf(p.PrimaryNeed)]++
	})
	return out, err
}

// GrantedPupil is a pupil an LA reviewer may read, with the grant's end.
type GrantedPupil struct {
	PupilID string
	Name    string
	Until   civil.Date
	Live    bool
}

// Granted lists the pupils granted to an LA reviewer, live grants first.
func (v Views) Granted(ctx context.Context, userID string, today civil.Date) ([]GrantedPupil, error) {
	var out []GrantedPupil
	err := v.Store.EachGrantedPupil(ctx, userID, func(s *Summary) {
		g := GrantedPupil{PupilID: s.Pupil.ID, Name: s.Pupil.FirstName + " " + s.Pupil.LastName}
		for _, gr := range s.Pupil.Grants {
			if gr.UserID == userID && gr.Until.After(g.Until) {
				g.Until = gr.Until
			}
		}
		g.Live = !today.After(g.Until)
		out = append(out, g)
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Live != out[j].Live {
			return out[i].Live
		}
		return out[i].Name < out[j].Name
	})
	return out, err
}
