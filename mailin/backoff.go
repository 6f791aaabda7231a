package mailin

import (
	"math/rand/v2"
	"time"
)

// backoff is an exponential backoff with jitter: each delay doubles from min up to max,
// and a random part of it (up to half) is taken off so that clients restarted together
// do not reconnect together. reset starts over after a success.
type backoff struct {
	min, max time.Duration
	n        int
}

func newBackoff(minDelay, maxDelay time.Duration) *backoff {
	if minDelay <= 0 {
		minDelay = time.Second
	}
	if maxDelay < minDelay {
		maxDelay = minDelay
	}
	return &backoff{min: minDelay, max: maxDelay}
}

// next returns the delay before the next attempt.
func (b *backoff) next() time.Duration {
	d := b.min
	for i := 0; i < b.n && d < b.max; i++ {
		d *= 2
	}
	if d > b.max {
		d = b.max
	}
	b.n++
	if half := int64(d / 2); half > 0 {
		d -= time.Duration(rand.Int64N(half + 1))
	}
	return d
}

// reset forgets past failures.
func (b *backoff) reset() { b.n = 0 }
