package app

import (
	"context"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/inclusion"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
)

// Who may do what. Every access rule of sendcase is written here, once: the
// use cases check them before deciding, and the JSON API, the web UI, the
// import and the seed all go through the use cases.
//
// Two answers refuse: domain.ErrNotFound where even the existence of the
// thing must not leak (a pupil of another school or trust, asked for by
// someone with no access to it at all), and domain.ErrForbidden otherwise
// (a trust lead writing a pupil's plan, a SENCO asking for another school's
// caseload: schools and trusts are not secret).

// Access is what a user may do with one pupil's record, least first.
type Access int

const (
	// NoAccess: the pupil's existence must not leak (ErrNotFound).
	NoAccess Access = iota
	// Family is a parent or carer linked to the pupil: their child's plan
	// in plain words, what is shared with them, and giving their views
	// (need Family); nothing else of the record.
	Family
	// Advises is an outside professional with an open request: what the
	// request shares, and sending their advice or report (need Advises);
	// nothing else of the record.
	Advises
	// Delivers is a member of staff the SENCO assigned: the current plan
	// and provisions, and logging the sessions they deliver (need
	// Delivers); nothing else of the record.
	Delivers
	// EHCPAndAudit is an LA reviewer's live grant: the EHC plan's status
	// and the audit trail, each read logged.
	EHCPAndAudit
	// ReadOnly is the lead of the pupil's trust: the whole record, EHC
	// milestones and grants, but not the APDR cycle.
	ReadOnly
	// ReadWrite is the SENCO of the pupil's school, or an admin.
	ReadWrite
)

// PupilAccess is what u may do with pupil p today.
func PupilAccess(u user.User, p *pupil.Pupil, today civil.Date) Access {
	if !p.Exists() {
		return NoAccess
	}
	switch u.Role {
	case user.Admin:
		return ReadWrite
	case user.TrustLead:
		if p.TrustID == u.TrustID {
			return ReadOnly
		}
	case user.SENCO:
		if u.InSchool(p.SchoolID) {
			return ReadWrite
		}
	case user.LAReviewer:
		if p.HasLiveGrant(u.ID, today) {
			return EHCPAndAudit
		}
	case user.Staff:
		if u.InSchool(p.SchoolID) && p.HasStaff(u.ID) {
			return Delivers
		}
	case user.Parent:
		if u.TrustID == p.TrustID && p.HasParent(u.ID) {
			return Family
		}
	case user.Professional:
		if u.TrustID == p.TrustID && p.Advises(u.ID) {
			return Advises
		}
	}
	return NoAccess
}

// errRole is the refusal of a command the user's role does not allow.
var errRole = domain.Forbidden("Your role does not allow this.")

// requirePupil checks that u has at least need on pupil p (id, for the
// error when p does not exist).
func requirePupil(u user.User, id string, p *pupil.Pupil, today civil.Date, need Access) error {
	switch got := PupilAccess(u, p, today); {
	case got == NoAccess:
		return domain.NotFound("pupil %s", id)
	case !got.Allows(need):
		return errRole
	}
	return nil
}

// Allows reports whether access a is enough for what needs need.
func (a Access) Allows(need Access) bool {
	if need == Family || need == Advises {
		// The school writes the record; it does not speak for the parents
		// or send a professional's advice.
		return a == need
	}
	if need == Delivers {
		// Delivering is its own right, not a step of the ladder: the
		// assigned staff and those who write the record, nobody else.
		return a == Delivers || a == ReadWrite
	}
	return a >= need
}

// schoolAccess is what u may do with the pupils of school schoolID of
// trust trustID: ReadWrite for its SENCO or an admin, ReadOnly for its
// trust's lead.
func schoolAccess(u user.User, schoolID, trustID string) Access {
	switch {
	case u.Role == user.Admin, u.Role == user.SENCO && u.InSchool(schoolID):
		return ReadWrite
	case u.Role == user.TrustLead && u.TrustID == trustID:
		return ReadOnly
	}
	return NoAccess
}

// school returns school schoolID and its trust if u has need on its
// pupils; why is told to a user who has not.
func (s *Service) school(ctx context.Context, u user.User, schoolID string, need Access, why string) (trust.School, string, error) {
	type found struct {
		school  trust.School
		trustID string
	}
	f, ok := fresh(ctx, s, func() (found, bool) {
		sch, trustID, ok := s.dir.School(schoolID)
		return found{sch, trustID}, ok
	})
	sch, trustID := f.school, f.trustID
	switch {
	case !ok:
		return trust.School{}, "", domain.NotFound("school %s", schoolID)
	case schoolAccess(u, schoolID, trustID) < need:
		return trust.School{}, "", domain.Forbidden("%s", why)
	}
	return sch, trustID, nil
}

// managesTrust: an admin, or the lead of trust id.
func managesTrust(u user.User, id string) bool {
	return u.Role == user.Admin || (u.Role == user.TrustLead && u.TrustID == id)
}

