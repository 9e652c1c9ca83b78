package app

import (
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/pupil"
)

// Result is what every command answers: the id of what it created or
// changed, the aggregate's new version (a client's next If-Match) and the
// stream sequence of the commit (a view's min_seq to read the write back).
// The other results embed it.
type Result struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Seq     uint64 `json:"seq"`
}

// Committed returns the Result part of any result.
func (r *Result) Committed() *Result { return r }

// committed is what the repository needs of a result type: its Result.
type committed[R any] interface {
	*R
	Committed() *Result
}

// TrustPartResult answers adding a school or a provision to a trust.
type TrustPartResult struct {
	Result
	TrustID string `json:"trust_id"`
}

// UserResult answers creating a user. Token is shown once: it is never
// stored in the stream, only in the idempotency bucket for a retry.
type UserResult struct {
	Result
	Token string `json:"token"`
}

// TokenResult answers issuing a new token.
type TokenResult struct {
	UserResult
	TokenExpiresOn civil.Date `json:"token_expires_on"`
}

// CycleResult answers a command on an APDR cycle with the cycle's stage
// after it. ID is the cycle's id.
type CycleResult struct {
	Result
	PupilID string      `json:"pupil_id"`
	Stage   pupil.Stage `json:"stage"`
}

// PlanResult answers agreeing a plan, with each outcome's new id. The
// outcomes' wording is personal: the stream keeps only their ids.
type PlanResult struct {
	CycleResult
	Outcomes []pupil.Outcome `json:"outcomes"`
}

// SessionResult answers logging a session. ID is the session's id.
type SessionResult struct {
	Result
	PupilID string `json:"pupil_id"`
	CycleID string `json:"cycle_id"`
}

// ReviewResult answers recording a review; a decision to continue opens the
// next cycle, NextCycleID.
type ReviewResult struct {
	CycleResult
	NextCycleID string `json:"next_cycle_id,omitempty"`
}

// EHCPResult answers recording an event of the EHC process, with the
// plan's status after it.
type EHCPResult struct {
	Result
	Type   string `json:"type"`
	Status string `json:"status"`
}

// ReferralResult answers making or moving on a referral. ID is the
// referral's id.
type ReferralResult struct {
	Result
	PupilID string `json:"pupil_id"`
	Status  string `json:"status"`
}

// EraseResult answers erasing a pupil's personal data.
type EraseResult struct {
	Result
	Erased bool `json:"erased"`
}
