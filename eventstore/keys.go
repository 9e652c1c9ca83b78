package eventstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/shred"
)

// Keys of personal data live in a stream of their own, outside the event
// stream: one subject per aggregate holding its key, or, once the key is
// destroyed, a tombstone. Destroying a key overwrites the stored message
// (JetStream's secure delete) before the tombstone is written, so the key
// is gone from disk, not only hidden. See docs/data-protection.md.
const (
	keysStream      = "SENDCASE_KEYS"
	keysPrefix      = "sendcase-keys."
	destroyedHeader = "Sendcase-Key-Destroyed"
	// keysLoadWait bounds waiting for the cache to fill at start; keys not
	// yet cached are fetched one at a time.
	keysLoadWait = 30 * time.Second
)

// ErrKeyDestroyed means an aggregate's key is destroyed (or was never
// kept): its personal data reads as erased. (It is shred's, so that stores
// without NATS, such as pgstore, can tell it.)
var ErrKeyDestroyed = shred.ErrKeyDestroyed

// Keyring creates, caches and destroys the keys of aggregates' personal
// data. Every node keeps all keys in memory (32 bytes a pupil) and follows
// the stream, so that a key destroyed on one node is forgotten by all.
type Keyring struct {
	js     jetstream.JetStream
	stream jetstream.Stream

	mu   sync.RWMutex
	keys map[string]*shred.Cipher // nil: destroyed

	cc jetstream.ConsumeContext
}

func openKeyring(ctx context.Context, js jetstream.JetStream, replicas int) (*Keyring, error) {
	stream, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:              keysStream,
		Description:       "keys of personal data, one subject per aggregate; a destroyed key is a tombstone",
		Subjects:          []string{keysPrefix + ">"},
		Storage:           jetstream.FileStorage,
		Replicas:          replicas,
		MaxMsgsPerSubject: 1,
		Discard:           jetstream.DiscardOld,
		// Reads go to the leader: a replica behind it could miss a new key.
		AllowDirect: false,
		DenyPurge:   true,
	})
	if err != nil {
		return nil, fmt.Errorf("create stream %s: %w", keysStream, wrapUnavailable(err))
	}
	k := &Keyring{js: js, stream: stream, keys: map[string]*shred.Cipher{}}
	if err := k.follow(ctx); err != nil {
		return nil, err
	}
	return k, nil
}

// follow fills the cache and keeps it current, waiting (a bounded time)
// for the keys stored before it started.
func (k *Keyring) follow(ctx context.Context) error {
	info, err := k.stream.Info(ctx)
	if err != nil {
		return fmt.Errorf("keys: %w", wrapUnavailable(err))
	}
	cons, err := k.stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverLastPerSubjectPolicy})
	if err != nil {
		return fmt.Errorf("keys: consumer: %w", wrapUnavailable(err))
	}
	loaded := make(chan struct{})
	var once sync.Once
	if info.State.Msgs == 0 {
		once.Do(func() { close(loaded) })
	}
	k.cc, err = cons.Consume(func(m jetstream.Msg) {
		k.remember(m.Subject(), m.Headers(), m.Data())
		if meta, err := m.Metadata(); err == nil && meta.NumPending == 0 {
			once.Do(func() { close(loaded) })
		}
	})
	if err != nil {
		return fmt.Errorf("keys: consume: %w", wrapUnavailable(err))
	}
	select {
	case <-loaded:
	case <-time.After(keysLoadWait):
	case <-ctx.Done():
		k.Close()
		return fmt.Errorf("keys: %w", wrapUnavailable(ctx.Err()))
	}
	return nil
}

// Close stops following the stream.
func (k *Keyring) Close() {
	if k.cc != nil {
		k.cc.Stop()
	}
}

