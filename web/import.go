package web

import (
	"net/http"

	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/importer"
)

type importPage struct {
	School trust.School
	Report *importer.Report
}

// importRegister shows the import form and imports an uploaded register.
func (s *Server) importRegister(w http.ResponseWriter, r *http.Request, u user.User) {
	schoolID := r.PathValue("school")
	sch, err := s.svc.SchoolToWrite(r.Context(), u, schoolID)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	pg := page{Title: "Import the SEN register", User: &u, Data: importPage{School: sch}, FormName: "import"}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "import", pg)
		return
	}
	pg.Form = r.PostForm
	file, _, err := r.FormFile("file")
	if err != nil {
		pg.Errors = map[string]string{"file": "Choose the CSV file exported from your MIS."}
		s.render(w, r, http.StatusBadRequest, "import", pg)
		return
	}
	defer file.Close()
	rep, err := s.svc.ImportRegister(r.Context(), u, schoolID, file, importer.Options{DryRun: r.PostFormValue("dry_run") == "true", Partial: r.PostFormValue("partial") == "true"})
	if errs, ok := fieldErrors(err); ok {
		pg.Errors = errs
		s.render(w, r, http.StatusBadRequest, "import", pg)
		return
	}
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	pg.Data = importPage{School: sch, Report: &rep}
	s.render(w, r, http.StatusOK, "import", pg)
}
