package shred

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
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

func (enrolled) EventType() string        { return "splice_enrolled" }
func (e enrolled) OccurredOn() civil.Date { return e.On }

type note struct {
	Text string     `json:"text"`
	On   civil.Date `json:"on"`
}

func (note) EventType() string        { return "splice_note" }
func (e note) OccurredOn() civil.Date { return e.On }

func init() {
	event.Register[enrolled](1)
	event.Register[note](1)
}

func TestRewriteReachesEveryPersonalField(t *testing.T) {
	in := enrolled{Child: "Ada", Born: civil.MustParse("2015-03-04"), School: "s1",
		Contacts: []contact{{Name: "Mum", Phone: "0123", Kind: "parent"}, {Name: "Gran", Kind: "carer"}},
		Lead:     &contact{Name: "Dad", Kind: "parent"}, On: civil.MustParse("2025-09-01")}
	raw, _ := json.Marshal(in)
	var seen []string
	out, err := Rewrite("splice_enrolled", raw, func(v, erased json.RawMessage) (json.RawMessage, error) {
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
	want := enrolled{Child: event.ErasedText, School: "s1",
		Contacts: []contact{{Name: event.ErasedText, Phone: event.ErasedText, Kind: "parent"}, {Name: event.ErasedText, Kind: "carer"}},
		Lead:     &contact{Name: event.ErasedText, Kind: "parent"}, On: in.On}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("erased payload\n got %s\nwant %s", gotJSON, wantJSON)
	}
}

func TestRewriteLeavesOtherPayloadsAlone(t *testing.T) {
	raw := json.RawMessage(`{"text":"x","on":"2025-11-10"}`)
	out, err := Rewrite("splice_note", raw, func(v, e json.RawMessage) (json.RawMessage, error) {
		t.Fatal("called for a payload without personal fields")
		return nil, nil
	})
	if err != nil || string(out) != string(raw) {
		t.Errorf("got %s, %v", out, err)
	}
	if _, err := Rewrite("no_such_type", raw, nil); err == nil {
		t.Error("an unknown type was rewritten")
	}
}

// The rewrite splices values into the stored bytes: everything else stays
// byte for byte, however the payload is laid out.
func TestRewriteSplicesInPlace(t *testing.T) {
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
		got, err := Rewrite("splice_enrolled", json.RawMessage(tt.in), upper)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s\n got %s, %v\nwant %s", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{`{"child":"ada"`, `{"child" "ada"}`, `{"child":"ada",}`, `{"contacts":[{"name":"x"}`, `{"child":"ada}`} {
		if _, err := Rewrite("splice_enrolled", json.RawMessage(bad), upper); err == nil {
			t.Errorf("malformed %s rewritten", bad)
		}
	}
}

// TestSkipValue: what is skipped over to reach the personal fields ends
// where the JSON value ends, escapes and nesting included.
func TestSkipValue(t *testing.T) {
	tests := []struct {
		in   string
		want int // the index after the value; -1: malformed
	}{
		{`"plain",`, 7},
		{`"a\"b",`, 6},
		{`"a\\",`, 5},
		{`"a\\\"b",`, 8},
		{`"brackets ] } in a string",`, 26},
		{`{"a":[1,{"b":"}"}],"c":null},`, 28},
		{`[[],[[]],{}] ,`, 12},
		{`12.5e3}`, 6},
		{`true]`, 4},
		{`"open`, -1},
		{`{"a":[1,2}`, -1},
		{`[`, -1},
	}
	for _, tt := range tests {
		got, err := skipValue([]byte(tt.in), 0)
		if tt.want < 0 {
			if err == nil {
				t.Errorf("%s: ended at %d, want malformed", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}
