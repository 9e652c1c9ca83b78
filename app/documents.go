package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/gabriel-vasile/mimetype"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/shred"
)

// Documents attached to pupils' records. The bytes are stored first,
// sealed under the pupil's key, then the record says what they are: a
// refused or failed command deletes the bytes again, so a document is
// never listed without its file, and an orphaned file (the server stopped
// between the two) is unreadable once the pupil is erased like the rest.

// AddDocument attaches the file read from content to pupilID's record. Its
// type is judged from the bytes (github.com/gabriel-vasile/mimetype), not
// the name. The pupil's SENCO and admins.
//
// Errors: *ValidationError (the fields; "file": empty, over 20 MiB, of a
// type not accepted), *ConflictError (erased), ErrNotFound, ErrForbidden,
// ErrUnavailable.
func (s *Service) AddDocument(ctx context.Context, u user.User, o CommandOptions, pupilID string, cmd pupil.AddDocument, content io.Reader) (Result, error) {
	b, f, err := s.readUpload(ctx, o, pupilID, content, cmd, func(p *pupil.Pupil) error {
		if err := requirePupil(u, pupilID, p, s.Today(), ReadWrite); err != nil {
			return err
		}
		return p.ErasedError()
	})
	if err != nil {
		return Result{}, err
	}
	return s.storeThenRecord(ctx, pupilID, b, func(docID string) (Result, error) {
		return pupilCommand(ctx, s, u, o, "AddDocument", pupilID, ReadWrite, func(p *pupil.Pupil, facts pupil.Facts) (pupilDecision[Result], error) {
			evs, err := p.AddDocument(docID, cmd, f, facts)
			return pupilDecision[Result]{events: evs, answer: func(*pupil.Pupil) Result { return Result{ID: docID} }}, err
		})
	})
}

// readUpload reads an upload's file from content (to one byte past the
// largest accepted) and judges its type from the bytes
// (github.com/gabriel-vasile/mimetype), not its name. Before anything is
// stored it refuses what the command will refuse when it decides: cmd's
// fields, the file, who may (may, on pupilID's record) and a stale
// If-Match.
func (s *Service) readUpload(ctx context.Context, o CommandOptions, pupilID string, content io.Reader, cmd any, may func(p *pupil.Pupil) error) ([]byte, pupil.File, error) {
	b, f, err := s.judgeFile(content, cmd)
	if err != nil {
		return nil, f, err
	}
	err = s.pupils.Read(ctx, pupilID, func(p *pupil.Pupil) error {
		if err := may(p); err != nil {
			return err
		}
		if o.IfMatch != nil && *o.IfMatch != p.Version {
			return domain.StaleVersion(*o.IfMatch, p.Version)
		}
		return nil
	})
	return b, f, err
}

// judgeFile reads an upload's file and checks it and cmd's fields: what
// every upload refuses before anything is stored.
func (s *Service) judgeFile(content io.Reader, cmd any) ([]byte, pupil.File, error) {
	b, err := io.ReadAll(io.LimitReader(content, pupil.MaxDocumentBytes+1))
	if err != nil {
		return nil, pupil.File{}, domain.Invalid("file", "could not be read: send it again")
	}
	sum := sha256.Sum256(b)
	f := pupil.File{ContentType: mimetype.Detect(b).String(), Size: len(b), SHA256: hex.EncodeToString(sum[:])}
	f.ContentType, _, _ = strings.Cut(f.ContentType, ";") // "text/plain; charset=utf-8"
	if err := domain.ValidateOn(cmd, s.Today()); err != nil {
		return nil, f, err
	}
	return b, f, pupil.CheckFile(f)
}

// storeThenRecord stores b sealed under pupilID's key (or a review
// round's) as a new document,
// then has record say so on the record; a refused or failed record deletes
// the bytes again.
func (s *Service) storeThenRecord(ctx context.Context, pupilID string, b []byte, record func(docID string) (Result, error)) (Result, error) {
	docID := newID()
	if err := s.store.PutDocument(ctx, pupilID, docID, b); err != nil {
		if errors.Is(err, shred.ErrKeyDestroyed) {
			return Result{}, errFileErased
		}
		return Result{}, err
	}
	res, err := record(docID)
	if err != nil {
		if derr := s.store.DeleteDocument(context.WithoutCancel(ctx), pupilID, docID); derr != nil {
			slog.Warn("document stored but not recorded; left unreadable after erasure", "document", docID, "error", derr)
		}
	}
	return res, err
}

