package pupil

import (
	"errors"
	"testing"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/trust"
)

const (
	readingAge = "0193a000-0000-7000-8000-00000000aa01" // higher is better, 0–240 months
	errorsRate = "0193a000-0000-7000-8000-00000000aa02" // lower is better, 0–100 a lesson
)

var testMeasures = map[string]trust.Measure{
	readingAge: {ID: readingAge, Name: "Reading age", Unit: "months", HigherIsBetter: true, Min: 0, Max: 240},
	errorsRate: {ID: errorsRate, Name: "Errors", Unit: "a lesson", HigherIsBetter: false, Min: 0, Max: 100},
}

func num(v float64) *float64 { return &v }

func fieldOf(err error) string {
	var ve *domain.ValidationError
	if errors.As(err, &ve) && len(ve.Fields) > 0 {
		return ve.Fields[0].Field
	}
	return ""
}

func TestMeasuredOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		outcome   OutcomeInput
		wantField string // "" when accepted
	}{
		{"measured", OutcomeInput{MeasureID: readingAge, Baseline: num(96), Target: num(104)}, ""},
		{"lower is better", OutcomeInput{MeasureID: errorsRate, Baseline: num(30), Target: num(10)}, ""},
		{"not measured", OutcomeInput{}, ""},
		{"baseline without a measure", OutcomeInput{Baseline: num(3)}, "outcomes[0].measure_id"},
		{"unknown measure", OutcomeInput{MeasureID: provID, Baseline: num(1), Target: num(2)}, "outcomes[0].measure_id"},
		{"no target", OutcomeInput{MeasureID: readingAge, Baseline: num(96)}, "outcomes[0].target"},
		{"baseline out of range", OutcomeInput{MeasureID: readingAge, Baseline: num(-4), Target: num(104)}, "outcomes[0].baseline"},
		{"target no better", OutcomeInput{MeasureID: readingAge, Baseline: num(96), Target: num(90)}, "outcomes[0].target"},
		{"target no better, lower is better", OutcomeInput{MeasureID: errorsRate, Baseline: num(10), Target: num(30)}, "outcomes[0].target"},
	} {
		p, facts, cyc := atStage(t, "plan")
		plan := validPlan()
		o := tc.outcome
		o.Description, o.SuccessCriteria = "Reads fluently", "Reading age test"
		plan.Outcomes = []OutcomeInput{o}
		_, err := p.AgreePlan(cyc, plan, facts)
		if got := fieldOf(err); got != tc.wantField || (tc.wantField == "" && err != nil) {
			t.Errorf("%s: error %v (field %q), want field %q", tc.name, err, got, tc.wantField)
		}
	}
}

// measuredPupil is in Do with two outcomes: reading age from 96 to 104
// months, and one not measured.
func measuredPupil(t *testing.T) (*Pupil, Facts, string) {
	t.Helper()
	p, facts, cyc := atStage(t, "plan")
	plan := validPlan()
	plan.Outcomes = []OutcomeInput{
		{Description: "Reads fluently", SuccessCriteria: "Reading age", MeasureID: readingAge, Baseline: num(96), Target: num(104)},
		{Description: "Joins group talk", SuccessCriteria: "Weekly"},
	}
	apply(t, p, must(t)(p.AgreePlan(cyc, plan, facts)))
	return p, facts, cyc
}

