package eventstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/eventlog"
)

// Documents attached to pupils' records live in a JetStream object store
// bucket, each encrypted under its pupil's key (shred.Cipher.SealBytes), so
// that destroying the key (erasure) makes every copy unreadable, as it
// does the personal fields of the events. The record holds what each
// document is (an event); the bucket holds only the sealed bytes, named
// <pupil>.<document>.
const documentsBucket = "sendcase_documents"

// documents is the bucket, made on first use (a server that was away is
// asked again next time).
func (s *Store) documents(ctx context.Context) (jetstream.ObjectStore, error) {
	s.docsMu.Lock()
	defer s.docsMu.Unlock()
	if s.docs != nil {
		return s.docs, nil
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	docs, err := s.js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket: documentsBucket, Description: "documents of pupils' records, each sealed under its pupil's key",
		Storage: jetstream.FileStorage, Replicas: s.replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("create object store %s: %w", documentsBucket, wrapUnavailable(err))
	}
	s.docs = docs
	return docs, nil
}

func documentName(pupilID, docID string) string { return pupilID + "." + docID }

// PutDocument stores content as document docID of pupil pupilID, sealed
// under the pupil's key (made if the pupil has none yet).
//
// Errors: ErrKeyDestroyed (the pupil was erased), eventlog.ErrUnavailable.
func (s *Store) PutDocument(ctx context.Context, pupilID, docID string, content []byte) error {
	c, err := s.keys.CipherForWriting(ctx, pupilID)
	if err != nil {
		return err
	}
	sealed, err := c.SealBytes(content, []byte(documentName(pupilID, docID)))
	if err != nil {
		return err
	}
	bucket, err := s.documents(ctx)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 4*opTimeout) // 20 MiB
	defer cancel()
	if _, err := bucket.Put(ctx, jetstream.ObjectMeta{Name: documentName(pupilID, docID)}, bytes.NewReader(sealed)); err != nil {
		return fmt.Errorf("put document: %w", wrapUnavailable(err))
	}
	return nil
}

// Document reads document docID of pupil pupilID and opens it.
//
// Errors: eventlog.ErrNoDocument, ErrKeyDestroyed (erased: the bytes are there and
// unreadable), eventlog.ErrUnavailable.
func (s *Store) Document(ctx context.Context, pupilID, docID string) ([]byte, error) {
	bucket, err := s.documents(ctx)
	if err != nil {
		return nil, err
	}
	r, err := bucket.Get(ctx, documentName(pupilID, docID))
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, eventlog.ErrNoDocument
	}
	if err != nil {
		return nil, fmt.Errorf("get document: %w", wrapUnavailable(err))
	}
	defer r.Close()
	sealed, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read document: %w", wrapUnavailable(err))
	}
	c, err := s.keys.Cipher(ctx, pupilID)
	if err != nil {
		return nil, err
	}
	return c.OpenBytes(sealed, []byte(documentName(pupilID, docID)))
}

// DeleteDocument removes a document whose record was never written (the
// command was refused after the bytes were stored).
func (s *Store) DeleteDocument(ctx context.Context, pupilID, docID string) error {
	bucket, err := s.documents(ctx)
	if err != nil {
		return err
	}
	if err := bucket.Delete(ctx, documentName(pupilID, docID)); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
		return fmt.Errorf("delete document: %w", wrapUnavailable(err))
	}
	return nil
}
