package api

import (
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/httpx"
	"github.com/sendcase/sendcase/importer"
	"github.com/sendcase/sendcase/projections"
)

// The problems each kind of route can answer, besides 401 for a missing
// or invalid token.
var (
	cmdErrs    = []int{400, 403, 404, 409, 413, 415, 429, 503}
	actionErrs = []int{400, 403, 404, 409, 429, 503}
	viewErrs   = []int{400, 403, 404, 429, 503}
	readErrs   = []int{403, 404, 429, 503}
)

// routes is the route table: every route of the JSON API, its success
// status and its documentation. Adding a command is one line here.
func (s *Server) routes() []route {
	v := s.svc
	// cmd is a command route answered with status.
	cmd := func(pattern string, status int, e endpoint, summary, tag string) route {
		return route{pattern: pattern, handler: s.auth.Bearer(e.serve(s, status)),
			op: op{summary: summary, tag: tag, in: e.in, out: e.out, status: status, errs: cmdErrs, command: true}}
	}
	act := func(pattern string, status int, e endpoint, summary, tag string) route {
		rt := cmd(pattern, status, e, summary, tag)
		rt.op.errs = actionErrs
		return rt
	}
	// authed is a route of a signed-in user served by a hand-written handler.
	authed := func(pattern string, h func(http.ResponseWriter, *http.Request, user.User), o op) route {
		return route{pattern: pattern, handler: s.auth.Bearer(h), op: o}
	}
	public := func(pattern string, h http.HandlerFunc, o op) route {
		o.public = true
		return route{pattern: pattern, handler: h, op: o}
	}
	views := []string{"as_of", "known_at", "min_seq", "format"}
	periods := append([]string{"from", "to"}, views...)
	return []route{
		public("GET /healthz", s.healthz, op{summary: "The process is up.", tag: "operations", out: statusAnswer{}}),
		public("GET /readyz", s.readyz, op{summary: "NATS (and PostgreSQL) reachable and the views caught up.", tag: "operations", out: map[string]any{}, errs: []int{503}}),
		public("GET /metrics", s.serveMetrics, op{summary: "Prometheus metrics.", tag: "operations", text: "text/plain"}),
		public("GET /openapi.json", s.openapi, op{summary: "This document.", tag: "operations", out: map[string]any{}}),

		authed("GET /v1/me", s.me, op{summary: "The signed-in user.", tag: "setup", out: user.User{}, errs: []int{429}}),
		cmd("POST /v1/trusts", 201, command(v.CreateTrust), "Create a trust (admin).", "setup"),
		authed("GET /v1/trusts/{trust}", s.getTrust, op{summary: "A trust: schools, provision catalogue, settings.", tag: "setup", out: trust.Trust{}, errs: readErrs}),
		cmd("POST /v1/trusts/{trust}/schools", 201, command1("trust", v.AddSchool), "Add a school (admin, trust lead).", "setup"),
		cmd("POST /v1/trusts/{trust}/provisions", 201, command1("trust", v.AddProvision), "Add a costed provision to the catalogue (trust lead).", "setup"),
		cmd("PUT /v1/trusts/{trust}/settings", 200, command1("trust", v.UpdateSettings), "Set weeks per year, admin-hour weights, the referral wait and the delivery threshold (trust lead).", "setup"),
		cmd("POST /v1/trusts/{trust}/measures", 201, command1("trust", v.AddMeasure), "Add a measure of progress (name, unit, whether higher is better, lowest and highest reading) for plans' outcomes to name (trust lead).", "setup"),
		cmd("POST /v1/users", 201, command(v.CreateUser), "Create a user; the answer holds their token, shown once.", "setup"),
		act("POST /v1/users/{id}/tokens", 201, action1("id", v.IssueToken), "Issue a new token for a user (the old one stops working); shown once.", "setup"),
		act("DELETE /v1/users/{id}/tokens", 200, action1("id", v.RevokeTokens), "Revoke a user's token.", "setup"),
		cmd("PUT /v1/users/{id}/role", 200, command1("id", v.ChangeUser), "Change a user's role and schools (within their trust).", "setup"),
		authed("GET /v1/trusts/{trust}/la-access", s.laAccess, op{summary: "The trust's LA reviewers, every grant to them, and their reads, newest first.", tag: "audit", out: app.LAAccess{}, errs: readErrs}),
		authed("GET /v1/trusts/{trust}/people", s.people, op{summary: "The trust's people: role, schools, whether active, when they last signed in.", tag: "setup", out: peopleAnswer{}, errs: readErrs}),
		authed("GET /v1/me/reminders", s.myReminders, op{summary: "Which reminder emails the signed-in person has chosen, which their role is offered, and whether this service sends email.", tag: "setup", out: app.ReminderChoice{}, errs: []int{429}}),
		cmd("PUT /v1/me/reminders", 200, command(v.ChooseReminders), "Choose the signed-in person's reminder emails: digest and alerts (SENCOs), trust_summary (trust leads); what the role is not offered stays off.", "setup"),
		authed("GET /v1/me/tokens", s.myTokens, op{summary: "The signed-in user's integration tokens: name, expiry (never the tokens).", tag: "setup", out: tokensAnswer{}, errs: []int{429}}),
		cmd("POST /v1/me/tokens", 201, command(v.IssueIntegrationToken), "Make a named integration token that expires on a day within 456 days; shown once.", "setup"),
		act("DELETE /v1/me/tokens/{token}", 200, action1("token", v.RevokeIntegrationToken), "Revoke one of the signed-in user's integration tokens.", "setup"),
		act("POST /v1/users/{id}/deactivate", 200, action1("id", v.DeactivateUser), "Deactivate a user: their sessions end, their token stops and they cannot sign in.", "setup"),
		act("POST /v1/users/{id}/reactivate", 200, action1("id", v.ReactivateUser), "Give a deactivated user access again.", "setup"),
		act("POST /v1/users/{id}/invitations", 201, action1("id", v.Invite), "Invite a user to set up a passkey: a one-time link for 72 hours, emailed, or answered once when no mail is set up.", "setup"),

		cmd("POST /v1/schools/{school}/pupils", 201, command1("school", v.RegisterPupil), "Register a pupil (SENCO).", "pupils"),
		authed("POST /v1/schools/{school}/imports", s.importRegister, op{summary: "Import the SEN register from an MIS export (SENCO).", tag: "pupils", csvIn: true, out: importer.Report{}, query: []string{"dry_run", "partial"}, errs: []int{400, 403, 404, 413, 415, 429, 503}}),
		authed("GET /v1/pupils/{id}", s.getPupil, op{summary: "A pupil's full state (as it stood at as_of / known_at), with ETag.", tag: "pupils", out: pupilView{}, query: []string{"as_of", "known_at"}, errs: append([]int{400}, readErrs...)}),
		cmd("POST /v1/pupils/{id}/cycles", 201, command1("id", v.OpenCycle), "Open an APDR cycle (stage assess).", "graduated approach"),
		cmd("POST /v1/pupils/{id}/cycles/{cycle}/assessment", 200, command2("id", "cycle", v.RecordAssessment), "Record the assessment (stage → plan).", "graduated approach"),
		cmd("POST /v1/pupils/{id}/cycles/{cycle}/plan", 200, command2("id", "cycle", v.AgreePlan), "Agree the plan (stage → do); answers the outcome ids.", "graduated approach"),
		cmd("POST /v1/pupils/{id}/cycles/{cycle}/sessions", 201, command2("id", "cycle", v.LogSession), "Log a delivered session (stage do).", "graduated approach"),
		authed("GET /v1/schools/{school}/provisions/{provision}/group", s.group, op{summary: "A group provision's pupils at a school: those whose plan, being delivered, has it.", tag: "graduated approach", out: app.Group{}, errs: readErrs}),
		cmd("POST /v1/schools/{school}/provisions/{provision}/sessions", 201, command2("school", "provision", v.LogGroupSession), "Log one session of a group provision for every pupil it lists (attended or not), each on their own record; all are checked before any is logged.", "graduated approach"),
		cmd("POST /v1/pupils/{id}/cycles/{cycle}/review", 200, command2("id", "cycle", v.RecordReview), "Record the review (closes the cycle; continue opens the next).", "graduated approach"),
		cmd("POST /v1/pupils/{id}/status", 200, command1("id", v.ChangeStatus), "Change SEN status or need.", "pupils"),
		cmd("POST /v1/pupils/{id}/transfer", 200, command1("id", v.Transfer), "Move the pupil to another school of the trust.", "pupils"),
		cmd("POST /v1/pupils/{id}/leave", 200, command1("id", v.Leave), "Take the pupil off roll; history kept.", "pupils"),
		cmd("POST /v1/pupils/{id}/readmit", 200, command1("id", v.Readmit), "Re-admit a pupil who left, at a school of the trust: same UPN, history kept.", "pupils"),
		cmd("POST /v1/pupils/{id}/details", 200, command1("id", v.CorrectDetails), "Correct the pupil's name, date of birth, UPN (a temporary one replaced by the permanent one) or year group, with a reason.", "corrections"),
		cmd("POST /v1/pupils/{id}/entries/{entry}/correct", 200, commandEntry(v.CorrectEntry), "Correct an entry (the version of the event that recorded it), with a reason: the entry as it should have been recorded, under its kind. Both stay in the audit trail.", "corrections"),
		cmd("POST /v1/pupils/{id}/entries/{entry}/void", 200, commandEntry(v.VoidEntry), "Void an entry that should not have been recorded, with a reason; it stays in the audit trail.", "corrections"),
		cmd("POST /v1/pupils/{id}/erase", 200, command1("id", v.ErasePupil), "Erase the pupil's personal data (admin): the erasure is recorded, the pupil's key and UPN claim destroyed; events stay and still verify.", "pupils"),
		cmd("POST /v1/pupils/{id}/grants", 201, command1("id", v.GrantAccess), "Grant an LA reviewer read access until a date.", "pupils"),
		cmd("POST /v1/pupils/{id}/staff", 200, command1("id", v.AssignStaff), "Assign a member of staff (role staff, of the pupil's school) to deliver the pupil's plan.", "pupils"),
		cmd("POST /v1/pupils/{id}/staff/remove", 200, command1("id", v.UnassignStaff), "End a member of staff's assignment.", "pupils"),
		authed("GET /v1/pupils/{id}/delivery", s.delivery, op{summary: "What staff deliver: the current plan's outcomes and provisions and the sessions logged (assigned staff, SENCO, admin).", tag: "pupils", out: app.Delivery{}, errs: readErrs}),
		authed("GET /v1/me/due", s.myDue, op{summary: "What falls due for the signed-in SENCO or trust lead: APDR reviews and statutory milestones within `within` days (default 30), and everything overdue; `school` narrows it (an admin names one). CSV with format=csv.", tag: "pupils", out: app.DueList{}, query: []string{"within", "school", "format", "min_seq"}, errs: readErrs}),
		authed("GET /v1/me/pupils", s.myPupils, op{summary: "The pupils assigned to the signed-in member of staff.", tag: "pupils", out: myPupilsAnswer{}, errs: readErrs}),
		cmd("POST /v1/pupils/{id}/grants/revoke", 200, command1("id", v.RevokeAccess), "End an LA reviewer's access today.", "pupils"),
		cmd("POST /v1/pupils/{id}/ehcp/milestones", 201, command1("id", v.RecordEHCP), "Record an event of the EHC process.", "ehcp"),
		authed("GET /v1/pupils/{id}/ehcp", s.getEHCP, op{summary: "The EHCP statutory clock as of a date.", tag: "ehcp", out: ehcp.View{}, query: []string{"as_of", "known_at"}, errs: []int{400, 404, 429, 503}}),
		cmd("POST /v1/pupils/{id}/meetings", 201, command1("id", v.RecordMeeting), "Record a meeting with the parents held outside a plan or review (who came, what was agreed); it counts towards the three a year.", "pupils"),
		authed("POST /v1/pupils/{id}/documents", s.addDocument, op{summary: "Attach a document to the record (SENCO): multipart/form-data with the file, its name and kind, and whether it is shared with the parents or the LA. Stored sealed under the pupil's key.", tag: "documents", documentIn: true, status: 201, out: app.Result{}, command: true, errs: cmdErrs}),
		authed("GET /v1/pupils/{id}/documents", s.documents, op{summary: "The documents of the record the user may read: all for the school and trust; those shared with the LA for a reviewer with a live grant.", tag: "documents", out: documentsAnswer{}, errs: readErrs}),
		authed("GET /v1/pupils/{id}/documents/{doc}", s.document, op{summary: "A document's file, as it was attached; each read is logged in the record's access log.", tag: "documents", text: "application/octet-stream", errs: append([]int{409}, readErrs...)}),
		cmd("POST /v1/pupils/{id}/parents", 201, command1("id", v.InviteParent), "Invite a parent or carer to the pupil (SENCO): their account (role parent) is made if there is none for the email, linked with the relationship and parental responsibility, and sent an invitation (its link answered once when no mail is set up).", "parents"),
		authed("GET /v1/me/children", s.myChildren, op{summary: "A parent's children.", tag: "parents", out: childrenAnswer{}, errs: readErrs}),
		authed("GET /v1/children/{id}", s.child, op{summary: "A parent's view of their child: the plan and its support in plain words, the dates coming, the EHC plan's stage, the profile, the documents shared with them, their own views.", tag: "parents", out: app.Child{}, errs: readErrs}),
		cmd("POST /v1/children/{id}/views", 201, command1("id", v.GiveViews), "A parent's views of their child's plan or review, in their own words (about: plan, review, general).", "parents"),
		cmd("POST /v1/children/{id}/meeting-requests", 201, command1("id", v.AskForMeeting), "A parent asks for a meeting about their child.", "parents"),
		cmd("POST /v1/pupils/{id}/professionals", 201, command1("id", v.InviteProfessional), "Ask an outside professional in (SENCO) for advice asked for (advice_entry: the advice_requested record's entry) or a referral's report (referral_id): their account (role professional) is made if there is none for the email and invited; while the request is open they see the pupil's name, date of birth, year group and school, the message, and what it shares (share_plan, share_about_me, document_ids).", "professionals"),
		authed("GET /v1/me/requests", s.myRequests, op{summary: "A professional's requests, newest first; the pupil is named only while a request is open.", tag: "professionals", out: requestsAnswer{}, errs: readErrs}),
		authed("GET /v1/pupils/{id}/requests/{req}", s.request, op{summary: "An open request as the professional asked sees it: the pupil, what is asked, and what the school shares.", tag: "professionals", out: app.Request{}, errs: readErrs}),
		authed("POST /v1/pupils/{id}/requests/{req}/answer", s.answerRequest, op{summary: "The professional's advice or report (multipart/form-data: the file in \"file\", its name in \"name\"): attached to the record and, in the same commit, recorded as advice_received on the EHC clock or the referral's report_received, today. Closes the request.", tag: "professionals", documentIn: true, status: 201, out: app.Result{}, command: true, errs: cmdErrs}),
		cmd("POST /v1/pupils/{id}/about-me", 201, command1("id", v.WriteAboutMe), "Write the pupil's one-page profile (what people like about them, what is important to them, how best to support them) with the pupil or parents; it replaces the last.", "pupils"),
		cmd("POST /v1/pupils/{id}/referrals", 201, command1("id", v.MakeReferral), "Refer the pupil to an outside service.", "referrals"),
		cmd("POST /v1/pupils/{id}/referrals/{ref}/status", 200, command2("id", "ref", v.ChangeReferral), "Move a referral on (accepted, declined, seen, report_received, closed).", "referrals"),

		authed("GET /v1/schools/{school}/caseload", s.caseload, op{summary: "The SENCO's caseload.", tag: "views", out: app.Caseload{}, csvOut: true, query: append([]string{"stage", "overdue", "need"}, views...), errs: viewErrs}),
		authed("GET /v1/trusts/{trust}/workload", s.workload, op{summary: "EHCP and APDR administrative load by school.", tag: "views", out: projections.Workload{}, csvOut: true, query: views, errs: viewErrs}),
		authed("GET /v1/trusts/{trust}/trends", s.trustTrends, op{summary: "Month by month: the workload at each month's end, and the last 12 months' timeliness of final plans and annual reviews (trust lead).", tag: "views", out: projections.Trends{}, csvOut: true, query: []string{"from", "to", "min_seq", "format"}, errs: viewErrs}),
		authed("GET /v1/schools/{school}/trends", s.schoolTrends, op{summary: "A school's own trends, month by month (SENCO).", tag: "views", out: projections.Trends{}, csvOut: true, query: []string{"from", "to", "min_seq", "format"}, errs: viewErrs}),
		authed("GET /v1/schools/{school}/provision-map", s.provisionMap, op{summary: "Costed provision map of a school.", tag: "views", out: projections.ProvisionMap{}, csvOut: true, query: views, errs: viewErrs}),
		authed("GET /v1/trusts/{trust}/provision-map", s.provisionMap, op{summary: "Costed provision map of a trust.", tag: "views", out: projections.ProvisionMap{}, csvOut: true, query: views, errs: viewErrs}),
		authed("GET /v1/schools/{school}/delivery", s.deliveryView, op{summary: "Minutes planned against delivered and attended, per provision and per pupil, from `from` to `to` (default: the 4 weeks to as_of), and the pupils under the trust's delivery threshold.", tag: "views", out: projections.Delivery{}, csvOut: true, query: periods, errs: viewErrs}),
		authed("GET /v1/trusts/{trust}/delivery", s.deliveryView, op{summary: "Delivery across the trust, per provision and per school (trust lead).", tag: "views", out: projections.Delivery{}, csvOut: true, query: periods, errs: viewErrs}),
		authed("GET /v1/schools/{school}/impact", s.impactView, op{summary: "Impact of each provision over the reviews held from `from` to `to` (default: this school year): outcomes met, progress on each measure, cost and cost per outcome met, by area of need and year group. Figures for fewer than 5 pupils are withheld except from the school's SENCO.", tag: "views", out: projections.Impact{}, csvOut: true, query: periods, errs: viewErrs}),
		authed("GET /v1/trusts/{trust}/impact", s.impactView, op{summary: "Impact of each provision across the trust, also by school; figures for fewer than 5 pupils are withheld (trust lead).", tag: "views", out: projections.Impact{}, csvOut: true, query: periods, errs: viewErrs}),
		cmd("POST /v1/trusts/{trust}/review-statements", 201, command1("trust", v.AddStatement), "Add a statement of the trust's own to an area of the MAT SEND review (trust lead).", "inclusion"),
		cmd("POST /v1/schools/{school}/review-rounds", 201, command1("school", v.OpenRound), "Open a MAT SEND review round of a school (its SENCO, the trust lead).", "inclusion"),
		authed("GET /v1/review-rounds/{round}", s.round, op{summary: "A review round: each statement's rating and evidence, the areas' scores, actions, reviewers and comments (the school's SENCO, the trust lead, invited reviewers).", tag: "inclusion", out: app.RoundView{}, errs: readErrs}),
		cmd("POST /v1/review-rounds/{round}/ratings", 200, command1("round", v.RateArea), "Rate statements of one area (secure, developing, not_yet), with current examples of strengths and areas for improvement.", "inclusion"),
		cmd("POST /v1/review-rounds/{round}/actions", 201, command1("round", v.AddReviewAction), "Add an action with an owner (a SENCO or the trust lead) and a due date; it shows on their Due soon.", "inclusion"),
		cmd("POST /v1/review-rounds/{round}/actions/done", 200, command1("round", v.CompleteReviewAction), "Mark an action done.", "inclusion"),
		cmd("POST /v1/review-rounds/{round}/reviewers", 201, command1("round", v.InviteRoundReviewer), "Invite a SENCO or trust lead of another trust to read the round and comment.", "inclusion"),
		cmd("POST /v1/review-rounds/{round}/comments", 201, command1("round", v.CommentOnRound), "Comment on the round, or on one statement (whoever reads the round).", "inclusion"),
		authed("POST /v1/review-rounds/{round}/evidence", s.addEvidence, op{summary: "Attach a document to the round as evidence (multipart/form-data: the file in \"file\", its name in \"name\", the statement it evidences in \"statement_id\"): checked by content, at most 20 MiB.", tag: "inclusion", documentIn: true, status: 201, out: app.Result{}, command: true, errs: cmdErrs}),
		authed("GET /v1/review-rounds/{round}/evidence/{doc}", s.evidence, op{summary: "A round's evidence document, as attached (whoever reads the round).", tag: "inclusion", text: "application/octet-stream", errs: readErrs}),
		authed("GET /v1/me/review-rounds", s.myRounds, op{summary: "The review rounds the signed-in person is invited to review.", tag: "inclusion", out: roundsAnswer{}, errs: readErrs}),
		authed("GET /v1/trusts/{trust}/reviews", s.reviews, op{summary: "The MAT SEND review's heat map: each school's latest round by area, the change since the round before, and the open actions (trust lead).", tag: "inclusion", out: projections.ReviewMap{}, csvOut: true, query: []string{"format"}, errs: viewErrs}),
		authed("GET /v1/schools/{school}/reviews", s.reviews, op{summary: "A school's MAT SEND review rounds by area (its SENCO, the trust lead).", tag: "inclusion", out: projections.ReviewMap{}, csvOut: true, query: []string{"format"}, errs: viewErrs}),
		authed("GET /v1/trusts/{trust}/patterns-of-need", s.patterns, op{summary: "Pupils on SEN support and with EHC plans by primary need and broad area, as counts and shares of the roll, beside the national figures; the schools that differ most from the trust; the trust's areas at each term end of two years (trust lead).", tag: "inclusion", out: projections.Patterns{}, csvOut: true, query: views, errs: viewErrs}),
		authed("GET /v1/schools/{school}/patterns-of-need", s.patterns, op{summary: "A school's patterns of need (its SENCO, the trust lead; fewer than 5 pupils withheld from the lead).", tag: "inclusion", out: projections.Patterns{}, csvOut: true, query: views, errs: viewErrs}),
		authed("GET /v1/trusts/{trust}/attendance", s.attendance, op{summary: "Attendance, suspensions and permanent exclusions by SEN status, term by term, and the ratio of each SEN group's rate to the no-SEN rate, per school and for the trust; fewer than 5 pupils withheld (trust lead).", tag: "inclusion", out: projections.AttendanceView{}, csvOut: true, query: []string{"format"}, errs: viewErrs}),
		authed("GET /v1/schools/{school}/attendance", s.attendance, op{summary: "A school's attendance and exclusions by SEN status (its SENCO, the trust lead).", tag: "inclusion", out: projections.AttendanceView{}, csvOut: true, query: []string{"format"}, errs: viewErrs}),
		authed("POST /v1/schools/{school}/attendance-imports", s.importAttendance, op{summary: "Import a school's counts by SEN status for one or more terms from its MIS (text/csv, or multipart with \"file\"): term, sen_status (N, K, E), on_roll, sessions_possible, sessions_attended, suspended_pupils, suspension_days, permanent_exclusions. Only counts. dry_run=true reports without recording; a refused row records nothing; the same file twice changes nothing (SENCO).", tag: "inclusion", csvIn: true, out: importer.AttendanceReport{}, query: []string{"dry_run"}, errs: []int{400, 403, 404, 413, 415, 429, 503}}),
		authed("GET /v1/pupils/{id}/audit", s.audit, op{summary: "The pupil's audit trail with its hash chain.", tag: "audit", out: auditAnswer{}, csvOut: true, query: []string{"from", "to", "as_of", "known_at", "min_seq", "format"}, errs: viewErrs}),
		authed("GET /v1/security-log", s.securityLog, op{summary: "Sign-ins, refused sign-ins, invitations, deactivations, tokens and LA access, newest first: every entry for an admin, the trust's own for a trust lead. No secrets.", tag: "setup", out: securityLogAnswer{}, query: []string{"limit", "user_id"}, errs: viewErrs}),
		authed("GET /v1/pupils/{id}/access-log", s.accessLog, op{summary: "Reads of the pupil's record by LA reviewers (who, when, what).", tag: "audit", out: accessLogAnswer{}, errs: readErrs}),
		authed("GET /v1/pupils/{id}/audit/verify", s.verifyAudit, op{summary: "Verify the pupil's hash chain against the recorded anchor.", tag: "audit", out: app.Verification{}, errs: []int{404, 429, 503}}),

		// Any other /v1 path: a problem, not the UI's page.
		{pattern: "/v1/", handler: s.auth.Bearer(func(w http.ResponseWriter, _ *http.Request, _ user.User) {
			httpx.WriteProblem(w, httpx.New(http.StatusNotFound, httpx.TypeNotFound, "No such endpoint."))
		})},
	}
}
