package node

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/httpx"
)

// remind works through the reminder schedule every interval until ctx
// ends. The schedule is shared by every server (see app/reminders.go):
// this loop only says when to look, so several servers send each email
// once and a server that was down catches up when it starts.
func (n *Node) remind(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := n.Service.RunReminders(ctx); err != nil && ctx.Err() == nil {
			// The error says how many and why in general words: no
			// address or pupil is named.
			n.log.Warn("reminders", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// registerReminderMetrics exposes the reminder counters: emails sent and
// given up on by this server, SMTP failures to be retried, and the
// schedule's pending count (the same on every server: take the max, not
// the sum).
func registerReminderMetrics(stack *httpx.Stack, svc *app.Service) {
	counter := func(name, help string, read func(app.ReminderCounts) int64) {
		stack.Register(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(read(svc.ReminderCounts())) }))
	}
	counter("sendcase_reminders_sent_total", "Reminder emails this server sent.", func(c app.ReminderCounts) int64 { return c.Sent })
	counter("sendcase_reminders_failed_total", "Reminder emails this server gave up on after every try (alert when it rises).", func(c app.ReminderCounts) int64 { return c.Failed })
	counter("sendcase_reminders_retried_total", "Reminder emails the SMTP server refused or could not take, to be tried again.", func(c app.ReminderCounts) int64 { return c.Retried })
	stack.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "sendcase_reminders_pending",
		Help: "Reminder emails planned and not yet sent, across every server (the same on each: take the max).",
	}, func() float64 { return float64(svc.ReminderCounts().Pending) }))
}
