package projections

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/inclusion"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventlog"
)

// DirectorySubjects are the subjects the directory follows.
var DirectorySubjects = []string{eventlog.Subject("trust", ">"), eventlog.Subject("user", ">"),
	eventlog.Subject("round", ">"), eventlog.Subject("attendance", ">")}

// Directory answers who a token belongs to and which trust a school, a
// provision or a user belongs to. Every process keeps it in memory: it is
// small (trusts, schools, users) and authorisation needs it on every request.
// It also keeps what a trust reviews of its schools, which is as small: the
// MAT SEND review's rounds (a few a school a year) and each school's
// attendance and exclusion counts (one line a term).
type Directory struct {
	*Progress
	mu      sync.RWMutex
	trusts  map[string]*trust.Trust
	users   map[string]*user.User
	byToken map[string]*user.User
	// byFeed finds a user by their calendar feed's secret's hash.
	byFeed  map[string]*user.User
	schools map[string]string // school id → trust id
	rounds  map[string]*inclusion.Round
	// roundsOf lists each school's rounds in the order opened.
	roundsOf   map[string][]string
	attendance map[string]*inclusion.Attendance // by school
}

// NewDirectory returns an empty directory.
func NewDirectory() *Directory {
	return &Directory{
		Progress: NewProgress(),
		trusts:   map[string]*trust.Trust{}, users: map[string]*user.User{},
		byToken: map[string]*user.User{}, byFeed: map[string]*user.User{}, schools: map[string]string{},
		rounds: map[string]*inclusion.Round{}, roundsOf: map[string][]string{}, attendance: map[string]*inclusion.Attendance{},
	}
}

// Apply folds a trust or user commit into the directory, using the
// aggregates' own evolve functions.
func (d *Directory) Apply(seq uint64, c event.Commit) {
	d.mu.Lock()
	switch c.Aggregate {
	case "trust":
		t := d.trusts[c.AggregateID]
		if t == nil {
			t = &trust.Trust{}
			d.trusts[c.AggregateID] = t
		}
		for _, e := range c.Events {
			t.Apply(e)
			if s, ok := e.Data.(trust.SchoolAdded); ok {
				d.schools[s.School.ID] = t.ID
			}
		}
	case "user":
		u := d.users[c.AggregateID]
		if u == nil {
			u = &user.User{}
			d.users[c.AggregateID] = u
		}
		for _, h := range u.TokenHashes() {
			delete(d.byToken, h)
		}
		delete(d.byFeed, u.CalendarHash)
		for _, e := range c.Events {
			u.Apply(e)
		}
		for _, h := range u.TokenHashes() {
			d.byToken[h] = u
		}
		if u.CalendarHash != "" {
			d.byFeed[u.CalendarHash] = u
		}
	case "round":
		r := d.rounds[c.AggregateID]
		if r == nil {
			r = &inclusion.Round{}
			d.rounds[c.AggregateID] = r
		}
		for _, e := range c.Events {
			r.Apply(e)
			if o, ok := e.Data.(inclusion.RoundOpened); ok {
				d.roundsOf[o.SchoolID] = append(d.roundsOf[o.SchoolID], o.RoundID)
			}
		}
	case "attendance":
		a := d.attendance[c.AggregateID]
		if a == nil {
			a = &inclusion.Attendance{}
			d.attendance[c.AggregateID] = a
		}
		for _, e := range c.Events {
			a.Apply(e)
		}
	}
	d.mu.Unlock()
	d.Advance(seq)
}

// UserByTokenHash returns a copy of the user holding the token.
func (d *Directory) UserByTokenHash(h string) (user.User, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	u, ok := d.byToken[h]
	if !ok {
		return user.User{}, false
	}
	return *u, true
}

// UserByFeedHash returns a copy of the user whose calendar feed's secret
// hashes to h.
func (d *Directory) UserByFeedHash(h string) (user.User, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	u, ok := d.byFeed[h]
	if !ok {
		return user.User{}, false
	}
	return *u, true
}

