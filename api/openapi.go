package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/importer"
	"github.com/sendcase/sendcase/projections"
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
	// errs are the problem statuses besides 401.
	errs []int
}

// Route is a registered route with its documentation.
type Route struct {
	Method, Path string
	op           op
}

// handle registers pattern ("METHOD /path") with its documentation.
func (s *Server) handle(pattern string, h http.HandlerFunc, o op) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "", pattern // any method
	}
	s.mux.HandleFunc(pattern, h)
	// "{$}" (match the path exactly) is ServeMux syntax, not OpenAPI's.
	s.routeList = append(s.routeList, Route{Method: method, Path: strings.ReplaceAll(path, "{$}", ""), op: o})
}

// Routes lists the documented routes.
func (s *Server) Routes() []Route { return s.routeList }

// Pattern is the route pattern r would be served by ("" for none).
func (s *Server) Pattern(r *http.Request) string {
	_, p := s.mux.Handler(r)
	return p
}

// Answer types of the documentation.
type (
	commandAnswer struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
		Seq     uint64 `json:"seq"`
	}
	userAnswer struct {
		commandAnswer
		Token string `json:"token"`
	}
	planAnswer struct {
		commandAnswer
		Stage    string          `json:"stage"`
		Outcomes []pupil.Outcome `json:"outcomes"`
	}
	caseloadAnswer struct {
		AsOf   string                    `json:"as_of"`
		Pupils []projections.CaseloadRow `json:"pupils"`
	}
	auditAnswer struct {
		PupilID string       `json:"pupil_id"`
		Events  []auditEvent `json:"events"`
	}
	accessLogAnswer struct {
		PupilID string                   `json:"pupil_id"`
		Entries []eventstore.AccessEntry `json:"entries"`
	}
	statusAnswer struct {
		Status string `json:"status"`
	}
)

var queryParams = map[string]map[string]any{
	"as_of":   {"description": "Judge due and overdue on this date (default: today in England).", "schema": map[string]any{"type": "string", "format": "date"}},
	"min_seq": {"description": "Wait (up to about 5 s) until the views have applied this stream sequence; 503 if they cannot.", "schema": map[string]any{"type": "integer", "minimum": 0}},
	"stage":   {"description": "Only pupils whose open cycle is at this stage.", "schema": map[string]any{"type": "string", "enum": []any{"assess", "plan", "do", "none"}}},
	"overdue": {"description": "Only pupils with an overdue review or statutory milestone.", "schema": map[string]any{"type": "boolean"}},
	"need":    {"description": "Only pupils with this census need code (primary or secondary) or area of need.", "schema": map[string]any{"type": "string"}},
	"from":    {"description": "Only events that happened on or after this date.", "schema": map[string]any{"type": "string", "format": "date"}},
	"to":      {"description": "Only events that happened on or before this date.", "schema": map[string]any{"type": "string", "format": "date"}},
	"dry_run": {"description": "Report what the import would do; change nothing.", "schema": map[string]any{"type": "boolean"}},
	"partial": {"description": "Import the good rows even when some are refused.", "schema": map[string]any{"type": "boolean"}},
	"format":  {"description": "csv to answer text/csv (as Accept: text/csv does).", "schema": map[string]any{"type": "string", "enum": []any{"csv"}}},
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// OpenAPI builds the OpenAPI 3.1 document of the routes.
func (s *Server) OpenAPI() map[string]any {
	sc := &schemas{components: map[string]any{}}
	sc.components["Problem"] = sc.object(typeOf(Problem{}))
	sc.components["FieldError"] = sc.object(typeOf(domain.FieldError{}))
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
		if o.in != nil || o.csvIn {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": false,
				"description": "Retries with the same key (same user and path) answer the first answer and write nothing, for 24 hours.",
				"schema":      map[string]any{"type": "string", "maxLength": 128}})
		}
		if strings.HasPrefix(r.Path, "/v1/pupils/{id}/") && o.in != nil {
			params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": false,
				"description": `The pupil's ETag ("<version>"); 409 with current_version if it has moved on.`, "schema": map[string]any{"type": "string"}})
		}
		if len(params) > 0 {
			operation["parameters"] = params
		}
		switch {
		case o.in != nil:
			operation["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": sc.ref(o.in)}}}
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
		operation["responses"] = responses
		item[strings.ToLower(r.Method)] = operation
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "sendcase", "version": "1",
			"description": "Event-sourced case management for the SEND graduated approach. Dates are YYYY-MM-DD (England); timestamps RFC 3339 UTC. Errors are application/problem+json."},
		"paths": paths,
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

