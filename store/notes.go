package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Actions of the notes kept from a card's thread, events in the audit trail.
const (
	ActionNoteAdded   = "note_added"   // a member wrote in the card's thread
	ActionNoteEdited  = "note_edited"  // they edited what they wrote
	ActionNoteDeleted = "note_deleted" // it was deleted in Slack
)

// Note is what someone wrote in a contribution's card thread in Slack, as it stands now.
type Note struct {
	ID             int64      `db:"id" json:"-"`
	ContributionID int64      `db:"contribution_id" json:"-"`
	Channel        string     `db:"channel" json:"channel"`
	TS             string     `db:"ts" json:"ts"`
	Author         string     `db:"author" json:"author"` // Slack user ID
	Text           string     `db:"text" json:"text"`
	PostedAt       time.Time  `db:"posted_at" json:"posted_at"`
	EditedTS       string     `db:"edited_ts" json:"-"`
	EditedAt       *time.Time `db:"edited_at" json:"edited_at"`
	DeletedAt      *time.Time `db:"deleted_at" json:"deleted_at"`
}

// NoteChange is one message event of a card's thread.
type NoteChange struct {
	Action   string // ActionNoteAdded, ActionNoteEdited or ActionNoteDeleted
	Channel  string
	ThreadTS string // the card's ts
	TS       string // the reply's own ts
	Author   string // Slack user ID ("" when a deletion does not say)
	Text     string
	EditedTS string // an edit's edited.ts: later edits win, whatever order they come in
}

const noteColumns = `id, contribution_id, channel, ts, author, text, posted_at, edited_ts, edited_at, deleted_at`

const (
	contributionByCardSQL = `SELECT ` + contributionColumns + ` FROM contributions
		WHERE slack_ts = $2 AND slack_ts <> '' AND (slack_channel = $1 OR slack_channel = '')`
	lockNoteSQL   = `SELECT ` + noteColumns + ` FROM slack_notes WHERE channel = $1 AND ts = $2 FOR UPDATE`
	insertNoteSQL = `INSERT INTO slack_notes (contribution_id, channel, ts, author, text, posted_at, edited_ts, edited_at, deleted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (channel, ts) DO NOTHING RETURNING id`
	editNoteSQL    = `UPDATE slack_notes SET text = $2, edited_ts = $3, edited_at = $4 WHERE id = $1`
	deleteNoteSQL  = `UPDATE slack_notes SET deleted_at = $2 WHERE id = $1`
	notesSQL       = `SELECT ` + noteColumns + ` FROM slack_notes WHERE contribution_id = $1 ORDER BY posted_at, id`
	exportNotesSQL = `SELECT ` + noteColumns + ` FROM slack_notes ORDER BY contribution_id, posted_at, id`
)

// ContributionByCard is the contribution whose card is the message ts in channel;
// ErrNotFound when none is.
func (s *Store) ContributionByCard(ctx context.Context, channel, ts string) (Contribution, error) {
	var c Contribution
	if err := s.db.GetContext(ctx, &c, contributionByCardSQL, channel, ts); err != nil {
		return c, fmt.Errorf("store: contribution of card %s: %w", ts, notFound(err))
	}
	return c, nil
}

// TSTime is a Slack message timestamp ("1548061200.000100") as a time.
func TSTime(ts string) (time.Time, bool) {
	sec, frac, _ := strings.Cut(ts, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	var us int64
	if frac != "" {
		frac = (frac + "000000")[:6]
		if us, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return time.Time{}, false
		}
	}
	return time.Unix(n, us*1000), true
}

// tsAfter reports whether Slack timestamp a is later than b ("" is before everything).
func tsAfter(a, b string) bool {
	ta, oka := TSTime(a)
	tb, okb := TSTime(b)
	switch {
	case !oka:
		return false
	case !okb:
		return true
	}
	return ta.After(tb)
}

