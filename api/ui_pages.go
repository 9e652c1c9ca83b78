package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sort"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/importer"
	"github.com/sendcase/sendcase/projections"
)

// uiAsOf reads ?as_of for pages; a bad date falls back to today with a note.
func (s *Server) uiAsOf(r *http.Request) (civil.Date, string) {
	if q := r.URL.Query().Get("as_of"); q != "" {
		if d, err := civil.Parse(q); err == nil {
			return d, ""
		}
		return s.svc.Today(), "The date was not understood, so today is shown."
	}
	return s.svc.Today(), ""
}

// --- SENCO: caseload, registration, import ---

type caseloadPage struct {
	School  trust.School
	AsOf    civil.Date
	Rows    []projections.CaseloadRow
	Filter  projections.CaseloadFilter
	Sort    string
	Areas   []need.Area
	Codes   []need.Code
	CanEdit bool
	Query   url.Values
}

func (s *Server) uiCaseload(w http.ResponseWriter, r *http.Request, p principal) {
	schoolID := r.PathValue("school")
	sch, trustID, ok := s.svc.Directory().School(schoolID)
	if !ok || !(p.is(user.Admin) || p.is(user.SENCO) && p.InSchool(schoolID) || p.is(user.TrustLead) && p.TrustID == trustID) {
		s.uiError(w, r, &p, http.StatusNotFound, "There is no such school, or it is not yours to see.")
		return
	}
	asOf, note := s.uiAsOf(r)
	q := r.URL.Query()
	f := projections.CaseloadFilter{Stage: q.Get("stage"), Need: q.Get("need"), Overdue: q.Get("overdue") == "true"}
	rows, err := s.views().Caseload(r.Context(), schoolID, asOf, f)
	if err != nil {
		s.uiFail(w, r, p, err)
		return
	}
	sortRows(rows, q.Get("sort"))
	s.render(w, r, http.StatusOK, "caseload", page{Title: "Caseload — " + sch.Name, User: &p, Flash: note, Data: caseloadPage{
		School: sch, AsOf: asOf, Rows: rows, Filter: f, Sort: q.Get("sort"), Areas: need.Areas, Codes: need.Codes,
		CanEdit: p.is(user.Admin, user.SENCO), Query: q}})
}

func sortRows(rows []projections.CaseloadRow, by string) {
	less := map[string]func(a, b projections.CaseloadRow) bool{
		"year":    func(a, b projections.CaseloadRow) bool { return a.YearGroup < b.YearGroup },
		"stage":   func(a, b projections.CaseloadRow) bool { return a.Stage < b.Stage },
		"review":  func(a, b projections.CaseloadRow) bool { return dateOrLast(a.ReviewDueOn) < dateOrLast(b.ReviewDueOn) },
		"overdue": func(a, b projections.CaseloadRow) bool { return a.DaysOverdue > b.DaysOverdue },
		"need":    func(a, b projections.CaseloadRow) bool { return a.AreaOfNeed < b.AreaOfNeed },
		"ehcp": func(a, b projections.CaseloadRow) bool {
			return dateOrLast(a.NextStatutoryDueOn) < dateOrLast(b.NextStatutoryDueOn)
		},
	}[by]
	if less != nil {
		sort.SliceStable(rows, func(i, j int) bool { return less(rows[i], rows[j]) })
	}
}

func dateOrLast(d civil.Date) civil.Date {
	if !d.Valid() {
		return civil.Date(1 << 30)
	}
	return d
}

// sencoOf reports whether p may write pupils of the school.
func (p principal) sencoOf(schoolID string) bool {
	return p.is(user.Admin) || p.is(user.SENCO) && p.InSchool(schoolID)
}

type registerPage struct {
	School trust.School
	Codes  []need.Code
}

