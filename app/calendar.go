package app

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/emersion/go-ical"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/projections"
)

// A person's deadlines as a private iCalendar feed (RFC 5545) that Outlook
// or Google Calendar subscribes to. The address holds a secret, shown once
// and stored hashed; replacing or revoking it ends the old address. Events
// carry initials and a link, never a name: a calendar is not a safe place
// for special-category data.

// CalendarPath is where a feed is served; the secret follows it.
const CalendarPath = "/ui/calendar/"

// CalendarFeedResult is a new feed's address, shown once.
type CalendarFeedResult struct {
	Result
	URL string `json:"url"`
}

// SetCalendarFeed gives the signed-in SENCO or trust lead a new calendar
// feed address, ending any earlier one.
//
// Errors: ErrForbidden (another role), ErrUnavailable.
func (s *Service) SetCalendarFeed(ctx context.Context, u user.User, o CommandOptions) (CalendarFeedResult, error) {
	if u.Role != user.SENCO && u.Role != user.TrustLead {
		return CalendarFeedResult{}, domain.Forbidden("Calendar feeds are for SENCOs and trust leads.")
	}
	secret, hash := newToken()
	res, err := execute(ctx, s.users, u.ID, s.request(u, o, "SetCalendarFeed", u.ID), func(t *user.User) (decision[*user.User, CalendarFeedResult], error) {
		evs, err := t.SetCalendarFeed(hash, s.Today())
		return decision[*user.User, CalendarFeedResult]{events: evs,
			answer: func(*user.User) CalendarFeedResult { return CalendarFeedResult{Result: Result{ID: u.ID}} },
			reveal: func(r *CalendarFeedResult) { r.URL = s.publicURL + CalendarPath + secret }}, err
	})
	if err == nil {
		err = s.awaitDirectory(ctx, res.Seq)
	}
	return res, err
}

// RevokeCalendarFeed ends the signed-in user's calendar feed: its address
// answers 404 from now on.
//
// Errors: ErrNotFound (no feed), ErrUnavailable.
func (s *Service) RevokeCalendarFeed(ctx context.Context, u user.User, o CommandOptions) (Result, error) {
	res, err := execute(ctx, s.users, u.ID, s.request(u, o, "RevokeCalendarFeed", u.ID), func(t *user.User) (decision[*user.User, Result], error) {
		evs, err := t.RevokeCalendarFeed(s.Today())
		return decision[*user.User, Result]{events: evs, answer: answerID[*user.User](u.ID)}, err
	})
	if err == nil {
		err = s.awaitDirectory(ctx, res.Seq)
	}
	return res, err
}

// HasCalendarFeed reports whether u has a calendar feed now.
func (s *Service) HasCalendarFeed(u user.User) bool {
	now, _ := s.dir.User(u.ID)
	return now.CalendarHash != ""
}

// CalendarFeed is the feed whose address holds secret: an all-day event
// for each deadline of its owner in the coming year and each overdue one,
// and the milestones done in the last 30 days (marked done), with stable
// UIDs so that a calendar replaces an event when it changes.
//
// Errors: ErrNotFound (no such feed, or its owner deactivated), then as Due.
func (s *Service) CalendarFeed(ctx context.Context, secret string) ([]byte, error) {
	u, ok := s.dir.UserByFeedHash(hashToken(secret))
	if !ok || !u.MaySignIn() {
		return nil, domain.NotFound("calendar feed")
	}
	today := s.Today()
	due, err := s.Due(ctx, u, DueQuery{Within: 366, DoneSince: today.AddDays(-30)})
	if err != nil {
		return nil, err
	}
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "-//sendcase//deadlines//EN")
	cal.Props.SetText("X-WR-CALNAME", "sendcase deadlines")
	stamp := s.now().UTC()
	for _, it := range due.Items {
		if !it.Dated() {
			continue
		}
		ev := ical.NewEvent()
		ev.Props.SetText(ical.PropUID, fmt.Sprintf("%s-%s-%s-%s@sendcase", it.PupilID, it.Kind, it.From, it.DueOn))
		ev.Props.SetDateTime(ical.PropDateTimeStamp, stamp)
		start := it.DueOn.Time()
		ev.Props.SetDate(ical.PropDateTimeStart, start)
		ev.Props.SetDate(ical.PropDateTimeEnd, start.AddDate(0, 0, 1))
		summary := s.whose(it) + ": " + it.What()
		switch {
		case it.DoneOn.Valid():
			summary = "Done: " + summary
		case it.Overdue:
			summary = "Overdue: " + summary
		}
		ev.Props.SetText(ical.PropSummary, summary)
		link := s.itemLink(it)
		ev.Props.SetText(ical.PropURL, link)
		ev.Props.SetText(ical.PropDescription, strings.TrimSpace(it.Basis+"\n"+link))
		cal.Children = append(cal.Children, ev.Component)
	}
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("encode calendar: %w", err)
	}
	return buf.Bytes(), nil
}

// initials are what a calendar says of a pupil ("Ada Lovelace" → "A.L.").
// whose says whose a due line is, without a name: the pupil's initials,
// or for an action of the MAT SEND review its school.
func (s *Service) whose(it projections.DueItem) string {
	if it.RoundID != "" {
		if sch, _, ok := s.dir.School(it.SchoolID); ok {
			return sch.Name
		}
	}
	return initials(it.Name)
}

func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			b.WriteRune(r)
			b.WriteByte('.')
			break
		}
	}
	return b.String()
}
