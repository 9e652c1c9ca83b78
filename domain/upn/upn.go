// Package upn checks DfE Unique Pupil Numbers.
//
// A UPN is 13 characters: a check letter, then 12 digits (permanent) or 11
// digits and a letter (temporary, issued while the permanent one is unknown).
// The check letter is the weighted sum of characters 2–13 (weights 2–13,
// a final letter counting as its index in Alphabet) mod 23, indexed into Alphabet.
package upn

import (
	"errors"
	"fmt"
	"strings"
)

// Alphabet is the DfE check-letter alphabet: no I, O or S.
const Alphabet = "ABCDEFGHJKLMNPQRTUVWXYZ"

// Length is the number of characters of every UPN.
const Length = 13

// Kind tells permanent from temporary UPNs.
type Kind int

const (
	Permanent Kind = iota + 1
	Temporary
)

// Errors returned by Check; the API turns them into field messages.
var (
	ErrLength      = errors.New("a UPN has 13 characters")
	ErrFirstLetter = errors.New("a UPN starts with a check letter (A–Z without I, O or S)")
	ErrDigits      = errors.New("characters 2 to 12 of a UPN are digits")
	ErrLast        = errors.New("the last character of a UPN is a digit, or a letter (without I, O or S) for a temporary UPN")
	ErrCheckLetter = errors.New("the check letter does not match the rest of the UPN")
)

// Normalize upper-cases s and removes spaces, which MIS exports and people
// typing both add.
func Normalize(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

// Check reports whether u (already normalised) is a valid UPN, and its kind.
func Check(u string) (Kind, error) {
	if len(u) != Length {
		return 0, ErrLength
	}
	if strings.IndexByte(Alphabet, u[0]) < 0 {
		return 0, ErrFirstLetter
	}
	letter, kind, err := checkLetter(u[1:])
	if err != nil {
		return 0, err
	}
	if letter != u[0] {
		return 0, fmt.Errorf("%w (expected %c)", ErrCheckLetter, letter)
	}
	return kind, nil
}

// CheckLetter returns the check letter for the 12 characters that follow it;
// tests and seed data use it to build valid UPNs.
func CheckLetter(rest string) (byte, error) {
	if len(rest) != Length-1 {
		return 0, ErrLength
	}
	letter, _, err := checkLetter(rest)
	return letter, err
}

func checkLetter(rest string) (byte, Kind, error) {
	sum := 0
	for i := 0; i < 11; i++ {
		c := rest[i]
		if c < '0' || c > '9' {
			return 0, 0, ErrDigits
		}
		sum += int(c-'0') * (i + 2)
	}
	kind := Permanent
	switch last := rest[11]; {
	case last >= '0' && last <= '9':
		sum += int(last-'0') * 13
	case strings.IndexByte(Alphabet, last) >= 0:
		kind = Temporary
		sum += strings.IndexByte(Alphabet, last) * 13
	default:
		return 0, 0, ErrLast
	}
	return Alphabet[sum%23], kind, nil
}
