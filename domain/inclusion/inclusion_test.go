package inclusion

import (
	"errors"
	"testing"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/user"
)

func d(s string) civil.Date { return civil.MustParse(s) }

func f(v float64) *float64 { return &v }

func same(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func TestParseTerm(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		start    string
	}{
		{"Autumn 2025", "autumn 2025", "2025-09-01"},
		{"spring 2026", "spring 2026", "2026-01-01"},
		{"2025/26 Summer", "summer 2026", "2026-04-01"},
		{"2025-26 autumn", "autumn 2025", "2025-09-01"},
		{"Spr 2026", "spring 2026", "2026-01-01"},
		{"Michaelmas 2025", "", ""},
		{"Autumn", "", ""},
	} {
		got, err := ParseTerm(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("%q: want an error, got %v", tc.in, got)
			}
			continue
		}
		if err != nil || got.String() != tc.want || got.Start() != d(tc.start) {
			t.Errorf("%q: %v (starts %s), %v; want %s from %s", tc.in, got, got.Start(), err, tc.want, tc.start)
		}
	}
}

func TestScores(t *testing.T) {
	statements := Statements([]Statement{{ID: "leadership-own-1", Area: "leadership", Text: "x"}})
	for _, tc := range []struct {
		name    string
		ratings []Rated
		want    AreaScore // leadership's
		level   string
	}{
		// Nothing rated: no score.
		{"none", nil, AreaScore{Area: "leadership", Statements: 16}, ""},
		// (2 + 1 + 0) of 2 × 3 = 50%: developing.
		{"mixed", []Rated{{StatementID: "leadership-1", Rating: Secure}, {StatementID: "leadership-2", Rating: Developing}, {StatementID: "leadership-own-1", Rating: NotYet}},
			AreaScore{Area: "leadership", Statements: 16, Rated: 3, Secure: 1, Developing: 1, NotYet: 1, Percent: f(50)}, Developing},
		// (2 + 2 + 1) of 6 = 83.3%: secure.
		{"mostly secure", []Rated{{StatementID: "leadership-1", Rating: Secure}, {StatementID: "leadership-2", Rating: Secure}, {StatementID: "leadership-3", Rating: Developing}},
			AreaScore{Area: "leadership", Statements: 16, Rated: 3, Secure: 2, Developing: 1, Percent: f(83.3)}, Secure},
		// 1 of 4 = 25%: not yet; a rating of another area does not count here.
		{"weak", []Rated{{StatementID: "leadership-1", Rating: Developing}, {StatementID: "leadership-2", Rating: NotYet}, {StatementID: "tracking-1", Rating: Secure}},
			AreaScore{Area: "leadership", Statements: 16, Rated: 2, Developing: 1, NotYet: 1, Percent: f(25)}, NotYet},
	} {
		r := Round{Ratings: tc.ratings}
		got := r.Scores(statements)[0]
		if got.Area != tc.want.Area || got.Statements != tc.want.Statements || got.Rated != tc.want.Rated || got.Secure != tc.want.Secure ||
			got.Developing != tc.want.Developing || got.NotYet != tc.want.NotYet || !same(got.Percent, tc.want.Percent) || got.Level() != tc.level {
			t.Errorf("%s: got %+v (%s), want %+v (%s)", tc.name, got, got.Level(), tc.want, tc.level)
		}
	}
}

