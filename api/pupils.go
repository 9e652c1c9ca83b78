package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/domain/yeargroup"
	"github.com/sendcase/sendcase/eventstore"
)

// writesPupilsOf checks that p writes pupils of school: its SENCO or an
// admin. The trust's lead is told no (403); anyone else learns nothing (404).
func (s *Server) writesPupilsOf(w http.ResponseWriter, p principal, schoolID, leadMessage string) bool {
	_, trustID, found := s.svc.Directory().School(schoolID)
	switch {
	case !found:
		problem(w, http.StatusNotFound, "Not found.")
	case p.sencoOf(schoolID):
		return true
	case p.is(user.TrustLead) && p.TrustID == trustID:
		problem(w, http.StatusForbidden, leadMessage)
	default:
		problem(w, http.StatusNotFound, "Not found.")
	}
	return false
}

func (s *Server) registerPupil(w http.ResponseWriter, r *http.Request, p principal) {
	schoolID := r.PathValue("school")
	if !s.writesPupilsOf(w, p, schoolID, "Pupils are registered by their school's SENCO.") {
		return
	}
	var cmd pupil.Register
	key, ok := s.commandInput(w, r, &cmd)
	if !ok {
		return
	}
	ans, err := s.svc.RegisterPupil(r.Context(), p.actor(), app.IdempotencyKey(p.ID, r.Method, r.URL.Path, key), schoolID, cmd)
	s.answer(w, r, ans, err)
}

// pupilView is the body of GET /v1/pupils/{id}.
type pupilView struct {
	*pupil.Pupil
	CurrentYearGroup yeargroup.Group `json:"current_year_group"`
	// Erased says at a glance what Erasure details.
	Erased    bool           `json:"erased"`
	EHCP      ehcp.View      `json:"ehcp"`
	Referrals []referralView `json:"referrals"`
}

