package app

import (
	"context"
	"io"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

// Outside professionals. The SENCO asks a professional in for advice asked
// for an EHC needs assessment, or for a referral's report: the
// professional's account (role professional, of the pupil's trust) is made
// if there is none for that email and invited to set up a passkey. While
// the request is open they see what it shares, and the file they send is
// recorded with what it answers, in one commit.

// InviteProfessional is what the SENCO gives to ask a professional in.
type InviteProfessional struct {
	Name  string `json:"name" validate:"notblank,max=200"`
	Email string `json:"email" validate:"required,email,max=254"`
	pupil.InviteProfessional
}

// InviteProfessional makes (or finds) the professional's account, records
// the request on pupilID's record and invites them: the invitation is
// emailed, or its link answered once when no mail is set up. The pupil's
// SENCO and admins.
//
// Errors: *ValidationError (the fields; advice_entry or referral_id not
// open; a document not of the record), *ConflictError (asked already; the
// pupil has left), ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) InviteProfessional(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd InviteProfessional) (Invitation, error) {
	pro, err := s.accountToInvite(ctx, u, o, pupilID, cmd, user.Professional, cmd.Name, cmd.Email, func(p *pupil.Pupil) error {
		_, err := p.CheckInvitation(cmd.InviteProfessional, s.Today())
		return err
	})
	if err != nil {
		return Invitation{}, err
	}
	ask := cmd.InviteProfessional
	ask.UserID = pro.ID
	if _, err := pupilCommand(ctx, s, u, o, "InviteProfessional", pupilID, ReadWrite, func(p *pupil.Pupil, f pupil.Facts) (pupilDecision[Result], error) {
		return simple(p.InviteProfessional(f.NewID(), ask, f))
	}); err != nil {
		return Invitation{}, err
	}
	return s.invite(ctx, u, pro)
}

// RequestRef is one request in a professional's list. The pupil is named
// only while the request is open.
type RequestRef struct {
	PupilID    string     `json:"pupil_id"`
	RequestID  string     `json:"request_id"`
	Pupil      string     `json:"pupil,omitempty"`
	School     string     `json:"school"`
	From       string     `json:"from"`
	InvitedOn  civil.Date `json:"invited_on"`
	DueOn      civil.Date `json:"due_on,omitempty"`
	Open       bool       `json:"open"`
	AnsweredOn civil.Date `json:"answered_on,omitempty"`
}

