package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/inclusion"
	"github.com/sendcase/sendcase/domain/need"
)

// A school's attendance and exclusion counts by SEN status, term by term,
// as its MIS exports them: one row a term and SEN status (no SEN, SEN
// support, EHC plan), with the pupils on roll, sessions possible and
// attended, pupils suspended and days of suspension, and permanent
// exclusions. Only counts: no pupil is named.

// attendanceAliases are the header names read, after normHeader.
var attendanceAliases = map[string][]string{
	"term":                 {"term", "period", "termname"},
	"sen_status":           {"senstatus", "sen", "senprovision", "status", "group"},
	"on_roll":              {"onroll", "pupilsonroll", "pupils", "roll", "numberonroll", "nor"},
	"sessions_possible":    {"sessionspossible", "possiblesessions", "possible"},
	"sessions_attended":    {"sessionsattended", "attendedsessions", "attended", "presentsessions"},
	"suspended_pupils":     {"suspendedpupils", "pupilssuspended", "suspensions", "fixedtermexclusions", "pupilswithsuspension"},
	"suspension_days":      {"suspensiondays", "dayssuspended", "daysofsuspension", "fixedtermdays"},
	"permanent_exclusions": {"permanentexclusions", "exclusions", "permanentlyexcluded", "pex"},
}

// attendanceColumns are the columns an attendance file must have, in the
// order a report names them.
var attendanceColumns = []string{"term", "sen_status", "on_roll", "sessions_possible", "sessions_attended", "suspended_pupils", "suspension_days", "permanent_exclusions"}

// AttendanceRow is one row read, with its problems.
type AttendanceRow struct {
	Row    int       `json:"row"`
	Term   string    `json:"term"`
	Status string    `json:"sen_status"`
	Errors []Problem `json:"errors,omitempty"`
}

// TermRows are one term's counts read from the file.
type TermRows struct {
	Term                inclusion.Term
	None, Support, Plan inclusion.Counts
}

// AttendanceFile is a parsed attendance file: its rows, and the terms
// whose three rows were all read.
type AttendanceFile struct {
	Rows  []AttendanceRow
	Terms []TermRows
}

// TermResult is what an import does with one term.
type TermResult struct {
	Term   string    `json:"term"`
	Action string    `json:"action"`
	Errors []Problem `json:"errors,omitempty"`
}

// AttendanceReport is the outcome of an attendance import.
type AttendanceReport struct {
	DryRun  bool    `json:"dry_run"`
	Applied bool    `json:"applied"`
	Summary Summary `json:"summary"`
	// RowsRefused counts the rows with errors: any stops the import.
	RowsRefused int             `json:"rows_refused"`
	Terms       []TermResult    `json:"terms"`
	Rows        []AttendanceRow `json:"rows"`
}

// Count adds a term's action to the summary.
func (r *AttendanceReport) Count(action string) { r.Summary.count(action) }

// ProblemsOf turns a decision's error into a report's problems, by column.
func ProblemsOf(err error) []Problem {
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		out := make([]Problem, len(ve.Fields))
		for i, f := range ve.Fields {
			out[i] = Problem{Column: f.Field, Message: f.Message}
		}
		return out
	}
	return []Problem{{Message: err.Error()}}
}