// MayAddDocument checks, before a file is read, that u may attach
// documents to pupilID's record: its SENCO or an admin.
//
// Errors: ErrNotFound, ErrForbidden, ErrUnavailable.
func (s *Service) MayAddDocument(ctx context.Context, u user.User, pupilID string) error {
	return s.pupils.Read(ctx, pupilID, func(p *pupil.Pupil) error { return requirePupil(u, pupilID, p, s.Today(), ReadWrite) })
}

// errFileErased answers a document whose pupil's key is destroyed (an
// erasure the record has not yet shown).
var errFileErased = domain.Conflict("the pupil's personal data was erased; the record is closed")

// DocumentFile is a document with its bytes.
type DocumentFile struct {
	pupil.Document
	Content []byte
}

// mayReadDocument: who may read document d of a pupil, given their
// access to the record: the SENCO, the trust lead and admins read every
// document; an LA reviewer with a live grant those shared with the LA; the
// pupil's parents those shared with them; a professional those their open
// request shares; nobody else (for whom it does
// not exist).
func mayReadDocument(u user.User, p *pupil.Pupil, access Access, d pupil.Document) bool {
	switch access {
	case ReadWrite, ReadOnly:
		return true
	case EHCPAndAudit:
		return d.SharedWithLA
	case Family:
		return d.SharedWithParents
	case Advises:
		return p.SharesWith(u.ID, d.ID)
	}
	return false
}

// Documents lists the documents of pupilID's record u may read, oldest
// first. Who may: see mayReadDocument.
//
// Errors: ErrNotFound, ErrUnavailable.
func (s *Service) Documents(ctx context.Context, u user.User, pupilID string) ([]pupil.Document, error) {
	out := []pupil.Document{}
	err := s.pupils.Read(ctx, pupilID, func(p *pupil.Pupil) error {
		access := PupilAccess(u, p, s.Today())
		switch {
		case access == NoAccess:
			return domain.NotFound("pupil %s", pupilID)
		case access == Delivers:
			return errRole
		}
		for _, d := range p.Documents {
			if mayReadDocument(u, p, access, d) {
				out = append(out, d) // values: nothing of the shared state escapes
			}
		}
		return nil
	})
	return out, err
}

// Document reads document docID of pupilID's record, and logs the read in
// the record's access log (who, when, which document) before answering.
// Who may: see mayReadDocument.
//
// Errors: ErrNotFound (no such document, or not one u may read),
// *ConflictError (the pupil was erased: the file is unreadable),
// ErrUnavailable.
func (s *Service) Document(ctx context.Context, u user.User, pupilID, docID string) (DocumentFile, error) {
	var d pupil.Document
	err := s.pupils.Read(ctx, pupilID, func(p *pupil.Pupil) error {
		access := PupilAccess(u, p, s.Today())
		if access == NoAccess {
			return domain.NotFound("pupil %s", pupilID)
		}
		var ok bool
		if d, ok = p.Document(docID); !ok || !mayReadDocument(u, p, access, d) {
			return domain.NotFound("document %s", docID)
		}
		return p.ErasedError()
	})
	if err != nil {
		return DocumentFile{}, err
	}
	content, err := s.store.Document(ctx, pupilID, docID)
	switch {
	case errors.Is(err, shred.ErrKeyDestroyed):
		return DocumentFile{}, errFileErased
	case errors.Is(err, eventlog.ErrNoDocument):
		return DocumentFile{}, domain.NotFound("document %s", docID)
	case err != nil:
		return DocumentFile{}, err
	}
	what := fmt.Sprintf("document %s (%s)", d.ID, d.Kind)
	if err := s.store.LogAccess(ctx, pupilID, eventlog.AccessEntry{UserID: u.ID, Name: u.Name, Role: string(u.Role), What: what, At: s.now().UTC()}); err != nil {
		return DocumentFile{}, err
	}
	return DocumentFile{Document: d, Content: content}, nil
}
