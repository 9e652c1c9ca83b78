package user

import (
	"testing"

	"github.com/sendcase/sendcase/domain/civil"
	"github.com/sendcase/sendcase/domain/event"
)

func TestReminderChoices(t *testing.T) {
	choose := func(u User, r Reminders) User {
		evs, err := u.ChooseReminders(r, civil.Date(1))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range evs {
			u.Apply(event.Event{Version: u.Version + 1, Data: d})
		}
		return u
	}
	senco := User{ID: "s", Role: SENCO, Version: 1}
	lead := User{ID: "l", Role: TrustLead, Version: 1}
	for _, tc := range []struct {
		name                        string
		u                           User
		digest, alerts, trustSumary bool
	}{
		{"a SENCO who never chose has the SENCO's emails", senco, true, true, false},
		{"a trust lead who never chose has the trust summary", lead, false, false, true},
		{"a SENCO who chose alerts only", choose(senco, Reminders{Alerts: true}), false, true, false},
		{"unsubscribed", choose(senco, NoReminders), false, false, false},
		{"a trust lead cannot choose a SENCO's digest", choose(lead, Reminders{Digest: true, TrustSummary: true}), false, false, true},
		{"deactivated", User{ID: "d", Role: SENCO, Version: 1, Deactivated: true}, false, false, false},
		{"an LA reviewer has none", User{ID: "r", Role: LAReviewer, Version: 1}, false, false, false},
	} {
		r := tc.u.ChosenReminders()
		got := [3]bool{r.Digest, r.Alerts, r.TrustSummary}
		if want := [3]bool{tc.digest, tc.alerts, tc.trustSumary}; got != want {
			t.Errorf("%s: digest, alerts, trust summary = %v, want %v", tc.name, got, want)
		}
	}
	off := choose(senco, NoReminders)
	if evs, _ := off.ChooseReminders(NoReminders, 1); len(evs) != 0 {
		t.Errorf("the same choice again recorded %v", evs)
	}
}
