// Package httpx is what sendcase's two HTTP faces share: the one table
// from error kinds to HTTP statuses and problem types, signing in by token
// or session, rate limits, the overload guard, the request log and the
// metrics. The JSON API (package api) and the HTML UI (package web) both
// use it; it imports neither.
package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/eventlog"
)

// Problem is an RFC 9457 problem detail: the body of every API error, and
// what the UI shows on its error page or beside a form's fields.
type Problem struct {
	Type           string              `json:"type"`
	Title          string              `json:"title"`
	Status         int                 `json:"status"`
	Detail         string              `json:"detail,omitempty"`
	Errors         []domain.FieldError `json:"errors,omitempty"`
	CurrentVersion *int                `json:"current_version,omitempty"`
	// RetryAfter, in seconds, is sent as the Retry-After header.
	RetryAfter int `json:"-"`
	// Unexpected marks an error no kind covers: the caller logs it.
	Unexpected bool `json:"-"`
}

// Problem types, one per kind of error. They are URNs: names to match on,
// not pages to fetch.
const (
	TypeInvalid      = "urn:sendcase:problem:invalid"
	TypeConflict     = "urn:sendcase:problem:conflict"
	TypeNotFound     = "urn:sendcase:problem:not-found"
	TypeForbidden    = "urn:sendcase:problem:forbidden"
	TypeUnauthorized = "urn:sendcase:problem:unauthorized"
	TypeTooLarge     = "urn:sendcase:problem:too-large"
	TypeMediaType    = "urn:sendcase:problem:unsupported-media-type"
	TypeTooMany      = "urn:sendcase:problem:too-many-requests"
	TypeBehind       = "urn:sendcase:problem:views-behind"
	TypeUnavailable  = "urn:sendcase:problem:unavailable"
	TypeInternal     = "urn:sendcase:problem:internal"
)

// titles are the problems' titles by status.
var titles = map[int]string{
	400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
	405: "Method not allowed", 409: "Conflict", 412: "Precondition failed", 413: "Request body too large",
	415: "Unsupported media type", 429: "Too many requests", 500: "Internal server error", 503: "Service unavailable",
}

// MaxBody is the largest JSON request body accepted.
const MaxBody = 1 << 20

// ProblemFor is the error table: every error a request can end in, by
// kind, to its status, problem type and words. It is the only place an
// error's HTTP status is decided.
func ProblemFor(err error) Problem {
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &ve):
		return New(400, TypeInvalid, "The request has invalid fields.", ve.Fields...)
	case errors.As(err, &ce):
		p := New(409, TypeConflict, ce.Reason)
		p.CurrentVersion = ce.CurrentVersion
		return p
	case errors.Is(err, domain.ErrNotFound):
		return New(404, TypeNotFound, "Not found.")
	case errors.Is(err, domain.ErrForbidden):
		detail := domain.Reason(err)
		if detail == "" {
			detail = "Your role does not allow this."
		}
		return New(403, TypeForbidden, detail)
	case errors.Is(err, app.ErrUnauthenticated):
		return New(401, TypeUnauthorized, "The token is not valid, or has expired.")
	case errors.Is(err, app.ErrTooManySignIns):
		p := New(429, TypeTooMany, "Too many sign-ins to this account in a short time. Please wait a few minutes.")
		p.RetryAfter = 120
		return p
	case errors.Is(err, app.ErrNoAccount):
		return New(403, TypeForbidden, "There is no sendcase account for this email. Ask your school's SENCO or your trust's SEND lead to add you.")
	case errors.Is(err, app.ErrPasskeyRefused):
		return New(401, TypeUnauthorized, "The passkey was not accepted. Try again, or ask for a new invitation.")
	case errors.Is(err, app.ErrNoPasskeys):
		return New(404, TypeNotFound, "Passkeys are not set up on this service.")
	case errors.As(err, &maxErr):
		return New(413, TypeTooLarge, fmt.Sprintf("The body is larger than %d bytes.", maxErr.Limit))
	case errors.Is(err, app.ErrBehind):
		p := New(503, TypeBehind, "The views have not reached that sequence yet; try again shortly.")
		p.RetryAfter = 2
		return p
	case errors.Is(err, eventlog.ErrUnavailable):
		p := New(503, TypeUnavailable, "The event store is not reachable; try again shortly.")
		p.RetryAfter = 2
		return p
	}
	p := New(500, TypeInternal, "Something went wrong on our side.")
	p.Unexpected = true
	return p
}

// New builds a problem.
func New(status int, typ, detail string, fields ...domain.FieldError) Problem {
	return Problem{Type: typ, Title: titles[status], Status: status, Detail: detail, Errors: fields}
}

// Field is a 400 problem about one field.
func Field(field, message string) Problem {
	return New(400, TypeInvalid, "The request has invalid fields.", domain.FieldError{Field: field, Message: message})
}

// WriteProblem answers p as application/problem+json.
func WriteProblem(w http.ResponseWriter, p Problem) {
	if p.RetryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(p.RetryAfter))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
