package snapshot

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/projections"
	"github.com/sendcase/sendcase/projections/projector"
	"github.com/sendcase/sendcase/projections/storetest"
)

func TestMain(m *testing.M) {
	natstest.MaybeRunServer()
	os.Exit(m.Run())
}

var written = time.Date(2025, 11, 10, 18, 0, 0, 0, time.UTC)

// world is an event store holding the first half of the scenario, and the
// in-memory views of it.
type world struct {
	es    *eventstore.Store
	items []projections.Item
	half  int
	mem   *projections.Memory
	log   *bytes.Buffer
	s     *Series
}

func newWorld(t *testing.T) *world {
	t.Helper()
	_, nc := natstest.Embedded(t, "")
	es, err := eventstore.Open(context.Background(), nc, eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{es: es, items: storetest.Scenario(), mem: projections.NewMemory(), log: &bytes.Buffer{}}
	w.half = len(w.items) / 2
	storetest.Publish(t, es.JetStream(), w.items[:w.half])
	w.catchUp(t, w.mem)
	w.s = w.series(t)
	return w
}

// series opens the bucket as one more server would, logging to w.log.
func (w *world) series(t *testing.T) *Series {
	t.Helper()
	s, err := Open(context.Background(), w.es.JetStream(), eventstore.StreamName, 1, w.es.Keys(), slog.New(slog.NewTextHandler(w.log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// catchUp applies the stream to m from its checkpoint, answering the first
// sequence it applied (0 if none).
func (w *world) catchUp(t *testing.T, m *projections.Memory) uint64 {
	t.Helper()
	p := projector.New(w.es, m, slog.New(slog.DiscardHandler))
	var first uint64
	p.OnApplied = func(f, _ uint64) {
		if first == 0 {
			first = f
		}
	}
	if err := p.CatchUp(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return first
}

func (w *world) publishRest(t *testing.T) {
	t.Helper()
	storetest.Publish(t, w.es.JetStream(), w.items[w.half:])
}

// want is the views of the whole scenario, applied without a snapshot.
func (w *world) want(t *testing.T) string {
	t.Helper()
	m := projections.NewMemory()
	storetest.ApplyInBatches(t, m, w.items, 5)
	return storetest.Snapshot(t, m, w.items)
}

func (w *world) write(t *testing.T) uint64 {
	t.Helper()
	info, err := w.s.Write(context.Background(), w.mem, written)
	if err != nil {
		t.Fatal(err)
	}
	return info.Seq
}

func (w *world) load(t *testing.T, m *projections.Memory) uint64 {
	t.Helper()
	seq, err := w.s.Load(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func TestLoadThenReplayTheTail(t *testing.T) {
	w := newWorld(t)
	at := w.write(t)
	if want := w.items[w.half-1].Seq; at != want {
		t.Fatalf("snapshot at %d, want %d", at, want)
	}
	w.publishRest(t)

	m := projections.NewMemory()
	if got := w.load(t, m); got != at {
		t.Fatalf("loaded at %d, want %d", got, at)
	}
	if got, want := w.catchUp(t, m), w.items[w.half].Seq; got != want {
		t.Errorf("replay began at %d, want %d (just after the snapshot)", got, want)
	}
	if got, want := storetest.Snapshot(t, m, w.items), w.want(t); got != want {
		t.Errorf("views from the snapshot and its tail differ from a full rebuild:\n%s", storetest.Diff(got, want))
	}
	if !strings.Contains(w.log.String(), "views loaded from a snapshot") {
		t.Errorf("log says:\n%s", w.log)
	}
}

// A summary written while commits were applied may be ahead of the
// snapshot's sequence; the replay must not apply them to it again.
func TestSummariesAheadOfTheSnapshotAreNotAppliedTwice(t *testing.T) {
	w := newWorld(t)
	w.publishRest(t)
	behind := projections.NewMemory()
	storetest.ApplyInBatches(t, behind, w.items[:w.half], 5)
	ahead := projections.NewMemory()
	storetest.ApplyInBatches(t, ahead, w.items, 5)
	// What Export would give had every commit after the half been applied
	// while it ran: the sequence of the half, the summaries of the whole.
	var seq uint64
	var refused []projections.Unapplied
	if err := behind.Export(func(at uint64, r []projections.Unapplied) error { seq, refused = at, r; return nil },
		func(string, *projections.Summary) error { return nil }); err != nil {
		t.Fatal(err)
	}
	sums := map[string]*projections.Summary{}
	if err := ahead.Export(func(uint64, []projections.Unapplied) error { return nil },
		func(id string, s *projections.Summary) error { sums[id] = s; return nil }); err != nil {
		t.Fatal(err)
	}
	m := projections.NewMemory()
	m.Restore(seq, refused, sums)
	w.catchUp(t, m)
	if got, want := storetest.Snapshot(t, m, w.items), w.want(t); got != want {
		t.Errorf("commits applied twice:\n%s", storetest.Diff(got, want))
	}
}

// raw is the content of snapshot name, decompressed.
func (w *world) raw(t *testing.T, name string) []byte {
	t.Helper()
	b, err := w.s.obj.GetBytes(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zstd.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

// put stores content (compressed unless it is already) as a snapshot
// object named for seq in format f.
func (w *world) put(t *testing.T, seq uint64, f int, content []byte, compress bool) {
	t.Helper()
	if compress {
		var buf bytes.Buffer
		zw, _ := zstd.NewWriter(&buf)
		zw.Write(content)
		zw.Close()
		content = buf.Bytes()
	}
	_, err := w.s.obj.Put(context.Background(), jetstream.ObjectMeta{Name: Name(seq),
		Metadata: map[string]string{metaFmt: strconv.Itoa(f), metaSeq: strconv.FormatUint(seq, 10)}}, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
}

func TestEachFallback(t *testing.T) {
	tests := []struct {
		name string
		// spoil adds a snapshot newer than the good one at seq good.
		spoil func(t *testing.T, w *world, good uint64)
		why   string
	}{
		{"a byte changed in a pupil's record", func(t *testing.T, w *world, good uint64) {
			b := w.raw(t, Name(good))
			i := bytes.Index(b, []byte(storetest.Ada)) + len(storetest.Ada) + 40
			b[i] ^= 0x20
			w.put(t, good+1, Format, b, true)
		}, "checksum does not match"},
		{"compressed bytes damaged", func(t *testing.T, w *world, good uint64) {
			b, _ := w.s.obj.GetBytes(context.Background(), Name(good))
			b[len(b)/2] ^= 0xff
			w.put(t, good+1, Format, b, false)
		}, "corrupt"},
		{"cut short", func(t *testing.T, w *world, good uint64) {
			b := w.raw(t, Name(good))
			w.put(t, good+1, Format, b[:len(b)-40], true)
		}, "corrupt"},
		{"an older format", func(t *testing.T, w *world, good uint64) {
			w.put(t, good+1, Format-1, w.raw(t, Name(good)), true)
		}, fmt.Sprintf("format %d, this server reads %d", Format-1, Format)},
		{"ahead of the stream", func(t *testing.T, w *world, good uint64) {
			w.put(t, good+1000, Format, w.raw(t, Name(good)), true)
		}, "ahead of the stream"},
		{"a sequence its content does not say", func(t *testing.T, w *world, good uint64) {
			w.put(t, good+1, Format, w.raw(t, Name(good)), true)
		}, "it says sequence"},
		{"not a snapshot", func(t *testing.T, w *world, good uint64) {
			w.put(t, good+1, Format, []byte("hello"), true)
		}, "not a snapshot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.publishRest(t) // room in the stream for the spoilt ones' sequences
			good := w.write(t)
			tt.spoil(t, w, good)
			m := projections.NewMemory()
			if got := w.load(t, m); got != good {
				t.Fatalf("loaded at %d, want the good snapshot's %d", got, good)
			}
			if log := w.log.String(); !strings.Contains(log, "snapshot of the views passed over") || !strings.Contains(log, tt.why) {
				t.Errorf("log does not say why (%q):\n%s", tt.why, log)
			}
			w.catchUp(t, m)
			if got, want := storetest.Snapshot(t, m, w.items), w.want(t); got != want {
				t.Errorf("views differ:\n%s", storetest.Diff(got, want))
			}
		})
	}
}

func TestNothingToLoadMeansAFullRebuild(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, w *world)
		log   string
	}{
		{"no snapshot", func(*testing.T, *world) {}, "no snapshot of the views: rebuilding"},
		{"only a corrupt one", func(t *testing.T, w *world) {
			good := w.write(t)
			b := w.raw(t, Name(good))
			w.s.obj.Delete(context.Background(), Name(good))
			w.put(t, good, Format, b[:len(b)/2], true)
		}, "no snapshot of the views reads: rebuilding"},
		{"another stream's", func(t *testing.T, w *world) {
			good := w.write(t)
			b := w.raw(t, Name(good))
			b = bytes.Replace(b, []byte(`"stream":"2`), []byte(`"stream":"1`), 1)
			w.s.obj.Delete(context.Background(), Name(good))
			w.put(t, good, Format, b, true)
		}, "taken of another stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			tt.setup(t, w)
			m := projections.NewMemory()
			if got := w.load(t, m); got != 0 {
				t.Fatalf("loaded at %d, want nothing loaded", got)
			}
			if !strings.Contains(w.log.String(), tt.log) {
				t.Errorf("log does not say %q:\n%s", tt.log, w.log)
			}
			w.publishRest(t)
			if got := w.catchUp(t, m); got != 1 {
				t.Errorf("rebuild began at %d, want 1", got)
			}
			if got, want := storetest.Snapshot(t, m, w.items), w.want(t); got != want {
				t.Errorf("views differ:\n%s", storetest.Diff(got, want))
			}
		})
	}
}

func TestErasureReachesSnapshots(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	at := w.write(t)
	if b := w.raw(t, Name(at)); bytes.Contains(b, []byte(`"Ada"`)) || !bytes.Contains(b, []byte(storetest.Ada)) {
		t.Fatal("a pupil's name is in the snapshot in clear (or the pupil is missing)")
	}
	if err := w.es.Keys().Destroy(ctx, storetest.Ada); err != nil {
		t.Fatal(err)
	}
	firstName := func(m *projections.Memory) string {
		var name string
		m.EachPastSchoolPupil(ctx, storetest.SchoolA, func(s *projections.Summary) {
			if s.Pupil.ID == storetest.Ada {
				name = s.Pupil.FirstName
			}
		})
		return name
	}
	if got := firstName(w.mem); got != "Ada" {
		t.Fatalf("before loading, the views say %q", got)
	}
	m := projections.NewMemory()
	w.load(t, m)
	if got := firstName(m); got == "Ada" || got == "" {
		t.Errorf("after erasure, the snapshot loads her name as %q, want it blanked", got)
	}
	// The next snapshot holds her erased, whatever the views it is taken
	// of still hold.
	w.publishRest(t)
	w.catchUp(t, w.mem)
	next := w.write(t)
	m2 := projections.NewMemory()
	w.load(t, m2)
	if got := firstName(m2); got == "Ada" || got == "" {
		t.Errorf("the snapshot after erasure (%d) loads her name as %q", next, got)
	}
}

func TestTwoServersShareASeries(t *testing.T) {
	w := newWorld(t)
	w.publishRest(t)
	full := projections.NewMemory()
	w.catchUp(t, full)
	other := w.series(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 5 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := w.s.Write(context.Background(), w.mem, written.Add(time.Duration(i)))
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := other.Write(context.Background(), full, written.Add(time.Duration(i)))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	list, err := w.s.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 || len(list) > keep {
		t.Errorf("%d snapshots kept, want 1 to %d", len(list), keep)
	}
	m := projections.NewMemory()
	last := w.items[len(w.items)-1].Seq
	if got := w.load(t, m); got != last {
		t.Fatalf("loaded at %d, want the newest, %d", got, last)
	}
	if got, want := storetest.Snapshot(t, m, w.items), w.want(t); got != want {
		t.Errorf("views differ:\n%s", storetest.Diff(got, want))
	}
	if strings.Contains(w.log.String(), "passed over") {
		t.Errorf("a snapshot did not read:\n%s", w.log)
	}
}
