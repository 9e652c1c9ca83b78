package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/eventstore"
)

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type           string              `json:"type"`
	Title          string              `json:"title"`
	Status         int                 `json:"status"`
	Detail         string              `json:"detail,omitempty"`
	Errors         []domain.FieldError `json:"errors,omitempty"`
	CurrentVersion *int                `json:"current_version,omitempty"`
}

var titles = map[int]string{
	400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
	405: "Method not allowed", 409: "Conflict", 412: "Precondition failed", 413: "Request body too large",
	415: "Unsupported media type", 429: "Too many requests", 500: "Internal server error", 503: "Service unavailable",
}

func writeProblem(w http.ResponseWriter, p Problem) {
	if p.Title == "" {
		p.Title = titles[p.Status]
	}
	if p.Type == "" {
		p.Type = "about:blank"
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func problem(w http.ResponseWriter, status int, detail string) {
	writeProblem(w, Problem{Status: status, Detail: detail})
}

func fieldProblem(w http.ResponseWriter, field, message string) {
	writeProblem(w, Problem{Status: 400, Detail: "The request has invalid fields.", Errors: []domain.FieldError{{Field: field, Message: message}}})
}

// writeError maps an error from the domain, the application or the store to
// its status. Unknown errors are logged (without request data) and are 500.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	switch {
	case errors.As(err, &ve):
		writeProblem(w, Problem{Status: 400, Detail: "The request has invalid fields.", Errors: ve.Fields})
	case errors.As(err, &ce):
		writeProblem(w, Problem{Status: 409, Detail: ce.Reason, CurrentVersion: ce.CurrentVersion})
	case errors.Is(err, domain.ErrNotFound):
		problem(w, 404, "Not found.")
	case errors.Is(err, eventstore.ErrUnavailable):
		w.Header().Set("Retry-After", "2")
		problem(w, 503, "The event store is not reachable; try again shortly.")
	case errors.Is(err, errForbidden):
		problem(w, 403, "Your role does not allow this.")
	default:
		s.log.ErrorContext(r.Context(), "request failed", slog.String("route", r.Pattern), slog.Any("err", err))
		problem(w, 500, "Something went wrong on our side.")
	}
}

var errForbidden = errors.New("forbidden")
