package web

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/inclusion"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/httpx"
	"github.com/sendcase/sendcase/importer"
	"github.com/sendcase/sendcase/projections"
)

// Inclusion across the trust: the MAT SEND review (the heat map of a trust
// or a school, and each round's page with its forms), patterns of need,
// and attendance and exclusions by SEN status. The same use cases as the
// API's /v1/.../reviews, /review-rounds, /patterns-of-need and
// /attendance.

// inclusionBase is the pages' shared part: whose they are and the links
// between them.
type inclusionBase struct {
	Trust trust.Trust
	// SchoolID is the school's, or "" for the trust; Base is the pages'
	// address without the last part.
	SchoolID, SchoolName, Base, Kind string
}

func (s *Server) inclusionBase(w http.ResponseWriter, r *http.Request, u user.User, kind string) (inclusionBase, bool) {
	b := inclusionBase{Kind: kind}
	trustID, schoolID := r.PathValue("trust"), r.PathValue("school")
	if schoolID != "" {
		tid, ok := s.svc.Directory().SchoolTrust(schoolID)
		if !ok {
			s.errorPage(w, r, &u, http.StatusNotFound, "There is no such school.")
			return b, false
		}
		trustID, b.SchoolID, b.Base = tid, schoolID, "/ui/schools/"+schoolID
	} else {
		b.Base = "/ui/trusts/" + trustID
	}
	t, ok := s.svc.Directory().Trust(trustID)
	if !ok {
		s.errorPage(w, r, &u, http.StatusNotFound, "There is no such trust.")
		return b, false
	}
	b.Trust = t
	if sch, ok := t.School(schoolID); ok {
		b.SchoolName = sch.Name
	}
	return b, true
}

// title is a page's title for the trust or the school.
func (b inclusionBase) title(what string) string {
	if b.SchoolName != "" {
		return what + ": " + b.SchoolName
	}
	return what + ": " + b.Trust.Name
}

// reviewsPage is the heat map, and the forms around it.
type reviewsPage struct {
	inclusionBase
	Map projections.ReviewMap
	// Rounds are the school's, newest first (a school's page).
	Rounds []inclusion.Round
	// Statements are the trust's own, added to the framework.
	Own   []inclusion.Statement
	Names map[string]string
	Today civil.Date
}

// matReviews is the MAT SEND review of a trust or a school (GET), and its
// forms (POST): open a round (a school's), add a statement (a trust's).
func (s *Server) matReviews(w http.ResponseWriter, r *http.Request, u user.User) {
	b, ok := s.inclusionBase(w, r, u, "reviews")
	if !ok {
		return
	}
	m, err := s.svc.Reviews(r.Context(), u, app.ReviewQuery{TrustID: b.Trust.ID, SchoolID: b.SchoolID})
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	d := &reviewsPage{inclusionBase: b, Map: m, Own: b.Trust.ReviewStatements, Names: map[string]string{}, Today: s.svc.Today()}
	if b.SchoolID != "" {
		rounds := s.svc.Directory().Rounds(b.SchoolID)
		for i := len(rounds) - 1; i >= 0; i-- {
			d.Rounds = append(d.Rounds, rounds[i])
		}
	}
	for _, a := range m.Actions {
		if p, ok := s.svc.Directory().User(a.OwnerID); ok {
			d.Names[a.OwnerID] = p.Name
		}
	}
	pg := page{Title: b.title("MAT SEND review"), User: &u, Data: d}
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "matreview", pg)
		return
	}
	switch {
	case b.SchoolID != "":
		pg.FormName = "round"
		var id string
		if submit(s, w, r, u, "matreview", pg, "name", func(cmd inclusion.OpenRound) error {
			res, err := s.svc.OpenRound(r.Context(), u, app.CommandOptions{}, b.SchoolID, cmd)
			id = res.ID
			return err
		}) {
			done(w, r, "/ui/rounds/"+id, "Round opened: rate each area below")
		}
	default:
		pg.FormName = "statement"
		if submit(s, w, r, u, "matreview", pg, "text", func(cmd trust.AddStatement) error {
			_, err := s.svc.AddStatement(r.Context(), u, app.CommandOptions{}, b.Trust.ID, cmd)
			return err
		}) {
			done(w, r, b.Base+"/reviews#statements", "Statement added to the review")
		}
	}
}

