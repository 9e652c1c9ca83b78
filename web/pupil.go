package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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
	Past    bool
	AsOf    civil.Date
	Current *pupil.Cycle
	// OverdueDays: the current plan's review is this many days overdue.
	OverdueDays int
	// Delivery is the current plan's delivered against planned, over the
	// last pupil.DeliveryWindowDays.
	Delivery []pupil.ProvisionDelivery
	// NextMeeting is the next meeting with the parents expected (CoP
	// 6.65), if any; MeetingsThisYear those held since 1 September.
	NextMeeting      *pupil.MeetingDue
	MeetingsThisYear int
	// Closed are the cycles reviewed, newest first; Processes the EHC
	// clock's milestones grouped by process.
	Closed     []closedCycle
	Processes  []ehcp.Process
	Last       *pupil.Cycle
	EHCP       ehcp.View
	Referrals  []app.ReferralView
	Catalogue  []trust.Provision
	Provisions map[string]trust.Provision
	// MeasureList are the trust's measures of progress, for the plan's
	// outcomes; Measures the same by id.
	MeasureList []trust.Measure
	Measures    map[string]trust.Measure
	// Results are each plan's outcomes with their ratings and readings,
	// newest plan first; Charts a chart of each measure's readings.
	Results   []cycleResults
	Charts    []lineChart
	History   []historyEntry
	Reviewers []user.User
	// ParentNames names the parents linked to the pupil, by account.
	ParentNames map[string]string
	// ProfessionalNames names the professionals asked, by account;
	// AskChoices are what one can be asked for now (the SENCO's form).
	ProfessionalNames map[string]string
	AskChoices        []askChoice
	// Staff deliver the plan; StaffChoices could (the school's staff).
	Staff        []user.User
	StaffChoices []user.User
	// ReviewerNames names the reviewers of the pupil's grants.
	ReviewerNames map[string]string
	// OtherSchools of the trust, for a transfer; TrustSchools, all of
	// them, for a re-admission.
	OtherSchools, TrustSchools []trust.School
	// Details fill the form correcting who the pupil is.
	Details url.Values
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

// closedCycle is a reviewed cycle as the pupil's history shows it.
type closedCycle struct {
	*pupil.Cycle
	// Ratings are the review's, by outcome id.
	Ratings map[string]string
	// Sessions delivered, how many attended, and the rate in percent.
	Sessions, Attended, Rate int
}

func closeOf(c *pupil.Cycle) closedCycle {
	cc := closedCycle{Cycle: c, Ratings: map[string]string{}, Sessions: len(c.Sessions)}
	if c.Review != nil {
		for _, r := range c.Review.Outcomes {
			cc.Ratings[r.OutcomeID] = r.Rating
		}
	}
	for _, s := range c.Sessions {
		if s.Attended {
			cc.Attended++
		}
	}
	if cc.Sessions > 0 {
		cc.Rate = (100*cc.Attended + cc.Sessions/2) / cc.Sessions
	}
	return cc
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
	// Label says in words what happened.
	Label string
	// Kind is what the reader may correct of it ("" for nothing, when it
	// was voided, or when it is not theirs to correct); Amended says when
	// a later entry corrected or voided it.
	Kind    string
	Amended string
}

func toHistory(e event.Event) historyEntry {
	return historyEntry{Version: e.Version, Type: e.Type, OccurredOn: e.OccurredOn,
		RecordedAt: ukTime(e.RecordedAt), Actor: e.Actor, Data: e.Readable(), Hash: e.Hash,
		Late: e.RecordedLate(), Label: eventLabel(e.Type, e.Readable())}
}

// eventLabels say what each kind of event on a pupil's record is.
var eventLabels = map[string]string{
	"pupil_registered": "Registered", "sen_status_changed": "SEN status changed", "cycle_opened": "Cycle opened",
	"assessment_recorded": "Assessment recorded", "plan_agreed": "Plan agreed", "session_logged": "Session logged",
	"cycle_reviewed": "Review recorded", "ehcp_milestone_recorded": "EHC process", "referral_made": "Referral made",
	"referral_status_changed": "Referral", "access_granted": "LA access granted", "access_revoked": "LA access ended",
	"staff_assigned": "Staff assigned", "staff_unassigned": "Staff assignment ended", "pupil_transferred": "Transferred",
	"pupil_left": "Taken off roll", "pupil_erased": "Personal data erased", "pupil_readmitted": "Re-admitted",
	"pupil_details_corrected": "Name, date of birth, UPN or year group corrected",
	"entry_corrected":         "Correction", "entry_voided": "Void",
	"parent_meeting_recorded": "Meeting with the parents",
	"professional_invited":    "Professional asked for advice or a report",
	"professional_answered":   "Advice or report sent by the professional",
}

// entryKindWords name the kinds of entry in a sentence.
var entryKindWords = map[string]string{
	pupil.EntryAssessment: "the assessment", pupil.EntryPlan: "the plan", pupil.EntrySession: "a session",
	pupil.EntryReview: "the review", pupil.EntryEHCP: "an EHC process record", pupil.EntryReferral: "a referral",
	pupil.EntryReferralChange: "a referral's change", pupil.EntryGrant: "an LA access grant",
	pupil.EntryMeeting: "a meeting with the parents",
}

