package inclusion

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/user"
)

// Round is one MAT SEND review round of a school: each statement rated,
// with current examples of strengths and areas for improvement as
// evidence, actions with an owner and a due date, and the comments of a
// reviewer from another trust invited to read it.
type Round struct {
	ID       string     `json:"id"`
	TrustID  string     `json:"trust_id"`
	SchoolID string     `json:"school_id"`
	Name     string     `json:"name"`
	OpenedOn civil.Date `json:"opened_on"`
	Version  int        `json:"version"`
	// Ratings are each statement's latest rating, in the order first rated.
	Ratings   []Rated   `json:"ratings"`
	Actions   []Action  `json:"actions"`
	Reviewers []string  `json:"reviewers"`
	Comments  []Comment `json:"comments"`
	// Evidence are the documents attached as evidence, oldest first.
	Evidence []Evidence `json:"evidence"`
}

// Evidence is a document attached to a round (on a statement, or the
// round as a whole); its bytes are in the documents store.
type Evidence struct {
	ID          string     `json:"id"`
	StatementID string     `json:"statement_id,omitempty"`
	Name        string     `json:"name"`
	ContentType string     `json:"content_type"`
	Size        int        `json:"size"`
	SHA256      string     `json:"sha256"`
	AddedOn     civil.Date `json:"added_on"`
}

// Rated is a statement's rating and its evidence.
type Rated struct {
	StatementID  string     `json:"statement_id"`
	Rating       string     `json:"rating"`
	Strengths    string     `json:"strengths,omitempty"`
	Improvements string     `json:"improvements,omitempty"`
	On           civil.Date `json:"on"`
}

// Action is something to do, by its owner, by a date.
type Action struct {
	ID          string     `json:"id"`
	StatementID string     `json:"statement_id,omitempty"`
	What        string     `json:"what"`
	OwnerID     string     `json:"owner_id"`
	DueOn       civil.Date `json:"due_on"`
	AddedOn     civil.Date `json:"added_on"`
	DoneOn      civil.Date `json:"done_on,omitempty"`
}

// Open reports whether the action is not yet done.
func (a Action) Open() bool { return !a.DoneOn.Valid() }

// Comment is an invited reviewer's comment, on a statement or the round.
type Comment struct {
	UserID      string     `json:"user_id"`
	StatementID string     `json:"statement_id,omitempty"`
	Text        string     `json:"text"`
	On          civil.Date `json:"on"`
}

// Facts are what round decisions look up.
type Facts struct {
	Today civil.Date
	// Statement looks up a statement of the round's trust (the framework's
	// and its own).
	Statement func(id string) (Statement, bool)
	User      func(id string) (user.User, bool)
}

// ready checks what every command on a round checks first: cmd's fields,
// a round that exists, and the statement it names (if any) being the
// trust's.
func (r *Round) ready(cmd any, statementID string, f Facts) error {
	if err := domain.ValidateOn(cmd, f.Today); err != nil {
		return err
	}
	if err := r.exists(); err != nil {
		return err
	}
	return f.optionalStatement(statementID)
}

// optionalStatement refuses a statement_id given that is not the trust's.
func (f Facts) optionalStatement(id string) error {
	if _, ok := f.Statement(id); id != "" && !ok {
		return domain.Invalid("statement_id", "is not a statement of the review")
	}
	return nil
}

// Commands.
type (
	OpenRound struct {
		Name     string     `json:"name" validate:"notblank,max=100"`
		OpenedOn civil.Date `json:"opened_on" validate:"required,date,happened"`
	}
	// RateArea rates statements of one area; a statement rated as it was
	// already is left as it is.
	RateArea struct {
		Area    string            `json:"area" validate:"required,allowed=review_area"`
		Ratings []StatementRating `json:"ratings" validate:"min=1,max=100,dive"`
	}
	StatementRating struct {
		StatementID  string `json:"statement_id" validate:"required,max=64"`
		Rating       string `json:"rating" validate:"required,allowed=review_rating"`
		Strengths    string `json:"strengths" validate:"max=2000"`
		Improvements string `json:"improvements" validate:"max=2000"`
	}
	AddAction struct {
		StatementID string     `json:"statement_id" validate:"max=64"`
		What        string     `json:"what" validate:"notblank,max=1000"`
		OwnerID     string     `json:"owner_id" validate:"required,uuid"`
		DueOn       civil.Date `json:"due_on" validate:"required,date"`
	}
	CompleteAction struct {
		ActionID string     `json:"action_id" validate:"required,max=64"`
		On       civil.Date `json:"on" validate:"required,date,happened"`
	}
	// InviteReviewer names the reviewer's account (the service finds it
	// from their email).
	InviteReviewer struct {
		UserID string `json:"-" validate:"required"`
	}
	AddComment struct {
		StatementID string `json:"statement_id" validate:"max=64"`
		Text        string `json:"text" validate:"notblank,max=2000"`
	}
	// AddEvidence names a document attached as evidence.
	AddEvidence struct {
		StatementID string `json:"statement_id" validate:"max=64"`
		Name        string `json:"name" validate:"notblank,max=200"`
	}
)

