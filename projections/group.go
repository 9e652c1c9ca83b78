package projections

import (
	"context"
	"slices"
	"strings"

	"github.com/sendcase/sendcase/domain/pupil"
)

// GroupMember is a pupil of a group: their plan, being delivered, has the
// provision.
type GroupMember struct {
	PupilID  string `json:"pupil_id"`
	Name     string `json:"name"`
	LastName string `json:"-"`
	CycleID  string `json:"cycle_id"`
	// MinutesPerSession is the plan's, which a session is logged with
	// unless it says otherwise.
	MinutesPerSession int `json:"minutes_per_session"`
}

// Group lists the pupils of school schoolID whose current plan, being
// delivered, has provision provisionID: who a group session is logged for.
// By surname.
func (v Views) Group(ctx context.Context, schoolID, provisionID string) ([]GroupMember, error) {
	var out []GroupMember
	err := v.Store.EachSchoolPupil(ctx, schoolID, func(s *Summary) {
		p := &s.Pupil
		c := p.CurrentCycle()
		if !p.OnRoll || p.Erasure != nil || c == nil || c.Stage != pupil.Do || c.Plan == nil {
			return
		}
		for _, pr := range c.Plan.Provisions {
			if pr.ProvisionID == provisionID {
				out = append(out, GroupMember{PupilID: p.ID, Name: p.FirstName + " " + p.LastName, LastName: p.LastName,
					CycleID: c.ID, MinutesPerSession: pr.MinutesPerSession})
				return
			}
		}
	})
	slices.SortFunc(out, func(a, b GroupMember) int {
		return strings.Compare(strings.ToLower(a.LastName+" "+a.Name), strings.ToLower(b.LastName+" "+b.Name))
	})
	return out, err
}
