// Package shred encrypts the personal fields of events under a key of their
// aggregate, so that destroying the key erases them everywhere the events
// are kept (crypto-shredding), while the events themselves, and the hash
// chain over what is stored, stay.
//
// Only the values of personal fields (tagged `personal:"true"`, see
// Rewrite) are encrypted, each into a string, so that a
// stored payload keeps its JSON shape and the fields a view needs without
// personal data (dates, codes, minutes, costs) stay readable to tools that
// have no key.
package shred

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sendcase/sendcase/domain/event"
)

// Scheme names the encryption of events: AES-256-GCM of each field's
// JSON value, with a random 96-bit nonce and the aggregate and event ids as
// additional data, so a value cannot be moved to another event unnoticed.
const Scheme = "aes-256-gcm/v1"

// prefix starts every encrypted value.
const prefix = "enc:v1:"

// KeySize is the length of an aggregate key in bytes.
const KeySize = 32

// NewKey returns a new random aggregate key.
func NewKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("new key: %w", err)
	}
	return k, nil
}

// Cipher encrypts and decrypts the personal fields of one aggregate's
// events. Made once per key and kept: setting up AES-GCM costs more than
// decrypting a field.
type Cipher struct {
	aead cipher.AEAD
}

// NewCipher returns the cipher of key.
func NewCipher(key []byte) (*Cipher, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Cipher{aead: aead}, nil
}

// ErrKeyDestroyed means an aggregate's key is destroyed (or was never
// kept): its personal data reads as erased.
var ErrKeyDestroyed = errors.New("key destroyed")

// Encrypt encrypts the personal fields of e, an event of aggregate id. It
// must run before the event is hashed. Events without personal fields are
// left as they are.
func (c *Cipher) Encrypt(id string, e *event.Event) error {
	tree, err := event.PersonalFields(e.Type)
	if err != nil || tree == nil {
		return err
	}
	enc, err := c.Seal(tree, e.Raw, additionalData(id, e.ID))
	if err != nil {
		return fmt.Errorf("encrypt %s: %w", e.ID, err)
	}
	e.Plain, e.Raw, e.Encryption = e.Raw, enc, Scheme
	return nil
}

// Seal returns raw, JSON of a type whose personal fields are tree, with
// each personal value encrypted on its own and bound to ad (the owner's
// ids), so that it cannot be moved elsewhere unnoticed.
func (c *Cipher) Seal(tree *event.Personal, raw json.RawMessage, ad []byte) (json.RawMessage, error) {
	if tree == nil {
		return raw, nil
	}
	return rewrite(raw, tree, func(v, _ json.RawMessage) (json.RawMessage, error) {
		nonce := make([]byte, c.aead.NonceSize())
		if _, err := rand.Read(nonce); err != nil {
			return nil, err
		}
		ct := c.aead.Seal(nonce, nonce, bytes.TrimSpace(v), ad)
		// Base64url needs no escaping inside a JSON string.
		out := make([]byte, 0, 2+len(prefix)+base64.RawURLEncoding.EncodedLen(len(ct)))
		out = append(append(out, '"'), prefix...)
		out = base64.RawURLEncoding.AppendEncode(out, ct)
		return append(out, '"'), nil
	})
}

// ErrUnknownScheme means an event was encrypted in a way this version cannot read.
var ErrUnknownScheme = errors.New("unknown encryption scheme")

// Decrypt decrypts the personal fields of e, an encrypted event of
// aggregate id, into e.Plain. A value that does not decrypt is an error: it
// means the stored event or the key was altered.
func (c *Cipher) Decrypt(id string, e *event.Event) error {
	if e.Encryption == "" {
		return nil
	}
	if e.Encryption != Scheme {
		return fmt.Errorf("decrypt %s: %w %q", e.ID, ErrUnknownScheme, e.Encryption)
	}
	tree, err := event.PersonalFields(e.Type)
	if err != nil {
		return fmt.Errorf("decrypt %s: %w", e.ID, err)
	}
	plain, err := c.Open(tree, e.Raw, additionalData(id, e.ID))
	if err != nil {
		return fmt.Errorf("decrypt %s: %w", e.ID, err)
	}
	e.Plain, e.Shredded = plain, false
	return nil
}

// Open is the inverse of Seal: the personal values of raw decrypted. A
// value that does not decrypt under this key and ad is an error.
func (c *Cipher) Open(tree *event.Personal, raw json.RawMessage, ad []byte) (json.RawMessage, error) {
	if tree == nil {
		return raw, nil
	}
	n := c.aead.NonceSize()
	return rewrite(raw, tree, func(v, _ json.RawMessage) (json.RawMessage, error) {
		if len(v) < len(prefix)+2 || v[0] != '"' || v[len(v)-1] != '"' || string(v[1:1+len(prefix)]) != prefix {
			return nil, errors.New("not an encrypted value")
		}
		ct, err := base64.RawURLEncoding.DecodeString(string(v[1+len(prefix) : len(v)-1]))
		if err != nil || len(ct) < n {
			return nil, errors.New("malformed encrypted value")
		}
		return c.aead.Open(nil, ct[:n], ct[n:], ad)
	})
}

// Shred marks e, an encrypted event whose key is destroyed, as erased: e.Plain
// gets its personal fields erased, so it still decodes and every other
// field reads as stored.
func Shred(e *event.Event) error {
	if e.Encryption == "" {
		return nil
	}
	tree, err := event.PersonalFields(e.Type)
	if err != nil {
		return fmt.Errorf("shred %s: %w", e.ID, err)
	}
	plain, err := Erase(tree, e.Raw)
	if err != nil {
		return fmt.Errorf("shred %s: %w", e.ID, err)
	}
	e.Plain, e.Shredded = plain, true
	return nil
}

// Erase returns raw with every personal value (sealed or not) replaced by
// its erased value.
func Erase(tree *event.Personal, raw json.RawMessage) (json.RawMessage, error) {
	if tree == nil {
		return raw, nil
	}
	return rewrite(raw, tree, func(_, erased json.RawMessage) (json.RawMessage, error) {
		return erased, nil
	})
}

func additionalData(aggregateID, eventID string) []byte {
	return []byte(aggregateID + "/" + eventID)
}

// SealBytes encrypts a whole file (a document) with the aggregate's key:
// a random nonce, then the AES-GCM ciphertext of b with ad as additional
// data (the aggregate and document ids, so a file cannot be moved to
// another pupil's record unnoticed).
func (c *Cipher) SealBytes(b, ad []byte) ([]byte, error) {
	nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(b)+c.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	return c.aead.Seal(nonce, nonce, b, ad), nil
}

// OpenBytes decrypts what SealBytes made.
func (c *Cipher) OpenBytes(sealed, ad []byte) ([]byte, error) {
	n := c.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("sealed file too short")
	}
	b, err := c.aead.Open(nil, sealed[:n], sealed[n:], ad)
	if err != nil {
		return nil, fmt.Errorf("open file: %w", err)
	}
	return b, nil
}
