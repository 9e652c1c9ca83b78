package mailer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/internal/mailtest"
	"github.com/sendcase/sendcase/mailer"
)

func TestSendThroughARealServer(t *testing.T) {
	srv := mailtest.Start(t)
	m, err := mailer.New(srv.SMTPURL, "sendcase@oak.org.uk")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), mailer.Message{To: "sam@oak.org.uk", Subject: "Your invitation", Body: "Open this link: https://x.example/1\n"}); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages(t)
	if len(got) != 1 || got[0].To != "sam@oak.org.uk" || got[0].From != "sendcase@oak.org.uk" ||
		got[0].Subject != "Your invitation" || !strings.Contains(got[0].Text, "https://x.example/1") {
		t.Fatalf("got %+v", got)
	}
}

func TestNewRefusesBadSettings(t *testing.T) {
	for _, tc := range []struct{ url, from string }{
		{"http://mail.example", "a@b.uk"},
		{"smtp://", "a@b.uk"},
		{"smtp://mail.example?tls=maybe", "a@b.uk"},
		{"smtp://mail.example:port", "a@b.uk"},
		{"smtp://mail.example", "not an address"},
	} {
		if _, err := mailer.New(tc.url, tc.from); err == nil {
			t.Errorf("New(%q, %q) accepted", tc.url, tc.from)
		}
	}
	if _, err := mailer.New("smtps://user:pw@mail.example", "sendcase <a@b.uk>"); err != nil {
		t.Errorf("smtps: %v", err)
	}
}
