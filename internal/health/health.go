// Package health records whether a part of wsisbot can reach the server it works with
// (the mail server, Slack), so that /readyz can say so while the part waits and retries.
package health

import (
	"fmt"
	"sync"
	"time"
)

// Link is the state of one connection to another server. The zero value is up. It is
// safe for concurrent use; several workers may share one Link.
type Link struct {
	mu        sync.Mutex
	downSince time.Time
	lastErr   string
}

// Down records a failure to reach the server; the first one since it was last up starts
// the outage.
func (l *Link) Down(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.downSince.IsZero() {
		l.downSince = time.Now()
	}
	l.lastErr = err.Error()
}

// Up records that the server answered.
func (l *Link) Up() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.downSince, l.lastErr = time.Time{}, ""
}

// Report is "ok", or how long the server has been unreachable and why.
func (l *Link) Report(now time.Time) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.downSince.IsZero() {
		return "ok", true
	}
	return fmt.Sprintf("unreachable for %s, retrying: %s", now.Sub(l.downSince).Round(time.Second), l.lastErr), false
}
