package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
)

// The setup pages: what an admin and a trust lead set up, each a list and
// the form that adds to it, with the API's rules and errors (app decides).

// submit decodes the posted form into a new C and runs do with it. Bad
// input re-renders pg (the form's values kept, each error by its field, a
// conflict at conflictField) and answers false; another error shows its
// page. pg.FormName says which of the page's forms was sent.
func submit[C any](s *Server, w http.ResponseWriter, r *http.Request, u user.User, tmpl string, pg page, conflictField string, do func(C) error) bool {
	var cmd C
	pg.Form = r.PostForm
	if errs := decodeForm(r, &cmd); errs != nil {
		pg.Errors = errs
		s.render(w, r, http.StatusBadRequest, tmpl, pg)
		return false
	}
	err := do(cmd)
	if errs, ok := fieldErrors(err); ok {
		pg.Errors = errs
		s.render(w, r, http.StatusBadRequest, tmpl, pg)
		return false
	}
	var ce *domain.ConflictError
	if errors.As(err, &ce) {
		pg.Errors = map[string]string{conflictField: ce.Reason}
		s.render(w, r, http.StatusConflict, tmpl, pg)
		return false
	}
	if err != nil {
		s.fail(w, r, u, err)
		return false
	}
	return true
}

// done sends the browser back to path with a message of what was done.
func done(w http.ResponseWriter, r *http.Request, path, msg string) { redirectDone(w, r, path, msg) }

// trustsPage lists every trust and creates one (admins).
func (s *Server) trustsPage(w http.ResponseWriter, r *http.Request, u user.User) {
	trusts, err := s.svc.Trusts(u)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	pg := page{Title: "Trusts", User: &u, Data: trusts, FormName: "trust"}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "admin", pg)
		return
	}
	if submit(s, w, r, u, "admin", pg, "name", func(cmd trust.Create) error {
		_, err := s.svc.CreateTrust(r.Context(), u, app.CommandOptions{}, cmd)
		return err
	}) {
		done(w, r, "/ui/admin", "Trust created")
	}
}

// setupData is what every setup page of a trust shows.
type setupData struct {
	Trust  trust.Trust
	People []app.Person
	// Invited is an invitation just made, whose link is shown once; Back
	// (unset here) is where the invitation page leads back to.
	Invited         *app.Invitation
	Back, BackLabel string
	// InvitedName is whom it is for.
	InvitedName string
	Roles       []user.Role
}

// trustSetup reads the trust of the request for a setup page.
func (s *Server) trustSetup(w http.ResponseWriter, r *http.Request, u user.User, title, form string) (page, bool) {
	t, err := s.svc.Trust(r.Context(), u, r.PathValue("trust"))
	if err != nil {
		s.fail(w, r, u, err)
		return page{}, false
	}
	if u.Role != user.Admin && u.Role != user.TrustLead {
		s.fail(w, r, u, domain.Forbidden("Only an admin or the trust's lead sets up the trust."))
		return page{}, false
	}
	roles := []user.Role{user.SENCO, user.Staff, user.TrustLead, user.LAReviewer}
	return page{Title: title, User: &u, Data: &setupData{Trust: t, Roles: roles}, FormName: form}, true
}

// schools lists the trust's schools and adds one.
func (s *Server) schools(w http.ResponseWriter, r *http.Request, u user.User) {
	pg, ok := s.trustSetup(w, r, u, "Schools", "school")
	if !ok {
		return
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "schools", pg)
		return
	}
	id := r.PathValue("trust")
	if submit(s, w, r, u, "schools", pg, "urn", func(cmd trust.AddSchool) error {
		_, err := s.svc.AddSchool(r.Context(), u, app.CommandOptions{}, id, cmd)
		return err
	}) {
		done(w, r, "/ui/trusts/"+id+"/schools", "School added")
	}
}

