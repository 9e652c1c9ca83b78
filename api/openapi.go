package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/httpx"
)

// op documents one route for the OpenAPI document. Every route is
// registered with one (see Server.handle), so the document lists exactly
// the routes the server has.
type op struct {
	summary string
	tag     string
	// in is the JSON request body's type (a zero value), or nil.
	in any
	// csvIn: the body is a CSV file (text/csv or a multipart upload).
	csvIn bool
	// documentIn: the body is a document uploaded as multipart/form-data.
	documentIn bool
	// out is the success body's type; status its code (200 when zero).
	out    any
	status int
	// csvOut: also answers text/csv.
	csvOut bool
	// text is the media type of a non-JSON success body.
	text string
	// query parameters, by name (see queryParams).
	query []string
	// public routes need no token.
	public bool
	// command routes take Idempotency-Key and If-Match.
	command bool
	// errs are the problem statuses besides 401.
	errs []int
}

// Answer types of the documentation.
type (
	auditAnswer struct {
		PupilID string       `json:"pupil_id"`
		Events  []auditEvent `json:"events"`
	}
	accessLogAnswer struct {
		PupilID string                 `json:"pupil_id"`
		Entries []eventlog.AccessEntry `json:"entries"`
	}
	tokensAnswer struct {
		Tokens []user.Token `json:"tokens"`
	}
	myPupilsAnswer struct {
		Pupils []app.Delivery `json:"pupils"`
	}
	peopleAnswer struct {
		People []app.Person `json:"people"`
	}
	securityLogAnswer struct {
		Entries []eventlog.SecurityEntry `json:"entries"`
	}
	statusAnswer struct {
		Status string `json:"status"`
	}
)

