package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/internal/until"
)

// load runs commands against a server while faults happen: each of the
// pupils gets perPupil sessions, each command sent with its own
// Idempotency-Key and retried until it is acknowledged or the deadline
// passes. It records what was acknowledged.
type load struct {
	mu       sync.Mutex
	acked    map[string]int // pupil → sessions acknowledged
	failures map[int]int    // status → how often a try failed with it
	started  chan struct{}
	wait     func()
}

// failed is how often a try failed with status.
func (l *load) failed(status int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.failures[status]
}

func (e *env) runLoad(t *testing.T, token string, cycles map[string]string, provision string, perPupil int, deadline time.Duration) *load {
	t.Helper()
	l := &load{acked: map[string]int{}, failures: map[int]int{}, started: make(chan struct{})}
	var once sync.Once
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	end := time.Now().Add(deadline)
	for pupil, cycle := range cycles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perPupil {
				body, _ := json.Marshal(map[string]any{"provision_id": provision, "delivered_on": "2025-09-20", "minutes": 20, "attended": true})
				key := fmt.Sprintf("load-%s-%d", pupil, i)
				for {
					if time.Now().After(end) {
						t.Errorf("command %s not acknowledged before the deadline", key)
						return
					}
					req, _ := http.NewRequest("POST", e.srv.URL+"/v1/pupils/"+pupil+"/cycles/"+cycle+"/sessions", bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+token)
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Idempotency-Key", key)
					res, err := client.Do(req)
					status := 0
					if err == nil {
						_, _ = io.Copy(io.Discard, res.Body)
						res.Body.Close()
						status = res.StatusCode
					}
					if status == 201 {
						l.mu.Lock()
						l.acked[pupil]++
						l.mu.Unlock()
						once.Do(func() { close(l.started) })
						break
					}
					l.mu.Lock()
					l.failures[status]++
					l.mu.Unlock()
					time.Sleep(100 * time.Millisecond) // a client's pause before it retries

				}
			}
		}()
	}
	l.wait = wg.Wait
	return l
}

// pupilsInDo registers n pupils and takes each to Do; it returns pupil → cycle.
func (e *env) pupilsInDo(t *testing.T, w world, n int) map[string]string {
	t.Helper()
	out := map[string]string{}
	for range n {
		id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN())).str("id")
		e.planned(t, w.sencoA, id, "2025-12-12", map[string]any{"provision_id": w.provision, "sessions_per_week": 2, "minutes_per_session": 20, "group_size": 2})
		got := e.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil)
		out[id] = as[pupilAnswer](t, got).Cycles[0].ID
	}
	return out
}

// checkExactlyOnce: every acknowledged command's event is stored exactly
// once, every audit chain verifies, and the views equal a fresh rebuild.
func (e *env) checkExactlyOnce(t *testing.T, w world, l *load, fresh *env) {
	t.Helper()
	// After a fault the server recovers by itself: wait until it says so.
	for _, x := range []*env{e, fresh} {
		until.True(t, 60*time.Second, "the server to be ready again after the fault", func() bool {
			return x.do(t, "GET", "/readyz", "", nil).Status == 200
		})
	}
	for pupil, n := range l.acked {
		p := e.must(t, 200, "GET", "/v1/pupils/"+pupil, w.sencoA, nil)
		sessions := as[pupilAnswer](t, p).Cycles[0].Sessions
		if len(sessions) != n {
			t.Errorf("pupil %s: %d sessions stored, %d acknowledged", pupil, len(sessions), n)
		}
		if v := e.must(t, 200, "GET", "/v1/pupils/"+pupil+"/audit/verify", w.sencoA, nil); v.Body["ok"] != true {
			t.Errorf("audit of %s: %s", pupil, v.Raw)
		}
	}
	seq := fmt.Sprint(e.lastSeq(t))
	mine := e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/provision-map?min_seq="+seq, w.lead, nil)
	theirs := fresh.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/provision-map?min_seq="+seq, w.lead, nil)
	if string(mine.Raw) != string(theirs.Raw) {
		t.Errorf("views differ from a fresh rebuild:\n%s\n%s", mine.Raw, theirs.Raw)
	}
}

// startRetrying starts a node, retrying while the cluster settles after a fault.
func startRetrying(t *testing.T, cfg node.Config) *env {
	t.Helper()
	until.True(t, 60*time.Second, "a node to start after the fault", func() bool {
		n, err := node.Start(context.Background(), node.Config{NATSURL: cfg.NATSURL, Replicas: cfg.Replicas, Logger: slog.New(slog.DiscardHandler)})
		if err == nil {
			n.Close()
		}
		return err == nil
	})
	return startConfig(t, "", cfg)
}
