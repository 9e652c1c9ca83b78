package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/httpx"
)

// maxUpload is the largest form accepted: a document and its fields (the
// register import's file is smaller).
const maxUpload = pupil.MaxDocumentBytes + 1<<20

// signedIn serves h for the session's user; without a valid session it
// sends the browser to sign in. Every form post must carry the CSRF token.
func (s *Server) signedIn(h httpx.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok, wait := s.auth.Session(r)
		if !ok {
			http.Redirect(w, r, "/ui/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if wait > 0 {
			w.Header().Set("Retry-After", httpx.RetryAfter(wait))
			http.Error(w, "Too many requests. Please wait a moment.", http.StatusTooManyRequests)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
			if err := r.ParseMultipartForm(maxUpload); err != nil && !errors.Is(err, http.ErrNotMultipart) {
				var tooLarge *http.MaxBytesError
				if errors.As(err, &tooLarge) {
					s.errorPage(w, r, &u, http.StatusRequestEntityTooLarge, "That file is too large: a document may be at most 20 MB. Go back and choose a smaller one.")
					return
				}
				s.errorPage(w, r, &u, http.StatusBadRequest, "The form could not be read.")
				return
			}
			if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(csrfFor(r))) != 1 {
				s.errorPage(w, r, &u, http.StatusForbidden, "This form has expired. Go back, reload the page and try again.")
				return
			}
		}
		h(w, r, u)
	}
}

// csrfFor is the CSRF token of the request's session, derived from the
// session cookie: only a page served to this browser can know it (the
// cookie is HttpOnly), and any server can check it.
func csrfFor(r *http.Request) string {
	c, err := r.Cookie(httpx.SessionCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("sendcase-csrf:" + c.Value))
	return hex.EncodeToString(sum[:16])
}

// setSession gives the browser its session cookie. SameSite is Lax, not
// Strict: a browser coming back from the identity provider is on a
// cross-site redirect chain, which Strict would send to sign in again.
// Every form carries the CSRF token, so Lax costs nothing.
func setSession(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: httpx.SessionCookie, Value: value, Path: "/", HttpOnly: true,
		Secure: overTLS(r), SameSite: http.SameSiteLaxMode, MaxAge: maxAge})
}

// safeNext is next if it is a page of the UI, or the home page.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/ui/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/ui/"
	}
	return next
}

// overTLS reports whether the browser reached us over HTTPS: directly, or
// through a proxy that says so. (Believing the header can only make a
// cookie more careful, never less.)
func overTLS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
