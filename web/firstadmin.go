package web

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/httpx"
)

// firstAdmin sets up the first administrator of a new service, from the
// machine it runs on only (a loopback address): `make run`, then this page,
// with nothing configured. Once there is an administrator, the page is gone;
// `sendcase admin invite` serves the same need from the command line.
func (s *Server) firstAdmin(w http.ResponseWriter, r *http.Request) {
	if s.svc.HasAdmin() || !fromThisMachine(r) {
		s.errorPage(w, r, nil, http.StatusNotFound, "There is no such page.")
		return
	}
	pg := page{Title: "Set up sendcase", Form: url.Values{}, FormName: "admin"}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "firstadmin", pg)
		return
	}
	if crossSite(r) {
		s.errorPage(w, r, nil, http.StatusForbidden, "This form was sent from another site.")
		return
	}
	_ = r.ParseForm()
	pg.Form = r.PostForm
	inv, err := s.svc.InviteAdmin(r.Context(), strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("email"))
	if errs, ok := fieldErrors(err); ok {
		pg.Errors = errs
		s.render(w, r, http.StatusBadRequest, "firstadmin", pg)
		return
	}
	if err != nil {
		s.fail(w, r, user.User{}, err)
		return
	}
	u, _ := url.Parse(inv.Link)
	http.Redirect(w, r, u.Path, http.StatusSeeOther)
}

func fromThisMachine(r *http.Request) bool {
	ip := net.ParseIP(httpx.ClientAddress(r))
	return ip != nil && ip.IsLoopback()
}
