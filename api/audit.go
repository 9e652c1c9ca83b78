package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/eventstore"
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
}

// pupilHistory checks that p may read the pupil's audit trail (its SENCO,
// its trust's lead, an admin, or an LA reviewer with a live grant) and
// returns its events.
func (s *Server) pupilHistory(r *http.Request, p principal, id string) ([]event.Event, error) {
	today := s.svc.Today()
	err := s.svc.ReadPupil(r.Context(), id, func(pu *pupil.Pupil) error {
		if p.accessTo(pu, today) == noAccess {
			return domain.NotFound("pupil")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	what := "audit trail"
	if strings.HasSuffix(r.URL.Path, "/verify") {
		what = "audit trail verification"
	}
	if err := s.logReviewerRead(r.Context(), p, id, what); err != nil {
		return nil, err
	}
	return s.svc.PupilHistory(r.Context(), id)
}

func (s *Server) audit(w http.ResponseWriter, r *http.Request, p principal) {
	q := r.URL.Query()
	var from, to civil.Date
	var probs domain.Problems
	for _, f := range []struct {
		name string
		dst  *civil.Date
	}{{"from", &from}, {"to", &to}} {
		if v := q.Get(f.name); v != "" {
			d, err := civil.Parse(v)
			if err != nil {
				probs.Add(f.name, "is not a date (YYYY-MM-DD)")
			}
			*f.dst = d
		}
	}
	if from.Valid() && to.Valid() && to.Before(from) {
		probs.Add("to", "must not be before from")
	}
	if err := probs.Err(); err != nil {
		s.writeError(w, r, err)
		return
	}
	if !s.awaitProjection(w, r) {
		return
	}
	events, err := s.pupilHistory(r, p, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]auditEvent, 0, len(events))
	for _, e := range events {
		if (from.Valid() && e.OccurredOn.Before(from)) || (to.Valid() && e.OccurredOn.After(to)) {
			continue
		}
		ae := auditEvent{Seq: e.Seq, Version: e.Version, EventID: e.ID, Type: e.Type, OccurredOn: e.OccurredOn,
			RecordedAt: e.RecordedAt.UTC().Format("2006-01-02T15:04:05.000000Z"), Actor: e.Actor, Data: e.Readable(), PrevHash: e.PrevHash, Hash: e.Hash}
		if e.Encryption != "" {
			ae.Encryption, ae.StoredData = e.Encryption, e.Raw
		}
		out = append(out, ae)
	}
	if wantsCSV(r) {
		rows := make([][]string, len(out))
		for i, e := range out {
			rows[i] = []string{strconv.FormatUint(e.Seq, 10), itoa(e.Version), e.EventID, e.Type, date(e.OccurredOn), e.RecordedAt,
				e.Actor.ID, e.Actor.Name, e.Actor.Role, string(e.Data), e.PrevHash, e.Hash}
		}
		writeCSV(w, "audit.csv", []string{"seq", "version", "event_id", "type", "occurred_on", "recorded_at",
			"actor_id", "actor_name", "actor_role", "data", "prev_hash", "hash"}, rows)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"pupil_id": r.PathValue("id"), "events": out})
}

// verification is the answer of GET /v1/pupils/{id}/audit/verify.
type verification struct {
	OK       bool                `json:"ok"`
	Events   int                 `json:"events"`
	HeadHash string              `json:"head_hash"`
	Problem  *event.ChainProblem `json:"problem,omitempty"`
}

// verifyAudit recomputes the pupil's hash chain from the stream and checks
// it against the anchor the projection recorded when it applied the events,
// so that rewriting the stream, or deleting from it, is detected.
func (s *Server) verifyAudit(w http.ResponseWriter, r *http.Request, p principal) {
	id := r.PathValue("id")
	events, err := s.pupilHistory(r, p, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.verify(r.Context(), id, events)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("X-Projection-Seq", strconv.FormatUint(s.proj.Seq(), 10))
	writeJSON(w, http.StatusOK, v)
}

// verify recomputes the pupil's chain and checks it against its anchor.
func (s *Server) verify(ctx context.Context, id string, events []event.Event) (verification, error) {
	v := verification{Events: len(events)}
	head, prob := event.VerifyChain(id, events)
	if prob == nil && len(events) > 0 {
		// The projection must have seen the last event before it can vouch for it.
		wctx, cancel := context.WithTimeout(ctx, minSeqWait)
		defer cancel()
		if err := s.proj.WaitFor(wctx, events[len(events)-1].Seq); err != nil {
			return v, fmt.Errorf("%w: the audit anchors are not up to date yet", eventstore.ErrUnavailable)
		}
		a, ok, err := s.proj.Store().Anchor(ctx, id)
		switch {
		case err != nil:
			return v, err
		case !ok || a.Events != len(events):
			prob = &event.ChainProblem{Version: min(a.Events, len(events)) + 1,
				Reason: fmt.Sprintf("the stream holds %d events but %d were recorded", len(events), a.Events)}
		case a.Head != head:
			prob = &event.ChainProblem{Version: len(events), Reason: "the chain's head differs from the one recorded"}
		}
	}
	v.OK, v.Problem = prob == nil, prob
	if v.OK {
		v.HeadHash = head
	}
	return v, nil
}
