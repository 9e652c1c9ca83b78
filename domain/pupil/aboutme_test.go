package pupil

import "testing"

func TestWriteAboutMe(t *testing.T) {
	valid := func() WriteAboutMe {
		return WriteAboutMe{WrittenOn: d("2025-10-01"), LikeAboutMe: "I am kind and I make people laugh", ImportantToMe: "My dog, Lego, my big sister",
			HowToSupport: "Tell me what is coming next; let me move about", WrittenWith: []string{"pupil", "parent"}}
	}
	p, facts, _ := atStage(t, "registered")
	apply(t, p, must(t)(p.WriteAboutMe(valid(), facts)))
	if a := p.AboutMe; a == nil || a.ImportantToMe != "My dog, Lego, my big sister" || a.Entry != p.Version || len(a.WrittenWith) != 2 {
		t.Fatalf("profile: %+v", a)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*WriteAboutMe)
		field string
	}{
		{"blank", func(c *WriteAboutMe) { c.HowToSupport = "  " }, "how_to_support"},
		{"written with nobody", func(c *WriteAboutMe) { c.WrittenWith = nil }, "written_with"},
		{"written with a stranger", func(c *WriteAboutMe) { c.WrittenWith = []string{"neighbour"} }, "written_with[0]"},
		{"before the one it replaces", func(c *WriteAboutMe) { c.WrittenOn = d("2025-09-30") }, "written_on"},
		{"in the future", func(c *WriteAboutMe) { c.WrittenOn = d("2026-03-02") }, "written_on"},
		{"before birth", func(c *WriteAboutMe) { c.WrittenOn = d("2014-01-01") }, "written_on"},
	} {
		cmd := valid()
		tc.edit(&cmd)
		_, err := p.WriteAboutMe(cmd, facts)
		if got := fieldOf(err); got != tc.field {
			t.Errorf("%s: %v (field %q), want field %q", tc.name, err, got, tc.field)
		}
	}
	// A new version replaces the last.
	next := valid()
	next.WrittenOn, next.LikeAboutMe = d("2026-01-10"), "I am good at drawing"
	apply(t, p, must(t)(p.WriteAboutMe(next, facts)))
	if p.AboutMe.LikeAboutMe != "I am good at drawing" {
		t.Errorf("the new version: %+v", p.AboutMe)
	}
}
