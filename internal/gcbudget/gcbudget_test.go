package gcbudget

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// pacing reads the collector's settings (setting them back at once).
func pacing() (percent int, limit int64) {
	mu.Lock()
	defer mu.Unlock()
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

func TestRelaxThenRestore(t *testing.T) {
	if _, set := os.LookupEnv("GOGC"); set {
		t.Skip("GOGC is set for this run: Relax leaves it alone, as TestOperatorsGOGCIsLeftAlone shows")
	}
	wantPercent, wantLimit := pacing()
	restore := Relax(1 << 40)
	gotPercent, gotLimit := pacing()
	if gotPercent != -1 {
		t.Errorf("GC percent while relaxed = %d, want -1 (off)", gotPercent)
	}
	if half := available() / 2; gotLimit > half || gotLimit <= 0 {
		t.Errorf("memory limit while relaxed = %d, want at most half of %d", gotLimit, available())
	}
	second := Relax(1 << 20) // overlapping: the first holder's settings stay
	if _, l := pacing(); l != gotLimit {
		t.Errorf("a second Relax changed the limit to %d, want %d", l, gotLimit)
	}
	restore()
	if p, _ := pacing(); p != -1 {
		t.Errorf("GC percent with one holder left = %d, want -1", p)
	}
	second()
	second() // a second call of restore does nothing
	if p, l := pacing(); p != wantPercent || l != wantLimit {
		t.Errorf("after restore: percent %d, limit %d; want %d, %d", p, l, wantPercent, wantLimit)
	}
}

func TestLargeLiveHeapBringsBackThePacing(t *testing.T) {
	if _, set := os.LookupEnv("GOGC"); set {
		t.Skip("GOGC is set for this run")
	}
	wantPercent, wantLimit := pacing()
	const budget = 48 << 20
	restore := Relax(budget)
	defer restore()
	live := make([][]byte, 0, 64)
	for range 48 {
		live = append(live, make([]byte, 1<<20)) // 48 MiB kept: past 2/3 of the budget
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		runtime.GC() // the live heap is measured by a collection
		if p, l := pacing(); p == wantPercent && l == wantLimit {
			break
		}
		if time.Now().After(deadline) {
			p, l := pacing()
			t.Fatalf("with %d MiB live against a %d MiB budget: percent %d, limit %d; want the usual %d, %d", len(live), budget>>20, p, l, wantPercent, wantLimit)
		}
		time.Sleep(watchEvery)
	}
	runtime.KeepAlive(live)
}

func TestOperatorsGOGCIsLeftAlone(t *testing.T) {
	t.Setenv("GOGC", "150")
	wantPercent, wantLimit := pacing()
	restore := Relax(1 << 30)
	defer restore()
	if p, l := pacing(); p != wantPercent || l != wantLimit {
		t.Errorf("with GOGC set: percent %d, limit %d; want them untouched (%d, %d)", p, l, wantPercent, wantLimit)
	}
}
