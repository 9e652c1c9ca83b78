package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

type provisionsPage struct {
	Trust    trust.Trust
	SchoolID string
	// OneSchool: the page is a school's own, with no choice of school.
	OneSchool bool
	AsOf      civil.Date
	M         projections.ProvisionMap
	Areas     []need.Area
	CSV       string
	// CanLog: the school's SENCO, who logs its group sessions.
	CanLog bool
}

// provisionMap is the costed provision map of the trust, or of one of its
// schools, with its CSV download.
func (s *Server) provisionMap(w http.ResponseWriter, r *http.Request, u user.User) {
	s.provisionMapOf(w, r, u, r.PathValue("trust"), r.URL.Query().Get("school"))
}

// writeCSV downloads a table as file name.
func writeCSV(w http.ResponseWriter, name string, header []string, rows [][]string) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(header)
	_ = cw.WriteAll(rows)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, _ = w.Write(buf.Bytes())
}

// schoolProvisionMap is one school's provision map: its SENCO's, as the
// API gives it at /v1/schools/{school}/provision-map.
func (s *Server) schoolProvisionMap(w http.ResponseWriter, r *http.Request, u user.User) {
	schoolID := r.PathValue("school")
	_, trustID, ok := s.svc.Directory().School(schoolID)
	if !ok {
		s.errorPage(w, r, &u, http.StatusNotFound, "There is nothing here, or it is not yours to see.")
		return
	}
	s.provisionMapOf(w, r, u, trustID, schoolID)
}

func (s *Server) provisionMapOf(w http.ResponseWriter, r *http.Request, u user.User, trustID, schoolID string) {
	t, err := s.svc.Trust(r.Context(), u, trustID)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	if _, ok := t.School(schoolID); schoolID != "" && !ok {
		schoolID = ""
	}
	asOf, note := s.asOf(r)
	m, err := s.svc.ProvisionMap(r.Context(), u, trustID, schoolID, app.ViewQuery{When: app.When{AsOf: asOf}})
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		header, table := m.Data.Table()
		writeCSV(w, "provision-map.csv", header, table)
		return
	}
	_, writeErr := s.svc.SchoolToWrite(r.Context(), u, schoolID)
	q := url.Values{"school": {schoolID}, "as_of": {asOf.String()}, "format": {"csv"}}
	s.render(w, r, http.StatusOK, "provisions", page{Title: "Provision map — " + t.Name, User: &u, Flash: note, Data: provisionsPage{
		Trust: t, SchoolID: schoolID, OneSchool: r.PathValue("school") != "", AsOf: asOf, M: m.Data, Areas: need.Areas, CSV: r.URL.Path + "?" + q.Encode(),
		CanLog: schoolID != "" && writeErr == nil && !asOf.Before(s.svc.Today())}})
}
