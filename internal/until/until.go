// Package until waits in tests for a condition rather than for a time: it
// checks the condition often and fails the test, saying what it waited
// for, when the condition does not hold within the bound.
package until

import (
	"testing"
	"time"
)

// every is how often the condition is checked.
const every = 20 * time.Millisecond

// True waits until cond holds, for at most within; otherwise it fails t
// with what.
func True(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", within, what)
		}
		time.Sleep(every)
	}
}
