package store

import (
	"sync"
	"time"
	_ "time/tzdata" // Geneva time must work on a machine without zoneinfo.
)

// Clock tells the time. Everything in wsisbot that asks the time asks a Clock, so that
// demos and tests can live inside the consultation.
type Clock interface {
	Now() time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// SystemClock is the wall clock.
func SystemClock() Clock { return systemClock{} }

// OffsetClock starts at a set instant and then runs on with the wall clock.
type OffsetClock struct {
	mu     sync.Mutex
	offset time.Duration
}

// NewOffsetClock returns a clock whose "now" is start at the moment of the call.
func NewOffsetClock(start time.Time) *OffsetClock {
	return &OffsetClock{offset: time.Until(start)}
}

// Now is the set instant plus the time elapsed since.
func (c *OffsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Set moves "now" to t; the clock runs on from there.
func (c *OffsetClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = time.Until(t)
}

// Advance moves the clock forward by d.
func (c *OffsetClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// ParseClock reads a WSISBOT_CLOCK value (RFC 3339). Empty means the wall clock.
func ParseClock(v string) (Clock, error) {
	if v == "" {
		return SystemClock(), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, err
	}
	return NewOffsetClock(t), nil
}
