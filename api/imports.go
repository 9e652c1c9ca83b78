package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/httpx"
	"github.com/sendcase/sendcase/importer"
)

// maxImport is the largest register file accepted (a 5,000-pupil export is
// well under 1 MiB).
const maxImport = 10 << 20

// importFile reads an import's file (the register, attendance counts)
// from a text/csv body or a multipart form field named "file".
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
				httpx.WriteProblem(w, httpx.ProblemFor(maxErr))
				return nil, false
			}
			fieldProblem(w, "file", "attach the export as the form field \"file\"")
			return nil, false
		}
		return f, true
	}
	httpx.WriteProblem(w, httpx.New(http.StatusUnsupportedMediaType, httpx.TypeMediaType, "Send the file as text/csv, or as multipart/form-data with a field \"file\"."))
	return nil, false
}

func (s *Server) importRegister(w http.ResponseWriter, r *http.Request, u user.User) {
	schoolID := r.PathValue("school")
	q := r.URL.Query()
	o := importer.Options{DryRun: q.Get("dry_run") == "true", Partial: q.Get("partial") == "true"}
	// Who may import is checked before the body is read.
	if _, err := s.svc.SchoolToWrite(r.Context(), u, schoolID); err != nil {
		s.writeError(w, r, err)
		return
	}
	body, ok := importFile(w, r)
	if !ok {
		return
	}
	rep, err := s.svc.ImportRegister(r.Context(), u, schoolID, body, o)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if rep.Summary.Refused > 0 && !o.Partial && !o.DryRun {
		writeImportRefusal(w, rep)
		return
	}
	s.reply(w, r, rep)
}

// importRefusal is a 400 problem that also carries the whole report.
type importRefusal struct {
	httpx.Problem
	Report importer.Report `json:"report"`
}

func writeImportRefusal(w http.ResponseWriter, rep importer.Report) {
	p := httpx.New(http.StatusBadRequest, httpx.TypeInvalid,
		fmt.Sprintf("%d of %d rows were refused, so nothing was imported. Correct them, or import the others with partial=true.", rep.Summary.Refused, len(rep.Rows)))
	for _, row := range rep.Rows {
		for _, e := range row.Errors {
			p.Errors = append(p.Errors, domain.FieldError{Field: fmt.Sprintf("row %d: %s", row.Row, e.Column), Message: e.Message})
		}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(importRefusal{Problem: p, Report: rep})
}
