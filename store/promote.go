package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Promotion is what PromoteMessage needs besides the stored message: the intake's
// acknowledgement policy, and what the intake makes of the message's text.
type Promotion struct {
	Policy     IngestPolicy
	Suggestion Suggestion
	// NoReply is set when the sender's address must never get automatic mail.
	NoReply bool
}

// Promoted says what PromoteMessage did.
type Promoted struct {
	ContributionID int64
	Ref            string
	// Created is false when the message already belonged to a contribution (someone
	// made it one before): nothing was changed.
	Created       bool
	SortedAs      MessageKind // the kind the message had been sorted as
	AckQueued     bool
	AckSuppressed string // why no acknowledgement, when none was queued
}

// ErrNotPromotable is returned for a message that was not sorted away: one sent by us,
// or a duplicate (its first copy is the one to make a contribution).
var ErrNotPromotable = errors.New("store: only a message sorted away can be made a contribution")

// PromoteMessage makes a stored message that was sorted away (list mail, an automatic
// reply, a bounce, our own mail, a quarantined message) into a new contribution, in one
// transaction, the way the intake makes one: a reference number, the suggestions, the
// deadline, the card, the audit trail (who did it, and what the message had been sorted
// as) and the acknowledgement. The acknowledgement goes only when the intake's policy
// allows it (acknowledgements on, the message still within the window, the sender's
// address one that takes mail), and never for mail a robot sent: a bounce, an automatic
// reply, our own mail, list mail with robots' headers, or a quarantined message (nobody
// could tell who sent it). user is the Slack user who does it. Doing it again, or two
// people at once, changes nothing more.
//
// Mail from another sender (Message.OtherSender) is promoted too: it leaves the
// conversation it named for its own contribution, and the audit trail of the
// contribution it named records that (ActionSenderSeparated) with its card's update.
func (s *Store) PromoteMessage(ctx context.Context, messageID int64, user string, p Promotion) (Promoted, error) {
	var out Promoted
	err := s.withConnTx(ctx, func(tx *sqlx.Tx, conn *sql.Conn) error {
		var row struct {
			Direction      string          `db:"direction"`
			Kind           MessageKind     `db:"kind"`
			KindReason     string          `db:"kind_reason"`
			ContributionID *int64          `db:"contribution_id"`
			MessageID      *string         `db:"message_id"`
			FromName       string          `db:"from_name"`
			FromEmail      string          `db:"from_email"`
			ReplyTo        string          `db:"reply_to"`
			Subject        string          `db:"subject"`
			ReceivedAt     time.Time       `db:"received_at"`
			Language       string          `db:"language"`
			Headers        json.RawMessage `db:"headers"`
			OtherSender    bool            `db:"other_sender"`
			MailboxName    string          `db:"mailbox_name"`
			Ref            string          `db:"ref"`
		}
		if err := s.get(ctx, tx, &row, promoteLockMessageSQL, messageID); err != nil {
			return notFound(err)
		}
		out.SortedAs = row.Kind
		// Mail from another sender sits in the conversation it names until it is made a
		// contribution of its own.
		separated := int64(0)
		if row.ContributionID != nil && row.OtherSender {
			separated = *row.ContributionID
		} else if row.ContributionID != nil {
			out.ContributionID, out.Ref = *row.ContributionID, row.Ref
			return nil
		}
		if row.Direction != "in" || (!sortedAway(row.Kind) && separated == 0) {
			return fmt.Errorf("message %d is %s: %w", messageID, row.Kind, ErrNotPromotable)
		}
		var headers map[string]string
		_ = json.Unmarshal(row.Headers, &headers) // a message quarantined unread has none
		m := &Inbound{FromName: row.FromName, FromEmail: row.FromEmail, ReplyTo: row.ReplyTo, Subject: row.Subject,
			InternalDate: row.ReceivedAt, Language: row.Language, Suggestion: p.Suggestion, NoReply: p.NoReply, Headers: headers,
			MailboxName: row.MailboxName}
		if row.MessageID != nil {
			m.MessageID = *row.MessageID
		}
		if row.Kind == MsgList {
			m.ReplyTo = "" // a list's Reply-To is the list: the acknowledgement goes to the writer
		}
		var atts []struct {
			SHA256 string `db:"sha256"`
			Inline bool   `db:"inline"`
		}
		if err := s.selectPrepared(ctx, tx, &atts, promoteAttachmentsSQL, messageID); err != nil {
			return fmt.Errorf("attachments: %w", err)
		}
		for _, a := range atts {
			m.Attachments = append(m.Attachments, InboundAttachment{SHA256: a.SHA256, Inline: a.Inline})
		}
		m.Prepare()

		bc, err := s.prefetch(ctx, tx, IngestBatch{Messages: []Inbound{*m}}, p.Policy)
		if err != nil {
			return fmt.Errorf("prefetch: %w", err)
		}
		c := bc.decideContribution(m, s.clock.Now(), robotReason(row.Kind, row.KindReason, headers))
		c.card = true // a person asked for it: the desk sees it, history or not
		// The stored message becomes the first message of the new contribution.
		w, err := s.newWriter(ctx, tx, conn, false, 0, 0)
		if err != nil {
			return err
		}
		id, err := w.take(ctx, tx)
		if err != nil {
			return err
		}
		id.message = messageID
		w.addContribution(id, c, m, nil)
		if err := w.flush(ctx, tx); err != nil {
			return err
		}
		reason := fmt.Sprintf("made a contribution by %s; it had been sorted as %s (%s)", CleanText(user), row.Kind, row.KindReason)
		var promoted int64
		if separated != 0 {
			err = s.get(ctx, tx, &promoted, promoteSeparatedSQL, messageID, id.contribution, reason, separated)
		} else {
			err = s.get(ctx, tx, &promoted, promoteMessageSQL, messageID, id.contribution, reason)
		}
		if err != nil {
			return fmt.Errorf("promote: %w", err)
		}
		out.ContributionID, out.Ref, out.Created = id.contribution, w.refs[id.contribution], true
		out.AckSuppressed, out.AckQueued = c.reason, c.reason == ""
		details := map[string]any{"message": messageID, "sorted_as": row.Kind, "sorted_because": row.KindReason,
			"acknowledgement": "queued"}
		if c.reason != "" {
			details["acknowledgement"] = "none: " + c.reason
		}
		if separated != 0 {
			details["from_contribution"] = row.Ref
		}
		if _, err := s.insertEvent(ctx, tx, id.contribution, SlackActor(user), ActionPromote, "", "", details); err != nil {
			return err
		}
		if separated != 0 {
			evID, err := s.insertEvent(ctx, tx, separated, SlackActor(user), ActionSenderSeparated, "", "",
				map[string]any{"message": messageID, "from": row.FromEmail, "ref": out.Ref})
			if err != nil {
				return err
			}
			if err := s.enqueueCardUpdate(ctx, tx, separated, evID); err != nil {
				return err
			}
		}
		return notifyOutbox(ctx, tx)
	})
	if err != nil {
		return out, fmt.Errorf("store: promote message %d: %w", messageID, err)
	}
	return out, nil
}