func (k *Keyring) remember(subject string, h nats.Header, data []byte) {
	id := strings.TrimPrefix(subject, keysPrefix)
	k.mu.Lock()
	defer k.mu.Unlock()
	if h.Get(destroyedHeader) != "" {
		k.keys[id] = nil
		return
	}
	if _, known := k.keys[id]; known {
		// A key never changes once made, and a destroyed one never comes
		// back: the follower hearing of a key already cached (or already
		// forgotten) changes nothing.
		return
	}
	if c, err := shred.NewCipher(data); err == nil {
		k.keys[id] = c
	}
}

// cached answers from the cache: known is false when id is not cached,
// and err is ErrKeyDestroyed when its key is.
func (k *Keyring) cached(id string) (c *shred.Cipher, known bool, err error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	c, known = k.keys[id]
	if known && c == nil {
		return nil, true, ErrKeyDestroyed
	}
	return c, known, nil
}

// fetch reads id's key from the stream into the cache and returns its
// cipher: ErrKeyDestroyed for a tombstone, ok false when there is nothing.
func (k *Keyring) fetch(ctx context.Context, id string) (c *shred.Cipher, ok bool, err error) {
	m, err := k.stream.GetLastMsgForSubject(ctx, keysPrefix+id)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("key %s: %w", id, wrapUnavailable(err))
	}
	k.remember(m.Subject, m.Header, m.Data)
	c, known, err := k.cached(id)
	if !known {
		return nil, false, fmt.Errorf("key %s: not a key (%d bytes)", id, len(m.Data))
	}
	return c, true, err
}

// Cipher returns the cipher of aggregate id's key for reading, or
// ErrKeyDestroyed when the key is destroyed or missing.
func (k *Keyring) Cipher(ctx context.Context, id string) (*shred.Cipher, error) {
	if c, known, err := k.cached(id); known {
		return c, err
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	c, ok, err := k.fetch(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		// Not cached as destroyed: an aggregate written before encryption
		// may yet get a key on another node.
		return nil, ErrKeyDestroyed
	}
	return c, nil
}

// CipherForWriting returns the cipher of aggregate id's key, creating the
// key if it has none, or ErrKeyDestroyed if it was destroyed: an erased
// aggregate never gets a new key.
func (k *Keyring) CipherForWriting(ctx context.Context, id string) (*shred.Cipher, error) {
	if c, known, err := k.cached(id); known {
		return c, err
	}
	ctx, cancel := bounded(ctx)
	defer cancel()
	key, err := shred.NewKey()
	if err != nil {
		return nil, err
	}
	_, err = k.js.Publish(ctx, keysPrefix+id, key,
		jetstream.WithExpectStream(keysStream), jetstream.WithExpectLastSequencePerSubject(0))
	if err != nil && !isWrongLastSeq(err) {
		return nil, fmt.Errorf("create key %s: %w", id, wrapUnavailable(err))
	}
	if err == nil {
		k.remember(keysPrefix+id, nil, key)
		c, _, err := k.cached(id)
		return c, err
	}
	// Another request created it first (or destroyed it): use what is stored.
	c, _, err := k.fetch(ctx, id)
	return c, err
}

// Destroy destroys the key of aggregate id, for good: the stored key is
// overwritten, a tombstone takes its place, and every node forgets it.
// Destroying a destroyed key does nothing.
func (k *Keyring) Destroy(ctx context.Context, id string) error {
	ctx, cancel := bounded(ctx)
	defer cancel()
	subject := keysPrefix + id
	m, err := k.stream.GetLastMsgForSubject(ctx, subject)
	switch {
	case errors.Is(err, jetstream.ErrMsgNotFound):
	case err != nil:
		return fmt.Errorf("destroy key %s: %w", id, wrapUnavailable(err))
	case m.Header.Get(destroyedHeader) != "":
		k.remember(subject, m.Header, nil)
		return nil
	default:
		if err := k.stream.SecureDeleteMsg(ctx, m.Sequence); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
			return fmt.Errorf("destroy key %s: %w", id, wrapUnavailable(err))
		}
	}
	tomb := &nats.Msg{Subject: subject, Header: nats.Header{destroyedHeader: []string{"true"}}}
	if _, err := k.js.PublishMsg(ctx, tomb, jetstream.WithExpectStream(keysStream), jetstream.WithExpectLastSequencePerSubject(0)); err != nil && !isWrongLastSeq(err) {
		return fmt.Errorf("destroy key %s: tombstone: %w", id, wrapUnavailable(err))
	}
	k.remember(subject, tomb.Header, nil)
	return nil
}

