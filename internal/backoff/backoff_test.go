package backoff

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	b := New(100*time.Millisecond, time.Second)
	// Each delay lies between half and all of min·2^n, capped at max.
	for n, full := range []time.Duration{100, 200, 400, 800, 1000, 1000, 1000} {
		full *= time.Millisecond
		d := b.Next()
		if d < full/2 || d > full {
			t.Errorf("attempt %d: %s, want between %s and %s", n, d, full/2, full)
		}
	}
	b.Reset()
	if d := b.Next(); d > 100*time.Millisecond {
		t.Errorf("after reset: %s, want at most the minimum", d)
	}
}

func TestBackoffJitters(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 20 {
		b := New(time.Second, time.Minute)
		b.Next()
		seen[b.Next()] = true
	}
	if len(seen) < 2 {
		t.Error("no jitter: every client would retry at the same instant")
	}
}

func TestBackoffDefaults(t *testing.T) {
	b := New(0, 0)
	if d := b.Next(); d <= 0 || d > time.Second {
		t.Errorf("zero settings give %s", d)
	}
}

// Delay is what an outbox item waits after its nth failed attempt: 5 s doubling to an
// hour.
func TestDelay(t *testing.T) {
	for n, full := range map[int]time.Duration{1: 5 * time.Second, 2: 10 * time.Second, 4: 40 * time.Second, 12: time.Hour, 40: time.Hour} {
		if d := Delay(5*time.Second, time.Hour, n); d < full/2 || d > full {
			t.Errorf("failure %d: %s, want between %s and %s", n, d, full/2, full)
		}
	}
}
