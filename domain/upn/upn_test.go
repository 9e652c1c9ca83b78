package upn

import (
	"errors"
	"testing"
)

func TestCheck(t *testing.T) {
	temp := func() string {
		l, err := CheckLetter("80120000500B")
		if err != nil {
			t.Fatal(err)
		}
		return string(l) + "80120000500B"
	}()
	tests := []struct {
		name string
		upn  string
		kind Kind
		err  error
	}{
		{"valid permanent (spec example)", "B801200005001", Permanent, nil},
		{"wrong check letter (spec example)", "A801200005001", 0, ErrCheckLetter},
		{"valid temporary", temp, Temporary, nil},
		{"temporary with wrong check letter", "Z80120000500B", 0, ErrCheckLetter},
		{"too short", "B80120000500", 0, ErrLength},
		{"too long", "B8012000050011", 0, ErrLength},
		{"empty", "", 0, ErrLength},
		{"first letter I", "I801200005001", 0, ErrFirstLetter},
		{"first letter O", "O801200005001", 0, ErrFirstLetter},
		{"first letter S", "S801200005001", 0, ErrFirstLetter},
		{"first character a digit", "1801200005001", 0, ErrFirstLetter},
		{"lower case is not normalised by Check", "b801200005001", 0, ErrFirstLetter},
		{"letter in the middle", "B8012000X5001", 0, ErrDigits},
		{"temporary ending in I", "B80120000500I", 0, ErrLast},
		{"temporary ending in O", "B80120000500O", 0, ErrLast},
		{"temporary ending in S", "B80120000500S", 0, ErrLast},
		{"ending in punctuation", "B80120000500-", 0, ErrLast},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, err := Check(tt.upn)
			if !errors.Is(err, tt.err) || kind != tt.kind {
				t.Fatalf("Check(%q) = %v, %v; want %v, %v", tt.upn, kind, err, tt.kind, tt.err)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	if got := Normalize("  b8012 0000 5001 "); got != "B801200005001" {
		t.Fatalf("Normalize = %q", got)
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"B801200005001", "A801200005001", "", "B80120000500Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		kind, err := Check(s)
		if err != nil {
			return
		}
		// Anything accepted must round-trip through CheckLetter.
		l, lerr := CheckLetter(s[1:])
		if lerr != nil || l != s[0] || (kind != Permanent && kind != Temporary) {
			t.Fatalf("accepted %q but CheckLetter = %c, %v", s, l, lerr)
		}
	})
}
