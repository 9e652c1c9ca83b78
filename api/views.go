package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

// minSeqWait bounds how long a view waits for its projection (min_seq).
const minSeqWait = 5 * time.Second

// Projection is what the views need from the running projector.
type Projection interface {
	Seq() uint64
	WaitFor(ctx context.Context, seq uint64) error
	Store() projections.Store
}

// awaitProjection honours ?min_seq and sets X-Projection-Seq. It answers
// 503 with Retry-After when the projection cannot catch up in time.
func (s *Server) awaitProjection(w http.ResponseWriter, r *http.Request) bool {
	_, ok := s.awaitMinSeq(w, r)
	return ok
}

// awaitMinSeq is awaitProjection returning the min_seq asked for.
func (s *Server) awaitMinSeq(w http.ResponseWriter, r *http.Request) (uint64, bool) {
	var n uint64
	if q := r.URL.Query().Get("min_seq"); q != "" {
		var err error
		n, err = strconv.ParseUint(q, 10, 64)
		if err != nil {
			fieldProblem(w, "min_seq", "must be a stream sequence number")
			return 0, false
		}
		ctx, cancel := context.WithTimeout(r.Context(), minSeqWait)
		defer cancel()
		if err := s.proj.WaitFor(ctx, n); err != nil {
			w.Header().Set("Retry-After", "2")
			w.Header().Set("X-Projection-Seq", strconv.FormatUint(s.proj.Seq(), 10))
			problem(w, http.StatusServiceUnavailable, fmt.Sprintf("The views have not reached sequence %d yet.", n))
			return 0, false
		}
	}
	w.Header().Set("X-Projection-Seq", strconv.FormatUint(s.proj.Seq(), 10))
	return n, true
}

// viewRequest reads what every view takes: as_of, then min_seq (waiting
// for it). It has answered the client when ok is false.
func (s *Server) viewRequest(w http.ResponseWriter, r *http.Request) (civil.Date, uint64, bool) {
	asOf, ok := s.asOf(w, r)
	if !ok {
		return 0, 0, false
	}
	minSeq, ok := s.awaitMinSeq(w, r)
	return asOf, minSeq, ok
}

// viewKey identifies a computed view: its path, date and options.
func viewKey(r *http.Request, asOf civil.Date, opts ...string) string {
	k := r.URL.Path + "|" + asOf.String() + "|" + strconv.FormatBool(wantsCSV(r))
	for _, o := range opts {
		k += "|" + o
	}
	return k
}

func jsonBytes(v any) ([]byte, string, error) {
	b, err := json.Marshal(v)
	return append(b, '\n'), "application/json", err
}

func (s *Server) views() projections.Views {
	return projections.Views{Store: s.proj.Store(), Dir: s.svc.Directory()}
}

// wantsCSV reports whether the client asked for CSV.
func wantsCSV(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/csv") || r.URL.Query().Get("format") == "csv"
}

func writeCSV(w http.ResponseWriter, filename string, header []string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	b, _, _ := csvBytes(header, rows)
	_, _ = w.Write(b)
}

func csvBytes(header []string, rows [][]string) ([]byte, string, error) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(header)
	err := cw.WriteAll(rows)
	return buf.Bytes(), "text/csv; charset=utf-8", err
}

func date(d civil.Date) string { return d.String() }
func itoa(n int) string        { return strconv.Itoa(n) }
func ftoa(f float64) string    { return strconv.FormatFloat(f, 'f', -1, 64) }

// schoolAccess: admin, the school's SENCO, or the lead of its trust.
func (s *Server) schoolAccess(w http.ResponseWriter, p principal, schoolID string) (trustID string, ok bool) {
	_, trustID, found := s.svc.Directory().School(schoolID)
	switch {
	case !found:
		problem(w, http.StatusNotFound, "Not found.")
	case p.is(user.Admin), p.is(user.SENCO) && p.InSchool(schoolID), p.is(user.TrustLead) && p.TrustID == trustID:
		return trustID, true
	default:
		problem(w, http.StatusForbidden, "Your role does not give access to this school.")
	}
	return "", false
}

// trustAccess: admin or the trust's lead.
func (s *Server) trustAccess(w http.ResponseWriter, p principal, trustID string) bool {
	switch {
	case !s.svc.Directory().TrustExists(trustID):
		problem(w, http.StatusNotFound, "Not found.")
	case p.managesTrust(trustID):
		return true
	default:
		problem(w, http.StatusForbidden, "Only the trust's lead sees the trust's views.")
	}
	return false
}

