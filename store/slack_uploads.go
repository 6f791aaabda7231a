package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// OutboxSlackUpload uploads one attachment into its contribution's card thread.
const OutboxSlackUpload OutboxKind = "slack_upload"

// ActionFilesRequested is the event of a member asking for files that were held back
// (too large, or of a type not uploaded on its own) to be uploaded into the thread.
const ActionFilesRequested = "files_requested"

// SlackUploadPayload is the payload of a slack_upload item.
type SlackUploadPayload struct {
	AttachmentID int64 `json:"attachment_id"`
}

// SlackUploadKey is the idempotency key of the upload of an attachment into a
// contribution's thread: one item per file and thread, whoever queues it.
func SlackUploadKey(contributionID, attachmentID int64) string {
	return fmt.Sprintf("slack_upload:%d:%d", contributionID, attachmentID)
}

// NewSlackUploadItem is the outbox item that uploads attachment attachmentID (of message
// messageID) into contribution cid's thread.
func NewSlackUploadItem(cid, messageID, attachmentID int64) (OutboxItem, error) {
	return NewOutboxItem(OutboxSlackUpload, SlackUploadKey(cid, attachmentID), cid, messageID,
		SlackUploadPayload{AttachmentID: attachmentID})
}

// SlackUpload is how far the upload of one attachment into a contribution's thread has
// gone (slack_uploads). Each step is committed before the next Slack call.
type SlackUpload struct {
	AttachmentID      int64      `db:"attachment_id" json:"attachment_id"`
	ContributionID    int64      `db:"contribution_id" json:"contribution_id"`
	RequestedBy       string     `db:"requested_by" json:"requested_by"`
	RequestedAt       *time.Time `db:"requested_at" json:"requested_at"`
	FileID            string     `db:"file_id" json:"file_id"`
	UploadURL         string     `db:"upload_url" json:"-"`
	URLAt             *time.Time `db:"url_at" json:"url_at"`
	SentAt            *time.Time `db:"sent_at" json:"sent_at"`
	CompleteStartedAt *time.Time `db:"complete_started_at" json:"complete_started_at"`
	Channel           string     `db:"channel" json:"channel"`
	ThreadTS          string     `db:"thread_ts" json:"thread_ts"`
	DoneAt            *time.Time `db:"done_at" json:"done_at"`
	Error             string     `db:"error" json:"error"`
}

const slackUploadColumns = `attachment_id, contribution_id, requested_by, requested_at, file_id, upload_url, url_at,
	sent_at, complete_started_at, channel, thread_ts, done_at, error`

const slackUploadsSQL = `SELECT ` + slackUploadColumns + ` FROM slack_uploads WHERE contribution_id = $1 ORDER BY attachment_id`

// SlackUploads lists the uploads of a contribution's attachments, started or requested.
func (s *Store) SlackUploads(ctx context.Context, contributionID int64) ([]SlackUpload, error) {
	var out []SlackUpload
	if err := s.db.SelectContext(ctx, &out, slackUploadsSQL, contributionID); err != nil {
		return nil, fmt.Errorf("store: slack uploads of %d: %w", contributionID, err)
	}
	return out, nil
}

const slackUploadSQL = `SELECT ` + slackUploadColumns + ` FROM slack_uploads WHERE contribution_id = $1 AND attachment_id = $2`

// SlackUpload is the upload of one attachment into a contribution's thread; ErrNotFound
// when nothing was started or requested.
func (s *Store) SlackUpload(ctx context.Context, contributionID, attachmentID int64) (SlackUpload, error) {
	var u SlackUpload
	if err := s.db.GetContext(ctx, &u, slackUploadSQL, contributionID, attachmentID); err != nil {
		return u, fmt.Errorf("store: slack upload %d/%d: %w", contributionID, attachmentID, notFound(err))
	}
	return u, nil
}

// saveSlackUploadURLSQL records the file Slack made for an upload and where to send its
// bytes; the later steps start again from there.
const saveSlackUploadURLSQL = `INSERT INTO slack_uploads (contribution_id, attachment_id, file_id, upload_url, url_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (contribution_id, attachment_id) DO UPDATE SET file_id = EXCLUDED.file_id,
			upload_url = EXCLUDED.upload_url, url_at = EXCLUDED.url_at, sent_at = NULL,
			complete_started_at = NULL, error = ''`

