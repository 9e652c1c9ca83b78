package projections

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/pupil"
)

// Kinds of due item that are not EHC milestones (those are named by their
// milestone type).
const (
	DueAPDRReview = "apdr_review"
	// DueReferralWait: a referral reaches the trust's wait threshold
	// without the service having seen the pupil.
	DueReferralWait = "referral_wait"
	// DueParentMeeting: a term ends with fewer meetings with the parents
	// of a pupil on SEN support than one a term (pupil.NextParentMeeting).
	DueParentMeeting = "parent_meeting"
	// DueDelivery: the pupil's plan was delivered below the trust's
	// threshold over the last four weeks (pupil.DeliveredShare); From is
	// the percentage delivered. It is a state, not a date: listed on the
	// day asked, overdue.
	DueDelivery = "provision_delivery"
	// DueMeetingAsked: the parents asked for a meeting, not yet held
	// (pupil.OpenRequests); From is the day they asked.
	DueMeetingAsked = "meeting_asked"
	// DueReviewAction: an action of the MAT SEND review, for its owner;
	// RoundID names the round, From the action. Not a pupil's.
	DueReviewAction = "review_action"
)

// DueItem is one thing a school must do by a date: an APDR review or a
// statutory milestone of a pupil, overdue or due within the window asked.
type DueItem struct {
	PupilID string `json:"pupil_id,omitempty"`
	// RoundID is the review round of a review action (and no pupil).
	RoundID  string `json:"round_id,omitempty"`
	Name     string `json:"name"`
	SchoolID string `json:"school_id"`
	Kind     string `json:"kind"`
	// From says which one of its kind: the adviser of advice awaited, the
	// service of a referral, the number this school year of a parent
	// meeting ("2"). With the pupil, kind and due date it names the item
	// (a calendar's UID).
	From    string     `json:"from,omitempty"`
	DueOn   civil.Date `json:"due_on"`
	Overdue bool       `json:"overdue"`
	// Days until it is due (negative: days overdue).
	Days int `json:"days"`
	// Basis is where the time limit comes from (ehcp.Basis); "" for an
	// APDR review, whose date the plan set.
	Basis string `json:"basis,omitempty"`
	// DoneOn is set on a milestone done (listed only when asked: a
	// calendar keeps the event and says it is done).
	DoneOn civil.Date `json:"done_on,omitempty"`
}

// What says what is due in plain words, for a page, an email or a
// calendar: "review of the SEN support plan", "advice received from
// educational psychologist".
func (it DueItem) What() string {
	switch it.Kind {
	case DueAPDRReview:
		return "review of the SEN support plan"
	case DueReferralWait:
		return "referral to " + strings.ReplaceAll(it.From, "_", " ") + " not yet seen"
	case DueParentMeeting:
		return "meeting with the parents, " + it.From + " of 3 this school year"
	case DueDelivery:
		return "provision behind: " + it.From + "% of the planned minutes delivered in the last 4 weeks"
	case DueMeetingAsked:
		return "meeting the parents asked for"
	case DueReviewAction:
		return "action of the MAT SEND review"
	}
	what := strings.ReplaceAll(it.Kind, "_", " ")
	if it.From != "" {
		what += " from " + strings.ReplaceAll(it.From, "_", " ")
	}
	return what
}

// Dated reports whether the item falls due on a date of its own, which a
// calendar can hold; delivery behind is a state, listed on the day asked.
func (it DueItem) Dated() bool { return it.Kind != DueDelivery }

// Statutory reports whether the item's time limit is in law (an EHC
// milestone), not set by the school's own plan.
func (it DueItem) Statutory() bool { _, ok := ehcp.Basis[it.Kind]; return ok }

// Link is the page (a path) whose form closes the item: the section of
// the pupil's page, or the review round's actions.
func (it DueItem) Link() string {
	if it.RoundID != "" {
		return "/ui/rounds/" + it.RoundID + "#actions"
	}
	return "/ui/pupils/" + it.PupilID + "#" + it.Section()
}

// Section is the part of the pupil page whose form closes the item.
func (it DueItem) Section() string {
	switch it.Kind {
	case DueAPDRReview, DueParentMeeting, DueDelivery:
		return "cycle"
	case DueReferralWait:
		return "referrals"
	case DueMeetingAsked:
		return "parents"
	}
	return "ehcp"
}

