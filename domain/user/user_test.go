package user

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
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

// made returns a created user, folded from its events.
func made(t *testing.T, evs ...event.Data) *User {
	t.Helper()
	u := &User{}
	all := append([]event.Data{Created{UserID: "u1", Name: "S", Email: "s@oak.uk", Role: SENCO, TrustID: oak, TokenHash: "h", On: day}}, evs...)
	for i, d := range all {
		u.Apply(event.Event{Version: i + 1, Data: d})
	}
	return u
}

var day = civil.MustParse("2025-11-10")

func TestDeactivateAndReactivate(t *testing.T) {
	tests := []struct {
		name    string
		u       *User
		by      string
		decide  func(u *User, by string) ([]event.Data, error)
		want    []event.Data
		wantErr string
	}{
		{"deactivate", made(t), "lead", (*User).deactivateBy, []event.Data{Deactivated{On: day}}, ""},
		{"deactivate twice records nothing", made(t, Deactivated{On: day}), "lead", (*User).deactivateBy, nil, ""},
		{"nobody deactivates themselves", made(t), "u1", (*User).deactivateBy, nil, "conflict"},
		{"reactivate", made(t, Deactivated{On: day}), "lead", (*User).reactivateBy, []event.Data{Reactivated{On: day}}, ""},
		{"reactivate an active user records nothing", made(t), "lead", (*User).reactivateBy, nil, ""},
		{"unknown user", &User{}, "lead", (*User).deactivateBy, nil, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.decide(tt.u, tt.by)
			if kind(err) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v %v, want %v %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func (u *User) deactivateBy(by string) ([]event.Data, error) { return u.Deactivate(by, day) }
func (u *User) reactivateBy(string) ([]event.Data, error)    { return u.Reactivate(day) }

func TestDeactivatedUserCannotSignIn(t *testing.T) {
	u := made(t, Deactivated{On: day})
	if u.MaySignIn() || u.TokenValid(day) {
		t.Fatal("a deactivated user may still sign in")
	}
	u.Apply(event.Event{Version: 3, Data: Reactivated{On: day}})
	if !u.MaySignIn() || !u.TokenValid(day) {
		t.Fatal("a reactivated user may not sign in")
	}
}

func TestAddPasskey(t *testing.T) {
	key := Passkey{ID: []byte{1, 2, 3}, Credential: []byte(`{}`)}
	tests := []struct {
		name    string
		u       *User
		cmd     AddPasskey
		wantErr string
	}{
		{"first passkey", made(t), AddPasskey{Name: "Laptop"}, ""},
		{"no name", made(t), AddPasskey{Name: " "}, "invalid"},
		{"the same passkey again", made(t, PasskeyAdded{Passkey: key, On: day}), AddPasskey{Name: "Again"}, "conflict"},
		{"deactivated", made(t, Deactivated{On: day}), AddPasskey{Name: "Laptop"}, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := tt.u.AddPasskey(tt.cmd, key, day)
			if kind(err) != tt.wantErr {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if err == nil {
				want := []event.Data{PasskeyAdded{Passkey: Passkey{ID: key.ID, Name: tt.cmd.Name, Credential: key.Credential, AddedOn: day}, On: day}}
				if !reflect.DeepEqual(evs, want) {
					t.Fatalf("got %v, want %v", evs, want)
				}
			}
		})
	}
}

// kind names the kind of a domain error ("" for none).
func kind(err error) string {
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ve):
		return "invalid"
	case errors.As(err, &ce):
		return "conflict"
	case errors.Is(err, domain.ErrNotFound):
		return "not found"
	}
	return err.Error()
}
