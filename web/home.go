package web

import (
	"net/http"

	"github.com/sendcase/sendcase/domain/user"
)

// home sends each role to its first page.
func (s *Server) home(w http.ResponseWriter, r *http.Request, u user.User) {
	if r.URL.Path != "/ui/" {
		s.errorPage(w, r, &u, http.StatusNotFound, "There is no such page.")
		return
	}
	target := "/ui/admin"
	switch u.Role {
	case user.SENCO:
		// What falls due is where a SENCO's day starts; the caseload is
		// one link away.
		target = "/ui/due"
	case user.TrustLead:
		target = "/ui/trusts/" + u.TrustID + "/workload"
	case user.LAReviewer:
		target = "/ui/reviews"
	case user.Staff:
		target = "/ui/delivery"
	case user.Parent:
		target = "/ui/children"
	case user.Professional:
		target = "/ui/requests"
	}
	http.Redirect(w, r, target, http.StatusSeeOther) // a flash cookie follows by itself
}
