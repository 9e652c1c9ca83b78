package pupil

import (
	"fmt"
	"slices"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/user"
)

// Outside professionals. When advice is asked for an EHC needs assessment
// (an advice_requested record) or a pupil is referred to a service, the
// SENCO may ask the professional in: their account (role professional)
// sees what the request shares, and only while it is open, and the file
// they send is the advice (advice_received on the clock) or the report
// (the referral's report_received), recorded with it in one commit.

// ProfessionalRequest is a professional asked for advice or a report.
type ProfessionalRequest struct {
	Entry  int    `json:"entry,omitempty"`
	ID     string `json:"id"`
	UserID string `json:"user_id"`
	// AdviceEntry is the advice_requested record the request answers, or
	// ReferralID the referral whose report it is: one of the two.
	AdviceEntry int    `json:"advice_entry,omitempty"`
	ReferralID  string `json:"referral_id,omitempty"`
	// From is who the advice was asked of (the record's from), or the
	// referral's service.
	From string `json:"from"`
	// Message is the SENCO's note of what is asked.
	Message string `json:"message,omitempty" personal:"true"`
	// What the request shares, beyond the pupil's name, date of birth,
	// year group and school: the plan in place, the one-page profile, and
	// these documents of the record.
	SharePlan    bool       `json:"share_plan"`
	ShareAboutMe bool       `json:"share_about_me"`
	DocumentIDs  []string   `json:"document_ids,omitempty"`
	InvitedOn    civil.Date `json:"invited_on"`
	// DueOn is when the advice is due (6 weeks after it was asked, reg
	// 8(1)); a referral's report has no statutory date.
	DueOn civil.Date `json:"due_on,omitempty"`
	// AnsweredOn and DocumentID: when the professional sent their file,
	// and the document it became.
	AnsweredOn civil.Date `json:"answered_on,omitempty"`
	DocumentID string     `json:"document_id,omitempty"`
}

// Commands.
type (
	// InviteProfessional asks professional account UserID (set by the
	// service, which makes the account) for the advice of record entry
	// AdviceEntry, or the report of referral ReferralID.
	InviteProfessional struct {
		UserID       string   `json:"-"`
		AdviceEntry  int      `json:"advice_entry" validate:"min=0"`
		ReferralID   string   `json:"referral_id" validate:"max=64"`
		Message      string   `json:"message" validate:"max=2000"`
		SharePlan    bool     `json:"share_plan"`
		ShareAboutMe bool     `json:"share_about_me"`
		DocumentIDs  []string `json:"document_ids" validate:"max=20,unique,dive,uuid"`
	}
	// Answer is the professional's file: its name on the record.
	Answer struct {
		Name string `json:"name" validate:"notblank,max=200"`
	}
)

// Events.
type (
	ProfessionalInvited struct {
		Request ProfessionalRequest `json:"request"`
	}
	// ProfessionalAnswered marks request RequestID answered by document
	// DocumentID; the document and the clock's record come in the same
	// commit.
	ProfessionalAnswered struct {
		RequestID  string     `json:"request_id"`
		DocumentID string     `json:"document_id"`
		On         civil.Date `json:"on"`
	}
)

func (ProfessionalInvited) EventType() string         { return "professional_invited" }
func (ProfessionalAnswered) EventType() string        { return "professional_answered" }
func (e ProfessionalInvited) OccurredOn() civil.Date  { return e.Request.InvitedOn }
func (e ProfessionalAnswered) OccurredOn() civil.Date { return e.On }

func init() {
	event.Register[ProfessionalInvited](1)
	event.Register[ProfessionalAnswered](1)
}

// ProfessionalRequest returns request id, or false.
func (p *Pupil) ProfessionalRequest(id string) (ProfessionalRequest, bool) {
	i := slices.IndexFunc(p.Professionals, func(r ProfessionalRequest) bool { return r.ID == id })
	if i < 0 {
		return ProfessionalRequest{}, false
	}
	return p.Professionals[i], true
}

// RequestOpen reports whether request r still waits for its answer: not
// answered, and neither the advice recorded as received (by anyone) nor
// the referral past being seen. Only an open request shows the
// professional anything.
func (p *Pupil) RequestOpen(r ProfessionalRequest) bool {
	if r.AnsweredOn.Valid() || !p.OnRoll || p.Erasure != nil {
		return false
	}
	if r.ReferralID != "" {
		ref := p.Referral(r.ReferralID)
		return ref != nil && ref.AwaitsReport()
	}
	_, ok := p.openAdvice(r.AdviceEntry)
	return ok
}

// AwaitsReport reports whether the referral may still receive its report:
// made, accepted or seen.
func (r *Referral) AwaitsReport() bool { return referralMayBecome(r.Status, ReferralReportReceived) }

// Advises reports whether professional userID has an open request on the
// record.
func (p *Pupil) Advises(userID string) bool {
	return slices.ContainsFunc(p.Professionals, func(r ProfessionalRequest) bool { return r.UserID == userID && p.RequestOpen(r) })
}

// openAdvice is the advice asked by record entry, not yet received.
func (p *Pupil) openAdvice(entry int) (ehcp.AdviceRequest, bool) {
	for _, a := range p.clock().AdviceRequests() {
		if a.Entry == entry && entry > 0 {
			return a, !a.ReceivedOn.Valid()
		}
	}
	return ehcp.AdviceRequest{}, false
}

