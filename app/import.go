package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/domain/yeargroup"
	"github.com/sendcase/sendcase/importer"
)

// ImportRegister imports school schoolID's SEN register from an MIS export
// (CSV): it plans each row with the domain's own decide functions and,
// unless it is a dry run or a row is refused without Partial, carries the
// rows out as u. Pupils on the roll but not in the file are listed, never
// removed; importing the same file again changes nothing. The school's
// SENCO or an admin.
//
// Errors: ErrNotFound, ErrForbidden, *ValidationError (field "file": not a
// register), ErrUnavailable (also ErrBehind: the views did not catch up in
// time); a read error of body, wrapped.
func (s *Service) ImportRegister(ctx context.Context, u user.User, schoolID string, body io.Reader, o importer.Options) (importer.Report, error) {
	_, trustID, err := s.school(ctx, u, schoolID, ReadWrite, "The register is imported by the school's SENCO.")
	if err != nil {
		return importer.Report{}, err
	}
	f, err := importer.Parse(body)
	if errors.Is(err, importer.ErrHeader) {
		return importer.Report{}, domain.Invalid("file", "%s", strings.TrimPrefix(err.Error(), "header: "))
	}
	if err != nil {
		return importer.Report{}, fmt.Errorf("import: %w", err)
	}
	rep := importer.Report{DryRun: o.DryRun, Partial: o.Partial, Rows: make([]importer.RowResult, len(f.Rows)), Absent: []importer.Absent{},
		IgnoredColumns: append([]string{}, f.Ignored...)}
	for _, fld := range importer.Fields {
		if c, ok := f.Columns[fld]; ok {
			rep.Columns = append(rep.Columns, c)
		}
	}
	byUPN, err := s.pupilsByUPN(ctx, trustID)
	if err != nil {
		return importer.Report{}, err
	}
	if err := s.planImport(ctx, trustID, schoolID, f, byUPN, rep.Rows); err != nil {
		return importer.Report{}, err
	}
	inFile := map[string]bool{}
	for _, r := range rep.Rows {
		inFile[r.UPN] = true
	}
	// The roll is read from the views: let them catch up with everything
	// written so far, or a pupil registered a moment ago (by hand, or
	// through another server) would be missing from the absent list.
	if err := s.awaitWritten(ctx); err != nil {
		return importer.Report{}, err
	}
	roster, err := s.roster(ctx, schoolID)
	if err != nil {
		return importer.Report{}, err
	}
	for _, a := range roster {
		if !inFile[a.upn] {
			rep.Absent = append(rep.Absent, importer.Absent{PupilID: a.id, UPN: a.upn, Name: a.name})
		}
	}
	sort.Slice(rep.Absent, func(i, j int) bool { return rep.Absent[i].Name < rep.Absent[j].Name })
	rep.Summarise()
	if o.DryRun || (rep.Summary.Refused > 0 && !o.Partial) {
		return rep, nil
	}
	if err := s.applyImport(ctx, u, schoolID, rep.Rows, o); err != nil {
		return rep, err
	}
	rep.Applied = true
	rep.Summarise()
	return rep, nil
}