// provisions lists the trust's catalogue and adds to it. The cost is
// asked in pounds and sent in pence, as the API takes it.
func (s *Server) provisions(w http.ResponseWriter, r *http.Request, u user.User) {
	pg, ok := s.trustSetup(w, r, u, "Provision catalogue", "prov")
	if !ok {
		return
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "catalogue", pg)
		return
	}
	id := r.PathValue("trust")
	if v := strings.TrimSpace(strings.TrimPrefix(r.PostForm.Get("hourly_cost"), "£")); v != "" {
		if f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64); err == nil && f >= 0 && !math.IsInf(f, 0) {
			r.PostForm.Set("hourly_cost_pence", strconv.FormatInt(int64(math.Round(f*100)), 10))
		} else {
			r.PostForm.Set("hourly_cost_pence", "x") // reported against the field
		}
	}
	ok = submit(s, w, r, u, "catalogue", pg, "name", func(cmd trust.AddProvision) error {
		_, err := s.svc.AddProvision(r.Context(), u, app.CommandOptions{}, id, cmd)
		return err
	})
	if ok {
		done(w, r, "/ui/trusts/"+id+"/provisions", "Provision added")
	}
}

// measures lists the trust's measures of progress and adds one.
func (s *Server) measures(w http.ResponseWriter, r *http.Request, u user.User) {
	pg, ok := s.trustSetup(w, r, u, "Measures of progress", "msr")
	if !ok {
		return
	}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "measures", pg)
		return
	}
	id := r.PathValue("trust")
	if submit(s, w, r, u, "measures", pg, "name", func(cmd trust.AddMeasure) error {
		_, err := s.svc.AddMeasure(r.Context(), u, app.CommandOptions{}, id, cmd)
		return err
	}) {
		done(w, r, "/ui/trusts/"+id+"/measures", "Measure added")
	}
}

// settings shows and sets the trust's weeks per year, admin hours and
// referral wait threshold.
func (s *Server) settings(w http.ResponseWriter, r *http.Request, u user.User) {
	pg, ok := s.trustSetup(w, r, u, "Trust settings", "set")
	if !ok {
		return
	}
	id := r.PathValue("trust")
	if r.Method == http.MethodGet {
		st := pg.Data.(*setupData).Trust.Settings
		pg.Form = url.Values{
			"weeks_per_year":             {strconv.Itoa(st.WeeksPerYear)},
			"admin_hours.annual_review":  {hoursText(st.AdminHours.AnnualReview)},
			"admin_hours.ehc_request":    {hoursText(st.AdminHours.EHCRequest)},
			"admin_hours.apdr_review":    {hoursText(st.AdminHours.APDRReview)},
			"admin_hours.referral":       {hoursText(st.AdminHours.Referral)},
			"referral_wait_weeks":        {strconv.Itoa(st.ReferralWait())},
			"delivery_threshold_percent": {strconv.Itoa(st.DeliveryThreshold())},
		}
		s.render(w, r, http.StatusOK, "settings", pg)
		return
	}
	if submit(s, w, r, u, "settings", pg, "weeks_per_year", func(cmd trust.UpdateSettings) error {
		_, err := s.svc.UpdateSettings(r.Context(), u, app.CommandOptions{}, id, cmd)
		return err
	}) {
		done(w, r, "/ui/trusts/"+id+"/settings", "Settings saved")
	}
}

func hoursText(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// people lists the trust's people and adds one, inviting them at once.
func (s *Server) people(w http.ResponseWriter, r *http.Request, u user.User) {
	pg, ok := s.trustSetup(w, r, u, "People", "person")
	if !ok {
		return
	}
	id := r.PathValue("trust")
	d := pg.Data.(*setupData)
	people, err := s.svc.People(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	d.People = people
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "people", pg)
		return
	}
	var created app.UserResult
	var cmd user.Create
	if !submit(s, w, r, u, "people", pg, "email", func(c user.Create) error {
		c.TrustID, cmd = id, c
		created, err = s.svc.CreateUser(r.Context(), u, app.CommandOptions{}, c)
		return err
	}) {
		return
	}
	s.invited(w, r, u, id, created.ID, cmd.Name, "added")
}

