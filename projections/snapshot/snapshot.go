// Package snapshot keeps snapshots of the in-memory views in a JetStream
// object store bucket, so that a server starts by loading the latest one
// and replaying only the commits after it, instead of the whole stream.
//
// A snapshot is every pupil summary (projections.Memory.Export) with the
// stream sequence it stands at. Personal fields are sealed under each
// pupil's key as PostgreSQL's rows are (projections.SealSummary), so an
// erasure reaches every snapshot: a destroyed key makes the pupil's fields
// read as erased on load, and the next snapshot holds them erased. The
// format is versioned and checksummed; anything that does not read whole
// (missing, corrupt, another format, another stream, ahead of the stream)
// is passed over, logged, for an older snapshot or a full rebuild.
//
// Several servers share one series: each snapshot is its own object,
// named by its sequence, so writers never overwrite each other's, and a
// server writes only when the newest in the bucket is far enough behind.
// See docs/projections.md.
package snapshot

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/projections"
)

// Bucket is the object store bucket of the snapshots.
const Bucket = "sendcase_view_snapshots"

// Format is the version of the snapshot layout and of the summaries in
// it. Raise it whenever either changes (a new field a view reads, a
// summary pruned differently): a server then passes older snapshots over
// and rebuilds from the stream, which is always right.
const Format = 2

// keep is how many snapshots the bucket keeps: the newest, and older ones
// to fall back on if it does not read.
const keep = 3

const (
	magic   = "SENDCASE-VIEWS\n"
	prefix  = "views-"
	metaFmt = "format"
	metaSeq = "seq"
)

// Series is the snapshots of one stream's views.
type Series struct {
	obj jetstream.ObjectStore
	// stream is the event stream; a snapshot names the stream it was
	// taken of (by its creation time), so that one from before the stream
	// was made again (restored from a backup) is not taken for it.
	stream jetstream.Stream
	keys   projections.Keys
	log    *slog.Logger
}

// Open opens (making it if need be) the bucket of stream's snapshots.
func Open(ctx context.Context, js jetstream.JetStream, stream string, replicas int, keys projections.Keys, log *slog.Logger) (*Series, error) {
	st, err := js.Stream(ctx, stream)
	if err != nil {
		return nil, fmt.Errorf("snapshots: stream %s: %w", stream, err)
	}
	obj, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket: Bucket, Description: "snapshots of the in-memory views, personal fields sealed under each pupil's key",
		Storage: jetstream.FileStorage, Replicas: max(replicas, 1),
	})
	if err != nil {
		return nil, fmt.Errorf("snapshots: bucket %s: %w", Bucket, err)
	}
	return &Series{obj: obj, stream: st, keys: keys, log: log}, nil
}

// Info describes one snapshot in the bucket.
type Info struct {
	Name   string
	Seq    uint64
	Format int
	Size   uint64
}

