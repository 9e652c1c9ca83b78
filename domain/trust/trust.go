// Package trust is the multi-academy trust aggregate: its schools, its
// catalogue of costed provisions, and the settings its views are worked out with.
package trust

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/inclusion"
	"github.com/sendcase/sendcase/domain/need"
)

// Phase is a school's phase of education.
type Phase string

// Phases lists the accepted phases.
var Phases = domain.Allowed[Phase]("phase", "primary", "secondary", "special", "all_through", "alternative_provision", "infant", "junior")

// Deliveries are the ways a provision is delivered.
var Deliveries = domain.Allowed("delivery", "individual", "group", "in_class")

// School is one school of the trust.
type School struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	URN   string `json:"urn"`
	Phase Phase  `json:"phase"`
}

// Provision is an intervention in the trust's catalogue, with its cost.
type Provision struct {
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	AreaOfNeed      need.Area `json:"area_of_need"`
	Delivery        string    `json:"delivery"`
	StaffRole       string    `json:"staff_role"`
	HourlyCostPence int64     `json:"hourly_cost_pence"`
	MaxGroupSize    int       `json:"max_group_size"`
}

// Measure is how the trust measures progress towards an outcome: a plan's
// outcome may name one, with a baseline and a target, and sessions and
// reviews record readings of it.
type Measure struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Unit is what a reading counts, in words ("months", "score", "%").
	Unit           string  `json:"unit"`
	HigherIsBetter bool    `json:"higher_is_better"`
	Min            float64 `json:"min"`
	Max            float64 `json:"max"`
}

// Refuses says why v is not a reading of m, or "" when it is.
func (m Measure) Refuses(v float64) string {
	if v < m.Min || v > m.Max {
		return fmt.Sprintf("must be between %s and %s (%s, %s)", Number(m.Min), Number(m.Max), m.Name, m.Unit)
	}
	return ""
}

// Gain is how far to reaches from from, in the better direction: positive
// is progress whichever way the measure points.
func (m Measure) Gain(from, to float64) float64 {
	if m.HigherIsBetter {
		return to - from
	}
	return from - to
}

// Number is a reading as people write it: no trailing zeros.
func Number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// AdminHours weights statutory and APDR work in the trust workload view.
type AdminHours struct {
	AnnualReview float64 `json:"annual_review" validate:"gte=0,lte=200"`
	EHCRequest   float64 `json:"ehc_request" validate:"gte=0,lte=200"`
	APDRReview   float64 `json:"apdr_review" validate:"gte=0,lte=200"`
	Referral     float64 `json:"referral" validate:"gte=0,lte=200"`
}

// Settings are the trust's figures for costs and workload.
type Settings struct {
	WeeksPerYear int        `json:"weeks_per_year" validate:"gte=1,lte=52"`
	AdminHours   AdminHours `json:"admin_hours"`
	// ReferralWaitWeeks is how long a referral may wait for the service
	// to see the pupil before it is listed as due (0: the default).
	ReferralWaitWeeks int `json:"referral_wait_weeks,omitempty"`
	// DeliveryThresholdPercent is the share of a plan's planned minutes
	// that must be delivered over four weeks before a pupil is listed as
	// under-served (0: the default).
	DeliveryThresholdPercent int `json:"delivery_threshold_percent,omitempty"`
}

// DefaultReferralWaitWeeks is the referral wait a trust accepts until it
// sets its own: the NHS's 18 weeks from referral to treatment.
const DefaultReferralWaitWeeks = 18

// ReferralWait is the trust's referral wait threshold, in weeks.
func (s Settings) ReferralWait() int {
	if s.ReferralWaitWeeks == 0 {
		return DefaultReferralWaitWeeks
	}
	return s.ReferralWaitWeeks
}

// DefaultDeliveryThresholdPercent is the delivery a trust accepts until it
// sets its own: three quarters of the planned minutes.
const DefaultDeliveryThresholdPercent = 75

// DeliveryThreshold is the trust's delivery threshold, a percentage.
func (s Settings) DeliveryThreshold() int {
	if s.DeliveryThresholdPercent == 0 {
		return DefaultDeliveryThresholdPercent
	}
	return s.DeliveryThresholdPercent
}

// DefaultSettings apply until a trust lead sets its own: 39 school weeks, and
// admin-hour weights a SENCO would recognise (an annual review takes most of a day).
var DefaultSettings = Settings{
	WeeksPerYear:             39,
	AdminHours:               AdminHours{AnnualReview: 6, EHCRequest: 10, APDRReview: 1.5, Referral: 1},
	ReferralWaitWeeks:        DefaultReferralWaitWeeks,
	DeliveryThresholdPercent: DefaultDeliveryThresholdPercent,
}

// Trust is the aggregate.
type Trust struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Schools    []School    `json:"schools"`
	Provisions []Provision `json:"provisions"`
	Measures   []Measure   `json:"measures"`
	// ReviewStatements are the trust's own statements of the MAT SEND
	// review, added to the framework's areas.
	ReviewStatements []inclusion.Statement `json:"review_statements,omitempty"`
	Settings         Settings              `json:"settings"`
	Version          int                   `json:"version"`
}

