package web

import (
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
)

type auditPage struct {
	PupilID string
	Name    string
	EHCP    *ehcp.View
	Events  []historyEntry
	Verify  app.Verification
	// Past is set when the trail is shown as it stood at the end of AsOf,
	// an earlier day.
	AsOf civil.Date
	Past bool
	// Documents the reader may read (an LA reviewer: those shared with
	// the LA).
	Documents []pupil.Document
}

// audit is the printable audit trail with its verification.
func (s *Server) audit(w http.ResponseWriter, r *http.Request, u user.User) {
	id := r.PathValue("id")
	q := app.AuditQuery{Verify: true, Read: "audit trail (web)"}
	asOf, note := s.asOf(r)
	q.AsOf = asOf
	a, err := s.svc.AuditTrail(r.Context(), u, id, q)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	ap := auditPage{PupilID: id, Name: a.Name, EHCP: &a.EHCP, Verify: *a.Verification, AsOf: asOf, Past: asOf.Before(s.svc.Today())}
	for _, e := range a.Events {
		ap.Events = append(ap.Events, toHistory(e))
	}
	markAmended(ap.Events)
	if docs, err := s.svc.Documents(r.Context(), u, id); err == nil {
		ap.Documents = docs
	}
	s.render(w, r, http.StatusOK, "audit", page{Title: "Audit trail — " + a.Name, User: &u, Flash: note, Data: ap})
}
