package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sendcase/sendcase/domain"
	"github.com/sendcase/sendcase/domain/ehcp"
	"github.com/sendcase/sendcase/domain/pupil"
)

// FuzzDecode: whatever a client sends, decoding either fills the command or
// answers a 4xx problem; it never panics and never answers 5xx.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{}`, `{"upn":"B801200005001","date_of_birth":"2015-03-04"}`, `{"outcomes":[{"description":1}]}`,
		`{"date_of_birth":12}`, `[`, `{"x":1}`, `{"on":"2025-02-30"}`, "\x00", `{"attended":"yes"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, cmd := range []any{&pupil.Register{}, &pupil.AgreePlan{}, &pupil.LogSession{}, &ehcp.Command{}} {
			req := httptest.NewRequest("POST", "/x", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			if decode(rec, req, cmd) {
				// A decoded command is then validated, which must not panic either.
				_ = domain.Validate(cmd)
				continue
			}
			if rec.Code < 400 || rec.Code >= 500 || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Fatalf("body %q: status %d %s", body, rec.Code, rec.Header().Get("Content-Type"))
			}
		}
		_ = http.StatusOK
	})
}
