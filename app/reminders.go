package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/user"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/mailer"
	"github.com/sendcase/sendcase/projections"
)

// Email reminders: a weekly digest and deadline alerts for SENCOs, a weekly
// trust summary for trust leads.
//
// They run on a durable schedule in JetStream (the store's job bucket), not
// a timer per server: every server calls RunReminders now and then; the
// first to plan a reminder creates its job (a second finds it exists), a
// job is taken by whichever server first moves it to "sending" at the
// revision it read, and its state ("sent", or back to "pending" with the
// next try after an SMTP failure) is written before anything else. A server
// that stops mid-send leaves its job "sending" until the lease lapses; then
// another server takes it over. The only window for a second copy is a
// crash between the mail server accepting the email and the job being
// marked sent, and that copy has the same Message-ID.
//
// Emails carry initials and links, never a pupil's name: mail is not a
// safe place for special-category data. See docs/reminders.md.

// Reminder kinds, the first part of each job's key.
const (
	ReminderDigest = "digest"
	ReminderTrust  = "trust"
	ReminderSoon   = "soon"
	ReminderMissed = "missed"
)

// Timing of reminders.
const (
	// AlertSchoolDays is how many school days before a statutory deadline
	// its alert goes.
	AlertSchoolDays = 5
	// alertHour is the hour (UK time) alerts go on their day.
	alertHour = 7
	// reminderCatchUp is how late a reminder is still planned when no
	// server ran at its time (a weekend outage); later, the next digest
	// covers it.
	reminderCatchUp = 3 * 24 * time.Hour
	// reminderLease is how long a server holds a job it is sending before
	// another may take it over.
	reminderLease = 2 * time.Minute
	// reminderAttempts bounds the tries of one email (about 10 hours).
	reminderAttempts = 8
	// reminderKeep is how long a finished job is kept: longer than any
	// planning window, so that it is never planned again.
	reminderKeep = 40 * 24 * time.Hour
	// UnsubscribePath is where an unsubscribe link leads, before its token.
	UnsubscribePath = "/ui/unsubscribe/"
)

// WeeklyTime is a time of the week in the UK (Europe/London).
type WeeklyTime struct {
	Day          time.Weekday
	Hour, Minute int
}

// DefaultDigestAt is when the weekly emails go: Monday 07:00.
var DefaultDigestAt = WeeklyTime{Day: time.Monday, Hour: 7}

// ParseWeeklyTime reads a weekly time such as "Mon 07:00".
func ParseWeeklyTime(s string) (WeeklyTime, error) {
	day, clock, ok := strings.Cut(strings.TrimSpace(s), " ")
	t, err := time.Parse("15:04", strings.TrimSpace(clock))
	if !ok || err != nil {
		return WeeklyTime{}, fmt.Errorf("%q is not a day and a time such as \"Mon 07:00\"", s)
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(day, d.String()[:3]) || strings.EqualFold(day, d.String()) {
			return WeeklyTime{Day: d, Hour: t.Hour(), Minute: t.Minute()}, nil
		}
	}
	return WeeklyTime{}, fmt.Errorf("%q: %q is not a day of the week", s, day)
}

// last is the latest such time at or before now.
func (w WeeklyTime) last(now time.Time) time.Time {
	l := now.In(civil.London)
	t := time.Date(l.Year(), l.Month(), l.Day(), w.Hour, w.Minute, 0, 0, civil.London)
	t = t.AddDate(0, 0, -((int(l.Weekday()) - int(w.Day) + 7) % 7))
	if t.After(now) {
		t = t.AddDate(0, 0, -7)
	}
	return t
}

type reminderSettings struct {
	digestAt WeeklyTime
	server   string

	mu     sync.Mutex
	secret []byte // signs unsubscribe links; fetched once
}

func newReminderSettings(at WeeklyTime, server string) reminderSettings {
	if at == (WeeklyTime{}) {
		at = DefaultDigestAt
	}
	if server == "" {
		server = NewID()
	}
	return reminderSettings{digestAt: at, server: server}
}

