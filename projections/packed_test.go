package projections_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/storetest"
)

// packingMemory is the in-memory store with every history packed after
// each batch, as a serving node packs them: past views then fold packed
// histories, with a tail of events added since behind them.
type packingMemory struct{ *projections.Memory }

func (p packingMemory) Apply(ctx context.Context, batch []projections.Item) error {
	if err := p.Memory.Apply(ctx, batch); err != nil {
		return err
	}
	_, err := p.PackHistories(ctx, 2, 2)
	return err
}

func TestMemoryStoreConformancePacked(t *testing.T) {
	storetest.Run(t, func(*testing.T) projections.Store { return packingMemory{projections.NewMemory()} })
}

// TestPackedHistoryReadsAsKept: a history packed, packed again behind a
// tail, through a snapshot's packed form and through JSON reads as the
// same events as one never packed.
func TestPackedHistoryReadsAsKept(t *testing.T) {
	ctx := context.Background()
	for _, scenario := range []func() []projections.Item{storetest.Scenario, storetest.Timeliness, storetest.History} {
		// Each store is given commits of its own, as each decodes its own
		// from the stream (a store prunes what it is given in place).
		plain, packed := projections.NewMemory(), projections.NewMemory()
		storetest.ApplyInBatches(t, plain, scenario(), 5)
		items := scenario()
		half := len(items) / 2
		storetest.ApplyInBatches(t, packed, items[:half], 5)
		if _, err := packed.PackHistories(ctx, 1, 2); err != nil {
			t.Fatal(err)
		}
		storetest.ApplyInBatches(t, packed, items[half:], 3) // a tail behind the packed events
		want := histories(t, plain)
		if got := histories(t, packed); len(got) != len(want) {
			t.Fatalf("%d histories, want %d", len(got), len(want))
		}
		check := func(how string, got map[string]string) {
			t.Helper()
			for id, w := range want {
				if got[id] != w {
					t.Errorf("%s, pupil %s:\n%s\nwant\n%s", how, id, got[id], w)
				}
			}
		}
		check("packed behind a tail", histories(t, packed))
		if n, err := packed.PackHistories(ctx, 1, 1); err != nil || n == 0 {
			t.Fatalf("packed again: %d, %v", n, err)
		}
		check("packed again", histories(t, packed))

		through := map[string]string{}
		err := packed.Export(func(uint64, []projections.Unapplied) error { return nil }, func(id string, s *projections.Summary) error {
			b, err := s.History.Packed()
			if err != nil {
				return err
			}
			var h projections.History
			h.SetPacked(b, s.History.Len())
			through[id] = eventsJSON(t, &h)
			j, err := json.Marshal(&s.History)
			if err != nil {
				return err
			}
			var fromJSON projections.History
			if err := json.Unmarshal(j, &fromJSON); err != nil {
				return err
			}
			if got := eventsJSON(t, &fromJSON); got != want[id] {
				t.Errorf("through JSON, pupil %s:\n%s\nwant\n%s", id, got, want[id])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		check("through the packed form", through)
	}
}

// histories is every pupil's history of m, as JSON.
func histories(t *testing.T, m *projections.Memory) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := m.Export(func(uint64, []projections.Unapplied) error { return nil }, func(id string, s *projections.Summary) error {
		out[id] = eventsJSON(t, &s.History)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func eventsJSON(t *testing.T, h *projections.History) string {
	t.Helper()
	evs := h.Events()
	if len(evs) != h.Len() {
		t.Errorf("%d events, Len says %d", len(evs), h.Len())
	}
	b, err := json.Marshal(evs)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// compactingMemory is the in-memory store with every summary made afresh
// (Compact) after each batch, as a node does after a full rebuild.
type compactingMemory struct{ *projections.Memory }

func (c compactingMemory) Apply(ctx context.Context, batch []projections.Item) error {
	if err := c.Memory.Apply(ctx, batch); err != nil {
		return err
	}
	_, _, err := c.Compact(ctx, 2)
	return err
}

func TestMemoryStoreConformanceCompacted(t *testing.T) {
	storetest.Run(t, func(*testing.T) projections.Store { return compactingMemory{projections.NewMemory()} })
}

// TestCompactReplacesEverySummary: every summary is made afresh, and the
// views read the same after as before.
func TestCompactReplacesEverySummary(t *testing.T) {
	ctx := context.Background()
	items := storetest.Scenario()
	m := projections.NewMemory()
	storetest.ApplyInBatches(t, m, items, 5)
	before := map[string]*projections.Summary{}
	_ = m.Export(func(uint64, []projections.Unapplied) error { return nil }, func(id string, s *projections.Summary) error {
		before[id] = s
		return nil
	})
	want := storetest.Snapshot(t, m, items)
	n, _, err := m.Compact(ctx, 2)
	if err != nil || n != len(before) {
		t.Fatalf("compacted %d of %d: %v", n, len(before), err)
	}
	_ = m.Export(func(uint64, []projections.Unapplied) error { return nil }, func(id string, s *projections.Summary) error {
		if s == before[id] {
			t.Errorf("the summary of %s was not made afresh", id)
		}
		return nil
	})
	if got := storetest.Snapshot(t, m, items); got != want {
		t.Errorf("views differ after compacting:\n%s", storetest.Diff(got, want))
	}
}
