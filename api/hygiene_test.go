package api_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestNoPersonalDataInLogsOrMetrics runs a scenario through the API, the
// import and the UI, with failures on the way, and checks that no pupil's
// name, UPN or date of birth, and no token, reaches the logs or /metrics.
func TestNoPersonalDataInLogsOrMetrics(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	u1, u2 := newUPN(), newUPN()
	body := pupilBody(u1)
	body["first_name"], body["last_name"], body["date_of_birth"] = "Zebedee", "Quixley", "2014-07-19"
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, body).str("id")
	e.must(t, 409, "POST", "/v1/schools/"+w.schoolB+"/pupils", w.sencoB, body)                                            // duplicate UPN
	e.must(t, 400, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, `{"upn":"`+u1+`","first_name":"Zebedee","x":1}`) // bad input
	e.must(t, 404, "GET", "/v1/pupils/"+id, w.sencoB, nil)
	e.must(t, 201, "POST", "/v1/pupils/"+id+"/referrals", w.sencoA, map[string]any{"service": "camhs", "provider": "nhs", "reason": "Zebedee is very anxious", "referred_on": "2025-09-10"})
	csvText := "UPN,Surname,Forename,DOB,Year,SEN Status,Primary Need\n" + u2 + ",Marchbanks,Philippa,03/02/2016,4,K,SEMH\nA801200005001,Wrongly,Checked,03/02/2016,4,K,SEMH\n"
	e.importCSV(t, 400, w.schoolA, w.sencoA, "", csvText)
	e.importCSV(t, 200, w.schoolA, w.sencoA, "?partial=true", csvText)
	b := e.signIn(t, w.sencoA)
	b.get("/ui/pupils/" + id)
	b.get("/ui/schools/" + w.schoolA + "/caseload?need=SEMH")
	b.post("/ui/schools/"+w.schoolA+"/pupils/new", url.Values{"upn": {u1}, "first_name": {"Zebedee"}, "last_name": {"Quixley"}})
	metrics := string(e.do(t, "GET", "/metrics", "", nil).Raw)
	logs := e.logs.String()
	if !strings.Contains(logs, `"route":"POST /v1/schools/{school}/pupils"`) {
		t.Fatalf("the scenario left no request logs:\n%.500s", logs)
	}
	for _, secret := range []string{"Zebedee", "Quixley", "2014-07-19", u1, u2, "Marchbanks", "Philippa", "03/02/2016", "2016-02-03",
		"anxious", w.sencoA, w.sencoB, adminToken} {
		if strings.Contains(logs, secret) {
			t.Errorf("%q is in the logs", secret)
		}
		if strings.Contains(metrics, secret) {
			t.Errorf("%q is in /metrics", secret)
		}
	}
}
