// Package api is sendcase's HTTP interface: the JSON API of
// ../shared/spec/api.md, its auth, problem+json errors and operations
// endpoints. Handlers decode and authorise; the app and domain packages decide.
package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/eventstore"
)

// Server is the HTTP handler of sendcase.
type Server struct {
	svc     *app.Service
	log     *slog.Logger
	mux     *http.ServeMux
	handler http.Handler
	ready   func(ctx context.Context) error
	metrics *metrics
	proj    Projection
	cache   *viewCache
	limits  *limiters

	routeList   []Route
	openapiOnce sync.Once
	openapiJSON []byte
}

// Options for New.
type Options struct {
	Logger *slog.Logger
	// Ready reports whether the process can serve (NATS reachable, read models caught up).
	Ready func(ctx context.Context) error
	// Projection serves the views.
	Projection Projection
	// MaxInFlight bounds the requests served at once (default 256).
	MaxInFlight int
	// RatePerSecond and RateBurst limit each token (defaults 50 and 100).
	RatePerSecond float64
	RateBurst     int
}

// New builds the server and its routes.
func New(svc *app.Service, o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Ready == nil {
		o.Ready = func(context.Context) error { return nil }
	}
	s := &Server{svc: svc, log: o.Logger, mux: http.NewServeMux(), ready: o.Ready, metrics: newMetrics(), proj: o.Projection, cache: newViewCache(),
		limits: newLimiters(o.RatePerSecond, o.RateBurst)}
	s.routes()
	s.handler = s.observe(s.guard(o.MaxInFlight, s.recoverPanics(http.HandlerFunc(s.serveMux))))
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// writeJSON answers v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	writeBody(w, v)
}

func writeBody(w http.ResponseWriter, v any) { _ = json.NewEncoder(w).Encode(v) }

// writeAnswer answers a command, with the pupil's new version as ETag.
func writeAnswer(w http.ResponseWriter, a eventstore.Answer) {
	var v struct {
		Version int `json:"version"`
	}
	if json.Unmarshal(a.Body, &v) == nil && v.Version > 0 {
		w.Header().Set("ETag", strconv.Quote(strconv.Itoa(v.Version)))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(a.Status)
	_, _ = w.Write(a.Body)
	_, _ = w.Write([]byte("\n"))
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		w.Header().Set("Retry-After", "2")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "directory_seq": s.svc.Directory().Seq(), "projection_seq": s.proj.Seq()})
}

func promHandler(m *metrics) http.HandlerFunc {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}).ServeHTTP
}

// routeKey carries, from observe to the mux, where to report the pattern
// that served a request (middleware between them copies the request).
type routeKey struct{}

func (s *Server) serveMux(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
	if holder, ok := r.Context().Value(routeKey{}).(*string); ok {
		*holder = r.Pattern
	}
}

// metrics are the Prometheus series the server exports. Labels carry route
// patterns, never paths with ids or query strings, so nothing personal leaks.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inflight prometheus.Gauge
	rejected prometheus.Counter
}

func newMetrics() *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sendcase_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sendcase_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sendcase_http_requests_in_flight", Help: "HTTP requests being served.",
		}),
		rejected: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sendcase_http_requests_rejected_total", Help: "Requests turned away with 503 because the server was at capacity.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.inflight, m.rejected,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// observe logs and measures each request by its route pattern. It never logs
// bodies, query strings or headers: they can carry personal data and tokens.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.metrics.inflight.Inc()
		defer s.metrics.inflight.Dec()
		rec := &statusRecorder{ResponseWriter: w}
		route := ""
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), routeKey{}, &route)))
		if route == "" {
			route = "unmatched"
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		elapsed := time.Since(start)
		s.metrics.requests.WithLabelValues(route, strconv.Itoa(rec.status)).Inc()
		s.metrics.duration.WithLabelValues(route).Observe(elapsed.Seconds())
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("route", route),
			slog.Int("status", rec.status), slog.Duration("duration", elapsed))
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", slog.String("route", r.Pattern), slog.Any("panic", v))
				problem(w, http.StatusInternalServerError, "Something went wrong on our side.")
			}
		}()
		next.ServeHTTP(w, r)
	})
}
