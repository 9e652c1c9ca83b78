package importer

import (
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/pupil"
)

// Actions a row can lead to.
const (
	Created   = "created"
	Updated   = "updated"
	Unchanged = "unchanged"
	Refused   = "refused"
)

// RowResult is the report line of one row.
type RowResult struct {
	Row     int       `json:"row"`
	UPN     string    `json:"upn"`
	Action  string    `json:"action"`
	PupilID string    `json:"pupil_id,omitempty"`
	Changes []string  `json:"changes,omitempty"`
	Errors  []Problem `json:"errors,omitempty"`

	// Register and Status are the commands a created or updated row runs.
	Register *pupil.Register     `json:"-"`
	Status   *pupil.ChangeStatus `json:"-"`
	// EHCP records an EHC plan issued before sendcase, after the above.
	EHCP *ehcp.Command `json:"-"`
}

// Absent is a pupil on the school's roll who is not in the file. Absent
// pupils are listed for the SENCO to look at, never removed.
type Absent struct {
	PupilID string `json:"pupil_id"`
	UPN     string `json:"upn"`
	Name    string `json:"name"`
}

// Summary counts the report's rows.
type Summary struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Refused   int `json:"refused"`
	Absent    int `json:"absent"`
}

// Report is the outcome of an import.
type Report struct {
	DryRun  bool     `json:"dry_run"`
	Partial bool     `json:"partial"`
	Applied bool     `json:"applied"`
	Summary Summary  `json:"summary"`
	Columns []string `json:"columns"`
	// IgnoredColumns are the file's columns sendcase does not read, by name.
	IgnoredColumns []string    `json:"ignored_columns"`
	Rows           []RowResult `json:"rows"`
	Absent         []Absent    `json:"absent"`
}

// Options of an import.
type Options struct {
	// DryRun plans and reports without changing anything.
	DryRun bool
	// Partial imports the good rows even when some are refused.
	Partial bool
	// Workers run commands concurrently (default 8).
	Workers int
	// Progress is told how many rows are done, of how many.
	Progress func(done, total int)
}

// Summarise counts the report's rows.
func (r *Report) Summarise() {
	r.Summary = Summary{Absent: len(r.Absent)}
	for _, row := range r.Rows {
		r.Summary.count(row.Action)
	}
}

// count adds one row's (or term's) action.
func (s *Summary) count(action string) {
	switch action {
	case Created:
		s.Created++
	case Updated:
		s.Updated++
	case Unchanged:
		s.Unchanged++
	case Refused:
		s.Refused++
	}
}
