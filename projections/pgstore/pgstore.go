// Package pgstore keeps the projections in PostgreSQL. Each batch of events
// updates the read-model rows and the checkpoint in one transaction, so an
// event is applied exactly once across crashes; a session advisory lock
// makes one process the applier while the others serve reads.
package pgstore

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"

	gojson "github.com/goccy/go-json"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/sendcase/sendcase/projections"
)

//go:embed migrations/*.sql
var migrations embed.FS

// projection is the checkpoint's name; lockKey is its advisory lock.
const (
	projection = "pupils"
	lockKey    = int64(0x53454e44_43415345) // "SENDCASE"
)

// Keys gives the ciphers that seal summaries' personal fields before they
// reach PostgreSQL (projections.SealSummary).
type Keys = projections.Keys

// Store is the PostgreSQL store.
type Store struct {
	pool *pgxpool.Pool
	keys Keys
	// deferred is what a catch-up folded and has not written (deferred.go).
	deferred deferred
	// FailBeforeCommit, when set, is called inside Apply after the rows are
	// written and before the commit; tests use it to crash mid-batch.
	FailBeforeCommit func() error
}

var _ projections.Store = (*Store)(nil)
var _ projections.Leaser = (*Store)(nil)
var _ projections.Deferrer = (*Store)(nil)

// Open connects and migrates the schema (goose, embedded SQL files).
// Summaries' personal fields are sealed with keys.
func Open(ctx context.Context, url string, keys Keys) (*Store, error) {
	if keys == nil {
		return nil, errors.New("pgstore: no keys to seal personal fields with")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database url: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{pool: pool, keys: keys}, nil
}

func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	// Several servers may start together on a new database: goose's
	// session lock (an advisory lock) lets one migrate while the others wait.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Close closes the pool.
func (s *Store) Close() { s.pool.Close() }

// Ping checks the database.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// Apply implements projections.Store: one transaction for the rows and the
// checkpoint. Commits at or below the checkpoint are skipped, so a batch
// delivered again after a crash is not applied twice. A value PostgreSQL
// refuses is answered with an error wrapping projections.ErrRefused.
func (s *Store) Apply(ctx context.Context, batch []projections.Item) error {
	if len(batch) == 0 {
		return nil
	}
	s.Drop() // the rows change under what was deferred
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		cp, err := lockCheckpoint(ctx, tx)
		if err != nil {
			return err
		}
		for len(batch) > 0 && batch[0].Seq <= cp {
			batch = batch[1:]
		}
		if len(batch) == 0 {
			return nil
		}
		summaries, err := s.load(ctx, tx, batch)
		if err != nil {
			return err
		}
		if _, err := projections.ApplyToSummaries(batch, getOrNew(summaries)); err != nil {
			return err // nothing of the batch is committed
		}
		if err := s.save(ctx, tx, summaries); err != nil {
			return err
		}
		if s.FailBeforeCommit != nil {
			if err := s.FailBeforeCommit(); err != nil {
				return err
			}
		}
		return moveCheckpoint(ctx, tx, batch[len(batch)-1].Seq)
	})
}

func getOrNew(summaries map[string]*projections.Summary) func(id string) *projections.Summary {
	return func(id string) *projections.Summary {
		if sm, ok := summaries[id]; ok {
			return sm
		}
		sm := &projections.Summary{}
		summaries[id] = sm
		return sm
	}
}

// lockCheckpoint reads the checkpoint, creating it at 0, and locks its row
// until the transaction ends.
func lockCheckpoint(ctx context.Context, tx pgx.Tx) (uint64, error) {
	var cp int64
	err := tx.QueryRow(ctx, `SELECT seq FROM projection_checkpoints WHERE name = $1 FOR UPDATE`, projection).Scan(&cp)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err = tx.Exec(ctx, `INSERT INTO projection_checkpoints (name, seq) VALUES ($1, 0)`, projection); err != nil {
			return 0, fmt.Errorf("create checkpoint: %w", err)
		}
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read checkpoint: %w", err)
	}
	return uint64(cp), nil
}

func moveCheckpoint(ctx context.Context, tx pgx.Tx, seq uint64) error {
	if _, err := tx.Exec(ctx, `UPDATE projection_checkpoints SET seq = $2 WHERE name = $1`, projection, int64(seq)); err != nil {
		return fmt.Errorf("move checkpoint: %w", err)
	}
	return nil
}

