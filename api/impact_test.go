package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/projections"
)

// impactWorld is the world with a measure, five pupils at school A and one
// at school B, each on Talk Boost 3 × 30 in 4 (1800p an hour) from Monday
// 15 September 2025, measured by reading age from 96 to a target of 104
// months, two sessions logged (15 and 17 September, the second reading
// 101 + i), and reviewed on Monday 3 November.
type impactWorld struct {
	world
	measure string
}

func (e *env) impactWorld(t *testing.T) impactWorld {
	t.Helper()
	w := impactWorld{world: e.world(t)}
	w.measure = e.must(t, 201, "POST", "/v1/trusts/"+w.trust+"/measures", w.lead, map[string]any{
		"name": "Reading age", "unit": "months", "higher_is_better": true, "min": 0, "max": 240}).str("id")
	for i := 0; i < 6; i++ {
		school, senco := w.schoolA, w.sencoA
		if i == 5 {
			school, senco = w.schoolB, w.sencoB
		}
		body := pupilBody(newUPN())
		if school == w.schoolB {
			body["year_group"] = "8"
		}
		id := e.must(t, 201, "POST", "/v1/schools/"+school+"/pupils", senco, body).str("id")
		p := "/v1/pupils/" + id
		cyc := e.must(t, 201, "POST", p+"/cycles", senco, map[string]any{"opened_on": "2025-09-08"}).str("id")
		e.must(t, 200, "POST", p+"/cycles/"+cyc+"/assessment", senco, map[string]any{"assessed_on": "2025-09-10", "summary": "Reading screening", "need_areas": []string{"cognition_learning"}})
		plan := e.must(t, 200, "POST", p+"/cycles/"+cyc+"/plan", senco, map[string]any{"agreed_on": "2025-09-15", "review_due_on": "2025-11-03",
			"outcomes":     []any{map[string]any{"description": "Reads fluently", "success_criteria": "Reading age", "measure_id": w.measure, "baseline": 96, "target": 104}},
			"provisions":   []any{map[string]any{"provision_id": w.provision, "sessions_per_week": 3, "minutes_per_session": 30, "group_size": 4}},
			"parent_views": "Pleased", "pupil_views": "I like reading"})
		outcome := outcomeID(t, plan)
		for j, on := range []string{"2025-09-15", "2025-09-17"} {
			s := map[string]any{"provision_id": w.provision, "delivered_on": on, "minutes": 30, "attended": true}
			if j == 1 {
				s["readings"] = []any{map[string]any{"outcome_id": outcome, "value": 101 + i}}
			}
			e.must(t, 201, "POST", p+"/cycles/"+cyc+"/sessions", senco, s)
		}
		rating := map[string]any{"outcome_id": outcome, "rating": "met"}
		if i >= 3 {
			rating["rating"] = "not_met"
		}
		if i == 0 {
			rating["reading"] = 110
		}
		e.must(t, 200, "POST", p+"/cycles/"+cyc+"/review", senco, map[string]any{"held_on": "2025-11-03", "decision": "refer",
			"outcomes": []any{rating}, "parent_views": "ok", "pupil_views": "ok"})
	}
	return w
}

// outcomeID is the first outcome's id in a plan's answer.
func outcomeID(t *testing.T, r resp) string {
	t.Helper()
	outs, _ := r.Body["outcomes"].([]any)
	if len(outs) == 0 {
		t.Fatalf("no outcomes in %s", r.Raw)
	}
	return outs[0].(map[string]any)["id"].(string)
}

