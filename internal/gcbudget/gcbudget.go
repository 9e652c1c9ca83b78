// Package gcbudget lets a burst of allocation, such as a rebuild of the
// views from the whole stream, collect garbage against a memory budget
// instead of the collector's usual pacing.
//
// With the default pacing (GOGC=100) the collector runs each time the heap
// has grown by as much as is live. A rebuild allocates about a hundred
// times its final live heap, so the collector runs hundreds of times, each
// marking everything built so far: a third of a full rebuild's CPU went to
// it. Under a budget the collector runs only when the heap nears the
// budget, a few times in the whole rebuild.
//
// The budget never exceeds half the memory the process may use (its
// cgroup's limit, or the machine's memory) nor a GOMEMLIMIT the operator
// set; an operator's GOGC is left alone. When the live heap passes two
// thirds of the budget, the usual pacing comes back at once, so a heap
// larger than was planned for is collected as usual instead of thrashing.
package gcbudget

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync"
	"time"
)

// Default is the budget a rebuild uses: it holds the peak of a full rebuild
// of a 100-school trust's three years (docs/performance.md) where the usual
// pacing already reached.
const Default = 3 << 30

// watchEvery is how often the live heap is checked against the budget.
const watchEvery = 100 * time.Millisecond

var (
	mu      sync.Mutex
	holders int
	stop    chan struct{}
	done    chan struct{}
	// what was in force before the first holder, put back by the last
	oldPercent int
	oldLimit   int64
)

// Relax collects against budget bytes (capped as the package says) until
// restore is called. Calls may overlap, as concurrent rebuilds do in tests;
// the first one's settings hold until the last restore. It does nothing
// when the operator set GOGC or the collector is off.
func Relax(budget int64) (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set || budget <= 0 {
		return func() {}
	}
	mu.Lock()
	defer mu.Unlock()
	if holders == 0 {
		budget = min(budget, available()/2)
		limit := debug.SetMemoryLimit(-1)
		budget = min(budget, limit)
		percent := debug.SetGCPercent(-1)
		if percent < 0 {
			debug.SetGCPercent(percent)
			return func() {}
		}
		oldPercent, oldLimit = percent, limit
		debug.SetMemoryLimit(budget)
		stop, done = make(chan struct{}), make(chan struct{})
		go watch(budget*2/3, stop, done)
	}
	holders++
	var once sync.Once
	return func() { once.Do(release) }
}

func release() {
	mu.Lock()
	defer mu.Unlock()
	holders--
	if holders > 0 {
		return
	}
	close(stop)
	<-done
	debug.SetGCPercent(oldPercent)
	debug.SetMemoryLimit(oldLimit)
}

// watch puts the usual pacing and limit back once the live heap passes
// most.
func watch(most int64, stop, done chan struct{}) {
	defer close(done)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > uint64(most) {
			mu.Lock()
			debug.SetGCPercent(oldPercent)
			debug.SetMemoryLimit(oldLimit)
			mu.Unlock()
			return
		}
	}
}

// available is the memory this process may use: its cgroup's limit when
// one is set (Linux, cgroup v2), else the machine's memory, else no limit
// known.
func available() int64 {
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64); err == nil && n > 0 {
			return n
		}
	}
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return math.MaxInt64
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := bytes.Fields(sc.Bytes())
		if len(fields) >= 2 && string(fields[0]) == "MemTotal:" {
			if kb, err := strconv.ParseInt(string(fields[1]), 10, 64); err == nil {
				return kb << 10
			}
		}
	}
	return math.MaxInt64
}
