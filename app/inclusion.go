package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/inclusion"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/importer"
	"github.com/sendcase/sendcase/projections"
)

// Inclusion across the trust: the MAT SEND review (rounds of a school,
// rated statement by statement, with actions and an invited reviewer),
// patterns of need, and attendance and exclusions by SEN status.

// AddStatement adds a statement of the trust's own to an area of the MAT
// SEND review. Its lead or an admin.
//
// Errors: ErrNotFound, ErrForbidden, *ValidationError, *ConflictError,
// ErrUnavailable.
func (s *Service) AddStatement(ctx context.Context, u user.User, o CommandOptions, trustID string, cmd trust.AddStatement) (Result, error) {
	return trustCommand(ctx, s, u, o, "AddStatement", trustID, func(t *trust.Trust, today civil.Date) (decision[*trust.Trust, Result], error) {
		evs, err := t.AddStatement(cmd, today)
		id := ""
		if len(evs) > 0 {
			id = evs[0].(trust.StatementAdded).Statement.ID
		}
		return decision[*trust.Trust, Result]{events: evs, answer: answerID[*trust.Trust](id)}, err
	})
}

// OpenRound opens a review round of school schoolID. Its SENCO, its
// trust's lead, admins.
//
// Errors: ErrNotFound, ErrForbidden, *ValidationError, ErrUnavailable.
func (s *Service) OpenRound(ctx context.Context, u user.User, o CommandOptions, schoolID string, cmd inclusion.OpenRound) (Result, error) {
	_, trustID, err := s.school(ctx, u, schoolID, ReadOnly, "Only the school's SENCO or its trust's lead reviews the school.")
	if err != nil {
		return Result{}, err
	}
	id := newID()
	res, err := execute[inclusion.Round, *inclusion.Round, Result](ctx, s.rounds, id, s.request(u, o, "OpenRound", schoolID), func(r *inclusion.Round) (decision[*inclusion.Round, Result], error) {
		evs, err := inclusion.Open(id, trustID, schoolID, cmd, s.Today())
		return decision[*inclusion.Round, Result]{events: evs, answer: answerID[*inclusion.Round](id)}, err
	})
	if err != nil {
		return res, err
	}
	return res, s.awaitDirectory(ctx, res.Seq)
}

// roundCommand runs command op on round id for u, who needs need; its
// result names the round.
func roundCommand(ctx context.Context, s *Service, u user.User, o CommandOptions, op, id string, need RoundAccess,
	decide func(r *inclusion.Round, f inclusion.Facts) ([]event.Data, error)) (Result, error) {
	return roundCommandAnswering(ctx, s, u, o, op, id, id, need, decide)
}

// roundCommandAnswering is roundCommand whose result names answer (a
// part of the round the command made).
func roundCommandAnswering(ctx context.Context, s *Service, u user.User, o CommandOptions, op, id, answer string, need RoundAccess,
	decide func(r *inclusion.Round, f inclusion.Facts) ([]event.Data, error)) (Result, error) {
	res, err := execute[inclusion.Round, *inclusion.Round, Result](ctx, s.rounds, id, s.request(u, o, op, id), func(r *inclusion.Round) (decision[*inclusion.Round, Result], error) {
		if err := requireRound(u, r, need); err != nil {
			return decision[*inclusion.Round, Result]{}, err
		}
		f := inclusion.Facts{Today: s.Today(), User: s.dir.User, Statement: func(sid string) (inclusion.Statement, bool) {
			t, _ := s.dir.Trust(r.TrustID)
			return t.Statement(sid)
		}}
		evs, err := decide(r, f)
		return decision[*inclusion.Round, Result]{events: evs, answer: answerID[*inclusion.Round](answer)}, err
	})
	if err != nil {
		return res, err
	}
	return res, s.awaitDirectory(ctx, res.Seq)
}

