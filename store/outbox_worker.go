package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/lib/pq"

	"github.com/wsis/wsisbot/internal/backoff"
	"github.com/wsis/wsisbot/internal/health"
)

// OutboxRunner describes the workers of one part (the mail, Slack): which items they
// carry out, how, and how many side by side. The part gives the handler; RunOutbox
// does the rest: claiming, waking up, pausing while the far end is away, retrying, and
// logging failures.
type OutboxRunner struct {
	// Name names the workers in logs ("mail", "slack").
	Name string
	// Kinds are the outbox kinds the workers take.
	Kinds []OutboxKind
	// Handle carries out one item (see OutboxHandler). It logs what it did; failures are
	// logged by the runtime, once each.
	Handle OutboxHandler
	// Workers is how many items are carried out side by side at most (default 1). Idle,
	// they wait as one (see RunOutbox); they join in as items are found due.
	Workers int
	// Batch is how many due items a worker claims at once and carries out one after the
	// other in one transaction (default 1; see ProcessOutboxBatch), and never more than
	// its share of those due, so that a short queue is still carried out side by side.
	// On a backlog one claim and one commit then serve many items; a crash repeats the
	// batch in hand.
	Batch int
	// Poll is how long the idle workers wait for a notification before one of them looks
	// again on its own (default 500 ms): the fallback for a lost notification, or while
	// the listener is reconnecting. It is one look every Poll for the runner, not for
	// each worker.
	Poll time.Duration
	// ItemTimeout bounds one item (default 1 min). An item runs to its end even when the
	// workers are stopped meanwhile: cancelling a send half-way would roll back the
	// record of a message the far end may have taken.
	ItemTimeout time.Duration
	// StoreRetryMax caps the wait after consecutive store failures (a database restart),
	// which starts at 500 ms and doubles (default 10 s).
	StoreRetryMax time.Duration
	// Link, when set, is marked down by every UnavailableError and up by any other
	// outcome of an item, for /readyz.
	Link *health.Link
	// Logger logs the workers' failures (default slog.Default()).
	Logger *slog.Logger
	// Polled, when set, is called after each look at the outbox, whether or not an item
	// was due (for tests).
	Polled func()
	// Gate, when set, is called before each look at the outbox, and a worker waits in it
	// holding nothing: no item, no transaction, no connection (serve holds the workers so
	// while the intake stores a backlog).
	Gate func(ctx context.Context)
}

// The runtime's own waits.
const (
	// outboxPauseMin and outboxPauseMax bound a worker's pause while the far end is
	// unavailable (store.UnavailableError): 1 s doubling to 10 s, reset by the next item
	// the far end answers. The item is due again after the same pause, its attempts
	// untouched, so the queue drains within seconds of the far end coming back.
	outboxPauseMin = time.Second
	outboxPauseMax = 10 * time.Second
	// outboxStoreRetryMin is the first wait after a store failure.
	outboxStoreRetryMin = 500 * time.Millisecond
	// outboxListenerMin and outboxListenerMax bound the listener's reconnections.
	outboxListenerMin = time.Second
	outboxListenerMax = 10 * time.Second
	// outboxListenerPing is how often an idle listener checks its connection.
	outboxListenerPing = 90 * time.Second
)

