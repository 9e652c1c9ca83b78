package domain

import (
	"errors"
	"reflect"
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
