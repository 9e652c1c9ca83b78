package api

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/user"
)

// Per-token rate limiting: a script or a stolen token cannot take the
// server for everyone else. The default allows far more than a person
// clicking, and bursts for a page with several requests.
const (
	defaultRatePerSecond = 50
	defaultRateBurst     = 100
)

type limiters struct {
	mu    sync.Mutex
	per   rate.Limit
	burst int
	m     map[string]*rate.Limiter
}

func newLimiters(perSecond float64, burst int) *limiters {
	if perSecond <= 0 {
		perSecond = defaultRatePerSecond
	}
	if burst <= 0 {
		burst = defaultRateBurst
	}
	return &limiters{per: rate.Limit(perSecond), burst: burst, m: map[string]*rate.Limiter{}}
}

// wait reports how long the token must wait before its next request (0: go ahead).
func (l *limiters) wait(tokenHash string) time.Duration {
	l.mu.Lock()
	lim, ok := l.m[tokenHash]
	if !ok {
		lim = rate.NewLimiter(l.per, l.burst)
		l.m[tokenHash] = lim
	}
	l.mu.Unlock()
	r := lim.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return d
	}
	return 0
}

// tooMany answers 429 with the seconds to wait.
func tooMany(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	problem(w, http.StatusTooManyRequests, "Too many requests with this token; slow down.")
}

// mayManageTokens: admins, the user themself, and the lead of the user's
// trust (not for admins).
func (s *Server) mayManageTokens(p principal, target user.User) bool {
	switch {
	case p.is(user.Admin), p.ID == target.ID:
		return true
	case p.is(user.TrustLead):
		return target.Role != user.Admin && target.TrustID == p.TrustID && target.TrustID != ""
	}
	return false
}

func (s *Server) tokenTarget(w http.ResponseWriter, r *http.Request, p principal) (user.User, bool) {
	target, ok := s.svc.Directory().User(r.PathValue("id"))
	switch {
	case !ok:
		problem(w, http.StatusNotFound, "Not found.")
	case !s.mayManageTokens(p, target):
		problem(w, http.StatusForbidden, "Only an admin, the trust's lead or the user may manage this user's token.")
	default:
		return target, true
	}
	return user.User{}, false
}

func (s *Server) revokeTokens(w http.ResponseWriter, r *http.Request, p principal) {
	target, ok := s.tokenTarget(w, r, p)
	if !ok {
		return
	}
	key, ok := idempotencyKey(w, r)
	if !ok {
		return
	}
	ans, err := s.svc.UserCommand(r.Context(), p.actor(), app.IdempotencyKey(p.ID, r.Method, r.URL.Path, key), target.ID, http.StatusOK,
		func(u *user.User, today civil.Date) (app.Decision, error) {
			evs, err := u.RevokeTokens(today)
			return app.Decision{Events: evs, ID: u.ID}, err
		})
	s.answer(w, r, ans, err)
}

func (s *Server) issueToken(w http.ResponseWriter, r *http.Request, p principal) {
	target, ok := s.tokenTarget(w, r, p)
	if !ok {
		return
	}
	key, ok := idempotencyKey(w, r)
	if !ok {
		return
	}
	token, hash := app.NewToken()
	ans, err := s.svc.UserCommand(r.Context(), p.actor(), app.IdempotencyKey(p.ID, r.Method, r.URL.Path, key), target.ID, http.StatusCreated,
		func(u *user.User, today civil.Date) (app.Decision, error) {
			evs, err := u.IssueToken(hash, today)
			return app.Decision{Events: evs, ID: u.ID, Extra: map[string]any{"token_expires_on": today.AddDays(user.TokenLifetime)},
				Private: map[string]any{"token": token}}, err
		})
	s.answer(w, r, ans, err)
}
