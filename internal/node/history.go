package node

import (
	"context"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/sendcase/sendcase/projections"
)

// After a start a node settles its in-memory views in the background:
// see settle. These are its steps' thresholds.
const (
	// compactAfter: a start that applied more commits than this from the
	// stream (a full rebuild, or a long tail after a snapshot) makes its
	// summaries afresh (projections.Memory.Compact).
	compactAfter = 100_000
	// packEvery is how often a serving node packs the events its views'
	// histories have gained, and packTail how many a history gains before
	// it is packed again: past views decode a packed history whole, so a
	// few new events stay decoded in its tail until then.
	packEvery = time.Minute
	packTail  = 16
)

// settle brings the views, once the node serves, to the memory they keep
// (docs/projections.md), then keeps them there until ctx ends:
//  1. after a start that applied more than compactAfter commits from the
//     stream, every summary is laid out afresh, away from the garbage of
//     the rebuild (views and commits wait a few seconds, logged as
//     views_paused);
//  2. every trust's trends are worked out, when warm is set, so that the
//     first lead to ask does not wait (app.WarmTrends);
//  3. every history is packed, and what the steps before freed is handed
//     back to the system at once; "views settled" is logged;
//  4. every packEvery, the histories that have gained packTail events are
//     packed, on one goroutine so that requests keep the other cores.
func (n *Node) settle(ctx context.Context, mem *projections.Memory, applied uint64, warm bool) {
	start := time.Now()
	cores := runtime.GOMAXPROCS(0)
	compacted := 0
	var paused time.Duration
	if applied > compactAfter {
		var err error
		if compacted, paused, err = mem.Compact(ctx, cores); err != nil {
			n.failedToSettle(ctx, "views not compacted", err)
			return
		}
	}
	if warm {
		n.Service.WarmTrends(ctx)
	}
	packed, err := mem.PackHistories(ctx, 1, cores)
	if err != nil {
		n.failedToSettle(ctx, "histories not packed", err)
		return
	}
	debug.FreeOSMemory()
	n.log.Info(SettledLog, "compacted", compacted, "views_paused", paused.Round(time.Millisecond), "packed", packed,
		"duration", time.Since(start).Round(time.Millisecond))
	t := time.NewTicker(packEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := mem.PackHistories(ctx, packTail, 1); err != nil {
				n.failedToSettle(ctx, "histories not packed", err)
			}
		}
	}
}

// failedToSettle logs err unless ctx has ended (the node is closing).
func (n *Node) failedToSettle(ctx context.Context, msg string, err error) {
	if ctx.Err() == nil {
		n.log.Error(msg, "err", err)
	}
}

// SettledLog is the message settle logs once the views are settled (the
// bench waits for it).
const SettledLog = "views settled"