// Events.
type (
	RoundOpened struct {
		RoundID  string     `json:"round_id"`
		TrustID  string     `json:"trust_id"`
		SchoolID string     `json:"school_id"`
		Name     string     `json:"name"`
		OpenedOn civil.Date `json:"opened_on"`
	}
	StatementsRated struct {
		Ratings []Rated `json:"ratings"`
	}
	ActionAdded struct {
		Action Action `json:"action"`
	}
	ActionDone struct {
		ActionID string     `json:"action_id"`
		On       civil.Date `json:"on"`
	}
	ReviewerInvited struct {
		UserID string     `json:"user_id"`
		On     civil.Date `json:"on"`
	}
	Commented struct {
		Comment Comment `json:"comment"`
	}
	EvidenceAdded struct {
		Evidence Evidence `json:"evidence"`
	}
)

func (RoundOpened) EventType() string     { return "review_round_opened" }
func (StatementsRated) EventType() string { return "review_statements_rated" }
func (ActionAdded) EventType() string     { return "review_action_added" }
func (ActionDone) EventType() string      { return "review_action_done" }
func (ReviewerInvited) EventType() string { return "review_reviewer_invited" }
func (Commented) EventType() string       { return "review_commented" }
func (EvidenceAdded) EventType() string   { return "review_evidence_added" }

func (e RoundOpened) OccurredOn() civil.Date { return e.OpenedOn }
func (e StatementsRated) OccurredOn() civil.Date {
	if len(e.Ratings) == 0 {
		return 0
	}
	return e.Ratings[0].On
}
func (e ActionAdded) OccurredOn() civil.Date     { return e.Action.AddedOn }
func (e ActionDone) OccurredOn() civil.Date      { return e.On }
func (e ReviewerInvited) OccurredOn() civil.Date { return e.On }
func (e Commented) OccurredOn() civil.Date       { return e.Comment.On }
func (e EvidenceAdded) OccurredOn() civil.Date   { return e.Evidence.AddedOn }

func init() {
	event.Register[RoundOpened](1)
	event.Register[StatementsRated](1)
	event.Register[ActionAdded](1)
	event.Register[ActionDone](1)
	event.Register[ReviewerInvited](1)
	event.Register[Commented](1)
	event.Register[EvidenceAdded](1)
}

// Apply folds an event into the round.
func (r *Round) Apply(e event.Event) {
	r.Version = e.Version
	switch d := e.Data.(type) {
	case RoundOpened:
		r.ID, r.TrustID, r.SchoolID, r.Name, r.OpenedOn = d.RoundID, d.TrustID, d.SchoolID, d.Name, d.OpenedOn
	case StatementsRated:
		ratings := slices.Clone(r.Ratings)
		for _, n := range d.Ratings {
			if i := slices.IndexFunc(ratings, func(x Rated) bool { return x.StatementID == n.StatementID }); i >= 0 {
				ratings[i] = n
			} else {
				ratings = append(ratings, n)
			}
		}
		r.Ratings = ratings
	case ActionAdded:
		r.Actions = append(slices.Clip(r.Actions), d.Action)
	case ActionDone:
		r.Actions = slices.Clone(r.Actions)
		for i, a := range r.Actions {
			if a.ID == d.ActionID {
				r.Actions[i].DoneOn = d.On
			}
		}
	case ReviewerInvited:
		r.Reviewers = append(slices.Clip(r.Reviewers), d.UserID)
	case Commented:
		r.Comments = append(slices.Clip(r.Comments), d.Comment)
	case EvidenceAdded:
		r.Evidence = append(slices.Clip(r.Evidence), d.Evidence)
	}
}

// EvidenceOf returns document id of the round's evidence.
func (r *Round) EvidenceOf(id string) (Evidence, bool) {
	i := slices.IndexFunc(r.Evidence, func(e Evidence) bool { return e.ID == id })
	if i < 0 {
		return Evidence{}, false
	}
	return r.Evidence[i], true
}