func TestImpactAndDelivery(t *testing.T) {
	e := start(t, "")
	w := e.impactWorld(t)
	a := "/v1/schools/" + w.schoolA
	// Every read below comes after the views have the whole world (they
	// follow the stream a moment behind the writes).
	e.must(t, 200, "GET", a+fmt.Sprintf("/impact?min_seq=%d", e.lastSeq(t)), w.sencoA, nil)

	var im projections.Impact
	if err := json.Unmarshal(e.must(t, 200, "GET", a+"/impact", w.sencoA, nil).Raw, &im); err != nil {
		t.Fatal(err)
	}
	// School A, this school year: 3 of 5 met, 60%. Each plan was in place
	// 15 September to 2 November, 35 weekdays: 90 × 35 ÷ 5 = 630 minutes,
	// × 1800p ÷ (60 × 4) = 4725p; 23625p for five, ÷ 3 = 7875p a met
	// outcome. Reading age exits 110 (the review's), 102, 103, 104, 105
	// (sessions'): gains 14, 6, 7, 8, 9, mean 8.8; of the 8 aimed for
	// 1.75, 0.75, 0.875, 1, 1.125, mean 1.1, 110%; 110, 104 and 105
	// reached 104.
	if len(im.Provisions) != 1 {
		t.Fatalf("provisions: %+v", im.Provisions)
	}
	l := im.Provisions[0]
	if l.Pupils != 5 || l.MetOrExceeded != 3 || *l.MetPercent != 60 || l.CostPence != 23625 || *l.CostPerOutcomeMetPence != 7875 || len(l.Measures) != 1 {
		t.Errorf("Talk Boost at school A: %+v", l.ImpactFigures)
	} else if m := l.Measures[0]; m.Outcomes != 5 || m.MeanGain != 8.8 || m.MeanOfTargetPercent != 110 || m.ReachedTarget != 3 || m.Name != "Reading age" {
		t.Errorf("reading age: %+v", m)
	}
	if im.From.String() != "2025-09-01" || im.To.String() != "2025-11-10" {
		t.Errorf("default period %s to %s", im.From, im.To)
	}

	// The trust: school B's one pupil (not met) is withheld from the
	// lead; school B's SENCO sees their own.
	im = projections.Impact{}
	if err := json.Unmarshal(e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/impact", w.lead, nil).Raw, &im); err != nil {
		t.Fatal(err)
	}
	for _, g := range im.Groups {
		if small := g.By == "school" && g.Key == w.schoolB || g.By == "year_group" && g.Key == "8"; g.Suppressed != small || (small && g.Pupils != 0) {
			t.Errorf("group %s %s: %+v", g.By, g.Label, g.ImpactFigures)
		}
	}
	if im.Totals.Pupils != 6 || im.Totals.Outcomes != 6 || im.Totals.MetOrExceeded != 3 {
		t.Errorf("trust totals: %+v", im.Totals)
	}
	b := "/v1/schools/" + w.schoolB + "/impact"
	im = projections.Impact{}
	if err := json.Unmarshal(e.must(t, 200, "GET", b, w.lead, nil).Raw, &im); err != nil || !im.Provisions[0].Suppressed {
		t.Errorf("the lead sees school B's one pupil: %+v %v", im.Provisions, err)
	}
	im = projections.Impact{}
	if err := json.Unmarshal(e.must(t, 200, "GET", b, w.sencoB, nil).Raw, &im); err != nil || im.Provisions[0].Suppressed || im.Provisions[0].Pupils != 1 {
		t.Errorf("school B's SENCO sees their pupil: %+v %v", im.Provisions, err)
	}

	// Delivery: by default the 4 weeks to 10 November, 14 October on;
	// the plans ended at the reviews (3 November), so 14 weekdays of 90 a
	// week, 252 minutes each, none delivered then; and nobody is judged
	// against the threshold, their plans being over.
	var dv projections.Delivery
	if err := json.Unmarshal(e.must(t, 200, "GET", a+"/delivery", w.sencoA, nil).Raw, &dv); err != nil {
		t.Fatal(err)
	}
	if dv.From.String() != "2025-10-14" || len(dv.Provisions) != 1 || dv.Provisions[0].PlannedMinutes != 5*252 || dv.Provisions[0].DeliveredMinutes != 0 || len(dv.Pupils) != 5 || len(dv.Below) != 0 {
		t.Errorf("delivery, last 4 weeks: %+v", dv)
	}
	// The whole plan: 630 planned each, 60 delivered, 9%.
	dv = projections.Delivery{}
	if err := json.Unmarshal(e.must(t, 200, "GET", a+"/delivery?from=2025-09-15&to=2025-11-02", w.sencoA, nil).Raw, &dv); err != nil {
		t.Fatal(err)
	}
	if p := dv.Provisions[0]; p.PlannedMinutes != 3150 || p.DeliveredMinutes != 300 || *p.DeliveredPercent != 9 || *p.AttendedPercent != 100 {
		t.Errorf("delivery of the whole plan: %+v", p.DeliveryFigures)
	}
	csv := e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/delivery?format=csv&from=2025-09-15&to=2025-11-02", w.lead, nil)
	if lines := strings.Split(strings.TrimSpace(string(csv.Raw)), "\n"); !strings.HasPrefix(lines[0], "row,provision_id,school_id,pupil_id,name,pupils") ||
		!strings.HasPrefix(lines[len(lines)-1], "total,,,,All provision,6,540,3780,360,9,360,100") {
		t.Errorf("delivery CSV:\n%s", csv.Raw)
	}
	csv = e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/impact?format=csv", w.lead, nil)
	if !strings.Contains(string(csv.Raw), "group,"+w.provision+",Talk Boost,school,"+w.schoolB+",Oak Secondary,true,,,") {
		t.Errorf("impact CSV withholds school B:\n%s", csv.Raw)
	}
}