func (s *Server) uiRegister(w http.ResponseWriter, r *http.Request, p principal) {
	schoolID := r.PathValue("school")
	sch, _, ok := s.svc.Directory().School(schoolID)
	if !ok || !p.sencoOf(schoolID) {
		s.uiError(w, r, &p, http.StatusNotFound, "There is no such school, or it is not yours.")
		return
	}
	pg := page{Title: "Register a pupil", User: &p, Data: registerPage{School: sch, Codes: need.Codes}, FormName: "register"}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "register", pg)
		return
	}
	var cmd pupil.Register
	pg.Form = r.PostForm
	if errs := decodeForm(r, &cmd); errs != nil {
		pg.Errors = errs
		s.render(w, r, http.StatusBadRequest, "register", pg)
		return
	}
	ans, err := s.svc.RegisterPupil(r.Context(), p.actor(), "", schoolID, cmd)
	if errs, ok := fieldErrors(err); ok {
		pg.Errors = errs
		s.render(w, r, http.StatusBadRequest, "register", pg)
		return
	}
	if err != nil {
		var ce *domain.ConflictError
		if errors.As(err, &ce) {
			pg.Errors = map[string]string{"upn": ce.Reason}
			s.render(w, r, http.StatusConflict, "register", pg)
			return
		}
		s.uiFail(w, r, p, err)
		return
	}
	http.Redirect(w, r, "/ui/pupils/"+ans.ID()+"?done=Pupil+registered", http.StatusSeeOther)
}

type importPage struct {
	School trust.School
	Report *importer.Report
}

func (s *Server) uiImport(w http.ResponseWriter, r *http.Request, p principal) {
	schoolID := r.PathValue("school")
	sch, _, ok := s.svc.Directory().School(schoolID)
	if !ok || !p.sencoOf(schoolID) {
		s.uiError(w, r, &p, http.StatusNotFound, "There is no such school, or it is not yours.")
		return
	}
	pg := page{Title: "Import the SEN register", User: &p, Data: importPage{School: sch}, FormName: "import"}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "import", pg)
		return
	}
	pg.Form = r.PostForm
	file, _, err := r.FormFile("file")
	if err != nil {
		pg.Errors = map[string]string{"file": "Choose the CSV file exported from your MIS."}
		s.render(w, r, http.StatusBadRequest, "import", pg)
		return
	}
	defer file.Close()
	rep, err := s.runImport(r.Context(), p, schoolID, file, importer.Options{DryRun: r.PostFormValue("dry_run") == "true", Partial: r.PostFormValue("partial") == "true"})
	if errs, ok := fieldErrors(err); ok {
		pg.Errors = errs
		s.render(w, r, http.StatusBadRequest, "import", pg)
		return
	}
	if err != nil {
		s.uiFail(w, r, p, err)
		return
	}
	pg.Data = importPage{School: sch, Report: &rep}
	s.render(w, r, http.StatusOK, "import", pg)
}

// --- The pupil page ---