const (
	// promoteLockMessageSQL locks the message to promote and gives what the intake
	// would have known of it, and the reference number of its contribution, if any.
	promoteLockMessageSQL = `SELECT m.direction, m.kind, m.kind_reason, m.contribution_id, m.message_id, m.from_name,
		m.from_email, m.reply_to, m.subject, m.received_at, m.language, m.headers, m.other_sender, m.mailbox_name,
		COALESCE((SELECT c.ref FROM contributions c WHERE c.id = m.contribution_id), '') AS ref
		FROM messages m WHERE m.id = $1 FOR UPDATE OF m`
	promoteAttachmentsSQL = `SELECT sha256, inline FROM attachments WHERE message_id = $1 ORDER BY position`
	// promoteMessageSQL makes the message ($1) the first message of the new contribution
	// ($2), with its new kind_reason ($3).
	promoteMessageSQL = `UPDATE messages SET contribution_id = $2, kind = 'contribution', kind_reason = $3
		WHERE id = $1 AND contribution_id IS NULL RETURNING id`
	// promoteSeparatedSQL makes mail from another sender ($1), in the conversation of
	// contribution $4, the first message of the new contribution ($2).
	promoteSeparatedSQL = `UPDATE messages SET contribution_id = $2, kind = 'contribution', kind_reason = $3, other_sender = false
		WHERE id = $1 AND contribution_id = $4 AND other_sender RETURNING id`
)

