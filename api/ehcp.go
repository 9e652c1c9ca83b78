package api

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
)

// asOf reads ?as_of=YYYY-MM-DD, defaulting to today in England.
func (s *Server) asOf(w http.ResponseWriter, r *http.Request) (civil.Date, bool) {
	q := r.URL.Query().Get("as_of")
	if q == "" {
		return s.svc.Today(), true
	}
	d, err := civil.Parse(q)
	if err != nil {
		fieldProblem(w, "as_of", "is not a date (YYYY-MM-DD)")
		return 0, false
	}
	return d, true
}

// phaseOf is the phase of the pupil's current school.
func (s *Server) phaseOf(pu *pupil.Pupil) string {
	sch, _, _ := s.svc.Directory().School(pu.SchoolID)
	return string(sch.Phase)
}

func (s *Server) getEHCP(w http.ResponseWriter, r *http.Request, p principal) {
	asOf, ok := s.asOf(w, r)
	if !ok {
		return
	}
	today := s.svc.Today()
	var body bytes.Buffer
	err := s.svc.ReadPupil(r.Context(), r.PathValue("id"), func(pu *pupil.Pupil) error {
		if p.accessTo(pu, today) == noAccess {
			return domain.NotFound("pupil")
		}
		return json.NewEncoder(&body).Encode(pu.EHCP(asOf, s.phaseOf(pu)))
	})
	if err == nil {
		err = s.logReviewerRead(r.Context(), p, r.PathValue("id"), "EHC plan status")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body.Bytes())
}

func (s *Server) recordEHCP(w http.ResponseWriter, r *http.Request, p principal) {
	pupilCommand(s, w, r, p, http.StatusCreated, readOnly, func(pu *pupil.Pupil, cmd ehcp.Command, c pupil.Facts) ([]event.Data, app.Decision, error) {
		evs, err := pu.RecordEHCP(cmd, c)
		if err != nil {
			return nil, app.Decision{}, err
		}
		// The status after the record, worked out by the same clock.
		clock, _ := ehcp.Fold(append(append([]ehcp.Record{}, pu.EHCPRecords...), evs[0].(pupil.EHCPRecorded).Record))
		return evs, app.Decision{ID: pu.ID, Extra: map[string]any{"type": cmd.Type, "status": clock.Status}}, nil
	})
}

func (s *Server) makeReferral(w http.ResponseWriter, r *http.Request, p principal) {
	pupilCommand(s, w, r, p, http.StatusCreated, readWrite, func(pu *pupil.Pupil, cmd pupil.MakeReferral, c pupil.Facts) ([]event.Data, app.Decision, error) {
		evs, err := pu.MakeReferral(cmd, c)
		if err != nil {
			return nil, app.Decision{}, err
		}
		return evs, app.Decision{ID: evs[0].(pupil.ReferralMadeEvent).Referral.ID, Extra: map[string]any{"pupil_id": pu.ID, "status": pupil.ReferralMade}}, nil
	})
}

func (s *Server) changeReferral(w http.ResponseWriter, r *http.Request, p principal) {
	ref := r.PathValue("ref")
	pupilCommand(s, w, r, p, http.StatusOK, readWrite, func(pu *pupil.Pupil, cmd pupil.ChangeReferral, c pupil.Facts) ([]event.Data, app.Decision, error) {
		evs, err := pu.ChangeReferral(ref, cmd, c)
		return evs, app.Decision{ID: ref, Extra: map[string]any{"pupil_id": pu.ID, "status": cmd.Status}}, err
	})
}

// referralView adds what depends on the date to a referral.
type referralView struct {
	*pupil.Referral
	Open     bool `json:"open"`
	WaitDays int  `json:"wait_days"`
}

func referralViews(pu *pupil.Pupil, asOf civil.Date) []referralView {
	out := make([]referralView, len(pu.Referrals))
	for i, r := range pu.Referrals {
		out[i] = referralView{Referral: r, Open: r.Open(), WaitDays: r.WaitDays(asOf)}
	}
	return out
}
