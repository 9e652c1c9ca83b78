package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sendcase/sendcase/domain/upn"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/node"
)

// ClusterOptions of a cluster run.
type ClusterOptions struct {
	// NATSURL is the cluster to measure; empty: the bench starts its own
	// three nodes (as `make cluster` does), which it can then kill.
	NATSURL string
	// Dir holds the nodes' data when the bench starts them.
	Dir         string
	Appends     int
	Concurrency int
	Rounds      int
	// For is how long the commands through the two servers run; the
	// stream's leader is killed a third of the way in (own nodes only).
	For time.Duration
	Log func(format string, args ...any)
}

// RunCluster measures a 3-node R3 cluster (sync always): appends against
// raw publishes to the same cluster, then commands through two serve
// processes sharing it, with the stream leader's node killed part way.
func RunCluster(ctx context.Context, o ClusterOptions) (Report, error) {
	logf := o.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	rep := Report{Machine: fmt.Sprintf("%s/%s, %d CPUs, %s, cluster data on %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), fileSystem(o.Dir))}
	url := o.NATSURL
	var nodes []*natsNode
	if url == "" {
		var err error
		if nodes, err = startCluster(ctx, o.Dir); err != nil {
			return rep, err
		}
		defer func() {
			for _, n := range nodes {
				n.stop()
			}
		}()
		var urls []string
		for _, n := range nodes {
			urls = append(urls, n.url)
		}
		url = strings.Join(urls, ",")
	}
	rep.Trust = map[string]any{"nats": url, "replicas": 3}
	nc, err := eventstore.Dial(url, "sendcase-bench")
	if err != nil {
		return rep, err
	}
	defer nc.Close()
	es, err := node.OpenStoreWaiting(ctx, nc, 3, slog.New(slog.DiscardHandler))
	if err != nil {
		return rep, err
	}
	defer es.Close()

	logf("appends on the cluster: %d commands, %d at a time", o.Appends, o.Concurrency)
	if err := compareAppends(ctx, es, Options{Appends: o.Appends, Concurrency: o.Concurrency, Rounds: o.Rounds}, &rep, " to the R3 cluster"); err != nil {
		return rep, err
	}

	logf("two serve processes on the cluster, commands for %s", o.For)
	servers := make([]*serveProc, 2)
	for i := range servers {
		if servers[i], err = startServe(ctx, filepath.Join(o.Dir, fmt.Sprintf("serve%d", i)), "NATS_URL="+url, "SENDCASE_REPLICAS=3",
			"SENDCASE_ADMIN_TOKEN=bench-admin", "SENDCASE_RATE_LIMIT=1000000", "SENDCASE_ADDR="+freeAddr()); err != nil {
			return rep, err
		}
		defer servers[i].stop()
	}
	var addrs []string
	for _, s := range servers {
		l, _ := s.line(`"msg":"sendcase ready"`)
		var ready struct{ Addr string }
		_ = json.Unmarshal([]byte(l), &ready)
		addrs = append(addrs, "http://"+ready.Addr)
	}
	w, err := newCommandLoad(addrs, o.Concurrency)
	if err != nil {
		return rep, err
	}
	var killedAt time.Time
	killed := make(chan error, 1)
	go func() {
		if len(nodes) == 0 {
			killed <- nil
			return
		}
		time.Sleep(o.For / 3)
		killedAt = time.Now()
		killed <- killLeader(ctx, es, nodes)
	}()
	lats := w.run(o.For)
	if err := <-killed; err != nil {
		return rep, err
	}
	all := latencies{}
	for _, l := range lats {
		all = append(all, l.took)
	}
	rep.add(Line{Name: fmt.Sprintf("commands through two servers, %d clients, p50", o.Concurrency), Value: ms(all.pct(.5)), Unit: "ms"})
	rep.add(Line{Name: "  p99", Value: ms(all.pct(.99)), Unit: "ms"})
	rep.add(Line{Name: "  throughput", Value: float64(len(lats)) / o.For.Seconds(), Unit: "commands/s"})
	whys := slices.Sorted(maps.Keys(w.failed))
	for _, why := range whys {
		rep.add(Line{Name: "  refused or failed: " + why, Value: float64(w.failed[why]), Unit: "commands"})
	}
	if killedAt.IsZero() {
		return rep, nil
	}
	var before, after latencies
	next := time.Duration(-1)
	for _, l := range lats {
		switch {
		case l.start.Before(killedAt):
			before = append(before, l.took)
		case l.start.Before(killedAt.Add(10 * time.Second)):
			after = append(after, l.took)
		}
		if !l.start.Before(killedAt) && (next < 0 || l.start.Add(l.took).Sub(killedAt) < next) {
			next = l.start.Add(l.took).Sub(killedAt)
		}
	}
	rep.add(Line{Name: "  p99 before the stream leader's node was killed", Value: ms(before.pct(.99)), Unit: "ms"})
	rep.add(Line{Name: "  p99 in the 10 s after the kill", Value: ms(after.pct(.99)), Unit: "ms"})
	rep.add(Line{Name: "  from the kill to the first command begun after it acknowledged", Value: ms(next), Unit: "ms"})
	return rep, nil
}

// natsNode is one clustered nats-server process (`sendcase nats-node`).
type natsNode struct {
	name, url string
	args      []string
	cmd       *exec.Cmd
}

// startCluster starts three nodes routed to each other, data under dir.
func startCluster(ctx context.Context, dir string) ([]*natsNode, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	var ports, cports []int
	for range 3 {
		ports, cports = append(ports, freePort()), append(cports, freePort())
	}
	var nodes []*natsNode
	for i := range 3 {
		var routes []string
		for j := range 3 {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", cports[j]))
			}
		}
		n := &natsNode{name: fmt.Sprintf("n%d", i+1), url: fmt.Sprintf("nats://127.0.0.1:%d", ports[i]),
			args: []string{exe, "nats-node", "-name", fmt.Sprintf("n%d", i+1), "-port", fmt.Sprint(ports[i]), "-cluster-port", fmt.Sprint(cports[i]),
				"-routes", strings.Join(routes, ","), "-data", filepath.Join(dir, fmt.Sprintf("n%d", i+1))}}
		if err := n.start(); err != nil {
			return nodes, err
		}
		nodes = append(nodes, n)
	}
	for i, n := range nodes {
		if err := waitListening(ctx, fmt.Sprintf("127.0.0.1:%d", ports[i]), 30*time.Second); err != nil {
			return nodes, fmt.Errorf("nats node %s: %w", n.name, err)
		}
	}
	return nodes, nil
}

// waitListening waits until addr accepts a connection.
func waitListening(ctx context.Context, addr string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("not listening after %s: %w", d, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (n *natsNode) start() error {
	n.cmd = exec.Command(n.args[0], n.args[1:]...)
	n.cmd.Stdout, n.cmd.Stderr = io.Discard, io.Discard
	return n.cmd.Start()
}

func (n *natsNode) stop() {
	if n.cmd != nil && n.cmd.Process != nil {
		_ = n.cmd.Process.Signal(syscall.SIGTERM)
		_ = n.cmd.Wait()
	}
}

// killLeader kills (SIGKILL) the node leading the event stream, then
// starts it again on its data, as a supervisor would.
func killLeader(ctx context.Context, es *eventstore.Store, nodes []*natsNode) error {
	st, err := es.JetStream().Stream(ctx, eventstore.StreamName)
	if err != nil {
		return err
	}
	info, err := st.Info(ctx)
	if err != nil {
		return err
	}
	if info.Cluster == nil {
		return errors.New("the stream has no cluster")
	}
	for _, n := range nodes {
		if n.name == info.Cluster.Leader {
			_ = n.cmd.Process.Kill()
			_ = n.cmd.Wait()
			time.Sleep(2 * time.Second)
			return n.start()
		}
	}
	return fmt.Errorf("leader %q is not one of the bench's nodes", info.Cluster.Leader)
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func freeAddr() string { return fmt.Sprintf("127.0.0.1:%d", freePort()) }

// commandLoad is clients logging sessions, each on a pupil of its own,
// through the servers in turn.
type commandLoad struct {
	servers []string
	token   string
	paths   []string // a cycle's sessions, one per client
	body    string
	mu      sync.Mutex
	failed  map[string]int // why: "503", "409", "connection", ...
}

func (w *commandLoad) fail(why string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.failed[why]++
}

type timed struct {
	start time.Time
	took  time.Duration
}

// newCommandLoad sets up, through the first server, a trust, a school, its
// SENCO and one pupil per client in a cycle's Do stage.
func newCommandLoad(servers []string, clients int) (*commandLoad, error) {
	w := &commandLoad{servers: servers, failed: map[string]int{}}
	call := func(server, token, path string, body any, out any) error {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", server+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		rb, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 300 {
			return fmt.Errorf("POST %s: %d %s", path, res.StatusCode, rb)
		}
		return json.Unmarshal(rb, out)
	}
	var idOf struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	a := servers[0]
	if err := call(a, "bench-admin", "/v1/trusts", map[string]any{"name": "Bench Trust"}, &idOf); err != nil {
		return nil, err
	}
	trust := idOf.ID
	if err := call(a, "bench-admin", "/v1/trusts/"+trust+"/schools", map[string]any{"name": "Bench Primary", "urn": "100001", "phase": "primary"}, &idOf); err != nil {
		return nil, err
	}
	school := idOf.ID
	if err := call(a, "bench-admin", "/v1/trusts/"+trust+"/provisions", map[string]any{"name": "Talk Boost", "area_of_need": "communication_interaction",
		"delivery": "group", "staff_role": "TA", "hourly_cost_pence": 1800, "max_group_size": 4}, &idOf); err != nil {
		return nil, err
	}
	provision := idOf.ID
	if err := call(a, "bench-admin", "/v1/users", map[string]any{"name": "Bench SENCO", "email": "senco@bench.example", "role": "senco",
		"trust_id": trust, "school_ids": []string{school}}, &idOf); err != nil {
		return nil, err
	}
	w.token = idOf.Token
	for c := range clients {
		if err := call(a, w.token, "/v1/schools/"+school+"/pupils", map[string]any{"upn": upnFor(c), "first_name": "Bench", "last_name": fmt.Sprint("Pupil ", c),
			"date_of_birth": "2015-03-04", "year_group": "5", "sen_status": "K", "primary_need": "SLCN", "registered_on": "2025-09-03"}, &idOf); err != nil {
			return nil, err
		}
		p := "/v1/pupils/" + idOf.ID
		if err := call(a, w.token, p+"/cycles", map[string]any{"opened_on": "2025-09-08"}, &idOf); err != nil {
			return nil, err
		}
		cyc := p + "/cycles/" + idOf.ID
		var ignore map[string]any
		if err := call(a, w.token, cyc+"/assessment", map[string]any{"assessed_on": "2025-09-10", "summary": "s", "need_areas": []string{"communication_interaction"}}, &ignore); err != nil {
			return nil, err
		}
		if err := call(a, w.token, cyc+"/plan", map[string]any{"agreed_on": "2025-09-15", "review_due_on": "2025-12-12",
			"outcomes":     []any{map[string]any{"description": "d", "success_criteria": "s"}},
			"provisions":   []any{map[string]any{"provision_id": provision, "sessions_per_week": 1, "minutes_per_session": 20, "group_size": 2}},
			"parent_views": "p", "pupil_views": "q"}, &ignore); err != nil {
			return nil, err
		}
		w.paths = append(w.paths, cyc+"/sessions")
	}
	w.body = fmt.Sprintf(`{"provision_id":%q,"delivered_on":"2025-09-16","minutes":20,"attended":true}`, provision)
	return w, nil
}

// upnFor is a valid UPN for client c.
func upnFor(c int) string {
	rest := fmt.Sprintf("80120%07d", c)
	letter, _ := upn.CheckLetter(rest)
	return string(letter) + rest
}

// run logs sessions for d, each client alternating between the servers,
// and answers every acknowledged command's timing.
func (w *commandLoad) run(d time.Duration) []timed {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: len(w.paths)}, Timeout: time.Minute}
	deadline := time.Now().Add(d)
	out := make([][]timed, len(w.paths))
	var wg sync.WaitGroup
	for c, path := range w.paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				req, _ := http.NewRequest("POST", w.servers[(c+i)%len(w.servers)]+path, strings.NewReader(w.body))
				req.Header.Set("Authorization", "Bearer "+w.token)
				req.Header.Set("Content-Type", "application/json")
				t := time.Now()
				res, err := client.Do(req)
				if err != nil {
					w.fail("no answer")
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 201 {
					w.fail(fmt.Sprint(res.StatusCode))
					continue
				}
				out[c] = append(out[c], timed{t, time.Since(t)})
			}
		}()
	}
	wg.Wait()
	return slices.Concat(out...)
}
