package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/httpx"
)

// route is one line of the route table: its pattern, handler and
// documentation.
type route struct {
	pattern string
	handler http.HandlerFunc
	op      op
}

// endpoint is a use case adapted to HTTP: it decodes the request, calls
// the use case and answers its result with the route's status. in and out
// are zero values of the body and result types, for the documentation.
type endpoint struct {
	serve   func(s *Server, status int) httpx.Handler
	in, out any
}

// command adapts a command on no path value (POST /v1/trusts).
func command[C, R any](f func(context.Context, user.User, app.CommandOptions, C) (R, error)) endpoint {
	return withBody[C, R](func(r *http.Request, u user.User, o app.CommandOptions, cmd C) (R, error) {
		return f(r.Context(), u, o, cmd)
	})
}

// command1 adapts a command on path value p ("id").
func command1[C, R any](p string, f func(context.Context, user.User, app.CommandOptions, string, C) (R, error)) endpoint {
	return withBody[C, R](func(r *http.Request, u user.User, o app.CommandOptions, cmd C) (R, error) {
		return f(r.Context(), u, o, r.PathValue(p), cmd)
	})
}

// command2 adapts a command on path values p and q ("id", "cycle").
func command2[C, R any](p, q string, f func(context.Context, user.User, app.CommandOptions, string, string, C) (R, error)) endpoint {
	return withBody[C, R](func(r *http.Request, u user.User, o app.CommandOptions, cmd C) (R, error) {
		return f(r.Context(), u, o, r.PathValue(p), r.PathValue(q), cmd)
	})
}

// commandEntry adapts a command on a pupil's entry ("id", "entry"); an
// entry that is not a positive number names nothing, so it is not found.
func commandEntry[C, R any](f func(context.Context, user.User, app.CommandOptions, string, int, C) (R, error)) endpoint {
	return withBody[C, R](func(r *http.Request, u user.User, o app.CommandOptions, cmd C) (R, error) {
		n, err := strconv.Atoi(r.PathValue("entry"))
		if err != nil || n <= 0 {
			var zero R
			return zero, domain.NotFound("entry %q", r.PathValue("entry"))
		}
		return f(r.Context(), u, o, r.PathValue("id"), n, cmd)
	})
}

// action1 adapts a command without a body on path value p.
func action1[R any](p string, f func(context.Context, user.User, app.CommandOptions, string) (R, error)) endpoint {
	return endpoint{out: *new(R), serve: func(s *Server, status int) httpx.Handler {
		return func(w http.ResponseWriter, r *http.Request, u user.User) {
			o, ok := commandOptions(w, r)
			if !ok {
				return
			}
			res, err := f(r.Context(), u, o, r.PathValue(p))
			s.answer(w, r, status, &res, err)
		}
	}}
}

func withBody[C, R any](call func(*http.Request, user.User, app.CommandOptions, C) (R, error)) endpoint {
	return endpoint{in: *new(C), out: *new(R), serve: func(s *Server, status int) httpx.Handler {
		return func(w http.ResponseWriter, r *http.Request, u user.User) {
			o, ok := commandOptions(w, r)
			if !ok {
				return
			}
			var cmd C
			if !decode(w, r, &cmd) {
				return
			}
			res, err := call(r, u, o, cmd)
			s.answer(w, r, status, &res, err)
		}
	}}
}

// answer writes a command's result with status, and the record's new
// version as its ETag, or the error.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, status int, res any, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if c, ok := res.(interface{ Committed() *app.Result }); ok && c.Committed().Version > 0 {
		w.Header().Set("ETag", strconv.Quote(strconv.Itoa(c.Committed().Version)))
	}
	writeJSON(w, status, res)
}

// commandOptions reads Idempotency-Key and If-Match.
func commandOptions(w http.ResponseWriter, r *http.Request) (app.CommandOptions, bool) {
	key, ok := idempotencyKey(w, r)
	if !ok {
		return app.CommandOptions{}, false
	}
	expected, ok := ifMatch(w, r)
	return app.CommandOptions{IdempotencyKey: key, IfMatch: expected}, ok
}
