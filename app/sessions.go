package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventlog"
)

// Browser sessions (docs/data-protection.md): the cookie holds only
// "<user id>.<random id>"; the session, named by the id's hash, is kept in
// the event store's sessions bucket. It ends when unused for SessionIdle,
// SessionAbsolute after it began, when its user signs out everywhere, and
// when the token it was started with is revoked or replaced.
const (
	SessionIdle     = 30 * time.Minute
	SessionAbsolute = 12 * time.Hour
	// sessionSeenEvery is how often a session in use is written again: not
	// on every request.
	sessionSeenEvery = time.Minute
)

// How a session began (eventlog.Session.Via).
const (
	viaToken   = "token"
	viaOIDC    = "oidc"
	viaPasskey = "passkey"
)

// StartSession signs a browser in with token. It answers the cookie value.
//
// Errors: ErrUnauthenticated (the token is not valid), ErrUnavailable.
func (s *Service) StartSession(ctx context.Context, token string) (cookie string, u user.User, err error) {
	u, err = s.Authenticate(ctx, token)
	if err != nil {
		s.RecordRefusedSignIn(ctx, viaToken, "the token is not valid")
		return "", user.User{}, err
	}
	cookie, err = s.startSession(ctx, u, viaToken, hashToken(strings.TrimSpace(token)))
	return cookie, u, err
}

// startSession stores a new session of u and answers its cookie value;
// the sign-in is in the security log first.
func (s *Service) startSession(ctx context.Context, u user.User, via string, tokenHash ...string) (string, error) {
	if !s.signInLimit.allow(u.ID, s.now()) {
		s.RecordRefusedSignIn(ctx, via, "too many sign-ins to one account")
		return "", ErrTooManySignIns
	}
	if err := s.signedIn(ctx, u, via); err != nil {
		return "", err
	}
	id := randomSecret()
	now := s.now().UTC()
	se := eventlog.Session{UserID: u.ID, Via: via, CreatedAt: now, LastSeen: now}
	if via == viaToken && len(tokenHash) > 0 {
		se.TokenHash = tokenHash[0]
	}
	if err := s.store.PutSession(ctx, hashToken(id), se); err != nil {
		return "", err
	}
	return u.ID + "." + id, nil
}

// randomSecret is 256 random bits, URL-safe: session ids, one-time links.
func randomSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// SessionUser returns the user of a session cookie value.
//
// Errors: ErrUnauthenticated (no such session, or it has ended),
// ErrUnavailable.
func (s *Service) SessionUser(ctx context.Context, cookie string) (user.User, error) {
	userID, id, ok := strings.Cut(cookie, ".")
	if !ok || userID == "" || id == "" {
		return user.User{}, ErrUnauthenticated
	}
	idHash := hashToken(id)
	se, ok, err := s.store.Session(ctx, userID, idHash)
	if err != nil {
		return user.User{}, err
	}
	if !ok {
		return user.User{}, ErrUnauthenticated
	}
	now := s.now().UTC()
	u, found := fresh(ctx, s, func() (user.User, bool) {
		u, ok := s.dir.User(userID)
		if se.TokenHash != "" || se.Via == viaToken || se.Via == "" { // (token sessions carry its hash)
			// Started with a token (sessions from before Via existed were):
			// it lasts while the token does.
			return u, ok && u.TokenWorks(se.TokenHash, s.Today())
		}
		return u, ok && u.MaySignIn()
	})
	if !found || now.Sub(se.LastSeen) > SessionIdle || now.Sub(se.CreatedAt) > SessionAbsolute {
		if err := s.store.EndSession(ctx, userID, idHash); err != nil {
			return user.User{}, err
		}
		return user.User{}, ErrUnauthenticated
	}
	if now.Sub(se.LastSeen) >= sessionSeenEvery {
		se.LastSeen = now
		if err := s.store.PutSession(ctx, idHash, se); err != nil {
			return user.User{}, err
		}
	}
	return u, nil
}

// EndSession signs the browser of a session cookie value out.
//
// Errors: ErrUnavailable.
func (s *Service) EndSession(ctx context.Context, cookie string) error {
	userID, id, ok := strings.Cut(cookie, ".")
	if !ok {
		return nil
	}
	return s.store.EndSession(ctx, userID, hashToken(id))
}

// EndAllSessions signs user u out of every browser.
//
// Errors: ErrUnavailable.
func (s *Service) EndAllSessions(ctx context.Context, u user.User) error {
	if err := s.store.EndSessions(ctx, u.ID); err != nil {
		return err
	}
	_ = s.securityAbout(ctx, SecSignOutAll, u, u, "")
	return nil
}

// ErrTooManySignIns means an account has been signed in to too often in a
// short time: a script, or someone else holding its token or passkey.
var ErrTooManySignIns = errors.New("too many sign-ins to this account; wait a few minutes")

// Sign-ins allowed per account: a person signs in a few times a day, on a
// few devices; a burst beyond this is not a person.
const (
	accountSignInsPerHour = 30
	accountSignInBurst    = 10
)

// accountLimits limits sign-ins per account, on this server.
type accountLimits struct {
	mu sync.Mutex
	m  map[string]*rate.Limiter
}

func (l *accountLimits) allow(userID string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*rate.Limiter{}
	}
	lim, ok := l.m[userID]
	if !ok {
		lim = rate.NewLimiter(rate.Every(time.Hour/accountSignInsPerHour), accountSignInBurst)
		l.m[userID] = lim
	}
	return lim.AllowN(now, 1)
}
