package api_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sendcase/sendcase/app"
	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/pgtest"
	"github.com/sendcase/sendcase/internal/until"
)

// TestACommitPostgresRefusesDoesNotStopTheViews: a commit already in the
// stream that PostgreSQL cannot hold (a NUL in a text field, written before
// input was checked) is recorded and skipped. The server stays ready and
// says why it is degraded, the alert metric rises, the pupil's row says it
// is incomplete, and every later command shows in the views at once.
func TestACommitPostgresRefusesDoesNotStopTheViews(t *testing.T) {
	e := startWith(t, "", pgtest.URL(t))
	w := e.world(t)
	ctx := context.Background()
	first := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN()))
	// The stored registration again, as a second commit of that pupil,
	// with a NUL in its year group.
	js := e.node.Store.JetStream()
	stream, err := js.Stream(ctx, eventstore.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := stream.GetMsg(ctx, uint64(first.num("seq")))
	if err != nil {
		t.Fatal(err)
	}
	poisoned := bytes.Replace(msg.Data, []byte(`"year_group":"5"`), []byte(`"year_group":"5\u0000"`), 1)
	if bytes.Equal(poisoned, msg.Data) {
		t.Fatalf("no year group in the stored commit: %s", msg.Data)
	}
	if _, err := js.Publish(ctx, msg.Subject, poisoned); err != nil {
		t.Fatal(err)
	}
	second := e.must(t, 201, "POST", "/v1/schools/"+w.schoolA+"/pupils", w.sencoA, pupilBody(newUPN()))

	caseload := e.must(t, 200, "GET", "/v1/schools/"+w.schoolA+"/caseload?min_seq="+strconv.Itoa(second.num("seq")), w.sencoA, nil)
	rows := as[app.Caseload](t, caseload).Pupils
	incomplete := map[string]bool{}
	for _, r := range rows {
		incomplete[r.PupilID] = r.Incomplete
	}
	if len(rows) != 2 || !incomplete[first.str("id")] || incomplete[second.str("id")] {
		t.Fatalf("caseload after a refused commit: %s", caseload.Raw)
	}
	ready := e.must(t, 200, "GET", "/readyz", "", nil)
	if ready.str("status") != "degraded" || !strings.Contains(ready.str("reason"), "1 commit could not be applied") {
		t.Fatalf("readyz: %s", ready.Raw)
	}
	until.True(t, 5*time.Second, "the alert metric to rise", func() bool {
		return strings.Contains(string(e.do(t, "GET", "/metrics", "", nil).Raw), "sendcase_projection_unapplied_commits 1")
	})
	if !strings.Contains(e.logs.String(), "the store refused a commit") {
		t.Fatal("the refused commit was not logged")
	}
}
