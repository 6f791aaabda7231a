package store

import (
	"context"
	"fmt"
	"time"
)

// The queries behind /metrics run at every scrape: each reads an index over the work in
// hand (open contributions, pending outbox items), never a whole table. What grows with
// history (messages stored, items sent) is counted in the process instead, through
// ObserveIngested and ObserveOutboxDone.

// OpenStatuses are the statuses of contributions still being worked on.
var OpenStatuses = []Status{StatusReceived, StatusTaken, StatusClassified}

// openStatusCountsSQL is an index-only scan of contributions_status_idx over the open
// statuses.
const openStatusCountsSQL = `SELECT status, count(*) AS n FROM contributions
	WHERE status IN ('received', 'acknowledged', 'classified') GROUP BY status`

// OpenStatusCounts counts the contributions still being worked on, by status (every open
// status present, zero included). Closed contributions are not counted: they only grow.
func (s *Store) OpenStatusCounts(ctx context.Context) (map[Status]int, error) {
	var rows []struct {
		Status Status `db:"status"`
		N      int    `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, openStatusCountsSQL); err != nil {
		return nil, fmt.Errorf("store: open status counts: %w", err)
	}
	out := make(map[Status]int, len(OpenStatuses))
	for _, st := range OpenStatuses {
		out[st] = 0
	}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// outboxQueueSQL reads the pending items through the partial index outbox_pending_kind_idx.
const outboxQueueSQL = `SELECT count(*) AS pending, min(created_at) AS oldest FROM outbox
	WHERE done_at IS NULL AND failed_at IS NULL`

// OutboxQueue counts the pending outbox items and gives the age of the oldest (0 when
// none is pending).
func (s *Store) OutboxQueue(ctx context.Context) (pending int, oldest time.Duration, err error) {
	var row struct {
		Pending int        `db:"pending"`
		Oldest  *time.Time `db:"oldest"`
	}
	if err := s.db.GetContext(ctx, &row, outboxQueueSQL); err != nil {
		return 0, 0, fmt.Errorf("store: outbox queue: %w", err)
	}
	if row.Oldest != nil {
		oldest = s.clock.Now().Sub(*row.Oldest)
	}
	return row.Pending, oldest, nil
}

// mailDueSQL tells whether an acknowledgement or a reply is due (outbox_pending_kind_idx).
const mailDueSQL = `SELECT EXISTS (SELECT 1 FROM outbox WHERE kind IN ('ack_email', 'reply_email')
	AND done_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1)`

// MailDue tells whether mail to stakeholders (an acknowledgement or a reply) is due and
// not sent yet: background work that can wait lets it go first.
func (s *Store) MailDue(ctx context.Context) (bool, error) {
	var due bool
	if err := s.dbGet(ctx, &due, mailDueSQL, s.clock.Now()); err != nil {
		return false, fmt.Errorf("store: mail due: %w", err)
	}
	return due, nil
}
