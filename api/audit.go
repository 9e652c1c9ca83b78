package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/user"
)

// auditEvent is one line of a pupil's audit trail.
type auditEvent struct {
	Seq        uint64      `json:"seq"`
	Version    int         `json:"version"`
	EventID    string      `json:"event_id"`
	Type       string      `json:"type"`
	OccurredOn civil.Date  `json:"occurred_on"`
	RecordedAt string      `json:"recorded_at"`
	Actor      event.Actor `json:"actor"`
	// Data is the payload as it reads: personal fields decrypted, or
	// "[erased]" once the pupil's key is destroyed.
	Data json.RawMessage `json:"data"`
	// Encryption and StoredData are set for an event whose personal fields
	// are stored encrypted: the hash covers StoredData, as stored.
	Encryption string          `json:"encryption,omitempty"`
	StoredData json.RawMessage `json:"stored_data,omitempty"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
	// LateEntry marks an event recorded more than 14 days after the date
	// it describes.
	LateEntry bool `json:"late_entry,omitempty"`
}

func toAuditEvent(e event.Event) auditEvent {
	ae := auditEvent{Seq: e.Seq, Version: e.Version, EventID: e.ID, Type: e.Type, OccurredOn: e.OccurredOn,
		RecordedAt: e.RecordedAt.UTC().Format("2006-01-02T15:04:05.000000Z"), Actor: e.Actor, Data: e.Readable(), PrevHash: e.PrevHash, Hash: e.Hash,
		LateEntry: e.RecordedLate()}
	if e.Encryption != "" {
		ae.Encryption, ae.StoredData = e.Encryption, e.Raw
	}
	return ae
}

func (s *Server) audit(w http.ResponseWriter, r *http.Request, u user.User) {
	var aq app.AuditQuery
	var probs domain.Problems
	queryDay(r, &probs, "from", &aq.From)
	queryDay(r, &probs, "to", &aq.To)
	if err := probs.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	var ok bool
	if aq.When, ok = when(w, r); !ok {
		return
	}
	if aq.MinSeq, ok = minSeq(w, r); !ok {
		return
	}
	a, err := s.svc.AuditTrail(r.Context(), u, r.PathValue("id"), aq)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("X-Projection-Seq", strconv.FormatUint(s.svc.ProjectionSeq(), 10))
	out := make([]auditEvent, len(a.Events))
	for i, e := range a.Events {
		out[i] = toAuditEvent(e)
	}
	if wantsCSV(r) {
		rows := make([][]string, len(out))
		for i, e := range out {
			rows[i] = []string{strconv.FormatUint(e.Seq, 10), itoa(e.Version), e.EventID, e.Type, date(e.OccurredOn), e.RecordedAt,
				e.Actor.ID, e.Actor.Name, e.Actor.Role, string(e.Data), e.PrevHash, e.Hash, strconv.FormatBool(e.LateEntry)}
		}
		writeCSV(w, "audit.csv", []string{"seq", "version", "event_id", "type", "occurred_on", "recorded_at",
			"actor_id", "actor_name", "actor_role", "data", "prev_hash", "hash", "late_entry"}, rows)
		return
	}
	s.reply(w, r, auditAnswer{PupilID: a.PupilID, Events: out})
}

func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request, u user.User) {
	v, err := s.svc.VerifyAudit(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("X-Projection-Seq", strconv.FormatUint(s.svc.ProjectionSeq(), 10))
	s.reply(w, r, v)
}
