package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/lib/pq"
)

// claimSlackRequestSQL records each key at $2, or takes over a key recorded before $3
// (forgotten, even if not pruned yet); it returns the keys it recorded.
const claimSlackRequestSQL = `INSERT INTO slack_requests (request_key, created_at)
		SELECT k, CAST($2 AS timestamptz) FROM unnest(CAST($1 AS text[])) AS k
		ON CONFLICT (request_key) DO UPDATE SET created_at = EXCLUDED.created_at
			WHERE slack_requests.created_at < $3
		RETURNING request_key`

// ClaimSlackRequest records the keys of a request Slack sent (its signature, event ID,
// envelope ID), at at, and reports whether none of them was recorded less than keep
// before: true when the request is new and its work is this caller's to do, false when
// it was accepted before (by any replica). Keys of a request seen before are recorded
// too. With no keys, the request is new.
func (s *Store) ClaimSlackRequest(ctx context.Context, keys []string, at time.Time, keep time.Duration) (bool, error) {
	want := slices.Compact(slices.Sorted(slices.Values(keys)))
	if len(want) == 0 {
		return true, nil
	}
	st, err := s.prepared(ctx, claimSlackRequestSQL)
	if err != nil {
		return false, fmt.Errorf("store: claim slack request: %w", err)
	}
	var got []string
	if err := st.SelectContext(ctx, &got, pq.Array(want), at, at.Add(-keep)); err != nil {
		return false, fmt.Errorf("store: claim slack request: %w", err)
	}
	return len(got) == len(want), nil
}

const releaseSlackRequestSQL = `DELETE FROM slack_requests WHERE request_key = ANY(CAST($1 AS text[]))`

// ReleaseSlackRequest forgets the keys of a request claimed but not accepted after all
// (the desk was too busy to queue it), so that Slack sending it again is done.
func (s *Store) ReleaseSlackRequest(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	st, err := s.prepared(ctx, releaseSlackRequestSQL)
	if err != nil {
		return fmt.Errorf("store: release slack request: %w", err)
	}
	if _, err := st.ExecContext(ctx, pq.Array(keys)); err != nil {
		return fmt.Errorf("store: release slack request: %w", err)
	}
	return nil
}

const pruneSlackRequestsSQL = `DELETE FROM slack_requests WHERE created_at < $1`

// PruneSlackRequests deletes the request keys recorded before before, and says how many.
func (s *Store) PruneSlackRequests(ctx context.Context, before time.Time) (int64, error) {
	st, err := s.prepared(ctx, pruneSlackRequestsSQL)
	if err != nil {
		return 0, fmt.Errorf("store: prune slack requests: %w", err)
	}
	res, err := st.ExecContext(ctx, before)
	if err != nil {
		return 0, fmt.Errorf("store: prune slack requests: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: prune slack requests: %w", err)
	}
	return n, nil
}