// Events.
type (
	Created struct {
		TrustID string     `json:"trust_id"`
		Name    string     `json:"name"`
		On      civil.Date `json:"on"`
	}
	SchoolAdded struct {
		School School     `json:"school"`
		On     civil.Date `json:"on"`
	}
	ProvisionAdded struct {
		Provision Provision  `json:"provision"`
		On        civil.Date `json:"on"`
	}
	SettingsUpdated struct {
		Settings Settings   `json:"settings"`
		On       civil.Date `json:"on"`
	}
	MeasureAdded struct {
		Measure Measure    `json:"measure"`
		On      civil.Date `json:"on"`
	}
	StatementAdded struct {
		Statement inclusion.Statement `json:"statement"`
		On        civil.Date          `json:"on"`
	}
)

func (Created) EventType() string                { return "trust_created" }
func (SchoolAdded) EventType() string            { return "school_added" }
func (ProvisionAdded) EventType() string         { return "provision_added" }
func (SettingsUpdated) EventType() string        { return "trust_settings_updated" }
func (MeasureAdded) EventType() string           { return "measure_added" }
func (StatementAdded) EventType() string         { return "review_statement_added" }
func (e StatementAdded) OccurredOn() civil.Date  { return e.On }
func (e MeasureAdded) OccurredOn() civil.Date    { return e.On }
func (e Created) OccurredOn() civil.Date         { return e.On }
func (e SchoolAdded) OccurredOn() civil.Date     { return e.On }
func (e ProvisionAdded) OccurredOn() civil.Date  { return e.On }
func (e SettingsUpdated) OccurredOn() civil.Date { return e.On }

func init() {
	event.Register[Created](1)
	event.Register[SchoolAdded](1)
	event.Register[ProvisionAdded](1)
	event.Register[SettingsUpdated](1)
	event.Register[MeasureAdded](1)
	event.Register[StatementAdded](1)
}

// Apply evolves the trust by one event.
func (t *Trust) Apply(e event.Event) {
	t.Version = e.Version
	switch d := e.Data.(type) {
	case Created:
		t.ID, t.Name, t.Settings = d.TrustID, d.Name, DefaultSettings
	case SchoolAdded:
		t.Schools = append(t.Schools, d.School)
	case ProvisionAdded:
		t.Provisions = append(t.Provisions, d.Provision)
	case SettingsUpdated:
		t.Settings = d.Settings
	case MeasureAdded:
		t.Measures = append(t.Measures, d.Measure)
	case StatementAdded:
		t.ReviewStatements = append(t.ReviewStatements, d.Statement)
	}
}

// Exists reports whether the trust has been created.
func (t *Trust) Exists() bool { return t.Version > 0 }

// School returns the school with id.
func (t *Trust) School(id string) (School, bool) {
	for _, s := range t.Schools {
		if s.ID == id {
			return s, true
		}
	}
	return School{}, false
}

// Provision returns the catalogue entry with id.
func (t *Trust) Provision(id string) (Provision, bool) {
	for _, p := range t.Provisions {
		if p.ID == id {
			return p, true
		}
	}
	return Provision{}, false
}

// Measure returns the measure with id.
func (t *Trust) Measure(id string) (Measure, bool) {
	for _, m := range t.Measures {
		if m.ID == id {
			return m, true
		}
	}
	return Measure{}, false
}

// Commands.
type (
	Create struct {
		Name string `json:"name" validate:"notblank,max=200"`
	}
	AddSchool struct {
		Name  string `json:"name" validate:"notblank,max=200"`
		URN   string `json:"urn" validate:"required,len=6,numeric"`
		Phase Phase  `json:"phase" validate:"required,allowed=phase"`
	}
	AddProvision struct {
		Name            string    `json:"name" validate:"notblank,max=200"`
		AreaOfNeed      need.Area `json:"area_of_need" validate:"required,allowed=area_of_need"`
		Delivery        string    `json:"delivery" validate:"required,allowed=delivery"`
		StaffRole       string    `json:"staff_role" validate:"notblank,max=100"`
		HourlyCostPence *int64    `json:"hourly_cost_pence" validate:"required,gte=0,lte=100000000"`
		MaxGroupSize    int       `json:"max_group_size" validate:"required,gte=1,lte=60"`
	}
	UpdateSettings struct {
		WeeksPerYear int         `json:"weeks_per_year" validate:"required,gte=1,lte=52"`
		AdminHours   *AdminHours `json:"admin_hours" validate:"required"`
		// ReferralWaitWeeks: 0 or absent keeps the trust's threshold.
		ReferralWaitWeeks int `json:"referral_wait_weeks" validate:"omitempty,gte=1,lte=104"`
		// DeliveryThresholdPercent: 0 or absent keeps the trust's threshold.
		DeliveryThresholdPercent int `json:"delivery_threshold_percent" validate:"omitempty,gte=1,lte=100"`
	}
	// AddStatement adds a statement of the trust's own to an area of the
	// MAT SEND review.
	AddStatement struct {
		Area string `json:"area" validate:"required,allowed=review_area"`
		Text string `json:"text" validate:"notblank,max=500"`
	}
	AddMeasure struct {
		Name           string   `json:"name" validate:"notblank,max=100"`
		Unit           string   `json:"unit" validate:"notblank,max=40"`
		HigherIsBetter *bool    `json:"higher_is_better" validate:"required"`
		Min            *float64 `json:"min" validate:"required"`
		Max            *float64 `json:"max" validate:"required"`
	}
)