// RateArea rates statements of one area of round roundID, today. The
// school's SENCO, its trust's lead, admins.
//
// Errors: ErrNotFound, ErrForbidden, *ValidationError, ErrUnavailable.
func (s *Service) RateArea(ctx context.Context, u user.User, o CommandOptions, roundID string, cmd inclusion.RateArea) (Result, error) {
	return roundCommand(ctx, s, u, o, "RateArea", roundID, WritesRound, func(r *inclusion.Round, f inclusion.Facts) ([]event.Data, error) {
		return r.RateArea(cmd, f)
	})
}

// AddReviewAction adds an action to round roundID, for an owner of the
// trust (it shows on their Due soon), and answers the action's id. As
// RateArea.
func (s *Service) AddReviewAction(ctx context.Context, u user.User, o CommandOptions, roundID string, cmd inclusion.AddAction) (Result, error) {
	id := newID()
	return roundCommandAnswering(ctx, s, u, o, "AddReviewAction", roundID, id, WritesRound, func(r *inclusion.Round, f inclusion.Facts) ([]event.Data, error) {
		return r.AddAction(id, cmd, f)
	})
}

// CompleteReviewAction marks an action of round roundID done. As
// RateArea; errors also *ConflictError (done already).
func (s *Service) CompleteReviewAction(ctx context.Context, u user.User, o CommandOptions, roundID string, cmd inclusion.CompleteAction) (Result, error) {
	return roundCommand(ctx, s, u, o, "CompleteReviewAction", roundID, WritesRound, func(r *inclusion.Round, f inclusion.Facts) ([]event.Data, error) {
		return r.CompleteAction(cmd, f)
	})
}

// InviteReviewer names the reviewer to invite by their email: a school
// sees no list of another trust's people.
type InviteReviewer struct {
	Email string `json:"email" validate:"required,email,max=254"`
}

// InviteRoundReviewer invites a SENCO or trust lead of another trust, by
// their email, to read round roundID and comment on it. As RateArea;
// errors also *ConflictError (invited already).
func (s *Service) InviteRoundReviewer(ctx context.Context, u user.User, o CommandOptions, roundID string, cmd InviteReviewer) (Result, error) {
	return roundCommand(ctx, s, u, o, "InviteRoundReviewer", roundID, WritesRound, func(r *inclusion.Round, f inclusion.Facts) ([]event.Data, error) {
		if err := domain.Validate(cmd); err != nil {
			return nil, err
		}
		for _, role := range []user.Role{user.SENCO, user.TrustLead} {
			for _, p := range s.dir.Users(role) {
				if p.TrustID != r.TrustID && strings.EqualFold(p.Email, strings.TrimSpace(cmd.Email)) {
					return r.InviteReviewer(inclusion.InviteReviewer{UserID: p.ID}, f)
				}
			}
		}
		return nil, domain.Invalid("email", "is not the email of a SENCO or trust lead of another trust")
	})
}

// CommentOnRound records a comment on round roundID: by whoever reads it
// (the school, the trust, an invited reviewer).
//
// Errors: ErrNotFound, *ValidationError, ErrUnavailable.
func (s *Service) CommentOnRound(ctx context.Context, u user.User, o CommandOptions, roundID string, cmd inclusion.AddComment) (Result, error) {
	return roundCommand(ctx, s, u, o, "CommentOnRound", roundID, ReviewsRound, func(r *inclusion.Round, f inclusion.Facts) ([]event.Data, error) {
		return r.Comment(u.ID, cmd, f)
	})
}

// RoundView is a round as its readers see it.
type RoundView struct {
	inclusion.Round
	School     string                `json:"school"`
	Statements []inclusion.Statement `json:"statements"`
	Scores     []inclusion.AreaScore `json:"scores"`
	// Previous is the school's round before this one, by its scores.
	Previous *RoundRef `json:"previous,omitempty"`
	// Names names the people of the round (owners, reviewers,
	// commenters) by account.
	Names map[string]string `json:"names"`
	// CanWrite: the school's SENCO, its lead, an admin (not an invited
	// reviewer, who comments).
	CanWrite bool `json:"can_write"`
	// Owners are who an action may be given to (CanWrite only).
	Owners []user.User `json:"-"`
	// History is every entry of the round: who did what, when.
	History []RoundEntry `json:"history"`
}