// Documentation of every route, kept next to the list of routes.
var (
	cmdErrs  = []int{400, 403, 404, 409, 413, 415}
	viewErrs = []int{400, 403, 404, 503}
)

func (s *Server) routes() {
	h := s.handle
	h("GET /healthz", s.healthz, op{summary: "The process is up.", tag: "operations", out: statusAnswer{}, public: true})
	h("GET /readyz", s.readyz, op{summary: "NATS (and PostgreSQL) reachable and the views caught up.", tag: "operations", out: map[string]any{}, public: true, errs: []int{503}})
	h("GET /metrics", promHandler(s.metrics), op{summary: "Prometheus metrics.", tag: "operations", text: "text/plain", public: true})
	h("GET /openapi.json", s.openapi, op{summary: "This document.", tag: "operations", out: map[string]any{}, public: true})

	a := s.authed
	h("GET /v1/me", a(s.me), op{summary: "The signed-in user.", tag: "setup", out: user.User{}})
	h("POST /v1/trusts", a(s.createTrust), op{summary: "Create a trust (admin).", tag: "setup", in: trust.Create{}, out: commandAnswer{}, status: 201, errs: cmdErrs})
	h("GET /v1/trusts/{trust}", a(s.getTrust), op{summary: "A trust: schools, provision catalogue, settings.", tag: "setup", out: trust.Trust{}, errs: []int{404}})
	h("POST /v1/trusts/{trust}/schools", a(s.addSchool), op{summary: "Add a school (admin, trust lead).", tag: "setup", in: trust.AddSchool{}, out: commandAnswer{}, status: 201, errs: cmdErrs})
	h("POST /v1/trusts/{trust}/provisions", a(s.addProvision), op{summary: "Add a costed provision to the catalogue (trust lead).", tag: "setup", in: trust.AddProvision{}, out: commandAnswer{}, status: 201, errs: cmdErrs})
	h("PUT /v1/trusts/{trust}/settings", a(s.updateSettings), op{summary: "Set weeks per year and admin-hour weights (trust lead).", tag: "setup", in: trust.UpdateSettings{}, out: commandAnswer{}, errs: cmdErrs})
	h("POST /v1/users", a(s.createUser), op{summary: "Create a user; the answer holds their token, shown once.", tag: "setup", in: user.Create{}, out: userAnswer{}, status: 201, errs: cmdErrs})
	h("POST /v1/users/{id}/tokens", a(s.issueToken), op{summary: "Issue a new token for a user (the old one stops working); shown once.", tag: "setup", out: userAnswer{}, status: 201, errs: []int{403, 404, 429}})
	h("DELETE /v1/users/{id}/tokens", a(s.revokeTokens), op{summary: "Revoke a user's token.", tag: "setup", out: commandAnswer{}, errs: []int{403, 404, 429}})

	h("POST /v1/schools/{school}/pupils", a(s.registerPupil), op{summary: "Register a pupil (SENCO).", tag: "pupils", in: pupil.Register{}, out: commandAnswer{}, status: 201, errs: cmdErrs})
	h("POST /v1/schools/{school}/imports", a(s.importRegister), op{summary: "Import the SEN register from an MIS export (SENCO).", tag: "pupils", csvIn: true, out: importer.Report{}, query: []string{"dry_run", "partial"}, errs: []int{400, 403, 404, 413, 415}})
	h("GET /v1/pupils/{id}", a(s.getPupil), op{summary: "A pupil's full current state, with ETag.", tag: "pupils", out: pupilView{}, errs: []int{403, 404}})
	h("POST /v1/pupils/{id}/cycles", a(s.openCycle), op{summary: "Open an APDR cycle (stage assess).", tag: "graduated approach", in: pupil.OpenCycleCmd{}, out: commandAnswer{}, status: 201, errs: cmdErrs})
	h("POST /v1/pupils/{id}/cycles/{cycle}/assessment", a(s.recordAssessment), op{summary: "Record the assessment (stage → plan).", tag: "graduated approach", in: pupil.RecordAssessment{}, out: commandAnswer{}, errs: cmdErrs})
	h("POST /v1/pupils/{id}/cycles/{cycle}/plan", a(s.agreePlan), op{summary: "Agree the plan (stage → do); answers the outcome ids.", tag: "graduated approach", in: pupil.AgreePlan{}, out: planAnswer{}, errs: cmdErrs})
	h("POST /v1/pupils/{id}/cycles/{cycle}/sessions", a(s.logSession), op{summary: "Log a delivered session (stage do).", tag: "graduated approach", in: pupil.LogSession{}, out: commandAnswer{}, status: 201, errs: cmdErrs})
	h("POST /v1/pupils/{id}/cycles/{cycle}/review", a(s.recordReview), op{summary: "Record the review (closes the cycle; continue opens the next).", tag: "graduated approach", in: pupil.RecordReview{}, out: commandAnswer{}, errs: cmdErrs})
	h("POST /v1/pupils/{id}/status", a(s.changeStatus), op{summary: "Change SEN status or need.", tag: "pupils", in: pupil.ChangeStatus{}, out: commandAnswer{}, errs: cmdErrs})
	h("POST /v1/pupils/{id}/transfer", a(s.transfer), op{summary: "Move the pupil to another school of the trust.", tag: "pupils", in: pupil.Transfer{}, out: commandAnswer{}, errs: cmdErrs})
	h("POST /v1/pupils/{id}/leave", a(s.leave), op{summary: "Take the pupil off roll; history kept.", tag: "pupils", in: pupil.Leave{}, out: commandAnswer{}, errs: cmdErrs})
	h("POST /v1/pupils/{id}/erase", a(s.erase), op{summary: "Erase the pupil's personal data (admin): the erasure is recorded, the pupil's key and UPN claim destroyed; events stay and still verify.", tag: "pupils", in: pupil.Erase{}, out: commandAnswer{}, errs: cmdErrs})
	h("POST /v1/pupils/{id}/grants", a(s.grantAccess), op{summary: "Grant an LA reviewer read access until a date.", tag: "pupils", in: pupil.GrantAccess{}, out: commandAnswer{}, status: 201, errs: cmdErrs})
	h("POST /v1/pupils/{id}/ehcp/milestones", a(s.recordEHCP), op{summary: "Record an event of the EHC process.", tag: "ehcp", in: ehcp.Command{}, out: commandAnswer{}, status: 201, errs: cmdErrs})
	h("GET /v1/pupils/{id}/ehcp", a(s.getEHCP), op{summary: "The EHCP statutory clock as of a date.", tag: "ehcp", out: ehcp.View{}, query: []string{"as_of"}, errs: []int{400, 404}})
	h("POST /v1/pupils/{id}/referrals", a(s.makeReferral), op{summary: "Refer the pupil to an outside service.", tag: "referrals", in: pupil.MakeReferral{}, out: commandAnswer{}, status: 201, errs: cmdErrs})
	h("POST /v1/pupils/{id}/referrals/{ref}/status", a(s.changeReferral), op{summary: "Move a referral on (accepted, declined, seen, report_received, closed).", tag: "referrals", in: pupil.ChangeReferral{}, out: commandAnswer{}, errs: cmdErrs})

	h("GET /v1/schools/{school}/caseload", a(s.caseload), op{summary: "The SENCO's caseload.", tag: "views", out: caseloadAnswer{}, csvOut: true, query: []string{"as_of", "min_seq", "stage", "overdue", "need", "format"}, errs: viewErrs})
	h("GET /v1/trusts/{trust}/workload", a(s.workload), op{summary: "EHCP and APDR administrative load by school.", tag: "views", out: projections.Workload{}, csvOut: true, query: []string{"as_of", "min_seq", "format"}, errs: viewErrs})
	h("GET /v1/schools/{school}/provision-map", a(s.provisionMap), op{summary: "Costed provision map of a school.", tag: "views", out: projections.ProvisionMap{}, csvOut: true, query: []string{"as_of", "min_seq", "format"}, errs: viewErrs})
	h("GET /v1/trusts/{trust}/provision-map", a(s.provisionMap), op{summary: "Costed provision map of a trust.", tag: "views", out: projections.ProvisionMap{}, csvOut: true, query: []string{"as_of", "min_seq", "format"}, errs: viewErrs})
	h("GET /v1/pupils/{id}/audit", a(s.audit), op{summary: "The pupil's audit trail with its hash chain.", tag: "audit", out: auditAnswer{}, csvOut: true, query: []string{"from", "to", "min_seq", "format"}, errs: viewErrs})
	h("GET /v1/pupils/{id}/access-log", a(s.accessLog), op{summary: "Reads of the pupil's record by LA reviewers (who, when, what).", tag: "audit", out: accessLogAnswer{}, errs: []int{403, 404}})
	h("GET /v1/pupils/{id}/audit/verify", a(s.verifyAudit), op{summary: "Verify the pupil's hash chain against the recorded anchor.", tag: "audit", out: verification{}, errs: []int{404, 503}})

	s.uiRoutes()

	h("/v1/", a(func(w http.ResponseWriter, r *http.Request, _ principal) {
		problem(w, http.StatusNotFound, "No such endpoint.")
	}), op{})
}