// Decrypt makes the encrypted events of commit c readable: decrypted with the
// aggregate's key, or, when the key is destroyed, with their personal
// fields erased. It runs before c.Decode.
func (k *Keyring) Decrypt(ctx context.Context, c *event.Commit) error {
	var ci *shred.Cipher
	var keyErr error
	looked := false
	for i := range c.Events {
		e := &c.Events[i]
		if e.Encryption == "" {
			continue
		}
		if !looked {
			ci, keyErr = k.Cipher(ctx, c.AggregateID)
			looked = true
		}
		var err error
		switch {
		case errors.Is(keyErr, ErrKeyDestroyed):
			err = shred.Shred(e)
		case keyErr != nil:
			return keyErr
		default:
			if ci.Decrypt(c.AggregateID, e) != nil {
				// The stored event was altered: its hash no longer matches,
				// which the audit trail's verification reports. Read it as
				// erased rather than fail every read of the pupil.
				err = shred.Shred(e)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// forget treats aggregate id's key as destroyed on this node, at once.
func (k *Keyring) forget(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys[id] = nil
}

// Encrypt encrypts the personal fields of e, an event of aggregate id, under
// the aggregate's key (created on first use). It runs before e is hashed.
func (k *Keyring) Encrypt(ctx context.Context, id string, e *event.Event) error {
	if !event.HasPersonal(e.Type) {
		return nil
	}
	c, err := k.CipherForWriting(ctx, id)
	if err != nil {
		return fmt.Errorf("encrypt %s: %w", e.Type, err)
	}
	return c.Encrypt(id, e)
}

// each calls fn with every aggregate's key (nil when destroyed), as stored now.
func (k *Keyring) each(ctx context.Context, fn func(id string, key []byte) error) error {
	info, err := k.stream.Info(ctx)
	if err != nil {
		return fmt.Errorf("keys: %w", wrapUnavailable(err))
	}
	if info.State.Msgs == 0 {
		return nil
	}
	cons, err := k.stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverLastPerSubjectPolicy})
	if err != nil {
		return fmt.Errorf("keys: consumer: %w", wrapUnavailable(err))
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("keys: %w", wrapUnavailable(err))
	}
	defer it.Stop()
	for {
		m, err := it.Next()
		if err != nil {
			return fmt.Errorf("keys: read: %w", wrapUnavailable(err))
		}
		var key []byte
		if m.Headers().Get(destroyedHeader) == "" {
			key = m.Data()
		}
		if err := fn(strings.TrimPrefix(m.Subject(), keysPrefix), key); err != nil {
			return err
		}
		meta, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("keys: %w", err)
		}
		if meta.NumPending == 0 {
			return nil
		}
	}
}

// restore stores id's key (nil: a tombstone) into an empty keyring.
func (k *Keyring) restore(ctx context.Context, id string, key []byte) error {
	msg := &nats.Msg{Subject: keysPrefix + id, Data: key}
	if key == nil {
		msg.Header = nats.Header{destroyedHeader: []string{"true"}}
	}
	if _, err := k.js.PublishMsg(ctx, msg, jetstream.WithExpectStream(keysStream), jetstream.WithExpectLastSequencePerSubject(0)); err != nil {
		return fmt.Errorf("restore key %s: %w", id, wrapUnavailable(err))
	}
	k.remember(msg.Subject, msg.Header, key)
	return nil
}