type pupilPage struct {
	Pupil      pupil.Pupil
	School     trust.School
	YearGroup  string
	Today      civil.Date
	Current    *pupil.Cycle
	Last       *pupil.Cycle
	EHCP       ehcp.View
	Referrals  []referralView
	Catalogue  []trust.Provision
	Provisions map[string]trust.Provision
	History    []auditEvent
	Reviewers  []user.User
	// ReviewerNames names the reviewers of the pupil's grants.
	ReviewerNames map[string]string
	// OtherSchools of the trust, for a transfer.
	OtherSchools []trust.School
	// Reads of the record by LA reviewers, newest first.
	AccessLog []eventstore.AccessEntry
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

// loadPupilPage copies what the page shows out of the cached aggregate.
func (s *Server) loadPupilPage(r *http.Request, p principal, id string) (*pupilPage, pupilAccess, error) {
	today := s.svc.Today()
	var pp pupilPage
	var access pupilAccess
	err := s.svc.ReadPupil(r.Context(), id, func(pu *pupil.Pupil) error {
		access = p.accessTo(pu, today)
		if access == noAccess {
			return domain.NotFound("pupil")
		}
		b, err := json.Marshal(pu)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &pp.Pupil); err != nil {
			return err
		}
		pp.EHCP = pu.EHCP(today, s.phaseOf(pu))
		return nil
	})
	if err != nil {
		return nil, access, err
	}
	pu := &pp.Pupil
	pp.Today, pp.YearGroup = today, string(pu.CurrentYearGroup(today))
	pp.School, _, _ = s.svc.Directory().School(pu.SchoolID)
	pp.Current = pu.CurrentCycle()
	if n := len(pu.Cycles); n > 0 {
		pp.Last = pu.Cycles[n-1]
	}
	pp.Referrals = referralViews(pu, today)
	t, _ := s.svc.Directory().Trust(pu.TrustID)
	pp.Catalogue, pp.Provisions = t.Provisions, map[string]trust.Provision{}
	for _, sch := range t.Schools {
		if sch.ID != pu.SchoolID {
			pp.OtherSchools = append(pp.OtherSchools, sch)
		}
	}
	for _, pr := range t.Provisions {
		pp.Provisions[pr.ID] = pr
	}
	pp.Reviewers = s.svc.Directory().Users(user.LAReviewer)
	pp.ReviewerNames = map[string]string{}
	for _, u := range pp.Reviewers {
		pp.ReviewerNames[u.ID] = u.Name + " (" + u.Email + ")"
	}
	pp.CanWrite, pp.CanGrant = access == readWrite, access >= readOnly
	pp.CanErase = p.is(user.Admin) && !pu.OnRoll && pu.Erasure == nil
	if pu.Erasure != nil {
		// An erased record is closed: it is read, never written.
		pp.CanWrite, pp.CanGrant, pp.OtherSchools = false, false, nil
	}
	pp.Areas, pp.Codes, pp.Types, pp.Reasons = need.Areas, need.Codes, ehcp.RecordTypes, ehcp.Reasons
	pp.Services = []string{"educational_psychology", "speech_language_therapy", "occupational_therapy", "camhs", "specialist_teacher", "paediatrics", "social_care", "early_help", "other"}
	pp.Providers = []string{"local_authority", "nhs", "trust", "private", "other"}
	if access >= readOnly {
		log, err := s.svc.Store().AccessLog(r.Context(), id)
		if err != nil {
			return nil, access, err
		}
		for i := len(log) - 1; i >= 0; i-- {
			pp.AccessLog = append(pp.AccessLog, log[i])
		}
	}
	events, err := s.svc.PupilHistory(r.Context(), id)
	if err != nil {
		return nil, access, err
	}
	for i := len(events) - 1; i >= 0; i-- {
		pp.History = append(pp.History, toAuditEvent(events[i]))
	}
	return &pp, access, nil
}

