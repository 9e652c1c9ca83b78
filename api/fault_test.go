package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/nats-io/nats.go"

	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/internal/pgtest"
	"github.com/sendcase/sendcase/internal/until"
)

// TestNATSRestartDuringLoad: a single NATS server dies and comes back while
// commands keep arriving. While it is down, commands fail fast with 503 and
// Retry-After and /readyz says not ready; afterwards sendcase reconnects,
// retried commands land once, and nothing acknowledged is lost.
func TestNATSRestartDuringLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	p := natstest.StartProcess(t, t.TempDir())
	e := startConfig(t, "", node.Config{NATSURL: p.URL})
	w := e.world(t)
	cycles := e.pupilsInDo(t, w, 4)
	l := e.runLoad(t, w.sencoA, cycles, w.provision, 25, 90*time.Second)
	<-l.started
	p.Kill()
	until.True(t, 10*time.Second, "sendcase to see NATS gone", func() bool { return e.node.Store.Conn().Status() != nats.CONNECTED })
	for pupil, cycle := range cycles {
		start := time.Now()
		r := e.do(t, "POST", "/v1/pupils/"+pupil+"/cycles/"+cycle+"/sessions", w.sencoA,
			map[string]any{"provision_id": w.provision, "delivered_on": "2025-09-21", "minutes": 20, "attended": true}, "Idempotency-Key", "while-down")
		if r.Status != 503 || r.Header.Get("Retry-After") == "" || time.Since(start) > 6*time.Second {
			t.Fatalf("command while NATS is down: %d in %s: %s", r.Status, time.Since(start), r.Raw)
		}
		break
	}
	if r := e.do(t, "GET", "/readyz", "", nil); r.Status != 503 {
		t.Fatalf("readyz while NATS is down: %d", r.Status)
	}
	// Keep NATS down until the load has met the outage.
	until.True(t, 30*time.Second, "a command of the load to meet the outage", func() bool { return l.failed(503) > 0 })
	p.Start(t) // same port, same data
	l.wait()
	if l.failures[503] == 0 {
		t.Errorf("no command saw the outage: %v", l.failures)
	}
	fresh := startConfig(t, "", node.Config{NATSURL: p.URL})
	e.checkExactlyOnce(t, w, l, fresh)
}

// TestClusterLeaderKilledDuringLoad: on a 3-node cluster with an R3 stream,
// the stream's leader is killed during a write load. Writes resume on the
// new leader; commands that failed are retried with their Idempotency-Key
// and land once.
func TestClusterLeaderKilledDuringLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	ps := natstest.StartCluster(t)
	url := natstest.URLs(ps)
	natstest.WaitJetStream(t, url)
	e := startConfig(t, "", node.Config{NATSURL: url, Replicas: 3})
	w := e.world(t)
	cycles := e.pupilsInDo(t, w, 4)
	l := e.runLoad(t, w.sencoA, cycles, w.provision, 25, 120*time.Second)
	<-l.started
	ctx := context.Background()
	stream, err := e.node.Store.JetStream().Stream(ctx, eventstore.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(ctx)
	if err != nil || info.Cluster == nil || len(info.Cluster.Replicas) != 2 {
		t.Fatalf("stream is not replicated: %+v %v", info, err)
	}
	var survivors []*natstest.Process
	for _, p := range ps {
		if p.Name == info.Cluster.Leader {
			p.Kill()
		} else {
			survivors = append(survivors, p)
		}
	}
	if len(survivors) != 2 {
		t.Fatalf("leader %q not among the nodes", info.Cluster.Leader)
	}
	l.wait()
	// The writing node's own views catch up within 10 s of the cluster
	// having a stream leader again: its consumers, which may have lived on
	// the killed node, are replaced when they stall.
	var after *jetstream.StreamInfo
	until.True(t, 60*time.Second, "a new stream leader", func() bool {
		after, err = stream.Info(ctx)
		return err == nil && after.Cluster != nil && after.Cluster.Leader != "" && after.Cluster.Leader != info.Cluster.Leader
	})
	last := after.State.LastSeq
	until.True(t, 10*time.Second, "the writing node's views and directory to catch up", func() bool {
		lag, err := e.node.DirectoryLag(ctx)
		return err == nil && lag == 0 && e.node.Projector.Seq() >= last
	})
	fresh := startRetrying(t, node.Config{NATSURL: natstest.URLs(survivors), Replicas: 3})
	// What must hold is in the stream, checked through a node started after
	// the fault as well as through the writing node.
	e.checkExactlyOnce(t, w, l, fresh)
	fresh.checkExactlyOnce(t, w, l, startRetrying(t, node.Config{NATSURL: natstest.URLs(survivors), Replicas: 3}))
}

// TestPostgresOutageDuringLoad: PostgreSQL goes away and comes back while
// commands keep arriving. Commands still land (events live in NATS); the
// projections pause, then catch up, and nothing is applied twice.
func TestPostgresOutageDuringLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	proxy, dbURL := pgtest.NewProxy(t, pgtest.URL(t))
	p := natstest.StartProcess(t, t.TempDir())
	e := startConfig(t, "", node.Config{NATSURL: p.URL, DatabaseURL: dbURL})
	w := e.world(t)
	cycles := e.pupilsInDo(t, w, 4)
	l := e.runLoad(t, w.sencoA, cycles, w.provision, 25, 90*time.Second)
	<-l.started
	proxy.Cut()
	until.True(t, 30*time.Second, "readyz to say not ready with PostgreSQL down", func() bool {
		return e.do(t, "GET", "/readyz", "", nil).Status == 503
	})
	proxy.Restore()
	l.wait()
	fresh := startConfig(t, "", node.Config{NATSURL: p.URL}) // in memory, rebuilt from the stream
	e.checkExactlyOnce(t, w, l, fresh)
}
