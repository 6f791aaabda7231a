package store

import (
	"context"
	"fmt"
	"time"
)

// ContributionSummary is one contribution as an overview lists it.
type ContributionSummary struct {
	Ref       string           `db:"ref" json:"ref"`
	Language  string           `db:"language" json:"language"`
	Kind      ContributionKind `db:"kind" json:"kind"` // the confirmed kind, else the suggested one, else ""
	FromEmail string           `db:"from_email" json:"from_email"`
	// DeadlineAt is the end of the phase the contribution was received in (nil: none).
	DeadlineAt          *time.Time `db:"deadline_at" json:"deadline"`
	Late                bool       `db:"late" json:"late"`
	AckStatus           string     `db:"ack_status" json:"ack_status"`
	AckSuppressedReason string     `db:"ack_suppressed_reason" json:"ack_suppressed_reason"`
	Carded              bool       `db:"carded" json:"carded"` // its card is posted in Slack
}

const contributionSummariesSQL = `SELECT ref, language, COALESCE(kind, kind_suggested, '') AS kind, from_email,
		deadline_at, late, ack_status, ack_suppressed_reason, slack_ts <> '' AS carded
		FROM contributions ORDER BY seq`

// ContributionSummaries lists every contribution in the order they were received.
func (s *Store) ContributionSummaries(ctx context.Context) ([]ContributionSummary, error) {
	var out []ContributionSummary
	if err := s.db.SelectContext(ctx, &out, contributionSummariesSQL); err != nil {
		return nil, fmt.Errorf("store: contribution summaries: %w", err)
	}
	return out, nil
}

// KindCount is how many inbound messages are of one kind.
type KindCount struct {
	Kind MessageKind `db:"kind" json:"kind"`
	N    int         `db:"n" json:"n"`
}

const inboundKindCountsSQL = `SELECT kind, count(*) AS n FROM messages WHERE direction = 'in'
		GROUP BY kind ORDER BY kind`

// InboundKindCounts counts the inbound messages by kind (contribution, follow_up,
// auto_reply...), kinds in alphabetical order, kinds with no message left out.
func (s *Store) InboundKindCounts(ctx context.Context) ([]KindCount, error) {
	var out []KindCount
	if err := s.db.SelectContext(ctx, &out, inboundKindCountsSQL); err != nil {
		return nil, fmt.Errorf("store: inbound kind counts: %w", err)
	}
	return out, nil
}

// Progress is how far the handling of the mail received has come.
type Progress struct {
	Inbound       int `db:"inbound" json:"inbound"`               // inbound messages stored
	OutboxPending int `db:"outbox_pending" json:"outbox_pending"` // side effects neither done nor failed for good
}

const progressSQL = `SELECT (SELECT count(*) FROM messages WHERE direction = 'in') AS inbound,
		(SELECT count(*) FROM outbox WHERE done_at IS NULL AND failed_at IS NULL) AS outbox_pending`

// Progress counts the inbound messages stored and the side effects still to carry out.
func (s *Store) Progress(ctx context.Context) (Progress, error) {
	var p Progress
	if err := s.db.GetContext(ctx, &p, progressSQL); err != nil {
		return Progress{}, fmt.Errorf("store: progress: %w", err)
	}
	return p, nil
}
