// Package importer reads a school's SEN register from its MIS export
// (SIMS, Arbor, Bromcom, ...), whatever its header style, and holds the
// import report's types. app.ImportRegister plans each row with the
// domain's own rules and carries it out through the same use cases a
// SENCO would use.
package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/upn"
)

// Field is a column sendcase understands.
type Field string

const (
	FieldUPN       Field = "upn"
	FieldSurname   Field = "last_name"
	FieldForename  Field = "first_name"
	FieldDOB       Field = "date_of_birth"
	FieldYear      Field = "year_group"
	FieldStatus    Field = "sen_status"
	FieldPrimary   Field = "primary_need"
	FieldSecondary Field = "secondary_need"
	// An EHC plan issued before sendcase, and its last annual review: the
	// plan's annual-review clock starts from them.
	FieldPlanIssued Field = "plan_issued_on"
	FieldLastReview Field = "last_reviewed_on"
)

// Fields are the fields sendcase reads, in the order a report lists them.
var Fields = []Field{FieldUPN, FieldSurname, FieldForename, FieldDOB, FieldYear, FieldStatus, FieldPrimary, FieldSecondary,
	FieldPlanIssued, FieldLastReview}

// aliases are the header names MIS exports use, compared after lower-casing
// and dropping everything but letters and digits.
var aliases = map[Field][]string{
	FieldUPN:       {"upn", "uniquepupilnumber", "pupilupn"},
	FieldSurname:   {"surname", "legalsurname", "lastname", "familyname", "preferredsurname"},
	FieldForename:  {"forename", "legalforename", "firstname", "givenname", "preferredforename", "forenames"},
	FieldDOB:       {"dob", "dateofbirth", "birthdate"},
	FieldYear:      {"year", "ncyear", "yeargroup", "ncyearactual", "curriculumyear", "nationalcurriculumyear", "yeartaughtin"},
	FieldStatus:    {"senstatus", "senprovision", "senstage", "sen", "senneed"},
	FieldPrimary:   {"primaryneed", "senprimaryneed", "primarysenneed", "primaryneedtype", "senneed1", "need1", "primarysentype"},
	FieldSecondary: {"secondaryneed", "sensecondaryneed", "secondarysenneed", "secondaryneedtype", "senneed2", "need2", "secondarysentype"},
	FieldPlanIssued: {"ehcpissued", "ehcpissuedate", "ehcpissueddate", "ehcplanissued", "ehcplanissuedate", "ehcplandate", "ehcpdate",
		"ehcpstartdate", "ehcpstart", "planissued", "planissuedon", "dateplanissued", "ehcpissuedon"},
	FieldLastReview: {"lastannualreview", "lastannualreviewdate", "ehcplastreview", "ehcplastannualreview", "lastreview", "lastreviewdate",
		"annualreviewdate", "ehcpreviewdate", "lastehcpreview", "lastreviewedon", "ehcplastreviewdate"},
}

var required = []Field{FieldUPN, FieldSurname, FieldForename, FieldDOB, FieldYear, FieldStatus}

var nonAlnum = regexp.MustCompile(`[^a-z0-9]+`)

func normHeader(h string) string { return nonAlnum.ReplaceAllString(strings.ToLower(h), "") }

// Row is one data row of the file, with its values normalised.
type Row struct {
	// Line is the row's number in the file (the header is row 1).
	Line          int
	UPN           string
	FirstName     string
	LastName      string
	DateOfBirth   civil.Date
	YearGroup     string
	SENStatus     string
	PrimaryNeed   string
	SecondaryNeed string
	// PlanIssuedOn and LastReviewedOn date an EHC plan issued before
	// sendcase (zero when the file does not say).
	PlanIssuedOn, LastReviewedOn civil.Date
	// Problems found while reading the row, by column.
	Problems []Problem
}

// Problem is why a row, or one of its cells, cannot be used.
type Problem struct {
	Column  string `json:"column"`
	Message string `json:"message"`
}

// File is a parsed export.
type File struct {
	Rows []Row
	// Columns maps each understood field to the header it came from.
	Columns map[Field]string
	// Ignored are the headers of the columns no field is read from, so the
	// report can say that they were not used.
	Ignored []string
}

