package importer

import (
	"strings"
	"testing"

	"github.com/sendcase/sendcase/domain/civil"
)

func TestNormalisers(t *testing.T) {
	years := map[string]string{"Year 5": "5", "Y5": "5", "05": "5", "5": "5", "R": "R", "Reception": "R", "N1": "N1", "Nursery 2": "N2", "Year 11": "11", "Y15": "15", "": ""}
	for in, want := range years {
		if got := normYear(in); got != want {
			t.Errorf("normYear(%q) = %q, want %q", in, got, want)
		}
	}
	statuses := map[string]string{"K": "K", "k": "K", "SEN Support": "K", "E": "E", "EHC Plan": "E", "EHCP": "E", "N": "N", "No SEN": "N", "": "N"}
	for in, want := range statuses {
		if got, ok := normStatus(in); !ok || got != want {
			t.Errorf("normStatus(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	if _, ok := normStatus("Statemented maybe"); ok {
		t.Error("unknown status accepted")
	}
	needs := map[string]string{"slcn": "SLCN", "ASD": "ASD", "Autistic spectrum disorder": "ASD", "Social, emotional and mental health": "SEMH", "": "", "ADHD": "ADHD"}
	for in, want := range needs {
		if got := normNeed(in); got != want {
			t.Errorf("normNeed(%q) = %q, want %q", in, got, want)
		}
	}
	dates := map[string]string{"04/03/2015": "2015-03-04", "4/3/2015": "2015-03-04", "04-03-2015": "2015-03-04", "04.03.2015": "2015-03-04", "2015-03-04": "2015-03-04", "2015-03-04T00:00:00": "2015-03-04"}
	for in, want := range dates {
		if got, err := civil.ParseDayFirst(in); err != nil || got.String() != want {
			t.Errorf("civil.ParseDayFirst(%q) = %s %v, want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"31/02/2015", "13/13/2015", "2015/03/04", "March 4 2015", "04/03/15"} {
		if _, err := civil.ParseDayFirst(bad); err == nil {
			t.Errorf("civil.ParseDayFirst(%q) accepted", bad)
		}
	}
}

func TestParseHeaderStyles(t *testing.T) {
	tests := []struct {
		name, file string
		columns    map[Field]string
	}{
		{"SIMS", "UPN,Legal Surname,Legal Forename,DOB,NC Year Actual,SEN Provision,Primary Need,Secondary Need\nB801200005001,Lovelace,Ada,04/03/2015,5,K,SLCN,\n",
			map[Field]string{FieldSurname: "Legal Surname", FieldYear: "NC Year Actual", FieldStatus: "SEN Provision"}},
		{"Arbor with BOM and semicolons", "\ufeffUPN;Last Name;First Name;Date of Birth;Year Group;SEN Status;Primary SEN Need\nB801200005001;Lovelace;Ada;04/03/2015;Year 5;SEN Support;SLCN\n",
			map[Field]string{FieldSurname: "Last Name", FieldStatus: "SEN Status", FieldPrimary: "Primary SEN Need"}},
		{"Bromcom", "Pupil UPN,Surname,Forename,Date Of Birth,Year,SEN Stage,SEN Need 1,SEN Need 2\r\nB801200005001,Lovelace,Ada,2015-03-04,Y5,K,slcn,\r\n\r\n",
			map[Field]string{FieldUPN: "Pupil UPN", FieldPrimary: "SEN Need 1", FieldSecondary: "SEN Need 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			for fld, col := range tt.columns {
				if f.Columns[fld] != col {
					t.Errorf("column for %s = %q, want %q", fld, f.Columns[fld], col)
				}
			}
			if len(f.Rows) != 1 {
				t.Fatalf("%d rows", len(f.Rows))
			}
			r := f.Rows[0]
			if r.UPN != "B801200005001" || r.LastName != "Lovelace" || r.DateOfBirth.String() != "2015-03-04" || r.YearGroup != "5" || r.SENStatus != "K" || r.PrimaryNeed != "SLCN" || r.Line != 2 || len(r.Problems) != 0 {
				t.Fatalf("row %+v", r)
			}
		})
	}
	if _, err := Parse(strings.NewReader("Name,Age\nAda,10\n")); err == nil || !strings.Contains(err.Error(), "no column for upn") {
		t.Fatalf("missing columns: %v", err)
	}
	if _, err := Parse(strings.NewReader("")); err == nil {
		t.Fatal("empty file accepted")
	}
}

// TestParseNamesTheColumnsItDoesNotRead (issue 17): a column no field is
// read from is reported by its header.
func TestParseNamesTheColumnsItDoesNotRead(t *testing.T) {
	f, err := Parse(strings.NewReader("UPN,Surname,Forename,DOB,Year,SEN Status,Primary Need,Form Tutor,,EHC Plan Date\nB801200005001,Lovelace,Ada,04/03/2015,5,K,SLCN,Mr Brown,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(f.Ignored, "|"), "Form Tutor"; got != want {
		t.Fatalf("ignored: got %q, want %q", got, want)
	}
	if got := f.Columns[FieldPlanIssued]; got != "EHC Plan Date" {
		t.Fatalf("the plan's date is read from %q", got)
	}
}
