// Package mailtest runs a real SMTP server for tests: mailpit, built as
// this module's Go tool, read back through its HTTP API.
package mailtest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sendcase/sendcase/internal/until"
)

// Server is a running mailpit.
type Server struct {
	// SMTPURL is for SENDCASE_SMTP_URL.
	SMTPURL string
	api     string
}

// Start runs mailpit until the test ends. Without the go command (or the
// tool) it fails under CI=true and skips otherwise.
func Start(t testing.TB) *Server {
	t.Helper()
	out, err := exec.Command("go", "tool", "-n", "mailpit").Output()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mailpit (go tool mailpit): %v", err)
		}
		t.Skipf("mailpit not available: %v", err)
	}
	smtpAddr, httpAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(strings.TrimSpace(string(out)), "--smtp", smtpAddr, "--listen", httpAddr, "--quiet",
		"--database", filepath.Join(t.TempDir(), "mailpit.db"), "--disable-version-check", "--smtp-auth-accept-any", "--smtp-auth-allow-insecure")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	s := &Server{SMTPURL: "smtp://" + smtpAddr + "?tls=none", api: "http://" + httpAddr}
	until.True(t, 30*time.Second, "mailpit answers", func() bool {
		res, err := http.Get(s.api + "/api/v1/messages")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
	return s
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Message is a received email.
type Message struct {
	From, To, Subject, Text string
}

// Messages answers every email received so far, newest first.
func (s *Server) Messages(t testing.TB) []Message {
	t.Helper()
	var list struct {
		Messages []struct {
			ID string `json:"ID"`
		} `json:"messages"`
	}
	get(t, s.api+"/api/v1/messages", &list)
	var out []Message
	for _, m := range list.Messages {
		var full struct {
			From    struct{ Address string }   `json:"From"`
			To      []struct{ Address string } `json:"To"`
			Subject string                     `json:"Subject"`
			Text    string                     `json:"Text"`
		}
		get(t, s.api+"/api/v1/message/"+m.ID, &full)
		msg := Message{From: full.From.Address, Subject: full.Subject, Text: full.Text}
		for _, to := range full.To {
			msg.To += to.Address
		}
		out = append(out, msg)
	}
	return out
}

func get(t testing.TB, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("mailpit %s: %d", url, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(fmt.Errorf("mailpit %s: %w", url, err))
	}
}
