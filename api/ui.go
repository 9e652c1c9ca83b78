package api

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/go-playground/form/v4"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/need"
	"github.com/sendcase/sendcase/domain/user"
)

//go:embed web/templates/*.html
var templateFS embed.FS

//go:embed web/static
var staticFS embed.FS

// sessionCookie holds the signed-in user's token. It is HttpOnly and
// SameSite=Strict, and the token is checked against the directory on every
// request, so a revoked token signs the user out at once.
const sessionCookie = "sendcase_session"

var funcs = template.FuncMap{
	"date": func(d civil.Date) string {
		if !d.Valid() {
			return "—"
		}
		y, m, day := d.Parts()
		return fmt.Sprintf("%d %s %d", day, m.String()[:3], y)
	},
	"iso":   func(d civil.Date) string { return d.String() },
	"pence": pounds,
	"hours": func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) },
	"pct": func(n, max int) int {
		if max <= 0 {
			return 0
		}
		return n * 100 / max
	},
	"areaLabel": areaLabel,
	"needLabel": func(code string) string {
		if c, ok := need.Lookup(code); ok {
			return c.Label
		}
		return code
	},
	"human": func(s string) string { return strings.ReplaceAll(s, "_", " ") },
	"add":   func(a, b int) int { return a + b },
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
	// withQuery returns "?"+q with key set to value: links that keep the filters.
	"withQuery": func(q url.Values, key, value string) string {
		c := url.Values{}
		for k, v := range q {
			c[k] = v
		}
		c.Set(key, value)
		return "?" + c.Encode()
	},
	"lower": strings.ToLower,
	// eventLabel names an audit event; EHC process records say which one.
	"eventLabel": func(e auditEvent) string {
		label := strings.ReplaceAll(e.Type, "_", " ")
		if e.Type == "ehcp_milestone_recorded" || e.Type == "referral_status_changed" {
			var d struct {
				Record struct{ Type string }   `json:"record"`
				Entry  struct{ Status string } `json:"entry"`
			}
			_ = json.Unmarshal(e.Data, &d)
			if t := d.Record.Type + d.Entry.Status; t != "" {
				label += ": " + strings.ReplaceAll(t, "_", " ")
			}
		}
		return label
	},
	// intHours scales hours to whole hundredths for pct.
	"intHours": func(f float64) int { return int(f * 100) },
	"list":     func(xs ...string) []string { return xs },
	// field gathers what a labelled input needs; prefix keeps ids unique
	// when a page has several forms.
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
}

var fieldID = strings.NewReplacer("[", "-", "]", "", ".", "-")

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

func areaLabel(a string) string {
	switch need.Area(a) {
	case need.CommunicationInteraction:
		return "Communication and interaction"
	case need.CognitionLearning:
		return "Cognition and learning"
	case need.SEMH:
		return "Social, emotional and mental health"
	case need.SensoryPhysical:
		return "Sensory and/or physical"
	case need.Other:
		return "Other"
	}
	return a
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
	names, err := fs.Glob(templateFS, "web/templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		base := n[strings.LastIndex(n, "/")+1:]
		if base == "layout.html" || base == "fields.html" {
			continue
		}
		out[strings.TrimSuffix(base, ".html")] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "web/templates/layout.html", "web/templates/fields.html", n))
	}
	return out
}()

// page is what every template gets.
type page struct {
	Title  string
	User   *principal
	CSRF   string
	Nav    []navLink
	Flash  string
	Data   any
	Form   url.Values
	Errors map[string]string
	// FormName says which form the errors and values belong to.
	FormName string
}

type navLink struct {
	Href, Label string
	Current     bool
}

// render writes a page with the layout and security headers.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, pg page) {
	if pg.User != nil {
		pg.CSRF = csrfToken(pg.User.TokenHash)
		pg.Nav = s.nav(*pg.User, r.URL.Path)
	}
	if pg.Flash == "" {
		pg.Flash = r.URL.Query().Get("done")
	}
	var buf bytes.Buffer
	if err := pages[name].Execute(&buf, pg); err != nil {
		s.log.ErrorContext(r.Context(), "render", "page", name, "err", err)
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return
	}
	uiHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// uiHeaders are the security headers of every UI page: no inline script,
// no framing, no sniffing, no referrer leaving the site.
func uiHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

