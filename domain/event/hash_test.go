package event

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sendcase/sendcase/domain/civil"
)

type note struct {
	Text string     `json:"text"`
	On   civil.Date `json:"on"`
}

func (note) EventType() string        { return "test_note" }
func (n note) OccurredOn() civil.Date { return n.On }

func init() { Register[note](1) }

func chain(t *testing.T, n int) []Event {
	t.Helper()
	var out []Event
	prev := ""
	for i := 1; i <= n; i++ {
		e, err := New("e"+string(rune('0'+i)), i, Actor{ID: "u1", Name: "Sam", Role: "senco"}, time.Date(2025, 11, 10, 9, 0, i, 0, time.UTC), note{Text: "x", On: civil.MustParse("2025-11-10")})
		if err != nil {
			t.Fatal(err)
		}
		if err := Seal("p1", prev, &e); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func TestVerifyChain(t *testing.T) {
	good := chain(t, 4)
	head, prob := VerifyChain("p1", good)
	if prob != nil || head != good[3].Hash {
		t.Fatalf("good chain: %v", prob)
	}
	// Re-encoding the stored JSON (as a round trip through storage does) keeps it valid.
	b, _ := json.Marshal(good)
	var back []Event
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if _, prob := VerifyChain("p1", back); prob != nil {
		t.Fatalf("after a round trip: %v", prob)
	}
	tests := []struct {
		name    string
		tamper  func([]Event) []Event
		version int
	}{
		{"edited payload", func(es []Event) []Event { es[1].Raw = json.RawMessage(`{"text":"y","on":"2025-11-10"}`); return es }, 2},
		{"edited actor", func(es []Event) []Event { es[2].Actor.Name = "Someone else"; return es }, 3},
		{"edited date", func(es []Event) []Event { es[0].OccurredOn = civil.MustParse("2025-01-01"); return es }, 1},
		{"deleted event", func(es []Event) []Event { return append(es[:1], es[2:]...) }, 2},
		{"deleted and renumbered", func(es []Event) []Event {
			es = append(es[:1], es[2:]...)
			es[1].Version, es[2].Version = 2, 3
			return es
		}, 2},
		{"other aggregate", func(es []Event) []Event { return es }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := tt.tamper(chain(t, 4))
			agg := "p1"
			if tt.name == "other aggregate" {
				agg = "p2"
			}
			_, prob := VerifyChain(agg, es)
			if prob == nil || prob.Version != tt.version {
				t.Fatalf("problem %+v, want at version %d", prob, tt.version)
			}
		})
	}
}

// The encryption scheme is part of what the hash covers, and an event
// without one hashes as it did before encryption existed.
func TestHashCoversEncryption(t *testing.T) {
	e := chain(t, 1)[0]
	plain, _ := ComputeHash("p1", e)
	if plain != e.Hash {
		t.Fatal("hash changed")
	}
	e.Encryption = "aes-256-gcm/v1"
	if h, _ := ComputeHash("p1", e); h == plain {
		t.Error("the encryption scheme is not covered by the hash")
	}
}