// roundPage is a round with a form for each area, its actions, reviewers
// and comments.
type roundPage struct {
	V      app.RoundView
	Areas  []areaForm
	Report bool
	Today  civil.Date
}

// areaForm is one area of the round: its score and each statement's row.
type areaForm struct {
	inclusion.Area
	Score inclusion.AreaScore
	// Previous is the area's score in the school's round before.
	Previous *inclusion.AreaScore
	Rows     []statementRow
	Form     string
}

// statementRow is one statement with its rating and evidence, as stood
// or as typed when the form was refused.
type statementRow struct {
	I                               int
	Statement                       inclusion.Statement
	Rating, Strengths, Improvements string
	On                              civil.Date
	Errors                          map[string]string
	Comments                        []inclusion.Comment
}

// round is a round's page (GET), and its forms (POST /ui/rounds/{round}/{form}).
func (s *Server) round(w http.ResponseWriter, r *http.Request, u user.User) {
	s.roundPage(w, r, u, http.StatusOK, page{}, strings.HasSuffix(r.URL.Path, "/report"))
}

func (s *Server) roundPage(w http.ResponseWriter, r *http.Request, u user.User, status int, pg page, report bool) {
	v, err := s.svc.Round(r.Context(), u, r.PathValue("round"))
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	d := &roundPage{V: v, Report: report, Today: s.svc.Today()}
	for ai, a := range inclusion.Areas {
		af := areaForm{Area: a, Score: v.Scores[ai], Form: "rate-" + a.ID}
		if v.Previous != nil {
			af.Previous = &v.Previous.Scores[ai]
		}
		i := 0
		for _, st := range v.Statements {
			if st.Area != a.ID {
				continue
			}
			row := statementRow{I: i, Statement: st, Errors: map[string]string{}}
			if rt, ok := v.Rating(st.ID); ok {
				row.Rating, row.Strengths, row.Improvements, row.On = rt.Rating, rt.Strengths, rt.Improvements, rt.On
			}
			if pg.FormName == af.Form {
				key := fmt.Sprintf("ratings[%d].", i)
				row.Rating, row.Strengths, row.Improvements = pg.Form.Get(key+"rating"), pg.Form.Get(key+"strengths"), pg.Form.Get(key+"improvements")
				for _, f := range []string{"statement_id", "rating", "strengths", "improvements"} {
					if msg, ok := pg.Errors[key+f]; ok {
						row.Errors[f] = msg
					}
				}
			}
			for _, c := range v.Comments {
				if c.StatementID == st.ID {
					row.Comments = append(row.Comments, c)
				}
			}
			af.Rows = append(af.Rows, row)
			i++
		}
		d.Areas = append(d.Areas, af)
	}
	pg.Title, pg.User, pg.Data = "MAT SEND review: "+v.School+", "+v.Name, &u, d
	if report {
		pg.Title = "Report: " + pg.Title
	}
	s.render(w, r, status, "round", pg)
}

