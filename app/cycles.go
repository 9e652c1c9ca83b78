package app

import (
	"context"

	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
)

// The Assess-Plan-Do-Review cycle. Each command is the SENCO's (or an
// admin's); errors are as ChangeStatus's.

// cycleAnswer answers with cycle id's stage, read off the new state.
func cycleAnswer(id string) func(*pupil.Pupil) CycleResult {
	return func(p *pupil.Pupil) CycleResult {
		res := CycleResult{Result: Result{ID: id}, PupilID: p.ID}
		if c := p.Cycle(id); c != nil {
			res.Stage = c.Stage
		}
		return res
	}
}

// OpenCycle opens an APDR cycle at stage assess.
func (s *Service) OpenCycle(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.OpenCycleCmd) (CycleResult, error) {
	return pupilCommand(ctx, s, u, o, "OpenCycle", pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[CycleResult], error) {
		evs, err := p.OpenCycle(cmd, f)
		if err != nil {
			return pupilDecision[CycleResult]{}, err
		}
		return pupilDecision[CycleResult]{events: evs, answer: cycleAnswer(evs[0].(pupil.CycleOpened).CycleID)}, nil
	})
}

// RecordAssessment records cycle cycleID's assessment (stage → plan).
func (s *Service) RecordAssessment(ctx context.Context, u user.User, o CommandOptions, pupilID, cycleID string, cmd pupil.RecordAssessment) (CycleResult, error) {
	return pupilCommand(ctx, s, u, o, "RecordAssessment/"+cycleID, pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[CycleResult], error) {
		evs, err := p.RecordAssessment(cycleID, cmd, f)
		return pupilDecision[CycleResult]{events: evs, answer: cycleAnswer(cycleID)}, err
	})
}

// AgreePlan agrees cycle cycleID's plan (stage → do), answering the
// outcomes with their new ids.
func (s *Service) AgreePlan(ctx context.Context, u user.User, o CommandOptions, pupilID, cycleID string, cmd pupil.AgreePlan) (PlanResult, error) {
	return pupilCommand(ctx, s, u, o, "AgreePlan/"+cycleID, pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[PlanResult], error) {
		evs, err := p.AgreePlan(cycleID, cmd, f)
		if err != nil {
			return pupilDecision[PlanResult]{}, err
		}
		outcomes := evs[0].(pupil.PlanAgreed).Plan.Outcomes
		return pupilDecision[PlanResult]{events: evs,
			answer: func(p *pupil.Pupil) PlanResult {
				ids := make([]pupil.Outcome, len(outcomes))
				for i, oc := range outcomes {
					ids[i] = pupil.Outcome{ID: oc.ID}
				}
				return PlanResult{CycleResult: cycleAnswer(cycleID)(p), Outcomes: ids}
			},
			reveal: func(r *PlanResult) { r.Outcomes = outcomes }}, nil
	})
}

// LogSession logs a session delivered in cycle cycleID (stage do).
func (s *Service) LogSession(ctx context.Context, u user.User, o CommandOptions, pupilID, cycleID string, cmd pupil.LogSession) (SessionResult, error) {
	return pupilCommand(ctx, s, u, o, "LogSession/"+cycleID, pupilID, Delivers, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[SessionResult], error) {
		evs, err := p.LogSession(cycleID, cmd, f)
		if err != nil {
			return pupilDecision[SessionResult]{}, err
		}
		id := evs[0].(pupil.SessionLogged).Session.ID
		return pupilDecision[SessionResult]{events: evs, answer: func(p *pupil.Pupil) SessionResult {
			return SessionResult{Result: Result{ID: id}, PupilID: p.ID, CycleID: cycleID}
		}}, nil
	})
}

// LogSessions logs several sessions of cycle cycleID in one commit (a
// week's register at once): all are logged, or none.
func (s *Service) LogSessions(ctx context.Context, u user.User, o CommandOptions, pupilID, cycleID string, cmds []pupil.LogSession) (CycleResult, error) {
	return pupilCommand(ctx, s, u, o, "LogSessions/"+cycleID, pupilID, Delivers, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[CycleResult], error) {
		var all []event.Data
		for _, cmd := range cmds {
			evs, err := p.LogSession(cycleID, cmd, f)
			if err != nil {
				return pupilDecision[CycleResult]{}, err
			}
			all = append(all, evs...)
		}
		return pupilDecision[CycleResult]{events: all, answer: cycleAnswer(cycleID)}, nil
	})
}

// RecordReview records cycle cycleID's review, which closes it; a decision
// to continue opens the next cycle.
func (s *Service) RecordReview(ctx context.Context, u user.User, o CommandOptions, pupilID, cycleID string, cmd pupil.RecordReview) (ReviewResult, error) {
	return pupilCommand(ctx, s, u, o, "RecordReview/"+cycleID, pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[ReviewResult], error) {
		evs, err := p.RecordReview(cycleID, cmd, f)
		next := ""
		for _, e := range evs {
			if o, ok := e.(pupil.CycleOpened); ok {
				next = o.CycleID
			}
		}
		return pupilDecision[ReviewResult]{events: evs, answer: func(p *pupil.Pupil) ReviewResult {
			return ReviewResult{CycleResult: cycleAnswer(cycleID)(p), NextCycleID: next}
		}}, err
	})
}