// CreateTrust decides the creation of trust id.
func CreateTrust(id string, cmd Create, today civil.Date) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	return []event.Data{Created{TrustID: id, Name: cmd.Name, On: today}}, nil
}

// AddSchool decides adding school id to t. A URN identifies one school in England.
func (t *Trust) AddSchool(id string, cmd AddSchool, today civil.Date) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	for _, s := range t.Schools {
		if s.URN == cmd.URN {
			return nil, domain.Conflict("school with URN %s is already in this trust", cmd.URN)
		}
	}
	return []event.Data{SchoolAdded{School: School{ID: id, Name: cmd.Name, URN: cmd.URN, Phase: cmd.Phase}, On: today}}, nil
}

// AddProvision decides adding provision id to the catalogue.
func (t *Trust) AddProvision(id string, cmd AddProvision, today civil.Date) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	if cmd.Delivery == "individual" && cmd.MaxGroupSize != 1 {
		return nil, domain.Invalid("max_group_size", "must be 1 for individual delivery")
	}
	for _, p := range t.Provisions {
		if p.Name == cmd.Name {
			return nil, domain.Conflict("the catalogue already has a provision named %q", cmd.Name)
		}
	}
	return []event.Data{ProvisionAdded{On: today, Provision: Provision{
		ID: id, Name: cmd.Name, AreaOfNeed: cmd.AreaOfNeed, Delivery: cmd.Delivery,
		StaffRole: cmd.StaffRole, HourlyCostPence: *cmd.HourlyCostPence, MaxGroupSize: cmd.MaxGroupSize,
	}}}, nil
}

// UpdateSettings decides new settings; unchanged settings record nothing.
func (t *Trust) UpdateSettings(cmd UpdateSettings, today civil.Date) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	s := Settings{WeeksPerYear: cmd.WeeksPerYear, AdminHours: *cmd.AdminHours, ReferralWaitWeeks: cmd.ReferralWaitWeeks,
		DeliveryThresholdPercent: cmd.DeliveryThresholdPercent}
	if s.ReferralWaitWeeks == 0 {
		s.ReferralWaitWeeks = t.Settings.ReferralWait()
	}
	if s.DeliveryThresholdPercent == 0 {
		s.DeliveryThresholdPercent = t.Settings.DeliveryThreshold()
	}
	if s == t.Settings {
		return nil, nil
	}
	return []event.Data{SettingsUpdated{Settings: s, On: today}}, nil
}

// Statements are the MAT SEND review's statements for the trust: the
// framework's and its own, area by area.
func (t *Trust) Statements() []inclusion.Statement { return inclusion.Statements(t.ReviewStatements) }

// Statement returns review statement id of the trust.
func (t *Trust) Statement(id string) (inclusion.Statement, bool) {
	for _, s := range t.Statements() {
		if s.ID == id {
			return s, true
		}
	}
	return inclusion.Statement{}, false
}

// AddStatement decides adding a statement of the trust's own to an area
// (<area>-own-<n>); the same words twice in an area is a conflict.
func (t *Trust) AddStatement(cmd AddStatement, today civil.Date) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	n := 1
	for _, s := range t.Statements() {
		if s.Area == cmd.Area && strings.EqualFold(strings.TrimSpace(s.Text), strings.TrimSpace(cmd.Text)) {
			return nil, domain.Conflict("the area already has this statement")
		}
		if s.Area == cmd.Area && strings.Contains(s.ID, "-own-") {
			n++
		}
	}
	st := inclusion.Statement{ID: fmt.Sprintf("%s-own-%d", cmd.Area, n), Area: cmd.Area, Text: strings.TrimSpace(cmd.Text)}
	return []event.Data{StatementAdded{Statement: st, On: today}}, nil
}

// AddMeasure decides adding measure id to the trust's measures. Names are
// unique, so that a SENCO choosing one from a list knows which it is.
func (t *Trust) AddMeasure(id string, cmd AddMeasure, today civil.Date) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	if *cmd.Max <= *cmd.Min {
		return nil, domain.Invalid("max", "must be more than the lowest reading (%s)", Number(*cmd.Min))
	}
	for _, m := range t.Measures {
		if strings.EqualFold(m.Name, cmd.Name) {
			return nil, domain.Conflict("the trust already has a measure named %q", cmd.Name)
		}
	}
	return []event.Data{MeasureAdded{On: today, Measure: Measure{
		ID: id, Name: cmd.Name, Unit: cmd.Unit, HigherIsBetter: *cmd.HigherIsBetter, Min: *cmd.Min, Max: *cmd.Max,
	}}}, nil
}