// roundForm runs a form of the round's page: rate (an area), action,
// done, reviewer, comment.
func (s *Server) roundForm(w http.ResponseWriter, r *http.Request, u user.User) {
	id, form := r.PathValue("round"), r.PathValue("form")
	o := app.CommandOptions{}
	var err error
	var errs map[string]string
	name, msg, anchor := form, "", ""
	switch form {
	case "rate":
		var cmd inclusion.RateArea
		// The form sends only the statements given a rating: a row left
		// unrated is not a rating.
		keep := url.Values{"area": r.PostForm["area"]}
		n := 0
		for i := 0; r.PostForm.Has(fmt.Sprintf("ratings[%d].statement_id", i)); i++ {
			key := fmt.Sprintf("ratings[%d].", i)
			if r.PostForm.Get(key+"rating") == "" && strings.TrimSpace(r.PostForm.Get(key+"strengths")+r.PostForm.Get(key+"improvements")) == "" {
				continue
			}
			for _, f := range []string{"statement_id", "rating", "strengths", "improvements"} {
				keep[fmt.Sprintf("ratings[%d].%s", n, f)] = r.PostForm[key+f]
			}
			n++
		}
		typed := r.PostForm
		r.PostForm = keep
		name, msg, anchor = "rate-"+r.PostForm.Get("area"), "Ratings saved", "area-"+r.PostForm.Get("area")
		if errs = decodeForm(r, &cmd); errs == nil {
			_, err = s.svc.RateArea(r.Context(), u, o, id, cmd)
		}
		// Errors name the rows sent; the page shows them on the rows typed.
		errs, _ = remapRows(errs, err, typed, keep)
		err = dropFieldErrors(err)
		r.PostForm = typed
	case "action":
		var cmd inclusion.AddAction
		if errs = decodeForm(r, &cmd); errs == nil {
			_, err = s.svc.AddReviewAction(r.Context(), u, o, id, cmd)
		}
		msg, anchor = "Action added: it shows on its owner's Due soon", "actions"
	case "done":
		var cmd inclusion.CompleteAction
		if errs = decodeForm(r, &cmd); errs == nil {
			_, err = s.svc.CompleteReviewAction(r.Context(), u, o, id, cmd)
		}
		msg, anchor = "Action done", "actions"
	case "reviewer":
		var cmd app.InviteReviewer
		if errs = decodeForm(r, &cmd); errs == nil {
			_, err = s.svc.InviteRoundReviewer(r.Context(), u, o, id, cmd)
		}
		msg, anchor = "Reviewer invited: they see this round under Peer reviews", "reviewers"
	case "evidence":
		fl, hdr, ferr := r.FormFile("file")
		if ferr != nil {
			errs = map[string]string{"file": "Choose the file to attach"}
			break
		}
		defer fl.Close()
		var cmd inclusion.AddEvidence
		if errs = decodeForm(r, &cmd); errs == nil {
			if cmd.Name == "" {
				cmd.Name = hdr.Filename
			}
			_, err = s.svc.AddEvidence(r.Context(), u, o, id, cmd, fl)
		}
		msg, anchor = "Evidence attached", "evidence"
	case "comment":
		var cmd inclusion.AddComment
		if errs = decodeForm(r, &cmd); errs == nil {
			_, err = s.svc.CommentOnRound(r.Context(), u, o, id, cmd)
		}
		msg, anchor = "Comment added", "comments"
	default:
		s.errorPage(w, r, &u, http.StatusNotFound, "There is no such form.")
		return
	}
	if fe, ok := fieldErrors(err); ok {
		errs, err = fe, nil
	}
	no, refused, err := refusedBy(errs, err)
	switch {
	case err != nil:
		s.fail(w, r, u, err)
	case refused:
		s.roundPage(w, r, u, no.status, no.page(page{}, r.PostForm, errs, name), false)
	default:
		redirectDone(w, r, "/ui/rounds/"+id+"#"+anchor, msg)
	}
}

// remapRows turns errors of the rows sent (ratings[n]) back into the rows
// typed on the page (ratings[i]), where they are shown.
func remapRows(errs map[string]string, err error, typed, sent url.Values) (map[string]string, bool) {
	if fe, ok := fieldErrors(err); ok {
		errs = fe
	}
	if errs == nil {
		return nil, false
	}
	back := map[string]string{}
	for i := 0; typed.Has(fmt.Sprintf("ratings[%d].statement_id", i)); i++ {
		for n := 0; sent.Has(fmt.Sprintf("ratings[%d].statement_id", n)); n++ {
			if sent.Get(fmt.Sprintf("ratings[%d].statement_id", n)) == typed.Get(fmt.Sprintf("ratings[%d].statement_id", i)) {
				back[fmt.Sprintf("ratings[%d].", n)] = fmt.Sprintf("ratings[%d].", i)
			}
		}
	}
	out := map[string]string{}
	for k, v := range errs {
		if k == "ratings" { // nothing rated: said on the first statement
			k, v = "ratings[0].rating", "Rate at least one statement"
		}
		for from, to := range back {
			if strings.HasPrefix(k, from) {
				k = to + strings.TrimPrefix(k, from)
				break
			}
		}
		out[k] = v
	}
	return out, true
}

