package api_test

import (
	"encoding/json"
	"testing"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/domain/pupil"
	"github.com/sendcase/sendcase/httpx"
	"github.com/sendcase/sendcase/importer"
	"github.com/sendcase/sendcase/projections"
)

// as decodes an answer's body into T, so tests read typed fields instead
// of chains of map[string]any.
func as[T any](t *testing.T, r resp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Raw, &v); err != nil {
		t.Fatalf("answer is not a %T: %v: %s", v, err, r.Raw)
	}
	return v
}

// The answers' shapes, as a client reads them.
type (
	pupilAnswer struct {
		pupil.Pupil
		CurrentYearGroup string             `json:"current_year_group"`
		Erased           bool               `json:"erased"`
		Referrals        []app.ReferralView `json:"referrals"`
	}
	auditLine struct {
		Seq        uint64          `json:"seq"`
		Version    int             `json:"version"`
		Type       string          `json:"type"`
		Actor      event.Actor     `json:"actor"`
		Data       map[string]any  `json:"data"`
		StoredData json.RawMessage `json:"stored_data"`
		PrevHash   string          `json:"prev_hash"`
		Hash       string          `json:"hash"`
		LateEntry  bool            `json:"late_entry"`
	}
	auditTrail struct {
		PupilID string      `json:"pupil_id"`
		Events  []auditLine `json:"events"`
	}
	accessLog struct {
		Entries []struct {
			Name, Role, What, At string
		} `json:"entries"`
	}
)

// Typed answers that are the service's own types.
type (
	planAnswer    = app.PlanResult
	caseload      = app.Caseload
	workload      = projections.Workload
	provisionMap  = projections.ProvisionMap
	importReport  = importer.Report
	verification  = app.Verification
	problemAnswer = httpx.Problem
)
