package eventstore_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/internal/until"
)

func TestKeyringCreateReadDestroy(t *testing.T) {
	srv, nc := natstest.Embedded(t, "")
	a := open(t, nc)
	nc2, err := srv.Connect("second node")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc2.Close)
	b := open(t, nc2)
	ctx := context.Background()

	ca, err := a.Keys().CipherForWriting(ctx, "p1")
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if again, err := a.Keys().CipherForWriting(ctx, "p1"); err != nil || again != ca {
		t.Fatalf("a second create made another key: %v", err)
	}
	// What one node encrypts, the other decrypts.
	e := registration(t)
	if err := ca.Encrypt("p1", &e); err != nil {
		t.Fatal(err)
	}
	cb, err := b.Keys().Cipher(ctx, "p1")
	if err != nil {
		t.Fatalf("another node: %v", err)
	}
	e.Plain = nil
	if err := cb.Decrypt("p1", &e); err != nil || !bytes.Contains(e.Plain, []byte("Ada")) {
		t.Fatalf("another node decrypts %s, %v", e.Plain, err)
	}
	if _, err := b.Keys().Cipher(ctx, "nobody"); !errors.Is(err, eventstore.ErrKeyDestroyed) {
		t.Fatalf("a missing key: %v, want ErrKeyDestroyed", err)
	}
	keyBytes := storedKeys(t, nc)
	if len(keyBytes) != 1 {
		t.Fatalf("%d keys stored, want 1", len(keyBytes))
	}

	if err := a.Keys().Destroy(ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	if err := a.Keys().Destroy(ctx, "p1"); err != nil {
		t.Fatalf("destroying twice: %v", err)
	}
	// The other node forgets it without being told.
	until.True(t, 5*time.Second, "the other node to forget the key", func() bool {
		_, err := b.Keys().Cipher(ctx, "p1")
		return errors.Is(err, eventstore.ErrKeyDestroyed)
	})
	if _, err := b.Keys().CipherForWriting(ctx, "p1"); !errors.Is(err, eventstore.ErrKeyDestroyed) {
		t.Fatalf("a destroyed key was made anew: %v", err)
	}
	// Nothing of the key is left in its stream.
	if left := storedKeys(t, nc); len(left) != 0 {
		t.Fatalf("the destroyed key is still stored: %d keys", len(left))
	}
}

// storedKeys returns every 32-byte message body in the keys stream.
func storedKeys(t *testing.T, nc *nats.Conn) [][]byte {
	t.Helper()
	ctx := context.Background()
	js, _ := jetstream.New(nc)
	st, err := js.Stream(ctx, "SENDCASE_KEYS")
	if err != nil {
		t.Fatal(err)
	}
	info, _ := st.Info(ctx)
	var out [][]byte
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && seq > 0; seq++ {
		if m, err := st.GetMsg(ctx, seq); err == nil && len(m.Data) == 32 {
			out = append(out, m.Data)
		}
	}
	return out
}

func registration(t *testing.T) event.Event {
	t.Helper()
	e, err := event.New("e1", 1, event.Actor{ID: "u"}, time.Unix(0, 0),
		pupil.Registered{PupilID: "p1", UPN: "B801200005001", FirstName: "Ada", LastName: "Lovelace", DateOfBirth: civil.MustParse("2015-03-04"), On: civil.MustParse("2025-09-01")})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestDecryptWithADestroyedKeyErases(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	s := open(t, nc)
	ctx := context.Background()
	e := registration(t)
	if err := s.Keys().Encrypt(ctx, "p1", &e); err != nil {
		t.Fatal(err)
	}
	if err := event.Seal("p1", "", &e); err != nil {
		t.Fatal(err)
	}
	c := &event.Commit{Aggregate: "pupil", AggregateID: "p1", Events: []event.Event{e}}
	if _, err := s.Append(ctx, eventlog.Subject("pupil", "p1"), 0, c, ""); err != nil {
		t.Fatal(err)
	}
	name := func() string {
		t.Helper()
		l, err := s.Load(ctx, eventlog.Subject("pupil", "p1"), 0)
		if err != nil {
			t.Fatal(err)
		}
		return l[0].Commit.Events[0].Data.(pupil.Registered).FirstName
	}
	if n := name(); n != "Ada" {
		t.Fatalf("read %q", n)
	}
	if err := s.Keys().Destroy(ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	if n := name(); n != event.ErasedText {
		t.Fatalf("after the key is destroyed, read %q", n)
	}
}

func TestReleaseClaimLeavesNoTrace(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	s := open(t, nc)
	ctx := context.Background()
	if _, err := s.ClaimUnique(ctx, "upn.t1.B801200005001", "p1"); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseClaim(ctx, "upn.t1.B801200005001"); err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(nc)
	st, err := js.Stream(ctx, "KV_sendcase_unique")
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx, jetstream.WithSubjectFilter(">"))
	if err != nil || info.State.Msgs != 0 || len(info.State.Subjects) != 0 {
		t.Fatalf("the bucket still holds %d messages (%v): %v", info.State.Msgs, info.State.Subjects, err)
	}
	if c, err := s.ClaimUnique(ctx, "upn.t1.B801200005001", "p2"); err != nil || c.Owner != "p2" {
		t.Fatalf("claim after release: %+v %v", c, err)
	}
}

// A node that still holds a key in its cache must not show what an erasure
// destroyed: an erasure in the history makes everything before it read as
// erased, and the key is forgotten at once.
func TestErasureInHistoryWinsOverACachedKey(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	s := open(t, nc)
	ctx := context.Background()
	subject := eventlog.Subject("pupil", "p1")
	e := registration(t)
	if err := s.Keys().Encrypt(ctx, "p1", &e); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(ctx, subject, 0, &event.Commit{Aggregate: "pupil", AggregateID: "p1", Events: []event.Event{e}}, ""); err != nil {
		t.Fatal(err)
	}
	erasure, err := event.New("e2", 2, event.Actor{ID: "admin"}, time.Unix(0, 0), pupil.Erased{On: civil.MustParse("2026-01-05"), Reason: "retention period ended"})
	if err != nil {
		t.Fatal(err)
	}
	// The erasure is stored but the key not yet destroyed (another node's
	// work, not yet heard of here, or interrupted).
	if _, err := s.Append(ctx, subject, 1, &event.Commit{Aggregate: "pupil", AggregateID: "p1", Events: []event.Event{erasure}}, ""); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second load finds the key forgotten
		l, err := s.Load(ctx, subject, 0)
		if err != nil {
			t.Fatal(err)
		}
		if r := l[0].Commit.Events[0].Data.(pupil.Registered); r.FirstName != event.ErasedText || r.DateOfBirth.Valid() {
			t.Fatalf("registration after erasure reads %+v", r)
		}
	}
	if _, err := s.Keys().Cipher(ctx, "p1"); !errors.Is(err, eventstore.ErrKeyDestroyed) {
		t.Fatalf("key not forgotten: %v", err)
	}
}
