package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/inclusion"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/trust"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/domain/yeargroup"
	"github.com/sendcase/sendcase/httpx"
	"github.com/sendcase/sendcase/projections"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

var funcs = template.FuncMap{
	"date":    longDate,
	"dayDate": dayDate,
	// share is n of all as a whole percentage ("61%"), by the domain's
	// rounding, or "" when all is 0.
	"share": func(n, all int) string {
		if p, ok := pupil.Percent(n, all); ok {
			return strconv.Itoa(p) + "%"
		}
		return ""
	},
	"ordinal": func(n int) string {
		if w := map[int]string{1: "first", 2: "second", 3: "third"}[n]; w != "" {
			return w
		}
		return strconv.Itoa(n) + "th"
	},
	"yearLabel": func(g string) string { return yeargroup.Group(g).Label() },
	"dayFirst":  dayFirst,
	"iso":       func(d civil.Date) string { return d.String() },
	"ukTime":    ukTime,
	"neg":       func(n int) int { return -n },
	// senLabel names a SEN status in words, with its census code.
	"senLabel": func(s string) string {
		return map[string]string{"K": "SEN support (K)", "E": "EHC plan (E)", "N": "No SEN (N)"}[s]
	},
	"pence": pounds,
	"hours": func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) },
	// number is a reading as people write it (trust.Number).
	"number": trust.Number,
	"last":   func(list []string) int { return len(list) - 1 },
	// groupsBy are an impact view's lines of one breakdown.
	"groupsBy": func(lines []projections.ImpactLine, by string) []projections.ImpactLine {
		var out []projections.ImpactLine
		for _, l := range lines {
			if l.By == by {
				out = append(out, l)
			}
		}
		return out
	},
	// signed is a change with its sign: "+8.8", "-2", "0".
	"signed": func(f float64) string {
		if f > 0 {
			return "+" + trust.Number(f)
		}
		return trust.Number(f)
	},
	// min100 is a percentage as a bar's width: more than 100 fills it.
	"min100": func(n int) int { return min(max(n, 0), 100) },
	// reading is an optional reading: the number, or "–".
	"reading": func(v *float64) string {
		if v == nil {
			return "–"
		}
		return trust.Number(*v)
	},
	"pct": func(n, max int) int {
		if max <= 0 {
			return 0
		}
		return n * 100 / max
	},
	"areaLabel": func(a string) string { return need.Area(a).Label() },
	"needLabel": func(code string) string {
		if c, ok := need.Lookup(code); ok {
			return c.Label
		}
		return code
	},
	"human": func(s string) string { return strings.ReplaceAll(s, "_", " ") },
	// sentence starts words with a capital, as a line of a table does.
	"sentence": func(s string) string {
		if s == "" {
			return s
		}
		r, n := utf8.DecodeRuneInString(s)
		return string(unicode.ToUpper(r)) + s[n:]
	},
	"add": func(a, b int) int { return a + b },
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
	"fieldError": func(errs map[string]string, field string) string { return errs[field] },
	"val": func(v url.Values, field string) string {
		if v == nil {
			return ""
		}
		return v.Get(field)
	},
	"selected": func(a, b string) template.HTMLAttr {
		if a == b {
			return "selected"
		}
		return ""
	},
	"checked": func(b bool) template.HTMLAttr {
		if b {
			return "checked"
		}
		return ""
	},
	"statusWord": statusWord,
	// allowed is a named list of allowed values (domain.Allowed): the
	// forms offer exactly what validation accepts.
	"allowed": domain.AllowedValues,
	// The MAT SEND review's words.
	"ratings":     func() []string { return inclusion.Ratings },
	"reviewAreas": func() []inclusion.Area { return inclusion.Areas },
	"areaName":    inclusion.AreaName,
	"ratingWord": func(r string) string {
		return map[string]string{inclusion.Secure: "Secure", inclusion.Developing: "Developing", inclusion.NotYet: "Not yet in place"}[r]
	},
	"statementText": func(all []inclusion.Statement, id string) string {
		for _, st := range all {
			if st.ID == id {
				return st.Text
			}
		}
		return id
	},
	"truncate": func(s string, n int) string {
		if r := []rune(s); len(r) > n {
			return string(r[:n-1]) + "…"
		}
		return s
	},
	"trimUI": func(s string) string { return strings.TrimPrefix(s, "/ui") },
	"schoolName": func(t trust.Trust, id string) string {
		sch, _ := t.School(id)
		return sch.Name
	},
	// Patterns of need and attendance.
	"areasOfNeed": func() []need.Area { return need.Areas },
	"statusName":  statusWords,
	"yearGroups": func() []string {
		var out []string
		for _, g := range yeargroup.All() {
			out = append(out, string(g))
		}
		return out
	},
	"decisionLabel": func(d string) string {
		return map[string]string{
			pupil.DecisionContinue:       "Continue into a new cycle",
			pupil.DecisionEHCRequest:     "Request an EHC needs assessment",
			pupil.DecisionRefer:          "Refer to outside services",
			pupil.DecisionExitSENSupport: "End SEN support",
		}[d]
	},
	// withQuery returns "?"+q with key set to value: links that keep the filters.
	"withQuery": withQuery,
	"lower":     strings.ToLower,
	// withQueryValues is withQuery's values, not yet a link.
	"withQueryValues": withQueryValues,
	// flipSort is the sort a column heading links to: the column, or the
	// other way when it is the current one.
	"flipSort": func(current, col string) string {
		if current == col || (current == "" && col == "name") {
			return "-" + col
		}
		return col
	},
	// has reports whether a form's values for a field include v (ticked boxes).
	"has": func(vals []string, v string) bool { return slices.Contains(vals, v) },
	// contributorLabel names who wrote a profile with the SENCO.
	"contributorLabel": func(c string) string {
		return map[string]string{"pupil": "the pupil", "parent": "a parent or carer", "staff": "a member of staff"}[c]
	},
	"roleLabel": func(r user.Role) string {
		return map[user.Role]string{user.SENCO: "SENCO", user.TrustLead: "Trust SEND lead", user.LAReviewer: "LA reviewer",
			user.Admin: "Administrator", user.Staff: "Teacher or assistant", user.Parent: "Parent or carer", user.Professional: "Outside professional"}[r]
	},
	"securityLabel": func(kind string) string {
		return map[string]string{"sign_in": "Signed in", "sign_in_refused": "Sign-in refused", "signed_out_everywhere": "Signed out everywhere",
			"invitation": "Invited", "passkey_added": "Passkey set up", "deactivated": "Deactivated", "reactivated": "Reactivated",
			"token_issued": "Token issued", "token_revoked": "Token revoked", "la_access_granted": "LA access granted",
			"la_access_revoked": "LA access ended"}[kind]
	},
	"eventLabel": func(e historyEntry) string { return e.Label },
	// intHours scales hours to whole hundredths for pct.
	"intHours": func(f float64) int { return int(f * 100) },
	"list":     func(xs ...string) []string { return xs },
	// field gathers what a labelled input needs; prefix keeps ids unique
	// when a page has several forms.
	// summary lists a form's errors for the error summary, each linking to
	// its field (ids are prefix-name, as field makes them).
	"summary": func(prefix string, errs map[string]string) []summaryItem {
		names := make([]string, 0, len(errs))
		for n := range errs {
			names = append(names, n)
		}
		sort.Strings(names)
		out := make([]summaryItem, 0, len(names))
		for _, n := range names {
			words := fieldWords(n)
			text := errs[n]
			if !strings.HasPrefix(text, words) {
				text = words + ": " + text
			}
			out = append(out, summaryItem{ID: prefix + "-" + fieldID.Replace(n), Text: strings.ToUpper(text[:1]) + text[1:]})
		}
		return out
	},
	"field": func(prefix, name, label, hint string, f url.Values, errs map[string]string) fieldData {
		return fieldData{ID: prefix + "-" + fieldID.Replace(name), Name: name, Label: label, Hint: hint, Value: f.Get(name), Error: errs[name]}
	},
	"needField": func(prefix, name, label string, codes []need.Code, f url.Values, errs map[string]string) fieldData {
		return fieldData{ID: prefix + "-" + fieldID.Replace(name), Name: name, Label: label, Value: f.Get(name), Error: errs[name], Codes: codes}
	},
	// formVals and formErrs give a form its values and errors only when the
	// page was rendered for that form, so other forms start empty.
	"formVals": func(pg page, name string) url.Values {
		if pg.FormName == name {
			return pg.Form
		}
		return url.Values{}
	},
	"formErrs": func(pg page, name string) map[string]string {
		if pg.FormName == name {
			return pg.Errors
		}
		return nil
	},
	// documentList gives the documents table a pupil's documents, for the
	// school (with whom each is shared); sharedList those shared with the
	// reader (a parent, a reviewer, a professional).
	"documentList": func(pupilID string, docs []pupil.Document) documentList {
		return documentList{PupilID: pupilID, Documents: docs, Sharing: true}
	},
	"sharedList": func(pupilID string, docs []pupil.Document) documentList {
		return documentList{PupilID: pupilID, Documents: docs}
	},
	// rec gives the fields of a recorded thing (recording.html) their form.
	"rec": func(pg page, d *pupilPage, name string, c *pupil.Cycle) recFields {
		out := recFields{P: name, F: url.Values{}, D: d, C: c}
		if pg.FormName == name {
			out.F, out.E = pg.Form, pg.Errors
		}
		return out
	},
}

