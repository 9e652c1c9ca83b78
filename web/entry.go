package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
)

// entryPage is one recorded entry of a pupil's record: what it says, a
// form to correct it (the fields that record it, filled in as it stands)
// and a form to void it.
type entryPage struct {
	*pupilPage
	// Page is the pupil's page, as the templates name it.
	Page   *pupilPage
	Entry  int
	Kind   string
	Line   historyEntry
	Cycle  *pupil.Cycle
	Action string
}

// entry shows an entry with its correction and void forms (GET), or runs
// one of them (POST .../correct, .../void): refused, the page again with
// what was typed; done, back to the record's history.
func (s *Server) entry(w http.ResponseWriter, r *http.Request, u user.User) {
	id := r.PathValue("id")
	n, err := strconv.Atoi(r.PathValue("entry"))
	if err != nil {
		s.errorPage(w, r, &u, http.StatusNotFound, "There is no such entry.")
		return
	}
	action := r.PathValue("action")
	if r.Method == http.MethodPost && action != "correct" && action != "void" {
		s.errorPage(w, r, &u, http.StatusNotFound, "There is no such form.")
		return
	}
	ep, err := s.loadEntryPage(r, u, id, n)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	title := "Correct or void: " + ep.Line.Label
	if r.Method == http.MethodGet {
		rec, _, _ := ep.Pupil.Recorded(n)
		s.render(w, r, http.StatusOK, "entry", page{Title: title, User: &u, Data: ep, Form: correctionValues(ep, rec), FormName: "correct"})
		return
	}
	typed := url.Values{}
	for k, v := range r.PostForm {
		typed[k] = v
	}
	var errs map[string]string
	done := "Entry voided"
	if action == "correct" {
		done = "Entry corrected"
		var cmd pupil.Correct
		var keep map[string][]int
		if cmd, keep, errs = decodeCorrection(ep.Kind, r); errs == nil {
			_, err = s.svc.CorrectEntry(r.Context(), u, app.CommandOptions{}, id, n, cmd)
			errs = correctionErrors(ep.Kind, err, keep)
		}
	} else {
		var cmd pupil.Void
		if errs = decodeForm(r, &cmd); errs == nil {
			_, err = s.svc.VoidEntry(r.Context(), u, app.CommandOptions{}, id, n, cmd)
			errs, _ = fieldErrors(err)
		}
	}
	if no, refused, err := refusedBy(errs, err); err != nil {
		s.fail(w, r, u, err)
		return
	} else if refused {
		s.render(w, r, no.status, "entry", no.page(page{Title: title, User: &u, Data: ep}, typed, errs, action))
		return
	}
	redirectDone(w, r, "/ui/pupils/"+id+"#history", done)
}

func (s *Server) loadEntryPage(r *http.Request, u user.User, id string, n int) (*entryPage, error) {
	pp, err := s.loadPupilPage(r, u, id)
	if err != nil {
		return nil, err
	}
	_, cycle, ok := pp.Pupil.Recorded(n)
	if !ok || pp.Past {
		return nil, domain.NotFound("entry %d", n)
	}
	ep := &entryPage{pupilPage: pp, Page: pp, Entry: n, Kind: pp.Pupil.EntryKind(n), Cycle: cycle}
	for _, h := range pp.History {
		if h.Version == n {
			ep.Line = h
		}
	}
	if ep.Line.Kind == "" {
		// Not the reader's to correct (the history offers no link).
		return nil, domain.Forbidden("Your role does not allow correcting this entry.")
	}
	return ep, nil
}

// correctionValues fills the correction form with the entry as it stands,
// named as the form that recorded it names its fields.
func correctionValues(ep *entryPage, c pupil.Correct) url.Values {
	if ep.Kind != pupil.EntryPlan {
		return flatten(c.Fact(ep.Kind))
	}
	// The plan form lists the catalogue, a row a provision.
	plan := *c.Plan
	plan.Provisions = nil
	v := flatten(plan)
	for i, pr := range ep.Catalogue {
		for _, in := range c.Plan.Provisions {
			if in.ProvisionID == pr.ID {
				row := fmt.Sprintf("provisions[%d].", i)
				v.Set(row+"provision_id", pr.ID)
				v.Set(row+"sessions_per_week", strconv.Itoa(in.SessionsPerWeek))
				v.Set(row+"minutes_per_session", strconv.Itoa(in.MinutesPerSession))
				v.Set(row+"group_size", strconv.Itoa(in.GroupSize))
			}
		}
	}
	return v
}

// flatten names v's fields as a form does ("outcomes[0].rating"), by the
// JSON names the form decoder reads.
func flatten(v any) url.Values {
	out := url.Values{}
	b, _ := json.Marshal(v)
	var tree any
	_ = json.Unmarshal(b, &tree)
	var walk func(prefix string, t any)
	walk = func(prefix string, t any) {
		switch t := t.(type) {
		case map[string]any:
			for k, x := range t {
				if prefix != "" {
					k = prefix + "." + k
				}
				walk(k, x)
			}
		case []any:
			for i, x := range t {
				if _, scalar := x.(string); scalar {
					out.Add(prefix, x.(string))
					continue
				}
				walk(fmt.Sprintf("%s[%d]", prefix, i), x)
			}
		case string:
			out.Set(prefix, t)
		case bool:
			out.Set(prefix, strconv.FormatBool(t))
		case float64:
			out.Set(prefix, strconv.FormatFloat(t, 'f', -1, 64))
		}
	}
	walk("", tree)
	return out
}

// decodeCorrection reads a correction form: the fields of the form that
// records the entry's kind, and the reason (correction_reason, as the
// fields may have a reason of their own). For a plan it also answers the
// rows kept of outcomes and provisions, to put errors back on them.
func decodeCorrection(kind string, r *http.Request) (pupil.Correct, map[string][]int, map[string]string) {
	c := pupil.Correct{Reason: r.PostFormValue("correction_reason")}
	r.PostForm.Del("correction_reason")
	keep := map[string][]int{}
	for _, g := range repeatedRows[kind] {
		keep[g[0]] = compactRows(r.PostForm, g[0], g[1])
	}
	fact := c.Fact(kind)
	return c, keep, decodeForm(r, fact)
}

// correctionErrors puts a correction's field errors on the form's fields:
// the fact's without its kind's prefix, the reason's on correction_reason.
func correctionErrors(kind string, err error, keep map[string][]int) map[string]string {
	errs, ok := fieldErrors(err)
	if !ok {
		return nil
	}
	out := map[string]string{}
	for f, msg := range errs {
		switch {
		case f == "reason":
			out["correction_reason"] = msg
		case strings.HasPrefix(f, kind+"."):
			out[strings.TrimPrefix(f, kind+".")] = msg
		default:
			out[f] = msg
		}
	}
	for prefix, rows := range keep {
		restoreRows(out, prefix, rows)
	}
	return out
}
