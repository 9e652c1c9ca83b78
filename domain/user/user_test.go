package user

import (
	"errors"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
)

const (
	oak    = "0193a000-0000-7000-8000-000000000001"
	elm    = "0193a000-0000-7000-8000-000000000002"
	oakSch = "0193a000-0000-7000-8000-0000000000a1"
	elmSch = "0193a000-0000-7000-8000-0000000000b1"
)

var facts = Facts{
	TrustExists: func(id string) bool { return id == oak || id == elm },
	SchoolTrust: func(id string) (string, bool) {
		switch id {
		case oakSch:
			return oak, true
		case elmSch:
			return elm, true
		}
		return "", false
	},
}

func TestCreateUser(t *testing.T) {
	tests := []struct {
		name   string
		cmd    Create
		fields string
	}{
		{"senco of a school", Create{Name: "S", Email: "s@oak.uk", Role: SENCO, TrustID: oak, SchoolIDs: []string{oakSch}}, ""},
		{"trust lead", Create{Name: "L", Email: "l@oak.uk", Role: TrustLead, TrustID: oak}, ""},
		{"la reviewer", Create{Name: "R", Email: "r@la.gov.uk", Role: LAReviewer}, ""},
		{"admin", Create{Name: "A", Email: "a@x.uk", Role: Admin}, ""},
		{"bad email and role", Create{Name: "S", Email: "nope", Role: "teacher"}, "email,role"},
		{"senco without trust or school", Create{Name: "S", Email: "s@oak.uk", Role: SENCO}, "trust_id,school_ids"},
		{"senco in another trust's school", Create{Name: "S", Email: "s@oak.uk", Role: SENCO, TrustID: oak, SchoolIDs: []string{elmSch}}, "school_ids[0]"},
		{"unknown trust", Create{Name: "L", Email: "l@oak.uk", Role: TrustLead, TrustID: "0193a000-0000-7000-8000-00000000ffff"}, "trust_id"},
		{"admin in a trust", Create{Name: "A", Email: "a@x.uk", Role: Admin, TrustID: oak}, "role"},
		{"reviewer with schools", Create{Name: "R", Email: "r@la.gov.uk", Role: LAReviewer, TrustID: oak, SchoolIDs: []string{oakSch}}, "school_ids"},
		{"school ids not UUIDs", Create{Name: "S", Email: "s@oak.uk", Role: SENCO, TrustID: oak, SchoolIDs: []string{"x"}}, "school_ids[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := CreateUser("u1", "hash", tt.cmd, facts, civil.MustParse("2025-11-10"))
			if tt.fields == "" {
				if err != nil || len(evs) != 1 {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ve *domain.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want validation error, got %v", err)
			}
			var got []string
			for _, f := range ve.Fields {
				got = append(got, f.Field)
			}
			if strings.Join(got, ",") != tt.fields {
				t.Fatalf("fields %v, want %s", got, tt.fields)
			}
		})
	}
}