// List is the snapshots in the bucket, newest (highest sequence) first.
// Objects not named as snapshots are left out.
func (s *Series) List(ctx context.Context) ([]Info, error) {
	objs, err := s.objects(ctx)
	if err != nil {
		return nil, fmt.Errorf("snapshots: list: %w", err)
	}
	var out []Info
	for _, o := range objs {
		if o.Deleted || !strings.HasPrefix(o.Name, prefix) {
			continue
		}
		seq, err := strconv.ParseUint(strings.TrimPrefix(o.Name, prefix), 10, 64)
		if err != nil {
			continue
		}
		f, _ := strconv.Atoi(o.Metadata[metaFmt])
		out = append(out, Info{Name: o.Name, Seq: seq, Format: f, Size: o.Size})
	}
	slices.SortFunc(out, func(a, b Info) int { return -cmpUint(a.Seq, b.Seq) })
	return out, nil
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// transfer bounds the upload or download of one snapshot. Without a
// deadline of its own, nats.go gives an object's Get and Put its default
// timeout (5 s) in all, far too short for a large trust's views.
const transfer = 30 * time.Minute

// objects lists the bucket's objects (none: nil). nats.go's List watches
// the bucket until it has seen every object, and can wait for ever while
// another server changes it (seen here with two writers deleting and
// renaming; compare nats-io/nats.go#1610, a List of deleted objects that
// never returned), so each try is bounded and made again.
func (s *Series) objects(ctx context.Context) ([]*jetstream.ObjectInfo, error) {
	var err error
	for range 5 {
		lctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		var objs []*jetstream.ObjectInfo
		objs, err = s.obj.List(lctx)
		cancel()
		switch {
		case errors.Is(err, jetstream.ErrNoObjectsFound):
			return nil, nil
		case err == nil:
			return objs, nil
		case ctx.Err() != nil:
			return nil, ctx.Err()
		}
	}
	return nil, err
}

// Name is the object name of the snapshot at seq: zero-padded, so that
// names sort as sequences do.
func Name(seq uint64) string { return fmt.Sprintf("%s%020d", prefix, seq) }

// header opens a snapshot's content.
type header struct {
	Format int    `json:"format"`
	Seq    uint64 `json:"seq"`
	// Stream is the event stream's creation time (RFC 3339, nanoseconds).
	Stream    string                  `json:"stream"`
	WrittenAt time.Time               `json:"written_at"`
	Refused   []projections.Unapplied `json:"refused,omitempty"`
}

// Record kinds, each written as kind, uvarint length, bytes.
const (
	kindHeader = 'h'
	kindPupil  = 'p'
	kindEnd    = 'e' // the number of pupils and the SHA-256 of all before it
)

func (s *Series) streamID(ctx context.Context) (string, uint64, error) {
	info, err := s.stream.Info(ctx)
	if err != nil {
		return "", 0, fmt.Errorf("snapshots: stream: %w", err)
	}
	return info.Created.UTC().Format(time.RFC3339Nano), info.State.LastSeq, nil
}

// Write takes a snapshot of m and stores it, then deletes all but the
// newest few. It answers the snapshot stored: the sequence it stands at,
// and its size. A snapshot of a sequence already in the bucket is not
// written again (the one there is answered).
func (s *Series) Write(ctx context.Context, m *projections.Memory, now time.Time) (Info, error) {
	stream, _, err := s.streamID(ctx)
	if err != nil {
		return Info{}, err
	}
	pr, pw := io.Pipe()
	type exported struct {
		seq uint64
		err error
	}
	done := make(chan exported, 1)
	go func() {
		seq, err := s.encode(ctx, pw, m, stream, now)
		pw.CloseWithError(err)
		done <- exported{seq, err}
	}()
	// The sequence is known once the export has begun, and the object's
	// name is needed before: write under a temporary name, then rename.
	// (Object store names are chosen before Put, and a rename is a new
	// meta record only, no copy of the chunks.)
	tmp := fmt.Sprintf("partial-%d-%d", now.UnixNano(), time.Now().UnixNano())
	pctx, cancel := context.WithTimeout(ctx, transfer)
	put, perr := s.obj.Put(pctx, jetstream.ObjectMeta{Name: tmp}, pr)
	cancel()
	pr.CloseWithError(errors.New("snapshot upload stopped"))
	ex := <-done
	if ex.err != nil || perr != nil {
		_ = s.obj.Delete(context.WithoutCancel(ctx), tmp)
		return Info{}, fmt.Errorf("snapshots: write: %w", errors.Join(ex.err, perr))
	}
	name, size := Name(ex.seq), put.Size
	if o, err := s.obj.GetInfo(ctx, name); err == nil {
		// Another server wrote this sequence first: keep theirs.
		_ = s.obj.Delete(ctx, tmp)
		return Info{Name: name, Seq: ex.seq, Format: Format, Size: o.Size}, nil
	}
	if err := s.rename(ctx, tmp, name, ex.seq); err != nil {
		_ = s.obj.Delete(context.WithoutCancel(ctx), tmp)
		if errors.Is(err, jetstream.ErrObjectAlreadyExists) {
			return Info{Name: name, Seq: ex.seq, Format: Format, Size: size}, nil // as above, a moment later
		}
		return Info{}, err
	}
	s.prune(ctx)
	return Info{Name: name, Seq: ex.seq, Format: Format, Size: size}, nil
}

// Clear deletes every object in the bucket (`sendcase bench`, so that each
// run measures writing a snapshot and loading it).
func (s *Series) Clear(ctx context.Context) error {
	objs, err := s.objects(ctx)
	if err != nil {
		return fmt.Errorf("snapshots: list: %w", err)
	}
	for _, o := range objs {
		if err := s.obj.Delete(ctx, o.Name); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
			return fmt.Errorf("snapshots: delete %s: %w", o.Name, err)
		}
	}
	return nil
}

