// Package api is sendcase's JSON API (../shared/spec/api.md): each handler
// decodes the request, calls one use case of package app, and encodes its
// typed result. The route table (routes.go) is the one place a success
// status is written, and the OpenAPI document is generated from it; errors
// go through httpx's one table.
package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/httpx"
)

// Server is the JSON API.
type Server struct {
	svc      *app.Service
	log      *slog.Logger
	auth     *httpx.Auth
	metrics  http.Handler
	ready    func(ctx context.Context) error
	degraded func(ctx context.Context) string

	routeList []Route
	// statuses is each route pattern's success status, from the route table.
	statuses    map[string]int
	openapiOnce sync.Once
	openapiJSON []byte
}

// Options for New.
type Options struct {
	Logger *slog.Logger
	// Auth signs requests in.
	Auth *httpx.Auth
	// Metrics serves GET /metrics.
	Metrics http.Handler
	// Ready reports whether the process can serve (NATS reachable, read models caught up).
	Ready func(ctx context.Context) error
	// Degraded, when set, says why a ready process serves incomplete views
	// ("" when it does not).
	Degraded func(ctx context.Context) string
}

// New builds the API on svc.
func New(svc *app.Service, o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Ready == nil {
		o.Ready = func(context.Context) error { return nil }
	}
	if o.Degraded == nil {
		o.Degraded = func(context.Context) string { return "" }
	}
	return &Server{svc: svc, log: o.Logger, auth: o.Auth, metrics: o.Metrics, ready: o.Ready, degraded: o.Degraded}
}

// Route is a registered route with its documentation.
type Route struct {
	Method, Path string
	op           op
}

// Routes lists the API's routes.
func (s *Server) Routes() []Route { return s.routeList }

// Register adds the API's routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	s.statuses = map[string]int{}
	for _, rt := range s.routes() {
		s.statuses[rt.pattern] = rt.op.status
		mux.HandleFunc(rt.pattern, rt.handler)
		method, path, ok := strings.Cut(rt.pattern, " ")
		if !ok {
			method, path = "", rt.pattern // any method
		}
		s.routeList = append(s.routeList, Route{Method: method, Path: path, op: rt.op})
	}
}

// writeJSON answers v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// reply answers v with the success status the route table gives the
// request's route (200 unless it says otherwise).
func (s *Server) reply(w http.ResponseWriter, r *http.Request, v any) {
	writeJSON(w, s.status(r), v)
}

// status is the success status of the request's route.
func (s *Server) status(r *http.Request) int {
	if status := s.statuses[r.Pattern]; status != 0 {
		return status
	}
	return http.StatusOK
}

// writeError answers err as a problem, from httpx's table. Errors the
// table does not know are logged (without request data) and are 500.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	p := httpx.ProblemFor(err)
	if p.Unexpected {
		httpx.LogUnexpected(s.log, r, err)
	}
	httpx.WriteProblem(w, p)
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) { s.metrics.ServeHTTP(w, r) }

// Document is the OpenAPI document of the JSON API, as GET /openapi.json
// serves it (sendcase openapi prints it).
func Document() ([]byte, error) {
	s := New(nil, Options{})
	s.Register(http.NewServeMux())
	return json.MarshalIndent(s.OpenAPI(), "", "  ")
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	s.reply(w, r, statusAnswer{Status: "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		w.Header().Set("Retry-After", "2")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "reason": err.Error()})
		return
	}
	// A degraded process still serves (200): taking it out of a load
	// balancer would not help, since every process reads the same store.
	answer := map[string]any{"status": "ready", "directory_seq": s.svc.Directory().Seq(), "projection_seq": s.svc.ProjectionSeq()}
	if why := s.degraded(ctx); why != "" {
		answer["status"], answer["reason"] = "degraded", why
	}
	s.reply(w, r, answer)
}
