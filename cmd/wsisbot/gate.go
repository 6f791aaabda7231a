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
// and cards out, if slowly.
type backlogGate struct {
	min  int           // a sync of this many messages or more is a backlog
	hold time.Duration // the longest a worker waits before it claims

	mu      sync.Mutex
	backlog int           // syncs under way that are backlogs (one per mailbox at most)
	open    chan struct{} // closed when the gate opens; nil while it is open
	waiting int           // workers waiting at the gate now
}

// Defaults: a sync of 50 messages or more is a backlog; a worker waits at most a minute.
func newBacklogGate() *backlogGate {
	return &backlogGate{min: 50, hold: time.Minute}
}

// syncing tells the gate that the intake starts to sync n new messages; the gate stays
// closed, for a backlog, until the returned func is called (once, when the sync ends).
func (g *backlogGate) syncing(n int) (ended func()) {
	if n < g.min {
		return func() {}
	}
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
