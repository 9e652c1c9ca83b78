package ehcp

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/yeargroup"
)

func d(s string) civil.Date { return civil.MustParse(s) }

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// rec parses "type on key=value ..." into a Record, to keep tables readable.
func rec(s string) Record {
	parts := strings.Fields(s)
	r := Record{Type: parts[0], On: d(parts[1])}
	for _, kv := range parts[2:] {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "assess":
			if v == "true" {
				r.Assess = yes()
			} else {
				r.Assess = no()
			}
		case "from":
			r.From = v
		case "meeting":
			r.MeetingOn = d(v)
		case "outcome":
			r.Outcome = v
		case "milestone":
			r.Milestone = v
		case "reason":
			r.Reason = v
		case "by":
			r.RequestedBy = v
		}
	}
	return r
}

func fold(t *testing.T, hasPlan bool, recs ...string) *Clock {
	t.Helper()
	c := New()
	for _, s := range recs {
		if err := c.Apply(rec(s), hasPlan); err != nil {
			t.Fatalf("apply %q: %v", s, err)
		}
	}
	return c
}

// year5 is a pupil in Year 5 in 2025/26 at a primary school.
func facts(group yeargroup.Group, phase string) Facts {
	return Facts{Phase: phase, DateOfBirth: d("2015-01-01"), YearGroupOn: func(on civil.Date) yeargroup.Group {
		g, _ := yeargroup.On(group, d("2025-10-01"), on)
		return g
	}}
}

