package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// History: mail that reached the mailbox longer ago than the acknowledgement window
// (first contact with a mailbox full of old mail, or mail that waited while the intake
// was down) is stored and searchable, but gets no card unless IngestPolicy.HistoryCards.
// The messages and contributions of such an import are counted, in the transaction that
// stores them, in its history_imports row; when the intake has caught up with the
// mailbox (CaughtUp) the import is closed and the channel gets one summary. A restart
// in the middle continues the same import, and an import stored but not yet summarised
// is summarised at the next catch-up: one summary per import, never none.

// isHistory says whether mail that reached the mailbox at received is history at now.
func (p IngestPolicy) isHistory(received, now time.Time) bool {
	if p.ArchiveImport != 0 {
		return true
	}
	if received.IsZero() {
		received = now
	}
	return p.AckWindow > 0 && now.Sub(received) > p.AckWindow
}

const (
	// countHistorySQL adds to the open import, opening one when none is.
	countHistorySQL = `INSERT INTO history_imports (started_at, cutoff, messages, contributions, updated_at)
		VALUES ($1, $2, $3, $4, $1)
		ON CONFLICT ((closed_at IS NULL)) WHERE closed_at IS NULL DO UPDATE SET
			messages = history_imports.messages + EXCLUDED.messages,
			contributions = history_imports.contributions + EXCLUDED.contributions,
			cutoff = greatest(history_imports.cutoff, EXCLUDED.cutoff), updated_at = EXCLUDED.updated_at`
	// closeHistoryImportSQL closes the open import, if any.
	closeHistoryImportSQL = `UPDATE history_imports SET closed_at = $1 WHERE closed_at IS NULL
		RETURNING id, messages, contributions, cutoff`
	// historyCardSQL says whether the card of contribution $1, a history contribution
	// not posted, is on its way: queued and pending, or queued now when $4 (a message
	// that is not history, $2, follows it up). A card that failed for good is not on
	// its way.
	historyCardSQL = `WITH pending AS (
			SELECT 1 FROM outbox WHERE kind = 'slack_card' AND contribution_id = $1 AND done_at IS NULL AND failed_at IS NULL
		), queued AS (
			INSERT INTO outbox (kind, idempotency_key, contribution_id, message_id, payload, next_attempt_at, created_at)
			SELECT 'slack_card', 'card:' || $1::bigint, $1, $2, '{}', $3, $3 WHERE $4 AND NOT EXISTS (SELECT 1 FROM pending)
			ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
		)
		SELECT EXISTS (SELECT 1 FROM pending) OR EXISTS (SELECT 1 FROM queued)`
	// queueCardSQL queues the card of a contribution that has none, on request.
	queueCardSQL = `INSERT INTO outbox (kind, idempotency_key, contribution_id, payload, next_attempt_at, created_at)
		SELECT 'slack_card', 'card:' || c.id, c.id, '{}', $2, $2 FROM contributions c WHERE c.id = $1 AND c.slack_ts = ''
		ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`
)

// countHistory adds the history among a batch's newly stored messages (and the new
// contributions among them) to the open import. Nothing is counted when history gets
// cards: the channel then sees each of them.
func (s *Store) countHistory(ctx context.Context, tx *sqlx.Tx, pol IngestPolicy, msgs []Inbound, out []Ingested) error {
	if pol.ArchiveImport != 0 {
		return s.countArchive(ctx, tx, pol.ArchiveImport, out)
	}
	if pol.HistoryCards || pol.AckWindow <= 0 {
		return nil
	}
	now := s.clock.Now()
	var messages, contributions int
	for i, r := range out {
		if r.Skipped || r.MessageRowID == 0 || i >= len(msgs) || !pol.isHistory(msgs[i].InternalDate, now) {
			continue
		}
		messages++
		if r.NewContrib {
			contributions++
		}
	}
	if messages == 0 {
		return nil
	}
	if err := s.exec(ctx, tx, countHistorySQL, now, now.Add(-pol.AckWindow), messages, contributions); err != nil {
		return fmt.Errorf("count history: %w", err)
	}
	return nil
}

