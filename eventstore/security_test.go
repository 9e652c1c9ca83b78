package eventstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sendcase/sendcase/eventlog"
	"github.com/sendcase/sendcase/internal/natstest"
)

func TestSecurityLogNewestFirst(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	s := open(t, nc)
	ctx := context.Background()
	for i := range 1203 {
		trust := "oak"
		if i%3 == 0 {
			trust = "elm"
		}
		if err := s.LogSecurity(ctx, eventlog.SecurityEntry{At: time.Unix(int64(i), 0), Kind: "sign_in", UserID: fmt.Sprint(i), TrustID: trust}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		limit int
		keep  func(eventlog.SecurityEntry) bool
		want  []string
	}{
		{"newest three", 3, nil, []string{"1202", "1201", "1200"}},
		{"one trust's, across batches", 2, func(e eventlog.SecurityEntry) bool { return e.TrustID == "elm" }, []string{"1200", "1197"}},
		{"none kept", 5, func(eventlog.SecurityEntry) bool { return false }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.SecurityLog(ctx, tt.limit, tt.keep)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, e := range got {
				ids = append(ids, e.UserID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(tt.want) {
				t.Fatalf("got %v, want %v", ids, tt.want)
			}
		})
	}
	all, err := s.SecurityLog(ctx, 2000, nil)
	if err != nil || len(all) != 1203 || all[1202].UserID != "0" {
		t.Fatalf("everything: %d entries, %v", len(all), err)
	}
}
