package web

import (
	"testing"

	"github.com/sendcase/sendcase/domain/civil"
)

func TestDatesAsPeopleWriteThem(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // ISO, or "" for refused
	}{
		{"27/03/2026", "2026-03-27"},
		{"3/7/2026", "2026-07-03"},
		{" 2026-03-27 ", "2026-03-27"},
		{"31/02/2026", ""},
		{"03/27/2026", ""},
		{"27 March", ""},
	} {
		d, err := parseDate(tc.in)
		got := ""
		if err == nil {
			got = d.String()
		}
		if got != tc.want {
			t.Errorf("parseDate(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := dayFirst("2026-03-27"); got != "27/03/2026" {
		t.Errorf("dayFirst: got %q", got)
	}
	if got := dayFirst("soon"); got != "soon" {
		t.Errorf("dayFirst keeps what was typed: got %q", got)
	}
	if got := longDate(civil.MustParse("2026-03-03")); got != "3 March 2026" {
		t.Errorf("longDate: got %q", got)
	}
}

func TestFieldWords(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"outcomes[0].target", "outcome 1 target"},
		{"provisions[2].group_size", "provision 3 group size"},
		{"readings[0].value", "reading 1 value"},
		{"review_due_on", "review due on"},
		{"admin_hours.annual_review", "admin hours annual review"},
	} {
		if got := fieldWords(tc.name); got != tc.want {
			t.Errorf("fieldWords(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
