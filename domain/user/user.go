// Package user is the aggregate of a person who signs in: their role, the
// trust and schools they work for, and the hash of their bearer token.
package user

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
)

// Role decides what a user may see and do.
type Role string

const (
	Admin      Role = "admin"
	TrustLead  Role = "trust_lead"
	SENCO      Role = "senco"
	LAReviewer Role = "la_reviewer"
	// Staff are class teachers and teaching assistants: they see the plans
	// of the pupils assigned to them and log the sessions they deliver.
	Staff Role = "staff"
	// Parent is a parent or carer: they see their own children's plans
	// and give their views (pupil.LinkParent links them to a child).
	Parent Role = "parent"
	// Professional is someone outside the school asked for advice or a
	// report (an educational psychologist, a speech and language
	// therapist): they see what each request shares, while it is open,
	// and send their advice (pupil.InviteProfessional asks them).
	Professional Role = "professional"
)

// Roles lists every role.
var Roles = domain.Allowed("role", SENCO, TrustLead, LAReviewer, Admin, Staff, Parent, Professional)

// User is the aggregate.
type User struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Email     string   `json:"email"`
	Role      Role     `json:"role"`
	TrustID   string   `json:"trust_id,omitempty"`
	SchoolIDs []string `json:"school_ids"`
	// TokenHash is the SHA-256 of the bearer token; the token itself is shown
	// once and never stored. Empty once revoked.
	TokenHash string `json:"-"`
	// TokenExpiresOn is the last day the token works (zero: never).
	TokenExpiresOn civil.Date `json:"token_expires_on"`
	// Deactivated users cannot sign in by any means, nor use their token.
	Deactivated bool `json:"deactivated"`
	// Passkeys are the WebAuthn credentials the user signs in with.
	Passkeys []Passkey `json:"-"`
	// Tokens are the named integration tokens (MIS sync, scripts) the user
	// made, besides the token made with the account.
	Tokens []Token `json:"-"`
	// CalendarHash is the SHA-256 of the secret in the user's calendar
	// feed address (see CalendarFeedSet); empty when they have none.
	CalendarHash string `json:"-"`
	// Reminders are the emails the user has chosen; nil until they choose
	// (DefaultReminders applies).
	Reminders *Reminders `json:"reminders,omitempty"`
	Version   int        `json:"version"`
}

// Passkey is a registered WebAuthn credential. Nothing in it is secret: the
// private key never leaves the person's device.
type Passkey struct {
	// ID is the credential id the browser presents at sign-in.
	ID   []byte `json:"id"`
	Name string `json:"name"`
	// Credential is the WebAuthn library's record (public key, flags,
	// authenticator), kept opaque here so that the domain needs no library.
	Credential json.RawMessage `json:"credential"`
	AddedOn    civil.Date      `json:"added_on"`
}

// TokenValid reports whether the user's token works on date on.
func (u *User) TokenValid(on civil.Date) bool {
	return u.MaySignIn() && u.TokenHash != "" && (u.TokenExpiresOn.IsZero() || !on.After(u.TokenExpiresOn))
}

// Token is a named integration token; only its hash is kept.
type Token struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Hash      string     `json:"-"`
	ExpiresOn civil.Date `json:"expires_on"`
	IssuedOn  civil.Date `json:"issued_on"`
}

// TokenWorks reports whether the token with hash h is one of the user's,
// live on date on.
func (u *User) TokenWorks(h string, on civil.Date) bool {
	if h == "" || !u.MaySignIn() {
		return false
	}
	if h == u.TokenHash {
		return u.TokenValid(on)
	}
	for _, t := range u.Tokens {
		if t.Hash == h {
			return !on.After(t.ExpiresOn)
		}
	}
	return false
}

// TokenHashes lists the hashes of every token of the user, live or not.
func (u *User) TokenHashes() []string {
	var out []string
	if u.TokenHash != "" {
		out = append(out, u.TokenHash)
	}
	for _, t := range u.Tokens {
		out = append(out, t.Hash)
	}
	return out
}

