package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventlog"
)

// pupilPage is what the pupil's page shows: the record, and what each of
// its forms offers.
type pupilPage struct {
	Pupil     *pupil.Pupil
	School    trust.School
	YearGroup string
	Today     civil.Date
	// Past is set when the page shows the record as it stood at the end of
	// AsOf (?as_of on the address): read only.
	Past       bool
	AsOf       civil.Date
	Current    *pupil.Cycle
	Last       *pupil.Cycle
	EHCP       ehcp.View
	Referrals  []app.ReferralView
	Catalogue  []trust.Provision
	Provisions map[string]trust.Provision
	History    []historyEntry
	Reviewers  []user.User
	// Staff deliver the plan; StaffChoices could (the school's staff).
	Staff        []user.User
	StaffChoices []user.User
	// ReviewerNames names the reviewers of the pupil's grants.
	ReviewerNames map[string]string
	// OtherSchools of the trust, for a transfer.
	OtherSchools []trust.School
	// Reads of the record by LA reviewers, newest first.
	AccessLog []eventlog.AccessEntry
	CanWrite  bool
	CanGrant  bool
	// CanErase: an admin, on the record of a pupil who has left.
	CanErase  bool
	Areas     []need.Area
	Codes     []need.Code
	Types     []string
	Reasons   []string
	Services  []string
	Providers []string
}

// historyEntry is one line of a record's history.
type historyEntry struct {
	Version    int
	Type       string
	OccurredOn civil.Date
	RecordedAt string
	Actor      event.Actor
	Data       json.RawMessage
	Hash       string
	// Late: recorded more than 14 days after the date it describes.
	Late bool
}

func toHistory(e event.Event) historyEntry {
	return historyEntry{Version: e.Version, Type: e.Type, OccurredOn: e.OccurredOn,
		RecordedAt: e.RecordedAt.UTC().Format("2006-01-02 15:04 UTC"), Actor: e.Actor, Data: e.Readable(), Hash: e.Hash,
		Late: e.RecordedLate()}
}

// loadPupilPage reads pupil id's record once and lays out its page.
func (s *Server) loadPupilPage(r *http.Request, u user.User, id string) (*pupilPage, error) {
	var at app.When
	if r.Method == http.MethodGet {
		at.AsOf, _ = s.asOf(r) // forms after a post show today's record
	}
	rec, err := s.svc.PupilRecord(r.Context(), u, id, at)
	if err != nil {
		return nil, err
	}
	p := rec.Pupil
	pp := &pupilPage{Pupil: p, School: rec.School, YearGroup: string(rec.YearGroup), Today: rec.Today, Past: rec.Past, AsOf: rec.AsOf, EHCP: rec.EHCP,
		Referrals: rec.Referrals, Current: p.CurrentCycle(), Catalogue: rec.Trust.Provisions, Provisions: map[string]trust.Provision{},
		CanWrite: rec.Can.Write, CanGrant: rec.Can.Grant, CanErase: rec.Can.Erase,
		Areas: need.Areas, Codes: need.Codes, Types: ehcp.RecordTypes, Reasons: ehcp.Reasons, Services: pupil.Services, Providers: pupil.Providers}
	if n := len(p.Cycles); n > 0 {
		pp.Last = p.Cycles[n-1]
	}
	for _, pr := range rec.Trust.Provisions {
		pp.Provisions[pr.ID] = pr
	}
	if rec.Can.Write {
		for _, sch := range rec.Trust.Schools {
			if sch.ID != p.SchoolID {
				pp.OtherSchools = append(pp.OtherSchools, sch)
			}
		}
	}
	pp.Reviewers = rec.Reviewers
	for _, id := range p.Staff {
		if st, ok := s.svc.Directory().User(id); ok {
			pp.Staff = append(pp.Staff, st)
		}
	}
	if rec.Can.Write {
		pp.StaffChoices = s.svc.StaffOf(p.SchoolID)
	}
	pp.ReviewerNames = map[string]string{}
	for _, rv := range rec.Reviewers {
		pp.ReviewerNames[rv.ID] = rv.Name + " (" + rv.Email + ")"
	}
	log, err := s.svc.ReviewerReads(r.Context(), rec)
	if err != nil {
		return nil, err
	}
	for i := len(log) - 1; i >= 0; i-- {
		pp.AccessLog = append(pp.AccessLog, log[i])
	}
	for i := len(rec.History) - 1; i >= 0; i-- {
		pp.History = append(pp.History, toHistory(rec.History[i]))
	}
	return pp, nil
}

// pupil is a pupil's record with a form for each thing that can be recorded.
// An LA reviewer sees the audit trail instead.
func (s *Server) pupil(w http.ResponseWriter, r *http.Request, u user.User) {
	id := r.PathValue("id")
	pp, err := s.loadPupilPage(r, u, id)
	if errors.Is(err, domain.ErrForbidden) && u.Role == user.LAReviewer {
		http.Redirect(w, r, "/ui/pupils/"+id+"/audit", http.StatusSeeOther)
		return
	}
	if errors.Is(err, domain.ErrForbidden) && u.Role == user.Staff {
		http.Redirect(w, r, "/ui/pupils/"+id+"/delivery", http.StatusSeeOther)
		return
	}
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	_, note := s.asOf(r)
	s.render(w, r, http.StatusOK, "pupil", page{Title: pp.Pupil.FirstName + " " + pp.Pupil.LastName, User: &u, Flash: note, Data: pp})
}