// recFields is what the fields of a recorded thing need: the form's name
// (the prefix of its ids), its values and errors, the page, the cycle.
type recFields struct {
	P string
	F url.Values
	E map[string]string
	D *pupilPage
	C *pupil.Cycle
}

// ukTime shows an instant as people in England read it: UK time, GMT or
// BST as it was then.
func ukTime(t time.Time) string { return t.In(civil.London).Format("2 January 2006, 15:04 MST") }

// withQuery is a link to this page with key set to value in its query.
func withQuery(q url.Values, key, value string) string {
	return "?" + withQueryValues(q, key, value).Encode()
}

// withQueryValues is withQuery's values, not yet a link.
func withQueryValues(q url.Values, key, value string) url.Values {
	c := url.Values{}
	for k, v := range q {
		c[k] = v
	}
	c.Set(key, value)
	return c
}

var fieldID = strings.NewReplacer("[", "-", "]", "", ".", "-")

var rowOf = regexp.MustCompile(`([a-z_]+?)s?\[(\d+)\]\.?`)

// fieldWords names a field in words for the error summary, counting rows
// from 1: "outcomes[0].target" is "outcome 1 target".
func fieldWords(name string) string {
	words := rowOf.ReplaceAllStringFunc(name, func(m string) string {
		sub := rowOf.FindStringSubmatch(m)
		i, _ := strconv.Atoi(sub[2])
		return sub[1] + " " + strconv.Itoa(i+1) + " "
	})
	words = strings.NewReplacer("_", " ", ".", " ").Replace(words)
	return strings.Join(strings.Fields(words), " ")
}