func TestReadingsAndResults(t *testing.T) {
	p, facts, cyc := measuredPupil(t)
	outs := p.Cycle(cyc).Plan.Outcomes
	yes := true
	session := func(on string, readings ...OutcomeReading) LogSession {
		return LogSession{ProvisionID: provID, DeliveredOn: d(on), Minutes: 30, Attended: &yes, Readings: readings}
	}
	for _, tc := range []struct {
		name      string
		cmd       LogSession
		wantField string
	}{
		{"an unmeasured outcome", session("2025-10-01", OutcomeReading{OutcomeID: outs[1].ID, Value: num(3)}), "readings[0].value"},
		{"out of range", session("2025-10-01", OutcomeReading{OutcomeID: outs[0].ID, Value: num(300)}), "readings[0].value"},
		{"twice", session("2025-10-01", OutcomeReading{OutcomeID: outs[0].ID, Value: num(97)}, OutcomeReading{OutcomeID: outs[0].ID, Value: num(98)}), "readings[1].outcome_id"},
		{"no value", session("2025-10-01", OutcomeReading{OutcomeID: outs[0].ID}), "readings[0].value"},
	} {
		_, err := p.LogSession(cyc, tc.cmd, facts)
		if got := fieldOf(err); got != tc.wantField {
			t.Errorf("%s: %v (field %q), want field %q", tc.name, err, got, tc.wantField)
		}
	}
	apply(t, p, must(t)(p.LogSession(cyc, session("2025-10-01", OutcomeReading{OutcomeID: outs[0].ID, Value: num(99)}), facts)))
	first := p.Version
	apply(t, p, must(t)(p.LogSession(cyc, session("2025-11-03", OutcomeReading{OutcomeID: outs[0].ID, Value: num(101)}), facts)))
	second := p.Version
	c := p.Cycle(cyc)
	if got := c.Results()[0].Exit; got == nil || *got != 101 {
		t.Errorf("before review the exit is the last reading (101): %v", got)
	}
	// A correction moves the reading; a void takes the session, and its
	// minutes and reading, away.
	corrected := session("2025-11-03", OutcomeReading{OutcomeID: outs[0].ID, Value: num(100)})
	apply(t, p, must(t)(p.CorrectEntry(second, Correct{Reason: "misread", Session: &corrected}, facts)))
	if got := p.Cycle(cyc).Results()[0].Exit; got == nil || *got != 100 {
		t.Errorf("corrected to 100: %v", got)
	}
	apply(t, p, must(t)(p.VoidEntry(first, Void{Reason: "another pupil's"}, facts)))
	c = p.Cycle(cyc)
	if len(c.Delivered) != 1 || len(c.Readings) != 1 || c.Readings[0].Value != 100 || int(c.Delivered[0].Entry) != second {
		t.Errorf("after the void: delivered %+v, readings %+v", c.Delivered, c.Readings)
	}
	if rec, _, _ := p.Recorded(second); len(rec.Session.Readings) != 1 || *rec.Session.Readings[0].Value != 100 {
		t.Errorf("the session's form starts from its readings: %+v", rec.Session)
	}

	review := reviewFor(p, cyc, "continue")
	review.Outcomes[0].Reading = num(500)
	if _, err := p.RecordReview(cyc, review, facts); fieldOf(err) != "outcomes[0].reading" {
		t.Errorf("a review reading out of range: %v", err)
	}
	review.Outcomes[0].Reading, review.Outcomes[1].Rating = num(105), "partly_met"
	apply(t, p, must(t)(p.RecordReview(cyc, review, facts)))
	got := p.Cycle(cyc).Results()
	// The review's reading is the exit (105, not the session's 100).
	if len(got) != 2 || got[0].Rating != "met" || got[0].Exit == nil || *got[0].Exit != 105 || *got[0].Baseline != 96 || *got[0].Target != 104 ||
		got[1].Rating != "partly_met" || got[1].Exit != nil || !Met(got[0].Rating) || Met(got[1].Rating) {
		t.Errorf("results: %+v", got)
	}
	pts := p.MeasureReadings()[readingAge]
	want := []MeasurePoint{{d("2025-09-25"), 96, "baseline"}, {d("2025-11-03"), 100, "session"}, {d("2025-12-10"), 105, "review"}}
	if len(pts) != len(want) {
		t.Fatalf("readings %+v, want %+v", pts, want)
	}
	for i := range want {
		if pts[i] != want[i] {
			t.Errorf("reading %d: %+v, want %+v", i, pts[i], want[i])
		}
	}
}
