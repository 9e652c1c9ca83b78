package projections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	gojson "github.com/goccy/go-json"

	"github.com/sendcase/sendcase/shred"
)

// Keys gives the ciphers of pupils' keys (eventstore.Keyring in a running
// sendcase). A summary kept anywhere outside memory (PostgreSQL's rows, a
// snapshot of the in-memory views) has its personal fields sealed under
// its pupil's key, so destroying the key erases them there too: from old
// versions, the WAL, backups and older snapshots alike.
type Keys interface {
	// Cipher returns the pupil's cipher for reading, or an error wrapping
	// shred.ErrKeyDestroyed once the pupil is erased.
	Cipher(ctx context.Context, id string) (*shred.Cipher, error)
	// CipherForWriting is Cipher, creating the key of a pupil that has none.
	CipherForWriting(ctx context.Context, id string) (*shred.Cipher, error)
}

// summaryPersonal is the tree of a summary's personal fields as stored.
var summaryPersonal = SummaryPersonal()

// sealedFor binds a summary's sealed values to its pupil.
func sealedFor(pupilID string) []byte { return []byte(pupilID + "/summary") }

// SealSummary is the stored form of pupil id's summary: its JSON with the
// personal fields sealed under the pupil's key, or erased once the key is
// destroyed. An encoding failure wraps ErrRefused (the summary holds what
// JSON cannot); any other error is the keys'.
func SealSummary(ctx context.Context, keys Keys, id string, sm *Summary) ([]byte, error) {
	doc, err := json.Marshal(sm)
	if err != nil {
		return nil, fmt.Errorf("encode summary %s: %w: %v", id, ErrRefused, err)
	}
	c, err := keys.CipherForWriting(ctx, id)
	switch {
	case errors.Is(err, shred.ErrKeyDestroyed):
		doc, err = shred.Erase(summaryPersonal, doc)
	case err != nil:
		return nil, fmt.Errorf("seal summary %s: %w", id, err)
	default:
		doc, err = c.Seal(summaryPersonal, doc, sealedFor(id))
	}
	if err != nil {
		return nil, fmt.Errorf("seal summary %s: %w: %v", id, ErrRefused, err)
	}
	return doc, nil
}

// OpenSummary reads what SealSummary wrote of pupil id into sm. Its
// personal fields read as erased when the key is destroyed, or when a
// value does not open (it was altered), as the stream's events do.
func OpenSummary(ctx context.Context, keys Keys, id string, doc []byte, sm *Summary) error {
	c, err := keys.Cipher(ctx, id)
	var plain []byte
	switch {
	case errors.Is(err, shred.ErrKeyDestroyed):
		plain, err = shred.Erase(summaryPersonal, doc)
	case err != nil:
		return fmt.Errorf("open summary %s: %w", id, err)
	default:
		if plain, err = c.Open(summaryPersonal, doc, sealedFor(id)); err != nil {
			plain, err = shred.Erase(summaryPersonal, doc)
		}
	}
	if err == nil {
		err = gojson.Unmarshal(plain, sm)
	}
	if err != nil {
		return fmt.Errorf("decode summary %s: %w", id, err)
	}
	return nil
}