// CheckInvitation checks what an invitation asks, before an account is
// made for it: the fields, a pupil on roll, advice asked for and not yet
// received or a referral waiting for its report, and documents of the
// record. It answers the request the invitation makes (with no id or
// account yet).
func (p *Pupil) CheckInvitation(cmd InviteProfessional, today civil.Date) (ProfessionalRequest, error) {
	if err := domain.ValidateOn(cmd, today); err != nil {
		return ProfessionalRequest{}, err
	}
	if err := p.onRoll(); err != nil {
		return ProfessionalRequest{}, err
	}
	r := ProfessionalRequest{Message: cmd.Message, SharePlan: cmd.SharePlan, ShareAboutMe: cmd.ShareAboutMe,
		DocumentIDs: cmd.DocumentIDs, InvitedOn: today}
	switch {
	case (cmd.AdviceEntry == 0) == (cmd.ReferralID == ""):
		return r, domain.Invalid("advice_entry", "choose the advice asked for or the referral (referral_id) the professional answers, one of the two")
	case cmd.ReferralID != "":
		ref := p.Referral(cmd.ReferralID)
		if ref == nil || !ref.AwaitsReport() {
			return r, domain.Invalid("referral_id", "is not a referral waiting for its report")
		}
		r.ReferralID, r.From = ref.ID, ref.Service
	default:
		a, ok := p.openAdvice(cmd.AdviceEntry)
		if !ok {
			return r, domain.Invalid("advice_entry", "is not advice asked for and not yet received")
		}
		r.AdviceEntry, r.From, r.DueOn = a.Entry, a.From, a.DueOn
	}
	for i, d := range cmd.DocumentIDs {
		if _, ok := p.Document(d); !ok {
			return r, domain.Invalid(fmt.Sprintf("document_ids[%d]", i), "is not a document of this record")
		}
	}
	return r, nil
}

// InviteProfessional decides asking a professional's account for the
// advice or report (see CheckInvitation): a professional of the pupil's
// trust, not asked the same already while that request is open.
func (p *Pupil) InviteProfessional(id string, cmd InviteProfessional, facts Facts) ([]event.Data, error) {
	r, err := p.CheckInvitation(cmd, facts.Today)
	if err != nil {
		return nil, err
	}
	if u, ok := facts.User(cmd.UserID); !ok || u.Role != user.Professional || u.TrustID != p.TrustID {
		return nil, domain.Invalid("email", "is not a professional's account of this trust")
	}
	r.ID, r.UserID = id, cmd.UserID
	for _, o := range p.Professionals {
		if o.UserID == r.UserID && o.AdviceEntry == r.AdviceEntry && o.ReferralID == r.ReferralID && p.RequestOpen(o) {
			return nil, domain.Conflict("this professional was already asked on %s", o.InvitedOn)
		}
	}
	return []event.Data{ProfessionalInvited{Request: r}}, nil
}

// SharesWith reports whether an open request of professional userID
// shares document docID.
func (p *Pupil) SharesWith(userID, docID string) bool {
	return slices.ContainsFunc(p.Professionals, func(r ProfessionalRequest) bool {
		return r.UserID == userID && slices.Contains(r.DocumentIDs, docID) && p.RequestOpen(r)
	})
}

// AnswerRequest decides the professional's answer to request reqID: the
// document docID (file f) and, in the same commit, what it records: the
// advice received (on the clock) or the referral's report received, today.
// Only the professional asked, while the request is open.
func (p *Pupil) AnswerRequest(userID, reqID, docID string, cmd Answer, f File, facts Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, facts.Today); err != nil {
		return nil, err
	}
	if err := p.onRoll(); err != nil {
		return nil, err
	}
	r, ok := p.ProfessionalRequest(reqID)
	if !ok || r.UserID != userID {
		return nil, domain.NotFound("request %s", reqID)
	}
	if !p.RequestOpen(r) {
		return nil, domain.Conflict("this request is closed: the school has the advice or report already")
	}
	kind := "advice"
	if r.ReferralID != "" {
		kind = "report"
	}
	doc, err := p.AddDocument(docID, AddDocument{Name: cmd.Name, Kind: kind}, f, facts)
	if err != nil {
		return nil, err
	}
	var recorded []event.Data
	if r.ReferralID != "" {
		recorded, err = p.ChangeReferral(r.ReferralID, ChangeReferral{Status: ReferralReportReceived, On: facts.Today}, facts)
	} else {
		recorded, err = p.RecordEHCP(ehcp.Command{Type: ehcp.AdviceReceived, On: facts.Today, From: r.From}, facts)
	}
	if err != nil {
		return nil, err
	}
	out := append(doc, recorded...)
	return append(out, ProfessionalAnswered{RequestID: r.ID, DocumentID: docID, On: facts.Today}), nil
}

// applyAnswer marks the request answered.
func (p *Pupil) applyAnswer(d ProfessionalAnswered) {
	p.Professionals = slices.Clone(p.Professionals)
	for i, r := range p.Professionals {
		if r.ID == d.RequestID {
			p.Professionals[i].AnsweredOn, p.Professionals[i].DocumentID = d.On, d.DocumentID
		}
	}
}
