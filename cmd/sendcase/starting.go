package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/sendcase/sendcase/internal/node"
)

// handoff serves a placeholder until the node is up, then the node: the
// process answers /healthz from its first second, whatever order the
// operator starts NATS and sendcase in.
type handoff struct {
	real   atomic.Pointer[http.Handler]
	reason atomic.Value // string: why not ready yet
}

func (h *handoff) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if real := h.real.Load(); real != nil {
		(*real).ServeHTTP(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if r.URL.Path == "/healthz" {
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok"})
		return
	}
	w.Header().Set("Retry-After", "2")
	w.WriteHeader(http.StatusServiceUnavailable)
	reason, _ := h.reason.Load().(string)
	if r.URL.Path == "/readyz" {
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "not ready", "reason": reason})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "urn:sendcase:problem:unavailable", "title": "Service unavailable",
		"status": http.StatusServiceUnavailable, "detail": "sendcase is starting: " + reason + "; try again shortly."})
}

// Backoff between attempts to start the node: doubling, at most maxWait.
const (
	firstWait = 500 * time.Millisecond
	maxWait   = 15 * time.Second
)

// startWhenReachable starts the node, and with an external NATS keeps
// trying, with backoff and a log line each time, until it starts or ctx
// ends. The embedded NATS cannot be waited for: its errors end serve.
func startWhenReachable(ctx context.Context, cfg node.Config, h *handoff, log *slog.Logger) (*node.Node, error) {
	wait := firstWait
	for attempt := 1; ; attempt++ {
		n, err := node.Start(ctx, cfg)
		if err == nil {
			return n, nil
		}
		if cfg.NATSURL == "" || ctx.Err() != nil {
			return nil, err
		}
		h.reason.Store(fmt.Sprintf("waiting for NATS (attempt %d failed)", attempt))
		log.Warn("waiting for NATS", "attempt", attempt, "retry_in", wait.String(), "err", err)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, maxWait)
	}
}
