package web

import (
	"net/http"
	"net/url"
	"time"
)

// The banner after a form ("Session logged") travels in a cookie the
// server sets on the redirect and clears once shown, never in the address:
// a link cannot make sendcase show words it did not say.
const flashCookie = "sendcase_flash"

// redirectDone sends the browser to path, to show msg once there.
func redirectDone(w http.ResponseWriter, r *http.Request, path, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/ui/", HttpOnly: true,
		Secure: overTLS(r), SameSite: http.SameSiteStrictMode, MaxAge: 60})
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// takeFlash answers the message to show, and clears it.
func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/ui/", HttpOnly: true,
		Secure: overTLS(r), SameSite: http.SameSiteStrictMode, Expires: time.Unix(0, 0), MaxAge: -1})
	msg, err := url.QueryUnescape(c.Value)
	if err != nil || len(msg) > 200 {
		return ""
	}
	return msg
}
