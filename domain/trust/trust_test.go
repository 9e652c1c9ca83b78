package trust

import (
	"errors"
	"testing"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
)

var today = civil.MustParse("2025-11-10")

// applyTo returns a function that folds a decision into tr.
func applyTo(t *testing.T, tr *Trust) func([]event.Data, error) {
	return func(data []event.Data, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range data {
			e, _ := event.New("e", tr.Version+1, event.Actor{}, today.Time(), d)
			tr.Apply(e)
		}
	}
}

func pence(n int64) *int64 { return &n }

func TestTrustRules(t *testing.T) {
	tr := &Trust{}
	applyTo(t, tr)(CreateTrust("t1", Create{Name: "Oak"}, today))
	if tr.Settings != DefaultSettings {
		t.Fatal("new trust lacks default settings")
	}
	applyTo(t, tr)(tr.AddSchool("s1", AddSchool{Name: "Oak Primary", URN: "100001", Phase: "infant"}, today))
	applyTo(t, tr)(tr.AddProvision("p1", AddProvision{Name: "Talk Boost", AreaOfNeed: "communication_interaction", Delivery: "group", StaffRole: "TA", HourlyCostPence: pence(1800), MaxGroupSize: 4}, today))

	tests := []struct {
		name     string
		err      error
		fields   []string
		conflict bool
	}{
		{"blank name", errOf(CreateTrust("t2", Create{Name: "  "}, today)), []string{"name"}, false},
		{"URN not 6 digits, unknown phase", errOf(tr.AddSchool("s2", AddSchool{Name: "X", URN: "12345a", Phase: "college"}, today)), []string{"urn", "phase"}, false},
		{"URN twice", errOf(tr.AddSchool("s2", AddSchool{Name: "X", URN: "100001", Phase: "primary"}, today)), nil, true},
		{"provision without cost, bad area and delivery", errOf(tr.AddProvision("p2", AddProvision{Name: "X", AreaOfNeed: "maths", Delivery: "online", StaffRole: "TA", MaxGroupSize: 1}, today)), []string{"area_of_need", "delivery", "hourly_cost_pence"}, false},
		{"individual with a group size", errOf(tr.AddProvision("p2", AddProvision{Name: "X", AreaOfNeed: "semh", Delivery: "individual", StaffRole: "TA", HourlyCostPence: pence(0), MaxGroupSize: 3}, today)), []string{"max_group_size"}, false},
		{"provision name twice", errOf(tr.AddProvision("p2", AddProvision{Name: "Talk Boost", AreaOfNeed: "semh", Delivery: "group", StaffRole: "TA", HourlyCostPence: pence(0), MaxGroupSize: 3}, today)), nil, true},
		{"weeks out of range", errOf(tr.UpdateSettings(UpdateSettings{WeeksPerYear: 53, AdminHours: &AdminHours{AnnualReview: -1}}, today)), []string{"weeks_per_year", "admin_hours.annual_review"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ve *domain.ValidationError
			var ce *domain.ConflictError
			switch {
			case tt.conflict:
				if !errors.As(tt.err, &ce) {
					t.Fatalf("want conflict, got %v", tt.err)
				}
			case !errors.As(tt.err, &ve):
				t.Fatalf("want validation error, got %v", tt.err)
			default:
				var got []string
				for _, f := range ve.Fields {
					got = append(got, f.Field)
				}
				if len(got) != len(tt.fields) {
					t.Fatalf("fields %v, want %v", got, tt.fields)
				}
				for i := range got {
					if got[i] != tt.fields[i] {
						t.Fatalf("fields %v, want %v", got, tt.fields)
					}
				}
			}
		})
	}
	same, err := tr.UpdateSettings(UpdateSettings{WeeksPerYear: DefaultSettings.WeeksPerYear, AdminHours: &DefaultSettings.AdminHours}, today)
	if err != nil || len(same) != 0 {
		t.Fatalf("unchanged settings recorded: %v %v", same, err)
	}
	if p, ok := tr.Provision("p1"); !ok || p.HourlyCostPence != 1800 {
		t.Fatal("provision lookup")
	}
}

func errOf(_ []event.Data, err error) error { return err }

