package api

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// Defaults of the overload guard.
const (
	defaultMaxInFlight = 256
	// admissionWait is how long a request may wait for a slot before it is
	// turned away: long enough to absorb a burst, short enough to fail fast.
	admissionWait = 100 * time.Millisecond
	// requestTimeout bounds the work of one request (a view may wait 5 s
	// for min_seq; an import of a large register takes a few seconds).
	requestTimeout = 60 * time.Second
)

// guard bounds the requests served at once. Beyond the bound a request
// waits briefly, then gets 503 with Retry-After instead of queueing without
// limit; the server recovers as soon as the burst passes. Health, readiness
// and metrics are never turned away, so operators can see what is happening.
func (s *Server) guard(max int, next http.Handler) http.Handler {
	if max <= 0 {
		max = defaultMaxInFlight
	}
	slots := make(chan struct{}, max)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz", "/readyz", "/metrics":
			next.ServeHTTP(w, r)
			return
		}
		timer := time.NewTimer(admissionWait)
		defer timer.Stop()
		select {
		case slots <- struct{}{}:
		case <-timer.C:
			s.metrics.rejected.Inc()
			w.Header().Set("Retry-After", "1")
			if strings.HasPrefix(r.URL.Path, "/ui/") {
				http.Error(w, "sendcase is very busy just now. Please try again in a moment.", http.StatusServiceUnavailable)
				return
			}
			problem(w, http.StatusServiceUnavailable, "The server is at capacity; try again shortly.")
			return
		case <-r.Context().Done():
			return
		}
		defer func() { <-slots }()
		ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
