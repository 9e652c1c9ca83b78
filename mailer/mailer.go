// Package mailer sends sendcase's email (invitations, reminders) over SMTP with
// github.com/wneessen/go-mail, configured by one URL.
package mailer

import (
	"context"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP sends mail through one server.
type SMTP struct {
	host string
	opts []gomail.Option
	from string
}

// New returns a mailer for smtpURL, sending from from.
//
// smtpURL is smtp://[user:password@]host[:port] (STARTTLS when the
// server offers it; ?tls=required refuses to send without it, ?tls=none
// never asks) or smtps://... (TLS from the start, port 465).
func New(smtpURL, from string) (*SMTP, error) {
	u, err := url.Parse(smtpURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("SENDCASE_SMTP_URL is not an smtp:// or smtps:// URL")
	}
	if _, err := mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("SENDCASE_MAIL_FROM %q is not an email address", from)
	}
	opts := []gomail.Option{gomail.WithTimeout(20 * time.Second)}
	port := 587
	switch u.Scheme {
	case "smtp":
		switch u.Query().Get("tls") {
		case "", "opportunistic":
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
		case "required":
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		case "none":
			opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		default:
			return nil, fmt.Errorf("SENDCASE_SMTP_URL: tls is opportunistic, required or none")
		}
	case "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("SENDCASE_SMTP_URL: the scheme is smtp or smtps, not %q", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SENDCASE_SMTP_URL: port %q", p)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pw))
	}
	return &SMTP{host: u.Hostname(), opts: opts, from: from}, nil
}

// Message is a plain-text email.
type Message struct {
	To, Subject, Body string
	// ID, when set, is the Message-ID: the same email sent again (after a
	// crash between the server accepting it and sendcase recording that)
	// carries the same ID, which mail programs show once.
	ID string
	// Unsubscribe, when set, is a one-click unsubscribe address (RFC 8058):
	// mail programs offer it beside the sender.
	Unsubscribe string
}

// Send sends msg. It dials for each message: emails are few, and a
// long-lived connection would only time out between them.
func (m *SMTP) Send(ctx context.Context, msg Message) error {
	gm := gomail.NewMsg()
	if err := gm.From(m.from); err != nil {
		return fmt.Errorf("from: %w", err)
	}
	if err := gm.To(msg.To); err != nil {
		return fmt.Errorf("to: %w", err)
	}
	gm.Subject(msg.Subject)
	gm.SetBodyString(gomail.TypeTextPlain, msg.Body)
	if msg.ID != "" {
		gm.SetMessageIDWithValue(msg.ID)
	}
	if msg.Unsubscribe != "" {
		gm.SetGenHeader("List-Unsubscribe", "<"+msg.Unsubscribe+">")
		gm.SetGenHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	c, err := gomail.NewClient(m.host, m.opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, gm); err != nil {
		return fmt.Errorf("send mail: %w", err)
	}
	return nil
}
