package main

import (
	"context"
	"sync"
	"time"
)

// backlogGate lets the intake go first through a backlog: while the poller syncs a large
// run of new messages (min or more, from the listing to the last batch stored), the mail
// and Slack workers wait before they claim anything (store.OutboxRunner.Gate) instead of
// taking the database and the CPU the intake needs: on a small machine, sending
// acknowledgements alongside a 5,000-message backlog made storing it three to six times
// slower, and the last acknowledgement went out later than when they wait. They wait
// holding nothing: workers that claimed items and then waited with them each started a
// PostgreSQL session and kept a transaction open through the backlog, and the backlog
// was stored about a tenth more slowly. The gate follows the sync itself, not a timer
// after each batch: under load a batch takes longer to store than any fixed pause, and a
// timer let the workers in between batches. Messages arriving a few at a time never
// close the gate, so they are acknowledged at once; and a worker waits at most hold
// before it claims a batch, so a flood that never ends still gets its acknowledgements
// and cards out, if slowly. At start-up the gate is closed until the intake has listed
// each mailbox's new mail (untilListed).
type backlogGate struct {
	min  int           // a sync of this many messages or more is a backlog
	hold time.Duration // the longest a worker waits before it claims

	mu      sync.Mutex
	backlog int           // backlogs being stored, and mailboxes not yet listed at start-up
	open    chan struct{} // closed when the gate opens; nil while it is open
	waiting int           // workers waiting at the gate now
}

// Defaults: a sync of 50 messages or more is a backlog; a worker waits at most a minute.
func newBacklogGate() *backlogGate {
	return &backlogGate{min: 50, hold: time.Minute}
}

// startHold is the longest the workers wait at start-up for the intake to list a
// mailbox's new mail (see untilListed): connecting, logging in and selecting take about
// a tenth of a second on the same network, a few seconds to a slow server.
const startHold = 5 * time.Second

// syncing tells the gate that the intake starts to sync n new messages; the gate stays
// closed, for a backlog, until the returned func is called (once, when the sync ends).
func (g *backlogGate) syncing(n int) (ended func()) {
	if n < g.min {
		return func() {}
	}
	return g.shut()
}

// untilListed closes the gate at start-up until the intake has listed the new mail of a
// mailbox (listed, called once it knows whether a backlog waits) or for at most d from
// the call of hold (when serve starts its workers): a restart after an outage finds a
// backlog, and workers let in during the few hundred milliseconds the intake takes to
// connect each started a PostgreSQL session and sent what was queued before, on the
// cores the backlog then needed. A mailbox that is not listed (its server down, another
// replica holding it) holds the workers for d once.
func (g *backlogGate) untilListed(d time.Duration) (listed, hold func()) {
	opened := g.shut() // once: the hold ending after the listing changes nothing
	return opened, sync.OnceFunc(func() { time.AfterFunc(d, opened) })
}

// shut closes the gate until the returned func is called (once).
func (g *backlogGate) shut() (opened func()) {
	g.mu.Lock()
	g.backlog++
	if g.open == nil {
		g.open = make(chan struct{})
	}
	g.mu.Unlock()
	return sync.OnceFunc(func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.backlog--
		if g.backlog == 0 {
			close(g.open)
			g.open = nil
		}
	})
}

// closed is a channel closed when the gate opens, or nil when it is open.
func (g *backlogGate) closed() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.open
}

// wait returns once no backlog is being stored, after hold, or when ctx is done,
// whichever comes first.
func (g *backlogGate) wait(ctx context.Context) {
	open := g.closed()
	if open == nil {
		return
	}
	g.mu.Lock()
	g.waiting++
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.waiting--
		g.mu.Unlock()
	}()
	limit := time.NewTimer(g.hold)
	defer limit.Stop()
	select {
	case <-ctx.Done():
	case <-limit.C:
	case <-open:
	}
}

// waiters is how many workers wait at the gate now.
func (g *backlogGate) waiters() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waiting
}
