package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

// minSeq reads ?min_seq.
func minSeq(w http.ResponseWriter, r *http.Request) (uint64, bool) {
	q := r.URL.Query().Get("min_seq")
	if q == "" {
		return 0, true
	}
	n, err := strconv.ParseUint(q, 10, 64)
	if err != nil {
		fieldProblem(w, "min_seq", "must be a stream sequence number")
		return 0, false
	}
	return n, true
}

// viewQuery reads what every view takes: as_of, known_at and min_seq.
func viewQuery(w http.ResponseWriter, r *http.Request) (app.ViewQuery, bool) {
	at, ok := when(w, r)
	if !ok {
		return app.ViewQuery{}, false
	}
	n, ok := minSeq(w, r)
	return app.ViewQuery{When: at, MinSeq: n}, ok
}

// writeView answers a view as JSON, or as CSV when the client asked, with
// the sequence it reflects. Each encoding is made once per computed view.
func writeView[T any](s *Server, w http.ResponseWriter, r *http.Request, v app.View[T], err error, toCSV func() ([]byte, error)) {
	if err != nil {
		w.Header().Set("X-Projection-Seq", strconv.FormatUint(s.svc.ProjectionSeq(), 10))
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("X-Projection-Seq", strconv.FormatUint(v.Seq, 10))
	format, contentType := "json", "application/json"
	encode := func() ([]byte, error) {
		b, err := json.Marshal(v.Data)
		return append(b, '\n'), err
	}
	if wantsCSV(r) {
		format, contentType = "csv", "text/csv; charset=utf-8"
		encode = toCSV
		w.Header().Set("Content-Disposition", `attachment; filename="view.csv"`)
	}
	b, err := v.Memo(format, encode)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(s.status(r))
	_, _ = w.Write(b)
}

// wantsCSV reports whether the client asked for CSV.
func wantsCSV(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/csv") || r.URL.Query().Get("format") == "csv"
}

func writeCSV(w http.ResponseWriter, filename string, header []string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	b, _ := csvBytes(header, rows)
	_, _ = w.Write(b)
}

func csvBytes(header []string, rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(header)
	err := cw.WriteAll(rows)
	return buf.Bytes(), err
}

func date(d civil.Date) string { return d.String() }
func itoa(n int) string        { return strconv.Itoa(n) }
func ftoa(f float64) string    { return strconv.FormatFloat(f, 'f', -1, 64) }

func (s *Server) caseload(w http.ResponseWriter, r *http.Request, u user.User) {
	q := r.URL.Query()
	f := projections.CaseloadFilter{Stage: q.Get("stage"), Need: q.Get("need")}
	switch q.Get("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		fieldProblem(w, "overdue", "must be true or false")
		return
	}
	vq, ok := viewQuery(w, r)
	if !ok {
		return
	}
	v, err := s.svc.Caseload(r.Context(), u, r.PathValue("school"), vq, f)
	writeView(s, w, r, v, err, func() ([]byte, error) {
		return csvBytes(projections.CaseloadTable(v.Data.Pupils))
	})
}

func workloadRow(id, name string, c projections.WorkloadCounts) []string {
	mean := ""
	if c.MeanReferralWaitDays != nil {
		mean = ftoa(*c.MeanReferralWaitDays)
	}
	return []string{id, name, itoa(c.SENSupport), itoa(c.EHCP), itoa(c.EHCRequestsInProgress),
		itoa(c.AnnualReviewsDue30d), itoa(c.AnnualReviewsDue60d), itoa(c.AnnualReviewsDue90d),
		itoa(c.StatutoryDue30d), itoa(c.StatutoryDue60d), itoa(c.StatutoryDue90d), itoa(c.StatutoryOverdue),
		itoa(c.APDRReviewsDue30d), itoa(c.APDRReviewsOverdue), itoa(c.OpenReferrals), mean, ftoa(c.AdminHoursNext30d)}
}

func (s *Server) workload(w http.ResponseWriter, r *http.Request, u user.User) {
	vq, ok := viewQuery(w, r)
	if !ok {
		return
	}
	v, err := s.svc.Workload(r.Context(), u, r.PathValue("trust"), vq)
	writeView(s, w, r, v, err, func() ([]byte, error) {
		var out [][]string
		for _, sc := range v.Data.Schools {
			out = append(out, workloadRow(sc.SchoolID, sc.Name, sc.WorkloadCounts))
		}
		out = append(out, workloadRow("", "Total", v.Data.Totals))
		return csvBytes([]string{"school_id", "name", "sen_support", "ehcp", "ehc_requests_in_progress",
			"annual_reviews_due_30d", "annual_reviews_due_60d", "annual_reviews_due_90d", "statutory_due_30d",
			"statutory_due_60d", "statutory_due_90d", "statutory_overdue", "apdr_reviews_due_30d", "apdr_reviews_overdue",
			"open_referrals", "mean_referral_wait_days", "admin_hours_next_30d"}, out)
	})
}

func (s *Server) provisionMap(w http.ResponseWriter, r *http.Request, u user.User) {
	vq, ok := viewQuery(w, r)
	if !ok {
		return
	}
	v, err := s.svc.ProvisionMap(r.Context(), u, r.PathValue("trust"), r.PathValue("school"), vq)
	writeView(s, w, r, v, err, func() ([]byte, error) { return csvBytes(v.Data.Table()) })
}
