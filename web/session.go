package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"

	"github.com/sendcase/sendcase/httpx"
)

// maxUpload is the largest form accepted (the register import's file).
const maxUpload = 10 << 20

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
				s.errorPage(w, r, &u, http.StatusBadRequest, "The form could not be read.")
				return
			}
			if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(csrfToken(u.TokenHash))) != 1 {
				s.errorPage(w, r, &u, http.StatusForbidden, "This form has expired. Go back, reload the page and try again.")
				return
			}
		}
		h(w, r, u)
	}
}

// csrfToken is derived from the session's token hash: only a page served to
// the signed-in user can know it, and any process can check it.
func csrfToken(tokenHash string) string {
	sum := sha256.Sum256([]byte("sendcase-csrf:" + tokenHash))
	return hex.EncodeToString(sum[:16])
}
