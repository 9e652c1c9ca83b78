package eventlog

import "time"

// Session is a signed-in browser, kept server-side: the cookie holds only a
// random id, whose hash names the session. A session is tied to the token
// it was started with, so revoking or replacing the token ends it.
type Session struct {
	UserID    string    `json:"user_id"`
	TokenHash string    `json:"token_hash"`
	CreatedAt time.Time `json:"created_at"`
	// LastSeen is when the session was last used (kept to the minute).
	LastSeen time.Time `json:"last_seen"`
}
