package api_test

import (
	"strconv"
	"strings"
	"testing"
)

// meID is the id of the token's user.
func (e *env) meID(t *testing.T, token string) string {
	t.Helper()
	return e.must(t, 200, "GET", "/v1/me", token, nil).str("id")
}

// TestMATSENDReview: the lead adds a statement of the trust's own; the
// SENCO opens a round and rates an area, with evidence; the roll-up, an
// action on the owner's Due soon until done, a reviewer from another trust
// who reads and comments but does not rate, and the heat map with the
// change between rounds. Refusals append nothing.
func TestMATSENDReview(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	own := e.must(t, 201, "POST", "/v1/trusts/"+w.trust+"/review-statements", w.lead, map[string]any{"area": "leadership", "text": "SENCOs meet the trust lead every half term"})
	if own.str("id") != "leadership-own-1" {
		t.Fatalf("the trust's statement: %s", own.Raw)
	}
	e.must(t, 409, "POST", "/v1/trusts/"+w.trust+"/review-statements", w.lead, map[string]any{"area": "leadership", "text": "SENCOs meet the trust lead every half term"})
	e.must(t, 403, "POST", "/v1/trusts/"+w.trust+"/review-statements", w.sencoA, map[string]any{"area": "leadership", "text": "x"})

	e.must(t, 403, "POST", "/v1/schools/"+w.schoolA+"/review-rounds", w.sencoB, map[string]any{"name": "Autumn 2025", "opened_on": "2025-10-01"})
	e.must(t, 403, "POST", "/v1/schools/"+w.schoolA+"/review-rounds", w.otherLead, map[string]any{"name": "Autumn 2025", "opened_on": "2025-10-01"})
	first := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/review-rounds", w.sencoA, map[string]any{"name": "Autumn 2025", "opened_on": "2025-10-01"}).str("id")
	r := "/v1/review-rounds/" + first
	before := e.lastSeq(t)
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"a statement of another area", map[string]any{"area": "leadership", "ratings": []any{map[string]any{"statement_id": "tracking-1", "rating": "secure"}}}, "ratings[0].statement_id"},
		{"no such statement", map[string]any{"area": "leadership", "ratings": []any{map[string]any{"statement_id": "leadership-99", "rating": "secure"}}}, "ratings[0].statement_id"},
		{"a rating not offered", map[string]any{"area": "leadership", "ratings": []any{map[string]any{"statement_id": "leadership-1", "rating": "great"}}}, "ratings[0].rating"},
		{"no area", map[string]any{"ratings": []any{map[string]any{"statement_id": "leadership-1", "rating": "secure"}}}, "area"},
		{"a control character", map[string]any{"area": "leadership", "ratings": []any{map[string]any{"statement_id": "leadership-1", "rating": "secure", "strengths": "a\x00"}}}, "ratings[0].strengths"},
	} {
		got := e.do(t, "POST", r+"/ratings", w.sencoA, tc.body)
		if got.Status != 400 || strings.Join(got.fields(), ",") != tc.field {
			t.Errorf("%s: %d %v, want 400 naming %s", tc.name, got.Status, got.fields(), tc.field)
		}
	}
	if e.lastSeq(t) != before {
		t.Error("refused ratings appended")
	}
	rate := map[string]any{"area": "leadership", "ratings": []any{
		map[string]any{"statement_id": "leadership-1", "rating": "secure", "strengths": "A clear SEND vision in the development plan"},
		map[string]any{"statement_id": "leadership-2", "rating": "developing", "improvements": "The SENCO is not yet on the senior team"},
		map[string]any{"statement_id": "leadership-own-1", "rating": "not_yet"},
	}}
	e.must(t, 200, "POST", r+"/ratings", w.sencoA, rate)
	seq := e.lastSeq(t)
	e.must(t, 200, "POST", r+"/ratings", w.sencoA, rate) // the same again: nothing new
	if e.lastSeq(t) != seq {
		t.Error("the same ratings again appended")
	}
	got := e.must(t, 200, "GET", r, w.lead, nil)
	// Leadership: 16 statements (15 and the trust's), 3 rated: (2 + 1 + 0)
	// of 2 × 3 = 50%.
	lead := got.Body["scores"].([]any)[0].(map[string]any)
	if lead["statements"] != 16.0 || lead["rated"] != 3.0 || lead["percent"] != 50.0 || lead["secure"] != 1.0 {
		t.Fatalf("leadership's score: %v", lead)
	}
	// The round's history says who rated what, and when.
	hist := got.Body["history"].([]any)
	if rated := hist[len(hist)-1].(map[string]any); len(hist) != 2 || rated["by"] != "Sam Senco" || rated["recorded_at"] == "" ||
		rated["what"] != "Rated 3 statements of Leadership: 1 secure, 1 developing, 1 not yet in place" {
		t.Errorf("the round's history: %v", hist)
	}

	// An action, on the owner's Due soon until done.
	senco := e.meID(t, w.sencoA)
	e.must(t, 400, "POST", r+"/actions", w.lead, map[string]any{"what": "x", "owner_id": e.meID(t, w.otherLead), "due_on": "2025-12-01"})
	e.must(t, 400, "POST", r+"/actions", w.lead, map[string]any{"what": "x", "owner_id": senco, "due_on": "2025-09-01"})
	action := e.must(t, 201, "POST", r+"/actions", w.lead, map[string]any{"statement_id": "leadership-2", "what": "Put the SENCO on the senior team", "owner_id": senco, "due_on": "2025-12-01"})
	due := as[dueAnswer](t, e.must(t, 200, "GET", "/v1/me/due?within=30", w.sencoA, nil))
	var line *dueLine
	for i, it := range due.Items {
		if it.Kind == "review_action" {
			line = &due.Items[i]
		}
	}
	if line == nil || line.DueOn != "2025-12-01" || line.RoundID != first {
		t.Fatalf("the action on her Due soon: %+v", due.Items)
	}
	if _, page := e.signIn(t, w.sencoA).get("/ui/due"); !strings.Contains(page, `href="/ui/rounds/`+first+`#actions"`) {
		t.Errorf("her Due soon page does not link the action to its round")
	}
	actionID := action.str("id")
	if roundNow := e.must(t, 200, "GET", r, w.sencoA, nil); roundNow.Body["actions"].([]any)[0].(map[string]any)["id"] != actionID {
		t.Errorf("the action's id answered: %s", actionID)
	}

	// A reviewer from another trust reads and comments; she does not rate.
	e.must(t, 400, "POST", r+"/reviewers", w.sencoA, map[string]any{"email": e.must(t, 200, "GET", "/v1/me", w.sencoB, nil).str("email")}) // of this trust
	e.must(t, 400, "POST", r+"/reviewers", w.sencoA, map[string]any{"email": "nobody@elm.org.uk"})
	e.must(t, 201, "POST", r+"/reviewers", w.sencoA, map[string]any{"email": "OLA@elm.org.uk"})
	e.must(t, 409, "POST", r+"/reviewers", w.sencoA, map[string]any{"email": "ola@elm.org.uk"})
	e.must(t, 200, "GET", r, w.otherLead, nil)
	e.must(t, 403, "POST", r+"/ratings", w.otherLead, rate)
	e.must(t, 201, "POST", r+"/comments", w.otherLead, map[string]any{"statement_id": "leadership-2", "text": "Our SENCOs joined the senior team last year: happy to share how."})
	if rounds := e.must(t, 200, "GET", "/v1/me/review-rounds", w.otherLead, nil).Body["rounds"].([]any); len(rounds) != 1 {
		t.Errorf("her rounds: %v", rounds)
	}
	e.must(t, 404, "GET", r, w.sencoB, nil)
	e.must(t, 404, "GET", "/v1/review-rounds/nope", w.lead, nil)

	// Evidence: a document of the round, read by whoever reads the round.
	evidence := func(token, filename string, content []byte, fields map[string]string) resp {
		body, ct := multipartFile(t, filename, content, fields)
		return e.do(t, "POST", r+"/evidence", token, body.String(), "Content-Type", ct)
	}
	if got := evidence(w.sencoA, "plan.exe", elfBytes, map[string]string{"name": "Plan"}); got.Status != 400 || strings.Join(got.fields(), ",") != "file" {
		t.Errorf("a program as evidence: %d %s", got.Status, got.Raw)
	}
	if got := evidence(w.sencoA, "plan.pdf", pdfBytes, map[string]string{"statement_id": "nope"}); got.Status != 400 || strings.Join(got.fields(), ",") != "statement_id" {
		t.Errorf("evidence of no statement: %d %s", got.Status, got.Raw)
	}
	if got := evidence(w.otherLead, "plan.pdf", pdfBytes, nil); got.Status != 403 {
		t.Errorf("evidence from the reviewer: %d", got.Status)
	}
	doc := evidence(w.sencoA, "plan.pdf", pdfBytes, map[string]string{"name": "SEND development plan", "statement_id": "leadership-7"})
	if doc.Status != 201 {
		t.Fatalf("evidence: %d %s", doc.Status, doc.Raw)
	}
	for _, tok := range []string{w.lead, w.otherLead} {
		if got := e.do(t, "GET", r+"/evidence/"+doc.str("id"), tok, nil); got.Status != 200 || string(got.Raw) != string(pdfBytes) {
			t.Errorf("reading the evidence: %d", got.Status)
		}
	}
	e.must(t, 404, "GET", r+"/evidence/"+doc.str("id"), w.sencoB, nil)

	// A second round: the heat map shows it and the change since the first.
	second := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/review-rounds", w.sencoA, map[string]any{"name": "Spring 2026", "opened_on": "2025-11-05"}).str("id")
	e.must(t, 200, "POST", "/v1/review-rounds/"+second+"/ratings", w.sencoA, map[string]any{"area": "leadership", "ratings": []any{
		map[string]any{"statement_id": "leadership-1", "rating": "secure"}, map[string]any{"statement_id": "leadership-2", "rating": "secure"}}})
	heat := e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/reviews", w.lead, nil)
	schools := heat.Body["schools"].([]any)
	a := schools[0].(map[string]any)
	// The second round: 2 of 2 secure, 100%; the first had 50%: +50 points.
	if len(schools) != 2 || a["round_id"] != second || a["scores"].([]any)[0].(map[string]any)["percent"] != 100.0 ||
		a["change"].([]any)[0] != 50.0 || a["open_actions"] != 1.0 || schools[1].(map[string]any)["rounds"] != 0.0 {
		t.Fatalf("the heat map: %s", heat.Raw)
	}
	e.must(t, 403, "GET", "/v1/trusts/"+w.trust+"/reviews", w.sencoA, nil)
	e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/reviews", w.sencoA, nil)
	if csv := e.do(t, "GET", "/v1/trusts/"+w.trust+"/reviews?format=csv", w.lead, nil); !strings.HasPrefix(string(csv.Raw), "school_id,school,round,opened_on,area,") ||
		!strings.Contains(string(csv.Raw), "Oak Primary,Spring 2026,2025-11-05,Leadership,16,2,2,0,0,100,50,1,0") {
		t.Errorf("the heat map's CSV:\n%s", csv.Raw)
	}

	// Done: off her list.
	e.must(t, 200, "POST", r+"/actions/done", w.sencoA, map[string]any{"action_id": actionID, "on": "2025-11-10"})
	e.must(t, 409, "POST", r+"/actions/done", w.sencoA, map[string]any{"action_id": actionID, "on": "2025-11-10"})
	for _, it := range as[dueAnswer](t, e.must(t, 200, "GET", "/v1/me/due?within=30", w.sencoA, nil)).Items {
		if it.Kind == "review_action" {
			t.Errorf("a done action is still due: %+v", it)
		}
	}
}

