package event

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/domain/civil"
)

type contact struct {
	Name  string `json:"name" personal:"true"`
	Phone string `json:"phone,omitempty" personal:"true"`
	Kind  string `json:"kind"`
}

type enrolled struct {
	Child    string     `json:"child" personal:"true"`
	Born     civil.Date `json:"born" personal:"true"`
	School   string     `json:"school"`
	Contacts []contact  `json:"contacts"`
	Lead     *contact   `json:"lead,omitempty"`
	On       civil.Date `json:"on"`
}

func (enrolled) EventType() string        { return "test_enrolled" }
func (e enrolled) OccurredOn() civil.Date { return e.On }

func init() { Register[enrolled](1) }

func TestHasPersonal(t *testing.T) {
	for name, want := range map[string]bool{"test_enrolled": true, "test_note": false, "no_such_type": false} {
		if got := HasPersonal(name); got != want {
			t.Errorf("HasPersonal(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestRewritePersonalReachesEveryPersonalField(t *testing.T) {
	in := enrolled{Child: "Ada", Born: civil.MustParse("2015-03-04"), School: "s1",
		Contacts: []contact{{Name: "Mum", Phone: "0123", Kind: "parent"}, {Name: "Gran", Kind: "carer"}},
		Lead:     &contact{Name: "Dad", Kind: "parent"}, On: civil.MustParse("2025-09-01")}
	raw, _ := json.Marshal(in)
	var seen []string
	out, err := RewritePersonal("test_enrolled", raw, func(v, erased json.RawMessage) (json.RawMessage, error) {
		seen = append(seen, string(v))
		return erased, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 6 { // child, born, 2 contact names, 1 phone, lead name
		t.Errorf("rewrote %d values %v, want 6", len(seen), seen)
	}
	for _, secret := range []string{"Ada", "2015-03-04", "Mum", "0123", "Gran", "Dad"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("%q survived the rewrite: %s", secret, out)
		}
	}
	var got enrolled
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("rewritten payload does not decode: %v", err)
	}
	want := enrolled{Child: ErasedText, School: "s1",
		Contacts: []contact{{Name: ErasedText, Phone: ErasedText, Kind: "parent"}, {Name: ErasedText, Kind: "carer"}},
		Lead:     &contact{Name: ErasedText, Kind: "parent"}, On: in.On}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("erased payload\n got %s\nwant %s", gotJSON, wantJSON)
	}
}

func TestRewritePersonalLeavesOtherPayloadsAlone(t *testing.T) {
	raw := json.RawMessage(`{"text":"x","on":"2025-11-10"}`)
	out, err := RewritePersonal("test_note", raw, func(v, e json.RawMessage) (json.RawMessage, error) {
		t.Fatal("called for a payload without personal fields")
		return nil, nil
	})
	if err != nil || string(out) != string(raw) {
		t.Errorf("got %s, %v", out, err)
	}
	if _, err := RewritePersonal("no_such_type", raw, nil); err == nil {
		t.Error("an unknown type was rewritten")
	}
}

func TestBlank(t *testing.T) {
	v := enrolled{Child: "Ada", Born: civil.MustParse("2015-03-04"), School: "s1",
		Contacts: []contact{{Name: "Mum", Kind: "parent"}}, Lead: &contact{Name: "Dad"}, On: civil.MustParse("2025-09-01")}
	Blank(&v)
	if v.Child != ErasedText || v.Born.Valid() || v.Contacts[0].Name != ErasedText || v.Lead.Name != ErasedText {
		t.Errorf("personal fields survived: %+v", v)
	}
	if v.School != "s1" || v.Contacts[0].Kind != "parent" || v.Contacts[0].Phone != "" || !v.On.Valid() {
		t.Errorf("other fields changed, or an empty field was filled: %+v", v)
	}
}

// The rewrite splices values into the stored bytes: everything else stays
// byte for byte, however the payload is laid out.
func TestRewritePersonalSplicesInPlace(t *testing.T) {
	upper := func(v, _ json.RawMessage) (json.RawMessage, error) {
		return json.RawMessage(strings.ToUpper(string(v))), nil
	}
	tests := []struct{ in, want string }{
		{`{"child":"ada","school":"s1"}`, `{"child":"ADA","school":"s1"}`},
		{` { "school" : "s1" , "child" : "ada" } `, ` { "school" : "s1" , "child" : "ADA" } `},
		{`{"ch\u0069ld":"ada"}`, `{"ch\u0069ld":"ADA"}`},
		{`{"school":"a \"child\": x","child":null}`, `{"school":"a \"child\": x","child":null}`},
		{`{"contacts":[],"lead":{},"child":"ada"}`, `{"contacts":[],"lead":{},"child":"ADA"}`},
		{`{"contacts":[{"kind":"x","name":"mum"},{"name":"gran","phone":"01"}]}`, `{"contacts":[{"kind":"x","name":"MUM"},{"name":"GRAN","phone":"01"}]}`},
		{`{"on":"2025-09-01","extra":{"child":"not this one"},"n":[1,2.5e3,true]}`, `{"on":"2025-09-01","extra":{"child":"not this one"},"n":[1,2.5e3,true]}`},
	}
	for _, tt := range tests {
		got, err := RewritePersonal("test_enrolled", json.RawMessage(tt.in), upper)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s\n got %s, %v\nwant %s", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{`{"child":"ada"`, `{"child" "ada"}`, `{"child":"ada",}`, `{"contacts":[{"name":"x"}`, `{"child":"ada}`} {
		if _, err := RewritePersonal("test_enrolled", json.RawMessage(bad), upper); err == nil {
			t.Errorf("malformed %s rewritten", bad)
		}
	}
}