// RoundEntry is one entry of a round's history, from its event.
type RoundEntry struct {
	Entry      int       `json:"entry"`
	Type       string    `json:"type"`
	By         string    `json:"by"`
	Role       string    `json:"role"`
	RecordedAt time.Time `json:"recorded_at"`
	// What says what it did: the statements rated and how, the action, ...
	What string `json:"what"`
}

// RoundRef names a round and its scores.
type RoundRef struct {
	ID     string                `json:"id"`
	Name   string                `json:"name"`
	Scores []inclusion.AreaScore `json:"scores"`
}

// Round is round roundID. Its school's SENCO, its trust's lead, admins,
// and the reviewers invited to it.
//
// Errors: ErrNotFound (also for who may not read it).
func (s *Service) Round(ctx context.Context, u user.User, roundID string) (RoundView, error) {
	r, ok := fresh(ctx, s, func() (inclusion.Round, bool) { return s.dir.Round(roundID) })
	if !ok || roundAccess(u, &r) == NoRound {
		return RoundView{}, domain.NotFound("review round %s", roundID)
	}
	t, _ := s.dir.Trust(r.TrustID)
	out := RoundView{Round: r, Statements: t.Statements(), Names: map[string]string{}, CanWrite: roundAccess(u, &r) == WritesRound}
	out.Scores = r.Scores(out.Statements)
	if sch, ok := t.School(r.SchoolID); ok {
		out.School = sch.Name
	}
	rounds := s.dir.Rounds(r.SchoolID)
	if i := slices.IndexFunc(rounds, func(x inclusion.Round) bool { return x.ID == r.ID }); i > 0 {
		p := rounds[i-1]
		out.Previous = &RoundRef{ID: p.ID, Name: p.Name, Scores: p.Scores(out.Statements)}
	}
	commits, err := s.store.Load(ctx, eventlog.Subject("round", roundID), 0)
	if err != nil {
		return RoundView{}, err
	}
	out.History = []RoundEntry{}
	for _, c := range commits {
		for _, ev := range c.Commit.Events {
			out.History = append(out.History, RoundEntry{Entry: ev.Version, Type: ev.Type, By: ev.Actor.Name, Role: ev.Actor.Role,
				RecordedAt: ev.RecordedAt, What: inclusion.Describe(ev.Data)})
		}
	}
	name := func(id string) {
		if pu, ok := s.dir.User(id); ok {
			out.Names[id] = pu.Name
		}
	}
	for _, a := range r.Actions {
		name(a.OwnerID)
	}
	for _, id := range r.Reviewers {
		name(id)
	}
	for _, c := range r.Comments {
		name(c.UserID)
	}
	if out.CanWrite {
		for _, role := range []user.Role{user.SENCO, user.TrustLead} {
			for _, p := range s.dir.Users(role) {
				if p.MaySignIn() && p.TrustID == r.TrustID && (role == user.TrustLead || p.InSchool(r.SchoolID)) {
					out.Owners = append(out.Owners, p)
				}
			}
		}
	}
	return out, nil
}

// RoundsReviewed lists the rounds u is invited to review.
func (s *Service) RoundsReviewed(u user.User) []inclusion.Round {
	return s.dir.RoundsReviewedBy(u.ID)
}

// ReviewQuery asks for the heat map of a trust, or of one school.
type ReviewQuery struct {
	TrustID, SchoolID string
}

// Reviews is the MAT SEND review's heat map of schools × areas, the
// change since each school's round before, and the open actions. A
// school's: its SENCO, its trust's lead, admins; the trust's: its lead
// and admins.
//
// Errors: ErrNotFound, ErrForbidden.
func (s *Service) Reviews(ctx context.Context, u user.User, q ReviewQuery) (projections.ReviewMap, error) {
	trustID, _, err := s.scope(ctx, u, q.TrustID, q.SchoolID)
	if err != nil {
		return projections.ReviewMap{}, err
	}
	t, _ := s.dir.Trust(trustID)
	return s.viewsOf(When{}).Reviews(t, q.SchoolID), nil
}

// PatternsQuery asks for patterns of need.
type PatternsQuery struct {
	TrustID, SchoolID string
	ViewQuery
}

