package httpx

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/user"
)

// Handler serves a request of a signed-in user.
type Handler func(w http.ResponseWriter, r *http.Request, u user.User)

// SessionCookie holds a signed-in browser's session id (never a token).
// It is HttpOnly, SameSite=Strict and Secure over TLS; the session is
// checked on every request (app.SessionUser), so an idle, ended or revoked
// session signs the browser out at once.
const SessionCookie = "sendcase_session"

// Auth signs requests in: by bearer token (the API) or session cookie
// (the UI), then applies the token's rate limit.
type Auth struct {
	svc    *app.Service
	limits *limiters
	// signIns limits sign-in attempts per client address.
	signIns *limiters
}

// Per-token rate limiting: a script or a stolen token cannot take the
// server for everyone else. The default allows far more than a person
// clicking, and bursts for a page with several requests.
const (
	defaultRatePerSecond = 50
	defaultRateBurst     = 100
)

// NewAuth returns an Auth on svc allowing perSecond requests a second per
// token, in bursts of burst (0: the defaults).
func NewAuth(svc *app.Service, perSecond float64, burst int) *Auth {
	if perSecond <= 0 {
		perSecond = defaultRatePerSecond
	}
	if burst <= 0 {
		burst = defaultRateBurst
	}
	return &Auth{svc: svc, limits: &limiters{per: rate.Limit(perSecond), burst: burst, m: map[string]*rate.Limiter{}},
		signIns: &limiters{per: rate.Every(time.Minute / signInsPerMinute), burst: signInBurst, m: map[string]*rate.Limiter{}}}
}

// Sign-in attempts allowed per client address: a school's staff share one
// address behind its router, so a morning's sign-ins must pass, while
// guessing tokens or invitation links must not.
const (
	signInsPerMinute = 30
	signInBurst      = 60
)

// LimitSignIns allows perMinute sign-in attempts a minute per client
// address, in bursts of burst (0: the defaults).
func (a *Auth) LimitSignIns(perMinute float64, burst int) {
	if perMinute <= 0 {
		perMinute = signInsPerMinute
	}
	if burst <= 0 {
		burst = signInBurst
	}
	a.signIns = &limiters{per: rate.Limit(perMinute / 60), burst: burst, m: map[string]*rate.Limiter{}}
}

// SignInLimit serves h unless the client address has tried to sign in too
// often: then 429 with Retry-After, as a page.
func (a *Auth) SignInLimit(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if wait := a.signIns.wait("addr:" + ClientAddress(r)); wait > 0 {
			w.Header().Set("Retry-After", RetryAfter(wait))
			http.Error(w, "Too many attempts to sign in from this address. Please wait a minute and try again.", http.StatusTooManyRequests)
			return
		}
		h(w, r)
	}
}

// Bearer serves h for the user of the request's bearer token; none, or an
// invalid one, is 401 and too many requests 429, as problems.
func (a *Auth) Bearer(h Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sendcase"`)
			WriteProblem(w, New(401, TypeUnauthorized, "Send Authorization: Bearer <token>."))
			return
		}
		u, err := a.svc.Authenticate(r.Context(), token)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sendcase", error="invalid_token"`)
			WriteProblem(w, ProblemFor(err))
			return
		}
		if wait := a.limits.wait("token-user:" + u.ID); wait > 0 {
			p := New(429, TypeTooMany, "Too many requests with this token; slow down.")
			p.RetryAfter = int(math.Ceil(wait.Seconds()))
			WriteProblem(w, p)
			return
		}
		h(w, r, u)
	}
}

// Session returns the user of the request's session cookie. ok is false
// when there is none or it is no longer valid; wait is how long the token
// must wait before its next request (0: go ahead).
func (a *Auth) Session(r *http.Request) (u user.User, ok bool, wait time.Duration) {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return user.User{}, false, 0
	}
	u, err = a.svc.SessionUser(r.Context(), c.Value)
	if err != nil {
		return user.User{}, false, 0
	}
	return u, true, a.limits.wait("user:" + u.ID)
}

// RetryAfter is the Retry-After header for a wait.
func RetryAfter(wait time.Duration) string { return strconv.Itoa(int(math.Ceil(wait.Seconds()))) }

type limiters struct {
	mu    sync.Mutex
	per   rate.Limit
	burst int
	m     map[string]*rate.Limiter
}

// wait reports how long key must wait before its next request (0: go ahead).
func (l *limiters) wait(key string) time.Duration {
	l.mu.Lock()
	lim, ok := l.m[key]
	if !ok {
		lim = rate.NewLimiter(l.per, l.burst)
		l.m[key] = lim
	}
	l.mu.Unlock()
	r := lim.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return d
	}
	return 0
}
