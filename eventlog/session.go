package eventlog

import "time"

// Session is a signed-in browser, kept server-side: the cookie holds only a
// random id, whose hash names the session. A session started with a token
// is tied to it, so revoking or replacing the token ends it.
type Session struct {
	UserID string `json:"user_id"`
	// Via says how the person signed in: "token", "oidc" or "passkey".
	Via string `json:"via"`
	// TokenHash is the token's hash, for a session started with a token.
	TokenHash string    `json:"token_hash,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// LastSeen is when the session was last used (kept to the minute).
	LastSeen time.Time `json:"last_seen"`
}
