package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/domain/event"
	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/natstest"
	"github.com/sendcase/sendcase/internal/pgtest"
)

// copyStream copies the event stream of the data in src into a new data
// directory, passing each message through edit, which may change it or
// drop it (nil). It returns the new directory.
func copyStream(t *testing.T, src string, edit func(subject string, data []byte) []byte) string {
	t.Helper()
	ctx := context.Background()
	_, from := natstest.Embedded(t, src)
	dst := t.TempDir()
	to, ncTo := natstest.Embedded(t, dst)
	_ = to
	js, err := jetstream.New(from)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.Stream(ctx, eventstore.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := stream.Info(ctx)
	target, err := eventstore.Open(ctx, ncTo, eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	for seq := uint64(1); seq <= info.State.LastSeq; seq++ {
		m, err := stream.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		data := edit(m.Subject, m.Data)
		if data == nil {
			// Keep sequence numbers aligned with the original.
			data = []byte(`{"aggregate":"none","aggregate_id":"none","events":[]}`)
			m.Subject = "sendcase.none.deleted"
		}
		if _, err := target.JetStream().Publish(ctx, m.Subject, data); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// scenarioForAudit writes a pupil with a few events and stops the node.
func scenarioForAudit(t *testing.T, db string) (dir, pupilID, token string) {
	e := startWith(t, "", db)
	w := e.world(t)
	id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, named(pupilBody(newUPN()), "Ada", "Ashby")).str("id")
	e.planned(t, w.sencoA, id, "2025-12-12", map[string]any{"provision_id": w.provision, "sessions_per_week": 1, "minutes_per_session": 30, "group_size": 2})
	if v := e.must(t, 200, "GET", "/v1/pupils/"+id+"/audit/verify", w.sencoA, nil); v.Body["ok"] != true {
		t.Fatalf("untampered: %s", v.Raw)
	}
	e.stop()
	return e.dir, id, w.sencoA
}

func TestTamperedCopyFailsVerification(t *testing.T) {
	dir, id, token := scenarioForAudit(t, "")
	pupilSubject := eventlog.Subject("pupil", id)
	tests := []struct {
		name    string
		edit    func(subject string, data []byte) []byte
		version int
	}{
		{"an edited need", func(subject string, data []byte) []byte {
			return bytes.Replace(data, []byte(`"primary_need":"SLCN"`), []byte(`"primary_need":"SEMH"`), 1)
		}, 1},
		{"an edited encrypted name", func(subject string, data []byte) []byte {
			return bytes.Replace(data, []byte(`"first_name":"enc:v1:`), []byte(`"first_name":"enc:v1:A`), 1)
		}, 1},
		{"a deleted event", func() func(string, []byte) []byte {
			n := 0
			return func(subject string, data []byte) []byte {
				if subject == pupilSubject {
					if n++; n == 2 {
						return nil
					}
				}
				return data
			}
		}(), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := start(t, copyStream(t, dir, tt.edit))
			v := e.must(t, 200, "GET", "/v1/pupils/"+id+"/audit/verify", token, nil)
			got := as[verification](t, v)
			if got.OK || got.Problem == nil || got.Problem.Version != tt.version {
				t.Fatalf("verify on the tampered copy: %s", v.Raw)
			}
		})
	}
}

// TestRewrittenChainFailsAgainstAnchors: an attacker who rewrites an event
// and recomputes every hash after it leaves a chain that verifies on its
// own; the anchors PostgreSQL recorded when the events were applied still
// catch it.
func TestRewrittenChainFailsAgainstAnchors(t *testing.T) {
	db := pgtest.URL(t)
	dir, id, token := scenarioForAudit(t, db)
	pupilSubject := eventlog.Subject("pupil", id)
	prev := ""
	copyDir := copyStream(t, dir, func(subject string, data []byte) []byte {
		if subject != pupilSubject {
			return data
		}
		var c event.Commit
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatal(err)
		}
		for i := range c.Events {
			ev := &c.Events[i]
			ev.Raw = bytes.Replace(ev.Raw, []byte(`"primary_need":"SLCN"`), []byte(`"primary_need":"SEMH"`), 1)
			if err := event.Seal(id, prev, ev); err != nil {
				t.Fatal(err)
			}
			prev = ev.Hash
		}
		out, _ := json.Marshal(c)
		return out
	})
	e := startWith(t, copyDir, db)
	v := e.must(t, 200, "GET", "/v1/pupils/"+id+"/audit/verify", token, nil)
	if v.Body["ok"] != false {
		t.Fatalf("a consistently rewritten chain verified: %s", v.Raw)
	}
}