// MaySignIn reports whether the user may sign in at all.
func (u *User) MaySignIn() bool { return u.Exists() && !u.Deactivated }

// Passkey returns the user's passkey with credential id id.
func (u *User) Passkey(id []byte) (Passkey, bool) {
	for _, p := range u.Passkeys {
		if bytes.Equal(p.ID, id) {
			return p, true
		}
	}
	return Passkey{}, false
}

// Created is the user's first event.
type Created struct {
	UserID    string   `json:"user_id"`
	Name      string   `json:"name"`
	Email     string   `json:"email"`
	Role      Role     `json:"role"`
	TrustID   string   `json:"trust_id,omitempty"`
	SchoolIDs []string `json:"school_ids,omitempty"`
	TokenHash string   `json:"token_hash"`
	// ExpiresOn is the token's last day (absent in events before expiry existed).
	ExpiresOn civil.Date `json:"token_expires_on,omitempty"`
	On        civil.Date `json:"on"`
}

// TokenIssued replaces the user's token.
type TokenIssued struct {
	TokenHash string     `json:"token_hash"`
	ExpiresOn civil.Date `json:"token_expires_on"`
	On        civil.Date `json:"on"`
}

// TokensRevoked ends the user's token: nobody can sign in as them until a
// new one is issued.
type TokensRevoked struct {
	On civil.Date `json:"on"`
}

// Deactivated ends the user's access at once: sessions, token, sign-in.
type Deactivated struct {
	On civil.Date `json:"on"`
}

// Reactivated gives a deactivated user access again (their token too, if
// it has not expired).
type Reactivated struct {
	On civil.Date `json:"on"`
}

// IntegrationTokenIssued records a named token; IntegrationTokenRevoked
// ends it.
type IntegrationTokenIssued struct {
	TokenID   string     `json:"token_id"`
	Name      string     `json:"name"`
	TokenHash string     `json:"token_hash"`
	ExpiresOn civil.Date `json:"expires_on"`
	On        civil.Date `json:"on"`
}

type IntegrationTokenRevoked struct {
	TokenID string     `json:"token_id"`
	On      civil.Date `json:"on"`
}

func (IntegrationTokenIssued) EventType() string         { return "user_integration_token_issued" }
func (IntegrationTokenRevoked) EventType() string        { return "user_integration_token_revoked" }
func (e IntegrationTokenIssued) OccurredOn() civil.Date  { return e.On }
func (e IntegrationTokenRevoked) OccurredOn() civil.Date { return e.On }

// CalendarFeedSet gives the user a private calendar feed address, whose
// secret hashes to FeedHash (a new one replaces the old);
// CalendarFeedRevoked ends it.
type CalendarFeedSet struct {
	FeedHash string     `json:"feed_hash"`
	On       civil.Date `json:"on"`
}

type CalendarFeedRevoked struct {
	On civil.Date `json:"on"`
}

func (CalendarFeedSet) EventType() string            { return "user_calendar_feed_set" }
func (CalendarFeedRevoked) EventType() string        { return "user_calendar_feed_revoked" }
func (e CalendarFeedSet) OccurredOn() civil.Date     { return e.On }
func (e CalendarFeedRevoked) OccurredOn() civil.Date { return e.On }

// SetCalendarFeed decides giving the user the calendar feed whose secret
// hashes to hash.
func (u *User) SetCalendarFeed(hash string, today civil.Date) ([]event.Data, error) {
	if !u.Exists() {
		return nil, domain.NotFound("user")
	}
	return []event.Data{CalendarFeedSet{FeedHash: hash, On: today}}, nil
}

// RevokeCalendarFeed decides ending the user's calendar feed.
func (u *User) RevokeCalendarFeed(today civil.Date) ([]event.Data, error) {
	if u.CalendarHash == "" {
		return nil, domain.NotFound("calendar feed")
	}
	return []event.Data{CalendarFeedRevoked{On: today}}, nil
}