// historyFollowUp decides what Slack hears of message, mail that follows up c (decided
// as d), when c is a history contribution whose card is not posted. A message that is
// not history (its sender writes now) queues the card, unless it is on its way already:
// the desk must see the new mail, and its note and the card's update follow the card.
// A message that is itself history (an old follow-up read late, or an archive's) queues
// no card: when none is on its way either, quiet is true and nothing is queued for
// Slack, since a thread note or a card update would wait for a card that never comes
// (the watchdog would see them wait). The card, if someone asks for it (/wsis card),
// shows the conversation as it is then. For any other contribution quiet is false.
func (s *Store) historyFollowUp(ctx context.Context, tx *sqlx.Tx, c Contribution, message int64, d decision) (quiet bool, err error) {
	if !c.History || c.SlackTS != "" {
		return false, nil
	}
	var coming bool
	if err := s.get(ctx, tx, &coming, historyCardSQL, c.ID, message, s.clock.Now(), d.recent && !d.archived); err != nil {
		return false, fmt.Errorf("card of history contribution %d: %w", c.ID, err)
	}
	return !coming, nil
}

// HistoryImport is a closed import of history: how many messages it stored, how many
// of them were new contributions, and the moment they all arrived before.
type HistoryImport struct {
	ID            int64     `db:"id" json:"id"`
	Messages      int       `db:"messages" json:"messages"`
	Contributions int       `db:"contributions" json:"contributions"`
	Cutoff        time.Time `db:"cutoff" json:"cutoff"`
}

// queueHistorySummary queues, in tx, the channel's one summary of an import of history
// (a slack_notice of type NoticeHistoryImport under key): its messages and contributions,
// all from before before.
func (s *Store) queueHistorySummary(ctx context.Context, tx *sqlx.Tx, key string, messages, contributions int, before time.Time) error {
	it, err := NewOutboxItem(OutboxSlackNotice, key, 0, 0, Notice{
		Type: NoticeHistoryImport, Messages: messages, Contributions: contributions,
		Before: before.UTC().Format(time.RFC3339)})
	if err != nil {
		return err
	}
	if _, err := s.enqueue(ctx, tx, it); err != nil {
		return err
	}
	return notifyOutbox(ctx, tx)
}

// CaughtUp tells the store that the intake has stored everything the mailbox held: the
// open import of history, if any, is closed and its summary queued for the channel (a
// slack_notice of type NoticeHistoryImport), in one transaction. It reports the import
// closed; ErrNotFound when none was open (the usual case: call it after every pass).
func (s *Store) CaughtUp(ctx context.Context) (HistoryImport, error) {
	var imp HistoryImport
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if err := s.get(ctx, tx, &imp, closeHistoryImportSQL, s.clock.Now()); err != nil {
			return err
		}
		return s.queueHistorySummary(ctx, tx, fmt.Sprintf("history-import:%d", imp.ID), imp.Messages, imp.Contributions, imp.Cutoff)
	})
	if errors.Is(err, errNoRows) {
		return imp, fmt.Errorf("store: caught up: no import of history: %w", ErrNotFound)
	}
	if err != nil {
		return imp, fmt.Errorf("store: caught up: %w", err)
	}
	return imp, nil
}

// ActionCardRequested is the event of a person asking for the card of a contribution
// that had none (history).
const ActionCardRequested = "card_requested"

// QueueCard queues the card of a contribution that has none (history stored without
// one), on actor's request, and records who asked. It reports false when the
// contribution has a card, or one was queued before (posted, waiting, or failed).
func (s *Store) QueueCard(ctx context.Context, id int64, actor string) (bool, error) {
	queued := false
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var item int64
		switch err := s.get(ctx, tx, &item, queueCardSQL, id, s.clock.Now()); {
		case errors.Is(err, errNoRows):
			return nil
		case err != nil:
			return err
		}
		queued = true
		if _, err := s.insertEvent(ctx, tx, id, CleanText(actor), ActionCardRequested, "", "", nil); err != nil {
			return err
		}
		return notifyOutbox(ctx, tx)
	})
	if err != nil {
		return false, fmt.Errorf("store: queue card of %d: %w", id, err)
	}
	return queued, nil
}
