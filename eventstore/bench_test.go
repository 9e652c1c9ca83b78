package eventstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/natstest"
)

// The benchmarks run on the embedded server with file storage and
// SyncAlways, the configuration `make run` uses.

func benchStore(b *testing.B) *eventstore.Store {
	_, nc := natstest.Embedded(b, "")
	s, err := eventstore.Open(context.Background(), nc, eventstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Close)
	return s
}

// BenchmarkAppend appends one-event commits with the expected-sequence check,
// each goroutine to its own aggregate.
func BenchmarkAppend(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	c := commit(b, "t", 1, 1)
	var agg atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		subj := eventlog.Subject("trust", fmt.Sprint(agg.Add(1)))
		var last uint64
		for pb.Next() {
			r, err := s.Append(ctx, subj, last, c, "")
			if err != nil {
				b.Error(err)
				return
			}
			last = r.Seq
		}
	})
}

// BenchmarkRawPublish publishes the same payload with plain jetstream, no
// expectations: the ceiling for BenchmarkAppend.
func BenchmarkRawPublish(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	payload, _ := json.Marshal(commit(b, "t", 1, 1))
	var agg atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		subj := eventlog.Subject("trust", fmt.Sprint(agg.Add(1)))
		for pb.Next() {
			if _, err := s.JetStream().Publish(ctx, subj, payload); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// seedAggregate stores n commits on one subject among others' commits.
func seedAggregate(b *testing.B, s *eventstore.Store, n int) string {
	ctx := context.Background()
	subj := eventlog.Subject("trust", "bench")
	var last uint64
	for v := 1; v <= n; v++ {
		r, err := s.Append(ctx, subj, last, commit(b, "bench", v, 1), "")
		if err != nil {
			b.Fatal(err)
		}
		last = r.Seq
		if _, err := s.Append(ctx, eventlog.Subject("trust", fmt.Sprint("noise", v)), 0, commit(b, "n", 1, 1), ""); err != nil {
			b.Fatal(err)
		}
	}
	return subj
}

// BenchmarkLoad reads and decodes a 40-commit aggregate with batched direct
// get (what the app does on a cache miss).
func BenchmarkLoad(b *testing.B) {
	s := benchStore(b)
	subj := seedAggregate(b, s, 40)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		l, err := s.Load(ctx, subj, 0)
		if err != nil || len(l) != 40 {
			b.Fatal(len(l), err)
		}
	}
}

// BenchmarkLoadWithConsumer reads the same aggregate with an ephemeral
// consumer created and deleted per load, shown for comparison only. (Ordered
// consumers per load are worse still: they linger until their inactivity
// threshold and soon hit the server's consumer limit.)
func BenchmarkLoadWithConsumer(b *testing.B) {
	s := benchStore(b)
	subj := seedAggregate(b, s, 40)
	ctx := context.Background()
	stream, err := s.JetStream().Stream(ctx, eventstore.StreamName)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		cons, err := stream.CreateConsumer(ctx, jetstream.ConsumerConfig{FilterSubject: subj, AckPolicy: jetstream.AckNonePolicy})
		if err != nil {
			b.Fatal(err)
		}
		batch, err := cons.Fetch(40)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for range batch.Messages() {
			n++
		}
		if err := stream.DeleteConsumer(ctx, cons.CachedInfo().Name); err != nil {
			b.Fatal(err)
		}
		if n != 40 {
			b.Fatalf("read %d", n)
		}
	}
}

// BenchmarkLoadOneByOne reads the same messages with one direct get per
// message and no decoding; shown for comparison only.
func BenchmarkLoadOneByOne(b *testing.B) {
	s := benchStore(b)
	subj := seedAggregate(b, s, 40)
	ctx := context.Background()
	stream, err := s.JetStream().Stream(ctx, eventstore.StreamName)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for seq := uint64(1); ; n++ {
			m, err := stream.GetMsg(ctx, seq, jetstream.WithGetMsgSubject(subj))
			if err != nil {
				break
			}
			seq = m.Sequence + 1
		}
		if n != 40 {
			b.Fatalf("read %d", n)
		}
	}
}
