package api

import (
	"context"
	"net/http"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventstore"
)

// logReviewerRead records a read by an LA reviewer before it is answered;
// when it cannot be recorded the read is refused (503), never served unlogged.
func (s *Server) logReviewerRead(ctx context.Context, p principal, pupilID, what string) error {
	if !p.is(user.LAReviewer) {
		return nil
	}
	return s.svc.Store().LogAccess(ctx, pupilID, eventstore.AccessEntry{UserID: p.ID, Name: p.Name, Role: string(p.Role), What: what, At: s.svc.Now().UTC()})
}

// accessLog answers the reads of the pupil's record by LA reviewers, for
// its SENCO and trust lead.
func (s *Server) accessLog(w http.ResponseWriter, r *http.Request, p principal) {
	id := r.PathValue("id")
	today := s.svc.Today()
	err := s.svc.ReadPupil(r.Context(), id, func(pu *pupil.Pupil) error {
		switch p.accessTo(pu, today) {
		case noAccess:
			return domain.NotFound("pupil")
		case ehcpAndAudit:
			return errForbidden
		}
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	entries, err := s.svc.Store().AccessLog(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"pupil_id": id, "entries": entries})
}