// milestones renders a view's milestones as "type:due:status[:done]".
func milestones(v View) string {
	var out []string
	for _, m := range v.Milestones {
		s := fmt.Sprintf("%s:%s:%s", m.Type, m.DueOn, m.Status)
		if m.From != "" {
			s = m.Type + "(" + m.From + ")" + s[len(m.Type):]
		}
		if m.DoneOn.Valid() {
			s += ":" + m.DoneOn.String()
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestClockTable(t *testing.T) {
	tests := []struct {
		name   string
		recs   []string
		asOf   string
		status string
		want   string
	}{
		{"request opens decision (6 weeks) and final plan (20 weeks)",
			[]string{"request 2025-01-06 by=parent"}, "2025-01-06", "requested",
			"decision_to_assess:2025-02-17:pending final_issued:2025-05-26:pending"},
		{"decision not to assess closes the process",
			[]string{"request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=false"}, "2025-06-01", "not_assessed",
			"decision_to_assess:2025-02-17:done:2025-02-10"},
		{"decision to assess opens the decision to issue (request + 16 weeks)",
			[]string{"request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=true"}, "2025-02-10", "assessing",
			"decision_to_assess:2025-02-17:done:2025-02-10 final_issued:2025-05-26:pending decision_to_issue:2025-04-28:pending"},
		{"advice requested: 6 weeks for each source",
			[]string{"request 2025-01-06 by=school", "decision_to_assess 2025-02-10 assess=true", "advice_requested 2025-02-11 from=ep", "advice_requested 2025-02-12 from=health", "advice_received 2025-03-20 from=ep"}, "2025-03-20", "assessing",
			"decision_to_assess:2025-02-17:done:2025-02-10 final_issued:2025-05-26:pending decision_to_issue:2025-04-28:pending advice_received(ep):2025-03-25:done:2025-03-20 advice_received(health):2025-03-26:pending"},
		{"draft: 15 days beginning with the draft for representations",
			[]string{"request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=true", "draft_issued 2025-04-01"}, "2025-04-15", "draft",
			"decision_to_assess:2025-02-17:done:2025-02-10 final_issued:2025-05-26:pending decision_to_issue:2025-04-28:done:2025-04-01 draft_representations:2025-04-15:pending"},
		{"representations window ends by itself",
			[]string{"request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=true", "draft_issued 2025-04-01"}, "2025-04-16", "draft",
			"decision_to_assess:2025-02-17:done:2025-02-10 final_issued:2025-05-26:pending decision_to_issue:2025-04-28:done:2025-04-01 draft_representations:2025-04-15:done:2025-04-15"},
		{"final plan opens the annual review (12 months)",
			[]string{"request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=true", "draft_issued 2025-04-01", "final_issued 2025-05-20"}, "2025-06-01", "active",
			"decision_to_assess:2025-02-17:done:2025-02-10 final_issued:2025-05-26:done:2025-05-20 decision_to_issue:2025-04-28:done:2025-04-01 draft_representations:2025-04-15:done:2025-04-15 annual_review:2026-05-20:pending"},
		// The parents' 15 days end by themselves: the same answer whether or
		// not the final plan has been issued, and never re-dated by it.
		{"representations window open, final plan already issued",
			[]string{"request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=true", "draft_issued 2025-04-01", "final_issued 2025-04-10"}, "2025-04-12", "active",
			"decision_to_assess:2025-02-17:done:2025-02-10 final_issued:2025-05-26:done:2025-04-10 decision_to_issue:2025-04-28:done:2025-04-01 draft_representations:2025-04-15:pending annual_review:2026-04-10:pending"},
		{"representations window ended, final plan issued within it",
			[]string{"request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=true", "draft_issued 2025-04-01", "final_issued 2025-04-10"}, "2025-04-16", "active",
			"decision_to_assess:2025-02-17:done:2025-02-10 final_issued:2025-05-26:done:2025-04-10 decision_to_issue:2025-04-28:done:2025-04-01 draft_representations:2025-04-15:done:2025-04-15 annual_review:2026-04-10:pending"},
		{"representations window after a notice not to issue",
			[]string{"request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=true", "draft_issued 2025-04-01", "not_to_issue 2025-04-08"}, "2025-04-20", "not_issued",
			"decision_to_assess:2025-02-17:done:2025-02-10 final_issued:2025-05-26:done:2025-04-08 decision_to_issue:2025-04-28:done:2025-04-01 draft_representations:2025-04-15:done:2025-04-15"},
		// decision_to_issue is done by whichever comes first of the draft,
		// the final plan or a notice not to issue, and never moves.
		{"decision to issue done by the final plan when there was no draft, late",
			[]string{"request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=true", "final_issued 2025-05-01"}, "2025-06-01", "active",
			"decision_to_assess:2025-02-17:done:2025-02-10 final_issued:2025-05-26:done:2025-05-01 decision_to_issue:2025-04-28:done:2025-05-01 annual_review:2026-05-01:pending"},
		{"final plan late",
			[]string{"request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=true", "final_issued 2025-06-30"}, "2025-07-01", "active",
			"decision_to_assess:2025-02-17:done:2025-02-10 final_issued:2025-05-26:done:2025-06-30 decision_to_issue:2025-04-28:done:2025-06-30 annual_review:2026-06-30:pending"},
		{"notice not to issue",
			[]string{"request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=true", "not_to_issue 2025-04-20"}, "2025-07-01", "not_issued",
			"decision_to_assess:2025-02-17:done:2025-02-10 final_issued:2025-05-26:done:2025-04-20 decision_to_issue:2025-04-28:done:2025-04-20"},
		{"annual review scheduled: invitations 2 weeks before the meeting",
			[]string{"final_issued 2024-11-15", "annual_review_scheduled 2025-09-01 meeting=2025-10-20"}, "2025-10-06", "active",
			"annual_review:2025-11-15:pending review_invitations:2025-10-06:pending"},
		{"annual review held: report 2 weeks, LA decision 4 weeks, next review 12 months",
			[]string{"final_issued 2024-11-15", "annual_review_scheduled 2025-09-01 meeting=2025-10-20", "review_invitations_sent 2025-10-01", "annual_review_held 2025-10-20"}, "2025-10-21", "active",
			"annual_review:2025-11-15:done:2025-10-20 review_invitations:2025-10-06:done:2025-10-01 review_report_sent:2025-11-03:pending la_decision:2025-11-17:pending annual_review:2026-10-20:pending"},
		{"holding the meeting closes the invitations too",
			[]string{"final_issued 2024-11-15", "annual_review_scheduled 2025-09-01 meeting=2025-10-20", "annual_review_held 2025-10-20"}, "2025-10-21", "active",
			"annual_review:2025-11-15:done:2025-10-20 review_invitations:2025-10-06:done:2025-10-20 review_report_sent:2025-11-03:pending la_decision:2025-11-17:pending annual_review:2026-10-20:pending"},
		{"amend: amendments expected, then 14 days and 8 weeks",
			[]string{"final_issued 2024-11-15", "annual_review_held 2025-10-20", "review_report_sent 2025-10-30", "la_decision 2025-11-10 outcome=amend", "amendments_proposed 2025-11-12"}, "2025-11-12", "active",
			"annual_review:2025-11-15:done:2025-10-20 review_report_sent:2025-11-03:done:2025-10-30 la_decision:2025-11-17:done:2025-11-10 annual_review:2026-10-20:pending amendments_proposed::done:2025-11-12 amendment_representations:2025-11-26:pending amended_final_issued:2026-01-07:pending"},
		{"amended plan issued",
			[]string{"final_issued 2024-11-15", "annual_review_held 2025-10-20", "la_decision 2025-11-10 outcome=amend", "amendments_proposed 2025-11-12", "amended_final_issued 2026-01-05"}, "2026-01-10", "active",
			"annual_review:2025-11-15:done:2025-10-20 review_report_sent:2025-11-03:overdue la_decision:2025-11-17:done:2025-11-10 annual_review:2026-10-20:pending amendments_proposed::done:2025-11-12 amendment_representations:2025-11-26:done:2025-11-26 amended_final_issued:2026-01-07:done:2026-01-05"},
		{"amended plan issued within the representations window",
			[]string{"final_issued 2024-11-15", "annual_review_held 2025-10-20", "la_decision 2025-11-10 outcome=amend", "amendments_proposed 2025-11-12", "amended_final_issued 2025-11-20"}, "2025-11-22", "active",
			"annual_review:2025-11-15:done:2025-10-20 review_report_sent:2025-11-03:overdue la_decision:2025-11-17:done:2025-11-10 annual_review:2026-10-20:pending amendments_proposed::done:2025-11-12 amendment_representations:2025-11-26:pending amended_final_issued:2026-01-07:done:2025-11-20"},
		{"a missed invitations deadline stays when the meeting is moved",
			[]string{"final_issued 2024-11-15", "annual_review_scheduled 2025-09-01 meeting=2025-10-20", "annual_review_scheduled 2025-10-10 meeting=2025-11-10"}, "2025-10-12", "active",
			"annual_review:2025-11-15:pending review_invitations:2025-10-06:overdue review_invitations:2025-10-27:pending"},
		{"invitations sent late close the missed deadline and the moved one",
			[]string{"final_issued 2024-11-15", "annual_review_scheduled 2025-09-01 meeting=2025-10-20", "annual_review_scheduled 2025-10-10 meeting=2025-11-10", "review_invitations_sent 2025-10-20"}, "2025-10-21", "active",
			"annual_review:2025-11-15:pending review_invitations:2025-10-06:done:2025-10-20 review_invitations:2025-10-27:done:2025-10-20"},
		{"ceased closes everything",
			[]string{"final_issued 2024-11-15", "annual_review_held 2025-10-20", "la_decision 2025-11-10 outcome=cease", "ceased 2025-12-01"}, "2026-06-01", "ceased",
			"annual_review:2025-11-15:done:2025-10-20 review_report_sent:2025-11-03:done:2025-12-01 la_decision:2025-11-17:done:2025-11-10 annual_review:2026-10-20:done:2025-12-01 ceased::done:2025-12-01"},
		{"leap day + 12 months is 28 February",
			[]string{"final_issued 2024-02-29"}, "2024-03-01", "active", "annual_review:2025-02-28:pending"},
		{"31 August + 12 months", []string{"final_issued 2023-08-31"}, "2023-09-01", "active", "annual_review:2024-08-31:pending"},
		{"meeting on 31 January: next review 31 January",
			[]string{"final_issued 2023-02-01", "annual_review_held 2024-01-31"}, "2024-02-01", "active",
			"annual_review:2024-02-01:done:2024-01-31 review_report_sent:2024-02-14:pending la_decision:2024-02-28:pending annual_review:2025-01-31:pending"},
		{"leap-year meeting: 4 weeks counts 29 February",
			[]string{"final_issued 2023-02-10", "annual_review_held 2024-02-01"}, "2024-02-01", "active",
			"annual_review:2024-02-10:done:2024-02-01 review_report_sent:2024-02-15:pending la_decision:2024-02-29:pending annual_review:2025-02-01:pending"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hasPlan := strings.HasPrefix(tt.recs[0], "final_issued")
			v := fold(t, hasPlan, tt.recs...).View(d(tt.asOf), Facts{HasPlan: hasPlan})
			if v.Status != tt.status {
				t.Errorf("status %s, want %s", v.Status, tt.status)
			}
			if got := milestones(v); got != tt.want {
				t.Errorf("milestones\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestOverdueOnlyAfterTheDueDate(t *testing.T) {
	c := fold(t, false, "request 2025-01-06 by=parent") // decision due 2025-02-17
	for _, tt := range []struct{ asOf, want string }{
		{"2025-02-16", Pending}, {"2025-02-17", Pending}, {"2025-02-18", Overdue},
	} {
		v := c.View(d(tt.asOf), Facts{})
		if got := v.Milestones[0].Status; got != tt.want {
			t.Errorf("as of %s: %s, want %s", tt.asOf, got, tt.want)
		}
	}
	if v := c.View(d("2025-02-18"), Facts{}); v.Overdue() != 1 || v.NextDue() != d("2025-02-17") || !v.InProgress() {
		t.Errorf("overdue %d next %s", v.Overdue(), v.NextDue())
	}
}

func TestPhaseTransfer(t *testing.T) {
	tests := []struct {
		name  string
		group yeargroup.Group // in 2025/26
		phase string
		recs  []string
		asOf  string
		want  string // "due:status[:done][:late]" or "" for none
	}{
		{"Year 6 now: 15 February 2026", "6", "primary", nil, "2025-11-10", "2026-02-15:pending"},
		{"Year 6, on the day", "6", "primary", nil, "2026-02-15", "2026-02-15:pending"},
		{"Year 6, the day after", "6", "primary", nil, "2026-02-16", "2026-02-15:overdue"},
		{"Year 5 now, Year 6 next year: 15 February 2027", "5", "primary", nil, "2025-11-10", "2027-02-15:pending"},
		{"Year 2 at an infant school", "2", "infant", nil, "2025-11-10", "2026-02-15:pending"},
		{"Year 2 at a primary school: next is Year 6", "2", "primary", nil, "2025-11-10", "2030-02-15:pending"},
		{"Year 11: 31 March", "11", "secondary", nil, "2025-11-10", "2026-03-31:pending"},
		{"Year 8: Year 11 in 2028/29", "8", "secondary", nil, "2025-11-10", "2029-03-31:pending"},
		{"Year 12: none to come, the Year 11 one missed stays", "12", "secondary", nil, "2025-11-10", "2025-03-31:overdue"},
		// A missed transfer never vanishes: still overdue after 1 September,
		// beside the next one, and a decision of a later year does not do it.
		{"missed in Year 6, on 1 September", "6", "primary", nil, "2026-09-01", "2026-02-15:overdue 2031-03-31:pending"},
		{"missed in Year 6, after a maintain decision in Year 7", "6", "primary", []string{"annual_review_held 2026-10-01", "la_decision 2026-10-20 outcome=maintain"}, "2026-11-01", "2026-02-15:overdue 2031-03-31:pending"},
		{"done late in Year 6, a year on", "6", "primary", []string{"annual_review_held 2026-02-01", "la_decision 2026-02-25 outcome=maintain"}, "2026-10-01", "2026-02-15:done:2026-02-25:late 2031-03-31:pending"},
		{"a decision after as_of does not count yet", "6", "primary", []string{"annual_review_held 2026-02-01", "la_decision 2026-02-25 outcome=maintain"}, "2026-02-20", "2026-02-15:overdue"},
		{"done by an amended plan in the year", "6", "primary", []string{"annual_review_held 2025-10-01", "la_decision 2025-10-20 outcome=amend", "amendments_proposed 2025-10-25", "amended_final_issued 2026-01-10"}, "2026-03-01", "2026-02-15:done:2026-01-10"},
		{"done by a decision to maintain", "6", "primary", []string{"annual_review_held 2025-10-01", "la_decision 2025-10-20 outcome=maintain"}, "2026-03-01", "2026-02-15:done:2025-10-20"},
		{"done late", "6", "primary", []string{"annual_review_held 2026-02-01", "la_decision 2026-02-25 outcome=maintain"}, "2026-03-01", "2026-02-15:done:2026-02-25:late"},
		{"a decision of the previous academic year does not count", "6", "primary", []string{"annual_review_held 2025-06-01", "la_decision 2025-06-20 outcome=maintain"}, "2026-03-01", "2026-02-15:overdue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := append([]string{"final_issued 2024-09-20"}, tt.recs...)
			f := facts(tt.group, tt.phase)
			f.HasPlan = true
			v := fold(t, true, recs...).View(d(tt.asOf), f)
			var all []string
			for _, m := range v.Milestones {
				if m.Type == PhaseTransfer {
					got := fmt.Sprintf("%s:%s", m.DueOn, m.Status)
					if m.DoneOn.Valid() {
						got += ":" + m.DoneOn.String()
					}
					if m.Late {
						got += ":late"
					}
					all = append(all, got)
				}
			}
			if got := strings.Join(all, " "); got != tt.want {
				t.Fatalf("phase transfers %q, want %q", got, tt.want)
			}
			want := strings.Fields(tt.want)
			if len(want) > 0 && v.PhaseTransferDueOn.String() != strings.Split(want[len(want)-1], ":")[0] {
				t.Fatalf("phase_transfer_due_on %s", v.PhaseTransferDueOn)
			}
		})
	}
}

func TestExceptions(t *testing.T) {
	base := []string{"request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=true", "advice_requested 2025-02-11 from=ep"}
	for _, reason := range Reasons {
		t.Run(reason, func(t *testing.T) {
			c := fold(t, false, base...)
			cmd := Command{Type: Exception, On: d("2025-03-01"), Milestone: AdviceReceived, From: "ep", Reason: reason}
			r, err := cmd.Check(0)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Apply(r, false); err != nil {
				t.Fatal(err)
			}
			v := c.View(d("2025-06-01"), Facts{})
			m := v.Milestones[len(v.Milestones)-1]
			if m.Status != Excused || m.Reason != reason || v.Overdue() != 2 { // decision_to_issue and final_issued are overdue; the advice is excused
				t.Fatalf("%+v overdue %d", m, v.Overdue())
			}
		})
	}
	// Excused milestones are still done when the record comes.
	c := fold(t, false, append(base, "exception 2025-03-01 milestone=advice_received from=ep reason=school_closure", "advice_received 2025-04-01 from=ep")...)
	if m := c.View(d("2025-06-01"), Facts{}).Milestones[3]; m.Status != Done || !m.Late {
		t.Fatalf("%+v", m)
	}
	// Exceptions to other reasons and milestones are refused as bad input.
	for _, cmd := range []Command{
		{Type: Exception, On: d("2025-03-01"), Milestone: FinalIssued, Reason: MissedAppointment},
		{Type: Exception, On: d("2025-03-01"), Milestone: AnnualReview, Reason: SchoolClosure},
		{Type: Exception, On: d("2025-03-01"), Milestone: FinalIssued, Reason: "holiday"},
	} {
		if _, err := cmd.Check(0); !isInvalid(err) {
			t.Errorf("%+v accepted: %v", cmd, err)
		}
	}
	// An exception needs an open milestone.
	c = fold(t, false, "request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=true")
	if err := c.Apply(rec("exception 2025-03-01 milestone=decision_to_assess reason=school_closure"), false); !isConflict(err) {
		t.Fatalf("exception on a done milestone: %v", err)
	}
}

func isConflict(err error) bool { var c *domain.ConflictError; return errors.As(err, &c) }
func isInvalid(err error) bool  { var v *domain.ValidationError; return errors.As(err, &v) }

func TestOutOfOrderRefusals(t *testing.T) {
	tests := []struct {
		name    string
		hasPlan bool
		before  []string
		next    string
	}{
		{"decision before any request", false, nil, "decision_to_assess 2025-02-10 assess=true"},
		{"draft before any request", false, nil, "draft_issued 2025-02-10"},
		{"draft before a decision to assess", false, []string{"request 2025-01-06 by=parent"}, "draft_issued 2025-02-10"},
		{"final plan before any request", false, nil, "final_issued 2025-02-10"},
		{"final plan after not assessing", false, []string{"request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=false"}, "final_issued 2025-03-10"},
		{"final plan after the plan ceased", true, []string{"final_issued 2024-01-10", "ceased 2025-01-10"}, "final_issued 2025-03-10"},
		{"annual review held with no plan", false, nil, "annual_review_held 2025-02-10"},
		{"annual review held after ceasing", true, []string{"final_issued 2024-01-10", "ceased 2025-01-10"}, "annual_review_held 2025-03-10"},
		{"advice received never requested", false, []string{"request 2025-01-06 by=parent", "decision_to_assess 2025-02-10 assess=true"}, "advice_received 2025-03-10 from=ep"},
		{"advice before the decision to assess", false, []string{"request 2025-01-06 by=parent"}, "advice_requested 2025-01-10 from=ep"},
		{"second request while one is in progress", false, []string{"request 2025-01-06 by=parent"}, "request 2025-01-20 by=school"},
		{"request with an active plan", true, []string{"final_issued 2024-01-10"}, "request 2025-01-20 by=school"},
		{"request for a pupil with an unrecorded plan", true, nil, "request 2025-01-20 by=school"},
		{"report with no review held", true, []string{"final_issued 2024-01-10"}, "review_report_sent 2025-01-20"},
		{"LA decision with no review held", true, []string{"final_issued 2024-01-10"}, "la_decision 2025-01-20 outcome=maintain"},
		{"amended plan without proposals", true, []string{"final_issued 2024-01-10"}, "amended_final_issued 2025-01-20"},
		{"invitations with no meeting scheduled", true, []string{"final_issued 2024-01-10"}, "review_invitations_sent 2025-01-20"},
		{"not to issue after the plan", true, []string{"final_issued 2024-01-10"}, "not_to_issue 2025-01-20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fold(t, tt.hasPlan, tt.before...)
			if err := c.Apply(rec(tt.next), tt.hasPlan); !isConflict(err) {
				t.Fatalf("want 409 conflict, got %v", err)
			}
		})
	}
	// A new request may follow a closed process.
	c := fold(t, false, "request 2024-01-06 by=parent", "decision_to_assess 2024-02-10 assess=false")
	if err := c.Apply(rec("request 2025-01-06 by=parent"), false); err != nil {
		t.Fatal(err)
	}
	// Dates before the process began are bad input on "on".
	if err := c.Apply(rec("decision_to_assess 2024-12-01 assess=true"), false); !isInvalid(err) {
		t.Fatalf("backwards date: %v", err)
	}
}

func TestCommandCheck(t *testing.T) {
	tests := []struct {
		cmd    Command
		fields string
	}{
		{Command{Type: "request", On: d("2025-01-01"), RequestedBy: "parent"}, ""},
		{Command{Type: "appeal", On: d("2025-01-01")}, "type"},
		{Command{Type: "request", On: d("2025-01-01")}, "requested_by"},
		{Command{Type: "decision_to_assess", On: d("2025-01-01")}, "assess"},
		{Command{Type: "advice_requested", On: d("2025-01-01")}, "from"},
		{Command{Type: "annual_review_scheduled", On: d("2025-01-01")}, "meeting_on"},
		{Command{Type: "la_decision", On: d("2025-01-01")}, "outcome"},
		{Command{Type: "la_decision", On: d("2025-01-01"), Outcome: "appeal"}, "outcome"},
		{Command{Type: "exception", On: d("2025-01-01")}, "milestone,reason"},
		{Command{Type: "draft_issued", On: d("2025-01-01"), Assess: yes(), Outcome: "amend"}, "assess,outcome"},
		{Command{Type: "draft_issued"}, "on"},
	}
	for _, tt := range tests {
		_, err := tt.cmd.Check(0)
		var got []string
		var ve *domain.ValidationError
		if errors.As(err, &ve) {
			for _, f := range ve.Fields {
				got = append(got, f.Field)
			}
		} else if err != nil {
			t.Fatalf("%+v: %v", tt.cmd, err)
		}
		if strings.Join(got, ",") != tt.fields {
			t.Errorf("%s: fields %v, want %s", tt.cmd.Type, got, tt.fields)
		}
	}
}

func TestUnderFivesAdvice(t *testing.T) {
	c := fold(t, true, "final_issued 2025-01-10")
	young := c.View(d("2025-06-01"), Facts{HasPlan: true, DateOfBirth: d("2021-01-01")})
	older := c.View(d("2026-06-01"), Facts{HasPlan: true, DateOfBirth: d("2021-01-01")})
	if len(young.Advice) != 1 || len(older.Advice) != 0 {
		t.Fatalf("advice %v / %v", young.Advice, older.Advice)
	}
}

// FuzzTwelveMonths: for any date, 12 months later never lands in the wrong
// month and never after the anniversary.
func FuzzTwelveMonths(f *testing.F) {
	f.Add(int32(2024), uint8(2), uint8(29))
	f.Add(int32(2023), uint8(8), uint8(31))
	f.Fuzz(func(t *testing.T, y int32, m, day uint8) {
		if y < 1900 || y > 2200 || m < 1 || m > 12 || day < 1 || int(day) > civil.DaysIn(int(y), monthOf(m)) {
			return
		}
		from := civil.New(int(y), monthOf(m), int(day))
		c := New()
		if err := c.Apply(Record{Type: FinalIssued, On: from}, true); err != nil {
			t.Fatal(err)
		}
		due := c.Milestones[0].DueOn
		gy, gm, gd := due.Parts()
		if gy != int(y)+1 || gm != monthOf(m) || gd > int(day) {
			t.Fatalf("%s + 12 months = %s", from, due)
		}
	})
}
func monthOf(m uint8) time.Month { return time.Month(m) }

// FuzzClock applies random sequences of records: the clock never panics,
// refuses what it cannot take without changing state, and never calls a
// milestone overdue on or before its due date.
func FuzzClock(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, int32(100))
	f.Add([]byte{5, 9, 9, 10, 11, 12, 13, 14}, int32(400))
	f.Fuzz(func(t *testing.T, ops []byte, asOfOffset int32) {
		if len(ops) > 40 {
			ops = ops[:40]
		}
		c := New()
		day := d("2024-09-02")
		for i, op := range ops {
			day = day.AddDays(int(op%17) + 1)
			r := Record{Type: RecordTypes[int(op)%len(RecordTypes)], On: day}
			switch r.Type {
			case Request:
				r.RequestedBy = "parent"
			case DecisionToAssess:
				r.Assess = new(bool)
				*r.Assess = op%2 == 0
			case AdviceRequested, AdviceReceived:
				r.From = []string{"ep", "health"}[i%2]
			case AnnualReviewScheduled:
				r.MeetingOn = day.AddDays(30)
			case LADecision:
				r.Outcome = []string{"maintain", "amend", "cease"}[i%3]
			case Exception:
				r.Milestone, r.Reason = Excusable[i%len(Excusable)], SchoolClosure
			}
			before := len(c.records)
			if err := c.Apply(r, op%5 == 0); err != nil && len(c.records) != before {
				t.Fatalf("a refused record changed the clock")
			}
		}
		asOf := d("2024-09-02").AddDays(int(asOfOffset % 2000))
		for _, m := range c.View(asOf, Facts{}).Milestones {
			if m.Status == Overdue && !m.DueOn.Before(asOf) {
				t.Fatalf("%s overdue on %s, due %s", m.Type, asOf, m.DueOn)
			}
		}
		if _, err := Fold(c.Records()); err != nil {
			t.Fatalf("accepted history does not fold again: %v", err)
		}
	})
}

func TestAPlanReviewedBeforeSendcase(t *testing.T) {
	tests := []struct {
		name      string
		cmd       Command
		hasPlan   bool
		wantDue   string
		wantField string
	}{
		{"issued only", Command{Type: FinalIssued, On: d("2023-04-01")}, true, "2024-04-01", ""},
		{"reviewed since", Command{Type: FinalIssued, On: d("2023-04-01"), LastReviewedOn: d("2025-03-10")}, true, "2026-03-10", ""},
		{"reviewed before it was issued", Command{Type: FinalIssued, On: d("2023-04-01"), LastReviewedOn: d("2022-03-10")}, true, "", "last_reviewed_on"},
		{"on another type", Command{Type: AnnualReviewHeld, On: d("2025-04-01"), LastReviewedOn: d("2025-03-10")}, true, "", "last_reviewed_on"},
		{"a plan sendcase assessed", Command{Type: FinalIssued, On: d("2023-04-01"), LastReviewedOn: d("2025-03-10")}, false, "", "last_reviewed_on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New()
			if !tt.hasPlan {
				for _, s := range []string{"request 2022-11-01 requested_by=school", "decision_to_assess 2022-12-01 assess=true"} {
					if err := c.Apply(rec(s), false); err != nil {
						t.Fatal(err)
					}
				}
			}
			r, err := tt.cmd.Check(d("2026-01-01"))
			if err == nil {
				err = c.Apply(r, tt.hasPlan)
			}
			var ve *domain.ValidationError
			if tt.wantField != "" {
				if !errors.As(err, &ve) || ve.Fields[0].Field != tt.wantField {
					t.Fatalf("error %v, want one on %s", err, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.View(d("2026-01-01"), Facts{HasPlan: true}).NextAnnualReviewDueOn.String(); got != tt.wantDue {
				t.Errorf("next annual review due %s, want %s", got, tt.wantDue)
			}
		})
	}
}