// rename gives the uploaded object its snapshot name and metadata.
func (s *Series) rename(ctx context.Context, from, to string, seq uint64) error {
	err := s.obj.UpdateMeta(ctx, from, jetstream.ObjectMeta{Name: to,
		Metadata: map[string]string{metaFmt: strconv.Itoa(Format), metaSeq: strconv.FormatUint(seq, 10)}})
	if err != nil {
		return fmt.Errorf("snapshots: name %s: %w", to, err)
	}
	return nil
}

// prune deletes all but the newest snapshots, and uploads left behind by a
// writer that stopped half way (older than an hour).
func (s *Series) prune(ctx context.Context) {
	list, err := s.List(ctx)
	if err != nil {
		s.log.Warn("snapshots: prune", "err", err)
		return
	}
	for _, old := range list[min(keep, len(list)):] {
		if err := s.obj.Delete(ctx, old.Name); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
			s.log.Warn("snapshots: prune", "snapshot", old.Name, "err", err)
		}
	}
	objs, err := s.objects(ctx)
	if err != nil {
		return
	}
	for _, o := range objs {
		if strings.HasPrefix(o.Name, "partial-") && time.Since(o.ModTime) > time.Hour {
			_ = s.obj.Delete(ctx, o.Name)
		}
	}
}

// encode writes m's snapshot to w: compressed records, checksummed.
func (s *Series) encode(ctx context.Context, w io.Writer, m *projections.Memory, stream string, now time.Time) (uint64, error) {
	zw, err := zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedFastest))
	if err != nil {
		return 0, err
	}
	sum := sha256.New()
	out := &recordWriter{w: bufio.NewWriterSize(io.MultiWriter(zw, sum), 1<<20)}
	out.raw([]byte(magic))
	pupils, seq := 0, uint64(0)
	err = m.Export(func(at uint64, refused []projections.Unapplied) error {
		seq = at
		h, err := json.Marshal(header{Format: Format, Seq: at, Stream: stream, WrittenAt: now.UTC(), Refused: refused})
		if err != nil {
			return err
		}
		out.record(kindHeader, h)
		return out.err
	}, func(id string, sm *projections.Summary) error {
		doc, err := projections.SealSummary(ctx, s.keys, id, sm)
		if err != nil {
			return err
		}
		// The history goes as the views keep it, packed (see
		// projections.History), after its count of events.
		packed, err := sm.History.Packed()
		if err != nil {
			return fmt.Errorf("history of %s: %w", id, err)
		}
		hist := append(binary.AppendUvarint(nil, uint64(sm.History.Len())), packed...)
		out.pupil(id, doc, hist)
		pupils++
		return out.err
	})
	if err != nil {
		return 0, err
	}
	if err := out.w.Flush(); err != nil {
		return 0, err
	}
	end := binary.AppendUvarint(nil, uint64(pupils))
	end = sum.Sum(end)
	out.record(kindEnd, end)
	if err := errors.Join(out.err, out.w.Flush(), zw.Close()); err != nil {
		return 0, err
	}
	return seq, nil
}

type recordWriter struct {
	w   *bufio.Writer
	err error
	buf []byte
}

func (r *recordWriter) raw(b []byte) {
	if r.err == nil {
		_, r.err = r.w.Write(b)
	}
}

func (r *recordWriter) record(kind byte, b []byte) {
	r.buf = binary.AppendUvarint(append(r.buf[:0], kind), uint64(len(b)))
	r.raw(r.buf)
	r.raw(b)
}

