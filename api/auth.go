package api

import (
	"net/http"
	"strings"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
)

// principal is the signed-in user of a request.
type principal struct {
	user.User
}

func (p principal) actor() event.Actor {
	return event.Actor{ID: p.ID, Name: p.Name, Role: string(p.Role)}
}

func (p principal) is(roles ...user.Role) bool {
	for _, r := range roles {
		if p.Role == r {
			return true
		}
	}
	return false
}

// managesTrust: admin, or the trust lead of trust id.
func (p principal) managesTrust(id string) bool {
	return p.Role == user.Admin || (p.Role == user.TrustLead && p.TrustID == id)
}

// pupilAccess says what p may do with a pupil.
type pupilAccess int

const (
	// noAccess answers 404: even the pupil's existence must not leak.
	noAccess pupilAccess = iota
	// ehcpAndAudit is an LA reviewer's live grant.
	ehcpAndAudit
	// readOnly is a trust lead of the pupil's trust.
	readOnly
	// readWrite is the SENCO of the pupil's school, or an admin.
	readWrite
)

func (p principal) accessTo(pu *pupil.Pupil, today civil.Date) pupilAccess {
	switch p.Role {
	case user.Admin:
		return readWrite
	case user.TrustLead:
		if pu.TrustID == p.TrustID {
			return readOnly
		}
	case user.SENCO:
		if p.InSchool(pu.SchoolID) {
			return readWrite
		}
	case user.LAReviewer:
		if pu.HasLiveGrant(p.ID, today) {
			return ehcpAndAudit
		}
	}
	return noAccess
}

type authedHandler func(w http.ResponseWriter, r *http.Request, p principal)

// authed resolves the bearer token; none or an unknown one is 401.
func (s *Server) authed(h authedHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sendcase"`)
			problem(w, http.StatusUnauthorized, "Send Authorization: Bearer <token>.")
			return
		}
		u, found := s.svc.Directory().UserByTokenHash(app.HashToken(strings.TrimSpace(token)))
		if !found || !u.TokenValid(s.svc.Today()) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sendcase", error="invalid_token"`)
			problem(w, http.StatusUnauthorized, "The token is not valid, or has expired.")
			return
		}
		if wait := s.limits.wait(u.TokenHash); wait > 0 {
			tooMany(w, wait)
			return
		}
		h(w, r, principal{User: u})
	}
}