// RecordNote keeps a change of a card's thread: a reply becomes a note of the
// contribution, an edit changes its text, a deletion marks it deleted; each is an event
// in the audit trail, in the same transaction. Slack may deliver the events of one
// message more than once and in any order: a note is added once, an edit older than the
// text kept changes nothing, and a deleted note stays deleted (an edit or the reply
// arriving after the deletion does not bring it back). It reports whether anything
// changed, and returns ErrNotFound when the thread is no card's.
func (s *Store) RecordNote(ctx context.Context, ch NoteChange) (Note, bool, error) {
	var out Note
	changed := false
	posted, ok := TSTime(ch.TS)
	if !ok {
		return out, false, fmt.Errorf("store: note: bad ts %q", ch.TS)
	}
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var c Contribution
		if err := tx.GetContext(ctx, &c, contributionByCardSQL, ch.Channel, ch.ThreadTS); err != nil {
			return notFound(err)
		}
		now := s.clock.Now()
		text := CleanText(ch.Text)
		var n Note
		err := tx.GetContext(ctx, &n, lockNoteSQL, ch.Channel, ch.TS)
		inserted := false
		if errors.Is(err, errNoRows) {
			// First news of this message, whatever the event: keep it.
			n = Note{ContributionID: c.ID, Channel: ch.Channel, TS: ch.TS, Author: CleanText(ch.Author), Text: text, PostedAt: posted}
			if ch.Action == ActionNoteEdited {
				n.EditedTS, n.EditedAt = ch.EditedTS, &now
			}
			if ch.Action == ActionNoteDeleted {
				n.DeletedAt = &now
			}
			err = tx.GetContext(ctx, &n.ID, insertNoteSQL, n.ContributionID, n.Channel, n.TS, n.Author, n.Text,
				n.PostedAt, n.EditedTS, n.EditedAt, n.DeletedAt)
			switch {
			case err == nil:
				inserted = true
			case errors.Is(err, errNoRows):
				// Another event of the same message was kept meanwhile: change that.
				err = tx.GetContext(ctx, &n, lockNoteSQL, ch.Channel, ch.TS)
			default:
				return fmt.Errorf("insert: %w", err)
			}
		}
		switch {
		case inserted:
		case err != nil:
			return fmt.Errorf("lock: %w", err)
		default:
			if n.ContributionID != c.ID {
				return fmt.Errorf("message %s is a note of another contribution", ch.TS)
			}
			switch {
			case n.DeletedAt != nil:
				return nil
			case ch.Action == ActionNoteAdded:
				return nil // Slack sent it again
			case ch.Action == ActionNoteEdited:
				if !tsAfter(ch.EditedTS, n.EditedTS) || text == n.Text {
					return nil
				}
				if _, err := tx.ExecContext(ctx, editNoteSQL, n.ID, text, ch.EditedTS, now); err != nil {
					return fmt.Errorf("edit: %w", err)
				}
				n.Text, n.EditedTS, n.EditedAt = text, ch.EditedTS, &now
			case ch.Action == ActionNoteDeleted:
				if _, err := tx.ExecContext(ctx, deleteNoteSQL, n.ID, now); err != nil {
					return fmt.Errorf("delete: %w", err)
				}
				n.DeletedAt = &now
			default:
				return fmt.Errorf("unknown note action %q", ch.Action)
			}
		}
		author := n.Author
		if author == "" {
			author = ch.Author
		}
		actor := ActorSystem
		if author != "" {
			actor = SlackActor(author)
		}
		details := map[string]string{"channel": n.Channel, "ts": n.TS}
		if ch.Action != ActionNoteDeleted {
			details["text"] = n.Text
		}
		if _, err := s.insertEvent(ctx, tx, c.ID, actor, ch.Action, "", "", details); err != nil {
			return err
		}
		out, changed = n, true
		return nil
	})
	if err != nil {
		return out, false, fmt.Errorf("store: note %s: %w", ch.TS, err)
	}
	return out, changed, nil
}

// Notes lists a contribution's notes, deleted ones included, oldest first.
func (s *Store) Notes(ctx context.Context, contributionID int64) ([]Note, error) {
	var ns []Note
	if err := s.db.SelectContext(ctx, &ns, notesSQL, contributionID); err != nil {
		return nil, fmt.Errorf("store: notes of %d: %w", contributionID, err)
	}
	return ns, nil
}

// exportNotes adds every note to the export's rows, in the export's snapshot.
func exportNotes(ctx context.Context, tx *sqlx.Tx, rows []ExportRow, index map[int64]int) error {
	var ns []Note
	if err := tx.SelectContext(ctx, &ns, exportNotesSQL); err != nil {
		return fmt.Errorf("store: export notes: %w", err)
	}
	for _, n := range ns {
		if i, ok := index[n.ContributionID]; ok {
			rows[i].Notes = append(rows[i].Notes, n)
		}
	}
	return nil
}