// Requests lists the requests made of professional u, newest first. A
// professional only.
//
// Errors: ErrForbidden, ErrBehind (the views did not catch up in time),
// ErrUnavailable.
func (s *Service) Requests(ctx context.Context, u user.User) ([]RequestRef, error) {
	if u.Role != user.Professional {
		return nil, domain.Forbidden("Only an outside professional sees their requests here.")
	}
	// The list is found from the views, which must hold a request made a
	// moment ago.
	if err := s.awaitWritten(ctx); err != nil {
		return nil, err
	}
	var ids []string
	err := s.proj.Store().EachTrustPupil(ctx, u.TrustID, func(sm *projections.Summary) {
		for _, r := range sm.Pupil.Professionals {
			if r.UserID == u.ID {
				ids = append(ids, sm.Pupil.ID)
				return
			}
		}
	})
	if err != nil {
		return nil, err
	}
	out := []RequestRef{}
	for _, id := range ids {
		// Whether a request is open is judged on the whole record (the EHC
		// clock, the referral), which the summaries do not keep.
		err := s.pupils.Read(ctx, id, func(p *pupil.Pupil) error {
			school := ""
			if sch, _, ok := s.dir.School(p.SchoolID); ok {
				school = sch.Name
			}
			for _, r := range p.Professionals {
				if r.UserID != u.ID {
					continue
				}
				ref := RequestRef{PupilID: p.ID, RequestID: r.ID, School: school, From: r.From, InvitedOn: r.InvitedOn,
					DueOn: r.DueOn, Open: p.RequestOpen(r), AnsweredOn: r.AnsweredOn}
				if ref.Open {
					ref.Pupil = p.FirstName + " " + p.LastName
				}
				out = append(out, ref)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	// Newest first.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Request is an open request as the professional asked sees it: who the
// pupil is, what is asked, and what the school shares.
type Request struct {
	pupil.ProfessionalRequest
	PupilID     string     `json:"pupil_id"`
	FirstName   string     `json:"first_name"`
	LastName    string     `json:"last_name"`
	DateOfBirth civil.Date `json:"date_of_birth"`
	YearGroup   string     `json:"year_group"`
	School      string     `json:"school"`
	// Plan and Support: the plan in place, when the request shares it.
	Plan    *pupil.PlanDoc   `json:"plan,omitempty"`
	Support []Support        `json:"support,omitempty"`
	AboutMe *pupil.AboutMe   `json:"about_me,omitempty"`
	Shared  []pupil.Document `json:"documents"`
}

// Request is request reqID of pupilID's record as professional u sees it.
// The professional asked, while it is open.
//
// Errors: ErrNotFound (not u's, or closed), ErrUnavailable.
func (s *Service) Request(ctx context.Context, u user.User, pupilID, reqID string) (Request, error) {
	var out Request
	err := s.pupils.Read(ctx, pupilID, func(p *pupil.Pupil) error {
		r, err := openRequest(u, p, pupilID, reqID, s.Today())
		if err != nil {
			return err
		}
		out = Request{ProfessionalRequest: r, PupilID: p.ID, FirstName: p.FirstName, LastName: p.LastName,
			DateOfBirth: p.DateOfBirth, YearGroup: p.CurrentYearGroup(s.Today()).Label(), Shared: []pupil.Document{}}
		if sch, _, ok := s.dir.School(p.SchoolID); ok {
			out.School = sch.Name
		}
		if r.SharePlan {
			out.Plan, out.Support, _ = s.planInWords(p)
		}
		if r.ShareAboutMe {
			out.AboutMe = p.AboutMe
		}
		for _, id := range r.DocumentIDs {
			if d, ok := p.Document(id); ok {
				out.Shared = append(out.Shared, d)
			}
		}
		return nil
	})
	return out, err
}

// openRequest is u's open request reqID on p; a pupil u may not see is
// not found, as is a request that is not theirs or is closed.
func openRequest(u user.User, p *pupil.Pupil, pupilID, reqID string, today civil.Date) (pupil.ProfessionalRequest, error) {
	if PupilAccess(u, p, today) != Advises {
		return pupil.ProfessionalRequest{}, domain.NotFound("pupil %s", pupilID)
	}
	r, ok := p.ProfessionalRequest(reqID)
	if !ok || r.UserID != u.ID || !p.RequestOpen(r) {
		return pupil.ProfessionalRequest{}, domain.NotFound("request %s", reqID)
	}
	return r, nil
}

// AnswerRequest records the file read from content as professional u's
// answer to request reqID: a document of the record (kind advice or
// report, shared with nobody until the SENCO says), and in the same commit
// the advice received on the EHC clock or the referral's report received,
// today. The professional asked, while the request is open.
//
// Errors: *ValidationError ("name"; "file": empty, over 20 MiB, of a type
// not accepted), *ConflictError (the request closed meanwhile),
// ErrNotFound, ErrUnavailable.
func (s *Service) AnswerRequest(ctx context.Context, u user.User, o CommandOptions, pupilID, reqID string, cmd pupil.Answer, content io.Reader) (Result, error) {
	b, f, err := s.readUpload(ctx, o, pupilID, content, cmd, func(p *pupil.Pupil) error {
		_, err := openRequest(u, p, pupilID, reqID, s.Today())
		return err
	})
	if err != nil {
		return Result{}, err
	}
	return s.storeThenRecord(ctx, pupilID, b, func(docID string) (Result, error) {
		return pupilCommand(ctx, s, u, o, "AnswerRequest/"+reqID, pupilID, Advises, func(p *pupil.Pupil, facts pupil.Facts) (pupilDecision[Result], error) {
			evs, err := p.AnswerRequest(u.ID, reqID, docID, cmd, f, facts)
			return pupilDecision[Result]{events: evs, answer: func(*pupil.Pupil) Result { return Result{ID: docID} }}, err
		})
	})
}

// MayAnswer checks, before a file is read, that u may answer request
// reqID of pupilID's record.
//
// Errors: ErrNotFound, ErrUnavailable.
func (s *Service) MayAnswer(ctx context.Context, u user.User, pupilID, reqID string) error {
	return s.pupils.Read(ctx, pupilID, func(p *pupil.Pupil) error {
		_, err := openRequest(u, p, pupilID, reqID, s.Today())
		return err
	})
}
