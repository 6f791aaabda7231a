// Package backoff is the one backoff of wsisbot: a delay that starts at a minimum,
// doubles after each failure up to a maximum, is jittered so that workers and replicas
// restarted together do not retry together, and starts over after a success.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Backoff counts consecutive failures. The zero value is not usable: use New.
// It is not safe for concurrent use; give each loop its own.
type Backoff struct {
	min, max time.Duration
	n        int
}

// New is a backoff from minDelay doubling to maxDelay. A minimum of zero or less is one
// second; a maximum below the minimum is the minimum.
func New(minDelay, maxDelay time.Duration) *Backoff {
	if minDelay <= 0 {
		minDelay = time.Second
	}
	if maxDelay < minDelay {
		maxDelay = minDelay
	}
	return &Backoff{min: minDelay, max: maxDelay}
}

// Next is the delay before the next attempt, after one more failure: the nth consecutive
// failure waits between half and all of min·2^(n-1), capped at max.
func (b *Backoff) Next() time.Duration {
	b.n++
	return Delay(b.min, b.max, b.n)
}

// Reset forgets past failures: the next delay is the minimum again.
func (b *Backoff) Reset() { b.n = 0 }

// Delay is the wait after the nth consecutive failure (n ≥ 1), for callers that keep the
// count elsewhere (an outbox item's attempts): between half and all of minDelay·2^(n-1),
// capped at maxDelay.
func Delay(minDelay, maxDelay time.Duration, n int) time.Duration {
	d := minDelay
	for i := 1; i < n && d < maxDelay; i++ {
		d *= 2
	}
	d = min(d, maxDelay)
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d/2+1)
}
