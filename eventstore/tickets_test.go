package eventstore_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sendcase/sendcase/eventstore"
	"github.com/sendcase/sendcase/internal/natstest"
)

func TestTicketIsTakenOnce(t *testing.T) {
	_, nc := natstest.Embedded(t, "")
	s := open(t, nc)
	ctx := context.Background()
	if err := s.PutTicket(ctx, "invite.abc", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := s.PutTicket(ctx, "invite.abc", []byte("w")); !errors.Is(err, eventstore.ErrTicketExists) {
		t.Fatalf("second put: got %v, want ErrTicketExists", err)
	}
	if v, ok, err := s.Ticket(ctx, "invite.abc"); err != nil || !ok || string(v) != "v" {
		t.Fatalf("read: got %q %v %v, want v", v, ok, err)
	}
	var took atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, ok, err := s.TakeTicket(ctx, "invite.abc")
			if err != nil {
				t.Error(err)
			}
			if ok {
				took.Add(1)
			}
		})
	}
	wg.Wait()
	if got := took.Load(); got != 1 {
		t.Fatalf("takers: got %d, want 1", got)
	}
	if _, ok, _ := s.Ticket(ctx, "invite.abc"); ok {
		t.Fatal("ticket still there after it was taken")
	}
}
