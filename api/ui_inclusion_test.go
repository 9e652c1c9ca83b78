package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestInclusionInTheUI: the SENCO opens a round and rates an area from its
// page (a refused rating comes back with what was typed and the error
// linked); the lead's heat map and statement form; the attendance import
// form; patterns of need on a date; a peer reviewer's list.
func TestInclusionInTheUI(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	senco, lead := e.signIn(t, w.sencoA), e.signIn(t, w.lead)
	senco.get("/ui/schools/" + w.schoolA + "/reviews")
	res := senco.post("/ui/schools/"+w.schoolA+"/reviews", url.Values{"name": {"Autumn 2025"}, "opened_on": {"01/10/2025"}})
	round := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(round, "/ui/rounds/") {
		t.Fatalf("opening a round: %d %s", res.StatusCode, bodyOf(res))
	}
	if code, page := senco.get(round); code != 200 || !strings.Contains(page, "Save the ratings of Leadership") {
		t.Fatalf("the round's page: %d", code)
	}
	form := url.Values{"area": {"leadership"},
		"ratings[0].statement_id": {"leadership-1"}, "ratings[0].rating": {"secure"}, "ratings[0].strengths": {"A clear vision"},
		"ratings[1].statement_id": {"leadership-2"},
		"ratings[2].statement_id": {"leadership-3"}, "ratings[2].rating": {"great"}, "ratings[2].improvements": {"Brief the executive termly"}}
	res = senco.post(round+"/rate", form)
	page := bodyOf(res)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `href="#rate-leadership-ratings-2-rating"`) ||
		!strings.Contains(page, "Brief the executive termly</textarea>") || !strings.Contains(page, "A clear vision</textarea>") {
		t.Fatalf("a refused rating: %d\n%s", res.StatusCode, page)
	}
	if res := senco.post(round+"/rate", url.Values{"area": {"leadership"}, "ratings[0].statement_id": {"leadership-1"}}); res.StatusCode != http.StatusBadRequest ||
		!strings.Contains(bodyOf(res), `href="#rate-leadership-ratings-0-rating"`) {
		t.Errorf("nothing rated: %d", res.StatusCode)
	}
	form.Set("ratings[2].rating", "developing")
	if res := senco.post(round+"/rate", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("rating: %d %s", res.StatusCode, bodyOf(res))
	}
	// Leadership: secure and developing, (2 + 1) of 4: 75%, secure.
	if _, page := lead.get("/ui/trusts/" + w.trust + "/reviews"); !strings.Contains(page, "Secure, 75%") {
		t.Errorf("the heat map does not show leadership secure at 75%%")
	}
	if res := lead.post("/ui/trusts/"+w.trust+"/reviews", url.Values{"area": {"identification"}, "text": {" "}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a blank statement: %d", res.StatusCode)
	}
	if res := lead.post("/ui/trusts/"+w.trust+"/reviews", url.Values{"area": {"identification"}, "text": {"Each academy screens reading in Year 7"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("adding a statement: %d", res.StatusCode)
	}
	if _, page := senco.get(round); !strings.Contains(page, "Each academy screens reading in Year 7") {
		t.Errorf("the trust's statement is not on the round")
	}
	// Evidence through the page's file input; a file not chosen is named.
	senco.get(round)
	if res := senco.postFile(t, round+"/evidence", "", nil, map[string]string{"csrf": senco.csrf}); res.StatusCode != http.StatusBadRequest ||
		!strings.Contains(bodyOf(res), `href="#evidence-file"`) {
		t.Errorf("evidence without a file: %d", res.StatusCode)
	}
	if res := senco.postFile(t, round+"/evidence", "plan.pdf", pdfBytes, map[string]string{"csrf": senco.csrf, "name": "SEND development plan"}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("evidence: %d %s", res.StatusCode, bodyOf(res))
	}
	_, page = senco.get(round)
	link := between(page, `<a href="`, `" download>SEND development plan</a>`)
	if res := senco.getRaw(link); res.StatusCode != 200 {
		t.Errorf("downloading the evidence from %q: %d", link, res.StatusCode)
	}
	if code, page := senco.get(round + "/report"); code != 200 || strings.Contains(page, "Save the ratings") || !strings.Contains(page, "A clear vision") {
		t.Errorf("the report: %d", code)
	}

	// The attendance import form.
	senco.get("/ui/schools/" + w.schoolA + "/attendance")
	res = senco.postFile(t, "/ui/schools/"+w.schoolA+"/attendance", "attendance.csv", []byte(strings.Replace(attendanceCSV, "K,30,", "K,thirty,", 1)), map[string]string{"csrf": senco.csrf})
	if page := bodyOf(res); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Row 3: on_roll") {
		t.Errorf("a refused import: %d\n%s", res.StatusCode, page)
	}
	res = senco.postFile(t, "/ui/schools/"+w.schoolA+"/attendance", "attendance.csv", []byte(attendanceCSV), map[string]string{"csrf": senco.csrf})
	if page := bodyOf(res); res.StatusCode != 200 || !strings.Contains(page, "Imported: 1 terms new") || !strings.Contains(page, "Autumn 2025") {
		t.Errorf("the import: %d\n%s", res.StatusCode, page)
	}
	if _, page := lead.get("/ui/trusts/" + w.trust + "/attendance"); !strings.Contains(page, "Fewer than 5 pupils: not shown") || !strings.Contains(page, "10%") {
		t.Errorf("the lead's attendance page")
	}

	// Patterns of need.
	if code, page := lead.get("/ui/trusts/" + w.trust + "/patterns?as_of=01/11/2025"); code != 200 || !strings.Contains(page, "1 November 2025") {
		t.Errorf("patterns on a date: %d", code)
	}
	if code, _ := lead.get("/ui/trusts/" + w.trust + "/patterns?as_of=yesterday"); code != http.StatusBadRequest {
		t.Errorf("patterns on a bad date: %d", code)
	}

	// A peer reviewer from another trust.
	e.must(t, 201, "POST", "/v1/review-rounds/"+strings.TrimPrefix(round, "/ui/rounds/")+"/reviewers", w.sencoA, map[string]any{"email": "ola@elm.org.uk"})
	other := e.signIn(t, w.otherLead)
	if _, page := other.get("/ui/review-rounds"); !strings.Contains(page, "Oak Primary (Oak Learning Trust): Autumn 2025") {
		t.Errorf("her peer reviews:\n%s", page)
	}
	if _, page := other.get(round); strings.Contains(page, "Save the ratings") || !strings.Contains(page, "Add the comment") {
		t.Errorf("a reviewer is offered the rating forms, or no comment form")
	}
}