// RunOutbox runs r.Workers workers that carry out the due items of r.Kinds until ctx is
// done, then waits for the items in hand and returns nil. It never gives up: a store
// failure is logged and retried after a growing wait; an item whose handler reports
// the far end unavailable (UnavailableError) pauses the worker (see outboxPauseMin)
// without using up the item's attempts.
//
// Workers sleep until an item is queued: every RunOutbox of a Store, whatever its
// kinds, shares one LISTEN connection (pq.Listener) on OutboxNotifyChannel, opened
// with the first RunOutbox and closed with the last. The workers of one RunOutbox wake
// as a relay, not as a herd (see outboxRelay): at start one of them looks; idle, one of
// them, the watcher, waits for a notification (or the listener's reconnection) and
// looks at it, or on its own after r.Poll; the others wait until a worker that found
// items due wakes one more. Under a backlog all r.Workers are at work within a few
// claims, and idle the runner costs one claim every r.Poll and one connection.
func (s *Store) RunOutbox(ctx context.Context, r OutboxRunner) error {
	if r.Handle == nil || len(r.Kinds) == 0 {
		return errors.New("store: run outbox: a handler and kinds are required")
	}
	r.Workers = max(r.Workers, 1)
	if r.Poll <= 0 {
		r.Poll = 500 * time.Millisecond
	}
	if r.ItemTimeout <= 0 {
		r.ItemTimeout = time.Minute
	}
	if r.StoreRetryMax <= 0 {
		r.StoreRetryMax = 10 * time.Second
	}
	if r.Link == nil {
		r.Link = &health.Link{}
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	log := r.Logger.With("outbox", r.Name)
	// Before the listener starts: its first wake-up, once it listens, reaches the watcher.
	relay := newOutboxRelay(&s.outbox)
	s.outbox.join(s.url, r.Logger)
	defer s.outbox.leave()
	log.Info("outbox workers started", "workers", r.Workers, "kinds", r.Kinds)
	defer log.Info("outbox workers stopped")
	var wg sync.WaitGroup
	for i := range r.Workers {
		wg.Go(func() { s.runOutboxWorker(ctx, r, relay, i == 0, log) })
	}
	wg.Wait()
	return nil
}

// OutboxListening reports whether the outbox workers' LISTEN connection is up and
// listening now.
func (s *Store) OutboxListening() bool { return s.outbox.isListening() }

// runOutboxWorker carries out due items, one or a batch (r.Batch) at a time, until ctx
// is done. The first worker looks at once, then hands out the watch; the others wait in
// the relay.
func (s *Store) runOutboxWorker(ctx context.Context, r OutboxRunner, relay *outboxRelay, first bool, log *slog.Logger) {
	storeDown := backoff.New(outboxStoreRetryMin, r.StoreRetryMax)
	farDown := backoff.New(outboxPauseMin, outboxPauseMax)
	if !first && !relay.wait(ctx, r.Poll) {
		return
	}
	for {
		if r.Gate != nil {
			r.Gate(ctx)
			if ctx.Err() != nil {
				return
			}
		}
		// Taken before looking, so that a notification while this worker looks (the
		// listener reconnecting: the database is back) ends its wait after a store
		// failure.
		wake := s.outbox.changed()
		var pause time.Duration
		found := false
		handle := func(ctx context.Context, it OutboxItem) (OutboxResult, error) {
			if !found {
				// Items were due and there may be more: one more worker looks.
				found = true
				relay.wakeOne()
			}
			res, err := r.Handle(ctx, it)
			var ua *UnavailableError
			if errors.As(err, &ua) {
				pause = farDown.Next()
				ua.After = pause
				r.Link.Down(ua.Err)
			} else {
				// Done, or an answer about this item: the far end is there.
				farDown.Reset()
				r.Link.Up()
			}
			logOutboxFailure(ctx, log, it, err, pause)
			return res, err
		}
		var did bool
		var err error
		if r.Batch > 1 {
			var n int
			n, err = s.ProcessOutboxBatch(ctx, r.Kinds, r.Batch, r.Workers, r.ItemTimeout, handle)
			did = n > 0
		} else {
			ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.ItemTimeout)
			did, err = s.ProcessOutbox(ictx, r.Kinds, handle)
			cancel()
		}
		if r.Polled != nil {
			r.Polled()
		}
		if first {
			relay.started()
			first = false
		}
		if ctx.Err() != nil {
			return
		}
		var wait time.Duration
		switch {
		case err != nil:
			// A notification ends this wait: the listener reconnecting means the
			// database is back.
			wait = storeDown.Next()
			log.Error("outbox: the store failed; retrying", "retry_in", wait, slog.Any("error", err))
		case pause > 0:
			// A notification does not end the pause: the far end is down for every item.
			storeDown.Reset()
			wait, wake = pause, nil
		case did:
			storeDown.Reset()
			continue
		default:
			// Nothing due: back to the relay, to watch or to wait for a turn.
			storeDown.Reset()
			if !relay.wait(ctx, r.Poll) {
				return
			}
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// logOutboxFailure logs a handler's failure once, at its level: an item failed for good
// is an error, a wait the item expects (its card is not posted yet) is debug, the rest
// are warnings.
func logOutboxFailure(ctx context.Context, log *slog.Logger, it OutboxItem, err error, pause time.Duration) {
	if err == nil {
		return
	}
	attrs := []any{"outbox_id", it.ID, "kind", it.Kind, "key", it.IdempotencyKey, "attempt", it.Attempts + 1}
	if it.ContributionID != nil {
		attrs = append(attrs, "contribution_id", *it.ContributionID)
	}
	attrs = append(attrs, slog.Any("error", err))
	var perm *PermanentError
	var ua *UnavailableError
	var ra *RetryAfterError
	switch {
	case errors.As(err, &perm):
		log.Error("outbox item failed for good", attrs...)
	case errors.As(err, &ua):
		log.Warn("the far end is unavailable; outbox workers paused", append(attrs, "pause", pause)...)
	case errors.As(err, &ra):
		log.Warn("outbox item put off at the far end's request", append(attrs, "retry_after", ra.After)...)
	case errors.Is(err, ErrCardNotPosted):
		log.Log(ctx, slog.LevelDebug, "outbox item waits for its card", attrs...)
	case it.Attempts+1 >= MaxOutboxAttempts:
		log.Error("outbox item failed for good after its last attempt", attrs...)
	default:
		log.Warn("outbox item not done; will retry", attrs...)
	}
}

// outboxRelay passes the looking between the idle workers of one RunOutbox, so that
// they wake as a relay rather than as a herd.
//
// Of the idle workers one holds the watch: it waits for the hub's next wake-up, for r.Poll,
// or for a turn, then hands the watch on and looks. The others wait for the watch or for a
// turn, which a worker that found items due hands to one of them (wakeOne) while it carries
// its items out. A worker that is not idle (carrying out items, paused by the far end,
// waiting after a store failure) looks again on its own when it is done: so while any
// worker is at work, or one is idle with the watch, someone will look again.
//
// No notification is lost: the watch carries the hub's channel taken by the worker that
// handed it on, before its own look, and whoever takes the watch next waits on that
// channel. A notification after that look began closes it, so the next watcher looks at
// once, even when every worker was busy when it came; one before it is that look's to find.
type outboxRelay struct {
	hub *outboxHub
	// start is the hub's channel taken before the first look: the first watch, handed
	// out when that look ends, so that the wake-up the listener gives once it listens
	// follows it rather than running beside it on a second connection.
	start <-chan struct{}
	// watch holds the watch while no idle worker has it, with the hub's channel to wait
	// on (capacity 1: there is one watch).
	watch chan (<-chan struct{})
	// turn hands a look to one idle worker, if one waits (unbuffered: a turn nobody
	// waits for is not kept).
	turn chan struct{}
}

func newOutboxRelay(hub *outboxHub) *outboxRelay {
	// Taken before the first worker looks: a notification after that wakes the watcher.
	return &outboxRelay{hub: hub, start: hub.changed(), watch: make(chan (<-chan struct{}), 1), turn: make(chan struct{})}
}

// started hands out the first watch, after the first look.
func (r *outboxRelay) started() { r.watch <- r.start }

// wakeOne hands a turn to one idle worker, if any waits.
func (r *outboxRelay) wakeOne() {
	select {
	case r.turn <- struct{}{}:
	default:
	}
}

// wait waits, idle, until this worker is to look: for a turn, or with the watch for a
// wake-up of the hub or poll. It reports false when ctx is done first.
func (r *outboxRelay) wait(ctx context.Context, poll time.Duration) bool {
	var changed <-chan struct{}
	select {
	case <-ctx.Done():
		return false
	case <-r.turn:
		return true
	case changed = <-r.watch:
	}
	t := time.NewTimer(poll)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-changed:
	case <-t.C:
	case <-r.turn:
	}
	// Taken before this worker looks, and handed on with the watch.
	r.watch <- r.hub.changed()
	return true
}

// outboxHub wakes the outbox workers of a Store. It runs one listener while any
// RunOutbox runs. The zero value is ready.
type outboxHub struct {
	mu        sync.Mutex
	users     int
	stop      context.CancelFunc
	stopped   chan struct{}
	wake      chan struct{} // closed, and replaced, at each wake-up
	listening bool
}

// changed is closed at the next wake-up.
func (h *outboxHub) changed() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.wake == nil {
		h.wake = make(chan struct{})
	}
	return h.wake
}

// broadcast wakes the watcher of each RunOutbox, and the workers waiting after a store
// failure.
func (h *outboxHub) broadcast() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.wake != nil {
		close(h.wake)
	}
	h.wake = make(chan struct{})
}

