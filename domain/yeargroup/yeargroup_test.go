package yeargroup

import (
	"testing"

	"github.com/sendcase/sendcase/domain/civil"
)

func TestOn(t *testing.T) {
	tests := []struct {
		group       Group
		given, on   string
		want        Group
		description string
	}{
		{"5", "2025-10-01", "2025-10-01", "5", "same day"},
		{"5", "2025-10-01", "2026-08-31", "5", "end of the same academic year"},
		{"5", "2025-10-01", "2026-09-01", "6", "advances on 1 September"},
		{"5", "2025-08-31", "2025-09-01", "6", "registered the day before 1 September"},
		{"5", "2025-09-01", "2025-09-01", "5", "registered on 1 September holds that year"},
		{"R", "2024-01-10", "2026-01-10", "2", "two Septembers later"},
		{"N1", "2024-01-10", "2024-09-02", "N2", "nursery advances"},
		{"N2", "2024-01-10", "2024-09-02", "R", "into reception"},
		{"13", "2024-01-10", "2026-09-01", "14", "reaches 14"},
		{"14", "2024-01-10", "2030-09-01", "14", "14 stays 14"},
		{"6", "2025-10-01", "2024-10-01", "5", "a year before registration"},
	}
	for _, tt := range tests {
		got, err := On(tt.group, civil.MustParse(tt.given), civil.MustParse(tt.on))
		if err != nil || got != tt.want {
			t.Errorf("%s: On(%s, %s, %s) = %s, %v; want %s", tt.description, tt.group, tt.given, tt.on, got, err, tt.want)
		}
	}
	if _, err := On("15", civil.MustParse("2025-01-01"), civil.MustParse("2025-01-01")); err == nil {
		t.Error("year 15 accepted")
	}
}

func TestValidAndNumber(t *testing.T) {
	for _, g := range []Group{"N1", "N2", "R", "1", "9", "14"} {
		if !Valid(g) {
			t.Errorf("%s invalid", g)
		}
	}
	for _, g := range []Group{"", "0", "15", "Y7", "r", "N3"} {
		if Valid(g) {
			t.Errorf("%q valid", g)
		}
	}
	if Group("R").Number() != 0 || Group("6").Number() != 6 || Group("14").Number() != 14 {
		t.Error("Number")
	}
}
