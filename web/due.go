package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

// duePage is what falls due for the signed-in SENCO or trust lead.
type duePage struct {
	Due     app.DueList
	Windows []int
	Schools []trust.School
	School  string
	Names   map[string]string
	CSV     string
	// Overview: a trust lead's list of every school is a count per school,
	// each linking to its lines (hundreds of schools' lines are no page).
	Overview []app.DueTally
	All      app.DueTally
	// Feed: the user has a calendar feed; FeedURL is a new one's address,
	// shown once.
	Feed    bool
	FeedURL string
}

// due lists what falls due within 7, 30 or 90 days (?within=), and what is
// overdue, each line linking to the form that closes it; ?format=csv
// downloads it.
func (s *Server) due(w http.ResponseWriter, r *http.Request, u user.User) {
	s.duePage(w, r, u, http.StatusOK, "")
}

func (s *Server) duePage(w http.ResponseWriter, r *http.Request, u user.User, status int, feedURL string) {
	q := r.URL.Query()
	within, err := strconv.Atoi(q.Get("within"))
	var errs map[string]string
	if err != nil || within < 1 || within > 366 {
		if q.Get("within") != "" { // an address typed or kept from elsewhere: say so, show 30 days
			errs, status = map[string]string{"within": app.DueWithinRule}, http.StatusBadRequest
		}
		within = 30
	}
	d, err := s.svc.Due(r.Context(), u, app.DueQuery{Within: within, SchoolID: q.Get("school")})
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	if q.Get("format") == "csv" {
		header, rows := projections.DueTable(d.Items)
		writeCSV(w, "due.csv", header, rows)
		return
	}
	dp := duePage{Due: d, Windows: []int{7, 30, 90}, School: q.Get("school"), Names: map[string]string{},
		CSV: withQuery(url.Values{"within": {strconv.Itoa(within)}, "school": {q.Get("school")}}, "format", "csv")}
	dp.Schools = d.Schools
	for _, sch := range dp.Schools {
		dp.Names[sch.ID] = sch.Name
	}
	if u.Role == user.TrustLead && dp.School == "" && len(dp.Schools) > 1 {
		dp.Overview, dp.All = d.BySchool()
	}
	dp.Feed, dp.FeedURL = s.svc.HasCalendarFeed(u), feedURL
	pg := page{Title: "Due soon", User: &u, Data: dp, FormName: "due", Errors: errs}
	if errs != nil {
		pg.Flash, pg.Refused = "Due within "+app.DueWithinRule+": the next 30 days are shown.", true
	}
	s.render(w, r, status, "due", pg)
}

// calendar makes a new calendar feed address (action new), shown once on
// the due page, or stops the feed (action stop).
func (s *Server) calendar(w http.ResponseWriter, r *http.Request, u user.User) {
	switch r.PostFormValue("action") {
	case "new":
		res, err := s.svc.SetCalendarFeed(r.Context(), u, app.CommandOptions{})
		if err != nil {
			s.fail(w, r, u, err)
			return
		}
		s.duePage(w, r, u, http.StatusCreated, res.URL)
	case "stop":
		if _, err := s.svc.RevokeCalendarFeed(r.Context(), u, app.CommandOptions{}); err != nil {
			s.fail(w, r, u, err)
			return
		}
		redirectDone(w, r, "/ui/due", "Calendar feed stopped: its address no longer works")
	default:
		s.errorPage(w, r, &u, http.StatusBadRequest, "Choose to make a calendar address or to stop the feed.")
	}
}

// calendarFeed serves a calendar feed to whoever holds its address (a
// calendar program signs in with nothing else).
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) {
	body, err := s.svc.CalendarFeed(r.Context(), r.PathValue("secret"))
	if err != nil {
		headers(w)
		http.Error(w, "There is no such calendar.", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write(body)
}
