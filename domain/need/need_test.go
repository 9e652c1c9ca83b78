package need

import (
	"errors"
	"testing"
)

func TestEveryCodeHasItsArea(t *testing.T) {
	want := map[string]Area{
		"SLCN": CommunicationInteraction, "ASD": CommunicationInteraction,
		"SPLD": CognitionLearning, "MLD": CognitionLearning, "SLD": CognitionLearning, "PMLD": CognitionLearning,
		"SEMH": SEMH,
		"HI":   SensoryPhysical, "VI": SensoryPhysical, "MSI": SensoryPhysical, "PD": SensoryPhysical,
		"OTH": Other, "NSA": Other,
	}
	if len(Codes) != len(want) {
		t.Fatalf("%d codes, want %d", len(Codes), len(want))
	}
	for code, area := range want {
		if got := AreaOf(code); got != area {
			t.Errorf("AreaOf(%s) = %q, want %q", code, got, area)
		}
		if !ValidArea(area) {
			t.Errorf("area %q not valid", area)
		}
	}
	if AreaOf("XYZ") != "" || ValidArea("maths") {
		t.Error("unknown code or area accepted")
	}
}

func TestCheckStatus(t *testing.T) {
	type problem struct {
		field string
		err   error
	}
	tests := []struct {
		name               string
		status             Status
		primary, secondary string
		want               []problem
	}{
		{"K with a code", SENSupport, "SLCN", "", nil},
		{"E with a code", EHCPlan, "ASD", "SEMH", nil},
		{"N without need", NoSEN, "", "", nil},
		{"K with NSA", SENSupport, "NSA", "", nil},
		{"K needs a primary need", SENSupport, "", "", []problem{{"primary_need", ErrPrimaryRequired}}},
		{"E needs a primary need", EHCPlan, "", "", []problem{{"primary_need", ErrPrimaryRequired}}},
		{"N has no need", NoSEN, "MLD", "", []problem{{"primary_need", ErrPrimaryForbidden}}},
		{"N has no secondary need", NoSEN, "", "MLD", []problem{{"secondary_need", ErrPrimaryForbidden}}},
		{"NSA not with E", EHCPlan, "NSA", "", []problem{{"primary_need", ErrNSAOnlyWithK}}},
		{"NSA secondary not with E", EHCPlan, "MLD", "NSA", []problem{{"secondary_need", ErrNSAOnlyWithK}}},
		{"unknown primary", SENSupport, "ADHD", "", []problem{{"primary_need", ErrUnknownCode}}},
		{"unknown secondary", SENSupport, "MLD", "XX", []problem{{"secondary_need", ErrUnknownCode}}},
		{"secondary equals primary", SENSupport, "MLD", "MLD", []problem{{"secondary_need", ErrSecondarySame}}},
		{"both wrong", SENSupport, "", "XX", []problem{{"primary_need", ErrPrimaryRequired}, {"secondary_need", ErrUnknownCode}}},
	}
	for _, code := range Codes {
		if code.Code == "NSA" {
			continue
		}
		tests = append(tests, struct {
			name               string
			status             Status
			primary, secondary string
			want               []problem
		}{"E with " + code.Code, EHCPlan, code.Code, "", nil})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckStatus(tt.status, tt.primary, tt.secondary)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].Field != tt.want[i].field || !errors.Is(got[i].Err, tt.want[i].err) {
					t.Errorf("problem %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
