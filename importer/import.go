package importer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/yeargroup"
	"github.com/sendcase/sendcase/eventstore"
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

	register *pupil.Register
	status   *pupil.ChangeStatus
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
	DryRun  bool        `json:"dry_run"`
	Partial bool        `json:"partial"`
	Applied bool        `json:"applied"`
	Summary Summary     `json:"summary"`
	Columns []string    `json:"columns"`
	Rows    []RowResult `json:"rows"`
	Absent  []Absent    `json:"absent"`
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

// Roster lists the pupils on a school's roll (the import's "absent" check).
type Roster func(ctx context.Context, schoolID string) ([]Absent, error)

// Importer runs imports through the application service.
type Importer struct {
	Service *app.Service
	Roster  Roster
}

// Run plans the file for a school and, unless it is a dry run or a row is
// refused without Partial, carries it out as actor.
func (im *Importer) Run(ctx context.Context, actor event.Actor, schoolID string, f *File, o Options) (Report, error) {
	_, trustID, ok := im.Service.Directory().School(schoolID)
	if !ok {
		return Report{}, domain.NotFound("school %s", schoolID)
	}
	rep := Report{DryRun: o.DryRun, Partial: o.Partial, Rows: make([]RowResult, len(f.Rows)), Absent: []Absent{}}
	for _, fld := range []Field{FieldUPN, FieldSurname, FieldForename, FieldDOB, FieldYear, FieldStatus, FieldPrimary, FieldSecondary} {
		if c, ok := f.Columns[fld]; ok {
			rep.Columns = append(rep.Columns, c)
		}
	}
	byUPN, err := im.Service.PupilsByUPN(ctx, trustID)
	if err != nil {
		return Report{}, err
	}
	if err := im.plan(ctx, trustID, schoolID, f, byUPN, rep.Rows); err != nil {
		return Report{}, err
	}
	inFile := map[string]bool{}
	for _, r := range rep.Rows {
		inFile[r.UPN] = true
	}
	if im.Roster != nil {
		roster, err := im.Roster(ctx, schoolID)
		if err != nil {
			return Report{}, err
		}
		for _, a := range roster {
			if !inFile[a.UPN] {
				rep.Absent = append(rep.Absent, a)
			}
		}
		sort.Slice(rep.Absent, func(i, j int) bool { return rep.Absent[i].Name < rep.Absent[j].Name })
	}
	rep.summarise()
	if o.DryRun || (rep.Summary.Refused > 0 && !o.Partial) {
		return rep, nil
	}
	if err := im.apply(ctx, actor, schoolID, rep.Rows, o); err != nil {
		return rep, err
	}
	rep.Applied = true
	rep.summarise()
	return rep, nil
}

func (r *Report) summarise() {
	r.Summary = Summary{Absent: len(r.Absent)}
	for _, row := range r.Rows {
		switch row.Action {
		case Created:
			r.Summary.Created++
		case Updated:
			r.Summary.Updated++
		case Unchanged:
			r.Summary.Unchanged++
		case Refused:
			r.Summary.Refused++
		}
	}
}