// DueOptions widen what Due lists.
type DueOptions struct {
	// DoneSince also lists the statutory milestones done that were due on
	// or after this date.
	DoneSince civil.Date
}

// Due lists what falls due at school schoolID within days of asOf, and
// everything overdue, soonest first.
func (v Views) Due(ctx context.Context, schoolID string, asOf civil.Date, days int, opts ...DueOptions) ([]DueItem, error) {
	var o DueOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	phase := v.phase(schoolID)
	_, trustID, _ := v.Dir.School(schoolID)
	t, _ := v.Dir.Trust(trustID)
	wait := t.Settings.ReferralWait()
	waitBasis := fmt.Sprintf("the trust's threshold: seen within %d weeks of the referral", wait)
	threshold := t.Settings.DeliveryThreshold()
	deliveryBasis := fmt.Sprintf("the trust's threshold: at least %d%% of the planned minutes delivered over 4 weeks", threshold)
	until := asOf.AddDays(days)
	out := []DueItem{}
	// basis is where the item's time limit comes from: a statutory
	// milestone's regulation (ehcp.Basis) unless given.
	item := func(p *pupil.Pupil, kind, from string, due civil.Date, basis string) DueItem {
		return DueItem{PupilID: p.ID, Name: p.FirstName + " " + p.LastName, SchoolID: schoolID, Kind: kind, From: from,
			DueOn: due, Days: asOf.DaysUntil(due), Basis: cmp.Or(basis, ehcp.Basis[kind])}
	}
	add := func(p *pupil.Pupil, kind, from string, due civil.Date, overdue bool, basis string) {
		if !overdue && (due.Before(asOf) || due.After(until)) {
			return
		}
		it := item(p, kind, from, due, basis)
		it.Overdue = overdue
		out = append(out, it)
	}
	err := v.eachSchoolPupil(ctx, schoolID, asOf, func(p *pupil.Pupil, _ *Summary) {
		if !p.OnRoll || p.Erasure != nil {
			return
		}
		if c := p.CurrentCycle(); c != nil && c.Stage == pupil.Do && c.Plan != nil {
			overdue, _ := p.ReviewOverdue(asOf)
			add(p, DueAPDRReview, "", c.Plan.ReviewDueOn, overdue, "")
		}
		for _, r := range p.Referrals {
			if r.Waiting() {
				due := r.ReferredOn.AddWeeks(wait)
				add(p, DueReferralWait, r.Service, due, asOf.After(due), waitBasis)
			}
		}
		if pct, judged := p.DeliveredShare(asOf); judged && pct < threshold {
			add(p, DueDelivery, strconv.Itoa(pct), asOf, true, deliveryBasis)
		}
		for _, r := range p.OpenRequests(asOf) {
			add(p, DueMeetingAsked, r.AskedOn.String(), r.DueOn, r.Overdue, fmt.Sprintf("asked for on %s: meet within %d school days", r.AskedOn, pupil.MeetingAnswerSchoolDays))
		}
		if m, ok := p.NextParentMeeting(asOf); ok {
			add(p, DueParentMeeting, strconv.Itoa(m.Nth), m.DueOn, m.Overdue, "SEND Code of Practice 6.65: meet the parents at least three times a year")
		}
		for _, m := range p.EHCP(asOf, phase).Milestones {
			switch {
			case (m.Status == ehcp.Pending || m.Status == ehcp.Overdue) && m.DueOn.Valid():
				add(p, m.Type, m.From, m.DueOn, m.Status == ehcp.Overdue, "")
			case m.Status == ehcp.Done && o.DoneSince.Valid() && m.DueOn.Valid() && !m.DueOn.Before(o.DoneSince) && !m.DueOn.After(until):
				it := item(p, m.Type, m.From, m.DueOn, "")
				it.DoneOn = m.DoneOn
				out = append(out, it)
			}
		}
	})
	slices.SortStableFunc(out, func(a, b DueItem) int {
		if c := cmp.Compare(a.DueOn, b.DueOn); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out, err
}
