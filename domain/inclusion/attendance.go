package inclusion

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/need"
)

// Term is a school term: autumn (from 1 September), spring (from 1
// January) or summer (from 1 April) of a calendar year.
type Term struct {
	Season string
	Year   int
}

// Seasons are the terms of a school year, in order.
var Seasons = []string{"autumn", "spring", "summer"}

var (
	seasonWord = regexp.MustCompile(`(?i)\b(aut|autumn|spr|spring|sum|summer)\b`)
	schoolYear = regexp.MustCompile(`\b(20\d\d)\s*[/-]\s*(\d\d|20\d\d)\b`)
	oneYear    = regexp.MustCompile(`\b(20\d\d)\b`)
)

// ParseTerm reads "Autumn 2025", "spring 2026", "2025/26 Summer",
// "2025-26 autumn": a season and a calendar year, or a school year, in
// which spring and summer are in its second calendar year.
func ParseTerm(s string) (Term, error) {
	m := seasonWord.FindStringSubmatch(s)
	if m == nil {
		return Term{}, fmt.Errorf("%q names no term (autumn, spring or summer)", s)
	}
	season := map[string]string{"aut": "autumn", "spr": "spring", "sum": "summer"}[strings.ToLower(m[1])[:3]]
	rest := strings.Replace(s, m[0], " ", 1)
	if y := schoolYear.FindStringSubmatch(rest); y != nil {
		start, _ := strconv.Atoi(y[1])
		if season != "autumn" {
			start++
		}
		return Term{season, start}, nil
	}
	if y := oneYear.FindStringSubmatch(rest); y != nil {
		year, _ := strconv.Atoi(y[1])
		return Term{season, year}, nil
	}
	return Term{}, fmt.Errorf("%q names no year (for example: Autumn 2025, or 2025/26 spring)", s)
}

// String is the term as it is stored and shown: "autumn 2025".
func (t Term) String() string { return fmt.Sprintf("%s %d", t.Season, t.Year) }

// Label is the term in words: "Autumn 2025".
func (t Term) Label() string {
	return strings.ToUpper(t.Season[:1]) + t.Season[1:] + " " + strconv.Itoa(t.Year)
}

// Start is the term's first day.
func (t Term) Start() civil.Date {
	switch t.Season {
	case "spring":
		return civil.New(t.Year, 1, 1)
	case "summer":
		return civil.New(t.Year, 4, 1)
	}
	return civil.New(t.Year, 9, 1)
}

// End is the term's last day: the day before the next term starts.
func (t Term) End() civil.Date {
	switch t.Season {
	case "spring":
		return civil.New(t.Year, 3, 31)
	case "summer":
		return civil.New(t.Year, 8, 31)
	}
	return civil.New(t.Year, 12, 31)
}

// Compare orders terms, earliest first.
func (t Term) Compare(o Term) int { return int(t.Start() - o.Start()) }

// MarshalText stores a term as its String.
func (t Term) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads a term stored by MarshalText.
func (t *Term) UnmarshalText(b []byte) error {
	v, err := ParseTerm(string(b))
	*t = v
	return err
}

// Statuses are the SEN statuses counts are kept for: no SEN, SEN support,
// an EHC plan (the census's N, K and E).
var Statuses = []need.Status{need.NoSEN, need.SENSupport, need.EHCPlan}

// Counts are a term's figures for the pupils of one SEN status: only
// counts, never a pupil.
type Counts struct {
	OnRoll              int     `json:"on_roll" validate:"min=0,max=100000"`
	SessionsPossible    int     `json:"sessions_possible" validate:"min=0,max=100000000"`
	SessionsAttended    int     `json:"sessions_attended" validate:"min=0,max=100000000"`
	SuspendedPupils     int     `json:"suspended_pupils" validate:"min=0,max=100000"`
	SuspensionDays      float64 `json:"suspension_days" validate:"min=0,max=1000000"`
	PermanentExclusions int     `json:"permanent_exclusions" validate:"min=0,max=100000"`
}

// Check adds to p the figures that cannot be together: more sessions attended
// than possible, more pupils suspended or excluded than on roll, days of
// suspension without a pupil suspended, or in other than half days.
// (each named field.<its JSON name>, or its JSON name when field is "").
func (c Counts) Check(field string, p *domain.Problems) {
	at := func(name string) string {
		if field == "" {
			return name
		}
		return field + "." + name
	}
	if c.SessionsAttended > c.SessionsPossible {
		p.Add(at("sessions_attended"), "must not be more than the sessions possible (%d)", c.SessionsPossible)
	}
	if c.SuspendedPupils > c.OnRoll {
		p.Add(at("suspended_pupils"), "must not be more than the pupils on roll (%d)", c.OnRoll)
	}
	if c.PermanentExclusions > c.OnRoll {
		p.Add(at("permanent_exclusions"), "must not be more than the pupils on roll (%d)", c.OnRoll)
	}
	if c.SuspensionDays > 0 && c.SuspendedPupils == 0 {
		p.Add(at("suspension_days"), "must be 0 when no pupil was suspended")
	}
	if c.SuspensionDays*2 != math.Trunc(c.SuspensionDays*2) {
		p.Add(at("suspension_days"), "must be in half days")
	}
}

// TermCounts are one term's counts, by SEN status.
type TermCounts struct {
	Term       Term       `json:"term"`
	None       Counts     `json:"no_sen"`
	Support    Counts     `json:"sen_support"`
	Plan       Counts     `json:"ehc_plan"`
	RecordedOn civil.Date `json:"recorded_on"`
}

// Of is the counts of status.
func (t TermCounts) Of(status need.Status) Counts {
	switch status {
	case need.SENSupport:
		return t.Support
	case need.EHCPlan:
		return t.Plan
	}
	return t.None
}

