package node

import (
	"testing"
	"time"
)

// TestSnapshotDue: a snapshot is due once enough commits have been applied
// since the newest, or once the interval has passed with any applied; never
// for nothing new.
func TestSnapshotDue(t *testing.T) {
	at := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	sn := &snapshots{every: 100, interval: time.Hour, last: 1000, lastAt: at}
	tests := []struct {
		name string
		seq  uint64
		now  time.Time
		want bool
	}{
		{"nothing new", 1000, at.Add(2 * time.Hour), false},
		{"a few commits, soon after", 1010, at.Add(time.Minute), false},
		{"enough commits", 1100, at.Add(time.Minute), true},
		{"a few commits, an hour on", 1001, at.Add(time.Hour), true},
		{"behind the newest (another server's)", 900, at.Add(2 * time.Hour), false},
	}
	for _, tt := range tests {
		if got := sn.due(tt.seq, tt.now); got != tt.want {
			t.Errorf("%s: due = %v, want %v", tt.name, got, tt.want)
		}
	}
}
