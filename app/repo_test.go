package app

import (
	"testing"

	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/eventlog"
)

// TestResultFromCommits: a retry is answered from the commit that carries
// its key, whether the commit holds a typed result or, written before
// results were typed, {"status", "id", "extra"}.
func TestResultFromCommits(t *testing.T) {
	commit := func(key, result string) eventlog.Loaded {
		return eventlog.Loaded{Seq: 41, Commit: event.Commit{IdempotencyKey: key, Result: []byte(result),
			Events: []event.Event{{Version: 6}, {Version: 7}}}}
	}
	tests := []struct {
		name   string
		result string
		want   CycleResult
	}{
		{"typed", `{"id":"c1","version":7,"seq":0,"pupil_id":"p1","stage":"plan"}`,
			CycleResult{Result: Result{ID: "c1", Version: 7, Seq: 41}, PupilID: "p1", Stage: "plan"}},
		{"legacy, with an HTTP status", `{"status":200,"id":"c1","extra":{"pupil_id":"p1","stage":"plan"}}`,
			CycleResult{Result: Result{ID: "c1", Version: 7, Seq: 41}, PupilID: "p1", Stage: "plan"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			commits := []eventlog.Loaded{commit("other", `{"id":"x"}`), commit("k1", tt.result)}
			got, ok := resultFromCommits[CycleResult](commits, "k1")
			if !ok || got != tt.want {
				t.Errorf("got %+v (found %v), want %+v", got, ok, tt.want)
			}
		})
	}
	if _, ok := resultFromCommits[Result]([]eventlog.Loaded{commit("other", `{}`)}, "k1"); ok {
		t.Error("answered from a commit with another key")
	}
}