type summaryItem struct{ ID, Text string }

type fieldData struct {
	ID, Name, Label, Hint, Value, Error string
	Codes                               []need.Code
}

func pounds(p int64) string {
	neg := p < 0
	if neg {
		p = -p
	}
	whole, frac := p/100, p%100
	s := strconv.FormatInt(whole, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	out := fmt.Sprintf("£%s.%02d", s, frac)
	if neg {
		out = "−" + out
	}
	return out
}

// statusWord is a milestone status as words and a symbol, so that it never
// depends on colour alone.
func statusWord(s string) string {
	switch s {
	case ehcp.Done:
		return "✓ Done"
	case ehcp.Overdue:
		return "! Overdue"
	case ehcp.Excused:
		return "≈ Exception"
	}
	return "○ Pending"
}

// pages are parsed once: each page template with the shared layout.
var pages = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		base := n[strings.LastIndex(n, "/")+1:]
		if base == "layout.html" || base == "fields.html" || base == "recording.html" {
			continue
		}
		out[strings.TrimSuffix(base, ".html")] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/fields.html", "templates/recording.html", n))
	}
	return out
}()

// page is what every template gets.
type page struct {
	Title  string
	User   *user.User
	CSRF   string
	Nav    []navLink
	Flash  string
	Data   any
	Form   url.Values
	Errors map[string]string
	// FormName says which form the errors and values belong to.
	FormName string
	// Refused: Flash says why a form was refused.
	Refused bool
}