// plan decides each row's action with the domain's own decide functions,
// without writing anything.
func (s *Service) planImport(ctx context.Context, trustID, schoolID string, f *importer.File, byUPN map[string]string, out []importer.RowResult) error {
	seen := map[string]int{}
	column := func(field string) string {
		if c, ok := f.Columns[importer.Field(field)]; ok {
			return c
		}
		return field
	}
	refuse := func(res *importer.RowResult, err error) {
		res.Action = importer.Refused
		var ve *domain.ValidationError
		var ce *domain.ConflictError
		switch {
		case errors.As(err, &ve):
			for _, fe := range ve.Fields {
				res.Errors = append(res.Errors, importer.Problem{Column: column(fe.Field), Message: fe.Message})
			}
		case errors.As(err, &ce):
			res.Errors = append(res.Errors, importer.Problem{Column: column("upn"), Message: ce.Reason})
		default:
			res.Errors = append(res.Errors, importer.Problem{Column: "", Message: err.Error()})
		}
	}
	for i, row := range f.Rows {
		res := &out[i]
		*res = importer.RowResult{Row: row.Line, UPN: row.UPN}
		if len(row.Problems) > 0 {
			res.Action, res.Errors = importer.Refused, row.Problems
			continue
		}
		if first, dup := seen[row.UPN]; dup && row.UPN != "" {
			res.Action = importer.Refused
			res.Errors = []importer.Problem{{Column: column("upn"), Message: fmt.Sprintf("the same UPN is on row %d", first)}}
			continue
		}
		seen[row.UPN] = row.Line
		reg := pupil.Register{UPN: row.UPN, FirstName: row.FirstName, LastName: row.LastName, DateOfBirth: row.DateOfBirth,
			YearGroup: yeargroup.Group(row.YearGroup), SENStatus: need.Status(row.SENStatus), PrimaryNeed: row.PrimaryNeed, SecondaryNeed: row.SecondaryNeed}
		var existing *pupil.Pupil
		if id, ok := byUPN[row.UPN]; ok {
			err := s.pupils.Read(ctx, id, func(p *pupil.Pupil) error {
				if p.Exists() {
					cp := *p
					existing = &cp
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		facts := s.facts(trustID)
		if existing == nil {
			evs, err := pupil.RegisterPupil("planned", trustID, schoolID, reg, facts)
			if err == nil {
				err = planEHCP(res, row, &pupil.Pupil{}, evs, facts)
			}
			if err != nil {
				refuse(res, err)
				continue
			}
			res.Action, res.Register = importer.Created, &reg
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
		if err == nil {
			res.Changes = changes(existing, cs)
			err = planEHCP(res, row, existing, evs, facts)
		}
		switch {
		case err != nil:
			res.Changes = nil
			refuse(res, err)
		case len(evs) == 0 && res.EHCP == nil:
			res.Action = importer.Unchanged
		case len(evs) == 0:
			res.Action = importer.Updated
		default:
			res.Action, res.Status = importer.Updated, &cs
		}
	}
	return nil
}

// planEHCP plans recording the row's EHC plan dates, when it has them,
// on pupil p once evs (the row's registration or change) are applied: the
// decision the EHC form makes, for a plan issued before sendcase. A pupil
// whose plan sendcase already times keeps its clock: importing the same
// file again changes nothing. p may be changed.
func planEHCP(res *importer.RowResult, row importer.Row, p *pupil.Pupil, evs []event.Data, facts pupil.Facts) error {
	if !row.PlanIssuedOn.Valid() && !row.LastReviewedOn.Valid() {
		return nil
	}
	if !row.PlanIssuedOn.Valid() {
		return domain.Invalid(string(importer.FieldPlanIssued), "is needed with the last annual review")
	}
	for _, d := range evs {
		e, err := event.New("planned", p.Version+1, event.Actor{}, facts.Today.Time(), d)
		if err != nil {
			return err
		}
		p.Apply(e)
	}
	if len(p.EHCPRecords) > 0 {
		return nil
	}
	if p.SENStatus != need.EHCPlan {
		return domain.Invalid(string(importer.FieldPlanIssued), "is only for a pupil with an EHC plan (SEN status E)")
	}
	cmd := ehcp.Command{Type: ehcp.FinalIssued, On: row.PlanIssuedOn, LastReviewedOn: row.LastReviewedOn}
	if _, err := p.RecordEHCP(cmd, facts); err != nil {
		var ve *domain.ValidationError
		if errors.As(err, &ve) {
			for i, f := range ve.Fields {
				if f.Field == "on" {
					ve.Fields[i].Field = string(importer.FieldPlanIssued)
				}
			}
		}
		return err
	}
	res.EHCP = &cmd
	res.Changes = append(res.Changes, fmt.Sprintf("EHC plan issued %s%s", row.PlanIssuedOn, func() string {
		if row.LastReviewedOn.Valid() {
			return ", last reviewed " + row.LastReviewedOn.String()
		}
		return ""
	}()))
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
func (s *Service) applyImport(ctx context.Context, u user.User, schoolID string, rows []importer.RowResult, o importer.Options) error {
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
				err := s.importRow(ctx, u, schoolID, &rows[i])
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

func (s *Service) importRow(ctx context.Context, u user.User, schoolID string, row *importer.RowResult) error {
	var err error
	switch row.Action {
	case importer.Created:
		var res Result
		res, err = s.RegisterPupil(ctx, u, CommandOptions{}, schoolID, *row.Register)
		if err == nil {
			row.PupilID = res.ID
		}
	case importer.Updated:
		if row.Status != nil {
			_, err = s.ChangeStatus(ctx, u, CommandOptions{}, row.PupilID, *row.Status)
		}
	default:
		return nil
	}
	if err == nil && row.EHCP != nil {
		_, err = s.RecordEHCP(ctx, u, CommandOptions{}, row.PupilID, *row.EHCP)
	}
	var ve *domain.ValidationError
	var ce *domain.ConflictError
	if errors.As(err, &ve) || errors.As(err, &ce) || errors.Is(err, domain.ErrNotFound) {
		row.Action, row.Errors = importer.Refused, []importer.Problem{{Column: "", Message: err.Error()}}
		return nil
	}
	return err
}