// pupil writes one pupil's record: its id, sealed summary and history,
// each length-prefixed.
func (r *recordWriter) pupil(id string, doc, hist []byte) {
	n := 3*binary.MaxVarintLen64 + len(id) + len(doc) + len(hist)
	b := make([]byte, 0, n)
	for _, part := range [][]byte{[]byte(id), doc, hist} {
		b = binary.AppendUvarint(b, uint64(len(part)))
		b = append(b, part...)
	}
	r.record(kindPupil, b)
}

// Load fills m from the newest snapshot that reads whole and answers its
// sequence; 0 (m untouched) when there is none, each snapshot passed over
// being logged with why. The caller then replays the stream from after
// the sequence answered.
func (s *Series) Load(ctx context.Context, m *projections.Memory) (uint64, error) {
	list, err := s.List(ctx)
	if err != nil {
		return 0, err
	}
	stream, last, err := s.streamID(ctx)
	if err != nil {
		return 0, err
	}
	if len(list) == 0 {
		s.log.Info("no snapshot of the views: rebuilding them from the stream")
		return 0, nil
	}
	for _, info := range list {
		why := ""
		switch {
		case info.Format != Format:
			why = fmt.Sprintf("format %d, this server reads %d", info.Format, Format)
		case info.Seq > last:
			why = fmt.Sprintf("ahead of the stream (%d > %d)", info.Seq, last)
		}
		if why == "" {
			start := time.Now()
			seq, sums, refused, err := s.read(ctx, info.Name, stream)
			if err == nil && seq != info.Seq {
				err = fmt.Errorf("it says sequence %d", seq)
			}
			if err == nil {
				m.Restore(seq, refused, sums)
				s.log.Info("views loaded from a snapshot", "snapshot", info.Name, "seq", seq, "pupils", len(sums),
					"bytes", info.Size, "duration", time.Since(start).Round(time.Millisecond))
				return seq, nil
			}
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			why = err.Error()
		}
		s.log.Warn("snapshot of the views passed over", "snapshot", info.Name, "why", why)
	}
	s.log.Warn("no snapshot of the views reads: rebuilding them from the stream")
	return 0, nil
}

// errCorrupt is what a snapshot that does not read whole answers.
var errCorrupt = errors.New("corrupt")

// read reads and checks a whole snapshot; nothing of it is kept unless
// every record reads and the checksum matches.
func (s *Series) read(ctx context.Context, name, stream string) (uint64, map[string]*projections.Summary, []projections.Unapplied, error) {
	ctx, cancel := context.WithTimeout(ctx, transfer)
	defer cancel()
	obj, err := s.obj.Get(ctx, name)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("read: %w", err)
	}
	defer obj.Close()
	zr, err := zstd.NewReader(bufio.NewReaderSize(obj, 1<<20))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	defer zr.Close()
	in := &recordReader{r: bufio.NewReaderSize(zr, 1<<20), sum: sha256.New()}
	if string(in.raw(len(magic))) != magic {
		return 0, nil, nil, fmt.Errorf("%w: not a snapshot of sendcase's views", errCorrupt)
	}
	kind, b := in.record()
	var h header
	if kind != kindHeader || json.Unmarshal(b, &h) != nil {
		return 0, nil, nil, fmt.Errorf("%w: no header", errCorrupt)
	}
	switch {
	case h.Format != Format:
		return 0, nil, nil, fmt.Errorf("format %d, this server reads %d", h.Format, Format)
	case h.Stream != stream:
		return 0, nil, nil, fmt.Errorf("taken of another stream (made %s; this one %s)", h.Stream, stream)
	}
	sums, err := s.decodePupils(ctx, in)
	if err != nil {
		return 0, nil, nil, err
	}
	return h.Seq, sums, h.Refused, nil
}

