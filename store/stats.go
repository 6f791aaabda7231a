package store

import (
	"context"
	"fmt"
)

const statusCountsSQL = `SELECT status, count(*) AS n FROM contributions GROUP BY status`

// StatusCounts counts contributions by status (every status present, zero included).
func (s *Store) StatusCounts(ctx context.Context) (map[Status]int, error) {
	var rows []struct {
		Status Status `db:"status"`
		N      int    `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, statusCountsSQL); err != nil {
		return nil, fmt.Errorf("store: status counts: %w", err)
	}
	out := make(map[Status]int, len(Statuses))
	for _, st := range Statuses {
		out[st] = 0
	}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

const messageKindCountsSQL = `SELECT kind, count(*) AS n FROM messages GROUP BY kind`

// MessageKindCounts counts stored messages by kind (contribution, follow_up, auto_reply...).
func (s *Store) MessageKindCounts(ctx context.Context) (map[MessageKind]int, error) {
	var rows []struct {
		Kind MessageKind `db:"kind"`
		N    int         `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, messageKindCountsSQL); err != nil {
		return nil, fmt.Errorf("store: message counts: %w", err)
	}
	out := make(map[MessageKind]int, len(rows))
	for _, r := range rows {
		out[r.Kind] = r.N
	}
	return out, nil
}