// reminderStats counts what this server did with reminders; pending is
// the whole schedule's count at its last run (the same on every server).
type reminderStats struct {
	sent, failed, retried, pending atomic.Int64
}

// ReminderCounts is a reading of the reminder counters.
type ReminderCounts struct {
	// Sent and Failed (given up after every try) count emails; Retried
	// counts SMTP failures that will be tried again.
	Sent, Failed, Retried int64
	// Pending is the number of reminders planned and not yet sent.
	Pending int64
}

// ReminderCounts reads this server's reminder counters.
func (s *Service) ReminderCounts() ReminderCounts {
	return ReminderCounts{Sent: s.stats.sent.Load(), Failed: s.stats.failed.Load(),
		Retried: s.stats.retried.Load(), Pending: s.stats.pending.Load()}
}

// Job states.
const (
	jobPending = "pending"
	jobSending = "sending"
	jobSent    = "sent"
	jobFailed  = "failed"
	// jobSkipped: nothing to say when its time came (the deadline was met,
	// nothing was due, the person unsubscribed).
	jobSkipped = "skipped"
)

// reminderJob is a job's state in the schedule. It names people and
// pupils by id only.
type reminderJob struct {
	Kind   string `json:"kind"`
	UserID string `json:"user_id"`
	// The deadline an alert is about.
	PupilID   string     `json:"pupil_id,omitempty"`
	Milestone string     `json:"milestone,omitempty"`
	From      string     `json:"from,omitempty"`
	DueOn     civil.Date `json:"due_on,omitempty"`
	// At is when it is to go.
	At       time.Time `json:"at"`
	State    string    `json:"state"`
	Attempts int       `json:"attempts"`
	// Next is when a pending job is tried again, or when a sending one's
	// lease lapses.
	Next   time.Time `json:"next"`
	Server string    `json:"server,omitempty"`
	// Error says why the last try failed, in general words (the SMTP
	// server's own answer can hold an address).
	Error string    `json:"error,omitempty"`
	Done  time.Time `json:"done,omitempty"`
}

// RunReminders plans the reminders that are due and sends those whose
// time has come. Every server calls it every minute or so; the schedule
// makes each email go once.
//
// Errors: ErrUnavailable (the schedule or the views could not be read),
// or a count of emails that failed (they are tried again).
func (s *Service) RunReminders(ctx context.Context) error {
	if s.mailer == nil {
		return nil
	}
	return errors.Join(s.planReminders(ctx), s.sendReminders(ctx))
}

