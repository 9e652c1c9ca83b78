package api_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/sendcase/sendcase/eventstore"
)

// TestBackupAndRestore restores a backup into an empty server and checks
// every pupil's audit chain, the views and the UPN claims there.
func TestBackupAndRestore(t *testing.T) {
	e := start(t, "")
	w := e.world(t)
	var ids []string
	u := newUPN()
	for i := range 4 {
		body := pupilBody(newUPN())
		if i == 0 {
			body = pupilBody(u)
		}
		id := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, body, "Idempotency-Key", "reg-"+u+string(rune('a'+i))).str("id")
		e.planned(t, w.sencoA, id, "2025-12-12", map[string]any{"provision_id": w.provision, "sessions_per_week": 2, "minutes_per_session": 30, "group_size": 4})
		ids = append(ids, id)
	}
	before := e.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/workload?min_seq="+strconv.FormatUint(e.lastSeq(t), 10), w.lead, nil)
	var buf bytes.Buffer
	st, err := e.node.Store.Backup(context.Background(), &buf)
	if err != nil || st.Messages != e.lastSeq(t) || st.Claims != 4 || st.Keys != 4 {
		t.Fatalf("backup: %+v %v", st, err)
	}
	e.stop()

	// Restore into an empty server.
	dir := t.TempDir()
	emb, err := eventstore.StartEmbedded(eventstore.EmbeddedOptions{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	nc, err := emb.Connect("restore")
	if err != nil {
		t.Fatal(err)
	}
	s, err := eventstore.Open(context.Background(), nc, eventstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	backup := buf.Bytes()
	if _, err := s.Restore(context.Background(), bytes.NewReader(backup)); err != nil {
		t.Fatal(err)
	}
	// A second restore into the same server is refused.
	if _, err := s.Restore(context.Background(), bytes.NewReader(backup)); !errors.Is(err, eventstore.ErrNotEmpty) {
		t.Fatalf("restore into a non-empty server: %v", err)
	}
	s.Close()
	nc.Close()
	emb.Shutdown()

	r := start(t, dir)
	after := r.must(t, 200, "GET", "/v1/trusts/"+w.trust+"/workload?min_seq="+strconv.FormatUint(r.lastSeq(t), 10), w.lead, nil)
	if string(after.Raw) != string(before.Raw) {
		t.Fatalf("workload differs after restore:\n%s\n%s", before.Raw, after.Raw)
	}
	for _, id := range ids {
		// The keys came back with the events: the pupils' names still read.
		if p := r.must(t, 200, "GET", "/v1/pupils/"+id, w.sencoA, nil); p.str("first_name") != "Ada" || p.Body["erased"] != false {
			t.Fatalf("pupil %s after restore: %s", id, p.Raw)
		}
		v := r.must(t, 200, "GET", "/v1/pupils/"+id+"/audit/verify", w.sencoA, nil)
		if v.Body["ok"] != true || v.num("events") != 4 {
			t.Fatalf("audit of %s after restore: %s", id, v.Raw)
		}
	}
	// The claims came back: the UPN is still taken, and idempotent retries still answer.
	r.must(t, 409, "POST", "/v1/schools/"+w.schoolB+"/pupils", w.sencoB, pupilBody(u))
	retry := r.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(u), "Idempotency-Key", "reg-"+u+"a")
	if retry.str("id") != ids[0] {
		t.Fatalf("idempotent retry after restore answered %s, want %s", retry.str("id"), ids[0])
	}
}
