package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/eventlog"
)

// TestErrorTable: each kind of error, however wrapped, has one status and
// problem type, for the API and the UI alike.
func TestErrorTable(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		status     int
		typ        string
		detail     string
		unexpected bool
	}{
		{"bad input", domain.Invalid("upn", "is not a valid UPN"), 400, TypeInvalid, "The request has invalid fields.", false},
		{"conflict", fmt.Errorf("open cycle: %w", domain.Conflict("a cycle is already open")), 409, TypeConflict, "a cycle is already open", false},
		{"stale version", domain.StaleVersion(3, 4), 409, TypeConflict, "expected version 3 but the record is at version 4", false},
		{"not found", fmt.Errorf("load: %w", domain.NotFound("pupil %s", "p1")), 404, TypeNotFound, "Not found.", false},
		{"forbidden, with words", domain.Forbidden("Only an admin creates trusts."), 403, TypeForbidden, "Only an admin creates trusts.", false},
		{"forbidden, bare", fmt.Errorf("x: %w", domain.ErrForbidden), 403, TypeForbidden, "Your role does not allow this.", false},
		{"signed out", app.ErrUnauthenticated, 401, TypeUnauthorized, "The token is not valid, or has expired.", false},
		{"too large", fmt.Errorf("import: %w", &http.MaxBytesError{Limit: 10}), 413, TypeTooLarge, "The body is larger than 10 bytes.", false},
		{"views behind", fmt.Errorf("sequence 9: %w", app.ErrBehind), 503, TypeBehind, "The views have not reached that sequence yet; try again shortly.", false},
		{"NATS down", fmt.Errorf("append: %w", eventlog.ErrUnavailable), 503, TypeUnavailable, "The event store is not reachable; try again shortly.", false},
		{"anything else", errors.New("disk on fire"), 500, TypeInternal, "Something went wrong on our side.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ProblemFor(tt.err)
			if got.Status != tt.status || got.Type != tt.typ || got.Detail != tt.detail || got.Unexpected != tt.unexpected {
				t.Errorf("got %d %s %q unexpected=%v, want %d %s %q unexpected=%v",
					got.Status, got.Type, got.Detail, got.Unexpected, tt.status, tt.typ, tt.detail, tt.unexpected)
			}
			if got.Title == "" {
				t.Error("no title")
			}
		})
	}
	if p := ProblemFor(domain.StaleVersion(3, 4)); p.CurrentVersion == nil || *p.CurrentVersion != 4 {
		t.Errorf("stale version answers current_version %v, want 4", p.CurrentVersion)
	}
	if p := ProblemFor(domain.Invalid("upn", "bad")); len(p.Errors) != 1 || p.Errors[0].Field != "upn" {
		t.Errorf("fields %v", p.Errors)
	}
	if p := ProblemFor(eventlog.ErrUnavailable); p.RetryAfter == 0 {
		t.Error("no Retry-After when NATS is down")
	}
}
