package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
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
		slot, err := s.ReserveSlackSlot(ctx, key, time.Minute, 3)
		if err != nil {
			t.Fatal(err)
		}
		waits = append(waits, slot.Wait)
	}
	for i, w := range waits {
		want := time.Duration(max(i-2, 0)) * time.Minute
		if w > want || w < want-5*time.Second {
			t.Errorf("call %d waits %s, want about %s", i+1, w, want)
		}
	}
	// Another key has its own budget.
	if slot, err := s.ReserveSlackSlot(ctx, "chat.postMessage:C2", time.Minute, 3); err != nil || slot.Wait != 0 {
		t.Errorf("another channel waits %s, %v", slot.Wait, err)
	}

	// A 429 puts off the next call past Retry-After, without a burst after it.
	const other = "chat.update"
	if err := s.DelaySlackSlot(ctx, other, 30*time.Second, time.Second, 5); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		slot, err := s.ReserveSlackSlot(ctx, other, time.Second, 5)
		w := slot.Wait
		want := 30*time.Second + time.Duration(i)*time.Second
		if err != nil || w > want || w < want-5*time.Second {
			t.Errorf("call %d after a 429 waits %s (%v), want about %s", i+1, w, err, want)
		}
	}
	// A delay shorter than the slots already taken changes nothing.
	if err := s.DelaySlackSlot(ctx, key, time.Second, time.Minute, 3); err != nil {
		t.Fatal(err)
	}
	if slot, err := s.ReserveSlackSlot(ctx, key, time.Minute, 3); err != nil || slot.Wait < 2*time.Minute || slot.Wait > 3*time.Minute {
		t.Errorf("after a short delay the 6th call waits %s (%v), want about 3m", slot.Wait, err)
	}
}

func TestReleaseSlackSlot(t *testing.T) {
	t.Parallel()
	s, _ := storetest.New(t)
	ctx := context.Background()
	const key = "chat.postMessage:C1"
	reserve := func() store.SlackSlot {
		t.Helper()
		slot, err := s.ReserveSlackSlot(ctx, key, time.Minute, 1)
		if err != nil {
			t.Fatal(err)
		}
		return slot
	}
	reserve()
	second := reserve() // a minute away: given up
	if ok, err := s.ReleaseSlackSlot(ctx, key, time.Minute, second); err != nil || !ok {
		t.Fatalf("the latest slot was not given back: %v, %v", ok, err)
	}
	// The next caller gets that slot again, not the one after.
	third := reserve()
	if third.Wait > time.Minute || third.Wait < 55*time.Second {
		t.Errorf("after a slot was given back the next waits %s, want about 1m", third.Wait)
	}
	// A slot others have reserved after is not given back.
	reserve()
	if ok, err := s.ReleaseSlackSlot(ctx, key, time.Minute, third); err != nil || ok {
		t.Errorf("an earlier slot was given back: %v, %v", ok, err)
	}
	if ok, err := s.ReleaseSlackSlot(ctx, key, time.Minute, second); err != nil || ok {
		t.Errorf("a slot was given back twice: %v, %v", ok, err)
	}
}

// BenchmarkPaceReserve is the cost of reserving a Slack slot: one round trip.
func BenchmarkPaceStoreReserve(b *testing.B) {
	s, _ := storetest.New(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.ReserveSlackSlot(ctx, "bench", time.Microsecond, 1); err != nil {
			b.Fatal(err)
		}
	}
}
