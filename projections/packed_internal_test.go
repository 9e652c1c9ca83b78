package projections

import (
	"errors"
	"testing"
	"time"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
)

func pastEvent(t *testing.T) PastEvent {
	t.Helper()
	e := event.Event{Type: "cycle_opened", Version: 7, OccurredOn: civil.MustParse("2025-09-08"),
		RecordedAt: time.Date(2025, 9, 8, 10, 0, 0, 0, time.UTC), Data: pupil.CycleOpened{CycleID: "c1"}}
	return NewPastEvent(e, e.Data)
}

// TestReadRecordRefusesWhatIsCutShort: every record cut short is refused,
// never read as a shorter event.
func TestReadRecordRefusesWhatIsCutShort(t *testing.T) {
	e := pastEvent(t)
	b, err := appendRecord(nil, &e)
	if err != nil {
		t.Fatal(err)
	}
	got, rest, err := readRecord(b)
	if err != nil || len(rest) != 0 || got.Type != e.Type || got.Version != e.Version || got.OccurredOn != e.OccurredOn ||
		!got.RecordedAt().Equal(e.RecordedAt()) || got.Data.(pupil.CycleOpened).CycleID != "c1" {
		t.Fatalf("read %+v, rest %d, %v; want %+v", got, len(rest), err, e)
	}
	for n := range len(b) {
		if _, _, err := readRecord(b[:n]); err == nil {
			t.Errorf("the first %d of %d bytes read as a record", n, len(b))
		} else if n < len(b)-len(`{"cycle_id":"c1"}`) && !errors.Is(err, errRecord) {
			t.Errorf("the first %d bytes: %v, want errRecord", n, err)
		}
	}
}

// TestDecodedHistoriesAreBounded: no more than decodedKept packed
// histories stay decoded; the oldest decoded lets its events go first.
func TestDecodedHistoriesAreBounded(t *testing.T) {
	e := pastEvent(t)
	frame, err := packFrame([]PastEvent{e})
	if err != nil {
		t.Fatal(err)
	}
	hs := make([]History, decodedKept+10)
	for i := range hs {
		hs[i].SetPacked(frame, 1)
		if evs := hs[i].Events(); len(evs) != 1 || evs[0].Type != e.Type {
			t.Fatalf("history %d: %+v", i, evs)
		}
	}
	decoded := 0
	for i := range hs {
		if hs[i].decoded.Load() != nil {
			decoded++
		} else if i >= 10 {
			t.Errorf("history %d, among the newest decoded, is not kept decoded", i)
		}
	}
	if decoded != decodedKept {
		t.Errorf("%d histories kept decoded, want %d", decoded, decodedKept)
	}
}

// TestBinaryHistoryRoundTrips: MarshalBinary reads back as the same
// events, packed or in a tail or both, and what is cut short, of another
// version or of another count is an error, not a panic later.
func TestBinaryHistoryRoundTrips(t *testing.T) {
	e := pastEvent(t)
	frame, err := packFrame([]PastEvent{e, e})
	if err != nil {
		t.Fatal(err)
	}
	packedAndTail := History{}
	packedAndTail.SetPacked(frame, 2)
	packedAndTail.add(e)
	tests := []struct {
		name string
		h    *History
		want int
	}{
		{"empty", &History{}, 0},
		{"a tail", func() *History { var h History; h.add(e); return &h }(), 1},
		{"packed and a tail", &packedAndTail, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.h.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var got History
			if err := got.UnmarshalBinary(b); err != nil {
				t.Fatal(err)
			}
			if got.Len() != tt.want {
				t.Fatalf("read back %d events, want %d", got.Len(), tt.want)
			}
			for _, ev := range got.Events() {
				if ev.Type != e.Type || ev.Version != e.Version || ev.Data.(pupil.CycleOpened).CycleID != "c1" {
					t.Fatalf("read back %+v, want %+v", ev, e)
				}
			}
			if tt.want == 0 {
				return
			}
			for n := range len(b) {
				if err := new(History).UnmarshalBinary(b[:n]); err == nil {
					t.Errorf("the first %d of %d bytes read", n, len(b))
				}
			}
			other := append([]byte{binaryVersion + 1}, b[1:]...)
			if err := new(History).UnmarshalBinary(other); err == nil {
				t.Error("another version read")
			}
			miscounted := append([]byte{binaryVersion, byte(tt.want + 1)}, b[2:]...)
			if err := new(History).UnmarshalBinary(miscounted); err == nil {
				t.Error("a wrong count read")
			}
		})
	}
}
