package web

import (
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/user"
)

type auditPage struct {
	PupilID string
	Name    string
	EHCP    *ehcp.View
	Events  []historyEntry
	Verify  app.Verification
	// AsOf is set when the trail is shown as it stood at the end of a day.
	AsOf civil.Date
}

// audit is the printable audit trail with its verification.
func (s *Server) audit(w http.ResponseWriter, r *http.Request, u user.User) {
	id := r.PathValue("id")
	q := app.AuditQuery{Verify: true, Read: "audit trail (web)"}
	q.AsOf, _ = civil.Parse(r.URL.Query().Get("as_of")) // not a date: today
	a, err := s.svc.AuditTrail(r.Context(), u, id, q)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	ap := auditPage{PupilID: id, Name: a.Name, EHCP: &a.EHCP, Verify: *a.Verification, AsOf: q.AsOf}
	for _, e := range a.Events {
		ap.Events = append(ap.Events, toHistory(e))
	}
	s.render(w, r, http.StatusOK, "audit", page{Title: "Audit trail — " + a.Name, User: &u, Data: ap})
}
