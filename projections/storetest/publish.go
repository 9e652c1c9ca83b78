package storetest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/projections"
)

// Publish stores the scenario's commits in the stream of js as they are
// (personal fields in clear, as a stream from before encryption holds
// them), checking each lands at the sequence the scenario gives it.
func Publish(t testing.TB, js jetstream.JetStream, items []projections.Item) {
	t.Helper()
	for _, it := range items {
		c := it.Commit
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		r, err := js.Publish(context.Background(), eventlog.Subject(c.Aggregate, c.AggregateID), b)
		if err != nil {
			t.Fatal(err)
		}
		if r.Sequence != it.Seq {
			t.Fatalf("stored at %d, scenario says %d", r.Sequence, it.Seq)
		}
	}
}
