package projections

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"
	"time"
)

// Memory is the in-memory store: the embedded default, rebuilt from the
// stream at every start. Summaries change in place under the write lock;
// readers visit them under the read lock, so nothing is copied.
type Memory struct {
	mu       sync.RWMutex
	pupils   map[string]*Summary
	bySchool map[string]map[string]*Summary
	byTrust  map[string]map[string]*Summary
	// everAt and everIn index every pupil by each school it was ever on the
	// roll of, and by its trust, for past views; nothing leaves them.
	everAt, everIn map[string]map[string]*Summary
	seq            uint64
	refused        []Unapplied
}

// NewMemory returns an empty store.
func NewMemory() *Memory {
	m := &Memory{}
	m.reset()
	return m
}

func (m *Memory) reset() {
	m.pupils, m.seq, m.refused = map[string]*Summary{}, 0, nil
	m.bySchool, m.byTrust = map[string]map[string]*Summary{}, map[string]map[string]*Summary{}
	m.everAt, m.everIn = map[string]map[string]*Summary{}, map[string]map[string]*Summary{}
}

// Apply implements Store.
func (m *Memory) Apply(_ context.Context, batch []Item) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	// Like the database store, skip what was already applied.
	for len(batch) > 0 && batch[0].Seq <= m.seq {
		batch = batch[1:]
	}
	if len(batch) == 0 {
		return nil
	}
	touched := map[string]*Summary{}
	applied, err := ApplyToSummaries(batch, func(id string) *Summary { return m.touch(touched, id) })
	for _, s := range touched {
		m.index(s)
	}
	// Summaries change in place, so what was applied before a refused
	// commit stays applied, and the checkpoint says so.
	if applied > 0 {
		m.seq = batch[applied-1].Seq
	}
	return err
}

// touch returns pupil id's summary (created if new), unindexed until the
// caller indexes every touched summary again: its school or roll status
// may change.
func (m *Memory) touch(touched map[string]*Summary, id string) *Summary {
	s, ok := m.pupils[id]
	if !ok {
		s = &Summary{}
		m.pupils[id] = s
	}
	if _, seen := touched[id]; !seen {
		touched[id] = s
		m.unindex(s)
	}
	return s
}

// Skip implements Store.
func (m *Memory) Skip(_ context.Context, it Item, reason string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if it.Seq <= m.seq {
		return nil
	}
	if it.Commit.Aggregate == "pupil" {
		touched := map[string]*Summary{}
		if s := m.touch(touched, it.Commit.AggregateID); it.Seq > s.Seq {
			s.MarkUnapplied(it)
		}
		for _, s := range touched {
			m.index(s)
		}
	}
	m.refused = append(m.refused, UnappliedOf(it, reason))
	m.seq = it.Seq
	return nil
}

// Unapplied implements Store.
func (m *Memory) Unapplied(context.Context) ([]Unapplied, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return append([]Unapplied(nil), m.refused...), nil
}

func (m *Memory) index(s *Summary) {
	if s.Pupil.Exists() {
		for _, spell := range s.Pupil.Schools {
			add(m.everAt, spell.SchoolID, s)
		}
		add(m.everIn, s.Pupil.TrustID, s)
	}
	if !s.Listed() {
		return
	}
	add(m.bySchool, s.Pupil.SchoolID, s)
	add(m.byTrust, s.Pupil.TrustID, s)
}

func add(idx map[string]map[string]*Summary, key string, s *Summary) {
	set := idx[key]
	if set == nil {
		set = map[string]*Summary{}
		idx[key] = set
	}
	set[s.Pupil.ID] = s
}

func (m *Memory) unindex(s *Summary) {
	delete(m.bySchool[s.Pupil.SchoolID], s.Pupil.ID)
	delete(m.byTrust[s.Pupil.TrustID], s.Pupil.ID)
}

// Checkpoint implements Store.
func (m *Memory) Checkpoint(context.Context) (uint64, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.seq, nil
}

// EachSchoolPupil implements Store.
func (m *Memory) EachSchoolPupil(_ context.Context, schoolID string, fn func(*Summary)) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, s := range m.bySchool[schoolID] {
		fn(s)
	}
	return nil
}

// EachTrustPupil implements Store.
func (m *Memory) EachTrustPupil(_ context.Context, trustID string, fn func(*Summary)) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, s := range m.byTrust[trustID] {
		fn(s)
	}
	return nil
}

