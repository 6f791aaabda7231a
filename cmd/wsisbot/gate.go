package main

import (
	"context"
	"sync"
	"time"
)

// backlogGate lets the intake go first through a backlog: while the poller stores large
// batches one after another, the mail and Slack workers hold the item they claimed instead of
// taking the database and the CPU the intake needs (on a small machine, sending
// acknowledgements alongside a 5,000-message backlog made storing it several times
// slower). Single messages arriving one by one never close the gate, so they are
// acknowledged at once; and a worker holds an item at most hold, so a flood that never
// ends still gets acknowledgements out, if slowly.
type backlogGate struct {
	large time.Duration // how long a large batch keeps the gate closed
	min   int           // a batch this large or larger means a backlog
	hold  time.Duration // the longest a worker waits with one item

	mu    sync.Mutex
	until time.Time // closed until then
}

// Defaults: a batch of 50 or more closes the gate for a second (the intake stores the
// next batch of a backlog within that); a worker waits at most a minute.
func newBacklogGate() *backlogGate {
	return &backlogGate{large: time.Second, min: 50, hold: time.Minute}
}

// stored tells the gate that the intake stored a batch of n messages.
func (g *backlogGate) stored(n int) {
	if n < g.min {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.until = time.Now().Add(g.large)
}

// wait returns once no large batch was stored for a while, after hold, or when ctx is
// done, whichever comes first.
func (g *backlogGate) wait(ctx context.Context) {
	limit := time.NewTimer(g.hold)
	defer limit.Stop()
	for {
		g.mu.Lock()
		left := time.Until(g.until)
		g.mu.Unlock()
		if left <= 0 {
			return
		}
		t := time.NewTimer(left)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-limit.C:
			t.Stop()
			return
		case <-t.C:
		}
	}
}
