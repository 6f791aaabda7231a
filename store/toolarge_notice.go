package store

import (
	"context"
	"fmt"
	"time"
)

// SenderNotice is how the notice to the sender of a message quarantined for its size
// (NoticeTooLarge) stands.
type SenderNotice struct {
	DoneAt    *time.Time `db:"done_at" json:"done_at"`
	FailedAt  *time.Time `db:"failed_at" json:"failed_at"`
	LastError string     `db:"last_error" json:"last_error"`
}

// tooLargeNoticeSQL reads the notice item of message $1 (see actQuarantine in Ingest).
const tooLargeNoticeSQL = `SELECT done_at, failed_at, last_error FROM outbox WHERE idempotency_key = 'too-large:' || CAST($1 AS bigint)`

// TooLargeNotice is how the notice to the sender of message messageID, quarantined for
// its size, stands; ErrNotFound when none was queued.
func (s *Store) TooLargeNotice(ctx context.Context, messageID int64) (SenderNotice, error) {
	var n SenderNotice
	if err := s.db.GetContext(ctx, &n, tooLargeNoticeSQL, messageID); err != nil {
		return n, fmt.Errorf("store: too-large notice of message %d: %w", messageID, notFound(err))
	}
	return n, nil
}