// decodePupils reads the pupil records up to the end record, decoding
// them on every core, and checks the count and the checksum.
func (s *Series) decodePupils(ctx context.Context, in *recordReader) (map[string]*projections.Summary, error) {
	type job struct {
		id        string
		doc, hist []byte
	}
	jobs := make(chan job, 256)
	var mu sync.Mutex
	sums := map[string]*projections.Summary{}
	var firstErr error
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				sm := &projections.Summary{}
				err := projections.OpenSummary(ctx, s.keys, j.id, j.doc, sm)
				if err == nil {
					sm.Trim() // kept for as long as the server runs
					err = putHistory(j.hist, sm)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("%w: pupil %d: %v", errCorrupt, len(sums), err)
				}
				sums[j.id] = sm
				mu.Unlock()
			}
		}()
	}
	var end, before []byte
	var readErr error
	for {
		// The checksum covers everything before the end record, so it is
		// taken just before that record is read.
		if next, err := in.r.Peek(1); err == nil && next[0] == kindEnd {
			before = in.sum.Sum(nil)
		}
		kind, b := in.record()
		if in.err != nil {
			readErr = fmt.Errorf("%w: %v", errCorrupt, in.err)
			break
		}
		if kind == kindEnd {
			end = append(b, before...)
			break
		}
		if kind != kindPupil {
			readErr = fmt.Errorf("%w: a record of kind %q", errCorrupt, kind)
			break
		}
		parts, ok := split3(b)
		if !ok {
			readErr = fmt.Errorf("%w: a pupil record does not fit", errCorrupt)
			break
		}
		jobs <- job{string(parts[0]), parts[1], parts[2]}
	}
	close(jobs)
	wg.Wait()
	if readErr != nil {
		return nil, readErr
	}
	// end is: uvarint count, the SHA-256 written, then the one read.
	n, k := binary.Uvarint(end)
	if k <= 0 || len(end) != k+2*sha256.Size {
		return nil, fmt.Errorf("%w: no end record", errCorrupt)
	}
	written, read := end[k:k+sha256.Size], end[k+sha256.Size:]
	if string(written) != string(read) {
		return nil, fmt.Errorf("%w: checksum does not match", errCorrupt)
	}
	if firstErr != nil {
		return nil, firstErr
	}
	if n != uint64(len(sums)) {
		return nil, fmt.Errorf("%w: %d pupils, the end record says %d", errCorrupt, len(sums), n)
	}
	// Nothing may follow the end record.
	if _, err := in.r.ReadByte(); err != io.EOF {
		return nil, fmt.Errorf("%w: bytes after the end record", errCorrupt)
	}
	return sums, nil
}

// putHistory reads a pupil record's history (its count of events, then
// the events packed) into sm, which keeps it packed. The bytes are copied:
// the record they come from holds the summary too.
func putHistory(b []byte, sm *projections.Summary) error {
	n, k := binary.Uvarint(b)
	if k <= 0 || (n > 0) != (len(b) > k) {
		return errors.New("a history does not fit")
	}
	sm.History.SetPacked(bytes.Clone(b[k:]), int(n))
	return nil
}

func split3(b []byte) ([3][]byte, bool) {
	var out [3][]byte
	for i := range out {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return out, false
		}
		out[i], b = b[k:k+int(n)], b[k+int(n):]
	}
	return out, len(b) == 0
}

type recordReader struct {
	r   *bufio.Reader
	sum hash.Hash
	err error
}

// raw reads n bytes, adding them to the checksum.
func (r *recordReader) raw(n int) []byte {
	if r.err != nil {
		return nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r.r, b); err != nil {
		r.err = err
		return nil
	}
	r.sum.Write(b)
	return b
}

// ReadByte reads one byte, adding it to the checksum.
func (r *recordReader) ReadByte() (byte, error) {
	c, err := r.r.ReadByte()
	if err == nil {
		r.sum.Write([]byte{c})
	}
	return c, err
}

// maxRecord bounds one record, so a corrupt length cannot ask for more
// memory than a pupil could need.
const maxRecord = 256 << 20

func (r *recordReader) record() (byte, []byte) {
	if r.err != nil {
		return 0, nil
	}
	kind, err := r.ReadByte()
	if err != nil {
		r.err = err
		return 0, nil
	}
	n, err := binary.ReadUvarint(r)
	if err != nil {
		r.err = err
		return 0, nil
	}
	if n > maxRecord {
		r.err = fmt.Errorf("a record of %d bytes", n)
		return 0, nil
	}
	return kind, r.raw(int(n))
}