// AddEvidence decides attaching document e (its file checked by the
// service) as evidence, today.
func (r *Round) AddEvidence(cmd AddEvidence, e Evidence, f Facts) ([]event.Data, error) {
	if err := r.ready(cmd, cmd.StatementID, f); err != nil {
		return nil, err
	}
	e.StatementID, e.Name, e.AddedOn = cmd.StatementID, cmd.Name, f.Today
	return []event.Data{EvidenceAdded{Evidence: e}}, nil
}

// Exists reports whether the round was opened.
func (r *Round) Exists() bool { return r.ID != "" }

// Rating is statement id's rating in the round.
func (r *Round) Rating(id string) (Rated, bool) {
	i := slices.IndexFunc(r.Ratings, func(x Rated) bool { return x.StatementID == id })
	if i < 0 {
		return Rated{}, false
	}
	return r.Ratings[i], true
}

// HasReviewer reports whether user id was invited to the round.
func (r *Round) HasReviewer(id string) bool { return slices.Contains(r.Reviewers, id) }

// Open decides opening round id of school schoolID of trust trustID.
func Open(id, trustID, schoolID string, cmd OpenRound, today civil.Date) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, today); err != nil {
		return nil, err
	}
	return []event.Data{RoundOpened{RoundID: id, TrustID: trustID, SchoolID: schoolID, Name: cmd.Name, OpenedOn: cmd.OpenedOn}}, nil
}

func (r *Round) exists() error {
	if !r.Exists() {
		return domain.NotFound("review round")
	}
	return nil
}

// RateArea decides rating statements of an area today: each must be a
// statement of that area; those rated as they stand change nothing.
func (r *Round) RateArea(cmd RateArea, f Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, f.Today); err != nil {
		return nil, err
	}
	if err := r.exists(); err != nil {
		return nil, err
	}
	var out []Rated
	seen := map[string]bool{}
	var probs domain.Problems
	for i, sr := range cmd.Ratings {
		field := fmt.Sprintf("ratings[%d].statement_id", i)
		st, ok := f.Statement(sr.StatementID)
		switch {
		case !ok:
			probs.Add(field, "is not a statement of the review")
			continue
		case st.Area != cmd.Area:
			probs.Add(field, "is a statement of %s, not of %s", AreaName(st.Area), AreaName(cmd.Area))
			continue
		case seen[sr.StatementID]:
			probs.Add(field, "is rated twice")
			continue
		}
		seen[sr.StatementID] = true
		n := Rated{StatementID: sr.StatementID, Rating: sr.Rating, Strengths: sr.Strengths, Improvements: sr.Improvements, On: f.Today}
		if old, ok := r.Rating(sr.StatementID); ok && old.Rating == n.Rating && old.Strengths == n.Strengths && old.Improvements == n.Improvements {
			continue
		}
		out = append(out, n)
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	return []event.Data{StatementsRated{Ratings: out}}, nil
}

// AddAction decides action id for an owner of the round's trust (one who
// has a due list: a SENCO or the trust lead), due on or after the round
// opened.
func (r *Round) AddAction(id string, cmd AddAction, f Facts) ([]event.Data, error) {
	if err := r.ready(cmd, cmd.StatementID, f); err != nil {
		return nil, err
	}
	if u, ok := f.User(cmd.OwnerID); !ok || u.TrustID != r.TrustID || (u.Role != user.SENCO && u.Role != user.TrustLead) || !u.MaySignIn() {
		return nil, domain.Invalid("owner_id", "must be a SENCO or the lead of this trust")
	}
	if cmd.DueOn.Before(r.OpenedOn) {
		return nil, domain.Invalid("due_on", "must not be before the round opened (%s)", r.OpenedOn)
	}
	return []event.Data{ActionAdded{Action: Action{ID: id, StatementID: cmd.StatementID, What: cmd.What, OwnerID: cmd.OwnerID,
		DueOn: cmd.DueOn, AddedOn: f.Today}}}, nil
}

// CompleteAction decides an open action done.
func (r *Round) CompleteAction(cmd CompleteAction, f Facts) ([]event.Data, error) {
	if err := domain.ValidateOn(cmd, f.Today); err != nil {
		return nil, err
	}
	i := slices.IndexFunc(r.Actions, func(a Action) bool { return a.ID == cmd.ActionID })
	switch {
	case i < 0:
		return nil, domain.Invalid("action_id", "is not an action of this round")
	case !r.Actions[i].Open():
		return nil, domain.Conflict("this action was done on %s", r.Actions[i].DoneOn)
	case cmd.On.Before(r.Actions[i].AddedOn):
		return nil, domain.Invalid("on", "must not be before the action was added (%s)", r.Actions[i].AddedOn)
	}
	return []event.Data{ActionDone{ActionID: cmd.ActionID, On: cmd.On}}, nil
}