func TestReferralWaitThreshold(t *testing.T) {
	tr := Trust{Settings: DefaultSettings}
	hours := &AdminHours{AnnualReview: 6, EHCRequest: 10, APDRReview: 1.5, Referral: 1}
	apply := func(cmd UpdateSettings) {
		t.Helper()
		evs, err := tr.UpdateSettings(cmd, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			tr.Settings = e.(SettingsUpdated).Settings
		}
	}
	if got := (Settings{}).ReferralWait(); got != 18 {
		t.Errorf("settings saved before the threshold existed: %d weeks, want 18", got)
	}
	apply(UpdateSettings{WeeksPerYear: 39, AdminHours: hours, ReferralWaitWeeks: 12})
	if got := tr.Settings.ReferralWait(); got != 12 {
		t.Errorf("set to 12: %d", got)
	}
	apply(UpdateSettings{WeeksPerYear: 38, AdminHours: hours}) // a client that does not know the field
	if got := tr.Settings.ReferralWait(); got != 12 || tr.Settings.WeeksPerYear != 38 {
		t.Errorf("left out, the threshold became %d", got)
	}
	if _, err := tr.UpdateSettings(UpdateSettings{WeeksPerYear: 39, AdminHours: hours, ReferralWaitWeeks: 200}, 1); err == nil {
		t.Error("a wait of 200 weeks was accepted")
	}
}

func TestMeasures(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	yes, no := true, false
	tr := Trust{Settings: DefaultSettings}
	applyTo(t, &tr)(tr.AddMeasure("m1", AddMeasure{Name: "Reading age", Unit: "months", HigherIsBetter: &yes, Min: f(0), Max: f(240)}, today))
	for _, tc := range []struct {
		name      string
		cmd       AddMeasure
		wantField string // "" for a conflict
	}{
		{"max not above min", AddMeasure{Name: "Score", Unit: "points", HigherIsBetter: &yes, Min: f(10), Max: f(10)}, "max"},
		{"no direction", AddMeasure{Name: "Score", Unit: "points", Min: f(0), Max: f(10)}, "higher_is_better"},
		{"no unit", AddMeasure{Name: "Score", HigherIsBetter: &no, Min: f(0), Max: f(10)}, "unit"},
		{"name taken, whatever the case", AddMeasure{Name: "reading AGE", Unit: "months", HigherIsBetter: &yes, Min: f(0), Max: f(10)}, ""},
	} {
		_, err := tr.AddMeasure("m2", tc.cmd, today)
		var ve *domain.ValidationError
		var ce *domain.ConflictError
		switch {
		case err == nil:
			t.Errorf("%s: accepted", tc.name)
		case tc.wantField == "" && !errors.As(err, &ce):
			t.Errorf("%s: %v, want a conflict", tc.name, err)
		case tc.wantField != "" && (!errors.As(err, &ve) || ve.Fields[0].Field != tc.wantField):
			t.Errorf("%s: %v, want field %s", tc.name, err, tc.wantField)
		}
	}
	m, ok := tr.Measure("m1")
	if !ok || m.Name != "Reading age" {
		t.Fatalf("measure lookup: %+v %v", m, ok)
	}
	for _, tc := range []struct {
		v      float64
		refuse bool
	}{{0, false}, {240, false}, {120.5, false}, {-1, true}, {240.1, true}} {
		if got := m.Refuses(tc.v) != ""; got != tc.refuse {
			t.Errorf("Refuses(%v) = %v, want %v", tc.v, got, tc.refuse)
		}
	}
	lower := Measure{HigherIsBetter: false}
	// From 30 to 24 errors a lesson is 6 better when lower is better; for
	// reading age 96 → 104 months is 8 better.
	if got, want := lower.Gain(30, 24), 6.0; got != want {
		t.Errorf("lower is better: gain %v, want %v", got, want)
	}
	if got, want := m.Gain(96, 104), 8.0; got != want {
		t.Errorf("higher is better: gain %v, want %v", got, want)
	}
	if got := (Settings{}).DeliveryThreshold(); got != 75 {
		t.Errorf("default delivery threshold %d, want 75", got)
	}
}