// dropFieldErrors is err unless it is a validation error (shown by field).
func dropFieldErrors(err error) error {
	if _, ok := fieldErrors(err); ok {
		return nil
	}
	return err
}

// peerReviews lists the rounds the signed-in person is invited to review.
func (s *Server) peerReviews(w http.ResponseWriter, r *http.Request, u user.User) {
	type line struct {
		inclusion.Round
		School, Trust string
	}
	var lines []line
	for _, rd := range s.svc.RoundsReviewed(u) {
		l := line{Round: rd}
		if t, ok := s.svc.Directory().Trust(rd.TrustID); ok {
			l.Trust = t.Name
			if sch, ok := t.School(rd.SchoolID); ok {
				l.School = sch.Name
			}
		}
		lines = append(lines, l)
	}
	s.render(w, r, http.StatusOK, "peerreviews", page{Title: "Peer reviews", User: &u, Data: lines})
}

// patternsPage is patterns of need on a date.
type patternsPage struct {
	inclusionBase
	P     projections.Patterns
	Chart barChart
	// Differ are the schools that differ most from the trust (trust page);
	// National those furthest from the national share of pupils with SEN.
	Differ, National []projections.NeedPattern
	CSV              string
}

// patterns is patterns of need of a trust or a school (?as_of=dd/mm/yyyy).
func (s *Server) patterns(w http.ResponseWriter, r *http.Request, u user.User) {
	b, ok := s.inclusionBase(w, r, u, "patterns")
	if !ok {
		return
	}
	q := app.PatternsQuery{TrustID: b.Trust.ID, SchoolID: b.SchoolID}
	form := url.Values{"as_of": {r.URL.Query().Get("as_of")}}
	var errs map[string]string
	if v := form.Get("as_of"); v != "" {
		d, err := parseDate(v)
		if err != nil {
			errs = map[string]string{"as_of": "must be a date, for example 27/03/2026"}
		} else {
			q.When.AsOf = d
		}
	}
	p, err := s.svc.Patterns(r.Context(), u, q)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	d := &patternsPage{inclusionBase: b, P: p, CSV: "/v1" + strings.TrimPrefix(b.Base, "/ui") + "/patterns-of-need?format=csv&as_of=" + p.AsOf.String()}
	group := p.Trust
	if b.SchoolID != "" && len(p.Schools) == 1 {
		group = p.Schools[0]
	}
	d.Chart = barChart{Title: "Pupils with SEN by broad area of need, as a share of all pupils with SEN"}
	for _, a := range group.ByArea {
		d.Chart.Bars = append(d.Chart.Bars, percentBar{Label: a.Label, Percent: roundPercent(shareOf(a.Support+a.Plan, group.Support+group.Plan)), Note: withheldNote(group.Withheld)})
	}
	if b.SchoolID == "" {
		for _, sc := range p.Schools {
			if !sc.Withheld && sc.DifferenceArea != "" && len(d.Differ) < 3 {
				d.Differ = append(d.Differ, sc)
			}
			if !sc.Withheld && sc.NationalDifference != nil {
				d.National = append(d.National, sc)
			}
		}
		slices.SortStableFunc(d.National, func(a, b projections.NeedPattern) int {
			return cmp.Compare(math.Abs(*b.NationalDifference), math.Abs(*a.NationalDifference))
		})
		d.National = d.National[:min(3, len(d.National))]
	}
	pg := page{Title: b.title("Patterns of need"), User: &u, Data: d, FormName: "patterns", Form: form, Errors: errs}
	status := http.StatusOK
	if errs != nil {
		status, pg.Flash, pg.Refused = http.StatusBadRequest, "Please correct the date.", true
	}
	s.render(w, r, status, "patterns", pg)
}

func shareOf(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	v := float64(n) / float64(d) * 100
	return &v
}