func (h *outboxHub) setListening(v bool) {
	h.mu.Lock()
	h.listening = v
	h.mu.Unlock()
}

func (h *outboxHub) isListening() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.listening
}

// join starts the listener for the first user.
func (h *outboxHub) join(url string, log *slog.Logger) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.users++
	if h.users > 1 {
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	h.stop, h.stopped = stop, stopped
	go func() {
		defer close(stopped)
		if err := runOutboxListener(ctx, url, h, log); err != nil {
			// A worker of each RunOutbox still looks every Poll: slower, nothing lost.
			log.Warn("outbox notifications off; the workers poll", slog.Any("error", err))
		}
	}()
}

// leave stops the listener after its last user, and waits for it.
func (h *outboxHub) leave() {
	h.mu.Lock()
	h.users--
	if h.users > 0 {
		h.mu.Unlock()
		return
	}
	stop, stopped := h.stop, h.stopped
	h.stop, h.stopped = nil, nil
	h.mu.Unlock()
	stop()
	<-stopped
}

// runOutboxListener listens on OutboxNotifyChannel with its own connection to url and
// wakes the hub at each notification, until ctx is done; then it returns nil. The
// connection is re-established after a failure (a database restart), every second up to
// every 10 s, and the hub is woken after each reconnection, since notifications
// may have been missed meanwhile. A database that is down at the start is waited for the
// same way.
func runOutboxListener(ctx context.Context, url string, h *outboxHub, log *slog.Logger) error {
	defer h.setListening(false)
	l := pq.NewListener(url, outboxListenerMin, outboxListenerMax, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventReconnected:
			// The first time, Listen sets it once LISTEN is acknowledged.
			h.setListening(true)
		case pq.ListenerEventDisconnected, pq.ListenerEventConnectionAttemptFailed:
			h.setListening(false)
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("outbox notifications: connection", "event", int(ev), slog.Any("error", err))
		}
	})
	// Listen waits for a connection, and Close is what ends that wait.
	stop := context.AfterFunc(ctx, func() { l.Close() })
	defer stop()
	if err := l.Listen(OutboxNotifyChannel); err != nil {
		l.Close()
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("store: listen %s: %w", OutboxNotifyChannel, err)
	}
	defer l.Close()
	h.setListening(true)
	h.broadcast()
	ping := time.NewTicker(outboxListenerPing)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-l.Notify: // nil after a reconnection: wake up all the same
			if !ok {
				return nil // closed
			}
			h.broadcast()
		case <-ping.C:
			if err := l.Ping(); err != nil {
				log.Warn("outbox notifications: ping", slog.Any("error", err))
			}
		}
	}
}
