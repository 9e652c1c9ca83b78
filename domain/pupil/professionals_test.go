package pupil

import (
	"errors"
	"slices"
	"testing"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/ehcp"
)

const (
	psychologist           = "0193a000-0000-7000-8000-0000000000f1"
	otherTrustPsychologist = "0193a000-0000-7000-8000-0000000000f2"
)

// professionalPupil is a pupil on a plan with advice asked of an
// educational psychologist (on 2 February 2026), a referral to speech and
// language therapy and a document; it answers the advice's entry, the
// referral and the document.
func professionalPupil(t *testing.T) (p *Pupil, facts Facts, advice int, referral, doc string) {
	t.Helper()
	p, facts, _ = atStage(t, "do")
	for _, c := range []ehcp.Command{
		{Type: ehcp.Request, On: d("2026-01-05"), RequestedBy: "school"},
		{Type: ehcp.DecisionToAssess, On: d("2026-02-01"), Assess: new(true)},
		{Type: ehcp.AdviceRequested, On: d("2026-02-02"), From: "educational psychologist"},
	} {
		apply(t, p, must(t)(p.RecordEHCP(c, facts)))
	}
	advice = p.Version
	apply(t, p, must(t)(p.MakeReferral(MakeReferral{Service: "speech_language_therapy", Provider: "nhs", Reason: "r", ReferredOn: d("2026-01-10")}, facts)))
	referral = p.Referrals[0].ID
	apply(t, p, must(t)(p.AddDocument("0193a000-0000-7000-8000-00000000d001", AddDocument{Name: "Screening", Kind: "report"}, File{ContentType: "application/pdf", Size: 10}, facts)))
	return p, facts, advice, referral, p.Documents[0].ID
}

func TestInviteProfessional(t *testing.T) {
	p, facts, advice, referral, doc := professionalPupil(t)
	for _, tc := range []struct {
		name  string
		cmd   InviteProfessional
		field string
	}{
		{"a parent's account", InviteProfessional{UserID: mum, AdviceEntry: advice}, "email"},
		{"another trust's professional", InviteProfessional{UserID: otherTrustPsychologist, AdviceEntry: advice}, "email"},
		{"asked for nothing", InviteProfessional{UserID: psychologist}, "advice_entry"},
		{"asked for both", InviteProfessional{UserID: psychologist, AdviceEntry: advice, ReferralID: referral}, "advice_entry"},
		{"an entry that asked no advice", InviteProfessional{UserID: psychologist, AdviceEntry: advice - 1}, "advice_entry"},
		{"a referral of no one", InviteProfessional{UserID: psychologist, ReferralID: "0193a000-0000-7000-8000-000000000bad"}, "referral_id"},
		{"a document not of the record", InviteProfessional{UserID: psychologist, AdviceEntry: advice, DocumentIDs: []string{"0193a000-0000-7000-8000-00000000d002"}}, "document_ids[0]"},
		{"a control character", InviteProfessional{UserID: psychologist, AdviceEntry: advice, Message: "a\x00"}, "message"},
	} {
		_, err := p.InviteProfessional("r1", tc.cmd, facts)
		if got := fieldOf(err); got != tc.field {
			t.Errorf("%s: %v (field %q), want %q", tc.name, err, got, tc.field)
		}
	}
	apply(t, p, must(t)(p.InviteProfessional("r1", InviteProfessional{UserID: psychologist, AdviceEntry: advice, SharePlan: true, DocumentIDs: []string{doc}}, facts)))
	got, ok := p.ProfessionalRequest("r1")
	if !ok || got.From != "educational psychologist" || got.DueOn != d("2026-03-16") || got.InvitedOn != facts.Today || !p.Advises(psychologist) || !p.SharesWith(psychologist, doc) {
		t.Fatalf("the request: %+v", got)
	}
	var ce *domain.ConflictError
	if _, err := p.InviteProfessional("r2", InviteProfessional{UserID: psychologist, AdviceEntry: advice}, facts); !errors.As(err, &ce) {
		t.Errorf("asked the same twice: %v", err)
	}
	// The same professional for another thing is a second request.
	apply(t, p, must(t)(p.InviteProfessional("r2", InviteProfessional{UserID: psychologist, ReferralID: referral}, facts)))
	if r, _ := p.ProfessionalRequest("r2"); r.From != "speech_language_therapy" || r.DueOn.Valid() {
		t.Errorf("the referral's request: %+v", r)
	}
}

