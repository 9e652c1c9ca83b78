package event

import (
	"reflect"
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

func TestErasedCopyLeavesTheOriginal(t *testing.T) {
	type note struct {
		Text string `json:"text" personal:"true"`
		Code string `json:"code"`
	}
	type payload struct {
		Name  string `json:"name" personal:"true"`
		Notes []note `json:"notes"`
		Lead  *note  `json:"lead"`
		Tags  []string
	}
	orig := payload{Name: "Ada", Notes: []note{{Text: "reads well", Code: "R"}}, Lead: &note{Text: "mum", Code: "M"}, Tags: []string{"x"}}
	got := erasedCopy(reflect.ValueOf(orig)).Interface().(payload)
	if got.Name != ErasedText || got.Notes[0].Text != ErasedText || got.Notes[0].Code != "R" || got.Lead.Text != ErasedText || got.Lead.Code != "M" {
		t.Errorf("erased copy %+v %+v", got, got.Lead)
	}
	if orig.Name != "Ada" || orig.Notes[0].Text != "reads well" || orig.Lead.Text != "mum" {
		t.Errorf("the original changed: %+v %+v", orig, orig.Lead)
	}
	if &got.Tags[0] != &orig.Tags[0] {
		t.Error("a part without personal fields was copied")
	}
}