func (s *Server) nav(p principal, path string) []navLink {
	var links []navLink
	add := func(href, label string) {
		links = append(links, navLink{Href: href, Label: label, Current: strings.HasPrefix(path, href)})
	}
	switch p.Role {
	case user.SENCO:
		for _, id := range p.SchoolIDs {
			sch, _, _ := s.svc.Directory().School(id)
			add("/ui/schools/"+id+"/caseload", "Caseload: "+sch.Name)
		}
	case user.TrustLead:
		add("/ui/trusts/"+p.TrustID+"/workload", "Workload")
		add("/ui/trusts/"+p.TrustID+"/provision-map", "Provision map")
	case user.LAReviewer:
		add("/ui/reviews", "Pupils granted to me")
	case user.Admin:
		add("/ui/admin", "Trusts")
	}
	return links
}

// csrfToken is derived from the session's token hash: only a page served to
// the signed-in user can know it, and any process can check it.
func csrfToken(tokenHash string) string {
	sum := sha256.Sum256([]byte("sendcase-csrf:" + tokenHash))
	return hex.EncodeToString(sum[:16])
}

type uiHandler func(w http.ResponseWriter, r *http.Request, p principal)

// ui resolves the session cookie; without a valid one it sends the user to
// sign in. Every form post must carry the CSRF token.
func (s *Server) ui(h uiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		var u user.User
		found := false
		if err == nil {
			u, found = s.svc.Directory().UserByTokenHash(app.HashToken(c.Value))
		}
		if !found || !u.TokenValid(s.svc.Today()) {
			http.Redirect(w, r, "/ui/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if wait := s.limits.wait(u.TokenHash); wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			http.Error(w, "Too many requests. Please wait a moment.", http.StatusTooManyRequests)
			return
		}
		p := principal{User: u}
		if r.Method == http.MethodPost {
			if err := r.ParseMultipartForm(maxImport); err != nil && !errors.Is(err, http.ErrNotMultipart) {
				s.uiError(w, r, &p, http.StatusBadRequest, "The form could not be read.")
				return
			}
			if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(csrfToken(u.TokenHash))) != 1 {
				s.uiError(w, r, &p, http.StatusForbidden, "This form has expired. Go back, reload the page and try again.")
				return
			}
		}
		h(w, r, p)
	}
}

func (s *Server) uiError(w http.ResponseWriter, r *http.Request, p *principal, status int, msg string) {
	s.render(w, r, status, "error", page{Title: http.StatusText(status), User: p, Data: msg})
}

// uiFail shows an error from a command that is not about a form field.
func (s *Server) uiFail(w http.ResponseWriter, r *http.Request, p principal, err error) {
	var ce *domain.ConflictError
	switch {
	case errors.As(err, &ce):
		s.uiError(w, r, &p, http.StatusConflict, "This could not be done: "+ce.Reason+".")
	case errors.Is(err, domain.ErrNotFound):
		s.uiError(w, r, &p, http.StatusNotFound, "There is nothing here, or it is not yours to see.")
	case errors.Is(err, errForbidden):
		s.uiError(w, r, &p, http.StatusForbidden, "Your role does not allow this.")
	default:
		s.log.ErrorContext(r.Context(), "ui request failed", "route", r.Pattern, "err", err)
		s.uiError(w, r, &p, http.StatusServiceUnavailable, "sendcase could not save this just now. Please try again in a moment.")
	}
}

func (s *Server) uiLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		s.render(w, r, http.StatusOK, "login", page{Title: "Sign in", Form: url.Values{"next": {r.URL.Query().Get("next")}}})
		return
	}
	_ = r.ParseForm()
	token := strings.TrimSpace(r.PostFormValue("token"))
	if u, ok := s.svc.Directory().UserByTokenHash(app.HashToken(token)); !ok || !u.TokenValid(s.svc.Today()) {
		s.render(w, r, http.StatusUnauthorized, "login", page{Title: "Sign in", Form: r.PostForm,
			Errors: map[string]string{"token": "This token is not valid. Check it, or ask your trust's SEND lead for a new one."}})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: 12 * 3600})
	next := r.PostFormValue("next")
	if !strings.HasPrefix(next, "/ui/") || strings.HasPrefix(next, "//") {
		next = "/ui/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) uiLogout(w http.ResponseWriter, r *http.Request, _ principal) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/ui/login", http.StatusSeeOther)
}

// uiHome sends each role to its first page.
func (s *Server) uiHome(w http.ResponseWriter, r *http.Request, p principal) {
	if r.URL.Path != "/ui/" {
		s.uiError(w, r, &p, http.StatusNotFound, "There is no such page.")
		return
	}
	target := "/ui/admin"
	done := ""
	if d := r.URL.Query().Get("done"); d != "" {
		done = "?done=" + url.QueryEscape(d)
	}
	switch p.Role {
	case user.SENCO:
		if len(p.SchoolIDs) > 0 {
			target = "/ui/schools/" + p.SchoolIDs[0] + "/caseload"
		}
	case user.TrustLead:
		target = "/ui/trusts/" + p.TrustID + "/workload"
	case user.LAReviewer:
		target = "/ui/reviews"
	}
	http.Redirect(w, r, target+done, http.StatusSeeOther)
}