var queryParams = map[string]map[string]any{
	"as_of":    {"description": "The record as it stood at the end of this day, judged on it: only what happened on or before it counts (default: today in England).", "schema": map[string]any{"type": "string", "format": "date"}},
	"known_at": {"description": "Also leave out what was recorded after this instant (RFC 3339): the record as it was known then.", "schema": map[string]any{"type": "string", "format": "date-time"}},
	"min_seq":  {"description": "Wait (up to about 5 s) until the views have applied this stream sequence; 503 if they cannot.", "schema": map[string]any{"type": "integer", "minimum": 0}},
	"stage":    {"description": "Only pupils whose open cycle is at this stage.", "schema": map[string]any{"type": "string", "enum": domain.AllowedValues("caseload_stage")}},
	"overdue":  {"description": "Only pupils with an overdue review or statutory milestone.", "schema": map[string]any{"type": "boolean"}},
	"need":     {"description": "Only pupils with this census need code (primary or secondary) or area of need.", "schema": map[string]any{"type": "string"}},
	"from":     {"description": "The first day of the period (the audit trail: events that happened on or after it; trends: a month, YYYY-MM).", "schema": map[string]any{"type": "string", "format": "date"}},
	"to":       {"description": "The last day of the period, included (the audit trail: events that happened on or before it; trends: a month, YYYY-MM; delivery and impact: not after as_of).", "schema": map[string]any{"type": "string", "format": "date"}},
	"dry_run":  {"description": "Report what the import would do; change nothing.", "schema": map[string]any{"type": "boolean"}},
	"partial":  {"description": "Import the good rows even when some are refused.", "schema": map[string]any{"type": "boolean"}},
	"limit":    {"description": "How many entries, newest first (default 200, at most 2000).", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 2000}},
	"user_id":  {"description": "Only the entries about this account.", "schema": map[string]any{"type": "string", "format": "uuid"}},
	"format":   {"description": "csv to answer text/csv (as Accept: text/csv does).", "schema": map[string]any{"type": "string", "enum": []any{"csv"}}},
	"within":   {"description": "What falls due within this many days (default 30), besides everything overdue.", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": 366}},
	"school":   {"description": "Only this school (an admin must name one).", "schema": map[string]any{"type": "string", "format": "uuid"}},
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// OpenAPI builds the OpenAPI 3.1 document of the JSON API's routes.
func (s *Server) OpenAPI() map[string]any {
	sc := &schemas{components: map[string]any{}}
	sc.components["Problem"] = sc.object(typeOf(httpx.Problem{}))
	problemRef := map[string]any{"$ref": "#/components/schemas/Problem"}
	paths := map[string]any{}
	routes := append([]Route(nil), s.routeList...)
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path+routes[i].Method < routes[j].Path+routes[j].Method })
	for _, r := range routes {
		if r.Method == "" {
			continue // the catch-all that answers unknown /v1 paths with 404
		}
		o := r.op
		item, _ := paths[r.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[r.Path] = item
		}
		opID := strings.ToLower(r.Method) + strings.NewReplacer("/", "_", "{", "", "}", "", "-", "_").Replace(r.Path)
		operation := map[string]any{"summary": o.summary, "operationId": opID, "tags": []any{o.tag}}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range o.query {
			p := map[string]any{"name": q, "in": "query", "required": false}
			for k, v := range queryParams[q] {
				p[k] = v
			}
			params = append(params, p)
		}
		if o.command {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": false,
				"description": "Retries with the same key (same user and command) answer the first answer and write nothing, for 24 hours.",
				"schema":      map[string]any{"type": "string", "maxLength": 128}},
				map[string]any{"name": "If-Match", "in": "header", "required": false,
					"description": `The record's ETag ("<version>"); 409 with current_version if it has moved on.`, "schema": map[string]any{"type": "string"}})
		}
		if len(params) > 0 {
			operation["parameters"] = params
		}
		switch {
		case o.in != nil:
			operation["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": sc.ref(o.in)}}}
		case o.documentIn:
			operation["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "required": []any{"file", "kind"}, "properties": map[string]any{
					"file":                map[string]any{"type": "string", "contentMediaType": "application/octet-stream", "description": "PDF, PNG or JPEG image, Word document or plain text (judged from the bytes), at most 20 MiB."},
					"name":                map[string]any{"type": "string", "maxLength": 200, "description": "What the document is called (default: the file's name)."},
					"kind":                map[string]any{"type": "string", "enum": domain.AllowedValues("document_kind")},
					"shared_with_parents": map[string]any{"type": "boolean"},
					"shared_with_la":      map[string]any{"type": "boolean", "description": "LA reviewers with a live grant may read it."},
				}}}}}
		case o.csvIn:
			operation["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"text/csv":            map[string]any{"schema": map[string]any{"type": "string"}},
				"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "properties": map[string]any{"file": map[string]any{"type": "string", "contentMediaType": "text/csv"}}, "required": []any{"file"}}},
			}}
		}
		status := o.status
		if status == 0 {
			status = 200
		}
		content := map[string]any{}
		switch {
		case o.text != "":
			content[o.text] = map[string]any{"schema": map[string]any{"type": "string"}}
		case o.out != nil:
			content["application/json"] = map[string]any{"schema": sc.ref(o.out)}
		}
		if o.csvOut {
			content["text/csv"] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
		responses := map[string]any{strconv.Itoa(status): map[string]any{"description": http.StatusText(status), "content": content}}
		errs := o.errs
		if !o.public {
			errs = append([]int{401}, errs...)
		} else {
			operation["security"] = []any{}
		}
		for _, code := range errs {
			responses[strconv.Itoa(code)] = map[string]any{"description": http.StatusText(code),
				"content": map[string]any{"application/problem+json": map[string]any{"schema": problemRef}}}
		}
		if !slices.ContainsFunc(errs, func(c int) bool { return c >= 400 && c < 500 }) {
			// Every operation can be refused before it is routed.
			responses["431"] = map[string]any{"description": "The request's headers are too large (over 64 KiB).",
				"content": map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}}
		}
		operation["responses"] = responses
		item[strings.ToLower(r.Method)] = operation
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "sendcase", "version": "1",
			"description": "Event-sourced case management for the SEND graduated approach. Dates are YYYY-MM-DD (England); timestamps RFC 3339 UTC. Errors are application/problem+json.",
			"license":     map[string]any{"name": "GNU Affero General Public License v3.0 or later", "identifier": "AGPL-3.0-or-later"}},
		// The document is served by the server it describes.
		"servers": []any{map[string]any{"url": "/", "description": "The sendcase server that serves this document."}},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         sc.components,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
		"security": []any{map[string]any{"bearer": []any{}}},
	}
}

func (s *Server) openapi(w http.ResponseWriter, _ *http.Request) {
	s.openapiOnce.Do(func() { s.openapiJSON, _ = json.MarshalIndent(s.OpenAPI(), "", "  ") })
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(s.openapiJSON)
}
