package web

import (
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/user"
)

// reminders shows and saves which reminder emails the signed-in person
// wants.
func (s *Server) reminders(w http.ResponseWriter, r *http.Request, u user.User) {
	if r.Method == http.MethodPost {
		choice := user.Reminders{Digest: r.PostFormValue("digest") == "on", Alerts: r.PostFormValue("alerts") == "on",
			TrustSummary: r.PostFormValue("trust_summary") == "on"}
		if _, err := s.svc.ChooseReminders(r.Context(), u, app.CommandOptions{}, choice); err != nil {
			s.fail(w, r, u, err)
			return
		}
		redirectDone(w, r, "/ui/reminders", "Your email choices are saved")
		return
	}
	s.render(w, r, http.StatusOK, "reminders", page{Title: "Email reminders", User: &u, Data: s.svc.RemindersOf(u)})
}

type unsubscribePage struct {
	Token, Email string
	Done         bool
}

// unsubscribe is where an email's "stop these emails" link leads: a page
// asking to confirm (a mail scanner following the link stops nothing),
// and the POST that stops them, which mail programs also send for one-click
// unsubscribe (RFC 8058). The token in the address is the authority: no
// sign-in.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	who, err := s.svc.Unsubscriber(r.Context(), token)
	if err != nil {
		s.errorPage(w, r, nil, http.StatusNotFound, "This unsubscribe link is not known. Sign in and choose your emails under Email reminders.")
		return
	}
	d := unsubscribePage{Token: token, Email: who.Email}
	if r.Method == http.MethodPost {
		if _, err := s.svc.Unsubscribe(r.Context(), token); err != nil {
			s.errorPage(w, r, nil, http.StatusServiceUnavailable, "Your emails could not be stopped just now. Try again in a minute.")
			return
		}
		d.Done = true
	}
	s.render(w, r, http.StatusOK, "unsubscribe", page{Title: "Stop reminder emails", Data: d})
}
