package web

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/domain/user"
)

// groupPage is a group provision's register: one session, logged for
// every pupil in the group.
type groupPage struct {
	Group app.Group
	// Key makes sending the form twice log nobody twice.
	Key string
}

// Each pupil's row is present[i] (for pupil[i]): attended, absent, or not
// in this session (a school may run the provision as several groups).
const (
	rowAttended = "yes"
	rowAbsent   = "no"
	rowNotHere  = "skip"
)

// groupSession is the register of a group provision at a school (GET), or
// logs it (POST): a session for each pupil ticked as attending or absent.
func (s *Server) groupSession(w http.ResponseWriter, r *http.Request, u user.User) {
	schoolID, provisionID := r.PathValue("school"), r.PathValue("provision")
	g, err := s.svc.Group(r.Context(), u, schoolID, provisionID)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	title := "Log a group session — " + g.Provision.Name
	if r.Method == http.MethodGet {
		form := url.Values{"key": {rand.Text()}}
		if len(g.Pupils) > 0 {
			form.Set("minutes", strconv.Itoa(g.Pupils[0].MinutesPerSession))
		}
		for i := range g.Pupils {
			form.Set(fmt.Sprintf("present[%d]", i), rowAttended)
		}
		s.render(w, r, http.StatusOK, "group", page{Title: title, User: &u, Data: groupPage{Group: g, Key: form.Get("key")}, Form: form, FormName: "group"})
		return
	}
	typed := url.Values{}
	for k, v := range r.PostForm {
		typed[k] = v
	}
	cmd, rows, errs := decodeGroup(r, g)
	if errs == nil {
		_, err = s.svc.LogGroupSession(r.Context(), u, app.CommandOptions{IdempotencyKey: r.PostFormValue("key")}, schoolID, provisionID, cmd)
		errs = groupErrors(err, rows)
	}
	if no, refused, err := refusedBy(errs, err); err != nil {
		s.fail(w, r, u, err)
		return
	} else if refused {
		s.render(w, r, no.status, "group", no.page(page{Title: title, User: &u, Data: groupPage{Group: g, Key: r.PostFormValue("key")}}, typed, errs, "group"))
		return
	}
	n := len(cmd.Attendance)
	redirectDone(w, r, "/ui/schools/"+schoolID+"/provision-map", fmt.Sprintf("%s session logged for %d pupil%s", g.Provision.Name, n, plural(n)))
}

// decodeGroup reads the register: the session, and a row for each pupil
// of the group not left out. rows[j] is the form row of attendance j.
func decodeGroup(r *http.Request, g app.Group) (pupil.GroupSession, []int, map[string]string) {
	var cmd pupil.GroupSession
	errs := map[string]string{}
	if v := r.PostFormValue("delivered_on"); v != "" {
		d, err := parseDate(v)
		if err != nil {
			d = civil.Date(-1) // reported by validation, in its words
		}
		cmd.DeliveredOn = d
	}
	if v := r.PostFormValue("minutes"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil {
			errs["minutes"] = "must be a whole number of minutes"
		}
		cmd.Minutes = m
	}
	var rows []int
	for i, m := range g.Pupils {
		switch r.PostFormValue(fmt.Sprintf("present[%d]", i)) {
		case rowAttended, rowAbsent:
			attended := r.PostFormValue(fmt.Sprintf("present[%d]", i)) == rowAttended
			cmd.Attendance = append(cmd.Attendance, pupil.GroupAttendance{PupilID: m.PupilID, Attended: &attended})
			rows = append(rows, i)
		}
	}
	if len(errs) > 0 {
		return cmd, rows, errs
	}
	return cmd, rows, nil
}

// groupErrors puts the errors of a group session on the register: a
// pupil's on their row.
func groupErrors(err error, rows []int) map[string]string {
	errs, ok := fieldErrors(err)
	if !ok {
		return nil
	}
	out := map[string]string{}
	for f, msg := range errs {
		if f == "attendance" {
			out["attendance"] = "choose at least one pupil who attended or was absent"
			continue
		}
		var j int
		if _, err := fmt.Sscanf(f, "attendance[%d]", &j); err == nil && j < len(rows) {
			out[fmt.Sprintf("present[%d]", rows[j])] = msg
			continue
		}
		out[f] = msg
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
