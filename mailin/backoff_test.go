package mailin

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	b := newBackoff(100*time.Millisecond, time.Second)
	// Each delay lies between half and all of min·2^n, capped at max.
	for n, full := range []time.Duration{100, 200, 400, 800, 1000, 1000, 1000} {
		full *= time.Millisecond
		if full > time.Second {
			full = time.Second
		}
		d := b.next()
		if d < full/2 || d > full {
			t.Errorf("attempt %d: %s, want between %s and %s", n, d, full/2, full)
		}
	}
	b.reset()
	if d := b.next(); d > 100*time.Millisecond {
		t.Errorf("after reset: %s, want at most the minimum", d)
	}
}

func TestBackoffJitters(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 20 {
		b := newBackoff(time.Second, time.Minute)
		b.next()
		seen[b.next()] = true
	}
	if len(seen) < 2 {
		t.Error("no jitter: every client would reconnect at the same instant")
	}
}

func TestBackoffDefaults(t *testing.T) {
	b := newBackoff(0, 0)
	if d := b.next(); d <= 0 || d > time.Second {
		t.Errorf("zero settings give %s", d)
	}
}