// PasskeyAdded records a passkey the user registered.
type PasskeyAdded struct {
	Passkey Passkey    `json:"passkey"`
	On      civil.Date `json:"on"`
}

func (Deactivated) EventType() string          { return "user_deactivated" }
func (Reactivated) EventType() string          { return "user_reactivated" }
func (PasskeyAdded) EventType() string         { return "user_passkey_added" }
func (e Deactivated) OccurredOn() civil.Date   { return e.On }
func (e Reactivated) OccurredOn() civil.Date   { return e.On }
func (e PasskeyAdded) OccurredOn() civil.Date  { return e.On }
func (Created) EventType() string              { return "user_created" }
func (TokenIssued) EventType() string          { return "user_token_issued" }
func (TokensRevoked) EventType() string        { return "user_tokens_revoked" }
func (e Created) OccurredOn() civil.Date       { return e.On }
func (e TokenIssued) OccurredOn() civil.Date   { return e.On }
func (e TokensRevoked) OccurredOn() civil.Date { return e.On }

func init() {
	event.Register[Created](1)
	event.Register[TokenIssued](1)
	event.Register[TokensRevoked](1)
	event.Register[Deactivated](1)
	event.Register[Reactivated](1)
	event.Register[PasskeyAdded](1)
	event.Register[Changed](1)
	event.Register[IntegrationTokenIssued](1)
	event.Register[IntegrationTokenRevoked](1)
	event.Register[CalendarFeedSet](1)
	event.Register[CalendarFeedRevoked](1)
	event.Register[RemindersChosen](1)
}

// TokenLifetime is how long a token works, in days: a school year and a
// term, so that every account is looked at again at least once a year.
const TokenLifetime = 456

// Apply evolves the user by one event.
func (u *User) Apply(e event.Event) {
	u.Version = e.Version
	switch d := e.Data.(type) {
	case Created:
		*u = User{ID: d.UserID, Name: d.Name, Email: d.Email, Role: d.Role, TrustID: d.TrustID,
			SchoolIDs: d.SchoolIDs, TokenHash: d.TokenHash, TokenExpiresOn: d.ExpiresOn, Version: e.Version}
	case TokenIssued:
		u.TokenHash, u.TokenExpiresOn = d.TokenHash, d.ExpiresOn
	case TokensRevoked:
		u.TokenHash, u.TokenExpiresOn = "", 0
	case Deactivated:
		u.Deactivated = true
	case Reactivated:
		u.Deactivated = false
	case IntegrationTokenIssued:
		u.Tokens = append(slices.Clip(u.Tokens), Token{ID: d.TokenID, Name: d.Name, Hash: d.TokenHash, ExpiresOn: d.ExpiresOn, IssuedOn: d.On})
	case IntegrationTokenRevoked:
		u.Tokens = slices.DeleteFunc(slices.Clone(u.Tokens), func(t Token) bool { return t.ID == d.TokenID })
	case Changed:
		u.Role, u.SchoolIDs = d.Role, d.SchoolIDs
	case PasskeyAdded:
		u.Passkeys = append(slices.Clip(u.Passkeys), d.Passkey)
	case CalendarFeedSet:
		u.CalendarHash = d.FeedHash
	case CalendarFeedRevoked:
		u.CalendarHash = ""
	case RemindersChosen:
		r := d.Reminders
		u.Reminders = &r
	}
}

// Exists reports whether the user has been created.
func (u *User) Exists() bool { return u.Version > 0 }

// InSchool reports whether the user works for school id.
func (u *User) InSchool(id string) bool { return slices.Contains(u.SchoolIDs, id) }

// Create is the command to add a user.
type Create struct {
	Name      string   `json:"name" validate:"notblank,max=200"`
	Email     string   `json:"email" validate:"required,email,max=254"`
	Role      Role     `json:"role" validate:"required,allowed=role"`
	TrustID   string   `json:"trust_id" validate:"omitempty,uuid"`
	SchoolIDs []string `json:"school_ids" validate:"max=100,unique,dive,uuid"`
}

