package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// upns returns n fresh valid UPNs.
func upns(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = newUPN()
	}
	return out
}

func (e *env) importCSV(t *testing.T, status int, school, token, query, body string) resp {
	t.Helper()
	return e.must(t, status, "POST", "/v1/schools/"+school+"/imports"+query, token, body, "Content-Type", "text/csv")
}

func TestImportRegister(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	u := upns(6)
	sims := "UPN,Legal Surname,Legal Forename,DOB,NC Year Actual,SEN Provision,Primary Need,Secondary Need\n" +
		u[0] + ",Lovelace,Ada,04/03/2015,5,K,SLCN,\n" +
		u[1] + ",Babbage,Charles,26/12/2014,6,E,ASD,SLCN\n" +
		u[2] + ",Somerville,Mary,26/12/2016,R,K,NSA,\n" +
		u[3] + ",Herschel,Caroline,16/03/2013,Year 7,N,,\n"

	// A dry run reports and writes nothing.
	seq := e.lastSeq(t)
	dry := e.importCSV(t, 200, w.schoolA, w.sencoA, "?dry_run=true", sims)
	if r := as[importReport](t, dry); r.Summary.Created != 4 || r.Applied || e.lastSeq(t) != seq {
		t.Fatalf("dry run: %s", dry.Raw)
	}
	first := e.importCSV(t, 200, w.schoolA, w.sencoA, "", sims)
	firstReport := as[importReport](t, first)
	if firstReport.Summary.Created != 4 || !firstReport.Applied {
		t.Fatalf("import: %s", first.Raw)
	}
	ada := firstReport.Rows[0].PupilID
	p := e.must(t, 200, "GET", "/v1/pupils/"+ada, w.sencoA, nil)
	if p.str("last_name") != "Lovelace" || p.str("date_of_birth") != "2015-03-04" || p.str("year_group") != "5" || p.str("primary_need") != "SLCN" {
		t.Fatalf("imported pupil: %s", p.Raw)
	}
	// The same file again changes nothing.
	seq = e.lastSeq(t)
	again := e.importCSV(t, 200, w.schoolA, w.sencoA, "", sims)
	if r := as[importReport](t, again); r.Summary.Unchanged != 4 || e.lastSeq(t) != seq {
		t.Fatalf("re-import: %s", again.Raw)
	}

	// Arbor style: BOM, semicolons, spelled-out values; Ada now has a plan,
	// Mary is left out, and a pupil registered by hand is absent from the file.
	// The import lists her at once: it waits for the views to catch up.
	manual := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, named(pupilBody(u[4]), "Zed", "Zephyr")).str("id")
	arbor := "\ufeffUPN;Last Name;First Name;Date of Birth;Year Group;SEN Status;Primary SEN Need;Secondary SEN Need\n" +
		u[0] + ";Lovelace;Ada;04/03/2015;Year 5;EHC Plan;Speech, language and communication needs;ASD\n" +
		u[1] + ";Babbage;Charles;26/12/2014;Year 6;E;ASD;SLCN\n" +
		u[3] + ";Herschel;Caroline;16/03/2013;Year 7;No SEN;;\n"
	upd := e.importCSV(t, 200, w.schoolA, w.sencoA, "", arbor)
	updReport := as[importReport](t, upd)
	if s := updReport.Summary; s.Updated != 1 || s.Unchanged != 2 || s.Absent != 2 {
		t.Fatalf("update: %s", upd.Raw)
	}
	if ch := updReport.Rows[0].Changes; len(ch) != 2 {
		t.Fatalf("changes: %v", ch)
	}
	absent := fmt.Sprint(updReport.Absent)
	if !strings.Contains(absent, manual) || !strings.Contains(absent, "Mary Somerville") {
		t.Fatalf("absent: %s", absent)
	}
	e.must(t, 200, "GET", "/v1/pupils/"+manual, w.sencoA, nil) // listed, never removed
	// The change is in Ada's trail as the SENCO's own status change.
	audit := as[auditTrail](t, e.must(t, 200, "GET", "/v1/pupils/"+ada+"/audit", w.sencoA, nil)).Events
	last := audit[len(audit)-1]
	if last.Type != "sen_status_changed" || last.Actor.Name != "Sam Senco" {
		t.Fatalf("audit: %v", last)
	}

	// Bad rows: nothing is imported, each problem names its row and column.
	bad := "Pupil UPN,Surname,Forename,Date Of Birth,Year,SEN Stage,SEN Need 1,SEN Need 2\n" +
		u[5] + ",Good,Row,2015-01-01,Y4,K,MLD,\n" +
		"A801200005001,Wrong,Check,2015-01-01,Y4,K,MLD,\n" +
		upns(1)[0] + ",Bad,Date,31/02/2015,Y4,K,MLD,\n" +
		upns(1)[0] + ",Bad,Year,2015-01-01,Y15,K,MLD,\n" +
		upns(1)[0] + ",Bad,Need,2015-01-01,Y4,E,NSA,\n" +
		u[5] + ",Twice,Listed,2015-01-01,Y4,K,MLD,\n"
	seq = e.lastSeq(t)
	refused := e.importCSV(t, 400, w.schoolA, w.sencoA, "", bad)
	want := []string{"row 3: Pupil UPN", "row 4: Date Of Birth", "row 5: Year", "row 6: SEN Need 1", "row 7: Pupil UPN"}
	if got := strings.Join(refused.fields(), "|"); got != strings.Join(want, "|") {
		t.Fatalf("refusals %s\n%s", got, refused.Raw)
	}
	if e.lastSeq(t) != seq {
		t.Fatal("a refused import wrote events")
	}
	partial := e.importCSV(t, 200, w.schoolA, w.sencoA, "?partial=true", bad)
	if s := as[importReport](t, partial).Summary; s.Created != 1 || s.Refused != 5 {
		t.Fatalf("partial: %s", partial.Raw)
	}

	// A pupil of another school of the trust is refused, not moved.
	other := "UPN,Surname,Forename,DOB,Year,SEN Status\n" + u[0] + ",Lovelace,Ada,04/03/2015,5,E\n"
	if r := e.importCSV(t, 400, w.schoolB, w.sencoB, "", other); !strings.Contains(string(r.Raw), "another school") {
		t.Fatalf("other school: %s", r.Raw)
	}
	// Upload as a form (the UI's way).
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "register.csv")
	_, _ = fw.Write([]byte(sims))
	_ = mw.Close()
	e.must(t, 200, "POST", "/v1/schools/"+w.schoolA+"/imports?dry_run=true", w.sencoA, buf.String(), "Content-Type", mw.FormDataContentType())

	// Refusals of the request itself.
	e.importCSV(t, 400, w.schoolA, w.sencoA, "", "Name,Age\nAda,10\n")
	e.must(t, 415, "POST", "/v1/schools/"+w.schoolA+"/imports", w.sencoA, map[string]any{"rows": 1})
	e.importCSV(t, 403, w.schoolA, w.lead, "", sims)
	e.importCSV(t, 403, w.schoolA, w.sencoB, "", sims)
	e.importCSV(t, http.StatusRequestEntityTooLarge, w.schoolA, w.sencoA, "", "UPN,Surname,Forename,DOB,Year,SEN Status\n"+strings.Repeat("x", 11<<20))
}