// Patterns is patterns of need as the record stood at the query's date.
// Who may: as Reviews; a school's figures for fewer than 5 pupils are
// withheld except from its SENCO.
//
// Errors: ErrNotFound, ErrForbidden, ErrBehind (MinSeq not reached in
// time), ErrUnavailable.
func (s *Service) Patterns(ctx context.Context, u user.User, q PatternsQuery) (projections.Patterns, error) {
	trustID, small, err := s.scope(ctx, u, q.TrustID, q.SchoolID)
	if err != nil {
		return projections.Patterns{}, err
	}
	if err := s.awaitViews(ctx, q.MinSeq); err != nil {
		return projections.Patterns{}, err
	}
	t, _ := s.dir.Trust(trustID)
	return s.viewsOf(q.When).Patterns(ctx, t, q.SchoolID, s.dateOf(q.When), small)
}

// Attendance is attendance and exclusions by SEN status, term by term.
// Who may: as Patterns, with the same small-number rule.
//
// Errors: ErrNotFound, ErrForbidden.
func (s *Service) Attendance(ctx context.Context, u user.User, q ReviewQuery) (projections.AttendanceView, error) {
	trustID, small, err := s.scope(ctx, u, q.TrustID, q.SchoolID)
	if err != nil {
		return projections.AttendanceView{}, err
	}
	t, _ := s.dir.Trust(trustID)
	return s.viewsOf(When{}).Attendance(t, q.SchoolID, small), nil
}

// AttendanceImport asks to import a school's attendance and exclusion
// counts from a CSV file.
type AttendanceImport struct {
	DryRun bool
}

// ImportAttendance reads school schoolID's counts by SEN status, term by
// term, from content (importer.ParseAttendance), and records each term
// that is new or changed; a file with any row refused records nothing. A
// dry run records nothing and reports what would change. Running it twice
// changes nothing the second time. The school's SENCO and admins.
//
// Errors: ErrNotFound, ErrForbidden, *ValidationError ("file": not a CSV
// with the columns needed), ErrUnavailable.
func (s *Service) ImportAttendance(ctx context.Context, u user.User, schoolID string, content io.Reader, q AttendanceImport) (importer.AttendanceReport, error) {
	_, trustID, err := s.school(ctx, u, schoolID, ReadWrite, "The school's SENCO imports its attendance and exclusions.")
	if err != nil {
		return importer.AttendanceReport{}, err
	}
	file, err := importer.ParseAttendance(content)
	if err != nil {
		return importer.AttendanceReport{}, domain.Invalid("file", "%s", err.Error())
	}
	rep := importer.AttendanceReport{DryRun: q.DryRun, Terms: []importer.TermResult{}, Rows: file.Rows}
	att := s.dir.Attendance(schoolID)
	today := s.Today()
	var plans []inclusion.RecordTerm
	for _, tr := range file.Terms {
		res := importer.TermResult{Term: tr.Term.Label()}
		cmd := inclusion.RecordTerm{Term: tr.Term.String(), None: tr.None, Support: tr.Support, Plan: tr.Plan}
		evs, had, err := att.Record(schoolID, trustID, cmd, today)
		switch {
		case err != nil:
			res.Action, res.Errors = importer.Refused, importer.ProblemsOf(err)
		case len(evs) == 0:
			res.Action = importer.Unchanged
		case had:
			res.Action, plans = importer.Updated, append(plans, cmd)
		default:
			res.Action, plans = importer.Created, append(plans, cmd)
		}
		rep.Terms = append(rep.Terms, res)
		rep.Count(res.Action)
	}
	for _, row := range file.Rows {
		if len(row.Errors) > 0 {
			rep.RowsRefused++
		}
	}
	if q.DryRun || rep.Summary.Refused > 0 || rep.RowsRefused > 0 {
		return rep, nil
	}
	for _, cmd := range plans {
		res, err := execute[inclusion.Attendance, *inclusion.Attendance, Result](ctx, s.attendance, schoolID, s.request(u, CommandOptions{}, "RecordAttendance/"+cmd.Term, schoolID),
			func(a *inclusion.Attendance) (decision[*inclusion.Attendance, Result], error) {
				evs, _, err := a.Record(schoolID, trustID, cmd, today)
				return decision[*inclusion.Attendance, Result]{events: evs, answer: answerID[*inclusion.Attendance](schoolID)}, err
			})
		if err != nil {
			return rep, fmt.Errorf("record %s: %w", cmd.Term, err)
		}
		if err := s.awaitDirectory(ctx, res.Seq); err != nil {
			return rep, err
		}
	}
	rep.Applied = true
	return rep, nil
}