type navLink struct {
	Href, Label string
	Current     bool
}

// render writes a page with the layout and security headers.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, pg page) {
	if pg.User != nil {
		pg.CSRF = csrfFor(r)
		pg.Nav = s.nav(*pg.User, r.URL.Path)
	}
	if pg.Flash == "" {
		pg.Flash = takeFlash(w, r)
	}
	var buf bytes.Buffer
	if err := pages[name].Execute(&buf, pg); err != nil {
		s.log.ErrorContext(r.Context(), "render", "page", name, "err", err)
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return
	}
	headers(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// headers are the security headers of every page: no inline script,
// no framing, no sniffing, no referrer leaving the site.
func headers(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

func (s *Server) nav(u user.User, path string) []navLink {
	var links []navLink
	add := func(href, label string) {
		links = append(links, navLink{Href: href, Label: label, Current: strings.HasPrefix(path, href)})
	}
	switch u.Role {
	case user.SENCO:
		add("/ui/due", "Due soon")
		for _, sch := range s.svc.SchoolsOf(u) {
			add("/ui/schools/"+sch.ID+"/caseload", "Caseload: "+sch.Name)
			add("/ui/schools/"+sch.ID+"/provision-map", "Provision map: "+sch.Name)
			add("/ui/schools/"+sch.ID+"/impact", "Impact: "+sch.Name)
			add("/ui/schools/"+sch.ID+"/reviews", "Inclusion: "+sch.Name)
		}
		add("/ui/review-rounds", "Peer reviews")
	case user.TrustLead:
		add("/ui/trusts/"+u.TrustID+"/workload", "Workload")
		add("/ui/due", "Due soon")
		add("/ui/trusts/"+u.TrustID+"/provision-map", "Provision map")
		add("/ui/trusts/"+u.TrustID+"/impact", "Impact")
		add("/ui/trusts/"+u.TrustID+"/reviews", "Inclusion")
		add("/ui/review-rounds", "Peer reviews")
		add("/ui/trusts/"+u.TrustID+"/people", "Set up")
		add("/ui/security", "Security log")
	case user.LAReviewer:
		add("/ui/reviews", "Pupils granted to me")
	case user.Staff:
		add("/ui/delivery", "My pupils")
	case user.Parent:
		add("/ui/children", "My children")
	case user.Professional:
		add("/ui/requests", "Requests for advice")
	case user.Admin:
		add("/ui/admin", "Trusts")
		add("/ui/security", "Security log")
	}
	if u.Role == user.Admin || u.Role == user.TrustLead || u.Role == user.SENCO {
		add("/ui/tokens", "Tokens")
	}
	return links
}

// errorPage shows msg with status.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, u *user.User, status int, msg string) {
	s.render(w, r, status, "error", page{Title: http.StatusText(status), User: u, Data: msg})
}

// fail shows the page for an error that is not about a form field, with
// the status httpx's table gives it, in words for a person.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, u user.User, err error) {
	p := httpx.ProblemFor(err)
	msg := p.Detail
	switch p.Status {
	case http.StatusConflict:
		msg = "This could not be done: " + p.Detail + "."
	case http.StatusNotFound:
		msg = "There is nothing here, or it is not yours to see."
	case http.StatusServiceUnavailable:
		msg = "sendcase could not save or show this just now. Please try again in a moment."
	case http.StatusInternalServerError:
		httpx.LogUnexpected(s.log, r, err)
		msg = "Something went wrong on our side. Please try again; if it happens again, tell your administrator."
	}
	if p.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(p.RetryAfter))
	}
	s.errorPage(w, r, &u, p.Status, msg)
}

// asOf reads ?as_of for pages; a bad date falls back to today with a note.
func (s *Server) asOf(r *http.Request) (civil.Date, string) {
	if q := r.URL.Query().Get("as_of"); q != "" {
		if d, err := parseDate(q); err == nil {
			return d, ""
		}
		return s.svc.Today(), "The date was not understood, so today is shown."
	}
	return s.svc.Today(), ""
}