// plan decides each row's action with the domain's own decide functions,
// without writing anything.
func (im *Importer) plan(ctx context.Context, trustID, schoolID string, f *File, byUPN map[string]string, out []RowResult) error {
	seen := map[string]int{}
	column := func(field string) string {
		if c, ok := f.Columns[Field(field)]; ok {
			return c
		}
		return field
	}
	refuse := func(res *RowResult, err error) {
		res.Action = Refused
		var ve *domain.ValidationError
		var ce *domain.ConflictError
		switch {
		case errors.As(err, &ve):
			for _, fe := range ve.Fields {
				res.Errors = append(res.Errors, Problem{Column: column(fe.Field), Message: fe.Message})
			}
		case errors.As(err, &ce):
			res.Errors = append(res.Errors, Problem{Column: column("upn"), Message: ce.Reason})
		default:
			res.Errors = append(res.Errors, Problem{Column: "", Message: err.Error()})
		}
	}
	for i, row := range f.Rows {
		res := &out[i]
		*res = RowResult{Row: row.Line, UPN: row.UPN}
		if len(row.Problems) > 0 {
			res.Action, res.Errors = Refused, row.Problems
			continue
		}
		if first, dup := seen[row.UPN]; dup && row.UPN != "" {
			res.Action = Refused
			res.Errors = []Problem{{Column: column("upn"), Message: fmt.Sprintf("the same UPN is on row %d", first)}}
			continue
		}
		seen[row.UPN] = row.Line
		reg := pupil.Register{UPN: row.UPN, FirstName: row.FirstName, LastName: row.LastName, DateOfBirth: row.DateOfBirth,
			YearGroup: yeargroup.Group(row.YearGroup), SENStatus: need.Status(row.SENStatus), PrimaryNeed: row.PrimaryNeed, SecondaryNeed: row.SecondaryNeed}
		var existing *pupil.Pupil
		if id, ok := byUPN[row.UPN]; ok {
			err := im.Service.ReadPupil(ctx, id, func(p *pupil.Pupil) error { cp := *p; existing = &cp; return nil })
			if err != nil && !errors.Is(err, domain.ErrNotFound) {
				return err
			}
		}
		facts := im.Service.PupilFacts(trustID)
		if existing == nil {
			if _, err := pupil.RegisterPupil("planned", trustID, schoolID, reg, facts); err != nil {
				refuse(res, err)
				continue
			}
			res.Action, res.register = Created, &reg
			continue
		}
		res.PupilID = existing.ID
		switch {
		case !existing.OnRoll:
			refuse(res, domain.Conflict("this pupil left on %s", existing.LeftOn))
			continue
		case existing.SchoolID != schoolID:
			refuse(res, domain.Conflict("this UPN belongs to a pupil on the roll of another school of the trust; transfer them first"))
			continue
		}
		cs := pupil.ChangeStatus{SENStatus: reg.SENStatus, PrimaryNeed: reg.PrimaryNeed, SecondaryNeed: reg.SecondaryNeed, On: facts.Today}
		evs, err := existing.ChangeStatus(cs, facts)
		switch {
		case err != nil:
			refuse(res, err)
		case len(evs) == 0:
			res.Action = Unchanged
		default:
			res.Action, res.status = Updated, &cs
			res.Changes = changes(existing, cs)
		}
	}
	return nil
}

func changes(p *pupil.Pupil, cs pupil.ChangeStatus) []string {
	var out []string
	if string(p.SENStatus) != string(cs.SENStatus) {
		out = append(out, fmt.Sprintf("sen_status %s → %s", p.SENStatus, cs.SENStatus))
	}
	if p.PrimaryNeed != cs.PrimaryNeed {
		out = append(out, fmt.Sprintf("primary_need %s → %s", orNone(p.PrimaryNeed), orNone(cs.PrimaryNeed)))
	}
	if p.SecondaryNeed != cs.SecondaryNeed {
		out = append(out, fmt.Sprintf("secondary_need %s → %s", orNone(p.SecondaryNeed), orNone(cs.SecondaryNeed)))
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// apply carries out the planned rows with a pool of workers. A row that
// fails now (another registration won the UPN meanwhile) is refused in the
// report; an unavailable store stops the import.
func (im *Importer) apply(ctx context.Context, actor event.Actor, schoolID string, rows []RowResult, o Options) error {
	workers := o.Workers
	if workers <= 0 {
		workers = 8
	}
	jobs := make(chan int)
	var mu sync.Mutex
	var firstErr error
	done := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				err := im.applyRow(ctx, actor, schoolID, &rows[i])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				done++
				if o.Progress != nil {
					o.Progress(done, len(rows))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range rows {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return firstErr
}

func (im *Importer) applyRow(ctx context.Context, actor event.Actor, schoolID string, row *RowResult) error {
	var err error
	switch row.Action {
	case Created:
		var ans eventstore.Answer
		ans, err = im.Service.RegisterPupil(ctx, actor, "", schoolID, *row.register)
		if err == nil {
			row.PupilID = ans.ID()
		}
	case Updated:
		cs := *row.status
		_, err = im.Service.PupilCommand(ctx, actor, "", nil, row.PupilID, 200, func(p *pupil.Pupil, c pupil.Facts) ([]event.Data, app.Decision, error) {
			evs, err := p.ChangeStatus(cs, c)
			return evs, app.Decision{}, err
		})
	default:
		return nil
	}
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	if errors.As(err, &ve) || errors.As(err, &ce) || errors.Is(err, domain.ErrNotFound) {
		row.Action, row.Errors = Refused, []Problem{{Column: "", Message: err.Error()}}
		return nil
	}
	return err
}