// ParseAttendance reads an attendance file (UTF-8, comma or semicolon
// separated, a header row): each row checked on its own (a term, a SEN
// status, whole numbers; suspension days in halves), each term needing one
// row of each status, none twice.
func ParseAttendance(r io.Reader) (*AttendanceFile, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !isText(data) {
		return nil, errors.New("is not a CSV file: it holds control characters or is not UTF-8 text")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	if first, _, _ := strings.Cut(string(data), "\n"); strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord, cr.TrimLeadingSpace = -1, true
	records, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("is not a CSV file: %v", err)
	}
	if len(records) == 0 {
		return nil, errors.New("is empty")
	}
	index := map[string]int{}
	for i, h := range records[0] {
		n := normHeader(h)
		for col, names := range attendanceAliases {
			if _, dup := index[col]; !dup && slices.Contains(names, n) {
				index[col] = i
			}
		}
	}
	var missing []string
	for _, c := range attendanceColumns {
		if _, ok := index[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("has no column for %s (the columns are: %s)", strings.Join(missing, ", "), strings.Join(attendanceColumns, ", "))
	}
	f := &AttendanceFile{}
	type key struct {
		term   inclusion.Term
		status need.Status
	}
	got := map[key]inclusion.Counts{}
	refused := map[key]bool{} // rows refused, which do not count as missing too
	var order []inclusion.Term
	for n, rec := range records[1:] {
		if blank(rec) {
			continue
		}
		cell := func(col string) string {
			if i := index[col]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row := AttendanceRow{Row: n + 2, Term: cell("term"), Status: cell("sen_status")}
		bad := func(col, format string, args ...any) {
			row.Errors = append(row.Errors, Problem{Column: col, Message: fmt.Sprintf(format, args...)})
		}
		term, err := inclusion.ParseTerm(row.Term)
		if err != nil {
			bad("term", "%s", err.Error())
		}
		status, ok := normStatus(row.Status)
		if !ok || row.Status == "" {
			bad("sen_status", "%q is not a SEN status (N, K or E)", row.Status)
		}
		whole := func(col string) int {
			v, err := strconv.Atoi(cell(col))
			if err != nil || v < 0 {
				bad(col, "%q is not a whole number of 0 or more", cell(col))
			}
			return v
		}
		c := inclusion.Counts{OnRoll: whole("on_roll"), SessionsPossible: whole("sessions_possible"), SessionsAttended: whole("sessions_attended"),
			SuspendedPupils: whole("suspended_pupils"), PermanentExclusions: whole("permanent_exclusions")}
		if days, err := strconv.ParseFloat(cell("suspension_days"), 64); err != nil || days < 0 {
			bad("suspension_days", "%q is not a number of days", cell("suspension_days"))
		} else {
			c.SuspensionDays = days
		}
		if len(row.Errors) == 0 {
			var probs domain.Problems
			c.Check("", &probs)
			for _, pr := range probs {
				bad(pr.Field, "%s", pr.Message)
			}
		}
		k := key{term, need.Status(status)}
		if len(row.Errors) > 0 {
			refused[k] = true
		}
		if !slices.Contains(order, term) && term.Season != "" {
			order = append(order, term)
		}
		if len(row.Errors) == 0 {
			if _, dup := got[k]; dup {
				bad("sen_status", "%s is in the file twice for %s", row.Status, term.Label())
			} else {
				got[k] = c
			}
		}
		f.Rows = append(f.Rows, row)
	}
	for _, t := range order {
		tr := TermRows{Term: t}
		complete := true
		for _, st := range inclusion.Statuses {
			c, ok := got[key{t, st}]
			if !ok {
				complete = false
				if refused[key{t, st}] {
					continue
				}
				f.Rows = append(f.Rows, AttendanceRow{Term: t.Label(), Status: string(st),
					Errors: []Problem{{Column: "sen_status", Message: fmt.Sprintf("%s has no row for SEN status %s", t.Label(), st)}}})
				continue
			}
			switch st {
			case need.NoSEN:
				tr.None = c
			case need.SENSupport:
				tr.Support = c
			case need.EHCPlan:
				tr.Plan = c
			}
		}
		if complete {
			f.Terms = append(f.Terms, tr)
		}
	}
	return f, nil
}

// isText reports whether data is UTF-8 without control characters other
// than tabs and line ends.
func isText(data []byte) bool {
	for _, line := range strings.Split(string(data), "\n") {
		if domain.PlainText(strings.TrimSuffix(line, "\r")) != "" {
			return false
		}
	}
	return true
}

// AttendanceProblems are the report's refusals, each named by its row (or
// term) and column.
func AttendanceProblems(rep AttendanceReport) []domain.FieldError {
	var out []domain.FieldError
	for _, row := range rep.Rows {
		for _, e := range row.Errors {
			where := fmt.Sprintf("row %d: %s", row.Row, e.Column)
			if row.Row == 0 {
				where = fmt.Sprintf("%s: %s", row.Term, e.Column)
			}
			out = append(out, domain.FieldError{Field: where, Message: e.Message})
		}
	}
	for _, t := range rep.Terms {
		for _, e := range t.Errors {
			out = append(out, domain.FieldError{Field: t.Term + ": " + e.Column, Message: e.Message})
		}
	}
	return out
}