// Facts is what deciding a new user needs to know about the trust.
type Facts struct {
	TrustExists func(id string) bool
	// SchoolTrust returns the trust of a school.
	SchoolTrust func(schoolID string) (string, bool)
}

// CreateUser decides the creation of user id with the given token hash.
func CreateUser(id, tokenHash string, cmd Create, f Facts, today civil.Date) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	if err := placement(cmd.Role, cmd.TrustID, cmd.SchoolIDs, f); err != nil {
		return nil, err
	}
	return []event.Data{Created{
		UserID: id, Name: cmd.Name, Email: cmd.Email, Role: cmd.Role, TrustID: cmd.TrustID,
		SchoolIDs: cmd.SchoolIDs, TokenHash: tokenHash, ExpiresOn: today.AddDays(TokenLifetime), On: today,
	}}, nil
}

// placement checks that a role fits the trust and schools given: the one
// rule of who belongs where, for a new user and a changed one.
func placement(role Role, trustID string, schoolIDs []string, f Facts) error {
	var p domain.Problems
	switch role {
	case SENCO, TrustLead, Staff, Parent, Professional:
		if trustID == "" {
			p.Add("trust_id", "is required for role %s", role)
		}
	case Admin:
		if trustID != "" || len(schoolIDs) > 0 {
			p.Add("role", "an admin belongs to no trust or school")
		}
	}
	if trustID != "" && !f.TrustExists(trustID) {
		p.Add("trust_id", "no such trust")
	}
	if (role == SENCO || role == Staff) && len(schoolIDs) == 0 {
		p.Add("school_ids", "a %s works for at least one school", role)
	}
	if role == LAReviewer && len(schoolIDs) > 0 {
		p.Add("school_ids", "an la_reviewer sees pupils by grant, not by school")
	}
	if role == Parent && len(schoolIDs) > 0 {
		p.Add("school_ids", "a parent sees their own children, not a school")
	}
	if role == Professional && len(schoolIDs) > 0 {
		p.Add("school_ids", "a professional sees what each request shares, not a school")
	}
	for i, s := range schoolIDs {
		if t, ok := f.SchoolTrust(s); !ok || t != trustID {
			p.Add(fmt.Sprintf("school_ids[%d]", i), "no such school in trust %s", trustID)
		}
	}
	return p.Err()
}

// Change is the command to change a user's role and schools (their trust
// stays).
type Change struct {
	Role      Role     `json:"role" validate:"required,allowed=role"`
	SchoolIDs []string `json:"school_ids" validate:"max=100,unique,dive,uuid"`
}

// Changed records a user's new role and schools.
type Changed struct {
	Role      Role       `json:"role"`
	SchoolIDs []string   `json:"school_ids,omitempty"`
	On        civil.Date `json:"on"`
}

func (Changed) EventType() string        { return "user_changed" }
func (e Changed) OccurredOn() civil.Date { return e.On }

// Change decides a new role and schools; the same again records nothing.
func (u *User) Change(cmd Change, f Facts, today civil.Date) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	if !u.Exists() {
		return nil, domain.NotFound("user")
	}
	if err := placement(cmd.Role, u.TrustID, cmd.SchoolIDs, f); err != nil {
		return nil, err
	}
	if cmd.Role == u.Role && slices.Equal(cmd.SchoolIDs, u.SchoolIDs) {
		return nil, nil
	}
	return []event.Data{Changed{Role: cmd.Role, SchoolIDs: cmd.SchoolIDs, On: today}}, nil
}

// IssueToken decides giving the user a new token (the old one stops working).
func (u *User) IssueToken(tokenHash string, today civil.Date) ([]event.Data, error) {
	if !u.Exists() {
		return nil, domain.NotFound("user")
	}
	return []event.Data{TokenIssued{TokenHash: tokenHash, ExpiresOn: today.AddDays(TokenLifetime), On: today}}, nil
}

