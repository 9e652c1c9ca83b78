package web

import (
	"net/http"
	"net/url"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

// The impact and delivery pages, of a school (its SENCO's, and its trust
// lead's) or of the whole trust (the lead's): the same views as the API's
// /v1/.../impact and /v1/.../delivery, over a period chosen on the page.

// periodPage is what both pages show.
type periodPage struct {
	Trust trust.Trust
	// SchoolID is the school's, or "" for the trust; Base is the pages'
	// address without the last part (impact or delivery).
	SchoolID, SchoolName, Base string
	// Suppressed: some figure is withheld (small numbers) from this reader.
	Suppressed bool
	// Kind is "impact" or "delivery".
	Kind     string
	From, To civil.Date
	CSV      string
	Impact   projections.Impact
	Delivery projections.Delivery
	// Chart draws the figure per provision: outcomes met, or minutes
	// delivered, as a percentage.
	Chart barChart
}

// barChart is a chart of percentages, one bar each, with a mark (the
// delivery threshold) when Mark is set.
type barChart struct {
	Title string
	Bars  []percentBar
	Mark  int
}

// percentBar is one bar of a chart of percentages.
type percentBar struct {
	Label string
	// Percent is nil for a figure not shown (fewer than 5 pupils, or
	// nothing to count).
	Percent *int
	Note    string
}

// schoolImpact and the three below are the pages' routes.
func (s *Server) schoolImpact(w http.ResponseWriter, r *http.Request, u user.User) {
	s.periodView(w, r, u, "", r.PathValue("school"), "impact")
}

func (s *Server) trustImpact(w http.ResponseWriter, r *http.Request, u user.User) {
	s.periodView(w, r, u, r.PathValue("trust"), "", "impact")
}

func (s *Server) schoolDelivery(w http.ResponseWriter, r *http.Request, u user.User) {
	s.periodView(w, r, u, "", r.PathValue("school"), "delivery")
}

func (s *Server) trustDelivery(w http.ResponseWriter, r *http.Request, u user.User) {
	s.periodView(w, r, u, r.PathValue("trust"), "", "delivery")
}

// periodView shows the impact or delivery page. A period that is not
// understood, or not allowed, is named on the page (400) and the default
// period shown.
func (s *Server) periodView(w http.ResponseWriter, r *http.Request, u user.User, trustID, schoolID, kind string) {
	if schoolID != "" {
		_, t, ok := s.svc.Directory().School(schoolID)
		if !ok {
			s.errorPage(w, r, &u, http.StatusNotFound, "There is nothing here, or it is not yours to see.")
			return
		}
		trustID = t
	}
	tr, err := s.svc.Trust(r.Context(), u, trustID)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	q := r.URL.Query()
	form := url.Values{"from": {q.Get("from")}, "to": {q.Get("to")}}
	var pq app.PeriodQuery
	errs := map[string]string{}
	for _, f := range []struct {
		name string
		dst  *civil.Date
	}{{"from", &pq.From}, {"to", &pq.To}} {
		if v := q.Get(f.name); v != "" {
			d, err := parseDate(v)
			if err != nil {
				errs[f.name] = "Enter a date, for example 01/09/2025"
				continue
			}
			*f.dst = d
		}
	}
	status := http.StatusOK
	if len(errs) > 0 {
		pq, status = app.PeriodQuery{}, http.StatusBadRequest
	}
	pp := periodPage{Trust: tr, SchoolID: schoolID, Base: "/ui/trusts/" + trustID, Kind: kind}
	if schoolID != "" {
		sch, _ := tr.School(schoolID)
		pp.SchoolName, pp.Base = sch.Name, "/ui/schools/"+schoolID
	}
	load := func() error {
		if kind == "impact" {
			v, err := s.svc.Impact(r.Context(), u, trustID, schoolID, pq)
			pp.Impact, pp.From, pp.To = v.Data, v.Data.From, v.Data.To
			return err
		}
		v, err := s.svc.Delivery(r.Context(), u, trustID, schoolID, pq)
		pp.Delivery, pp.From, pp.To = v.Data, v.Data.From, v.Data.To
		return err
	}
	err = load()
	if fe, ok := fieldErrors(err); ok {
		errs, status, pq = fe, http.StatusBadRequest, app.PeriodQuery{}
		err = load()
	}
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	if q.Get("format") == "csv" && status == http.StatusOK {
		header, rows := pp.Delivery.Table()
		if kind == "impact" {
			header, rows = pp.Impact.Table()
		}
		writeCSV(w, kind+".csv", header, rows)
		return
	}
	if len(errs) == 0 {
		form = url.Values{"from": {pp.From.String()}, "to": {pp.To.String()}}
	}
	pp.CSV = r.URL.Path + "?" + url.Values{"from": {pp.From.String()}, "to": {pp.To.String()}, "format": {"csv"}}.Encode()
	if kind == "impact" {
		pp.Chart.Title = "Outcomes met or exceeded at review, by provision"
		for _, l := range append(pp.Impact.Groups, pp.Impact.Totals) {
			pp.Suppressed = pp.Suppressed || l.Suppressed
		}
		for _, l := range pp.Impact.Provisions {
			pp.Suppressed = pp.Suppressed || l.Suppressed
			b := percentBar{Label: l.Name, Percent: l.MetPercent}
			if l.Suppressed {
				b.Percent, b.Note = nil, "not shown"
			}
			pp.Chart.Bars = append(pp.Chart.Bars, b)
		}
	} else {
		pp.Chart.Title = "Planned minutes delivered, by provision"
		pp.Chart.Mark = pp.Delivery.ThresholdPercent
		for _, l := range pp.Delivery.Provisions {
			pp.Chart.Bars = append(pp.Chart.Bars, percentBar{Label: l.Name, Percent: l.DeliveredPercent})
		}
	}
	title := map[string]string{"impact": "Impact of provision", "delivery": "Provision delivered"}[kind]
	where := tr.Name
	if pp.SchoolName != "" {
		where = pp.SchoolName
	}
	pg := page{Title: title + " — " + where, User: &u, Data: pp, FormName: "period", Form: form}
	if len(errs) > 0 {
		pg.Errors, pg.Flash, pg.Refused = errs, "The period was not understood, so the usual period is shown.", true
	}
	s.render(w, r, status, map[string]string{"impact": "impact", "delivery": "provision_delivery"}[kind], pg)
}