// InviteReviewer decides inviting a SENCO or trust lead of another trust
// to read the round and comment on it.
func (r *Round) InviteReviewer(cmd InviteReviewer, f Facts) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	if err := r.exists(); err != nil {
		return nil, err
	}
	if u, ok := f.User(cmd.UserID); !ok || u.TrustID == r.TrustID || u.TrustID == "" || (u.Role != user.SENCO && u.Role != user.TrustLead) || !u.MaySignIn() {
		return nil, domain.Invalid("user_id", "must be a SENCO or trust lead of another trust")
	}
	if r.HasReviewer(cmd.UserID) {
		return nil, domain.Conflict("this reviewer is invited already")
	}
	return []event.Data{ReviewerInvited{UserID: cmd.UserID, On: f.Today}}, nil
}

// Comment decides a reviewer's comment today (who may is the service's
// rule).
func (r *Round) Comment(userID string, cmd AddComment, f Facts) ([]event.Data, error) {
	if err := r.ready(cmd, cmd.StatementID, f); err != nil {
		return nil, err
	}
	return []event.Data{Commented{Comment: Comment{UserID: userID, StatementID: cmd.StatementID, Text: cmd.Text, On: f.Today}}}, nil
}

// AreaScore rolls up an area's ratings in a round.
type AreaScore struct {
	Area       string `json:"area"`
	Statements int    `json:"statements"`
	Rated      int    `json:"rated"`
	Secure     int    `json:"secure"`
	Developing int    `json:"developing"`
	NotYet     int    `json:"not_yet"`
	// Percent is the rated statements' points (secure 2, developing 1,
	// not yet 0) out of 2 for each, to one decimal; nil with none rated.
	Percent *float64 `json:"percent"`
}

// Level says in words where the area stands: secure from 75%, developing
// from 40%, not yet in place below; "" when nothing is rated.
func (a AreaScore) Level() string {
	switch {
	case a.Percent == nil:
		return ""
	case *a.Percent >= 75:
		return Secure
	case *a.Percent >= 40:
		return Developing
	}
	return NotYet
}

// Scores rolls up the round's ratings area by area, of statements (the
// trust's, Statements).
func (r *Round) Scores(statements []Statement) []AreaScore {
	out := make([]AreaScore, len(Areas))
	at := map[string]int{}
	for i, a := range Areas {
		out[i].Area, at[a.ID] = a.ID, i
	}
	area := map[string]string{}
	for _, s := range statements {
		out[at[s.Area]].Statements++
		area[s.ID] = s.Area
	}
	pts := make([]int, len(Areas))
	for _, rt := range r.Ratings {
		a, ok := area[rt.StatementID]
		if !ok {
			continue
		}
		sc := &out[at[a]]
		sc.Rated++
		pts[at[a]] += points(rt.Rating)
		switch rt.Rating {
		case Secure:
			sc.Secure++
		case Developing:
			sc.Developing++
		default:
			sc.NotYet++
		}
	}
	for i := range out {
		if out[i].Rated > 0 {
			p := math.Round(float64(pts[i])/float64(2*out[i].Rated)*1000) / 10
			out[i].Percent = &p
		}
	}
	return out
}

// Describe says in words what an event of a round did, for its history.
func Describe(d event.Data) string {
	switch d := d.(type) {
	case RoundOpened:
		return "Round opened: " + d.Name
	case StatementsRated:
		// "Rated 3 statements of Leadership: 1 secure, 1 developing, 1 not
		// yet in place" (a statement's id starts with its area's).
		n := map[string]int{}
		for _, r := range d.Ratings {
			n[r.Rating]++
		}
		var parts []string
		for _, rating := range Ratings {
			if n[rating] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n[rating], map[string]string{Secure: "secure", Developing: "developing", NotYet: "not yet in place"}[rating]))
			}
		}
		what := "statements"
		if len(d.Ratings) == 1 {
			what = "statement"
		}
		area, _, _ := strings.Cut(d.Ratings[0].StatementID, "-")
		return fmt.Sprintf("Rated %d %s of %s: %s", len(d.Ratings), what, AreaName(area), strings.Join(parts, ", "))
	case ActionAdded:
		return "Action added, due " + d.Action.DueOn.String() + ": " + d.Action.What
	case ActionDone:
		return "Action done on " + d.On.String()
	case ReviewerInvited:
		return "A reviewer from another trust invited"
	case Commented:
		return "Comment: " + d.Comment.Text
	case EvidenceAdded:
		return "Evidence attached: " + d.Evidence.Name
	}
	return ""
}
