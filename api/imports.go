package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/importer"
	"github.com/sendcase/sendcase/projections"
)

// maxImport is the largest register file accepted (a 5,000-pupil export is
// well under 1 MiB).
const maxImport = 10 << 20

// Roster lists a school's pupils from the projection, for the import's
// list of pupils absent from the file.
func Roster(store projections.Store) importer.Roster {
	return func(ctx context.Context, schoolID string) ([]importer.Absent, error) {
		var out []importer.Absent
		err := store.EachSchoolPupil(ctx, schoolID, func(s *projections.Summary) {
			p := &s.Pupil
			out = append(out, importer.Absent{PupilID: p.ID, UPN: p.UPN, Name: p.FirstName + " " + p.LastName})
		})
		return out, err
	}
}

// importFile reads the register from a text/csv body or a multipart form
// field named "file" (the UI's upload form).
func importFile(w http.ResponseWriter, r *http.Request) (io.Reader, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxImport)
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err == nil && (mt == "text/csv" || mt == "application/csv" || mt == "text/plain"):
		return r.Body, true
	case err == nil && mt == "multipart/form-data":
		f, _, err := r.FormFile("file")
		if err != nil {
			var maxErr *http.MaxBytesError
			if errors.As(err, &maxErr) {
				problem(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than %d bytes.", maxImport))
				return nil, false
			}
			fieldProblem(w, "file", "attach the register export as the form field \"file\"")
			return nil, false
		}
		return f, true
	}
	problem(w, http.StatusUnsupportedMediaType, "Send the register as text/csv, or as multipart/form-data with a field \"file\".")
	return nil, false
}

// runImport is shared by the API and the UI.
func (s *Server) runImport(ctx context.Context, p principal, schoolID string, body io.Reader, o importer.Options) (importer.Report, error) {
	f, err := importer.Parse(body)
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return importer.Report{}, errTooLarge
		}
		return importer.Report{}, domain.Invalid("file", "%s", strings.TrimPrefix(err.Error(), "header: "))
	}
	im := importer.Importer{Service: s.svc, Roster: Roster(s.proj.Store())}
	return im.Run(ctx, p.actor(), schoolID, f, o)
}

var errTooLarge = errors.New("import too large")

func (s *Server) importRegister(w http.ResponseWriter, r *http.Request, p principal) {
	schoolID := r.PathValue("school")
	if !s.writesPupilsOf(w, p, schoolID, "The register is imported by the school's SENCO.") {
		return
	}
	q := r.URL.Query()
	o := importer.Options{DryRun: q.Get("dry_run") == "true", Partial: q.Get("partial") == "true"}
	body, ok := importFile(w, r)
	if !ok {
		return
	}
	rep, err := s.runImport(r.Context(), p, schoolID, body, o)
	switch {
	case errors.Is(err, errTooLarge):
		problem(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than %d bytes.", maxImport))
		return
	case err != nil:
		s.writeError(w, r, err)
		return
	}
	if rep.Summary.Refused > 0 && !o.Partial && !o.DryRun {
		writeImportRefusal(w, rep)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// importRefusal is a 400 problem that also carries the whole report.
type importRefusal struct {
	Problem
	Report importer.Report `json:"report"`
}

func writeImportRefusal(w http.ResponseWriter, rep importer.Report) {
	p := Problem{Status: 400, Title: titles[400],
		Detail: fmt.Sprintf("%d of %d rows were refused, so nothing was imported. Correct them, or import the others with partial=true.", rep.Summary.Refused, len(rep.Rows))}
	for _, row := range rep.Rows {
		for _, e := range row.Errors {
			p.Errors = append(p.Errors, domain.FieldError{Field: fmt.Sprintf("row %d: %s", row.Row, e.Column), Message: e.Message})
		}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	writeBody(w, importRefusal{Problem: p, Report: rep})
}
