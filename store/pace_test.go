package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store/storetest"
)

func TestReserveSlackSlot(t *testing.T) {
	t.Parallel()
	s, _ := storetest.New(t)
	ctx := context.Background()
	const key = "chat.postMessage:C1"
	// A burst of 3, then one a minute: the waits grow by a minute each (less the few
	// milliseconds between the statements).
	var waits []time.Duration
	for range 5 {
		w, err := s.ReserveSlackSlot(ctx, key, time.Minute, 3)
		if err != nil {
			t.Fatal(err)
		}
		waits = append(waits, w)
	}
	for i, w := range waits {
		want := time.Duration(max(i-2, 0)) * time.Minute
		if w > want || w < want-5*time.Second {
			t.Errorf("call %d waits %s, want about %s", i+1, w, want)
		}
	}
	// Another key has its own budget.
	if w, err := s.ReserveSlackSlot(ctx, "chat.postMessage:C2", time.Minute, 3); err != nil || w != 0 {
		t.Errorf("another channel waits %s, %v", w, err)
	}

	// A 429 puts off the next call past Retry-After, without a burst after it.
	const other = "chat.update"
	if err := s.DelaySlackSlot(ctx, other, 30*time.Second, time.Second, 5); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		w, err := s.ReserveSlackSlot(ctx, other, time.Second, 5)
		want := 30*time.Second + time.Duration(i)*time.Second
		if err != nil || w > want || w < want-5*time.Second {
			t.Errorf("call %d after a 429 waits %s (%v), want about %s", i+1, w, err, want)
		}
	}
	// A delay shorter than the slots already taken changes nothing.
	if err := s.DelaySlackSlot(ctx, key, time.Second, time.Minute, 3); err != nil {
		t.Fatal(err)
	}
	if w, err := s.ReserveSlackSlot(ctx, key, time.Minute, 3); err != nil || w < 2*time.Minute || w > 3*time.Minute {
		t.Errorf("after a short delay the 6th call waits %s (%v), want about 3m", w, err)
	}
}

// BenchmarkPaceReserve is the cost of reserving a Slack slot: one round trip.
func BenchmarkPaceReserve(b *testing.B) {
	s, _ := storetest.New(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ReserveSlackSlot(ctx, "bench", time.Nanosecond, 1); err != nil {
			b.Fatal(err)
		}
	}
}
