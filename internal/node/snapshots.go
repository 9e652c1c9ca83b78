package node

import (
	"context"
	"time"

	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/snapshot"
)

// Snapshots of the in-memory views (docs/projections.md): a server loads
// the newest at start and replays only the commits after it, and writes a
// new one once enough has been applied since.

const (
	defaultSnapshotEvery    = 100_000
	defaultSnapshotInterval = time.Hour
)

// snapshots is the schedule of one server's snapshot writing.
type snapshots struct {
	series   *snapshot.Series
	mem      *projections.Memory
	every    uint64
	interval time.Duration
	// last is the newest snapshot known (this server's or another's), and
	// lastAt when it was learned of.
	last   uint64
	lastAt time.Time
}

// loadSnapshot opens the series and fills mem from its newest snapshot
// that reads; it answers nil when snapshots are off (cfg.SnapshotEvery
// negative). A series that cannot be opened is logged and done without:
// the views are rebuilt from the stream, as they always can be.
func (n *Node) loadSnapshot(ctx context.Context, cfg Config, mem *projections.Memory) *snapshots {
	if cfg.SnapshotEvery < 0 {
		return nil
	}
	series, err := snapshot.Open(ctx, n.Store.JetStream(), eventstore.StreamName, cfg.Replicas, n.Store.Keys(), n.log)
	if err != nil {
		n.log.Warn("snapshots of the views are off", "err", err)
		return nil
	}
	sn := &snapshots{series: series, mem: mem, every: uint64(defaultSnapshotEvery), interval: defaultSnapshotInterval, lastAt: time.Now()}
	if cfg.SnapshotEvery > 0 {
		sn.every = uint64(cfg.SnapshotEvery)
	}
	if cfg.SnapshotInterval > 0 {
		sn.interval = cfg.SnapshotInterval
	}
	// Load fills mem only from a snapshot that read whole, so on an error
	// mem is still empty.
	if sn.last, err = series.Load(ctx, mem); err != nil {
		n.log.Warn("snapshot of the views not loaded; rebuilding them from the stream", "err", err)
	}
	return sn
}

// writeSnapshots writes a snapshot whenever one is due, until ctx ends.
func (n *Node) writeSnapshots(ctx context.Context, sn *snapshots) {
	t := time.NewTicker(min(sn.interval/4, 5*time.Second))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sn.maybeWrite(ctx, n)
	}
}

// due reports whether a snapshot of seq should be written now.
func (sn *snapshots) due(seq uint64, now time.Time) bool {
	return seq > sn.last && (seq-sn.last >= sn.every || now.Sub(sn.lastAt) >= sn.interval)
}

func (sn *snapshots) maybeWrite(ctx context.Context, n *Node) {
	seq := n.Projector.Seq()
	if !sn.due(seq, time.Now()) {
		return
	}
	// Another server sharing the series may have written one since.
	if list, err := sn.series.List(ctx); err == nil && len(list) > 0 && list[0].Seq > sn.last {
		sn.last, sn.lastAt = list[0].Seq, time.Now()
		if !sn.due(seq, time.Now()) {
			return
		}
	}
	start := time.Now()
	info, err := sn.series.Write(ctx, sn.mem, start)
	sn.lastAt = time.Now()
	if err != nil {
		if ctx.Err() == nil {
			n.log.Warn("snapshot of the views not written; trying again later", "err", err)
		}
		return
	}
	sn.last = info.Seq
	n.log.Info("snapshot of the views written", "seq", info.Seq, "bytes", info.Size, "duration", time.Since(start).Round(time.Millisecond))
}