// SaveSlackUploadURL records, and commits at once, the file id and upload URL
// files.getUploadURLExternal gave for an attachment: a retry uploads to that file instead
// of asking for another.
func (s *Store) SaveSlackUploadURL(ctx context.Context, contributionID, attachmentID int64, fileID, uploadURL string, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, saveSlackUploadURLSQL, contributionID, attachmentID, fileID, uploadURL, at); err != nil {
		return fmt.Errorf("store: save slack upload url %d/%d: %w", contributionID, attachmentID, err)
	}
	return nil
}

// Steps of an upload, each recorded and committed before the next call (SlackUploadStep).
const (
	UploadSent     = "sent"     // the upload URL accepted the bytes
	UploadComplete = "complete" // files.completeUploadExternal is about to be called
	UploadForget   = "forget"   // the file id is no good (Slack refused it): start again
)

const (
	slackUploadSentSQL     = `UPDATE slack_uploads SET sent_at = $3 WHERE contribution_id = $1 AND attachment_id = $2`
	slackUploadCompleteSQL = `UPDATE slack_uploads SET complete_started_at = $3, channel = $4, thread_ts = $5
		WHERE contribution_id = $1 AND attachment_id = $2`
	slackUploadForgetSQL = `UPDATE slack_uploads SET file_id = '', upload_url = '', url_at = NULL, sent_at = NULL,
		complete_started_at = NULL WHERE contribution_id = $1 AND attachment_id = $2`
)

// SlackUploadStep records, and commits at once, a step of an attachment's upload:
// UploadSent, UploadComplete (in channel's thread threadTS) or UploadForget.
func (s *Store) SlackUploadStep(ctx context.Context, contributionID, attachmentID int64, step string, at time.Time, channel, threadTS string) error {
	var err error
	switch step {
	case UploadSent:
		_, err = s.db.ExecContext(ctx, slackUploadSentSQL, contributionID, attachmentID, at)
	case UploadComplete:
		_, err = s.db.ExecContext(ctx, slackUploadCompleteSQL, contributionID, attachmentID, at, channel, threadTS)
	case UploadForget:
		_, err = s.db.ExecContext(ctx, slackUploadForgetSQL, contributionID, attachmentID)
	default:
		err = fmt.Errorf("unknown step %q", step)
	}
	if err != nil {
		return fmt.Errorf("store: slack upload %d/%d %s: %w", contributionID, attachmentID, step, err)
	}
	return nil
}

const (
	finishSlackUploadSQL = `UPDATE slack_uploads SET done_at = $3, error = '', channel = $4, thread_ts = $5
		WHERE contribution_id = $1 AND attachment_id = $2`
	failSlackUploadSQL = `INSERT INTO slack_uploads (contribution_id, attachment_id, error) VALUES ($1, $2, $3)
		ON CONFLICT (contribution_id, attachment_id) DO UPDATE SET error = EXCLUDED.error`
)

// FinishSlackUpload records that an attachment is shared in channel's thread threadTS.
func (s *Store) FinishSlackUpload(ctx context.Context, contributionID, attachmentID int64, at time.Time, channel, threadTS string) error {
	if _, err := s.db.ExecContext(ctx, finishSlackUploadSQL, contributionID, attachmentID, at, channel, threadTS); err != nil {
		return fmt.Errorf("store: finish slack upload %d/%d: %w", contributionID, attachmentID, err)
	}
	return nil
}

// FailSlackUpload records why an attachment cannot be uploaded and queues the card's
// update, which shows it (and offers Open files to try again when the file can be
// uploaded at all).
func (s *Store) FailSlackUpload(ctx context.Context, contributionID, attachmentID int64, msg string) error {
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, failSlackUploadSQL, contributionID, attachmentID, CleanText(msg)); err != nil {
			return err
		}
		// One update per failure: a file tried again may fail again.
		now := s.clock.Now()
		it, err := NewOutboxItem(OutboxSlackUpdate, fmt.Sprintf("update:%d:upload-failed:%d:%d", contributionID, attachmentID, now.UnixNano()),
			contributionID, 0, nil)
		if err != nil {
			return err
		}
		if _, err := s.enqueue(ctx, tx, it); err != nil {
			return err
		}
		return notifyOutbox(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("store: fail slack upload %d/%d: %w", contributionID, attachmentID, err)
	}
	return nil
}

// requestSlackUploadsSQL takes, of the attachments asked for ($2), those of the
// contribution ($1) that nobody asked for or uploaded yet, and records the request.
const requestSlackUploadsSQL = `WITH ins AS (
		INSERT INTO slack_uploads (contribution_id, attachment_id, requested_by, requested_at)
		SELECT $1, a.id, $3, $4 FROM attachments a JOIN messages m ON m.id = a.message_id
		WHERE m.contribution_id = $1 AND a.id = ANY(CAST($2 AS bigint[])) AND NOT a.inline
		ON CONFLICT (contribution_id, attachment_id) DO NOTHING
		RETURNING attachment_id)
		SELECT a.id AS attachment_id, a.message_id, a.filename FROM ins JOIN attachments a ON a.id = ins.attachment_id
		ORDER BY a.id`