// ErrHeader means the file has no usable header row.
var ErrHeader = errors.New("header")

// Parse reads an export: UTF-8 with or without a byte-order mark, comma or
// semicolon separated, with a header row naming the columns.
func Parse(r io.Reader) (*File, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	first, _, _ := bufio.NewReader(bytes.NewReader(data)).ReadLine()
	cr := csv.NewReader(bytes.NewReader(data))
	if strings.Count(string(first), ";") > strings.Count(string(first), ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	records, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%w: not a CSV file: %v", ErrHeader, err)
	}
	if len(records) == 0 {
		return nil, fmt.Errorf("%w: the file is empty", ErrHeader)
	}
	f := &File{Columns: map[Field]string{}}
	index := map[Field]int{}
	for i, h := range records[0] {
		n := normHeader(h)
		used := false
		for field, names := range aliases {
			for _, a := range names {
				if n == a {
					if _, dup := index[field]; !dup {
						index[field], f.Columns[field] = i, strings.TrimSpace(h)
						used = true
					}
				}
			}
		}
		if !used && strings.TrimSpace(h) != "" {
			f.Ignored = append(f.Ignored, strings.TrimSpace(h))
		}
	}
	var missing []string
	for _, fld := range required {
		if _, ok := index[fld]; !ok {
			missing = append(missing, string(fld))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: no column for %s (found: %s)", ErrHeader, strings.Join(missing, ", "), strings.Join(records[0], ", "))
	}
	for n, rec := range records[1:] {
		if blank(rec) {
			continue
		}
		cell := func(fld Field) string {
			i, ok := index[fld]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		row := Row{Line: n + 2}
		bad := func(fld Field, format string, args ...any) {
			row.Problems = append(row.Problems, Problem{Column: f.Columns[fld], Message: fmt.Sprintf(format, args...)})
		}
		row.UPN = upn.Normalize(cell(FieldUPN))
		row.FirstName, row.LastName = cell(FieldForename), cell(FieldSurname)
		date := func(fld Field) civil.Date {
			s := cell(fld)
			if s == "" {
				return 0
			}
			d, err := civil.ParseDayFirst(s)
			if err != nil {
				bad(fld, "%q is not a date (dd/mm/yyyy or yyyy-mm-dd)", s)
			}
			return d
		}
		row.DateOfBirth = date(FieldDOB)
		row.PlanIssuedOn, row.LastReviewedOn = date(FieldPlanIssued), date(FieldLastReview)
		row.YearGroup = normYear(cell(FieldYear))
		var ok bool
		if row.SENStatus, ok = normStatus(cell(FieldStatus)); !ok {
			bad(FieldStatus, "%q is not a SEN status (K, E or N)", cell(FieldStatus))
		}
		row.PrimaryNeed = normNeed(cell(FieldPrimary))
		row.SecondaryNeed = normNeed(cell(FieldSecondary))
		f.Rows = append(f.Rows, row)
	}
	return f, nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// normYear turns "Year 5", "Y5", "05", "Reception", "Nursery 2" into 5, R, N2.
func normYear(s string) string {
	n := normHeader(s)
	switch n {
	case "r", "rec", "reception", "yr", "yearr":
		return "R"
	case "n1", "nursery1", "yn1":
		return "N1"
	case "n2", "nursery2", "yn2":
		return "N2"
	}
	n = strings.TrimPrefix(strings.TrimPrefix(n, "year"), "y")
	if v, err := strconv.Atoi(n); err == nil {
		return strconv.Itoa(v)
	}
	return s
}

// normStatus reads K/E/N and their spelled-out forms.
func normStatus(s string) (string, bool) {
	switch normHeader(s) {
	case "k", "sensupport", "support":
		return "K", true
	case "e", "ehcp", "ehcplan", "ehc", "educationhealthandcareplan", "s", "statement":
		return "E", true
	case "n", "nosen", "none", "":
		return "N", true
	}
	return s, false
}

// normNeed accepts a census code in any case, or its label.
func normNeed(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := need.Lookup(strings.ToUpper(s)); ok {
		return c.Code
	}
	n := normHeader(s)
	for _, c := range need.Codes {
		if normHeader(c.Label) == n {
			return c.Code
		}
	}
	return strings.ToUpper(s)
}
