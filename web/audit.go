package web

import (
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/user"
)

type auditPage struct {
	PupilID string
	Name    string
	EHCP    *ehcp.View
	Events  []historyEntry
	Verify  app.Verification
}

// audit is the printable audit trail with its verification.
func (s *Server) audit(w http.ResponseWriter, r *http.Request, u user.User) {
	id := r.PathValue("id")
	a, err := s.svc.AuditTrail(r.Context(), u, id, app.AuditQuery{Verify: true, Read: "audit trail (web)"})
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	ap := auditPage{PupilID: id, Name: a.Name, EHCP: &a.EHCP, Verify: *a.Verification}
	for _, e := range a.Events {
		ap.Events = append(ap.Events, toHistory(e))
	}
	s.render(w, r, http.StatusOK, "audit", page{Title: "Audit trail — " + a.Name, User: &u, Data: ap})
}