// SortedMessage is a message the intake sorted away, for the secretariat to review.
type SortedMessage struct {
	ID         int64       `db:"id" json:"id"`
	Kind       MessageKind `db:"kind" json:"kind"`
	KindReason string      `db:"kind_reason" json:"kind_reason"`
	FromName   string      `db:"from_name" json:"from_name"`
	FromEmail  string      `db:"from_email" json:"from_email"`
	Subject    string      `db:"subject" json:"subject"`
	DateHeader *time.Time  `db:"date_header" json:"date"`
	ReceivedAt time.Time   `db:"received_at" json:"received_at"`
	CreatedAt  time.Time   `db:"created_at" json:"created_at"`
	// Ref is the contribution a duplicate belongs to ("" for none).
	Ref string `db:"ref" json:"ref"`
}

// Promotable reports whether PromoteMessage can make the message a contribution.
func (m SortedMessage) Promotable() bool { return m.Ref == "" && sortedAway(m.Kind) }

// SortedKinds are the kinds of the messages SortedAway lists, in the order it lists them.
var SortedKinds = []MessageKind{MsgBounce, MsgAutoReply, MsgList, MsgOwn, MsgDuplicate, MsgQuarantined}

// sortedAwayWhere is the condition of the partial index messages_sorted_away_idx
// (migration 00004), written out so that the planner can use it.
const sortedAwayWhere = `m.kind IN ('auto_reply', 'bounce', 'list', 'own', 'duplicate', 'quarantined')`

const (
	sortedAwaySQL = `SELECT m.id, m.kind, m.kind_reason, m.from_name, m.from_email, m.subject,
			m.date_header, m.received_at, m.created_at, COALESCE(c.ref, '') AS ref, count(*) OVER () AS total
		FROM messages m LEFT JOIN contributions c ON c.id = m.contribution_id
		WHERE m.direction = 'in' AND m.created_at >= $1 AND m.created_at < $2 AND ` + sortedAwayWhere + `
		ORDER BY array_position($3, m.kind), m.received_at, m.id
		OFFSET $4 LIMIT $5`
	sortedAwayCountSQL = `SELECT count(*) FROM messages m
			WHERE m.direction = 'in' AND m.created_at >= $1 AND m.created_at < $2 AND ` + sortedAwayWhere
)

// SortedAway returns the inbound messages stored in [since, until) that the desk does not
// see as contributions or follow-ups (bounces, automatic replies, list mail, our own
// mail, duplicates, quarantined), grouped by kind in SortedKinds' order, oldest first
// within a kind: at most limit of them after the first offset, and how many there are
// in the window in all.
func (s *Store) SortedAway(ctx context.Context, since, until time.Time, offset, limit int) ([]SortedMessage, int, error) {
	var rows []struct {
		SortedMessage
		Total int `db:"total"`
	}
	err := s.db.SelectContext(ctx, &rows, sortedAwaySQL, since, until, kindStrings(SortedKinds), max(offset, 0), max(limit, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("store: sorted away: %w", err)
	}
	out := make([]SortedMessage, len(rows))
	total := 0
	for i, r := range rows {
		out[i], total = r.SortedMessage, r.Total
	}
	if len(rows) == 0 {
		// No row carries the count: past the last page, or an empty window.
		if err := s.db.GetContext(ctx, &total, sortedAwayCountSQL, since, until); err != nil {
			return nil, 0, fmt.Errorf("store: sorted away: %w", err)
		}
	}
	return out, total, nil
}