// Skip implements projections.Store: the pupil's summary notes the commit,
// projection_unapplied records it, and the checkpoint moves past it, in one
// transaction.
func (s *Store) Skip(ctx context.Context, it projections.Item, reason string) error {
	s.Drop()
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		cp, err := lockCheckpoint(ctx, tx)
		if err != nil || it.Seq <= cp {
			return err
		}
		if it.Commit.Aggregate == "pupil" {
			summaries, err := s.load(ctx, tx, []projections.Item{it})
			if err != nil {
				return err
			}
			getOrNew(summaries)(it.Commit.AggregateID).MarkUnapplied(it)
			if err := s.save(ctx, tx, summaries); err != nil {
				return err
			}
		}
		u := projections.UnappliedOf(it, reason)
		if _, err := tx.Exec(ctx, `INSERT INTO projection_unapplied (seq, aggregate, aggregate_id, reason) VALUES ($1, $2, $3, $4)`,
			int64(u.Seq), u.Aggregate, u.AggregateID, u.Reason); err != nil {
			return fmt.Errorf("record unapplied commit %d: %w", u.Seq, err)
		}
		return moveCheckpoint(ctx, tx, it.Seq)
	})
}

// Unapplied implements projections.Store.
func (s *Store) Unapplied(ctx context.Context) ([]projections.Unapplied, error) {
	rows, err := s.pool.Query(ctx, `SELECT seq, aggregate, aggregate_id, reason FROM projection_unapplied ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("read unapplied commits: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (projections.Unapplied, error) {
		var u projections.Unapplied
		var seq int64
		err := r.Scan(&seq, &u.Aggregate, &u.AggregateID, &u.Reason)
		u.Seq = uint64(seq)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("read unapplied commits: %w", err)
	}
	return out, nil
}

// refused wraps err with projections.ErrRefused when PostgreSQL refused a
// value rather than failed: a data exception (class 22: a NUL in text, a
// number out of range), an integrity violation (23) or a limit (54: a row
// too large). Those fail again however often they are tried. The words
// kept are PostgreSQL's message and code, never the detail, which can
// quote the value.
func refused(what string, err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && len(pg.Code) == 5 {
		switch pg.Code[:2] {
		case "22", "23", "54":
			return fmt.Errorf("%s: %w: %s (SQLSTATE %s)", what, projections.ErrRefused, pg.Message, pg.Code)
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// load reads the current summaries of the pupils a batch touches.
func (s *Store) load(ctx context.Context, tx pgx.Tx, batch []projections.Item) (map[string]*projections.Summary, error) {
	out := make(map[string]*projections.Summary)
	return out, s.loadInto(ctx, tx, pupilsOf(batch, nil), out)
}

// pupilsOf lists, once each, the pupils batch has commits of that are not
// in have.
func pupilsOf(batch []projections.Item, have map[string]*projections.Summary) []string {
	var ids []string
	seen := map[string]bool{}
	for _, it := range batch {
		id := it.Commit.AggregateID
		if it.Commit.Aggregate != "pupil" || seen[id] {
			continue
		}
		seen[id] = true
		if _, ok := have[id]; !ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// querier is a transaction or the pool.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// loadInto reads the stored summaries of ids into out (pupils not stored
// yet are left out).
func (s *Store) loadInto(ctx context.Context, q querier, ids []string, out map[string]*projections.Summary) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := q.Query(ctx, `SELECT pupil_id, doc, `+historyColumns+` FROM pupil_summaries WHERE pupil_id = ANY($1)`, ids)
	if err != nil {
		return fmt.Errorf("load summaries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var doc, history, packed []byte
		if err := rows.Scan(&id, &doc, &history, &packed); err != nil {
			return fmt.Errorf("load summaries: %w", err)
		}
		sm := &projections.Summary{}
		if err := s.decode(ctx, id, doc, sm); err != nil {
			return err
		}
		if err := decodeHistory(id, history, packed, sm); err != nil {
			return err
		}
		out[id] = sm
	}
	return rows.Err()
}

// save upserts the summaries in one round trip.
func (s *Store) save(ctx context.Context, tx pgx.Tx, summaries map[string]*projections.Summary) error {
	return s.saveSome(ctx, tx, summaries, func(string) bool { return true })
}

// saveSome upserts the summaries, each with its history where withHistory
// says so (a summary not stored yet always has it). They go in round trips
// of saveChunk, so that a flush of a whole trust is not one buffer of
// hundreds of megabytes, and PostgreSQL works on one chunk while the next
// is encoded.
func (s *Store) saveSome(ctx context.Context, tx pgx.Tx, summaries map[string]*projections.Summary, withHistory func(id string) bool) error {
	b := &pgx.Batch{}
	send := func() error {
		if b.Len() == 0 {
			return nil
		}
		err := tx.SendBatch(ctx, b).Close()
		b = &pgx.Batch{}
		if err != nil {
			return refused("save summaries", err)
		}
		return nil
	}
	for id, sm := range summaries {
		doc, err := s.encode(ctx, id, sm)
		if err != nil {
			return err
		}
		if !withHistory(id) {
			b.Queue(`UPDATE pupil_summaries SET trust_id = $2, school_id = $3, listed = $4, events = $5, head_hash = $6, seq = $7, doc = $8
				WHERE pupil_id = $1`,
				id, sm.Pupil.TrustID, sm.Pupil.SchoolID, sm.Listed(), sm.Events, sm.Head, int64(sm.Seq), doc)
		} else {
			// The history is stored with its personal fields erased.
			history, err := sm.History.MarshalBinary()
			if err != nil {
				return fmt.Errorf("encode history %s: %w: %v", id, projections.ErrRefused, err)
			}
			b.Queue(`INSERT INTO pupil_summaries (pupil_id, trust_id, school_id, listed, events, head_hash, seq, doc, history, history_packed)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '[]', $9)
				ON CONFLICT (pupil_id) DO UPDATE SET trust_id = $2, school_id = $3, listed = $4, events = $5,
					head_hash = $6, seq = $7, doc = $8, history = '[]', history_packed = $9`,
				id, sm.Pupil.TrustID, sm.Pupil.SchoolID, sm.Listed(), sm.Events, sm.Head, int64(sm.Seq), doc, history)
		}
		if b.Len() >= saveChunk {
			if err := send(); err != nil {
				return err
			}
		}
	}
	return send()
}

// saveChunk is how many summaries go in one round trip.
const saveChunk = 500

// encode is the stored form of pupil id's summary (projections.SealSummary).
func (s *Store) encode(ctx context.Context, id string, sm *projections.Summary) ([]byte, error) {
	return projections.SealSummary(ctx, s.keys, id, sm)
}

// decode reads a stored summary of pupil id into sm (projections.OpenSummary).
func (s *Store) decode(ctx context.Context, id string, doc []byte, sm *projections.Summary) error {
	return projections.OpenSummary(ctx, s.keys, id, doc, sm)
}

// Checkpoint implements projections.Store.
func (s *Store) Checkpoint(ctx context.Context) (uint64, error) {
	var cp int64
	err := s.pool.QueryRow(ctx, `SELECT seq FROM projection_checkpoints WHERE name = $1`, projection).Scan(&cp)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read checkpoint: %w", err)
	}
	return uint64(cp), nil
}

// each calls fn with the summaries where selects (on key), with their
// history when withHistory is set.
func (s *Store) each(ctx context.Context, where, key string, withHistory bool, fn func(*projections.Summary)) error {
	query := `SELECT pupil_id, doc FROM pupil_summaries WHERE ` + where
	if withHistory {
		query = `SELECT pupil_id, doc, ` + historyColumns + ` FROM pupil_summaries WHERE ` + where
	}
	rows, err := s.pool.Query(ctx, query, key)
	if err != nil {
		return fmt.Errorf("read summaries: %w", err)
	}
	defer rows.Close()
	var sm projections.Summary
	for rows.Next() {
		var id string
		var doc, history, packed []byte
		dest := []any{&id, &doc}
		if withHistory {
			dest = append(dest, &history, &packed)
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("read summaries: %w", err)
		}
		sm = projections.Summary{}
		if err := s.decode(ctx, id, doc, &sm); err != nil {
			return err
		}
		if withHistory {
			if err := decodeHistory(id, history, packed, &sm); err != nil {
				return err
			}
		}
		fn(&sm)
	}
	return rows.Err()
}

// historyColumns are a row's history: as JSON (written before
// history_packed) and packed (projections.History.MarshalBinary; NULL in
// rows written before).
const historyColumns = `history, history_packed`

// decodeHistory reads a stored history into sm.History: the packed one
// when the row has it, else its JSON.
func decodeHistory(id string, history, packed []byte, sm *projections.Summary) error {
	var err error
	if packed != nil {
		err = sm.History.UnmarshalBinary(packed)
	} else {
		err = gojson.Unmarshal(history, &sm.History)
	}
	if err != nil {
		return fmt.Errorf("decode history %s: %w", id, err)
	}
	return nil
}

// EachSchoolPupil implements projections.Store.
func (s *Store) EachSchoolPupil(ctx context.Context, schoolID string, fn func(*projections.Summary)) error {
	return s.each(ctx, `school_id = $1 AND listed`, schoolID, false, fn)
}

// EachTrustPupil implements projections.Store.
func (s *Store) EachTrustPupil(ctx context.Context, trustID string, fn func(*projections.Summary)) error {
	return s.each(ctx, `trust_id = $1 AND listed`, trustID, false, fn)
}

// EachPastSchoolPupil implements projections.Store: the pupils whose
// school spells name the school (a GIN index answers the containment).
func (s *Store) EachPastSchoolPupil(ctx context.Context, schoolID string, fn func(*projections.Summary)) error {
	spell, err := json.Marshal([]map[string]string{{"school_id": schoolID}})
	if err != nil {
		return err
	}
	return s.each(ctx, `doc->'pupil'->'schools' @> $1::jsonb`, string(spell), true, fn)
}

// EachPastTrustPupil implements projections.Store.
func (s *Store) EachPastTrustPupil(ctx context.Context, trustID string, fn func(*projections.Summary)) error {
	return s.each(ctx, `trust_id = $1`, trustID, true, fn)
}

// EachGrantedPupil implements projections.Store with jsonb containment.
func (s *Store) EachGrantedPupil(ctx context.Context, userID string, fn func(*projections.Summary)) error {
	grant, err := json.Marshal([]map[string]string{{"user_id": userID}})
	if err != nil {
		return err
	}
	return s.each(ctx, `doc->'pupil'->'grants' @> $1::jsonb`, string(grant), false, fn)
}

// Anchor implements projections.Store.
func (s *Store) Anchor(ctx context.Context, pupilID string) (projections.Anchor, bool, error) {
	a := projections.Anchor{PupilID: pupilID}
	err := s.pool.QueryRow(ctx, `SELECT trust_id, school_id, events, head_hash FROM pupil_summaries WHERE pupil_id = $1`, pupilID).
		Scan(&a.TrustID, &a.SchoolID, &a.Events, &a.Head)
	if errors.Is(err, pgx.ErrNoRows) {
		return projections.Anchor{}, false, nil
	}
	if err != nil {
		return projections.Anchor{}, false, fmt.Errorf("read anchor: %w", err)
	}
	return a, true, nil
}

// Reset implements projections.Store: the rows and the checkpoint go in one
// transaction, so a reader never sees an empty store with an old checkpoint.
func (s *Store) Reset(ctx context.Context) error {
	s.Drop()
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `TRUNCATE pupil_summaries, projection_unapplied`); err != nil {
			return fmt.Errorf("reset: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM projection_checkpoints WHERE name = $1`, projection); err != nil {
			return fmt.Errorf("reset: %w", err)
		}
		return nil
	})
}

// Lead implements projections.Leaser with a session advisory lock held on
// a dedicated connection. The returned context ends if that connection is
// lost, since PostgreSQL then releases the lock to another process.
func (s *Store) Lead(ctx context.Context) (context.Context, func(), error) {
	for {
		conn, err := s.pool.Acquire(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("lease: %w", err)
		}
		var ok bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, lockKey).Scan(&ok); err != nil {
			conn.Release()
			return nil, nil, fmt.Errorf("lease: %w", err)
		}
		if ok {
			lctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() {
				defer close(done)
				t := time.NewTicker(time.Second)
				defer t.Stop()
				for {
					select {
					case <-lctx.Done():
						return
					case <-t.C:
						if err := conn.Ping(lctx); err != nil {
							cancel()
							return
						}
					}
				}
			}()
			release := func() {
				cancel()
				<-done
				uctx, ucancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer ucancel()
				if _, err := conn.Exec(uctx, `SELECT pg_advisory_unlock($1)`, lockKey); err != nil {
					// The session is unusable; closing it releases the lock.
					_ = conn.Conn().Close(uctx)
				}
				conn.Release()
			}
			return lctx, release, nil
		}
		conn.Release()
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}