// TestAnswerRequest: the answer records the document and what it answers
// in the same decision, and closes the request; a request closes too when
// what it asks for is recorded another way.
func TestAnswerRequest(t *testing.T) {
	pdf := File{ContentType: "application/pdf", Size: 100}
	p, facts, advice, referral, _ := professionalPupil(t)
	apply(t, p, must(t)(p.InviteProfessional("r1", InviteProfessional{UserID: psychologist, AdviceEntry: advice}, facts)))
	apply(t, p, must(t)(p.InviteProfessional("r2", InviteProfessional{UserID: psychologist, ReferralID: referral}, facts)))
	for _, tc := range []struct {
		name, user, req string
		cmd             Answer
		file            File
		field           string
		notFound        bool
	}{
		{"someone else", otherTrustPsychologist, "r1", Answer{Name: "a"}, pdf, "", true},
		{"no such request", psychologist, "r9", Answer{Name: "a"}, pdf, "", true},
		{"no name", psychologist, "r1", Answer{}, pdf, "name", false},
		{"a program", psychologist, "r1", Answer{Name: "a"}, File{ContentType: "application/x-executable", Size: 100}, "file", false},
		{"too large", psychologist, "r1", Answer{Name: "a"}, File{ContentType: "application/pdf", Size: MaxDocumentBytes + 1}, "file", false},
	} {
		_, err := p.AnswerRequest(tc.user, tc.req, "doc", tc.cmd, tc.file, facts)
		if got := fieldOf(err); got != tc.field || errors.Is(err, domain.ErrNotFound) != tc.notFound {
			t.Errorf("%s: %v (field %q), want %q", tc.name, err, got, tc.field)
		}
	}
	evs := must(t)(p.AnswerRequest(psychologist, "r1", "doc1", Answer{Name: "Psychological advice"}, pdf, facts))
	var types []string
	for _, e := range evs {
		types = append(types, e.EventType())
	}
	if got, want := types, []string{"document_added", "ehcp_milestone_recorded", "professional_answered"}; !slices.Equal(got, want) {
		t.Fatalf("the answer's events: %v, want %v", got, want)
	}
	apply(t, p, evs)
	r1, _ := p.ProfessionalRequest("r1")
	advices := p.Clock().AdviceRequests()
	if p.RequestOpen(r1) || r1.AnsweredOn != facts.Today || r1.DocumentID != "doc1" || advices[0].ReceivedOn != facts.Today {
		t.Errorf("after the answer: %+v, advice %+v", r1, advices)
	}
	if d, _ := p.Document("doc1"); d.Kind != "advice" || d.SharedWithParents || d.SharedWithLA {
		t.Errorf("the advice document: %+v", d)
	}
	var ce *domain.ConflictError
	if _, err := p.AnswerRequest(psychologist, "r1", "doc2", Answer{Name: "again"}, pdf, facts); !errors.As(err, &ce) {
		t.Errorf("answered twice: %v", err)
	}
	// The report recorded by the school closes the referral's request.
	if !p.Advises(psychologist) {
		t.Fatal("the referral's request should still be open")
	}
	apply(t, p, must(t)(p.ChangeReferral(referral, ChangeReferral{Status: ReferralReportReceived, On: facts.Today}, facts)))
	if r2, _ := p.ProfessionalRequest("r2"); p.RequestOpen(r2) || p.Advises(psychologist) {
		t.Errorf("the referral's report came another way, yet the request is open: %+v", r2)
	}
}
