package app

import (
	"cmp"
	"context"
	"slices"

	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/projections"
)

// LAAccess is a trust's local authority access at a glance: its LA
// reviewers, every grant to them on the roll's pupils, and their reads.
type LAAccess struct {
	Reviewers []user.User `json:"reviewers"`
	Grants    []LAGrant   `json:"grants"`
	// Reads are the reviewers' reads, newest first (at most LAReadsShown).
	Reads []LARead `json:"reads"`
}

// LAGrant is one grant, with whose record it opens.
type LAGrant struct {
	PupilID   string `json:"pupil_id"`
	PupilName string `json:"pupil_name"`
	pupil.Grant
	Live bool `json:"live"`
}

// LARead is one read of a record by a reviewer.
type LARead struct {
	PupilID   string `json:"pupil_id"`
	PupilName string `json:"pupil_name"`
	eventlog.AccessEntry
}

// LAReadsShown bounds the reads LAAccess answers.
const LAReadsShown = 500

// LAAccessOf answers trust trustID's LA access: admins and its lead.
//
// Errors: ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) LAAccessOf(ctx context.Context, u user.User, trustID string) (LAAccess, error) {
	if _, err := s.managedTrust(ctx, u, trustID, "Only an admin or the trust's lead sees its LA access."); err != nil {
		return LAAccess{}, err
	}
	today := s.Today()
	out := LAAccess{Reviewers: []user.User{}, Grants: []LAGrant{}, Reads: []LARead{}}
	for _, r := range s.dir.Users(user.LAReviewer) {
		if r.TrustID == trustID {
			out.Reviewers = append(out.Reviewers, r)
		}
	}
	granted := map[string]string{} // pupil id → name
	err := s.proj.Store().EachTrustPupil(ctx, trustID, func(sm *projections.Summary) {
		p := &sm.Pupil
		for _, g := range p.Grants {
			name := p.FirstName + " " + p.LastName
			granted[p.ID] = name
			out.Grants = append(out.Grants, LAGrant{PupilID: p.ID, PupilName: name, Grant: g, Live: p.HasLiveGrant(g.UserID, today) && !today.After(g.Until)})
		}
	})
	if err != nil {
		return LAAccess{}, err
	}
	slices.SortFunc(out.Grants, func(a, b LAGrant) int {
		if a.Live != b.Live {
			if a.Live {
				return -1
			}
			return 1
		}
		return cmp.Compare(b.GrantedOn, a.GrantedOn)
	})
	for id, name := range granted {
		log, err := s.store.AccessLog(ctx, id)
		if err != nil {
			return LAAccess{}, err
		}
		for _, e := range log {
			out.Reads = append(out.Reads, LARead{PupilID: id, PupilName: name, AccessEntry: e})
		}
	}
	slices.SortFunc(out.Reads, func(a, b LARead) int { return b.At.Compare(a.At) })
	if len(out.Reads) > LAReadsShown {
		out.Reads = out.Reads[:LAReadsShown]
	}
	return out, nil
}