type (
	dueLine struct {
		Kind    string `json:"kind"`
		DueOn   string `json:"due_on"`
		RoundID string `json:"round_id"`
	}
	dueAnswer struct {
		Items []dueLine `json:"items"`
	}
)

// attendanceCSV is an autumn 2025 export of Oak Primary: 200 pupils with
// no SEN, 30 on SEN support, 4 with EHC plans.
const attendanceCSV = `Term,SEN status,On roll,Sessions possible,Sessions attended,Suspended pupils,Suspension days,Permanent exclusions
Autumn 2025,N,200,20000,19000,4,6,0
Autumn 2025,K,30,3000,2700,6,9.5,1
Autumn 2025,E,4,400,340,1,2,0
`

// TestAttendanceAndExclusions: a school imports its counts by SEN status
// (dry run, then for real, then again: unchanged; refused files record
// nothing and name the row and column); the rates and the ratios to the
// no-SEN rate, with small numbers withheld from the trust lead.
func TestAttendanceAndExclusions(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	imp := "/v1/schools/" + w.schoolA + "/attendance-imports"
	csv := func(path, token, body string) resp {
		return e.do(t, "POST", path, token, body, "Content-Type", "text/csv")
	}
	before := e.lastSeq(t)
	for _, tc := range []struct {
		name, body, field string
	}{
		{"more attended than possible", strings.Replace(attendanceCSV, "20000,19000", "20000,21000", 1), "row 2: sessions_attended"},
		{"not a number", strings.Replace(attendanceCSV, "K,30,", "K,thirty,", 1), "row 3: on_roll"},
		{"a status missing", strings.Replace(attendanceCSV, "Autumn 2025,E,4,400,340,1,2,0\n", "", 1), "Autumn 2025: sen_status"},
		{"a status twice", attendanceCSV + "Autumn 2025,K,30,3000,2700,6,9.5,1\n", "row 5: sen_status"},
		{"no term", strings.Replace(attendanceCSV, "Autumn 2025,N", "Michaelmas,N", 1), "row 2: term"},
		{"a term not started", strings.ReplaceAll(attendanceCSV, "Autumn 2025", "Summer 2026"), "Summer 2026: term"},
	} {
		got := csv(imp, w.sencoA, tc.body)
		if got.Status != 400 || !strings.Contains(strings.Join(got.fields(), "|"), tc.field) {
			t.Errorf("%s: %d %v, want 400 naming %q", tc.name, got.Status, got.fields(), tc.field)
		}
	}
	if got := csv(imp, w.sencoA, "Pupil,Year\nAda,5\n"); got.Status != 400 || strings.Join(got.fields(), ",") != "file" {
		t.Errorf("a file without the columns: %d %s", got.Status, got.Raw)
	}
	e.must(t, 403, "POST", imp, w.lead, attendanceCSV, "Content-Type", "text/csv")
	dry := e.must(t, 200, "POST", imp+"?dry_run=true", w.sencoA, attendanceCSV, "Content-Type", "text/csv")
	if dry.Body["applied"] != false || dry.Body["summary"].(map[string]any)["created"] != 1.0 {
		t.Errorf("the dry run: %s", dry.Raw)
	}
	if e.lastSeq(t) != before {
		t.Error("refused imports or the dry run appended")
	}
	if got := e.must(t, 200, "POST", imp, w.sencoA, attendanceCSV, "Content-Type", "text/csv"); got.Body["applied"] != true {
		t.Fatalf("the import: %s", got.Raw)
	}
	seq := e.lastSeq(t)
	if got := e.must(t, 200, "POST", imp, w.sencoA, attendanceCSV, "Content-Type", "text/csv"); got.Body["summary"].(map[string]any)["unchanged"] != 1.0 || e.lastSeq(t) != seq {
		t.Errorf("the same file again: %s", got.Raw)
	}

	group := func(v resp, series string, status int) map[string]any {
		t.Helper()
		s := v.Body["trust"].(map[string]any)
		if series != "trust" {
			s = v.Body["schools"].([]any)[0].(map[string]any)
		}
		return s["terms"].([]any)[0].(map[string]any)["groups"].([]any)[status].(map[string]any)
	}
	senco := e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/attendance", w.sencoA, nil)
	// No SEN: 1,000 of 20,000 sessions missed: 5%; 4 of 200 suspended: 2%.
	// SEN support: 300 of 3,000 missed, 10%: a ratio of 2; 6 of 30
	// suspended, 20%: 10 times the no-SEN rate; 1 of 30 excluded, 3.33%.
	n, k, p := group(senco, "school", 0), group(senco, "school", 1), group(senco, "school", 2)
	if n["absence_percent"] != 5.0 || n["suspension_percent"] != 2.0 || k["absence_percent"] != 10.0 || k["absence_ratio"] != 2.0 ||
		k["suspension_percent"] != 20.0 || k["suspension_ratio"] != 10.0 || k["exclusion_percent"] != 3.33 || k["exclusion_ratio"] != nil ||
		p["withheld"] != false || p["absence_percent"] != 15.0 {
		t.Fatalf("the SENCO's view: %v | %v | %v", n, k, p)
	}
	lead := e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/attendance", w.lead, nil)
	n, k, p = group(lead, "school", 0), group(lead, "school", 1), group(lead, "school", 2)
	// For the lead: 4 pupils with EHC plans are withheld; 4 suspended with
	// no SEN and 1 excluded on SEN support are too few to show.
	// The ratio of suspensions would give the no-SEN rate away: withheld.
	if p["withheld"] != true || n["suspension_percent"] != nil || n["small_counts_withheld"] != true || k["exclusion_percent"] != nil || k["absence_ratio"] != 2.0 ||
		k["suspension_ratio"] != nil || k["suspension_percent"] != 20.0 {
		t.Fatalf("the lead's view: %v | %v | %v", n, k, p)
	}
	e.must(t, 403, "GET", "/v1/schools/"+w.schoolA+"/attendance", w.sencoB, nil)
	if got := e.do(t, "GET", "/v1/trusts/"+w.trust+"/attendance?format=csv", w.lead, nil); !strings.Contains(string(got.Raw), "school,"+w.schoolA+",Oak Primary,autumn 2025,E,,") {
		t.Errorf("the CSV withholds nothing:\n%s", got.Raw)
	}
}

