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
	AsOf     civil.Date
	M        projections.ProvisionMap
	Areas    []need.Area
	CSV      string
}

// provisionMap is the costed provision map of the trust, or of one of its
// schools, with its CSV download.
func (s *Server) provisionMap(w http.ResponseWriter, r *http.Request, u user.User) {
	trustID := r.PathValue("trust")
	t, err := s.svc.Trust(r.Context(), u, trustID)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	schoolID := r.URL.Query().Get("school")
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
		var buf bytes.Buffer
		cw := csv.NewWriter(&buf)
		header, rows := m.Data.Table()
		_ = cw.Write(header)
		_ = cw.WriteAll(rows)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="provision-map.csv"`)
		_, _ = w.Write(buf.Bytes())
		return
	}
	q := url.Values{"school": {schoolID}, "as_of": {asOf.String()}, "format": {"csv"}}
	s.render(w, r, http.StatusOK, "provisions", page{Title: "Provision map — " + t.Name, User: &u, Flash: note, Data: provisionsPage{
		Trust: t, SchoolID: schoolID, AsOf: asOf, M: m.Data, Areas: need.Areas, CSV: r.URL.Path + "?" + q.Encode()}})
}
