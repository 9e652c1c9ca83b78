package httpx

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sendcase/sendcase/app"
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

// Stack is the middleware every request passes: the request log and
// metrics, the overload guard, and recovery from panics.
type Stack struct {
	log     *slog.Logger
	metrics *metrics
	max     int
}

// NewStack returns a Stack that serves at most maxInFlight requests at
// once (0: defaultMaxInFlight).
func NewStack(log *slog.Logger, maxInFlight int) *Stack {
	if maxInFlight <= 0 {
		maxInFlight = defaultMaxInFlight
	}
	return &Stack{log: log, metrics: newMetrics(), max: maxInFlight}
}

// Metrics serves the Prometheus metrics.
func (s *Stack) Metrics() http.Handler {
	return promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})
}

// Register adds collectors (the projector's, the store's) to the metrics
// the stack serves.
func (s *Stack) Register(cs ...prometheus.Collector) { s.metrics.registry.MustRegister(cs...) }

// Wrap returns mux behind the stack.
func (s *Stack) Wrap(mux *http.ServeMux) http.Handler {
	serve := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(app.WithClient(r.Context(), ClientAddress(r)))
		mux.ServeHTTP(w, r)
		if holder, ok := r.Context().Value(routeKey{}).(*string); ok {
			*holder = r.Pattern
		}
	})
	return s.observe(s.guard(s.recoverPanics(serve)))
}

// isUI reports whether r is for the HTML UI, whose errors are pages, not problems.
func isUI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/ui/") }

// routeKey carries, from observe to the mux, where to report the pattern
// that served a request (middleware between them copies the request).
type routeKey struct{}

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
func (s *Stack) observe(next http.Handler) http.Handler {
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

// guard bounds the requests served at once. Beyond the bound a request
// waits briefly, then gets 503 with Retry-After instead of queueing without
// limit; the server recovers as soon as the burst passes. Health, readiness
// and metrics are never turned away, so operators can see what is happening.
func (s *Stack) guard(next http.Handler) http.Handler {
	slots := make(chan struct{}, s.max)
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
			if isUI(r) {
				http.Error(w, "sendcase is very busy just now. Please try again in a moment.", http.StatusServiceUnavailable)
				return
			}
			WriteProblem(w, New(503, TypeUnavailable, "The server is at capacity; try again shortly."))
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

func (s *Stack) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", slog.String("route", r.Pattern), slog.Any("panic", v))
				WriteProblem(w, ProblemFor(nil))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// LogUnexpected logs an error the table does not know, without request data.
func LogUnexpected(log *slog.Logger, r *http.Request, err error) {
	log.ErrorContext(r.Context(), "request failed", slog.String("route", r.Pattern), slog.Any("err", err))
}

// ClientAddress is the IP address a request comes from (the security log's,
// and the sign-in rate limit's). It is the connection's peer: a proxy in
// front of sendcase should pass the connection through, as X-Forwarded-For
// can be set by anyone.
func ClientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
