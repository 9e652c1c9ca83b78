// Package domain holds what every aggregate shares: the error kinds a
// decision can end in, and struct validation that names fields the way the
// client sent them. It does no I/O and never reads the clock.
package domain

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError is one offending field of a request, named by its JSON path
// (for example "outcomes[1].rating").
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError is bad input: the client must change the request.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Invalid builds a ValidationError for a single field.
func Invalid(field, format string, args ...any) error {
	return &ValidationError{Fields: []FieldError{{Field: field, Message: fmt.Sprintf(format, args...)}}}
}

// Problems collects field errors while a command is checked.
type Problems []FieldError

// Add records a problem with field, unless the field already has one: a
// person fixes one thing at a time, and a form shows one message a field
// (the first found, which is the most basic: a date in the future before
// how it compares with another date).
func (p *Problems) Add(field, format string, args ...any) {
	for _, fe := range *p {
		if fe.Field == field {
			return
		}
	}
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when there are no problems, or a *ValidationError.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Fields: p}
}

// ConflictError means the current state forbids the command (a review before a
// plan, a second open cycle, a duplicate UPN, a stale version).
type ConflictError struct {
	Reason string
	// CurrentVersion is set when the conflict is a stale expected version.
	CurrentVersion *int
}

func (e *ConflictError) Error() string { return "conflict: " + e.Reason }

// Conflict builds a ConflictError.
func Conflict(format string, args ...any) error {
	return &ConflictError{Reason: fmt.Sprintf(format, args...)}
}

// StaleVersion reports that the client expected another version.
func StaleVersion(expected, current int) error {
	return &ConflictError{
		Reason:         fmt.Sprintf("expected version %d but the record is at version %d", expected, current),
		CurrentVersion: &current,
	}
}

// ErrNotFound means the aggregate or a part of it does not exist.
var ErrNotFound = errors.New("not found")

// NotFound wraps ErrNotFound with what was missing.
func NotFound(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrNotFound)
}

// ErrForbidden means the user may see the thing but not do this to it (a
// trust lead writing a pupil's plan). Where even the thing's existence must
// not leak, the answer is ErrNotFound instead.
var ErrForbidden = errors.New("forbidden")

// Forbidden wraps ErrForbidden with why, in words fit to show the user.
func Forbidden(format string, args ...any) error {
	return &forbiddenError{reason: fmt.Sprintf(format, args...)}
}

type forbiddenError struct{ reason string }

func (e *forbiddenError) Error() string        { return e.reason }
func (e *forbiddenError) Is(target error) bool { return target == ErrForbidden }

// Reason is the words of a Forbidden error, or "" for any other error.
func Reason(err error) string {
	var fe *forbiddenError
	if errors.As(err, &fe) {
		return fe.reason
	}
	return ""
}