// invited invites user userID and shows the link (or that it was emailed).
func (s *Server) invited(w http.ResponseWriter, r *http.Request, u user.User, trustID, userID, name, what string) {
	inv, err := s.svc.Invite(r.Context(), u, app.CommandOptions{}, userID)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	if inv.Emailed {
		done(w, r, "/ui/trusts/"+trustID+"/people", fmt.Sprintf("%s %s and emailed an invitation", name, what))
		return
	}
	pg, ok := s.trustSetup(w, r, u, "Invitation for "+name, "")
	if !ok {
		return
	}
	d := pg.Data.(*setupData)
	d.Invited, d.InvitedName = &inv, name
	s.render(w, r, http.StatusOK, "invited", pg)
}

// personAction invites, deactivates, reactivates or changes the role of a
// person of the trust.
func (s *Server) personAction(w http.ResponseWriter, r *http.Request, u user.User) {
	trustID, userID := r.PathValue("trust"), r.PathValue("id")
	target, ok := s.svc.Directory().User(userID)
	if !ok || target.TrustID != trustID {
		s.errorPage(w, r, &u, http.StatusNotFound, "There is nothing here, or it is not yours to see.")
		return
	}
	back := "/ui/trusts/" + trustID + "/people"
	var err error
	var msg string
	switch r.PathValue("action") {
	case "invite":
		s.invited(w, r, u, trustID, userID, target.Name, "was")
		return
	case "deactivate":
		_, err = s.svc.DeactivateUser(r.Context(), u, app.CommandOptions{}, userID)
		msg = target.Name + " can no longer sign in"
	case "reactivate":
		_, err = s.svc.ReactivateUser(r.Context(), u, app.CommandOptions{}, userID)
		msg = target.Name + " can sign in again"
	case "role":
		pg, ok := s.trustSetup(w, r, u, "People", "role-"+userID)
		if !ok {
			return
		}
		people, perr := s.svc.People(r.Context(), u, trustID)
		if perr != nil {
			s.fail(w, r, u, perr)
			return
		}
		pg.Data.(*setupData).People = people
		if submit(s, w, r, u, "people", pg, "role", func(cmd user.Change) error {
			_, err := s.svc.ChangeUser(r.Context(), u, app.CommandOptions{}, userID, cmd)
			return err
		}) {
			done(w, r, back, target.Name+"'s role saved")
		}
		return
	default:
		s.errorPage(w, r, &u, http.StatusNotFound, "There is no such page.")
		return
	}
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	done(w, r, back, msg)
}

// security shows the newest entries of the security log.
func (s *Server) security(w http.ResponseWriter, r *http.Request, u user.User) {
	entries, err := s.svc.SecurityLog(r.Context(), u, app.SecurityQuery{Limit: 500})
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	names := map[string]string{}
	for _, e := range entries {
		for _, id := range []string{e.UserID, e.ActorID} {
			if p, ok := s.svc.Directory().User(id); ok {
				names[id] = p.Name
			}
		}
	}
	via := map[string]string{"token": "access token", "passkey": "passkey", "oidc": "identity provider"}
	for _, p := range s.providers {
		via["oidc:"+p.ID] = p.Name + " account"
	}
	s.render(w, r, http.StatusOK, "security", page{Title: "Security log", User: &u, Data: map[string]any{"Entries": entries, "Names": names, "Via": via}})
}

// laAccess shows the trust's LA reviewers, their grants (with a way to end
// each) and their reads.
func (s *Server) laAccess(w http.ResponseWriter, r *http.Request, u user.User) {
	pg, ok := s.trustSetup(w, r, u, "Local authority access", "")
	if !ok {
		return
	}
	a, err := s.svc.LAAccessOf(r.Context(), u, r.PathValue("trust"))
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	names := map[string]string{}
	for _, rv := range a.Reviewers {
		names[rv.ID] = rv.Name
	}
	pg.Data = map[string]any{"Trust": pg.Data.(*setupData).Trust, "Access": a, "Names": names}
	s.render(w, r, http.StatusOK, "laaccess", pg)
}
