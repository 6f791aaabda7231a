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

// Run listens until ctx is done, then returns nil; call it once. The connection is re-established
// after a failure; a worker is woken after each reconnection too, since notifications
// may have been missed meanwhile.
func (n *OutboxNotifier) Run(ctx context.Context) error {
	l := pq.NewListener(n.url, time.Second, time.Minute, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			n.logger.Warn("outbox notifications", "event", int(ev), slog.Any("error", err))
		}
	})
	defer l.Close()
	if err := l.Listen(store.OutboxNotifyChannel); err != nil {
		return fmt.Errorf("mailin: listen %s: %w", store.OutboxNotifyChannel, err)
	}
	close(n.listening)
	ping := time.NewTicker(90 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-l.Notify: // nil after a reconnection: wake up all the same
			select {
			case n.wake <- struct{}{}:
			default:
			}
		case <-ping.C:
			if err := l.Ping(); err != nil {
				n.logger.Warn("outbox notifications: ping", slog.Any("error", err))
			}
		}
	}
}
