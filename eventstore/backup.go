package eventstore

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	gojson "github.com/goccy/go-json"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Backups are logical: every message of the event stream in sequence
// order, and the entries of the claim and idempotency buckets, as gzipped
// JSON lines. A logical backup restores into any empty server or cluster,
// whatever its version, storage layout or number of replicas.

const backupFormat = "sendcase-backup/1"

type backupHeader struct {
	Format    string    `json:"format"`
	Stream    string    `json:"stream"`
	LastSeq   uint64    `json:"last_seq"`
	CreatedAt time.Time `json:"created_at"`
}

type backupLine struct {
	// Kind is "msg" for a stream message, or the bucket of a KV entry.
	Kind    string              `json:"kind"`
	Seq     uint64              `json:"seq,omitempty"`
	Subject string              `json:"subject,omitempty"`
	Header  map[string][]string `json:"header,omitempty"`
	Key     string              `json:"key,omitempty"`
	Data    []byte              `json:"data"`
}

// BackupStats says what a backup or restore moved.
type BackupStats struct {
	Messages   uint64
	Claims     int
	Idempotent int
	Keys       int
}

// Backup writes everything stored up to now to w.
func (s *Store) Backup(ctx context.Context, w io.Writer) (BackupStats, error) {
	var st BackupStats
	info, err := s.stream.Info(ctx)
	if err != nil {
		return st, fmt.Errorf("backup: %w", wrapUnavailable(err))
	}
	last := info.State.LastSeq
	gz := gzip.NewWriter(w)
	bw := bufio.NewWriter(gz)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(backupHeader{Format: backupFormat, Stream: StreamName, LastSeq: last, CreatedAt: time.Now().UTC()}); err != nil {
		return st, err
	}
	if last > 0 {
		cons, err := s.stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
		if err != nil {
			return st, fmt.Errorf("backup: %w", err)
		}
		it, err := cons.Messages(jetstream.PullMaxMessages(1000))
		if err != nil {
			return st, fmt.Errorf("backup: %w", err)
		}
		for {
			m, err := it.Next()
			if err != nil {
				it.Stop()
				return st, fmt.Errorf("backup: read: %w", err)
			}
			meta, err := m.Metadata()
			if err != nil {
				it.Stop()
				return st, fmt.Errorf("backup: %w", err)
			}
			line := backupLine{Kind: "msg", Seq: meta.Sequence.Stream, Subject: m.Subject(), Data: m.Data()}
			if h := m.Headers(); len(h) > 0 {
				line.Header = h
			}
			if err := enc.Encode(line); err != nil {
				it.Stop()
				return st, err
			}
			st.Messages++
			if meta.Sequence.Stream >= last {
				break
			}
		}
		it.Stop()
	}
	for _, b := range []struct {
		kv    jetstream.KeyValue
		name  string
		count *int
	}{{s.unique, uniqueKV, &st.Claims}, {s.idem, idempotencyKV, &st.Idempotent}} {
		keys, err := b.kv.ListKeys(ctx)
		if err != nil {
			return st, fmt.Errorf("backup %s: %w", b.name, err)
		}
		for k := range keys.Keys() {
			e, err := b.kv.Get(ctx, k)
			if errors.Is(err, jetstream.ErrKeyNotFound) {
				continue // expired meanwhile
			}
			if err != nil {
				return st, fmt.Errorf("backup %s: %w", b.name, err)
			}
			if err := enc.Encode(backupLine{Kind: b.name, Key: k, Data: e.Value()}); err != nil {
				return st, err
			}
			*b.count++
		}
	}
	// The keys go with the events: without them a restored store would read
	// every pupil as erased. A destroyed key is backed up as its tombstone.
	err = s.keys.each(ctx, func(id string, key []byte) error {
		st.Keys++
		return enc.Encode(backupLine{Kind: keysStream, Key: id, Data: key})
	})
	if err != nil {
		return st, fmt.Errorf("backup: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return st, err
	}
	return st, gz.Close()
}

// ErrNotEmpty means a restore was asked into a server that has events.
var ErrNotEmpty = errors.New("eventstore: the target already holds events")

// Restore loads a backup into an empty store. Each message is written with
// the expected stream sequence, so the restored stream has exactly the
// sequences the original had and a partial restore cannot be resumed by mistake.
func (s *Store) Restore(ctx context.Context, r io.Reader) (BackupStats, error) {
	var st BackupStats
	info, err := s.stream.Info(ctx)
	if err != nil {
		return st, fmt.Errorf("restore: %w", wrapUnavailable(err))
	}
	if info.State.Msgs > 0 {
		return st, fmt.Errorf("restore: %w (%d messages)", ErrNotEmpty, info.State.Msgs)
	}
	gz, err := gzip.NewReader(r)
	if err != nil {
		return st, fmt.Errorf("restore: not a sendcase backup: %w", err)
	}
	dec := gojson.NewDecoder(bufio.NewReader(gz))
	var h backupHeader
	if err := dec.Decode(&h); err != nil || h.Format != backupFormat {
		return st, fmt.Errorf("restore: not a sendcase backup (format %q): %v", h.Format, err)
	}
	var prev uint64
	for {
		var l backupLine
		err := dec.Decode(&l)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, fmt.Errorf("restore: line %d: %w", st.Messages+1, err)
		}
		switch l.Kind {
		case "msg":
			if l.Seq != prev+1 {
				return st, fmt.Errorf("restore: sequence %d follows %d: the backup has a gap", l.Seq, prev)
			}
			msg := &nats.Msg{Subject: l.Subject, Data: l.Data, Header: nats.Header(l.Header)}
			// The original message ids are spent: deduplicating on them
			// again could drop a message.
			msg.Header.Del(jetstream.MsgIDHeader)
			if _, err := s.js.PublishMsg(ctx, msg, jetstream.WithExpectLastSequence(prev)); err != nil {
				return st, fmt.Errorf("restore: seq %d: %w", l.Seq, wrapUnavailable(err))
			}
			prev = l.Seq
			st.Messages++
		case uniqueKV:
			if _, err := s.unique.Put(ctx, l.Key, l.Data); err != nil {
				return st, fmt.Errorf("restore claim: %w", err)
			}
			st.Claims++
		case idempotencyKV:
			if _, err := s.idem.Put(ctx, l.Key, l.Data); err != nil {
				return st, fmt.Errorf("restore idempotency: %w", err)
			}
			st.Idempotent++
		case keysStream:
			if err := s.keys.restore(ctx, l.Key, l.Data); err != nil {
				return st, fmt.Errorf("restore: %w", err)
			}
			st.Keys++
		}
	}
	if prev != h.LastSeq {
		return st, fmt.Errorf("restore: the backup ends at %d but says %d: it is truncated", prev, h.LastSeq)
	}
	return st, nil
}
