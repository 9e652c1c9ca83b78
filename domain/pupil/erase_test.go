package pupil

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/domain/event"
)

func TestErase(t *testing.T) {
	left := func(t *testing.T) (*Pupil, Facts) {
		p, facts, _ := atStage(t, "closed")
		apply(t, p, must(t)(p.Leave(Leave{On: d("2025-12-20"), Destination: "Hill Top Academy"}, facts)))
		return p, facts
	}
	tests := []struct {
		name       string
		pupil      func(t *testing.T) (*Pupil, Facts)
		cmd        Erase
		wantEvents int
		wantField  string
		conflict   bool
	}{
		{name: "off roll, within retention", pupil: left, cmd: Erase{Reason: "retention period ended"}, wantField: "before_retention"},
		{name: "off roll, erased early on purpose", pupil: left, cmd: Erase{Reason: "parent's request, agreed by the DPO", BeforeRetention: true}, wantEvents: 1},
		{name: "off roll, retention over", pupil: func(t *testing.T) (*Pupil, Facts) {
			p, facts := left(t)
			facts.Today = p.RetainUntil().AddDays(1)
			return p, facts
		}, cmd: Erase{Reason: "retention period ended"}, wantEvents: 1},
		{name: "reason required", pupil: left, cmd: Erase{Reason: "  "}, wantField: "reason"},
		{name: "reason bounded", pupil: left, cmd: Erase{Reason: strings.Repeat("x", 501)}, wantField: "reason"},
		{name: "on roll", pupil: func(t *testing.T) (*Pupil, Facts) {
			p, facts, _ := atStage(t, "do")
			return p, facts
		}, cmd: Erase{Reason: "r"}, conflict: true},
		{name: "already erased", pupil: func(t *testing.T) (*Pupil, Facts) {
			p, facts := left(t)
			apply(t, p, must(t)(p.Erase(Erase{Reason: "r", BeforeRetention: true}, facts)))
			return p, facts
		}, cmd: Erase{Reason: "again"}, wantEvents: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, facts := tt.pupil(t)
			evs, err := p.Erase(tt.cmd, facts)
			switch {
			case tt.wantField != "":
				if f := fieldsOf(err); len(f) != 1 || f[0] != tt.wantField {
					t.Fatalf("err = %v, want a problem with %s", err, tt.wantField)
				}
			case tt.conflict:
				if !isConflict(err) {
					t.Fatalf("err = %v, want a conflict", err)
				}
			case err != nil:
				t.Fatal(err)
			case len(evs) != tt.wantEvents:
				t.Fatalf("%d events, want %d", len(evs), tt.wantEvents)
			}
		})
	}
}

func TestErasureBlanksPersonalDataAndClosesTheRecord(t *testing.T) {
	p, facts, _ := atStage(t, "closed")
	apply(t, p, must(t)(p.Leave(Leave{On: d("2025-12-20"), Destination: "Hill Top Academy"}, facts)))
	before, _ := json.Marshal(p)
	apply(t, p, must(t)(p.Erase(Erase{Reason: "retention period ended", BeforeRetention: true}, facts)))
	after, _ := json.Marshal(p)
	for _, secret := range []string{"B801200005001", "Ada", "Lovelace", "2015-03-04", "Hill Top", "Uses 3-word sentences", "Pleased", "Likes the group"} {
		if !strings.Contains(string(before), secret) {
			t.Fatalf("the test pupil has no %q to erase", secret)
		}
		if strings.Contains(string(after), secret) {
			t.Errorf("%q survived the erasure", secret)
		}
	}
	if p.Erasure == nil || p.Erasure.Reason != "retention period ended" || p.Erasure.On != facts.Today {
		t.Errorf("erasure not recorded: %+v", p.Erasure)
	}
	if p.SENStatus == "" || len(p.Cycles) == 0 || p.Cycles[0].Plan == nil || len(p.Cycles[0].Plan.Provisions) == 0 {
		t.Error("records without personal data were dropped")
	}
	if err := p.ErasedError(); !isConflict(err) {
		t.Errorf("ErasedError = %v, want a conflict", err)
	}
}

// A pupil whose key is lost reads as erased, from the first event on.
func TestShreddedEventsReadAsErased(t *testing.T) {
	p := &Pupil{}
	evs := must(t)(RegisterPupil("p1", trustID, schoolA, validRegister(), testContext()))
	e, err := event.New("e1", 1, event.Actor{}, d("2025-01-01").Time(), evs[0])
	if err != nil {
		t.Fatal(err)
	}
	e.Shredded = true
	p.Apply(e)
	if p.Erasure == nil || !p.Erasure.KeyLost || p.FirstName != event.ErasedText {
		t.Errorf("pupil = %+v, erasure %+v", p, p.Erasure)
	}
	if !p.Exists() {
		t.Error("a pupil whose key is lost no longer exists")
	}
}

// Readers learn from the type alone, before decrypting, that an event erases.
func TestOnlyTheErasureErases(t *testing.T) {
	for name, want := range map[string]bool{"pupil_erased": true, "pupil_registered": false, "pupil_left": false, "no_such_type": false} {
		if got := event.Erases(name); got != want {
			t.Errorf("Erases(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestRetainUntil(t *testing.T) {
	p, facts, _ := atStage(t, "registered")
	if got, want := p.RetainUntil(), d("2040-03-04"); got != want {
		t.Fatalf("SEN support: got %s, want %s (date of birth + 25 years)", got, want)
	}
	_ = facts
}
