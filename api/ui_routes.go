package api

import "net/http"

// uiRoutes registers the web UI. Its pages are documented as HTML so the
// OpenAPI test still finds an entry for every route.
func (s *Server) uiRoutes() {
	page := func(summary string) op { return op{summary: summary, tag: "web UI", text: "text/html", public: true} }
	form := func(summary string) op {
		o := page(summary)
		o.status = http.StatusSeeOther
		return o
	}
	u := s.ui
	s.handle("GET /ui/login", s.uiLogin, page("Sign-in form."))
	s.handle("POST /ui/login", s.uiLogin, form("Sign in with a token (form field token)."))
	s.handle("POST /ui/logout", u(s.uiLogout), form("Sign out."))
	s.handle("GET /ui/", u(s.uiHome), page("Each role's first page."))
	s.handle("GET /ui/admin", u(s.uiAdmin), page("Trusts (admin)."))
	s.handle("GET /ui/schools/{school}/caseload", u(s.uiCaseload), page("The SENCO's caseload."))
	s.handle("GET /ui/schools/{school}/pupils/new", u(s.uiRegister), page("Register a pupil."))
	s.handle("POST /ui/schools/{school}/pupils/new", u(s.uiRegister), form("Register a pupil."))
	s.handle("GET /ui/schools/{school}/import", u(s.uiImport), page("Import the SEN register."))
	s.handle("POST /ui/schools/{school}/import", u(s.uiImport), page("Import the SEN register."))
	s.handle("GET /ui/pupils/{id}", u(s.uiPupil), page("A pupil's record and forms."))
	s.handle("POST /ui/pupils/{id}/{form}", u(s.uiPupilAction), form("Record something on a pupil's record."))
	s.handle("GET /ui/pupils/{id}/plan", u(s.uiPlanPrint), page("Printable SEN support plan for parents."))
	s.handle("GET /ui/pupils/{id}/audit", u(s.uiAudit), page("Printable audit trail with its verification."))
	s.handle("GET /ui/trusts/{trust}/workload", u(s.uiWorkload), page("The trust's workload dashboard."))
	s.handle("GET /ui/trusts/{trust}/provision-map", u(s.uiProvisionMap), page("The costed provision map."))
	s.handle("GET /ui/reviews", u(s.uiReviews), page("Pupils granted to an LA reviewer."))
	s.handle("GET /ui/static/", s.uiStatic().ServeHTTP, op{summary: "Style sheet.", tag: "web UI", text: "text/css", public: true})
	s.handle("GET /{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ui/", http.StatusSeeOther) }, form("The web UI."))
}
