// Package web is sendcase's HTML UI: server-rendered pages and forms
// (GOV.UK patterns, no JavaScript) for SENCOs, trust leads, LA reviewers
// and admins. Each handler (one a file) reads its form, calls one use case
// of package app and renders a template; access rules and error statuses
// are app's and httpx's, never decided here.
package web

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/httpx"
	"github.com/sendcase/sendcase/sso"
)

// Server is the web UI.
type Server struct {
	svc       *app.Service
	log       *slog.Logger
	auth      *httpx.Auth
	providers []*sso.Provider

	routeList []Route
}

// New builds the UI on svc, offering sign-in through providers.
func New(svc *app.Service, auth *httpx.Auth, log *slog.Logger, providers ...*sso.Provider) *Server {
	if log == nil {
		log = slog.Default()
	}
	return &Server{svc: svc, log: log, auth: auth, providers: providers}
}

// Route is a registered route.
type Route struct {
	Method, Path, Summary string
}

// Routes lists the UI's routes.
func (s *Server) Routes() []Route { return s.routeList }

// Register adds the UI's routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	u := s.signedIn
	limit := s.auth.SignInLimit
	for _, rt := range []struct {
		pattern string
		h       http.HandlerFunc
		summary string
	}{
		{"GET /ui/login", s.login, "Sign-in form."},
		{"POST /ui/login", limit(s.login), "Sign in with a token (form field token)."},
		{"GET /ui/login/oidc/{provider}", limit(s.oidcBegin), "Sign in through an OpenID Connect provider."},
		{"GET " + sso.CallbackPath, limit(s.oidcCallback), "Where the OpenID Connect provider sends the browser back."},
		{"POST /ui/login/passkey/options", limit(s.passkeySignInOptions), "Start signing in with a passkey (JSON)."},
		{"POST /ui/login/passkey", limit(s.passkeySignIn), "Sign in with a passkey (JSON)."},
		{"GET /ui/setup", limit(s.firstAdmin), "Set up the first administrator (a new service, from its own machine)."},
		{"POST /ui/setup", limit(s.firstAdmin), "Set up the first administrator."},
		{"GET /ui/invitations/{secret}", limit(s.invitation), "An invitation: set up a passkey."},
		{"POST /ui/invitations/{secret}/options", limit(s.invitationOptions), "Start registering a passkey (JSON)."},
		{"POST /ui/invitations/{secret}", limit(s.invitationFinish), "Register the passkey and sign in (JSON)."},
		{"POST /ui/logout", u(s.logout), "Sign out."},
		{"GET /ui/", u(s.home), "Each role's first page."},
		{"GET /ui/admin", u(s.trustsPage), "Trusts (admin)."},
		{"POST /ui/admin", u(s.trustsPage), "Create a trust (admin)."},
		{"GET /ui/trusts/{trust}/people", u(s.people), "The trust's people."},
		{"POST /ui/trusts/{trust}/people", u(s.people), "Add a person and invite them."},
		{"POST /ui/trusts/{trust}/people/{id}/{action}", u(s.personAction), "Invite, deactivate, reactivate, or change the role of a person."},
		{"GET /ui/trusts/{trust}/schools", u(s.schools), "The trust's schools."},
		{"POST /ui/trusts/{trust}/schools", u(s.schools), "Add a school."},
		{"GET /ui/trusts/{trust}/provisions", u(s.provisions), "The provision catalogue."},
		{"POST /ui/trusts/{trust}/provisions", u(s.provisions), "Add a provision to the catalogue."},
		{"GET /ui/trusts/{trust}/measures", u(s.measures), "The trust's measures of progress."},
		{"POST /ui/trusts/{trust}/measures", u(s.measures), "Add a measure of progress."},
		{"GET /ui/trusts/{trust}/settings", u(s.settings), "Weeks per year and admin hours."},
		{"POST /ui/trusts/{trust}/settings", u(s.settings), "Save the settings."},
		{"GET /ui/trusts/{trust}/la-access", u(s.laAccess), "The trust's LA reviewers, grants and reads."},
		{"GET /ui/security", u(s.security), "The security log (admin, trust lead)."},
		{"GET /ui/tokens", u(s.tokens), "The user's integration tokens."},
		{"POST /ui/tokens", u(s.tokens), "Make an integration token (shown once)."},
		{"POST /ui/tokens/{token}/revoke", u(s.revokeToken), "Revoke an integration token."},
		{"GET /ui/schools/{school}/caseload", u(s.caseload), "The SENCO's caseload."},
		{"GET /ui/schools/{school}/pupils/new", u(s.register), "Register a pupil."},
		{"POST /ui/schools/{school}/pupils/new", u(s.register), "Register a pupil."},
		{"GET /ui/schools/{school}/import", u(s.importRegister), "Import the SEN register."},
		{"POST /ui/schools/{school}/import", u(s.importRegister), "Import the SEN register."},
		{"GET /ui/pupils/{id}", u(s.pupil), "A pupil's record and forms."},
		{"POST /ui/pupils/{id}/{form}", u(s.pupilForm), "Record something on a pupil's record."},
		{"GET /ui/pupils/{id}/entries/{entry}", u(s.entry), "An entry of a pupil's record, to correct or void."},
		{"POST /ui/pupils/{id}/entries/{entry}/{action}", u(s.entry), "Correct (action correct) or void (action void) an entry, with a reason."},
		{"GET /ui/pupils/{id}/plan", u(s.planPrint), "Printable SEN support plan for parents."},
		{"GET /ui/pupils/{id}/about-me", u(s.aboutMePrint), "The pupil's one-page profile, to print."},
		{"GET /ui/pupils/{id}/documents/{doc}", u(s.document), "Download a document of the record (logged)."},
		{"POST /ui/pupils/{id}/parents", u(s.inviteParent), "Invite a parent or carer to the pupil (their account is made if need be)."},
		{"POST /ui/pupils/{id}/professionals", u(s.inviteProfessional), "Ask an outside professional in for advice asked for or a referral's report (their account is made if need be)."},
		{"GET /ui/requests", u(s.requests), "A professional's requests for advice or a report."},
		{"GET /ui/pupils/{id}/requests/{req}", u(s.request), "An open request as the professional sees it, with the form sending their advice or report."},
		{"POST /ui/pupils/{id}/requests/{req}", u(s.request), "Send the professional's advice or report (multipart: file, name)."},
		{"GET /ui/children", u(s.children), "A parent's children."},
		{"GET /ui/children/{id}", u(s.child), "A parent's page of their child: the plan in plain words, dates, documents shared."},
		{"POST /ui/children/{id}/{form}", u(s.childForm), "A parent gives their views (form views) or asks for a meeting (form meeting)."},
		{"GET /ui/pupils/{id}/letters/{letter}", u(s.letter), "A letter filled from the record, to print: annual-review (the invitation, ?to=parents or professional) or advice-request."},
		{"GET /ui/pupils/{id}/audit", u(s.audit), "Printable audit trail with its verification."},
		{"GET /ui/trusts/{trust}/workload", u(s.workload), "The trust's workload dashboard."},
		{"GET /ui/trusts/{trust}/provision-map", u(s.provisionMap), "The costed provision map."},
		{"GET /ui/schools/{school}/provision-map", u(s.schoolProvisionMap), "A school's costed provision map (its SENCO's)."},
		{"GET /ui/schools/{school}/impact", u(s.schoolImpact), "The impact of a school's provision over a period (from, to)."},
		{"GET /ui/trusts/{trust}/impact", u(s.trustImpact), "The impact of the trust's provision over a period, by school."},
		{"GET /ui/schools/{school}/delivery", u(s.schoolDelivery), "A school's provision delivered against planned over a period, and who is behind."},
		{"GET /ui/trusts/{trust}/delivery", u(s.trustDelivery), "The trust's provision delivered against planned over a period, by school."},
		{"GET /ui/schools/{school}/provisions/{provision}/session", u(s.groupSession), "A group provision's register: one session for every pupil in it."},
		{"POST /ui/schools/{school}/provisions/{provision}/session", u(s.groupSession), "Log a group session: who attended, who did not."},
		{"GET /ui/trusts/{trust}/reviews", u(s.matReviews), "The MAT SEND review of the trust: the heat map of schools by area, open actions, the trust's own statements."},
		{"POST /ui/trusts/{trust}/reviews", u(s.matReviews), "Add a statement of the trust's own to the review."},
		{"GET /ui/schools/{school}/reviews", u(s.matReviews), "A school's MAT SEND review: its latest round by area, its rounds, open actions."},
		{"POST /ui/schools/{school}/reviews", u(s.matReviews), "Open a review round of the school."},
		{"GET /ui/rounds/{round}", u(s.round), "A review round: each area's statements rated with evidence, actions, reviewers, comments."},
		{"GET /ui/rounds/{round}/report", u(s.round), "A review round's report, to print."},
		{"POST /ui/rounds/{round}/{form}", u(s.roundForm), "A review round's forms: rate (an area), action, done, reviewer, comment, evidence (multipart)."},
		{"GET /ui/rounds/{round}/evidence/{doc}", u(s.evidence), "Download a document of a round's evidence."},
		{"GET /ui/review-rounds", u(s.peerReviews), "The rounds of other trusts the signed-in person is invited to review."},
		{"GET /ui/trusts/{trust}/patterns", u(s.patterns), "Patterns of need across the trust (?as_of=)."},
		{"GET /ui/schools/{school}/patterns", u(s.patterns), "A school's patterns of need (?as_of=)."},
		{"GET /ui/trusts/{trust}/attendance", u(s.attendance), "Attendance and exclusions by SEN status across the trust."},
		{"GET /ui/schools/{school}/attendance", u(s.attendance), "A school's attendance and exclusions by SEN status."},
		{"POST /ui/schools/{school}/attendance", u(s.attendance), "Import a school's attendance and exclusion counts (multipart: file, dry_run)."},
		{"GET /ui/due", u(s.due), "What falls due for a SENCO or trust lead, each line linking to its form."},
		{"POST /ui/calendar", u(s.calendar), "Make a new calendar feed address (action new) or stop the feed (action stop)."},
		{"GET /ui/reminders", u(s.reminders), "Which reminder emails the signed-in person wants."},
		{"POST /ui/reminders", u(s.reminders), "Save the choice of reminder emails (digest, alerts, trust_summary: on)."},
		{"GET /ui/unsubscribe/{token}", limit(s.unsubscribe), "An email's unsubscribe link: confirm stopping the reminder emails."},
		{"POST /ui/unsubscribe/{token}", limit(s.unsubscribe), "Stop the reminder emails (also one-click, RFC 8058)."},
		{"GET /ui/calendar/{secret}", s.calendarFeed, "A person's deadlines as an iCalendar feed, to whoever holds its address."},
		{"GET /ui/reviews", u(s.reviews), "Pupils granted to an LA reviewer."},
		{"GET /ui/delivery", u(s.myPupils), "The pupils assigned to a member of staff."},
		{"GET /ui/pupils/{id}/delivery", u(s.delivery), "What a member of staff delivers for a pupil, and logging a session."},
		{"POST /ui/pupils/{id}/delivery", u(s.delivery), "Log a delivered session."},
		{"GET /ui/static/", s.static().ServeHTTP, "Style sheet."},
		{"GET /{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ui/", http.StatusSeeOther) }, "The web UI."},
	} {
		mux.HandleFunc(rt.pattern, rt.h)
		method, path, _ := strings.Cut(rt.pattern, " ")
		s.routeList = append(s.routeList, Route{Method: method, Path: strings.ReplaceAll(path, "{$}", ""), Summary: rt.summary})
	}
}