// RevokeTokens decides ending the user's token; revoking twice records nothing.
func (u *User) RevokeTokens(today civil.Date) ([]event.Data, error) {
	if !u.Exists() {
		return nil, domain.NotFound("user")
	}
	if u.TokenHash == "" {
		return nil, nil
	}
	return []event.Data{TokensRevoked{On: today}}, nil
}

// Deactivate decides ending the user's access; deactivating twice records
// nothing. Nobody deactivates themselves: a trust would be left without its
// lead by a slip.
func (u *User) Deactivate(by string, today civil.Date) ([]event.Data, error) {
	switch {
	case !u.Exists():
		return nil, domain.NotFound("user")
	case by == u.ID:
		return nil, domain.Conflict("You cannot deactivate your own account.")
	case u.Deactivated:
		return nil, nil
	}
	return []event.Data{Deactivated{On: today}}, nil
}

// Reactivate decides giving a deactivated user access again.
func (u *User) Reactivate(today civil.Date) ([]event.Data, error) {
	switch {
	case !u.Exists():
		return nil, domain.NotFound("user")
	case !u.Deactivated:
		return nil, nil
	}
	return []event.Data{Reactivated{On: today}}, nil
}

// AddPasskey is the command to register a passkey.
type AddPasskey struct {
	Name string `json:"name" validate:"notblank,max=100"`
}

// MaxPasskeys is how many passkeys one person may register (a phone, a
// laptop, a security key, and spares).
const MaxPasskeys = 10

// AddPasskey decides registering passkey p, named by cmd.
func (u *User) AddPasskey(cmd AddPasskey, p Passkey, today civil.Date) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	switch {
	case !u.MaySignIn():
		return nil, domain.NotFound("user")
	case len(u.Passkeys) >= MaxPasskeys:
		return nil, domain.Conflict("This account has %d passkeys already; remove one first.", MaxPasskeys)
	}
	if _, dup := u.Passkey(p.ID); dup {
		return nil, domain.Conflict("This passkey is registered already.")
	}
	p.Name, p.AddedOn = cmd.Name, today
	return []event.Data{PasskeyAdded{Passkey: p, On: today}}, nil
}

// IssueIntegrationToken is the command to make a named token.
type IssueIntegrationToken struct {
	Name      string     `json:"name" validate:"notblank,max=100"`
	ExpiresOn civil.Date `json:"expires_on" validate:"required,date"`
}

// MaxTokens is how many integration tokens one account holds.
const MaxTokens = 20

// IssueIntegrationToken decides making token id (of hash) for the user. It
// expires on the day given: after today, and within TokenLifetime days, so
// that every integration is looked at again at least once a year.
func (u *User) IssueIntegrationToken(id, hash string, cmd IssueIntegrationToken, today civil.Date) ([]event.Data, error) {
	if err := domain.Validate(cmd); err != nil {
		return nil, err
	}
	switch {
	case !u.MaySignIn():
		return nil, domain.NotFound("user")
	case !cmd.ExpiresOn.After(today) || cmd.ExpiresOn.After(today.AddDays(TokenLifetime)):
		return nil, domain.Invalid("expires_on", "must be after today and within %d days", TokenLifetime)
	case len(u.Tokens) >= MaxTokens:
		return nil, domain.Conflict("This account has %d tokens already; revoke one first.", MaxTokens)
	}
	return []event.Data{IntegrationTokenIssued{TokenID: id, Name: cmd.Name, TokenHash: hash, ExpiresOn: cmd.ExpiresOn, On: today}}, nil
}

// RevokeIntegrationToken decides ending token id.
func (u *User) RevokeIntegrationToken(id string, today civil.Date) ([]event.Data, error) {
	for _, t := range u.Tokens {
		if t.ID == id {
			return []event.Data{IntegrationTokenRevoked{TokenID: id, On: today}}, nil
		}
	}
	return nil, domain.NotFound("token %s", id)
}