func (s *Server) uiAdmin(w http.ResponseWriter, r *http.Request, p principal) {
	if !p.is(user.Admin) {
		s.uiError(w, r, &p, http.StatusForbidden, "Only an administrator sees every trust.")
		return
	}
	s.render(w, r, http.StatusOK, "admin", page{Title: "Trusts", User: &p, Data: s.svc.Directory().Trusts()})
}

func (s *Server) uiStatic() http.Handler {
	sub, _ := fs.Sub(staticFS, "web/static")
	files := http.StripPrefix("/ui/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// formDecoder fills command structs from forms by their JSON field names,
// so a form field is named like the API's ("outcomes[0].description").
var formDecoder = func() *form.Decoder {
	d := form.NewDecoder()
	d.SetTagName("json")
	d.RegisterCustomTypeFunc(func(vals []string) (any, error) {
		if vals[0] == "" {
			return civil.Date(0), nil
		}
		dt, err := civil.Parse(vals[0])
		if err != nil {
			return civil.Date(-1), nil // reported by validation against the field
		}
		return dt, nil
	}, civil.Date(0))
	return d
}()

var indexed = regexp.MustCompile(`\[(\d+)\]`)

// decodeForm decodes the posted form into cmd, dropping empty values so they
// read as absent. It returns field errors for values of the wrong type.
func decodeForm(r *http.Request, cmd any) map[string]string {
	vals := url.Values{}
	for k, v := range r.PostForm {
		if k == "csrf" || len(v) == 0 || strings.TrimSpace(v[0]) == "" {
			continue
		}
		vals[k] = v
	}
	err := formDecoder.Decode(cmd, vals)
	var derrs form.DecodeErrors
	if !errors.As(err, &derrs) {
		return nil
	}
	out := map[string]string{}
	for ns := range derrs {
		field := ns
		if _, rest, ok := strings.Cut(ns, "."); ok && reflect.TypeOf(cmd).Elem().Name() != "" {
			field = rest
		}
		out[field] = "is not a valid value"
	}
	return out
}

// fieldErrors turns a validation error into a map of field → message.
func fieldErrors(err error) (map[string]string, bool) {
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		return nil, false
	}
	out := map[string]string{}
	for _, f := range ve.Fields {
		out[f.Field] = f.Message
	}
	return out, true
}

// compactRows drops the rows of a repeated form group (prefix[i].*) whose
// key field is empty and renumbers the rest; it returns, for each new index,
// the row it came from, to put errors back next to the right inputs.
func compactRows(v url.Values, prefix, key string) []int {
	rows := map[int]bool{}
	for k := range v {
		if strings.HasPrefix(k, prefix+"[") {
			if m := indexed.FindStringSubmatch(k[len(prefix):]); m != nil {
				i, _ := strconv.Atoi(m[1])
				rows[i] = true
			}
		}
	}
	var keep []int
	for i := range rows {
		if strings.TrimSpace(v.Get(fmt.Sprintf("%s[%d].%s", prefix, i, key))) != "" {
			keep = append(keep, i)
		}
	}
	sort.Ints(keep)
	moved := url.Values{}
	for k, vals := range v {
		if !strings.HasPrefix(k, prefix+"[") {
			moved[k] = vals
		}
	}
	for n, i := range keep {
		old := fmt.Sprintf("%s[%d].", prefix, i)
		for k, vals := range v {
			if strings.HasPrefix(k, old) {
				moved[fmt.Sprintf("%s[%d].%s", prefix, n, k[len(old):])] = vals
			}
		}
	}
	for k := range v {
		delete(v, k)
	}
	for k, vals := range moved {
		v[k] = vals
	}
	return keep
}

// restoreRows renames errors of compacted rows back to their form rows.
func restoreRows(errs map[string]string, prefix string, keep []int) {
	for field, msg := range errs {
		if !strings.HasPrefix(field, prefix+"[") {
			continue
		}
		m := indexed.FindStringSubmatchIndex(field[len(prefix):])
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(field[len(prefix)+m[2] : len(prefix)+m[3]])
		if n < len(keep) {
			delete(errs, field)
			errs[fmt.Sprintf("%s[%d]%s", prefix, keep[n], field[len(prefix)+m[1]:])] = msg
		}
	}
}
