package mailin

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/lib/pq"

	"github.com/wsis/wsisbot/store"
)

// OutboxNotifier listens on PostgreSQL's NOTIFY channel of the outbox
// (store.OutboxNotifyChannel) and wakes a worker as soon as an item is queued, instead
// of waiting for its next poll. Give Wake() to one AckWorker's Wake field.
type OutboxNotifier struct {
	url       string
	logger    *slog.Logger
	wake      chan struct{}
	listening chan struct{}
}

// NewOutboxNotifier listens with its own connection to databaseURL.
func NewOutboxNotifier(databaseURL string, logger *slog.Logger) *OutboxNotifier {
	if logger == nil {
		logger = slog.Default()
	}
	return &OutboxNotifier{url: databaseURL, logger: logger.With("component", "mailin.outbox"),
		wake: make(chan struct{}, 1), listening: make(chan struct{})}
}

// Listening is closed once the server has acknowledged LISTEN.
func (n *OutboxNotifier) Listening() <-chan struct{} { return n.listening }

// Wake receives a value after each notification (several collapse into one).
func (n *OutboxNotifier) Wake() <-chan struct{} { return n.wake }

// Run listens until ctx is done, then returns nil; call it once. The connection is
// re-established after a failure (a database restart), retrying every second up to every
// 10 s, and a worker is woken after each reconnection, since notifications may have been
// missed meanwhile. A database that is down when Run starts is waited for the same way.
// Notifications only shorten the workers' waits: each worker also looks for due items on
// its own every AckWorker.Idle, so nothing waits on a lost notification.
func (n *OutboxNotifier) Run(ctx context.Context) error {
	l := pq.NewListener(n.url, time.Second, 10*time.Second, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			n.logger.Warn("outbox notifications", "event", int(ev), slog.Any("error", err))
		}
	})
	// Listen waits for a connection, and Close is what ends that wait.
	stop := context.AfterFunc(ctx, func() { l.Close() })
	defer stop()
	if err := l.Listen(store.OutboxNotifyChannel); err != nil {
		l.Close()
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("mailin: listen %s: %w", store.OutboxNotifyChannel, err)
	}
	defer l.Close()
	close(n.listening)
	n.signal()
	ping := time.NewTicker(90 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-l.Notify: // nil after a reconnection: wake up all the same
			if !ok {
				return nil // closed
			}
			n.signal()
		case <-ping.C:
			if err := l.Ping(); err != nil {
				n.logger.Warn("outbox notifications: ping", slog.Any("error", err))
			}
		}
	}
}

func (n *OutboxNotifier) signal() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}
