package projections

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unique"

	gojson "github.com/goccy/go-json"
	"github.com/klauspost/compress/zstd"

	"github.com/sendcase/sendcase/domain/civil"
)

// History is a summary's past events, oldest first. Every pupil's history
// is in memory, and decoded it was most of the views' heap (some 360 MiB
// of 1 GiB at 100 schools over three years), yet only past views read it.
// So the older events are kept packed: erased payloads as JSON behind a
// small binary header, zstd-compressed (about 2.3 KB a pupil against 12
// KB decoded). The newest stay decoded in a tail until Pack folds them in.
// A past view decodes a pupil's history when it first needs it, and the
// most recently decoded stay decoded (decodedKept of them), so a school's
// past views asked for again are served without decoding.
//
// A History is changed only under its store's write lock (add, Pack);
// Events may be called under the read lock by several readers at once.
type History struct {
	packed  []byte // zstd frames of records (see appendRecord)
	npacked int
	tail    []PastEvent
	// decoded is every event, while this history is among those kept
	// decoded; nil otherwise.
	decoded atomic.Pointer[[]PastEvent]
}

// Set makes h the given events, unpacked.
func (h *History) Set(events []PastEvent) {
	h.packed, h.npacked, h.tail = nil, 0, events
	h.decoded.Store(nil)
}

// SetPacked makes h n events as Packed gave them.
func (h *History) SetPacked(b []byte, n int) {
	h.packed, h.npacked, h.tail = b, n, nil
	h.decoded.Store(nil)
}

// Len is the number of events.
func (h *History) Len() int { return h.npacked + len(h.tail) }

// add appends e.
func (h *History) add(e PastEvent) {
	h.tail = append(h.tail, e)
	h.decoded.Store(nil)
}

// Events is every event, oldest first; callers must not change it. A
// packed history that does not decode can only be a defect of this
// package (snapshots are checksummed before they are loaded), so it
// panics rather than answer a past view with events missing.
func (h *History) Events() []PastEvent { return h.events(true) }

// eventsOnce is Events for a caller that visits every pupil once (the
// trends): what it decodes is not kept, so that it does not push out
// the histories past views keep decoded.
func (h *History) eventsOnce() []PastEvent { return h.events(false) }

func (h *History) events(keep bool) []PastEvent {
	if h.npacked == 0 {
		return h.tail
	}
	if d := h.decoded.Load(); d != nil {
		return *d
	}
	all, err := unpack(h.packed, h.npacked+len(h.tail))
	if err != nil {
		panic(fmt.Sprintf("projections: a packed history does not decode: %v", err))
	}
	all = append(all, h.tail...)
	if keep {
		h.decoded.Store(&all)
		keepDecoded(h)
	}
	return all
}

// Packed is the history as one packed block (for snapshots): its packed
// events and its tail as one more frame. h is not changed.
func (h *History) Packed() ([]byte, error) {
	if len(h.tail) == 0 {
		return h.packed, nil
	}
	frame, err := packFrame(h.tail)
	if err != nil {
		return nil, err
	}
	return append(slices.Clip(h.packed), frame...), nil
}

// binaryVersion leads a history's binary form: it names the record layout
// of appendRecord, and changes with it, so that a store holding an older
// form can tell (and rebuild) instead of misreading it.
const binaryVersion = 1

// MarshalBinary is the history as a store outside memory keeps it (since
// PostgreSQL's history_packed column): binaryVersion, the number of
// events as a uvarint, then Packed. A seventh of its JSON, and packed
// without encoding JSON again.
func (h *History) MarshalBinary() ([]byte, error) {
	packed, err := h.Packed()
	if err != nil {
		return nil, err
	}
	b := binary.AppendUvarint([]byte{binaryVersion}, uint64(h.Len()))
	return append(b, packed...), nil
}

// UnmarshalBinary reads what MarshalBinary wrote, unpacked: every record
// is read now, so a block that does not decode is an error here rather
// than a panic in a past view.
func (h *History) UnmarshalBinary(b []byte) error {
	if len(b) == 0 || b[0] != binaryVersion {
		return fmt.Errorf("history: not of binary form %d", binaryVersion)
	}
	n, k := binary.Uvarint(b[1:])
	if k <= 0 || n > uint64(len(b)) {
		return errors.New("history: bad event count")
	}
	events, err := unpack(b[1+k:], int(n))
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if len(events) != int(n) {
		return fmt.Errorf("history: %d events, said %d", len(events), n)
	}
	h.Set(events)
	return nil
}

// MarshalJSON writes the events as an array, as stores outside memory
// kept them before MarshalBinary.
func (h *History) MarshalJSON() ([]byte, error) {
	evs := h.Events()
	if evs == nil {
		evs = []PastEvent{}
	}
	return json.Marshal(evs)
}

// UnmarshalJSON reads what MarshalJSON wrote, unpacked.
func (h *History) UnmarshalJSON(b []byte) error {
	var evs []PastEvent
	if err := gojson.Unmarshal(b, &evs); err != nil {
		return err
	}
	h.Set(evs)
	return nil
}

// packing is what Pack folds into one history: read under the store's
// read lock, packed outside it, put in place under the write lock if the
// history is still as it was read.
type packing struct {
	h       *History
	packed  []byte
	npacked int
	tail    []PastEvent // the tail as read; events are never changed once added
	out     []byte
	err     error
}