// TestImportEHCPlanDates: an MIS export's EHC plan dates start the plan's
// annual-review clock (a year after its last review), are refused by
// column for a pupil without a plan, and read again change nothing.
func TestImportEHCPlanDates(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	u := upns(3)
	file := "UPN,Surname,Forename,DOB,Year,SEN status,Primary need,EHCP issued,Last annual review,Form\n" +
		u[0] + ",Babbage,Charles,26/12/2014,6,E,ASD,01/04/2023,10/03/2025,6B\n" +
		u[1] + ",Lovelace,Ada,04/03/2015,5,E,SLCN,01/04/2023,,5A\n" +
		u[2] + ",Somerville,Mary,26/12/2016,R,K,SLCN,01/04/2023,,RA\n"
	r := as[importReport](t, e.importCSV(t, 200, w.schoolA, w.sencoA, "?partial=true", file))
	if r.Summary.Created != 2 || r.Summary.Refused != 1 || len(r.IgnoredColumns) != 1 || r.IgnoredColumns[0] != "Form" ||
		strings.Join(r.Columns, ",") != "UPN,Surname,Forename,DOB,Year,SEN status,Primary need,EHCP issued,Last annual review" {
		t.Fatalf("report: %+v", r)
	}
	if errs := r.Rows[2].Errors; len(errs) != 1 || errs[0].Column != "EHCP issued" || !strings.Contains(errs[0].Message, "EHC plan") {
		t.Fatalf("a plan date for a pupil without a plan: %+v", errs)
	}
	for i, want := range []string{"2026-03-10", "2024-04-01"} {
		v := e.must(t, 200, "GET", "/v1/pupils/"+r.Rows[i].PupilID+"/ehcp", w.sencoA, nil)
		if v.str("status") != "active" || v.str("plan_issued_on") != "2023-04-01" || v.str("next_annual_review_due_on") != want {
			t.Errorf("row %d's plan: %s", i+2, v.Raw)
		}
	}
	seq := e.lastSeq(t)
	again := as[importReport](t, e.importCSV(t, 200, w.schoolA, w.sencoA, "?partial=true", file))
	if again.Summary.Unchanged != 2 || e.lastSeq(t) != seq {
		t.Fatalf("re-import: %+v", again.Summary)
	}
}