func (s *Server) getPupil(w http.ResponseWriter, r *http.Request, p principal) {
	today := s.svc.Today()
	var body bytes.Buffer
	var version int
	err := s.svc.ReadPupil(r.Context(), r.PathValue("id"), func(pu *pupil.Pupil) error {
		switch p.accessTo(pu, today) {
		case noAccess:
			return domain.NotFound("pupil")
		case ehcpAndAudit:
			return errForbidden
		}
		version = pu.Version
		// Encode under the aggregate's lock: the cached state is shared.
		return json.NewEncoder(&body).Encode(pupilView{
			Pupil: pu, CurrentYearGroup: pu.CurrentYearGroup(today), Erased: pu.Erasure != nil,
			EHCP: pu.EHCP(today, s.phaseOf(pu)), Referrals: referralViews(pu, today),
		})
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("ETag", strconv.Quote(strconv.Itoa(version)))
	_, _ = w.Write(body.Bytes())
}

// pupilCommand decodes a command on pupil {id}, checks that p may make it
// (need is the least access required), and runs decide on the current state.
func pupilCommand[C any](s *Server, w http.ResponseWriter, r *http.Request, p principal, status int, need pupilAccess,
	decide func(pu *pupil.Pupil, cmd C, c pupil.Facts) ([]event.Data, app.Decision, error)) {
	key, ok := idempotencyKey(w, r)
	if !ok {
		return
	}
	expected, ok := ifMatch(w, r)
	if !ok {
		return
	}
	var cmd C
	if !decode(w, r, &cmd) {
		return
	}
	ans, err := s.execPupil(r.Context(), p, r.PathValue("id"), app.IdempotencyKey(p.ID, r.Method, r.URL.Path, key), expected, status, need,
		func(pu *pupil.Pupil, c pupil.Facts) ([]event.Data, app.Decision, error) { return decide(pu, cmd, c) })
	s.answer(w, r, ans, err)
}

// execPupil runs a decided command on a pupil for p, after checking p's
// access; the API and the UI both go through it.
func (s *Server) execPupil(ctx context.Context, p principal, pupilID, idem string, expected *int, status int, need pupilAccess,
	decide func(pu *pupil.Pupil, c pupil.Facts) ([]event.Data, app.Decision, error)) (eventstore.Answer, error) {
	today := s.svc.Today()
	return s.svc.PupilCommand(ctx, p.actor(), idem, expected, pupilID, status,
		func(pu *pupil.Pupil, c pupil.Facts) ([]event.Data, app.Decision, error) {
			switch got := p.accessTo(pu, today); {
			case got == noAccess:
				return nil, app.Decision{}, domain.NotFound("pupil")
			case got < need:
				return nil, app.Decision{}, errForbidden
			}
			return decide(pu, c)
		})
}

func (s *Server) openCycle(w http.ResponseWriter, r *http.Request, p principal) {
	pupilCommand(s, w, r, p, http.StatusCreated, readWrite, func(pu *pupil.Pupil, cmd pupil.OpenCycleCmd, c pupil.Facts) ([]event.Data, app.Decision, error) {
		evs, err := pu.OpenCycle(cmd, c)
		if err != nil {
			return nil, app.Decision{}, err
		}
		id := evs[0].(pupil.CycleOpened).CycleID
		return evs, app.Decision{ID: id, Extra: map[string]any{"pupil_id": pu.ID, "stage": pupil.Assess}}, nil
	})
}

// cycleCommand is a command on cycle {cycle} answered with the cycle's new
// stage. extra adds to the answer: stored with the commit, and private (not
// stored in the stream, for anything personal).
func cycleCommand[C any](s *Server, w http.ResponseWriter, r *http.Request, p principal,
	decide func(pu *pupil.Pupil, cycleID string, cmd C, c pupil.Facts) ([]event.Data, error), extra func(evs []event.Data) (stored, private map[string]any)) {
	cycleID := r.PathValue("cycle")
	pupilCommand(s, w, r, p, http.StatusOK, readWrite, func(pu *pupil.Pupil, cmd C, c pupil.Facts) ([]event.Data, app.Decision, error) {
		evs, err := decide(pu, cycleID, cmd, c)
		if err != nil {
			return nil, app.Decision{}, err
		}
		x := map[string]any{"pupil_id": pu.ID, "stage": nextStage(evs)}
		var private map[string]any
		if extra != nil {
			var stored map[string]any
			stored, private = extra(evs)
			for k, v := range stored {
				x[k] = v
			}
		}
		return evs, app.Decision{ID: cycleID, Extra: x, Private: private}, nil
	})
}

// nextStage is the cycle's stage once evs are applied.
func nextStage(evs []event.Data) pupil.Stage {
	switch evs[0].(type) {
	case pupil.AssessmentRecorded:
		return pupil.Plan
	case pupil.PlanAgreed, pupil.SessionLogged:
		return pupil.Do
	}
	return pupil.Closed
}

func (s *Server) recordAssessment(w http.ResponseWriter, r *http.Request, p principal) {
	cycleCommand(s, w, r, p, (*pupil.Pupil).RecordAssessment, nil)
}

func (s *Server) agreePlan(w http.ResponseWriter, r *http.Request, p principal) {
	cycleCommand(s, w, r, p, (*pupil.Pupil).AgreePlan, func(evs []event.Data) (map[string]any, map[string]any) {
		// The outcomes' wording is personal: the stream keeps only their ids.
		outcomes := evs[0].(pupil.PlanAgreed).Plan.Outcomes
		ids := make([]map[string]string, len(outcomes))
		for i, o := range outcomes {
			ids[i] = map[string]string{"id": o.ID}
		}
		return map[string]any{"outcomes": ids}, map[string]any{"outcomes": outcomes}
	})
}

func (s *Server) logSession(w http.ResponseWriter, r *http.Request, p principal) {
	cycleID := r.PathValue("cycle")
	pupilCommand(s, w, r, p, http.StatusCreated, readWrite, func(pu *pupil.Pupil, cmd pupil.LogSession, c pupil.Facts) ([]event.Data, app.Decision, error) {
		evs, err := pu.LogSession(cycleID, cmd, c)
		if err != nil {
			return nil, app.Decision{}, err
		}
		return evs, app.Decision{ID: evs[0].(pupil.SessionLogged).Session.ID, Extra: map[string]any{"pupil_id": pu.ID, "cycle_id": cycleID}}, nil
	})
}

func (s *Server) recordReview(w http.ResponseWriter, r *http.Request, p principal) {
	cycleCommand(s, w, r, p, (*pupil.Pupil).RecordReview, func(evs []event.Data) (map[string]any, map[string]any) {
		for _, e := range evs {
			if o, ok := e.(pupil.CycleOpened); ok {
				return map[string]any{"next_cycle_id": o.CycleID}, nil
			}
		}
		return nil, nil
	})
}

// simplePupilCommand is a command on the pupil itself answered with its id.
func simplePupilCommand[C any](s *Server, w http.ResponseWriter, r *http.Request, p principal, status int, need pupilAccess,
	decide func(pu *pupil.Pupil, cmd C, c pupil.Facts) ([]event.Data, error)) {
	pupilCommand(s, w, r, p, status, need, func(pu *pupil.Pupil, cmd C, c pupil.Facts) ([]event.Data, app.Decision, error) {
		evs, err := decide(pu, cmd, c)
		return evs, app.Decision{ID: pu.ID}, err
	})
}

func (s *Server) changeStatus(w http.ResponseWriter, r *http.Request, p principal) {
	simplePupilCommand(s, w, r, p, http.StatusOK, readWrite, (*pupil.Pupil).ChangeStatus)
}

func (s *Server) transfer(w http.ResponseWriter, r *http.Request, p principal) {
	simplePupilCommand(s, w, r, p, http.StatusOK, readWrite, (*pupil.Pupil).Transfer)
}

func (s *Server) leave(w http.ResponseWriter, r *http.Request, p principal) {
	simplePupilCommand(s, w, r, p, http.StatusOK, readWrite, (*pupil.Pupil).Leave)
}

// erase erases a pupil's personal data; only an admin may, whatever the
// pupil's school, so the answer for anyone else does not depend on it.
func (s *Server) erase(w http.ResponseWriter, r *http.Request, p principal) {
	if !p.is(user.Admin) {
		problem(w, http.StatusForbidden, "Only an admin erases a pupil's record.")
		return
	}
	key, ok := idempotencyKey(w, r)
	if !ok {
		return
	}
	var cmd pupil.Erase
	if !decode(w, r, &cmd) {
		return
	}
	ans, err := s.svc.ErasePupil(r.Context(), p.actor(), app.IdempotencyKey(p.ID, r.Method, r.URL.Path, key), r.PathValue("id"), cmd)
	s.answer(w, r, ans, err)
}

func (s *Server) grantAccess(w http.ResponseWriter, r *http.Request, p principal) {
	simplePupilCommand(s, w, r, p, http.StatusCreated, readOnly, (*pupil.Pupil).GrantAccess)
}