func (s *Server) uiPupil(w http.ResponseWriter, r *http.Request, p principal) {
	pp, access, err := s.loadPupilPage(r, p, r.PathValue("id"))
	if err != nil {
		s.uiFail(w, r, p, err)
		return
	}
	if access == ehcpAndAudit {
		http.Redirect(w, r, "/ui/pupils/"+pp.Pupil.ID+"/audit", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "pupil", page{Title: pp.Pupil.FirstName + " " + pp.Pupil.LastName, User: &p, Data: pp})
}

// formRunner runs a posted form on pupil id.
type formRunner func(s *Server, r *http.Request, p principal, id string, f pupilForm) (map[string]string, error)

// pupilForms are the forms of the pupil page: the access each needs and
// what it does, with the domain's own decide functions.
type pupilForm struct {
	need    pupilAccess
	status  int
	section string
	done    string
	run     formRunner
}

var pupilForms = map[string]pupilForm{
	"cycle":      {readWrite, 201, "cycle", "Cycle opened", formCommand((*pupil.Pupil).OpenCycle)},
	"assessment": {readWrite, 200, "cycle", "Assessment recorded", cycleForm((*pupil.Pupil).RecordAssessment)},
	"plan":       {readWrite, 200, "cycle", "Plan agreed", planForm},
	"session":    {readWrite, 201, "cycle", "Session logged", cycleForm((*pupil.Pupil).LogSession)},
	"review":     {readWrite, 200, "cycle", "Review recorded", cycleForm((*pupil.Pupil).RecordReview)},
	"status":     {readWrite, 200, "details", "SEN status changed", formCommand((*pupil.Pupil).ChangeStatus)},
	"ehcp":       {readOnly, 201, "ehcp", "EHCP milestone recorded", formCommand((*pupil.Pupil).RecordEHCP)},
	"referral":   {readWrite, 201, "referrals", "Referral made", formCommand((*pupil.Pupil).MakeReferral)},
	"referral-status": {readWrite, 200, "referrals", "Referral updated", func(s *Server, r *http.Request, p principal, id string, f pupilForm) (map[string]string, error) {
		ref := r.PostFormValue("referral_id")
		r.PostForm.Del("referral_id")
		return formCommand(func(pu *pupil.Pupil, cmd pupil.ChangeReferral, c pupil.Facts) ([]event.Data, error) {
			return pu.ChangeReferral(ref, cmd, c)
		})(s, r, p, id, f)
	}},
	"grant":    {readOnly, 201, "access", "Access granted", formCommand((*pupil.Pupil).GrantAccess)},
	"transfer": {readWrite, 200, "", "Pupil transferred", formCommand((*pupil.Pupil).Transfer)},
	"leave":    {readWrite, 200, "details", "Pupil taken off roll", formCommand((*pupil.Pupil).Leave)},
	"erase":    {readWrite, 200, "details", "Personal data erased", eraseForm},
}

// eraseForm erases the pupil's personal data (admin only).
func eraseForm(s *Server, r *http.Request, p principal, id string, _ pupilForm) (map[string]string, error) {
	if !p.is(user.Admin) {
		return nil, errForbidden
	}
	var cmd pupil.Erase
	if errs := decodeForm(r, &cmd); errs != nil {
		return errs, nil
	}
	_, err := s.svc.ErasePupil(r.Context(), p.actor(), "", id, cmd)
	if errs, ok := fieldErrors(err); ok {
		return errs, nil
	}
	return nil, err
}

// formCommand decodes the form into C and runs decide through execPupil.
func formCommand[C any](decide func(pu *pupil.Pupil, cmd C, c pupil.Facts) ([]event.Data, error)) formRunner {
	return func(s *Server, r *http.Request, p principal, id string, form pupilForm) (map[string]string, error) {
		var cmd C
		if errs := decodeForm(r, &cmd); errs != nil {
			return errs, nil
		}
		_, err := s.execPupil(r.Context(), p, id, "", nil, form.status, form.need, func(pu *pupil.Pupil, c pupil.Facts) ([]event.Data, app.Decision, error) {
			evs, err := decide(pu, cmd, c)
			return evs, app.Decision{}, err
		})
		if errs, ok := fieldErrors(err); ok {
			return errs, nil
		}
		return nil, err
	}
}

// cycleForm is formCommand for a command on the cycle named in the form.
func cycleForm[C any](decide func(pu *pupil.Pupil, cycleID string, cmd C, c pupil.Facts) ([]event.Data, error)) formRunner {
	return func(s *Server, r *http.Request, p principal, id string, f pupilForm) (map[string]string, error) {
		cycle := r.PostFormValue("cycle_id")
		r.PostForm.Del("cycle_id")
		return formCommand(func(pu *pupil.Pupil, cmd C, c pupil.Facts) ([]event.Data, error) {
			return decide(pu, cycle, cmd, c)
		})(s, r, p, id, f)
	}
}

// planForm drops the outcome rows left blank and the catalogue rows not
// ticked before deciding, and puts errors back on the rows they came from.
func planForm(s *Server, r *http.Request, p principal, id string, f pupilForm) (map[string]string, error) {
	original := url.Values{}
	for k, v := range r.PostForm {
		original[k] = v
	}
	outcomes := compactRows(r.PostForm, "outcomes", "description")
	provisions := compactRows(r.PostForm, "provisions", "provision_id")
	errs, err := cycleForm((*pupil.Pupil).AgreePlan)(s, r, p, id, f)
	r.PostForm = original
	restoreRows(errs, "outcomes", outcomes)
	restoreRows(errs, "provisions", provisions)
	return errs, err
}

func (s *Server) uiPupilAction(w http.ResponseWriter, r *http.Request, p principal) {
	id, name := r.PathValue("id"), r.PathValue("form")
	form, ok := pupilForms[name]
	if !ok {
		s.uiError(w, r, &p, http.StatusNotFound, "There is no such form.")
		return
	}
	typed := url.Values{}
	for k, v := range r.PostForm {
		typed[k] = v
	}
	errs, err := form.run(s, r, p, id, form)
	if err != nil {
		s.uiFail(w, r, p, err)
		return
	}
	if errs != nil {
		pp, _, lerr := s.loadPupilPage(r, p, id)
		if lerr != nil {
			s.uiFail(w, r, p, lerr)
			return
		}
		s.render(w, r, http.StatusBadRequest, "pupil", page{Title: pp.Pupil.FirstName + " " + pp.Pupil.LastName, User: &p, Data: pp,
			Form: typed, Errors: errs, FormName: name, Flash: "Please correct the fields marked below."})
		return
	}
	if form.section == "" {
		// The pupil has moved out of the SENCO's sight: back to their first page.
		http.Redirect(w, r, "/ui/?done="+url.QueryEscape(form.done), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/ui/pupils/"+id+"?done="+url.QueryEscape(form.done)+"#"+form.section, http.StatusSeeOther)
}

func (s *Server) uiPlanPrint(w http.ResponseWriter, r *http.Request, p principal) {
	pp, access, err := s.loadPupilPage(r, p, r.PathValue("id"))
	if err == nil && access < readOnly {
		err = domain.NotFound("pupil")
	}
	if err != nil {
		s.uiFail(w, r, p, err)
		return
	}
	var plan *pupil.Cycle
	for i := len(pp.Pupil.Cycles) - 1; i >= 0; i-- {
		if pp.Pupil.Cycles[i].Plan != nil {
			plan = pp.Pupil.Cycles[i]
			break
		}
	}
	s.render(w, r, http.StatusOK, "plan", page{Title: "SEN support plan — " + pp.Pupil.FirstName + " " + pp.Pupil.LastName, User: &p,
		Data: struct {
			*pupilPage
			Plan *pupil.Cycle
		}{pp, plan}})
}

func toAuditEvent(e event.Event) auditEvent {
	return auditEvent{Seq: e.Seq, Version: e.Version, EventID: e.ID, Type: e.Type, OccurredOn: e.OccurredOn,
		RecordedAt: e.RecordedAt.UTC().Format("2006-01-02 15:04 UTC"), Actor: e.Actor, Data: e.Readable(), PrevHash: e.PrevHash, Hash: e.Hash}
}

// --- Audit (SENCO, trust lead, LA reviewer) ---

type auditPage struct {
	PupilID string
	Name    string
	EHCP    *ehcp.View
	Events  []auditEvent
	Verify  verification
}

func (s *Server) uiAudit(w http.ResponseWriter, r *http.Request, p principal) {
	id := r.PathValue("id")
	today := s.svc.Today()
	var name string
	var view ehcp.View
	err := s.svc.ReadPupil(r.Context(), id, func(pu *pupil.Pupil) error {
		if p.accessTo(pu, today) == noAccess {
			return domain.NotFound("pupil")
		}
		name, view = pu.FirstName+" "+pu.LastName, pu.EHCP(today, s.phaseOf(pu))
		return nil
	})
	if err != nil {
		s.uiFail(w, r, p, err)
		return
	}
	if err := s.logReviewerRead(r.Context(), p, id, "audit trail (web)"); err != nil {
		s.uiFail(w, r, p, err)
		return
	}
	events, err := s.svc.PupilHistory(r.Context(), id)
	if err != nil {
		s.uiFail(w, r, p, err)
		return
	}
	v, err := s.verify(r.Context(), id, events)
	if err != nil {
		s.uiFail(w, r, p, err)
		return
	}
	ap := auditPage{PupilID: id, Name: name, EHCP: &view, Verify: v}
	for _, e := range events {
		ap.Events = append(ap.Events, toAuditEvent(e))
	}
	s.render(w, r, http.StatusOK, "audit", page{Title: "Audit trail — " + name, User: &p, Data: ap})
}

// --- Trust lead ---

type workloadPage struct {
	Trust    trust.Trust
	AsOf     civil.Date
	W        projections.Workload
	MaxHours float64
	MaxDue   int
	Needs    []needRow
	Areas    []need.Area
}

type needRow struct {
	School   string
	Counts   []int
	Total    int
	Segments []segment
}

// segment is one part of a stacked bar, in percent of its width.
type segment struct{ X, W int }

func (s *Server) uiWorkload(w http.ResponseWriter, r *http.Request, p principal) {
	trustID := r.PathValue("trust")
	t, ok := s.svc.Directory().Trust(trustID)
	if !ok || !p.managesTrust(trustID) {
		s.uiError(w, r, &p, http.StatusNotFound, "There is no such trust, or it is not yours to see.")
		return
	}
	asOf, note := s.uiAsOf(r)
	wl, err := s.views().Workload(r.Context(), trustID, asOf)
	if err != nil {
		s.uiFail(w, r, p, err)
		return
	}
	needs, err := s.views().NeedsBySchool(r.Context(), trustID)
	if err != nil {
		s.uiFail(w, r, p, err)
		return
	}
	wp := workloadPage{Trust: t, AsOf: asOf, W: wl, Areas: need.Areas}
	for _, sc := range wl.Schools {
		wp.MaxHours = max(wp.MaxHours, sc.AdminHoursNext30d)
		wp.MaxDue = max(wp.MaxDue, sc.StatutoryDue90d, sc.StatutoryOverdue)
		row := needRow{School: sc.Name}
		for _, a := range need.Areas {
			n := needs[sc.SchoolID][a]
			row.Counts = append(row.Counts, n)
			row.Total += n
		}
		x := 0
		for _, n := range row.Counts {
			w := 0
			if row.Total > 0 {
				w = n * 100 / row.Total
			}
			row.Segments = append(row.Segments, segment{X: x, W: w})
			x += w
		}
		wp.Needs = append(wp.Needs, row)
	}
	s.render(w, r, http.StatusOK, "workload", page{Title: "Workload — " + t.Name, User: &p, Flash: note, Data: wp})
}

type provisionsPage struct {
	Trust    trust.Trust
	SchoolID string
	AsOf     civil.Date
	M        projections.ProvisionMap
	Areas    []need.Area
	CSV      string
}

func (s *Server) uiProvisionMap(w http.ResponseWriter, r *http.Request, p principal) {
	trustID := r.PathValue("trust")
	t, ok := s.svc.Directory().Trust(trustID)
	if !ok || !p.managesTrust(trustID) {
		s.uiError(w, r, &p, http.StatusNotFound, "There is no such trust, or it is not yours to see.")
		return
	}
	schoolID := r.URL.Query().Get("school")
	if _, ok := t.School(schoolID); schoolID != "" && !ok {
		schoolID = ""
	}
	asOf, note := s.uiAsOf(r)
	m, err := s.views().ProvisionMap(r.Context(), trustID, schoolID, asOf)
	if err != nil {
		s.uiFail(w, r, p, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		b, ct, err := provisionMapCSV(m)
		if err != nil {
			s.uiFail(w, r, p, err)
			return
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", `attachment; filename="provision-map.csv"`)
		_, _ = w.Write(b)
		return
	}
	q := url.Values{"school": {schoolID}, "as_of": {asOf.String()}, "format": {"csv"}}
	s.render(w, r, http.StatusOK, "provisions", page{Title: "Provision map — " + t.Name, User: &p, Flash: note, Data: provisionsPage{
		Trust: t, SchoolID: schoolID, AsOf: asOf, M: m, Areas: need.Areas, CSV: r.URL.Path + "?" + q.Encode()}})
}

// --- LA reviewer ---

func (s *Server) uiReviews(w http.ResponseWriter, r *http.Request, p principal) {
	if !p.is(user.LAReviewer, user.Admin) {
		s.uiError(w, r, &p, http.StatusForbidden, "This page is for local authority reviewers.")
		return
	}
	g, err := s.views().Granted(r.Context(), p.ID, s.svc.Today())
	if err != nil {
		s.uiFail(w, r, p, err)
		return
	}
	s.render(w, r, http.StatusOK, "reviews", page{Title: "Pupils granted to me", User: &p, Data: g})
}