// managedTrust returns trust id if u manages it; why is told to a user who
// does not.
func (s *Service) managedTrust(ctx context.Context, u user.User, id, why string) (trust.Trust, error) {
	t, ok := fresh(ctx, s, func() (trust.Trust, bool) { return s.dir.Trust(id) })
	switch {
	case !ok:
		return trust.Trust{}, domain.NotFound("trust %s", id)
	case !managesTrust(u, id):
		return trust.Trust{}, domain.Forbidden("%s", why)
	}
	return t, nil
}

// mayCreateUser: admins create anyone; a trust lead creates users of its
// own trust (and LA reviewers), never admins.
func mayCreateUser(u user.User, cmd user.Create) error {
	switch {
	case u.Role == user.Admin:
		return nil
	case u.Role != user.TrustLead:
		return domain.Forbidden("Only an admin or a trust lead creates users.")
	case cmd.Role == user.Admin || (cmd.TrustID != "" && cmd.TrustID != u.TrustID):
		return domain.Forbidden("A trust lead creates users of its own trust only, and no admins.")
	}
	return nil
}

// mayManageTokens: admins, the user themself, and the lead of the user's
// trust (not for admins).
func mayManageTokens(u, target user.User) bool {
	switch {
	case u.Role == user.Admin, u.ID == target.ID:
		return true
	case u.Role == user.TrustLead:
		return target.Role != user.Admin && target.TrustID == u.TrustID && target.TrustID != ""
	}
	return false
}

// mayManageUser: admins, and the lead of the user's trust (not for
// admins): invitations, deactivation.
func mayManageUser(u, target user.User) bool {
	switch u.Role {
	case user.Admin:
		return true
	case user.TrustLead:
		return target.Role != user.Admin && target.TrustID == u.TrustID && target.TrustID != ""
	}
	return false
}

// Can is what the record's page may offer a user: each is a policy answer,
// so a form is shown only to who may send it.
type Can struct {
	// Write: the APDR cycle, status, referrals, transfer and leaving.
	Write bool
	// Grant: LA reviewers' access, and EHC milestones.
	Grant bool
	// Erase: an admin, on the record of a pupil who has left.
	Erase bool
}

func can(u user.User, p *pupil.Pupil, a Access) Can {
	if p.Erasure != nil {
		// An erased record is closed: it is read, never written.
		return Can{}
	}
	return Can{Write: a == ReadWrite, Grant: a >= ReadOnly, Erase: u.Role == user.Admin && !p.OnRoll}
}

// seesSmallNumbers: figures behind fewer than projections.MinPupils pupils
// identify children, so only those who may write the pupils' records (the
// school's SENCO, an admin) see them; a trust lead sees them withheld.
func seesSmallNumbers(u user.User, schoolID, trustID string) bool {
	return schoolAccess(u, schoolID, trustID) == ReadWrite
}

// scope resolves a view of school schoolID (when set) or trust trustID
// for u: the trust, and whether u sees small numbers (see
// seesSmallNumbers). A school's view: its SENCO, its trust's lead, admins;
// the trust's: its lead and admins. (The provision map, delivery and impact
// share it.)
func (s *Service) scope(ctx context.Context, u user.User, trustID, schoolID string) (string, bool, error) {
	if schoolID != "" {
		_, t, err := s.school(ctx, u, schoolID, ReadOnly, "Your role does not give access to this school.")
		if err != nil {
			return "", false, err
		}
		if trustID != "" && trustID != t {
			return "", false, domain.NotFound("school %s in trust %s", schoolID, trustID)
		}
		return t, seesSmallNumbers(u, schoolID, t), nil
	}
	if _, err := s.managedTrust(ctx, u, trustID, "Only the trust's lead sees the trust's views."); err != nil {
		return "", false, err
	}
	return trustID, false, nil
}

// RoundAccess is what a user may do with a round of the MAT SEND review.
type RoundAccess int

const (
	// NoRound: the round does not exist for them (ErrNotFound).
	NoRound RoundAccess = iota
	// ReviewsRound is a reviewer from another trust invited to the round:
	// they read it and comment.
	ReviewsRound
	// WritesRound is the school's SENCO, its trust's lead or an admin:
	// they rate, add actions and invite.
	WritesRound
)

// roundAccess is what u may do with round r.
func roundAccess(u user.User, r *inclusion.Round) RoundAccess {
	switch {
	case !r.Exists():
		return NoRound
	case schoolAccess(u, r.SchoolID, r.TrustID) >= ReadOnly:
		return WritesRound
	case r.HasReviewer(u.ID) && u.MaySignIn():
		return ReviewsRound
	}
	return NoRound
}

// requireRound checks that u has need on round r.
func requireRound(u user.User, r *inclusion.Round, need RoundAccess) error {
	switch got := roundAccess(u, r); {
	case got == NoRound:
		return domain.NotFound("review round")
	case got < need:
		return domain.Forbidden("An invited reviewer reads the round and comments; the school rates it.")
	}
	return nil
}