func TestRatesAndRatios(t *testing.T) {
	none := Counts{OnRoll: 200, SessionsPossible: 20000, SessionsAttended: 19000, SuspendedPupils: 4, SuspensionDays: 6}
	support := Counts{OnRoll: 30, SessionsPossible: 3000, SessionsAttended: 2700, SuspendedPupils: 6, SuspensionDays: 9.5, PermanentExclusions: 1}
	base, got := none.Rates(), support.Rates()
	for _, tc := range []struct {
		name      string
		got, want *float64
	}{
		{"no SEN absence: 1,000 of 20,000 sessions", base.Absence, f(5)},
		{"SEN support absence: 300 of 3,000", got.Absence, f(10)},
		{"absence ratio: 10 / 5", Ratio(got.Absence, base.Absence), f(2)},
		{"no SEN suspensions: 4 of 200", base.Suspension, f(2)},
		{"SEN support suspensions: 6 of 30", got.Suspension, f(20)},
		{"suspension ratio: 20 / 2", Ratio(got.Suspension, base.Suspension), f(10)},
		{"SEN support exclusions: 1 of 30", got.Exclusion, f(3.33)},
		{"exclusion ratio: none excluded without SEN", Ratio(got.Exclusion, base.Exclusion), nil},
		{"nothing possible: no rate", Counts{}.Rates().Absence, nil},
	} {
		if !same(tc.got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, deref(tc.got), deref(tc.want))
		}
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestRecordTerm(t *testing.T) {
	today := d("2025-11-10")
	ok := RecordTerm{Term: "Autumn 2025", None: Counts{OnRoll: 10, SessionsPossible: 100, SessionsAttended: 90}}
	var a Attendance
	for _, tc := range []struct {
		name  string
		cmd   RecordTerm
		field string
	}{
		{"no term", RecordTerm{Term: "Michaelmas"}, "term"},
		{"a term not started", RecordTerm{Term: "Spring 2026"}, "term"},
		{"attended more than possible", RecordTerm{Term: "Autumn 2025", Support: Counts{SessionsPossible: 1, SessionsAttended: 2}}, "sen_support.sessions_attended"},
		{"more suspended than on roll", RecordTerm{Term: "Autumn 2025", Plan: Counts{OnRoll: 1, SuspendedPupils: 2}}, "ehc_plan.suspended_pupils"},
		{"days with nobody suspended", RecordTerm{Term: "Autumn 2025", None: Counts{SuspensionDays: 1}}, "no_sen.suspension_days"},
		{"a third of a day", RecordTerm{Term: "Autumn 2025", None: Counts{OnRoll: 1, SuspendedPupils: 1, SuspensionDays: 0.3}}, "no_sen.suspension_days"},
	} {
		_, _, err := a.Record("s", "t", tc.cmd, today)
		var ve *domain.ValidationError
		if !errors.As(err, &ve) || ve.Fields[0].Field != tc.field {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.field)
		}
	}
	evs, had, err := a.Record("s", "t", ok, today)
	if err != nil || had || len(evs) != 1 {
		t.Fatalf("the first time: %v %v %v", evs, had, err)
	}
	a.Apply(event.Event{Version: 1, Data: evs[0]})
	if evs, _, _ := a.Record("s", "t", ok, today.AddDays(3)); len(evs) != 0 {
		t.Errorf("the same counts again: %v", evs)
	}
	ok.None.SessionsAttended = 95
	if evs, had, _ := a.Record("s", "t", ok, today); len(evs) != 1 || !had {
		t.Errorf("changed counts: %v %v", evs, had)
	}
}

const (
	leadID  = "0193a000-0000-7000-8000-0000000000a1"
	otherID = "0193a000-0000-7000-8000-0000000000a2"
)

func TestRoundDecisions(t *testing.T) {
	lead := user.User{ID: leadID, Role: user.TrustLead, TrustID: "t", Version: 1}
	other := user.User{ID: otherID, Role: user.SENCO, TrustID: "u", SchoolIDs: []string{"x"}, Version: 1}
	facts := Facts{Today: d("2025-11-10"),
		Statement: func(id string) (Statement, bool) {
			for _, s := range Framework {
				if s.ID == id {
					return s, true
				}
			}
			return Statement{}, false
		},
		User: func(id string) (user.User, bool) {
			switch id {
			case leadID:
				return lead, true
			case otherID:
				return other, true
			}
			return user.User{}, false
		}}
	r := &Round{}
	evs, err := Open("r1", "t", "s", OpenRound{Name: "Autumn 2025", OpenedOn: d("2025-10-01")}, facts.Today)
	if err != nil {
		t.Fatal(err)
	}
	apply := func(evs []event.Data) {
		for _, e := range evs {
			r.Apply(event.Event{Version: r.Version + 1, Data: e})
		}
	}
	apply(evs)
	for _, tc := range []struct {
		name  string
		err   error
		field string
	}{
		{"an owner of another trust", second(r.AddAction("a1", AddAction{What: "x", OwnerID: otherID, DueOn: d("2025-12-01")}, facts)), "owner_id"},
		{"due before the round", second(r.AddAction("a1", AddAction{What: "x", OwnerID: leadID, DueOn: d("2025-09-01")}, facts)), "due_on"},
		{"a reviewer of this trust", second(r.InviteReviewer(InviteReviewer{UserID: leadID}, facts)), "user_id"},
		{"rated twice in one form", second(r.RateArea(RateArea{Area: "leadership", Ratings: []StatementRating{{StatementID: "leadership-1", Rating: Secure}, {StatementID: "leadership-1", Rating: NotYet}}}, facts)), "ratings[1].statement_id"},
	} {
		var ve *domain.ValidationError
		if !errors.As(tc.err, &ve) || ve.Fields[0].Field != tc.field {
			t.Errorf("%s: %v, want %s", tc.name, tc.err, tc.field)
		}
	}
	apply(must(t)(r.AddAction("a1", AddAction{What: "Brief the executive", OwnerID: leadID, DueOn: d("2025-12-01")}, facts)))
	apply(must(t)(r.CompleteAction(CompleteAction{ActionID: "a1", On: d("2025-11-10")}, facts)))
	var ce *domain.ConflictError
	if _, err := r.CompleteAction(CompleteAction{ActionID: "a1", On: d("2025-11-10")}, facts); !errors.As(err, &ce) {
		t.Errorf("done twice: %v", err)
	}
	if r.Actions[0].Open() || r.Actions[0].DoneOn != d("2025-11-10") {
		t.Errorf("the action: %+v", r.Actions[0])
	}
}

func second[T any](_ T, err error) error { return err }

func must(t *testing.T) func([]event.Data, error) []event.Data {
	return func(evs []event.Data, err error) []event.Data {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
}
