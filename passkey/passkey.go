// Package passkey registers and checks passkeys (WebAuthn) on
// github.com/go-webauthn/webauthn: the ceremonies' options for the browser,
// and the checks of what the browser answers. It keeps nothing: the
// ceremony's session data goes to the caller to hold server-side between
// the two steps, and credentials live on the user aggregate.
package passkey

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/sendcase/sendcase/domain/user"
)

// ErrRefused means the browser's answer does not check out: another
// origin, challenge or key, a bad signature, or an unknown passkey.
var ErrRefused = errors.New("the passkey was not accepted")

// RP is the relying party: this service at its public URL.
type RP struct {
	wa *webauthn.WebAuthn
}

// New returns the relying party at publicURL (its host is the RP ID).
func New(publicURL string) (*RP, error) {
	u, err := url.Parse(publicURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("passkeys need the public URL (SENDCASE_PUBLIC_URL): %q", publicURL)
	}
	if net.ParseIP(u.Hostname()) != nil {
		return nil, fmt.Errorf("passkeys need a host name, not an IP address, in the public URL %q (localhost will do on one machine)", publicURL)
	}
	wa, err := webauthn.New(&webauthn.Config{
		RPID: u.Hostname(), RPDisplayName: "sendcase", RPOrigins: []string{u.Scheme + "://" + u.Host},
	})
	if err != nil {
		return nil, fmt.Errorf("passkeys: %w", err)
	}
	return &RP{wa: wa}, nil
}

// account is a user as WebAuthn sees them: the user id is the handle.
type account struct{ u user.User }

func (a account) WebAuthnID() []byte          { return []byte(a.u.ID) }
func (a account) WebAuthnName() string        { return a.u.Email }
func (a account) WebAuthnDisplayName() string { return a.u.Name }
func (a account) WebAuthnCredentials() []webauthn.Credential {
	out := make([]webauthn.Credential, 0, len(a.u.Passkeys))
	for _, p := range a.u.Passkeys {
		var c webauthn.Credential
		if json.Unmarshal(p.Credential, &c) == nil {
			out = append(out, c)
		}
	}
	return out
}

// BeginRegistration answers the options for navigator.credentials.create
// and the session data to hold until FinishRegistration. The passkey is
// discoverable (no username to type) and checks the person (PIN or
// biometrics).
func (rp *RP) BeginRegistration(u user.User) (options, session []byte, err error) {
	a := account{u}
	var exclude []protocol.CredentialDescriptor
	for _, c := range a.WebAuthnCredentials() {
		exclude = append(exclude, c.Descriptor())
	}
	creation, sd, err := rp.wa.BeginRegistration(a,
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementRequired),
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementRequired, RequireResidentKey: protocol.ResidentKeyRequired(),
			UserVerification: protocol.VerificationRequired,
		}),
		webauthn.WithExclusions(exclude))
	if err != nil {
		return nil, nil, fmt.Errorf("begin passkey registration: %w", err)
	}
	return marshalBoth(creation, sd)
}

// FinishRegistration checks the browser's answer to BeginRegistration's
// options and answers the passkey to record.
//
// Errors: ErrRefused.
func (rp *RP) FinishRegistration(u user.User, session, response []byte) (user.Passkey, error) {
	var sd webauthn.SessionData
	if err := json.Unmarshal(session, &sd); err != nil {
		return user.Passkey{}, fmt.Errorf("passkey session: %w", err)
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return user.Passkey{}, fmt.Errorf("%w: %v", ErrRefused, err)
	}
	c, err := rp.wa.CreateCredential(account{u}, sd, parsed)
	if err != nil {
		return user.Passkey{}, fmt.Errorf("%w: %v", ErrRefused, err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		return user.Passkey{}, fmt.Errorf("encode passkey: %w", err)
	}
	return user.Passkey{ID: c.ID, Credential: b}, nil
}

// BeginSignIn answers the options for navigator.credentials.get (any of
// this service's passkeys) and the session data to hold until FinishSignIn.
func (rp *RP) BeginSignIn() (options, session []byte, err error) {
	assertion, sd, err := rp.wa.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, nil, fmt.Errorf("begin passkey sign-in: %w", err)
	}
	return marshalBoth(assertion, sd)
}

// FinishSignIn checks the browser's answer to BeginSignIn's options and
// answers whose passkey it was; find returns the user of a user id, if they
// may sign in.
//
// Errors: ErrRefused.
func (rp *RP) FinishSignIn(session, response []byte, find func(userID string) (user.User, bool)) (user.User, error) {
	var sd webauthn.SessionData
	if err := json.Unmarshal(session, &sd); err != nil {
		return user.User{}, fmt.Errorf("passkey session: %w", err)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil {
		return user.User{}, fmt.Errorf("%w: %v", ErrRefused, err)
	}
	var who user.User
	_, err = rp.wa.ValidateDiscoverableLogin(func(rawID, handle []byte) (webauthn.User, error) {
		u, ok := find(string(handle))
		if !ok {
			return nil, errors.New("no such account")
		}
		if _, ok := u.Passkey(rawID); !ok {
			return nil, errors.New("not this account's passkey")
		}
		who = u
		return account{u}, nil
	}, sd, parsed)
	if err != nil {
		return user.User{}, fmt.Errorf("%w: %v", ErrRefused, err)
	}
	return who, nil
}

func marshalBoth(options, session any) ([]byte, []byte, error) {
	o, err := json.Marshal(options)
	if err != nil {
		return nil, nil, fmt.Errorf("encode passkey options: %w", err)
	}
	s, err := json.Marshal(session)
	if err != nil {
		return nil, nil, fmt.Errorf("encode passkey session: %w", err)
	}
	return o, s, nil
}