// User returns a copy of user id.
func (d *Directory) User(id string) (user.User, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	u, ok := d.users[id]
	if !ok || !u.Exists() {
		return user.User{}, false
	}
	return *u, true
}

// SchoolTrust returns the trust of school id.
func (d *Directory) SchoolTrust(id string) (string, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	t, ok := d.schools[id]
	return t, ok
}

// TrustExists reports whether trust id exists.
func (d *Directory) TrustExists(id string) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	t, ok := d.trusts[id]
	return ok && t.Exists()
}

// School returns school id and its trust id.
func (d *Directory) School(id string) (trust.School, string, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	tid, ok := d.schools[id]
	if !ok {
		return trust.School{}, "", false
	}
	s, ok := d.trusts[tid].School(id)
	return s, tid, ok
}

// Provision returns a catalogue entry of trust tid.
func (d *Directory) Provision(tid, id string) (trust.Provision, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	t, ok := d.trusts[tid]
	if !ok {
		return trust.Provision{}, false
	}
	return t.Provision(id)
}

// Measure returns measure id of trust tid.
func (d *Directory) Measure(tid, id string) (trust.Measure, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	t, ok := d.trusts[tid]
	if !ok {
		return trust.Measure{}, false
	}
	return t.Measure(id)
}

// Trust returns a shallow copy of trust id.
func (d *Directory) Trust(id string) (trust.Trust, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	t, ok := d.trusts[id]
	if !ok || !t.Exists() {
		return trust.Trust{}, false
	}
	return *t, true
}

// Trusts lists every trust, by name.
func (d *Directory) Trusts() []trust.Trust {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]trust.Trust, 0, len(d.trusts))
	for _, t := range d.trusts {
		if t.Exists() {
			out = append(out, *t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Users lists the users with a role, by name.
func (d *Directory) Users(role user.Role) []user.User {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []user.User
	for _, u := range d.users {
		if u.Exists() && u.Role == role {
			out = append(out, *u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// UsersByEmail lists the users whose email is email, compared without
// regard to case (providers and people differ in how they write it).
func (d *Directory) UsersByEmail(email string) []user.User {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []user.User
	for _, u := range d.users {
		if u.Exists() && strings.EqualFold(u.Email, email) {
			out = append(out, *u)
		}
	}
	return out
}

// Round returns a copy of review round id. Its slices are shared and
// never written: the round's Apply replaces them.
func (d *Directory) Round(id string) (inclusion.Round, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	r, ok := d.rounds[id]
	if !ok || !r.Exists() {
		return inclusion.Round{}, false
	}
	return *r, true
}

// Rounds returns school schoolID's review rounds, in the order opened.
func (d *Directory) Rounds(schoolID string) []inclusion.Round {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]inclusion.Round, 0, len(d.roundsOf[schoolID]))
	for _, id := range d.roundsOf[schoolID] {
		out = append(out, *d.rounds[id])
	}
	return out
}

// Attendance returns a copy of school schoolID's attendance and exclusion
// counts (none recorded: an empty one).
func (d *Directory) Attendance(schoolID string) inclusion.Attendance {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if a, ok := d.attendance[schoolID]; ok {
		return *a
	}
	return inclusion.Attendance{SchoolID: schoolID}
}

// RoundsOfTrust returns trust trustID's review rounds.
func (d *Directory) RoundsOfTrust(trustID string) []inclusion.Round {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []inclusion.Round
	for _, r := range d.rounds {
		if r.TrustID == trustID {
			out = append(out, *r)
		}
	}
	return out
}

// RoundsReviewedBy returns the rounds user id is invited to review, most
// recently opened first.
func (d *Directory) RoundsReviewedBy(id string) []inclusion.Round {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := []inclusion.Round{}
	for _, r := range d.rounds {
		if r.HasReviewer(id) {
			out = append(out, *r)
		}
	}
	slices.SortFunc(out, func(a, b inclusion.Round) int { return cmp.Compare(b.OpenedOn, a.OpenedOn) })
	return out
}
