package store

import (
	"context"
	"fmt"
)

const rawHeadSQL = `SELECT substring(raw FROM 1 FOR $2) FROM messages WHERE id = $1`

// RawHead returns at most the first n bytes of a stored message's raw bytes: enough to
// read its header (the acknowledgement mailer reads Reply-To there) without loading a
// large message whole.
func (s *Store) RawHead(ctx context.Context, id int64, n int) ([]byte, error) {
	var raw []byte
	if err := s.db.GetContext(ctx, &raw, rawHeadSQL, id, n); err != nil {
		return nil, fmt.Errorf("store: raw head of message %d: %w", id, notFound(err))
	}
	return raw, nil
}