func roundPercent(p *float64) *int {
	if p == nil {
		return nil
	}
	v := int(math.Round(*p))
	return &v
}

func withheldNote(withheld bool) string {
	if withheld {
		return "Not shown"
	}
	return ""
}

// attendancePage is attendance and exclusions by SEN status.
type attendancePage struct {
	inclusionBase
	A     projections.AttendanceView
	Chart barChart
	CSV   string
	// CanImport: the school's SENCO; Report is the last import's.
	CanImport bool
	Report    *importer.AttendanceReport
}

// attendance is attendance and exclusions of a trust or a school (GET),
// and a school's import (POST, multipart: file, dry_run).
func (s *Server) attendance(w http.ResponseWriter, r *http.Request, u user.User) {
	b, ok := s.inclusionBase(w, r, u, "attendance")
	if !ok {
		return
	}
	d := &attendancePage{inclusionBase: b, CSV: "/v1" + strings.TrimPrefix(b.Base, "/ui") + "/attendance?format=csv"}
	if b.SchoolID != "" {
		_, err := s.svc.SchoolToWrite(r.Context(), u, b.SchoolID)
		d.CanImport = err == nil
	}
	pg := page{Title: b.title("Attendance and exclusions"), User: &u, Data: d, FormName: "import"}
	status := http.StatusOK
	if r.Method == http.MethodPost && !d.CanImport {
		_, err := s.svc.SchoolToWrite(r.Context(), u, b.SchoolID)
		s.fail(w, r, u, err)
		return
	}
	if r.Method == http.MethodPost {
		f, _, ferr := r.FormFile("file")
		switch {
		case ferr != nil:
			pg.Errors = map[string]string{"file": "Choose the file exported from your MIS"}
		default:
			defer f.Close()
			rep, err := s.svc.ImportAttendance(r.Context(), u, b.SchoolID, f, app.AttendanceImport{DryRun: r.PostForm.Get("dry_run") == "true"})
			if fe, ok := fieldErrors(err); ok {
				pg.Errors = fe
				break
			}
			if err != nil {
				s.fail(w, r, u, err)
				return
			}
			d.Report = &rep
			if !rep.DryRun && !rep.Applied {
				pg.Errors = map[string]string{"file": "Some rows were refused, so nothing was imported: see the report below"}
			} else if rep.Applied {
				pg.Flash = fmt.Sprintf("Imported: %d terms new, %d changed, %d unchanged", rep.Summary.Created, rep.Summary.Updated, rep.Summary.Unchanged)
			} else {
				pg.Flash = "Dry run: nothing was recorded. The report below says what would change."
			}
		}
		if pg.Errors != nil {
			status, pg.Refused, pg.Flash = http.StatusBadRequest, true, "Please correct the file."
		}
	}
	a, err := s.svc.Attendance(r.Context(), u, app.ReviewQuery{TrustID: b.Trust.ID, SchoolID: b.SchoolID})
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	d.A = a
	series := a.Trust
	if b.SchoolID != "" && len(a.Schools) == 1 {
		series = a.Schools[0]
	}
	if n := len(series.Terms); n > 0 {
		last := series.Terms[n-1]
		d.Chart = barChart{Title: "Sessions missed, " + last.Label + ", by SEN status"}
		for _, g := range last.Groups {
			d.Chart.Bars = append(d.Chart.Bars, percentBar{Label: statusWords(g.Status), Percent: roundPercent(g.Absence), Note: withheldNote(g.Withheld)})
		}
	}
	s.render(w, r, status, "attendance", pg)
}

// statusWords names a SEN status in a sentence.
func statusWords(s string) string {
	switch s {
	case "K":
		return "SEN support"
	case "E":
		return "EHC plan"
	}
	return "No SEN"
}

// evidence downloads a document of a round's evidence.
func (s *Server) evidence(w http.ResponseWriter, r *http.Request, u user.User) {
	d, err := s.svc.Evidence(r.Context(), u, r.PathValue("round"), r.PathValue("doc"))
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	httpx.WriteDownload(w, d.ContentType, d.Name, d.Content)
}