// retrySlackUploadsSQL takes, of the attachments asked for ($2), those of the
// contribution ($1) whose upload failed (error recorded, not done), and records the new
// request: the failure is cleared.
const retrySlackUploadsSQL = `UPDATE slack_uploads u SET error = '', requested_by = $3, requested_at = $4
		FROM attachments a
		WHERE u.contribution_id = $1 AND u.attachment_id = ANY(CAST($2 AS bigint[])) AND u.error <> '' AND u.done_at IS NULL
			AND a.id = u.attachment_id
		RETURNING u.attachment_id, a.message_id, a.filename`

// retrySlackUploadItemSQL queues the upload item of a failed upload again: the item,
// failed for good, starts afresh (its attempts, and its age, which the watchdog
// watches); an item still pending is left as it is.
const retrySlackUploadItemSQL = `INSERT INTO outbox (kind, idempotency_key, contribution_id, message_id, payload, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (idempotency_key) DO UPDATE SET failed_at = NULL, done_at = NULL, attempts = 0, last_error = '',
			next_attempt_at = EXCLUDED.next_attempt_at, created_at = EXCLUDED.created_at
		WHERE outbox.failed_at IS NOT NULL`

// uploadRequestRow is an attachment a request queues.
type uploadRequestRow struct {
	AttachmentID int64  `db:"attachment_id"`
	MessageID    int64  `db:"message_id"`
	Filename     string `db:"filename"`
}

// RequestSlackUploads queues the upload of held-back attachments of a contribution
// into its thread, at a member's request: each attachment once, whoever asks and however
// often. An attachment whose upload failed (Slack refused it, or its attempts ran out)
// is tried again, once per request. The request is in the audit trail (files_requested,
// with the file names queued and those tried again) and the card is updated. It
// returns the names of the files queued now, tried again included.
func (s *Store) RequestSlackUploads(ctx context.Context, contributionID int64, attachmentIDs []int64, user string) ([]string, error) {
	var names []string
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := lockContribution(ctx, tx, contributionID); err != nil {
			return err
		}
		now := s.clock.Now()
		var rows, retried []uploadRequestRow
		if err := s.selectPrepared(ctx, tx, &rows, requestSlackUploadsSQL, contributionID,
			pq.Int64Array(attachmentIDs), SlackActor(user), now); err != nil {
			return fmt.Errorf("request: %w", err)
		}
		if err := s.selectPrepared(ctx, tx, &retried, retrySlackUploadsSQL, contributionID,
			pq.Int64Array(attachmentIDs), SlackActor(user), now); err != nil {
			return fmt.Errorf("retry: %w", err)
		}
		if len(rows) == 0 && len(retried) == 0 {
			return nil
		}
		details := map[string]any{}
		var fresh, again []string
		for _, r := range rows {
			it, err := NewSlackUploadItem(contributionID, r.MessageID, r.AttachmentID)
			if err != nil {
				return err
			}
			if _, err := s.enqueue(ctx, tx, it); err != nil {
				return err
			}
			fresh = append(fresh, r.Filename)
		}
		for _, r := range retried {
			it, err := NewSlackUploadItem(contributionID, r.MessageID, r.AttachmentID)
			if err != nil {
				return err
			}
			if err := s.exec(ctx, tx, retrySlackUploadItemSQL, it.Kind, it.IdempotencyKey, contributionID, r.MessageID,
				string(it.Payload), now); err != nil {
				return fmt.Errorf("retry %s: %w", it.IdempotencyKey, err)
			}
			again = append(again, r.Filename)
		}
		if len(fresh) > 0 {
			details["files"] = fresh
		}
		if len(again) > 0 {
			details["retried"] = again
		}
		names = append(fresh, again...)
		ev, err := s.insertEvent(ctx, tx, contributionID, SlackActor(user), ActionFilesRequested, "", "", details)
		if err != nil {
			return err
		}
		if err := s.enqueueCardUpdate(ctx, tx, contributionID, ev); err != nil {
			return err
		}
		return notifyOutbox(ctx, tx)
	})
	if err != nil {
		return nil, fmt.Errorf("store: request slack uploads of %d: %w", contributionID, notFound(err))
	}
	return names, nil
}
