package api_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/internal/mailtest"
	"github.com/sendcase/sendcase/internal/node"
	"github.com/sendcase/sendcase/mailer"
)

var invitationLink = regexp.MustCompile(`https?://\S+/ui/invitations/[A-Za-z0-9_-]+`)

// TestInvitations: without mail the inviter is answered the link, once;
// with SMTP the person is emailed it, with nothing personal in the body.
// The link opens the passkey page; an unknown one does not.
func TestInvitations(t *testing.T) {
	t.Run("no mail: the link is answered", func(t *testing.T) {
		e := startPublic(t, func(string) node.Config { return node.Config{} })
		w := e.world(t)
		rae := w.reviewerID
		inv := e.must(t, 201, "POST", "/v1/users/"+rae+"/invitations", adminToken, nil)
		link := inv.str("link")
		if !strings.HasPrefix(link, e.srv.URL+"/ui/invitations/") || inv.Body["emailed"] != false {
			t.Fatalf("invitation: %s", inv.Raw)
		}
		if strings.Contains(e.logs.String(), strings.TrimPrefix(link, e.srv.URL+"/ui/invitations/")) {
			t.Fatal("the link is in the logs")
		}
		b := e.anonymous(t)
		if code, page := b.get(strings.TrimPrefix(link, e.srv.URL)); code != 200 || !strings.Contains(page, "Set up your passkey") || !strings.Contains(page, "Rae Reviewer") {
			t.Fatalf("invitation page: %d", code)
		}
		if code, _ := b.get("/ui/invitations/" + strings.Repeat("x", 43)); code != http.StatusNotFound {
			t.Fatalf("unknown invitation: %d", code)
		}
		// A deactivated person's link stops working, and nobody invites them.
		e.must(t, 200, "POST", "/v1/users/"+rae+"/deactivate", adminToken, nil)
		if code, _ := b.get(strings.TrimPrefix(link, e.srv.URL)); code != http.StatusNotFound {
			t.Fatalf("deactivated person's invitation: %d", code)
		}
		e.must(t, 409, "POST", "/v1/users/"+rae+"/invitations", adminToken, nil)
		// A lead invites their own trust's people only.
		sam := e.must(t, 200, "GET", "/v1/me", w.sencoA, nil).str("id")
		e.must(t, 201, "POST", "/v1/users/"+sam+"/invitations", w.lead, nil)
		e.must(t, 403, "POST", "/v1/users/"+sam+"/invitations", w.otherLead, nil)
		e.must(t, 403, "POST", "/v1/users/"+sam+"/invitations", w.sencoB, nil)
	})

	t.Run("SMTP: the link is emailed", func(t *testing.T) {
		srv := mailtest.Start(t)
		m, err := mailer.New(srv.SMTPURL, "sendcase@oak.org.uk")
		if err != nil {
			t.Fatal(err)
		}
		e := startPublic(t, func(string) node.Config { return node.Config{Mailer: m} })
		w := e.world(t)
		sam := e.must(t, 200, "GET", "/v1/me", w.sencoA, nil).str("id")
		inv := e.must(t, 201, "POST", "/v1/users/"+sam+"/invitations", w.lead, nil)
		if inv.str("link") != "" || inv.Body["emailed"] != true {
			t.Fatalf("invitation: %s", inv.Raw)
		}
		got := srv.Messages(t)
		if len(got) != 1 || got[0].To != "sam@oak.org.uk" {
			t.Fatalf("mail: %+v", got)
		}
		for _, personal := range []string{"Sam", "Senco", "Oak"} {
			if strings.Contains(got[0].Text, personal) || strings.Contains(got[0].Subject, personal) {
				t.Fatalf("the email holds %q:\n%s", personal, got[0].Text)
			}
		}
		link := invitationLink.FindString(got[0].Text)
		if link == "" {
			t.Fatalf("no link in:\n%s", got[0].Text)
		}
		if code, _ := e.anonymous(t).get(strings.TrimPrefix(link, e.srv.URL)); code != 200 {
			t.Fatalf("emailed link: %d", code)
		}
	})
}

// TestFirstAdministrator: a new service, nothing configured, offers its own
// machine to set up the first administrator, and only until there is one.
func TestFirstAdministrator(t *testing.T) {
	e := startPublic(t, func(string) node.Config { return node.Config{AdminToken: noAdmin} })
	b := e.anonymous(t)
	if code, page := b.get("/ui/login"); code != 200 || !strings.Contains(page, "no administrator yet") {
		t.Fatalf("login page: %d", code)
	}
	if code, _ := b.get("/ui/setup"); code != 200 {
		t.Fatalf("setup page: %d", code)
	}
	if res := b.post("/ui/setup", url.Values{"name": {"Alex Admin"}, "email": {"not an email"}}); res.StatusCode != 400 || !strings.Contains(bodyOf(res), `value="Alex Admin"`) {
		t.Fatalf("bad email: %d %s", res.StatusCode, bodyOf(res))
	}
	res := b.post("/ui/setup", url.Values{"name": {"Alex Admin"}, "email": {"alex@oak.org.uk"}})
	to := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(to, "/ui/invitations/") {
		t.Fatalf("setup: %d %s", res.StatusCode, to)
	}
	if code, page := b.get(to); code != 200 || !strings.Contains(page, "Welcome, Alex Admin") {
		t.Fatalf("the passkey page: %d", code)
	}
	if code, _ := b.get("/ui/setup"); code != http.StatusNotFound {
		t.Fatalf("setup once there is an administrator: %d", code)
	}
	if _, page := b.get("/ui/login"); strings.Contains(page, "no administrator yet") {
		t.Fatal("the login page still offers setting up")
	}
}

// TestInvitationsFromARecordExpire: a parent's or a professional's
// invitation, made from a pupil's record, opens for 72 hours and then no
// more; the trust lead sends a new one, which opens.
func TestInvitationsFromARecordExpire(t *testing.T) {
	clock := newTestClock()
	e := startPublic(t, func(string) node.Config { return node.Config{Now: clock.Now} })
	w := e.world(t)
	id := e.pupilBeingHelped(t, w)
	entry := e.adviceAsked(t, w, id)
	invited := map[string]resp{
		"parent": e.must(t, 201, "POST", "/v1/pupils/"+id+"/parents", w.sencoA,
			map[string]any{"name": "Mary Lovelace", "email": "mary@example.org", "relationship": "mother", "parental_responsibility": true}),
		"professional": e.must(t, 201, "POST", "/v1/pupils/"+id+"/professionals", w.sencoA,
			map[string]any{"name": "Dr Eve Psych", "email": "eve@ep.example.org", "advice_entry": entry}),
	}
	b := e.anonymous(t)
	opens := func(link string) (int, string) { return b.get(strings.TrimPrefix(link, e.srv.URL)) }
	for who, inv := range invited {
		if code, page := opens(inv.str("link")); code != 200 || !strings.Contains(page, "Set up your passkey") {
			t.Fatalf("the %s's invitation, new: %d", who, code)
		}
	}
	clock.setDate(t, "2025-11-14") // more than 72 hours after the invitations
	for who, inv := range invited {
		if code, page := opens(inv.str("link")); code != http.StatusNotFound || !strings.Contains(page, "expired or has been used") {
			t.Errorf("the %s's invitation, 3 days on: %d", who, code)
		}
		again := e.must(t, 201, "POST", "/v1/users/"+inv.str("user_id")+"/invitations", w.lead, nil)
		if code, _ := opens(again.str("link")); code != 200 {
			t.Errorf("the %s's new invitation: %d", who, code)
		}
	}
}
