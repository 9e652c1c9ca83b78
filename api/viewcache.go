package api

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// viewStale is how long a computed view may be served after the projection
// has moved on. Views are projections and may lag anyway; the answer's
// X-Projection-Seq says exactly which sequence it reflects, and min_seq
// always forces an answer at least that new.
const viewStale = time.Second

// viewCache keeps computed views. A trust workload over 30,000 pupils costs
// hundreds of milliseconds to compute and changes only when events arrive,
// so 32 clients asking for it at once compute it once.
type viewCache struct {
	mu      sync.Mutex
	entries map[string]*viewEntry
	flight  singleflight.Group
}

type viewEntry struct {
	body        []byte
	contentType string
	seq         uint64
	at          time.Time
}

const viewCacheMax = 2048

func newViewCache() *viewCache { return &viewCache{entries: map[string]*viewEntry{}} }

// serve answers from the cache or computes (once for concurrent callers).
// Access must already have been checked: the key holds no user.
func (s *Server) serveView(w http.ResponseWriter, r *http.Request, key string, minSeq uint64,
	compute func() (body []byte, contentType string, err error)) {
	c := s.cache
	now := time.Now()
	cur := s.proj.Seq()
	c.mu.Lock()
	e := c.entries[key]
	c.mu.Unlock()
	if e == nil || e.seq < minSeq || (e.seq != cur && now.Sub(e.at) > viewStale) {
		v, err, _ := c.flight.Do(key, func() (any, error) {
			seq := s.proj.Seq() // the answer reflects at least this sequence
			body, ct, err := compute()
			if err != nil {
				return nil, err
			}
			ne := &viewEntry{body: body, contentType: ct, seq: seq, at: time.Now()}
			c.mu.Lock()
			if len(c.entries) >= viewCacheMax {
				for k, old := range c.entries {
					if now.Sub(old.at) > viewStale {
						delete(c.entries, k)
					}
				}
				if len(c.entries) >= viewCacheMax {
					c.entries = map[string]*viewEntry{}
				}
			}
			c.entries[key] = ne
			c.mu.Unlock()
			return ne, nil
		})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		e = v.(*viewEntry)
	}
	w.Header().Set("Content-Type", e.contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Projection-Seq", strconv.FormatUint(e.seq, 10))
	if e.contentType != "application/json" {
		w.Header().Set("Content-Disposition", `attachment; filename="view.csv"`)
	}
	_, _ = w.Write(e.body)
}
