package app

import (
	"context"
	"strconv"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/upn"
	"github.com/sendcase/sendcase/domain/user"
)

// CorrectionAccess is who may correct or void an entry: whoever may record
// it. Sessions: those who deliver the pupil's provision and those who
// write the record; EHC process records and grants: the trust's lead too;
// the rest: the school's SENCO or an admin.
func CorrectionAccess(kind string) Access {
	switch kind {
	case pupil.EntrySession:
		return Delivers
	case pupil.EntryEHCP, pupil.EntryGrant:
		return ReadOnly
	}
	return ReadWrite
}

// CorrectEntry corrects entry (the version of the event that recorded it)
// of the pupil: cmd names the entry's kind and says what it should have
// said, and why. The entry stays in the audit trail beside the correction.
//
// Errors: as ChangeStatus; ErrNotFound also when nothing that can be
// corrected was recorded at entry.
func (s *Service) CorrectEntry(ctx context.Context, u user.User, o CommandOptions, pupilID string, entry int, cmd pupil.Correct) (Result, error) {
	return s.entryCommand(ctx, u, o, "CorrectEntry", pupilID, entry, func(p *pupil.Pupil, f pupil.Facts) ([]event.Data, error) {
		return p.CorrectEntry(entry, cmd, f)
	})
}

// VoidEntry voids entry of the pupil: it should not have been recorded.
// Who may, and errors: as CorrectEntry.
func (s *Service) VoidEntry(ctx context.Context, u user.User, o CommandOptions, pupilID string, entry int, cmd pupil.Void) (Result, error) {
	return s.entryCommand(ctx, u, o, "VoidEntry", pupilID, entry, func(p *pupil.Pupil, f pupil.Facts) ([]event.Data, error) {
		return p.VoidEntry(entry, cmd, f)
	})
}

func (s *Service) entryCommand(ctx context.Context, u user.User, o CommandOptions, op, pupilID string, entry int,
	decide func(p *pupil.Pupil, f pupil.Facts) ([]event.Data, error)) (Result, error) {
	today := s.Today()
	// Any access but none lets the decision start; the entry's kind says
	// what access it needs.
	return pupilCommand(ctx, s, u, o, op+"/"+strconv.Itoa(entry), pupilID, NoAccess, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		if kind := p.EntryKind(entry); kind != "" {
			if err := requirePupil(u, pupilID, p, today, CorrectionAccess(kind)); err != nil {
				return pupilDecision[Result]{}, err
			}
		} else if err := requirePupil(u, pupilID, p, today, ReadWrite); err != nil {
			return pupilDecision[Result]{}, err
		}
		return simple(decide(p, f))
	})
}

// CorrectDetails corrects the pupil's name, date of birth, UPN or year
// group. Its SENCO or an admin. A new UPN is claimed first, as at
// registration, so that no two pupils of a trust share one; the old UPN
// is released once the correction is recorded.
//
// Errors: as ChangeStatus; *ConflictError also when the new UPN is taken.
func (s *Service) CorrectDetails(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.CorrectDetails) (Result, error) {
	cmd.UPN = upn.Normalize(cmd.UPN)
	var trustID, oldUPN string
	today := s.Today()
	// Read and check first, so that bad input claims nothing.
	err := s.pupils.Read(ctx, pupilID, func(p *pupil.Pupil) error {
		if err := requirePupil(u, pupilID, p, today, ReadWrite); err != nil {
			return err
		}
		// A stale If-Match is answered before the body, as for every command.
		if o.IfMatch != nil && *o.IfMatch != p.Version {
			return domain.StaleVersion(*o.IfMatch, p.Version)
		}
		if _, err := p.CorrectDetails(cmd, s.facts(p.TrustID)); err != nil {
			return err
		}
		trustID, oldUPN = p.TrustID, p.UPN
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	newUPN := cmd.UPN != oldUPN
	if newUPN {
		if err := s.claimUPN(ctx, trustID, cmd.UPN, pupilID); err != nil {
			return Result{}, err
		}
	}
	res, err := pupilCommand(ctx, s, u, o, "CorrectDetails", pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		if p.UPN != oldUPN {
			return pupilDecision[Result]{}, domain.Conflict("the pupil's UPN changed meanwhile; look again")
		}
		return simple(p.CorrectDetails(cmd, f))
	})
	if err != nil {
		if newUPN {
			// The pupil never took the new UPN: free it again.
			_ = s.store.ReleaseClaim(ctx, "upn."+trustID+"."+cmd.UPN)
		}
		return Result{}, err
	}
	if newUPN {
		// The correction is recorded; a claim left behind only keeps the
		// old UPN from another pupil of the trust, and erasure releases
		// every claim the pupil holds, so a failure here is not the
		// caller's to retry.
		_ = s.store.ReleaseClaim(ctx, "upn."+trustID+"."+oldUPN)
	}
	return res, nil
}

// Readmit puts a pupil who left back on roll at a school of the trust,
// with the same UPN and record. The SENCO of the school they left, or an
// admin. Errors: as ChangeStatus.
func (s *Service) Readmit(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.Readmit) (Result, error) {
	return pupilCommand(ctx, s, u, o, "Readmit", pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		return simple(p.Readmit(cmd, f))
	})
}