// planReminders creates the jobs due by now: this week's digests and trust
// summaries once their time has come, and the alerts of each statutory
// deadline 5 school days before it and the day after it is missed.
func (s *Service) planReminders(ctx context.Context) error {
	now := s.now()
	slot := s.reminders.digestAt.last(now)
	weekly := now.Sub(slot) < reminderCatchUp
	var errs []error
	plan := func(key string, j reminderJob) {
		j.State, j.Next = jobPending, j.At
		b, err := json.Marshal(j)
		if err == nil {
			err = s.store.PlanJob(ctx, key, b)
		}
		if err != nil && !errors.Is(err, eventlog.ErrJobExists) {
			errs = append(errs, err)
		}
	}
	week := civil.Today(slot).String()
	for _, u := range s.dir.Users(user.SENCO) {
		if !u.MaySignIn() {
			continue
		}
		if weekly && u.ChosenReminders().Digest {
			plan(jobKey(ReminderDigest, u.ID, week), reminderJob{Kind: ReminderDigest, UserID: u.ID, At: slot})
		}
		if u.ChosenReminders().Alerts {
			if err := s.planAlerts(ctx, u, now, plan); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if weekly {
		for _, u := range s.dir.Users(user.TrustLead) {
			if u.MaySignIn() && u.ChosenReminders().TrustSummary {
				plan(jobKey(ReminderTrust, u.ID, week), reminderJob{Kind: ReminderTrust, UserID: u.ID, At: slot})
			}
		}
	}
	return errors.Join(errs...)
}

// planAlerts plans the alerts of SENCO u's pupils' statutory deadlines:
// the day one is AlertSchoolDays school days away, and the day after it
// was missed (each up to reminderCatchUp late).
func (s *Service) planAlerts(ctx context.Context, u user.User, now time.Time, plan func(string, reminderJob)) error {
	today := civil.Today(now)
	due, err := s.Due(ctx, u, DueQuery{Within: 10})
	if err != nil {
		return fmt.Errorf("alerts of %s: %w", u.ID, err)
	}
	lateBy := int(reminderCatchUp / (24 * time.Hour))
	for _, it := range due.Items {
		if !it.Statutory() {
			continue
		}
		kind, day := ReminderSoon, it.DueOn.SchoolDaysBefore(AlertSchoolDays)
		if it.Overdue {
			kind, day = ReminderMissed, it.DueOn.AddDays(1)
		}
		if today.Before(day) || day.DaysUntil(today) >= lateBy {
			continue
		}
		y, m, d := day.Parts()
		at := time.Date(y, m, d, alertHour, 0, 0, 0, civil.London)
		plan(jobKey(kind, u.ID, it.PupilID, it.Kind, it.From, it.DueOn.String()),
			reminderJob{Kind: kind, UserID: u.ID, PupilID: it.PupilID, Milestone: it.Kind, From: it.From, DueOn: it.DueOn, At: at})
	}
	return nil
}

// jobKey joins parts into a key the bucket accepts ("-" for an empty part).
func jobKey(parts ...string) string {
	for i, p := range parts {
		if p == "" {
			p = "-"
		}
		parts[i] = strings.Map(func(r rune) rune {
			if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
				return r
			}
			return '_'
		}, p)
	}
	return strings.Join(parts, ".")
}

// sendReminders sends each job whose time has come, tidies finished ones
// away after reminderKeep, and counts what is still pending.
func (s *Service) sendReminders(ctx context.Context) error {
	jobs, err := s.store.Jobs(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	var pending, failed int64
	var errs []error
	for _, j := range jobs {
		var jb reminderJob
		if err := json.Unmarshal(j.Value, &jb); err != nil {
			errs = append(errs, fmt.Errorf("job %s: %w", j.Key, err))
			continue
		}
		switch {
		case jb.State == jobPending && !jb.At.After(now) && !jb.Next.After(now),
			jb.State == jobSending && jb.Next.Before(now): // its server stopped mid-send
			if jb, err = s.sendReminder(ctx, j, jb, now); err != nil {
				errs = append(errs, err)
			}
			if jb.State == jobPending && jb.Attempts > 0 {
				failed++
			}
		case jb.State != jobPending && jb.State != jobSending && now.Sub(jb.At) > reminderKeep:
			if err := s.store.DropJob(ctx, j.Key, j.Revision); err != nil && !errors.Is(err, eventlog.ErrJobMoved) {
				errs = append(errs, err)
			}
		}
		if jb.State == jobPending || jb.State == jobSending {
			pending++
		}
	}
	s.stats.pending.Store(pending)
	if failed > 0 {
		errs = append(errs, fmt.Errorf("%d reminder emails could not be sent; they will be tried again", failed))
	}
	return errors.Join(errs...)
}

// sendReminder takes job j, sends it and records how that went. Taking it
// fails quietly when another server took it first.
func (s *Service) sendReminder(ctx context.Context, j eventlog.Job, jb reminderJob, now time.Time) (reminderJob, error) {
	jb.State, jb.Server, jb.Next = jobSending, s.reminders.server, now.Add(reminderLease)
	jb.Attempts++
	rev, err := s.updateJob(ctx, j.Key, jb, j.Revision)
	if err != nil {
		if errors.Is(err, eventlog.ErrJobMoved) {
			return reminderJob{State: jobSending}, nil // another server has it
		}
		return jb, err
	}
	msg, ok, err := s.composeReminder(ctx, j.Key, jb)
	switch {
	case err != nil:
		jb.Error = "the reminder could not be composed: the views did not answer"
	case !ok:
		jb.State, jb.Done = jobSkipped, now
	default:
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = s.mailer.Send(sctx, msg)
		cancel()
		if err == nil {
			jb.State, jb.Done, jb.Error = jobSent, now, ""
			s.stats.sent.Add(1)
		} else {
			jb.Error = "the mail server could not be reached or refused the email"
		}
	}
	if err != nil {
		jb.State, jb.Next = jobPending, now.Add(retryAfter(jb.Attempts))
		if jb.Attempts >= reminderAttempts {
			jb.State, jb.Done = jobFailed, now
			s.stats.failed.Add(1)
		} else {
			s.stats.retried.Add(1)
		}
	}
	if _, err := s.updateJob(ctx, j.Key, jb, rev); err != nil && !errors.Is(err, eventlog.ErrJobMoved) {
		return jb, err
	}
	return jb, nil
}

func (s *Service) updateJob(ctx context.Context, key string, jb reminderJob, rev uint64) (uint64, error) {
	b, err := json.Marshal(jb)
	if err != nil {
		return 0, fmt.Errorf("encode job: %w", err)
	}
	return s.store.UpdateJob(ctx, key, b, rev)
}

// retryAfter is the wait before try n+1 of an email.
func retryAfter(n int) time.Duration {
	waits := []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}
	if n-1 < len(waits) {
		return waits[max(n-1, 0)]
	}
	return 3 * time.Hour
}

// composeReminder writes job jb's email, from the record as it is now; ok
// is false when there is nothing to say.
func (s *Service) composeReminder(ctx context.Context, key string, jb reminderJob) (msg mailer.Message, ok bool, err error) {
	u, found := s.dir.User(jb.UserID)
	if !found || !u.MaySignIn() || u.Email == "" {
		return msg, false, nil
	}
	var subject, body string
	switch jb.Kind {
	case ReminderDigest:
		if !u.ChosenReminders().Digest {
			return msg, false, nil
		}
		subject, body, err = s.digest(ctx, u, jb.At)
	case ReminderTrust:
		if !u.ChosenReminders().TrustSummary {
			return msg, false, nil
		}
		subject, body, err = s.trustSummary(ctx, u, jb.At)
	case ReminderSoon, ReminderMissed:
		if !u.ChosenReminders().Alerts {
			return msg, false, nil
		}
		subject, body, err = s.alert(ctx, u, jb)
	}
	if err != nil || body == "" {
		return msg, false, err
	}
	unsub, err := s.unsubscribeURL(ctx, u.ID)
	if err != nil {
		return msg, false, err
	}
	body += fmt.Sprintf("\nChoose which emails you get: %s/ui/reminders\nStop all these emails: %s\n", s.publicURL, unsub)
	sum := sha256.Sum256([]byte(key))
	return mailer.Message{To: u.Email, Subject: subject, Body: body, ID: hex.EncodeToString(sum[:16]) + "@sendcase",
		Unsubscribe: unsub}, true, nil
}

// digest is a SENCO's weekly email: everything overdue and due in the
// coming week, by initials, each with its link. Nothing due: no email.
func (s *Service) digest(ctx context.Context, u user.User, at time.Time) (subject, body string, err error) {
	due, err := s.Due(ctx, u, DueQuery{Within: 7})
	if err != nil || len(due.Items) == 0 {
		return "", "", err
	}
	var overdue, coming []projections.DueItem
	for _, it := range due.Items {
		if it.Overdue {
			overdue = append(overdue, it)
		} else {
			coming = append(coming, it)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Your SEND deadlines for the week from %s: %s overdue, %s due by %s.\n",
		longDate(civil.Today(at)), count(len(overdue), "thing", "things"), count(len(coming), "thing", "things"), longDate(due.AsOf.AddDays(7)))
	many := len(due.Schools) > 1
	for _, part := range []struct {
		head  string
		items []projections.DueItem
	}{{"Overdue", overdue}, {"Due this week", coming}} {
		if len(part.items) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", part.head)
		for _, it := range part.items {
			b.WriteString(s.dueLine(it, many))
		}
	}
	fmt.Fprintf(&b, "\nThe whole list: %s/ui/due\n", s.publicURL)
	return fmt.Sprintf("sendcase: %d overdue, %d due this week", len(overdue), len(coming)), b.String(), nil
}

// dueLine is one deadline in an email: initials, what, when, why, link.
func (s *Service) dueLine(it projections.DueItem, withSchool bool) string {
	when := ", due " + longDate(it.DueOn)
	switch {
	case !it.Dated():
		when = "" // a state, as of today
	case it.Overdue:
		when = fmt.Sprintf(", was due %s (%s ago)", longDate(it.DueOn), count(-it.Days, "day", "days"))
	}
	school := ""
	if withSchool {
		if sch, _, ok := s.dir.School(it.SchoolID); ok {
			school = ", " + sch.Name
		}
	}
	line := fmt.Sprintf("- %s%s: %s%s\n", s.whose(it), school, it.What(), when)
	if it.Basis != "" {
		line += "  " + it.Basis + "\n"
	}
	return line + "  " + s.itemLink(it) + "\n"
}

// itemLink is the address of the page that closes a due line.
func (s *Service) itemLink(it projections.DueItem) string {
	return s.publicURL + it.Link()
}

// trustSummary is a trust lead's weekly email: for each school, how many
// deadlines are overdue and due this week, and how many are statutory.
func (s *Service) trustSummary(ctx context.Context, u user.User, at time.Time) (subject, body string, err error) {
	due, err := s.Due(ctx, u, DueQuery{Within: 7})
	if err != nil || len(due.Items) == 0 { // nothing due: no email
		return "", "", err
	}
	tallies, all := due.BySchool()
	var b strings.Builder
	fmt.Fprintf(&b, "SEND deadlines across the trust for the week from %s: %s overdue (%d of them statutory), %s due by %s.\n\n",
		longDate(civil.Today(at)), count(all.Overdue, "thing", "things"), all.StatutoryOverdue, count(all.Coming, "thing", "things"), longDate(due.AsOf.AddDays(7)))
	for _, t := range tallies {
		fmt.Fprintf(&b, "- %s: %d overdue (%d statutory), %d due this week\n  %s/ui/due?school=%s\n", t.School.Name, t.Overdue, t.StatutoryOverdue, t.Coming, s.publicURL, t.School.ID)
	}
	return fmt.Sprintf("sendcase: the trust's week, %d overdue", all.Overdue), b.String(), nil
}

// alert is the email about one statutory deadline, if it is still as the
// job found it (not met since, not moved).
func (s *Service) alert(ctx context.Context, u user.User, jb reminderJob) (subject, body string, err error) {
	due, err := s.Due(ctx, u, DueQuery{Within: 10})
	if err != nil {
		return "", "", err
	}
	for _, it := range due.Items {
		if it.PupilID != jb.PupilID || it.Kind != jb.Milestone || it.From != jb.From || it.DueOn != jb.DueOn || it.Overdue != (jb.Kind == ReminderMissed) {
			continue
		}
		who := initials(it.Name)
		if jb.Kind == ReminderMissed {
			return "sendcase: a statutory deadline was missed",
				fmt.Sprintf("A statutory deadline for %s was missed: %s was due %s.\n%s\n\nRecord it when it is done: %s\n", who, it.What(), longDate(it.DueOn), it.Basis, s.itemLink(it)), nil
		}
		return fmt.Sprintf("sendcase: a statutory deadline in %d school days", AlertSchoolDays),
			fmt.Sprintf("A statutory deadline for %s is %d school days away: %s is due %s.\n%s\n\nRecord it when it is done: %s\n", who, AlertSchoolDays, it.What(), longDate(it.DueOn), it.Basis, s.itemLink(it)), nil
	}
	return "", "", nil
}

func longDate(d civil.Date) string { return d.Time().Format("Monday 2 January 2006") }

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// unsubscribeURL is user id's one-click unsubscribe address: the id and
// an HMAC of it under the schedule's secret, so that it works for as long
// as the person has an account and needs nothing stored.
func (s *Service) unsubscribeURL(ctx context.Context, id string) (string, error) {
	mac, err := s.unsubscribeMAC(ctx, id)
	if err != nil {
		return "", err
	}
	return s.publicURL + UnsubscribePath + id + "." + mac, nil
}

func (s *Service) unsubscribeMAC(ctx context.Context, id string) (string, error) {
	s.reminders.mu.Lock()
	defer s.reminders.mu.Unlock()
	if s.reminders.secret == nil {
		secret, err := s.store.Secret(ctx, "unsubscribe")
		if err != nil {
			return "", err
		}
		s.reminders.secret = secret
	}
	h := hmac.New(sha256.New, s.reminders.secret)
	h.Write([]byte("unsubscribe\x00" + id))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)), nil
}

