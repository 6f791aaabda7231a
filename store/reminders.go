package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// OutboxSlackDM is a direct message in Slack to one member: a contribution assigned to
// them, or a reminder of one that has not moved.
const OutboxSlackDM OutboxKind = "slack_dm"

// Types of DM.
const (
	DMAssigned = "assigned" // someone else assigned the contribution to User
	DMStale    = "stale"    // the contribution assigned to User has not moved for a while
)

// DM is the payload of a slack_dm item.
type DM struct {
	Type  string `json:"type"`
	User  string `json:"user"`            // the Slack user ID written to
	By    string `json:"by,omitempty"`    // assigned: who assigned it (Slack user ID)
	Since string `json:"since,omitempty"` // stale: the last move (RFC 3339)
}

// queueAssignedDM queues the direct message telling assignee that actor gave them the
// contribution, in the transaction that assigns it. Nobody is told of what they did
// themselves.
func (s *Store) queueAssignedDM(ctx context.Context, tx *sqlx.Tx, contributionID int64, actor, assignee string) error {
	if assignee == "" || assignee == actor || !IsSlackUserID(assignee) {
		return nil
	}
	key := fmt.Sprintf("dm:assigned:%d:%s:%d", contributionID, assignee, s.clock.Now().UnixNano())
	it, err := NewOutboxItem(OutboxSlackDM, key, contributionID, 0, DM{Type: DMAssigned, User: assignee, By: actor})
	if err != nil {
		return err
	}
	_, err = s.enqueue(ctx, tx, it)
	return err
}

// staleAssignedSQL lists the open contributions someone holds whose last move — the
// last event by a member of the secretariat (take, assign, classify, reply, a note...),
// else the last change — is at or before $1.
const staleAssignedSQL = `SELECT id, assignee, moved_at FROM (
		SELECT c.id, c.assignee, COALESCE((SELECT max(e.at) FROM events e
			WHERE e.contribution_id = c.id AND e.actor LIKE 'slack:%'), c.updated_at) AS moved_at
		FROM contributions c
		WHERE c.status <> 'closed' AND c.assignee <> '') s
	WHERE moved_at <= $1 ORDER BY moved_at, id LIMIT $2`

// StaleAssignment is an assigned contribution that has not moved.
type StaleAssignment struct {
	ContributionID int64     `db:"id"`
	Assignee       string    `db:"assignee"`
	MovedAt        time.Time `db:"moved_at"`
}

// QueueStaleReminders queues a reminder to the assignee of each open contribution that
// has not moved for after: one for each whole period of after since its last move (at
// after, 2×after, ...), once across replicas and restarts (the period is in the item's
// key). It reports how many it queued.
func (s *Store) QueueStaleReminders(ctx context.Context, now time.Time, after time.Duration, limit int) (int, error) {
	if after <= 0 {
		return 0, nil
	}
	var rows []StaleAssignment
	if err := s.db.SelectContext(ctx, &rows, staleAssignedSQL, now.Add(-after), limit); err != nil {
		return 0, fmt.Errorf("store: stale assignments: %w", err)
	}
	if len(rows) == 0 {
		return 0, nil
	}
	queued := 0
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		for _, r := range rows {
			if !IsSlackUserID(r.Assignee) {
				continue
			}
			period := int64(now.Sub(r.MovedAt) / after)
			key := fmt.Sprintf("dm:stale:%d:%s:%s:%d", r.ContributionID, r.Assignee, r.MovedAt.UTC().Format(time.RFC3339Nano), period)
			it, err := NewOutboxItem(OutboxSlackDM, key, r.ContributionID, 0,
				DM{Type: DMStale, User: r.Assignee, Since: r.MovedAt.UTC().Format(time.RFC3339Nano)})
			if err != nil {
				return err
			}
			created, err := s.enqueue(ctx, tx, it)
			if err != nil {
				return err
			}
			if created {
				queued++
			}
		}
		if queued > 0 {
			return notifyOutbox(ctx, tx)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: stale reminders: %w", err)
	}
	return queued, nil
}