// TestPatternsOfNeed: pupils by primary need and broad area, as counts
// and shares of the roll the attendance import gives, beside the national
// figures; the record as it stood on an earlier date; a school of fewer
// than 5 pupils withheld from the trust lead.
func TestPatternsOfNeed(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	register := func(school, status, need, on string) {
		b := pupilBody(newUPN())
		b["sen_status"], b["primary_need"], b["registered_on"] = status, need, on
		e.must(t, 201, "POST", "/v1/schools/"+school+"/pupils", w.sencoA, b)
	}
	for _, p := range [][3]string{{"K", "SLCN", "2025-09-03"}, {"K", "SLCN", "2025-09-03"}, {"K", "SEMH", "2025-09-03"}, {"E", "ASD", "2025-09-03"}, {"K", "MLD", "2025-10-20"}} {
		register(w.schoolA, p[0], p[1], p[2])
	}
	e.must(t, 200, "POST", "/v1/schools/"+w.schoolA+"/attendance-imports", w.sencoA, attendanceCSV, "Content-Type", "text/csv")
	got := e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/patterns-of-need?min_seq="+strconv.FormatUint(e.lastSeq(t), 10), w.sencoA, nil)
	school := got.Body["schools"].([]any)[0].(map[string]any)
	// 4 on SEN support, 1 EHC plan; the roll is 234: 1.7% and 0.4%.
	// Communication and interaction: SLCN 2 of the 4 on SEN support (50%)
	// and the ASD plan (100% of plans).
	area := school["by_area"].([]any)[0].(map[string]any)
	if school["sen_support"] != 4.0 || school["ehc_plan"] != 1.0 || school["roll"] != 234.0 || school["sen_support_percent_of_roll"] != 1.7 ||
		school["ehc_plan_percent_of_roll"] != 0.4 || area["sen_support"] != 2.0 || area["ehc_plan"] != 1.0 || area["sen_support_percent"] != 50.0 {
		t.Fatalf("the school's pattern: %v", school)
	}
	// 5 of 234 with SEN, 2.1%, against 14.2 + 5.3 = 19.5% nationally.
	if school["national_difference_points"] != -17.4 {
		t.Errorf("the difference from the national share: %v", school["national_difference_points"])
	}
	if nat := got.Body["national"].(map[string]any); nat["ehc_plan_percent_of_pupils"] != 5.3 || nat["sen_support_percent_of_pupils"] != 14.2 {
		t.Errorf("the national figures: %v", nat)
	}
	// On 1 October the MLD pupil was not yet registered.
	past := e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/patterns-of-need?as_of=2025-10-01", w.sencoA, nil)
	if s := past.Body["schools"].([]any)[0].(map[string]any); s["sen_support"] != 3.0 {
		t.Errorf("as of 1 October: %v", s["sen_support"])
	}
	lead := e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/patterns-of-need", w.lead, nil)
	var b map[string]any
	for _, s := range lead.Body["schools"].([]any) {
		if s := s.(map[string]any); s["school_id"] == w.schoolB {
			b = s
		}
	}
	if b == nil || b["withheld"] != true || lead.Body["trust"].(map[string]any)["sen_support"] != 4.0 {
		t.Errorf("the lead's view: %s", lead.Raw)
	}
	e.must(t, 403, "GET", "/v1/trusts/"+w.trust+"/patterns-of-need", w.sencoA, nil)
}