// reviewActionsDue are the open actions of the MAT SEND review owned by u
// at schools (any when nil), overdue or due within days of today, as due
// lines.
func (s *Service) reviewActionsDue(u user.User, schools []trust.School, today civil.Date, within int) []projections.DueItem {
	var out []projections.DueItem
	for _, r := range s.dir.RoundsOfTrust(u.TrustID) {
		if schools != nil && !slices.ContainsFunc(schools, func(sc trust.School) bool { return sc.ID == r.SchoolID }) {
			continue
		}
		for _, a := range r.Actions {
			if a.OwnerID != u.ID || !a.Open() || a.DueOn.After(today.AddDays(within)) {
				continue
			}
			out = append(out, projections.DueItem{RoundID: r.ID, SchoolID: r.SchoolID, Kind: projections.DueReviewAction,
				From: a.ID, DueOn: a.DueOn, Overdue: today.After(a.DueOn), Days: today.DaysUntil(a.DueOn)})
		}
	}
	return out
}

// AddEvidence attaches the file read from content to round roundID as
// evidence (of a statement, or of the round): checked as any document
// (type by content, 20 MiB) and stored under the round's own key. As
// RateArea.
//
// Errors: ErrNotFound, ErrForbidden, *ValidationError ("file", "name",
// "statement_id"), ErrUnavailable.
func (s *Service) AddEvidence(ctx context.Context, u user.User, o CommandOptions, roundID string, cmd inclusion.AddEvidence, content io.Reader) (Result, error) {
	b, f, err := s.judgeFile(content, cmd)
	if err != nil {
		return Result{}, err
	}
	if err := s.MayAddEvidence(ctx, u, roundID); err != nil {
		return Result{}, err
	}
	return s.storeThenRecord(ctx, roundID, b, func(docID string) (Result, error) {
		return roundCommandAnswering(ctx, s, u, o, "AddEvidence", roundID, docID, WritesRound, func(r *inclusion.Round, facts inclusion.Facts) ([]event.Data, error) {
			return r.AddEvidence(cmd, inclusion.Evidence{ID: docID, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256}, facts)
		})
	})
}

// MayAddEvidence checks, before a file is read, that u may attach
// evidence to round roundID.
//
// Errors: ErrNotFound, ErrForbidden.
func (s *Service) MayAddEvidence(ctx context.Context, u user.User, roundID string) error {
	r, _ := fresh(ctx, s, func() (inclusion.Round, bool) { return s.dir.Round(roundID) })
	return requireRound(u, &r, WritesRound)
}

// EvidenceFile is a round's evidence with its bytes.
type EvidenceFile struct {
	inclusion.Evidence
	Content []byte
}

// Evidence reads document docID of round roundID's evidence: whoever reads
// the round.
//
// Errors: ErrNotFound, ErrUnavailable.
func (s *Service) Evidence(ctx context.Context, u user.User, roundID, docID string) (EvidenceFile, error) {
	r, _ := s.dir.Round(roundID)
	if err := requireRound(u, &r, ReviewsRound); err != nil {
		return EvidenceFile{}, err
	}
	ev, ok := r.EvidenceOf(docID)
	if !ok {
		return EvidenceFile{}, domain.NotFound("document %s", docID)
	}
	content, err := s.store.Document(ctx, roundID, docID)
	if errors.Is(err, eventlog.ErrNoDocument) {
		return EvidenceFile{}, domain.NotFound("document %s", docID)
	}
	if err != nil {
		return EvidenceFile{}, err
	}
	return EvidenceFile{Evidence: ev, Content: content}, nil
}
