package api_test

import (
	"sync"
	"testing"

	"github.com/sendcase/sendcase/internal/node"
)

// TestBurstBeyondCapacity: with room for two requests, a burst is answered
// 503 with Retry-After rather than queued, and the server recovers.
func TestBurstBeyondCapacity(t *testing.T) {
	e := startConfig(t, "", node.Config{MaxInFlight: 2})
	w := e.world(t)
	// Two requests that hold their slot (waiting for a sequence that will
	// not come for 5 s) fill the server.
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.do(t, "GET", "/v1/trusts/"+w.trust+"/workload?min_seq=99999999", w.lead, nil)
		}()
	}
	busy := 0
	for range 40 {
		r := e.do(t, "GET", "/v1/me", w.lead, nil)
		switch r.Status {
		case 503:
			if r.Header.Get("Retry-After") == "" {
				t.Fatal("503 without Retry-After")
			}
			busy++
		case 200:
		default:
			t.Fatalf("status %d", r.Status)
		}
	}
	if busy == 0 {
		t.Fatal("no request was turned away while the server was full")
	}
	e.must(t, 200, "GET", "/healthz", "", nil) // never turned away
	wg.Wait()
	e.must(t, 200, "GET", "/v1/me", w.lead, nil) // and it recovers
}
