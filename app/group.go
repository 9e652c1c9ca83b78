package app

import (
	"context"
	"fmt"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

// Group is a group provision at a school and the pupils in it now.
type Group struct {
	School    trust.School              `json:"-"`
	Provision trust.Provision           `json:"provision"`
	Pupils    []projections.GroupMember `json:"pupils"`
}

// Group answers provision provisionID at school schoolID with the pupils
// whose plan, being delivered, has it. The school's SENCO and admins.
//
// Errors: ErrNotFound (no such school, or no such provision in its
// trust's catalogue), ErrForbidden, ErrUnavailable.
func (s *Service) Group(ctx context.Context, u user.User, schoolID, provisionID string) (Group, error) {
	sch, trustID, err := s.school(ctx, u, schoolID, ReadWrite, "Only the school's SENCO logs its group sessions.")
	if err != nil {
		return Group{}, err
	}
	t, _ := s.dir.Trust(trustID)
	pr, ok := t.Provision(provisionID)
	if !ok {
		return Group{}, domain.NotFound("provision %s", provisionID)
	}
	members, err := s.viewsOf(When{}).Group(ctx, schoolID, provisionID)
	if err != nil {
		return Group{}, fmt.Errorf("group of %s: %w", provisionID, err)
	}
	return Group{School: sch, Provision: pr, Pupils: members}, nil
}

// GroupResult says for whom a group session was logged.
type GroupResult struct {
	Logged []SessionResult `json:"logged"`
}

// LogGroupSession logs one session of group provision provisionID for
// every pupil cmd lists, each on their own record (a session each, with
// its attendance). The whole body is checked before anything is logged,
// each pupil against the group; a pupil's record can still refuse its
// session (a cycle reviewed meanwhile), and then the pupils before it are
// logged and the error names the pupil. With an idempotency key a retry
// logs nobody twice: each pupil's session has its own key under it.
// Who may: as Group.
//
// Errors: *ValidationError (the body, a pupil not in the group, as
// attendance[i].pupil_id, or an If-Match, which one version of one record
// cannot be), then as Group and as LogSession.
func (s *Service) LogGroupSession(ctx context.Context, u user.User, o CommandOptions, schoolID, provisionID string, cmd pupil.GroupSession) (GroupResult, error) {
	g, err := s.Group(ctx, u, schoolID, provisionID)
	if err != nil {
		return GroupResult{}, err
	}
	if o.IfMatch != nil {
		return GroupResult{}, domain.Invalid("If-Match", "a group session writes each pupil's record: it takes no If-Match")
	}
	if err := domain.ValidateOn(cmd, s.Today()); err != nil {
		return GroupResult{}, err
	}
	cycles := map[string]string{}
	for _, m := range g.Pupils {
		cycles[m.PupilID] = m.CycleID
	}
	for i, a := range cmd.Attendance {
		if cycles[a.PupilID] == "" {
			return GroupResult{}, domain.Invalid(fmt.Sprintf("attendance[%d].pupil_id", i), "is not in this group: their plan being delivered does not have %s", g.Provision.Name)
		}
	}
	var res GroupResult
	for i, a := range cmd.Attendance {
		po := CommandOptions{}
		if o.IdempotencyKey != "" {
			po.IdempotencyKey = o.IdempotencyKey + "/" + a.PupilID
		}
		r, err := s.LogSession(ctx, u, po, a.PupilID, cycles[a.PupilID], cmd.For(provisionID, a))
		if err != nil {
			return res, fmt.Errorf("attendance[%d]: %w", i, err)
		}
		res.Logged = append(res.Logged, r)
	}
	return res, nil
}
