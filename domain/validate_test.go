package domain

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/domain/civil"
)

type inner struct {
	Rating string `json:"rating" validate:"required,oneof=met not_met"`
}

type sample struct {
	Name     string     `json:"name" validate:"notblank,max=5"`
	On       civil.Date `json:"on" validate:"required,date"`
	UPN      string     `json:"upn" validate:"upn"`
	Year     string     `json:"year_group" validate:"yeargroup"`
	Outcomes []inner    `json:"outcomes" validate:"min=1,dive"`
}

func TestValidateNamesJSONFields(t *testing.T) {
	err := Validate(sample{Name: "toolong", On: -1, UPN: "A801200005001", Year: "15", Outcomes: []inner{{Rating: "met"}, {Rating: "great"}}})
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v", err)
	}
	var fields []string
	for _, f := range ve.Fields {
		fields = append(fields, f.Field)
	}
	want := []string{"name", "on", "upn", "year_group", "outcomes[1].rating"}
	if !reflect.DeepEqual(fields, want) {
		t.Fatalf("fields = %v, want %v (%v)", fields, want, ve)
	}
	if err := Validate(sample{Name: "ok", On: civil.MustParse("2025-01-01"), UPN: "B801200005001", Year: "R", Outcomes: []inner{{"met"}}}); err != nil {
		t.Fatalf("valid sample: %v", err)
	}
}

func TestTextMustBePlain(t *testing.T) {
	type line struct {
		Text string `json:"text" validate:"max=20"`
	}
	type cmd struct {
		Name  string  `json:"name" validate:"required"`
		Lines []line  `json:"lines"`
		Note  *string `json:"note"`
	}
	note := "a\x00b"
	tests := []struct {
		name string
		cmd  cmd
		want string // field: message, or ""
	}{
		{"plain, with tab and newline", cmd{Name: "Ada\tLovelace", Lines: []line{{Text: "one\ntwo"}}}, ""},
		{"NUL", cmd{Name: "Ada\x00"}, "name: must not contain control characters (only tabs and new lines)"},
		{"carriage return", cmd{Name: "Ada\r"}, "name: must not contain control characters (only tabs and new lines)"},
		{"escape, deep", cmd{Name: "Ada", Lines: []line{{Text: "ok"}, {Text: "\x1b[31m"}}}, "lines[1].text: must not contain control characters (only tabs and new lines)"},
		{"invalid UTF-8", cmd{Name: "Ad\xffa"}, "name: is not valid UTF-8 text"},
		{"replaced by a JSON decoder", cmd{Name: "Ad\uFFFDa"}, "name: is not valid UTF-8 text"},
		{"behind a pointer", cmd{Name: "Ada", Note: &note}, "note: must not contain control characters (only tabs and new lines)"},
		{"NUL in a required field is named once", cmd{Name: "\x00"}, "name: must not contain control characters (only tabs and new lines)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if err := Validate(tt.cmd); err != nil {
				got = strings.TrimPrefix(err.Error(), "invalid input: ")
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestEmbeddedFieldsAreNamedAsInJSON: JSON inlines an embedded struct's
// fields, so a problem names them without the struct's name.
func TestEmbeddedFieldsAreNamedAsInJSON(t *testing.T) {
	type outer struct {
		Email string `json:"email" validate:"required"`
		inner
	}
	type outerText struct {
		Email string `json:"email"`
		sample
	}
	for _, tc := range []struct {
		name string
		cmd  any
		want []string
	}{
		{"a rule broken", outer{inner: inner{Rating: "great"}}, []string{"email", "rating"}},
		{"a control character", outerText{sample: sample{Name: "a\x07", On: civil.MustParse("2025-01-01"), UPN: "B801200005001", Year: "R", Outcomes: []inner{{"met"}}}}, []string{"name"}},
	} {
		var ve *ValidationError
		if err := Validate(tc.cmd); !errors.As(err, &ve) {
			t.Fatalf("%s: got %v", tc.name, err)
		}
		var got []string
		for _, f := range ve.Fields {
			got = append(got, f.Field)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: fields = %v, want %v", tc.name, got, tc.want)
		}
	}
}