// Unsubscriber answers whose unsubscribe link token is.
//
// Errors: ErrNotFound (no such link), ErrUnavailable.
func (s *Service) Unsubscriber(ctx context.Context, token string) (user.User, error) {
	id, mac, _ := strings.Cut(token, ".")
	want, err := s.unsubscribeMAC(ctx, id)
	if err != nil {
		return user.User{}, err
	}
	u, ok := s.dir.User(id)
	if !ok || !hmac.Equal([]byte(mac), []byte(want)) {
		return user.User{}, domain.NotFound("unsubscribe link")
	}
	return u, nil
}

// Unsubscribe stops every reminder email of the person whose unsubscribe
// link token is. It is recorded as their own choice.
//
// Errors: as Unsubscriber.
func (s *Service) Unsubscribe(ctx context.Context, token string) (Result, error) {
	u, err := s.Unsubscriber(ctx, token)
	if err != nil {
		return Result{}, err
	}
	return s.ChooseReminders(ctx, u, CommandOptions{}, user.NoReminders)
}

// ChooseReminders records which reminder emails u wants (what their role
// is not offered stays off: user.ChooseReminders).
//
// Errors: ErrUnavailable.
func (s *Service) ChooseReminders(ctx context.Context, u user.User, o CommandOptions, r user.Reminders) (Result, error) {
	res, err := execute(ctx, s.users, u.ID, s.request(u, o, "ChooseReminders", u.ID), func(t *user.User) (decision[*user.User, Result], error) {
		evs, err := t.ChooseReminders(r, s.Today())
		return decision[*user.User, Result]{events: evs, answer: answerID[*user.User](u.ID)}, err
	})
	if err == nil {
		err = s.awaitDirectory(ctx, res.Seq)
	}
	return res, err
}

// ReminderChoice is which reminder emails a person has chosen, which
// their role is offered, and whether this service sends email at all.
type ReminderChoice struct {
	Chosen  user.Reminders `json:"chosen"`
	Offered user.Reminders `json:"offered"`
	// Email: the service has a mail server; without one nothing is sent.
	Email bool `json:"email"`
	// Weekly says when the weekly emails go ("Mondays at 07:00", UK time).
	Weekly string `json:"weekly"`
}

// RemindersOf answers u's choice of reminder emails.
func (s *Service) RemindersOf(u user.User) ReminderChoice {
	now, ok := s.dir.User(u.ID)
	if !ok {
		now = u
	}
	w := s.reminders.digestAt
	return ReminderChoice{Chosen: now.ChosenReminders(), Offered: u.Role.Offered(), Email: s.mailer != nil,
		Weekly: fmt.Sprintf("%ss at %02d:%02d", w.Day, w.Hour, w.Minute)}
}