// eventLabel says in words what an event of the record is: EHC process
// records and referral changes say which, corrections and voids which
// entry, and why.
func eventLabel(typ string, data json.RawMessage) string {
	label, ok := eventLabels[typ]
	if !ok {
		label = strings.ReplaceAll(typ, "_", " ")
		label = strings.ToUpper(label[:1]) + label[1:]
	}
	var d struct {
		Record struct{ Type string } `json:"record"`
		Entry  json.RawMessage       `json:"entry"`
		Kind   string                `json:"kind"`
		Reason string                `json:"reason"`
	}
	_ = json.Unmarshal(data, &d)
	switch typ {
	case "ehcp_milestone_recorded":
		label += ": " + strings.ReplaceAll(d.Record.Type, "_", " ")
	case "referral_status_changed":
		var e struct{ Status string }
		_ = json.Unmarshal(d.Entry, &e)
		label += " " + strings.ReplaceAll(e.Status, "_", " ")
	case "entry_corrected", "entry_voided":
		label = fmt.Sprintf("%s of entry %s (%s): %s", label, d.Entry, entryKindWords[d.Kind], d.Reason)
	}
	return label
}

// markAmended notes on each entry of a history the later correction or
// void of it, if any.
func markAmended(h []historyEntry) {
	by, latest := map[string]string{}, map[string]int{}
	for _, e := range h {
		if e.Type == "entry_corrected" || e.Type == "entry_voided" {
			var d struct {
				Entry json.RawMessage `json:"entry"`
			}
			_ = json.Unmarshal(e.Data, &d)
			word := "Corrected"
			if e.Type == "entry_voided" {
				word = "Voided"
			}
			// The latest says what stands.
			if e.Version > latest[string(d.Entry)] {
				latest[string(d.Entry)] = e.Version
				by[string(d.Entry)] = fmt.Sprintf("%s by entry %d", word, e.Version)
			}
		}
	}
	for i := range h {
		h[i].Amended = by[strconv.Itoa(h[i].Version)]
	}
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
	for i := len(p.Cycles) - 1; i >= 0; i-- {
		if c := p.Cycles[i]; c != pp.Current {
			pp.Closed = append(pp.Closed, closeOf(c))
		}
	}
	pp.Processes = rec.EHCP.Processes()
	// Delivered against planned over the last four weeks, for the plan in
	// place now (the record as of its date).
	if c := pp.Current; c != nil && c.Plan != nil {
		for _, d := range p.Delivery(rec.AsOf.AddDays(-pupil.DeliveryWindowDays+1), rec.AsOf) {
			if d.CycleID == c.ID {
				pp.Delivery = append(pp.Delivery, d)
			}
		}
	}
	if m, ok := p.NextParentMeeting(rec.AsOf); ok {
		pp.NextMeeting = &m
	}
	pp.MeetingsThisYear = p.MeetingsThisSchoolYear(rec.AsOf)
	if overdue, days := p.ReviewOverdue(rec.AsOf); overdue {
		pp.OverdueDays = days
	}
	for _, pr := range rec.Trust.Provisions {
		pp.Provisions[pr.ID] = pr
	}
	pp.MeasureList, pp.Measures = rec.Trust.Measures, map[string]trust.Measure{}
	for _, m := range rec.Trust.Measures {
		pp.Measures[m.ID] = m
	}
	pp.Results, pp.Charts = progressOf(p, pp.MeasureList)
	if rec.Can.Write {
		pp.TrustSchools = rec.Trust.Schools
		pp.Details = url.Values{"upn": {p.UPN}, "first_name": {p.FirstName}, "last_name": {p.LastName},
			"date_of_birth": {p.DateOfBirth.String()}, "year_group": {string(rec.YearGroup)}}
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
	pp.ParentNames = map[string]string{}
	for _, l := range p.Parents {
		if pu, ok := s.svc.Directory().User(l.UserID); ok {
			pp.ParentNames[l.UserID] = pu.Name
		}
	}
	pp.ProfessionalNames = map[string]string{}
	for _, rq := range p.Professionals {
		if pu, ok := s.svc.Directory().User(rq.UserID); ok {
			pp.ProfessionalNames[rq.UserID] = pu.Name + " (" + pu.Email + ")"
		}
	}
	if rec.Can.Write {
		pp.AskChoices = askChoices(p)
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
		h := toHistory(rec.History[i])
		if kind := p.EntryKind(h.Version); !rec.Past && kind != "" && (rec.Can.Write || rec.Can.Grant) && rec.Access.Allows(app.CorrectionAccess(kind)) {
			h.Kind = kind
		}
		pp.History = append(pp.History, h)
	}
	markAmended(pp.History)
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
	if errors.Is(err, domain.ErrForbidden) && u.Role == user.Parent {
		http.Redirect(w, r, "/ui/children/"+id, http.StatusSeeOther) // their own child's page
		return
	}
	if errors.Is(err, domain.ErrForbidden) && u.Role == user.Professional {
		http.Redirect(w, r, "/ui/requests", http.StatusSeeOther) // what their requests share
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
	pg := page{Title: pp.Pupil.FirstName + " " + pp.Pupil.LastName, User: &u, Flash: note, Data: pp}
	if q := r.URL.Query(); q.Get("next") == nextEHCRequest && pp.CanGrant {
		pg.FormName, pg.Form = "ehcp", url.Values{"type": {ehcp.Request}, "on": {q.Get("on")}, "requested_by": {"school"}}
	}
	s.render(w, r, http.StatusOK, "pupil", pg)
}