// TestImpactRefusals: bad measures, readings and periods are a 400 that
// names the field, and append nothing.
func TestImpactRefusals(t *testing.T) {
	e := start(t, "")
	w := e.impactWorld(t)
	id := e.pupilBeingHelped(t, w.world)
	pupil := e.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil)
	cycles, _ := pupil.Body["cycles"].([]any)
	cyc := cycles[0].(map[string]any)
	cycID := cyc["id"].(string)
	outcome := cyc["plan"].(map[string]any)["outcomes"].([]any)[0].(map[string]any)["id"].(string)
	before := e.lastSeq(t)
	for _, tc := range []struct {
		name, method, path, token string
		body                      any
		field                     string
	}{
		{"a measure whose highest is its lowest", "POST", "/v1/trusts/" + w.trust + "/measures", w.lead,
			map[string]any{"name": "Score", "unit": "points", "higher_is_better": true, "min": 10, "max": 10}, "max"},
		{"a measure of another name only in case", "POST", "/v1/trusts/" + w.trust + "/measures", w.lead,
			map[string]any{"name": "READING AGE", "unit": "months", "higher_is_better": true, "min": 0, "max": 10}, ""},
		{"a reading of an outcome with no measure", "POST", "/v1/pupils/" + id + "/cycles/" + cycID + "/sessions", w.sencoA,
			map[string]any{"provision_id": w.provision, "delivered_on": "2025-10-01", "minutes": 30, "attended": true,
				"readings": []any{map[string]any{"outcome_id": outcome, "value": 3}}}, "readings[0].value"},
		{"a control character in a measure's unit", "POST", "/v1/trusts/" + w.trust + "/measures", w.lead,
			map[string]any{"name": "Boxall", "unit": "pts\u0007", "higher_is_better": true, "min": 0, "max": 10}, "unit"},
		{"a period ending after as_of", "GET", "/v1/schools/" + w.schoolA + "/impact?to=2025-12-01", w.sencoA, nil, "to"},
		{"a period ending before it starts", "GET", "/v1/schools/" + w.schoolA + "/delivery?from=2025-10-01&to=2025-09-01", w.sencoA, nil, "to"},
		{"a period of no date", "GET", "/v1/trusts/" + w.trust + "/delivery?from=yesterday", w.lead, nil, "from"},
		{"a period of a decade", "GET", "/v1/trusts/" + w.trust + "/impact?from=2015-09-01", w.lead, nil, "from"},
	} {
		r := e.do(t, tc.method, tc.path, tc.token, tc.body)
		want := 400
		if tc.field == "" {
			want = 409
		}
		if r.Status != want || (tc.field != "" && strings.Join(r.fields(), ",") != tc.field) {
			t.Errorf("%s: %d %v, want %d naming %q: %s", tc.name, r.Status, r.fields(), want, tc.field, r.Raw)
		}
	}
	if after := e.lastSeq(t); after != before {
		t.Errorf("refusals appended %d events", after-before)
	}
}