// EachPastSchoolPupil implements Store.
func (m *Memory) EachPastSchoolPupil(_ context.Context, schoolID string, fn func(*Summary)) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, s := range m.everAt[schoolID] {
		fn(s)
	}
	return nil
}

// EachPastTrustPupil implements Store.
func (m *Memory) EachPastTrustPupil(_ context.Context, trustID string, fn func(*Summary)) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, s := range m.everIn[trustID] {
		fn(s)
	}
	return nil
}

// EachPastPupilParallel implements ParallelVisitor. The read lock is held
// until every worker is done, so no summary changes under them.
func (m *Memory) EachPastPupilParallel(_ context.Context, trustID, schoolID string, workers int, fn func(worker int, s *Summary)) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	set := m.everIn[trustID]
	if schoolID != "" {
		set = m.everAt[schoolID]
	}
	all := make([]*Summary, 0, len(set))
	for _, s := range set {
		all = append(all, s)
	}
	var wg sync.WaitGroup
	for w := range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(all); i += max(workers, 1) {
				fn(w, all[i])
			}
		}()
	}
	wg.Wait()
	return nil
}

// EachGrantedPupil implements Store. Grants are rare, so a scan is enough.
func (m *Memory) EachGrantedPupil(_ context.Context, userID string, fn func(*Summary)) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, s := range m.pupils {
		for _, g := range s.Pupil.Grants {
			if g.UserID == userID {
				fn(s)
				break
			}
		}
	}
	return nil
}

// Anchor implements Store.
func (m *Memory) Anchor(_ context.Context, id string) (Anchor, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s, ok := m.pupils[id]
	if !ok {
		return Anchor{}, false, nil
	}
	return s.Anchor(), true, nil
}

// Reset implements Store.
func (m *Memory) Reset(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reset()
	return nil
}

// Export hands a snapshot writer the sequence and refused commits the
// snapshot stands at (start), then every summary (each). Summaries change
// in place, so each is called under the read lock, but a few hundred
// summaries at a time, letting commits be applied between: a summary may
// then be ahead of seq (its own Seq says how far), which replaying from
// seq allows for, since a commit at or below a summary's Seq is not
// applied to it again.
func (m *Memory) Export(start func(seq uint64, refused []Unapplied) error, each func(id string, s *Summary) error) error {
	m.mu.RLock()
	seq, refused := m.seq, slices.Clone(m.refused)
	ids := slices.Collect(maps.Keys(m.pupils))
	m.mu.RUnlock()
	if err := start(seq, refused); err != nil {
		return err
	}
	const chunk = 256
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		var err error
		m.mu.RLock()
		for _, id := range ids[:n] {
			if err = each(id, m.pupils[id]); err != nil {
				break
			}
		}
		m.mu.RUnlock()
		if err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// Restore replaces the store's content with a snapshot's: summaries as
// Export gave them (by pupil id), at sequence seq.
func (m *Memory) Restore(seq uint64, refused []Unapplied, summaries map[string]*Summary) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reset()
	m.seq, m.refused = seq, refused
	for id, s := range summaries {
		m.pupils[id] = s
		m.index(s)
	}
}

// PackHistories packs the histories of the summaries with at least
// minTail events not yet packed (see History) on workers goroutines, and
// says how many it packed. It reads a few hundred at a time under the
// read lock, packs outside any lock and puts the packed histories in
// place under the write lock, so commits go on being applied meanwhile;
// a history packed or changed between is packed again next time.
func (m *Memory) PackHistories(ctx context.Context, minTail, workers int) (int, error) {
	m.mu.RLock()
	all := slices.Collect(maps.Values(m.pupils))
	m.mu.RUnlock()
	workers = max(workers, 1)
	const chunk = 512
	packed := 0
	for len(all) > 0 {
		if err := ctx.Err(); err != nil {
			return packed, err
		}
		n := min(chunk, len(all))
		var work []*packing
		m.mu.RLock()
		for _, s := range all[:n] {
			h := &s.History
			if len(h.tail) >= max(minTail, 1) {
				work = append(work, &packing{h: h, packed: h.packed, npacked: h.npacked, tail: h.tail})
			}
		}
		m.mu.RUnlock()
		all = all[n:]
		inParallel(workers, len(work), func(i int) { work[i].pack() })
		m.mu.Lock()
		for _, p := range work {
			if p.put() {
				packed++
			}
		}
		m.mu.Unlock()
		for _, p := range work {
			if p.err != nil {
				return packed, fmt.Errorf("pack history: %w", p.err)
			}
		}
	}
	return packed, nil
}

