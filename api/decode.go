package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/httpx"
)

// decode reads a JSON body into v strictly: JSON content type, at most 1 MiB,
// one value, no unknown fields. It writes the problem and returns false when
// the body is not acceptable.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		httpx.WriteProblem(w, httpx.New(http.StatusUnsupportedMediaType, httpx.TypeMediaType, "Send the body as application/json."))
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, httpx.MaxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("trailing data")
		}
	}
	if err == nil {
		return true
	}
	var maxErr *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &maxErr):
		httpx.WriteProblem(w, httpx.ProblemFor(maxErr))
	case errors.Is(err, io.EOF):
		fieldProblem(w, "body", "a JSON object is required")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		fieldProblem(w, field, "must be "+describeType(typeErr.Type.String(), typeErr.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		fieldProblem(w, name, "unknown field")
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		fieldProblem(w, "body", "malformed JSON")
	default:
		fieldProblem(w, "body", "malformed JSON: "+err.Error())
	}
	return false
}

func describeType(goType, got string) string {
	switch {
	case strings.Contains(goType, "civil.Date"):
		return "a date string (YYYY-MM-DD), not a " + got
	case strings.HasPrefix(goType, "[]"):
		return "an array, not a " + got
	case strings.Contains(goType, "int"):
		return "a whole number, not a " + got
	case strings.Contains(goType, "float"):
		return "a number, not a " + got
	case goType == "bool" || goType == "*bool":
		return "true or false, not a " + got
	case strings.Contains(goType, "string") || strings.Contains(goType, "Status") || strings.Contains(goType, "Group") || strings.Contains(goType, "Area") || strings.Contains(goType, "Role") || strings.Contains(goType, "Phase"):
		return "a string, not a " + got
	}
	return "an object, not a " + got
}

// idempotencyKey reads the Idempotency-Key header.
func idempotencyKey(w http.ResponseWriter, r *http.Request) (string, bool) {
	k := r.Header.Get("Idempotency-Key")
	if len(k) > 128 {
		fieldProblem(w, "Idempotency-Key", "must be at most 128 characters")
		return "", false
	}
	return k, true
}

// ifMatch reads If-Match: "N" (also W/"N" or N). "*" or none mean no expectation.
func ifMatch(w http.ResponseWriter, r *http.Request) (*int, bool) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" || h == "*" {
		return nil, true
	}
	h = strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	v, err := strconv.Atoi(h)
	if err != nil || v < 0 {
		fieldProblem(w, "If-Match", `must be the ETag of the record, e.g. "3"`)
		return nil, false
	}
	return &v, true
}

// queryDay reads query parameter name, a day (YYYY-MM-DD), into dst; a
// value that is not one is a problem naming it.
func queryDay(r *http.Request, probs *domain.Problems, name string, dst *civil.Date) {
	queryDate(r, probs, name, civil.Parse, "is not a date (YYYY-MM-DD)", dst)
}

// queryMonth reads query parameter name, a month (YYYY-MM), into dst as
// its first day.
func queryMonth(r *http.Request, probs *domain.Problems, name string, dst *civil.Date) {
	month := func(s string) (civil.Date, error) {
		t, err := time.Parse("2006-01", s)
		return civil.FromTime(t), err
	}
	queryDate(r, probs, name, month, "is not a month (YYYY-MM)", dst)
}

func queryDate(r *http.Request, probs *domain.Problems, name string, parse func(string) (civil.Date, error), words string, dst *civil.Date) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return
	}
	d, err := parse(v)
	if err != nil {
		probs.Add(name, "%s", words)
		return
	}
	*dst = d
}

// writeProblems answers the field problems of a query (a *ValidationError).
func writeProblems(w http.ResponseWriter, err error) { httpx.WriteProblem(w, httpx.ProblemFor(err)) }

func fieldProblem(w http.ResponseWriter, field, message string) {
	httpx.WriteProblem(w, httpx.Field(field, message))
}