// Roll is every pupil on roll that term.
func (t TermCounts) Roll() int { return t.None.OnRoll + t.Support.OnRoll + t.Plan.OnRoll }

// Attendance is a school's counts, term by term (the aggregate: one a
// school).
type Attendance struct {
	SchoolID string       `json:"school_id"`
	TrustID  string       `json:"trust_id"`
	Terms    []TermCounts `json:"terms"` // earliest first
	Version  int          `json:"version"`
}

// RecordTerm is a term's counts for the three statuses, as a school's
// import gives them.
type RecordTerm struct {
	Term    string `json:"term" validate:"required,max=40"`
	None    Counts `json:"no_sen"`
	Support Counts `json:"sen_support"`
	Plan    Counts `json:"ehc_plan"`
}

// TermRecorded records (or replaces) a term's counts.
type TermRecorded struct {
	SchoolID string     `json:"school_id"`
	TrustID  string     `json:"trust_id"`
	Counts   TermCounts `json:"counts"`
}

func (TermRecorded) EventType() string        { return "attendance_recorded" }
func (e TermRecorded) OccurredOn() civil.Date { return e.Counts.Term.End() }

func init() { event.Register[TermRecorded](1) }

// Apply folds an event into the school's counts.
func (a *Attendance) Apply(e event.Event) {
	a.Version = e.Version
	if d, ok := e.Data.(TermRecorded); ok {
		a.SchoolID, a.TrustID = d.SchoolID, d.TrustID
		terms := slices.DeleteFunc(slices.Clone(a.Terms), func(t TermCounts) bool { return t.Term == d.Counts.Term })
		terms = append(terms, d.Counts)
		slices.SortFunc(terms, func(x, y TermCounts) int { return x.Term.Compare(y.Term) })
		a.Terms = terms
	}
}

// Term is the counts of term t, if recorded.
func (a *Attendance) Term(t Term) (TermCounts, bool) {
	i := slices.IndexFunc(a.Terms, func(x TermCounts) bool { return x.Term == t })
	if i < 0 {
		return TermCounts{}, false
	}
	return a.Terms[i], true
}

// Latest is the last term recorded that had started by on.
func (a *Attendance) Latest(on civil.Date) (TermCounts, bool) {
	for i := len(a.Terms) - 1; i >= 0; i-- {
		if !a.Terms[i].Term.Start().After(on) {
			return a.Terms[i], true
		}
	}
	return TermCounts{}, false
}

// Record decides recording a term's counts for school schoolID of trust
// trustID: a term that has started by today, figures that can be
// together; the same counts again change nothing (an import run twice).
func (a *Attendance) Record(schoolID, trustID string, cmd RecordTerm, today civil.Date) ([]event.Data, bool, error) {
	if err := domain.ValidateOn(cmd, today); err != nil {
		return nil, false, err
	}
	t, err := ParseTerm(cmd.Term)
	if err != nil {
		return nil, false, domain.Invalid("term", "%s", err.Error())
	}
	if t.Start().After(today) {
		return nil, false, domain.Invalid("term", "%s has not started yet", t.Label())
	}
	var probs domain.Problems
	for _, c := range []struct {
		field  string
		counts Counts
	}{{"no_sen", cmd.None}, {"sen_support", cmd.Support}, {"ehc_plan", cmd.Plan}} {
		c.counts.Check(c.field, &probs)
	}
	if err := probs.Err(); err != nil {
		return nil, false, err
	}
	tc := TermCounts{Term: t, None: cmd.None, Support: cmd.Support, Plan: cmd.Plan, RecordedOn: today}
	if old, ok := a.Term(t); ok {
		old.RecordedOn = today
		if old == tc {
			return nil, false, nil
		}
	}
	_, had := a.Term(t)
	return []event.Data{TermRecorded{SchoolID: schoolID, TrustID: trustID, Counts: tc}}, had, nil
}

// Rates are a group's rates for a term.
type Rates struct {
	// Absence is the share of possible sessions missed, in percent.
	Absence *float64 `json:"absence_percent"`
	// Suspension is pupils suspended per 100 on roll; Exclusion the same
	// for permanent exclusions.
	Suspension *float64 `json:"suspension_percent"`
	Exclusion  *float64 `json:"exclusion_percent"`
}

// Rates works out the counts' rates; a rate with nothing to divide by is
// nil.
func (c Counts) Rates() Rates {
	return Rates{
		Absence:    percent(c.SessionsPossible-c.SessionsAttended, c.SessionsPossible),
		Suspension: percent(c.SuspendedPupils, c.OnRoll),
		Exclusion:  percent(c.PermanentExclusions, c.OnRoll),
	}
}

// Add is the two groups' counts together.
func (c Counts) Add(o Counts) Counts {
	return Counts{c.OnRoll + o.OnRoll, c.SessionsPossible + o.SessionsPossible, c.SessionsAttended + o.SessionsAttended,
		c.SuspendedPupils + o.SuspendedPupils, c.SuspensionDays + o.SuspensionDays, c.PermanentExclusions + o.PermanentExclusions}
}

// percent is n of d in percent, to two decimals; nil when d is 0.
func percent(n, d int) *float64 {
	if d <= 0 {
		return nil
	}
	p := math.Round(float64(n)/float64(d)*10000) / 100
	return &p
}

// Ratio is a group's rate over the rate of pupils with no SEN, to two
// decimals (disproportionality: 2 means twice as likely); nil when either
// is unknown or the no-SEN rate is 0.
func Ratio(rate, base *float64) *float64 {
	if rate == nil || base == nil || *base == 0 {
		return nil
	}
	r := math.Round(*rate / *base * 100) / 100
	return &r
}