// Compact lays every summary out afresh from its stored form (the JSON
// a snapshot or PostgreSQL keeps, its history packed), on workers
// goroutines, and says how many it laid out. Views folded from the
// stream lie scattered among the garbage of decoding every commit: after
// a full rebuild of a 100-school trust, 1,356 MiB of heap was in use for
// 657 MiB live. Summaries decoded while the old ones still serve fill the
// old ones' free slots and leave the heap as scattered (tried: 1,216 MiB
// resident, against 879 MiB for the same views loaded from a snapshot),
// so the old ones are let go first:
//
//  1. without the write lock, every summary is encoded (a few hundred at
//     a time under the read lock) and each encoding decoded once to
//     check it, so that nothing is let go that would not come back;
//  2. under the write lock, summaries changed since are encoded and
//     checked again, the store is emptied, the collector run, and every
//     summary decoded into the emptied store.
//
// Views and commits wait during step 2, whose length is returned with
// the count: about 1 s for that trust.
func (m *Memory) Compact(ctx context.Context, workers int) (laid int, paused time.Duration, err error) {
	type stored struct {
		id     string
		seq    uint64
		n      int
		doc    []byte
		packed []byte
		err    error
	}
	encode := func(id string, s *Summary) stored {
		st := stored{id: id, seq: s.Seq, n: s.History.Len()}
		if st.doc, st.err = s.MarshalJSON(); st.err == nil {
			st.packed, st.err = s.History.Packed()
		}
		if st.err == nil {
			st.err = (&Summary{}).UnmarshalJSON(st.doc)
		}
		if st.err != nil {
			st.err = fmt.Errorf("compact the summary of %s: %w", id, st.err)
		}
		return st
	}
	m.mu.RLock()
	ids := slices.Collect(maps.Keys(m.pupils))
	m.mu.RUnlock()
	all := make([]stored, len(ids))
	const chunk = 512
	for from := 0; from < len(ids); from += chunk {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		to := min(from+chunk, len(ids))
		m.mu.RLock()
		inParallel(workers, to-from, func(i int) {
			if s := m.pupils[ids[from+i]]; s != nil {
				all[from+i] = encode(ids[from+i], s)
			}
		})
		m.mu.RUnlock()
		for _, st := range all[from:to] {
			if st.err != nil {
				return 0, 0, st.err
			}
		}
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	start := time.Now()
	byID := make(map[string]int, len(all))
	for i, st := range all {
		byID[st.id] = i
	}
	for id, s := range m.pupils {
		i, ok := byID[id]
		if !ok {
			all = append(all, stored{id: id})
			i = len(all) - 1
		}
		if !ok || all[i].seq != s.Seq || all[i].n != s.History.Len() || all[i].doc == nil {
			if all[i] = encode(id, s); all[i].err != nil {
				return 0, 0, all[i].err
			}
		}
	}
	all = slices.DeleteFunc(all, func(st stored) bool { return m.pupils[st.id] == nil })
	seq, refused := m.seq, m.refused
	m.reset()
	runtime.GC()
	fresh := make([]*Summary, len(all))
	inParallel(workers, len(all), func(i int) {
		s := &Summary{}
		// Checked in step 1 or just now: it decodes.
		_ = s.UnmarshalJSON(all[i].doc)
		s.Trim()
		// Copied too: packed while the old summaries were live, the blocks
		// lie among them.
		s.History.SetPacked(bytes.Clone(all[i].packed), all[i].n)
		all[i].doc, all[i].packed = nil, nil
		fresh[i] = s
	})
	m.seq, m.refused = seq, refused
	for i, s := range fresh {
		m.pupils[all[i].id] = s
		m.index(s)
	}
	return len(fresh), time.Since(start), nil
}

// inParallel calls fn(i) for every i below n, on workers goroutines.
func inParallel(workers, n int, fn func(i int)) {
	var wg sync.WaitGroup
	for w := range max(workers, 1) {
		wg.Go(func() {
			for i := w; i < n; i += max(workers, 1) {
				fn(i)
			}
		})
	}
	wg.Wait()
}