func (s *Server) caseload(w http.ResponseWriter, r *http.Request, p principal) {
	schoolID := r.PathValue("school")
	if _, ok := s.schoolAccess(w, p, schoolID); !ok {
		return
	}
	asOf, ok := s.asOf(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := projections.CaseloadFilter{Stage: q.Get("stage"), Need: q.Get("need")}
	switch f.Stage {
	case "", "assess", "plan", "do", projections.StageNone:
	default:
		fieldProblem(w, "stage", "must be one of: assess, plan, do, none")
		return
	}
	switch q.Get("overdue") {
	case "", "false":
	case "true":
		f.Overdue = true
	default:
		fieldProblem(w, "overdue", "must be true or false")
		return
	}
	minSeq, ok := s.awaitMinSeq(w, r)
	if !ok {
		return
	}
	s.serveView(w, r, viewKey(r, asOf, f.Stage, f.Need, strconv.FormatBool(f.Overdue)), minSeq, func() ([]byte, string, error) {
		rows, err := s.views().Caseload(r.Context(), schoolID, asOf, f)
		if err != nil {
			return nil, "", err
		}
		if !wantsCSV(r) {
			return jsonBytes(map[string]any{"as_of": asOf, "pupils": rows})
		}
		out := make([][]string, len(rows))
		for i, x := range rows {
			out[i] = []string{x.PupilID, x.Name, x.YearGroup, x.SENStatus, x.PrimaryNeed, x.AreaOfNeed, x.Stage,
				date(x.ReviewDueOn), strconv.FormatBool(x.ReviewOverdue), itoa(x.DaysOverdue), itoa(x.ActiveProvisions),
				itoa(x.OpenReferrals), x.EHCPStatus, date(x.NextStatutoryDueOn), itoa(x.StatutoryOverdue)}
		}
		return csvBytes([]string{"pupil_id", "name", "year_group", "sen_status", "primary_need", "area_of_need", "stage",
			"review_due_on", "review_overdue", "days_overdue", "active_provisions", "open_referrals", "ehcp_status",
			"next_statutory_due_on", "statutory_overdue"}, out)
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

func (s *Server) workload(w http.ResponseWriter, r *http.Request, p principal) {
	trustID := r.PathValue("trust")
	if !s.trustAccess(w, p, trustID) {
		return
	}
	asOf, minSeq, ok := s.viewRequest(w, r)
	if !ok {
		return
	}
	s.serveView(w, r, viewKey(r, asOf), minSeq, func() ([]byte, string, error) {
		wl, err := s.views().Workload(r.Context(), trustID, asOf)
		if err != nil {
			return nil, "", err
		}
		if !wantsCSV(r) {
			return jsonBytes(wl)
		}
		var out [][]string
		for _, sc := range wl.Schools {
			out = append(out, workloadRow(sc.SchoolID, sc.Name, sc.WorkloadCounts))
		}
		out = append(out, workloadRow("", "Total", wl.Totals))
		return csvBytes([]string{"school_id", "name", "sen_support", "ehcp", "ehc_requests_in_progress",
			"annual_reviews_due_30d", "annual_reviews_due_60d", "annual_reviews_due_90d", "statutory_due_30d",
			"statutory_due_60d", "statutory_due_90d", "statutory_overdue", "apdr_reviews_due_30d", "apdr_reviews_overdue",
			"open_referrals", "mean_referral_wait_days", "admin_hours_next_30d"}, out)
	})
}

func (s *Server) provisionMap(w http.ResponseWriter, r *http.Request, p principal) {
	schoolID, trustID := r.PathValue("school"), r.PathValue("trust")
	if schoolID != "" {
		t, ok := s.schoolAccess(w, p, schoolID)
		if !ok {
			return
		}
		trustID = t
	} else if !s.trustAccess(w, p, trustID) {
		return
	}
	asOf, minSeq, ok := s.viewRequest(w, r)
	if !ok {
		return
	}
	s.serveView(w, r, viewKey(r, asOf), minSeq, func() ([]byte, string, error) {
		pm, err := s.views().ProvisionMap(r.Context(), trustID, schoolID, asOf)
		if err != nil {
			return nil, "", err
		}
		if !wantsCSV(r) {
			return jsonBytes(pm)
		}
		return provisionMapCSV(pm)
	})
}

// provisionMapCSV is the provision map as CSV: a line per provision, one
// per area of need, and the total.
func provisionMapCSV(pm projections.ProvisionMap) ([]byte, string, error) {
	line := func(id, name, area string, l projections.ProvisionLine) []string {
		return []string{id, name, area, itoa(l.Pupils), itoa(l.WeeklyPupilMinutes), ftoa(l.WeeklyStaffHours), strconv.FormatInt(l.AnnualCostPence, 10)}
	}
	var out [][]string
	for _, l := range pm.Provisions {
		out = append(out, line(l.ProvisionID, l.Name, l.AreaOfNeed, l))
	}
	for _, a := range need.Areas {
		out = append(out, line("", "Area: "+areaLabel(string(a)), string(a), *pm.ByAreaOfNeed[string(a)]))
	}
	out = append(out, line("", "Total", "", pm.Totals))
	return csvBytes([]string{"provision_id", "name", "area_of_need", "pupils", "weekly_pupil_minutes", "weekly_staff_hours", "annual_cost_pence"}, out)
}