// pack works out p.out: every event of p, in one frame. Histories are
// small (tens of kilobytes decoded), so packing again whole is cheap and
// compresses far better than a frame for each tail.
func (p *packing) pack() {
	var raw []byte
	if len(p.packed) > 0 {
		if raw, p.err = decoder.DecodeAll(p.packed, nil); p.err != nil {
			return
		}
	}
	if raw, p.err = appendRecords(raw, p.tail); p.err != nil {
		return
	}
	p.out = encoder.EncodeAll(raw, make([]byte, 0, len(raw)/4))
}

// put installs p.out, if the history has not been packed since it was
// read. Events added since stay in the tail.
func (p *packing) put() bool {
	h := p.h
	if p.err != nil || h.npacked != p.npacked || len(h.tail) < len(p.tail) {
		return false
	}
	h.packed, h.npacked = p.out, p.npacked+len(p.tail)
	h.tail = slices.Clone(h.tail[len(p.tail):])
	if len(h.tail) == 0 {
		h.tail = nil
	}
	return true
}

// A record is one PastEvent: the type, version, date it happened on,
// recording time (Unix nanoseconds), shredded flag and erased payload's
// JSON, each length-prefixed or varint-encoded.
func appendRecord(b []byte, e *PastEvent) ([]byte, error) {
	data, err := gojson.Marshal(e.Data)
	if err != nil {
		return nil, fmt.Errorf("history: %s: %w", e.Type, err)
	}
	if e.Data == nil {
		data = nil
	}
	b = binary.AppendUvarint(b, uint64(len(e.Type)))
	b = append(b, e.Type...)
	b = binary.AppendVarint(b, int64(e.Version))
	b = binary.AppendVarint(b, int64(e.OccurredOn))
	b = binary.AppendVarint(b, e.recorded)
	shredded := byte(0)
	if e.Shredded {
		shredded = 1
	}
	b = append(b, shredded)
	b = binary.AppendUvarint(b, uint64(len(data)))
	return append(b, data...), nil
}

var errRecord = errors.New("a record is cut short")

// readRecord reads one record from b, returning the rest.
func readRecord(b []byte) (PastEvent, []byte, error) {
	var e PastEvent
	str := func() ([]byte, bool) {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return nil, false
		}
		s := b[k : k+int(n)]
		b = b[k+int(n):]
		return s, true
	}
	num := func() (int64, bool) {
		v, k := binary.Varint(b)
		if k <= 0 {
			return 0, false
		}
		b = b[k:]
		return v, true
	}
	typ, ok := str()
	version, ok2 := num()
	occurred, ok3 := num()
	recorded, ok4 := num()
	if !ok || !ok2 || !ok3 || !ok4 || len(b) == 0 {
		return e, nil, errRecord
	}
	shredded := b[0] == 1
	b = b[1:]
	data, ok := str()
	if !ok {
		return e, nil, errRecord
	}
	e = PastEvent{Type: unique.Make(string(typ)).Value(), recorded: recorded, Version: int32(version), OccurredOn: civil.Date(int32(occurred)), Shredded: shredded}
	if len(data) > 0 {
		if err := e.decode(data); err != nil {
			return e, nil, err
		}
	}
	return e, b, nil
}

// packFrame is events as one frame.
func packFrame(events []PastEvent) ([]byte, error) {
	raw, err := appendRecords(nil, events)
	if err != nil {
		return nil, err
	}
	return encoder.EncodeAll(raw, nil), nil
}

// appendRecords appends a record of each event to b.
func appendRecords(b []byte, events []PastEvent) ([]byte, error) {
	var err error
	for i := range events {
		if b, err = appendRecord(b, &events[i]); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// unpack decodes packed, which holds n events or fewer (capacity for n).
func unpack(packed []byte, n int) ([]PastEvent, error) {
	raw, err := decoder.DecodeAll(packed, nil)
	if err != nil {
		return nil, err
	}
	out := make([]PastEvent, 0, n)
	for len(raw) > 0 {
		var e PastEvent
		if e, raw, err = readRecord(raw); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// The coder is shared: EncodeAll and DecodeAll may be called at once from
// several goroutines. Histories are small, so a small window and the
// lower-memory modes cost nothing in ratio.
var (
	encoder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithWindowSize(1<<17),
		zstd.WithLowerEncoderMem(true), zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)))
	decoder, _ = zstd.NewReader(nil, zstd.WithDecoderLowmem(true), zstd.WithDecoderConcurrency(runtime.GOMAXPROCS(0)),
		zstd.WithDecoderMaxMemory(64<<20))
)

// decodedKept bounds the histories kept decoded: at some 12 KB a pupil,
// 24 MiB, the past views of half a dozen schools.
const decodedKept = 2048

// kept are the histories decoded most recently, in a ring: the oldest
// lets its decoded events go when a new one is decoded.
var kept struct {
	sync.Mutex
	ring [decodedKept]*History
	next int
}

func keepDecoded(h *History) {
	kept.Lock()
	defer kept.Unlock()
	if old := kept.ring[kept.next]; old != nil && old != h {
		old.decoded.Store(nil)
	}
	kept.ring[kept.next] = h
	kept.next = (kept.next + 1) % decodedKept
}
