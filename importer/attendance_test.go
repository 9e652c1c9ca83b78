package importer

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseAttendance(t *testing.T) {
	good := "Term,SEN status,On roll,Sessions possible,Sessions attended,Suspended pupils,Suspension days,Permanent exclusions\n" +
		"Autumn 2025,N,200,20000,19000,4,6,0\nAutumn 2025,K,30,3000,2700,6,9.5,1\nAutumn 2025,E,4,400,340,1,2,0\n"
	for _, tc := range []struct {
		name   string
		in     string
		terms  int
		errors []string // "row: column" of each problem
		fail   string   // the file's error, when it is refused whole
	}{
		{"good", good, 1, nil, ""},
		{"semicolons, a byte-order mark and other headers", "\xef\xbb\xbfPeriod;SEN;NOR;Possible;Attended;Pupils suspended;Days suspended;PEX\n" +
			"2025/26 autumn;No SEN;200;20000;19000;4;6;0\n2025/26 autumn;SEN support;30;3000;2700;6;9.5;1\n2025/26 autumn;EHCP;4;400;340;1;2;0\n", 1, nil, ""},
		{"two terms", good + strings.ReplaceAll(good[strings.Index(good, "\n")+1:], "Autumn 2025", "Spring 2026"), 2, nil, ""},
		{"attended more than possible", strings.Replace(good, "20000,19000", "20000,21000", 1), 0, []string{"2: sessions_attended"}, ""},
		{"a status missing", strings.Replace(good, "Autumn 2025,E,4,400,340,1,2,0\n", "", 1), 0, []string{"0: sen_status"}, ""},
		{"a status twice", good + "Autumn 2025,K,30,3000,2700,6,9.5,1\n", 1, []string{"5: sen_status"}, ""},
		{"not a number", strings.Replace(good, "K,30,", "K,-3,", 1), 0, []string{"3: on_roll"}, ""},
		// The row without a term leaves Autumn 2025 without its no-SEN row.
		{"no term", strings.Replace(good, "Autumn 2025,N", "Next term,N", 1), 0, []string{"2: term", "0: sen_status"}, ""},
		{"a column missing", "Term,SEN status,On roll\nAutumn 2025,N,200\n", 0, nil, "has no column for sessions_possible"},
		{"a control character", strings.Replace(good, "Autumn 2025,N", "Autumn 2025\x07,N", 1), 0, nil, "control characters"},
		{"empty", "", 0, nil, "is empty"},
	} {
		f, err := ParseAttendance(strings.NewReader(tc.in))
		if tc.fail != "" {
			if err == nil || !strings.Contains(err.Error(), tc.fail) {
				t.Errorf("%s: %v, want %q", tc.name, err, tc.fail)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []string
		for _, r := range f.Rows {
			for _, e := range r.Errors {
				got = append(got, strings.TrimSpace(strings.Join([]string{strconv.Itoa(r.Row) + ":", e.Column}, " ")))
			}
		}
		if strings.Join(got, "|") != strings.Join(tc.errors, "|") || len(f.Terms) != tc.terms {
			t.Errorf("%s: terms %d, problems %v; want %d, %v", tc.name, len(f.Terms), got, tc.terms, tc.errors)
		}
	}
}
