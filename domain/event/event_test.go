package event

import (
	"testing"
	"time"

	"github.com/sendcase/sendcase/domain/civil"
)

func TestCountsAtAndRecordedLate(t *testing.T) {
	day := func(s string) civil.Date { return civil.MustParse(s) }
	at := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm }
	tests := []struct {
		name                 string
		occurred             string
		recorded             string
		asOf                 string
		knownAt              string
		wantCounts, wantLate bool
	}{
		{"happened that day", "2025-09-10", "2025-09-10T15:00:00Z", "2025-09-10", "", true, false},
		{"happened the day after", "2025-09-11", "2025-09-11T15:00:00Z", "2025-09-10", "", false, false},
		{"known when asked", "2025-09-10", "2025-09-10T15:00:00Z", "2025-09-30", "2025-09-10T15:00:00Z", true, false},
		{"recorded after known_at", "2025-09-10", "2025-09-10T15:00:01Z", "2025-09-30", "2025-09-10T15:00:00Z", false, false},
		{"recorded 14 days on: not late", "2025-09-10", "2025-09-24T22:00:00Z", "2025-09-30", "", true, false},
		// 23:30 UTC on 24 September is 25 September in London (BST): 15 days.
		{"recorded 15 days on in England: late", "2025-09-10", "2025-09-24T23:30:00Z", "2025-09-30", "", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Event{OccurredOn: day(tt.occurred), RecordedAt: at(tt.recorded)}
			var known time.Time
			if tt.knownAt != "" {
				known = at(tt.knownAt)
			}
			if got := e.CountsAt(day(tt.asOf), known); got != tt.wantCounts {
				t.Errorf("CountsAt = %v, want %v", got, tt.wantCounts)
			}
			if got := e.RecordedLate(); got != tt.wantLate {
				t.Errorf("RecordedLate = %v, want %v", got, tt.wantLate)
			}
		})
	}
}
