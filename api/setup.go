package api

import (
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
)

func (s *Server) me(w http.ResponseWriter, _ *http.Request, p principal) {
	writeJSON(w, http.StatusOK, p.User)
}

func (s *Server) createTrust(w http.ResponseWriter, r *http.Request, p principal) {
	if !p.is(user.Admin) {
		problem(w, http.StatusForbidden, "Only an admin creates trusts.")
		return
	}
	var cmd trust.Create
	key, ok := s.commandInput(w, r, &cmd)
	if !ok {
		return
	}
	ans, err := s.svc.CreateTrust(r.Context(), p.actor(), app.IdempotencyKey(p.ID, r.Method, r.URL.Path, key), cmd)
	s.answer(w, r, ans, err)
}

func (s *Server) getTrust(w http.ResponseWriter, r *http.Request, p principal) {
	id := r.PathValue("trust")
	if !p.managesTrust(id) && !(p.is(user.SENCO) && p.TrustID == id) {
		problem(w, http.StatusNotFound, "Not found.")
		return
	}
	t, ok := s.svc.Directory().Trust(id)
	if !ok {
		problem(w, http.StatusNotFound, "Not found.")
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// trustCommand authorises a trust lead's (or admin's) command on a trust and runs it.
func trustCommand[C any](s *Server, w http.ResponseWriter, r *http.Request, p principal, status int,
	decide func(t *trust.Trust, cmd C, today civil.Date) (app.Decision, error)) {
	id := r.PathValue("trust")
	if !p.managesTrust(id) {
		problem(w, http.StatusForbidden, "Only the trust's lead or an admin manages a trust.")
		return
	}
	var cmd C
	key, ok := s.commandInput(w, r, &cmd)
	if !ok {
		return
	}
	ans, err := s.svc.TrustCommand(r.Context(), p.actor(), app.IdempotencyKey(p.ID, r.Method, r.URL.Path, key), id, status,
		func(t *trust.Trust, today civil.Date) (app.Decision, error) { return decide(t, cmd, today) })
	s.answer(w, r, ans, err)
}

func (s *Server) addSchool(w http.ResponseWriter, r *http.Request, p principal) {
	trustCommand(s, w, r, p, http.StatusCreated, func(t *trust.Trust, cmd trust.AddSchool, today civil.Date) (app.Decision, error) {
		id := app.NewID()
		evs, err := t.AddSchool(id, cmd, today)
		return app.Decision{Events: evs, ID: id, Extra: map[string]any{"trust_id": t.ID}}, err
	})
}

func (s *Server) addProvision(w http.ResponseWriter, r *http.Request, p principal) {
	trustCommand(s, w, r, p, http.StatusCreated, func(t *trust.Trust, cmd trust.AddProvision, today civil.Date) (app.Decision, error) {
		id := app.NewID()
		evs, err := t.AddProvision(id, cmd, today)
		return app.Decision{Events: evs, ID: id, Extra: map[string]any{"trust_id": t.ID}}, err
	})
}

func (s *Server) updateSettings(w http.ResponseWriter, r *http.Request, p principal) {
	trustCommand(s, w, r, p, http.StatusOK, func(t *trust.Trust, cmd trust.UpdateSettings, today civil.Date) (app.Decision, error) {
		evs, err := t.UpdateSettings(cmd, today)
		return app.Decision{Events: evs, ID: t.ID}, err
	})
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, p principal) {
	if !p.is(user.Admin, user.TrustLead) {
		problem(w, http.StatusForbidden, "Only an admin or a trust lead creates users.")
		return
	}
	var cmd user.Create
	key, ok := s.commandInput(w, r, &cmd)
	if !ok {
		return
	}
	if p.is(user.TrustLead) {
		// A trust lead manages the users of its own trust, never admins.
		if cmd.Role == user.Admin || (cmd.TrustID != "" && cmd.TrustID != p.TrustID) {
			problem(w, http.StatusForbidden, "A trust lead creates users of its own trust only, and no admins.")
			return
		}
		if cmd.TrustID == "" && cmd.Role != user.LAReviewer {
			cmd.TrustID = p.TrustID
		}
	}
	ans, err := s.svc.CreateUser(r.Context(), p.actor(), app.IdempotencyKey(p.ID, r.Method, r.URL.Path, key), cmd)
	s.answer(w, r, ans, err)
}
