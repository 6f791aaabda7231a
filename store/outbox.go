package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/wsis/wsisbot/internal/backoff"
)

// OutboxKind is the side effect an outbox item asks for (outbox.kind).
type OutboxKind string

// Kinds of outbox item: each is a side effect a worker carries out.
const (
	OutboxAckEmail    OutboxKind = "ack_email"    // the acknowledgement to a stakeholder
	OutboxReplyEmail  OutboxKind = "reply_email"  // a secretariat reply written in Slack
	OutboxSlackCard   OutboxKind = "slack_card"   // post the card of a new contribution
	OutboxSlackUpdate OutboxKind = "slack_update" // update a card in place after an action
	OutboxSlackThread OutboxKind = "slack_thread" // a note in a card's thread (follow-up, ack, bounce, ...)
	OutboxSlackNotice OutboxKind = "slack_notice" // a message in the channel (quarantine, digest, alert)
)

// OutboxItem is a pending side effect. IdempotencyKey is unique: enqueueing the same key
// twice keeps one item.
type OutboxItem struct {
	ID             int64           `db:"id" json:"id"`
	Kind           OutboxKind      `db:"kind" json:"kind"`
	IdempotencyKey string          `db:"idempotency_key" json:"idempotency_key"`
	ContributionID *int64          `db:"contribution_id" json:"contribution_id"`
	MessageID      *int64          `db:"message_id" json:"message_id"`
	Payload        json.RawMessage `db:"payload" json:"payload"`
	Attempts       int             `db:"attempts" json:"attempts"`
	NextAttemptAt  time.Time       `db:"next_attempt_at" json:"next_attempt_at"`
	LastError      string          `db:"last_error" json:"last_error"`
	DoneAt         *time.Time      `db:"done_at" json:"done_at"`
	FailedAt       *time.Time      `db:"failed_at" json:"failed_at"`
	CreatedAt      time.Time       `db:"created_at" json:"created_at"`
	// CoalescedInto is, for a card update done without a call of its own, the update
	// whose rendering of the card's latest state served it.
	CoalescedInto *int64 `db:"coalesced_into" json:"coalesced_into"`
	// Subject is, for an acknowledgement, what it is about, read with the claim for the
	// whole batch in one statement (nil: its handler reads it; see AckSubject).
	Subject *AckSubject `db:"-" json:"-"`
}

const outboxColumns = `id, kind, idempotency_key, contribution_id, message_id, payload, attempts,
	next_attempt_at, last_error, done_at, failed_at, created_at, coalesced_into`

// NewOutboxItem builds an item; payload is marshalled to JSON (nil for none).
func NewOutboxItem(kind OutboxKind, key string, contributionID, messageID int64, payload any) (OutboxItem, error) {
	it := OutboxItem{Kind: kind, IdempotencyKey: key, Payload: json.RawMessage("{}")}
	if contributionID != 0 {
		it.ContributionID = &contributionID
	}
	if messageID != 0 {
		it.MessageID = &messageID
	}
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return it, fmt.Errorf("store: outbox payload: %w", err)
		}
		it.Payload = b
	}
	return it, nil
}

// OutboxNotifyChannel is the PostgreSQL NOTIFY channel raised when items are queued.
const OutboxNotifyChannel = "wsisbot_outbox"

// outboxTable is the outbox's column list for every INSERT: enqueue's and the ingest
// writer's.
var outboxTable = table{"outbox", []string{"kind", "idempotency_key", "contribution_id", "message_id", "payload", "next_attempt_at", "created_at"}}

var enqueueSQL = outboxTable.insertSQL(false, 1, "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id")

// enqueue inserts an item unless its idempotency key exists. It reports whether it was new.
func (s *Store) enqueue(ctx context.Context, tx *sqlx.Tx, it OutboxItem) (bool, error) {
	now := s.clock.Now()
	if it.NextAttemptAt.IsZero() {
		it.NextAttemptAt = now
	}
	if len(it.Payload) == 0 {
		it.Payload = json.RawMessage("{}")
	}
	var id int64
	err := tx.QueryRowxContext(ctx, enqueueSQL,
		it.Kind, it.IdempotencyKey, it.ContributionID, it.MessageID, string(it.Payload), it.NextAttemptAt, now).Scan(&id)
	if err != nil {
		if errors.Is(err, errNoRows) {
			return false, nil
		}
		return false, fmt.Errorf("enqueue %s: %w", it.IdempotencyKey, err)
	}
	return true, nil
}

const notifyOutboxSQL = `SELECT pg_notify('` + OutboxNotifyChannel + `', '')`

// notifyOutbox wakes the outbox workers when the transaction commits. Call it once per
// transaction that queued items.
func notifyOutbox(ctx context.Context, tx *sqlx.Tx) error {
	if _, err := tx.ExecContext(ctx, notifyOutboxSQL); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// Enqueue queues one item; a second item with the same idempotency key is ignored.
func (s *Store) Enqueue(ctx context.Context, it OutboxItem) (bool, error) {
	var created bool
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if created, err = s.enqueue(ctx, tx, it); err != nil || !created {
			return err
		}
		return notifyOutbox(ctx, tx)
	})
	if err != nil {
		return false, fmt.Errorf("store: %w", err)
	}
	return created, nil
}

func (s *Store) enqueueCardUpdate(ctx context.Context, tx *sqlx.Tx, contributionID, eventID int64) error {
	it, err := NewOutboxItem(OutboxSlackUpdate, fmt.Sprintf("update:%d:%d", contributionID, eventID), contributionID, 0, nil)
	if err != nil {
		return err
	}
	_, err = s.enqueue(ctx, tx, it)
	return err
}

// OutboxResult is what a handler reports after carrying out an item; the store records
// all of it in the transaction that marks the item done.
type OutboxResult struct {
	// Outbound is the email that was sent, stored in the contribution's conversation.
	Outbound *OutboundMessage
	// AckSent marks the contribution's acknowledgement as sent.
	AckSent bool
	// Card records where a contribution's Slack card was posted.
	CardChannel, CardTS string
	// CardRendered says that the card posted was rendered from the store by this
	// attempt, after the item was claimed (not found posted by an earlier attempt): it
	// shows every change committed before, and the card's pending updates queued before
	// the claim are done with it.
	CardRendered bool
	// Then queues further items.
	Then []OutboxItem
	// Notes are thread notes about what this item did (the acknowledgement or a reply
	// went out); each is queued as a slack_thread item that names the stored Outbound.
	Notes []ThreadNote
	// Event, when set, is appended to the contribution's audit trail.
	Event *EventInput
}

// EventInput is an event a handler asks to record.
type EventInput struct {
	Actor   string
	Action  string
	Details any
}

// OutboundMessage is an email wsisbot sent.
type OutboundMessage struct {
	MessageID  string
	InReplyTo  string
	References []string
	FromName   string
	FromEmail  string
	To         string
	Cc         string // the addresses in copy, as people read them; "" for none
	Subject    string
	Text       string
	HTML       string
	Language   string
	Raw        []byte
	Headers    map[string]string
}

// PermanentError marks a failure that retrying will not fix (an SMTP 5xx, a Slack
// channel_not_found): the item is failed and not retried.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// ErrCardNotPosted is what a handler of a card's update or thread note answers while the
// card itself is not posted: the item waits for it (an expected wait, logged quietly).
var ErrCardNotPosted = errors.New("the contribution's card is not posted yet")

// Permanent wraps err as a PermanentError.
func Permanent(err error) error { return &PermanentError{Err: err} }

// RetryAfterError asks for the next attempt no sooner than After (Slack's Retry-After).
// The far end asked us to slow down: the attempt does not count towards
// MaxOutboxAttempts.
type RetryAfterError struct {
	Err   error
	After time.Duration
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v (retry after %s)", e.Err, e.After)
}
func (e *RetryAfterError) Unwrap() error { return e.Err }

// UnavailableError marks a failure of the far end rather than of the item: the SMTP
// server refuses connections or cannot be reached, Slack answers 5xx. The attempt does
// not count towards MaxOutboxAttempts, so an outage of any length fails nothing; the
// item is due again after After (the worker's own short backoff), not after the item's
// exponential backoff, so the queue drains within seconds of the far end coming back.
type UnavailableError struct {
	Err   error
	After time.Duration
}

func (e *UnavailableError) Error() string { return "unavailable: " + e.Err.Error() }
func (e *UnavailableError) Unwrap() error { return e.Err }

// Unavailable wraps err as an UnavailableError; the worker sets After.
func Unavailable(err error) error { return &UnavailableError{Err: err} }

// OutboxHandler carries out one item. It must not write to the store itself: what it
// reports in OutboxResult is recorded atomically with the item's completion.
type OutboxHandler func(ctx context.Context, it OutboxItem) (OutboxResult, error)

// MaxOutboxAttempts is how many temporary failures an item survives before it fails.
// Rate limits (RetryAfterError) and outages (UnavailableError) are not counted.
const MaxOutboxAttempts = 12

// outboxRecordTimeout bounds the writing of an item's outcome. It runs on a context of
// its own: a handler that ran out of time (or whose worker was stopped) still has its
// outcome recorded.
const outboxRecordTimeout = 15 * time.Second

// outboxRetryMin and outboxRetryMax bound an item's own backoff after a temporary
// failure: 5 s doubling to one hour, with jitter.
const (
	outboxRetryMin = 5 * time.Second
	outboxRetryMax = time.Hour
)

// claimOutboxSQL takes the next due items of each kind ($2) on outbox_pending_kind_idx
// and hands out the earliest of them: as many as $3, but no more than a $4th of the due
// items (counted up to $3 × $4), so that workers sharing a short queue each take their
// part and deliver side by side, while on a backlog each takes a full batch. The heads of
// the other kinds stay locked until the transaction ends: other workers skip them
// meanwhile, and take them after.
const claimOutboxSQL = `WITH n AS (SELECT greatest(1, least($3::int, (SELECT count(*) FROM (SELECT 1 FROM outbox
			WHERE kind = ANY(CAST($2 AS text[])) AND done_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
			LIMIT $3::int * $4::int) due)::int / $4::int)) AS take)
	SELECT ` + claimColumns + ` FROM unnest(CAST($2 AS text[])) AS k(kind),
		LATERAL (SELECT ` + outboxColumns + ` FROM outbox o
			WHERE o.kind = k.kind AND done_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1
			AND NOT (o.kind IN ('slack_update', 'slack_thread') AND EXISTS (
				SELECT 1 FROM outbox card WHERE card.kind = 'slack_card' AND card.contribution_id = o.contribution_id
				AND card.done_at IS NULL AND card.failed_at IS NULL))
			ORDER BY next_attempt_at, id LIMIT (SELECT take FROM n) FOR UPDATE SKIP LOCKED) o
		ORDER BY o.next_attempt_at, o.id LIMIT (SELECT take FROM n)`

// outboxTxSetup begins an outbox transaction (SETs, which PostgreSQL does not prepare:
// not a named query). Its statements find rows by key, and their generic plans are as
// good as any: without it PostgreSQL planned the claim at every call (its generic plan
// counts ten kinds in the array where the custom one counts two, and so looks five
// times dearer), which cost more than running it.
//
// A generic plan is made once per session and kept, and a session's first may be made
// while the tables are still small, as on a first start with a backlog: then scanning
// the whole table looks cheaper than its index, and that plan was kept as the table
// grew. The acknowledgements' subjects (ackSubjectsSQL) were read so, by a scan of every
// contribution for each batch of acknowledgements, about 15 ms each once a backlog of
// 4,000 was stored. enable_seqscan = off leaves no statement here a sequential scan
// where an index serves.
const outboxTxSetup = `SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off`

const claimColumns = `o.id, o.kind, o.idempotency_key, o.contribution_id, o.message_id, o.payload, o.attempts,
	o.next_attempt_at, o.last_error, o.done_at, o.failed_at, o.created_at, o.coalesced_into`

// claimCardUpdatesSQL takes, beside a claimed card update or card ($2), the other pending
// updates of the same card ($1) that no other worker holds. It runs before the card is rendered,
// so each of them was committed, with the change it announces, before the rendering
// reads the contribution: the one update shows their changes too. An update committed
// later is not taken, and runs on its own.
const claimCardUpdatesSQL = `SELECT id FROM outbox
		WHERE kind = 'slack_update' AND contribution_id = $1 AND id <> $2 AND done_at IS NULL AND failed_at IS NULL
		ORDER BY id FOR UPDATE SKIP LOCKED`

// ProcessOutbox claims one due item of the given kinds with FOR UPDATE SKIP LOCKED, so
// that several workers (or replicas) never take the same item, hands it to handle with
// ctx, and records the outcome in the same transaction. The row stays locked while
// handle runs. The transaction is not tied to ctx: once an item is claimed, its outcome
// (success or failure) is recorded whether or not ctx has run out meanwhile, as long as
// the database answers. It reports whether an item was processed; (false, nil) means
// nothing was due.
func (s *Store) ProcessOutbox(ctx context.Context, kinds []OutboxKind, handle OutboxHandler) (bool, error) {
	n, err := s.processOutbox(ctx, ctx, kinds, 1, 1, 0, handle)
	return n > 0, err
}

// ProcessOutboxBatch is ProcessOutbox for up to limit due items at once, and no more
// than a share-th of those due (share: the workers taking the same kinds side by side,
// so that a short queue is still delivered side by side). It claims them in one
// statement, hands them to handle one after the other, each with a context of its own
// bounded by itemTimeout and not cancelled with ctx (an item in hand runs to its end),
// records each outcome as it comes, and commits them together. One claim and one commit
// serve the whole batch: on a backlog, the claims and commits are most of what a
// delivery costs the database. It stops early when ctx is done (the items not begun are
// left untouched for the next worker) and after an item whose far end asks to wait
// (UnavailableError, RetryAfterError), which holds for the rest too.
//
// The outcomes are durable at the commit: a crash before it (kill -9) leaves the whole
// batch to be done again, as it leaves one item with ProcessOutbox, so a handler must
// make a repeated delivery harmless (an e-mail carries the same Message-ID). It returns
// how many items were carried out.
func (s *Store) ProcessOutboxBatch(ctx context.Context, kinds []OutboxKind, limit, share int, itemTimeout time.Duration, handle OutboxHandler) (int, error) {
	if itemTimeout <= 0 {
		return 0, errors.New("store: outbox: a batch needs an item timeout")
	}
	// Claiming is bounded like one item: a database that hangs must not hold the worker.
	claimCtx, cancel := context.WithTimeout(ctx, itemTimeout)
	defer cancel()
	return s.processOutbox(claimCtx, ctx, kinds, max(limit, 1), max(share, 1), itemTimeout, handle)
}

// processOutbox claims up to limit items (see claimOutboxSQL for share) with claimCtx
// and carries them out. With itemTimeout 0 there is one item, handed claimCtx itself
// (ProcessOutbox); otherwise each item gets its own context (see ProcessOutboxBatch)
// and the batch stops when stop is done.
func (s *Store) processOutbox(claimCtx, stop context.Context, kinds []OutboxKind, limit, share int, itemTimeout time.Duration, handle OutboxHandler) (int, error) {
	if err := claimCtx.Err(); err != nil {
		return 0, fmt.Errorf("store: outbox: %w", err)
	}
	// lib/pq rolls a transaction back when the context it began with is done: begin on a
	// detached context, cancelled with claimCtx only until the items are claimed.
	txCtx, cancelTx := context.WithCancel(context.WithoutCancel(claimCtx))
	defer cancelTx()
	stopCancel := context.AfterFunc(claimCtx, cancelTx)
	tx, err := s.db.BeginTxx(txCtx, nil)
	if err != nil {
		stopCancel()
		return 0, fmt.Errorf("store: outbox: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	if _, err := tx.ExecContext(txCtx, outboxTxSetup); err != nil {
		stopCancel()
		return 0, fmt.Errorf("store: outbox: %w", err)
	}
	var items []OutboxItem
	// A card's updates and thread notes wait until the card itself is posted.
	err = s.selectPrepared(txCtx, tx, &items, claimOutboxSQL, s.clock.Now(), kindStrings(kinds), limit, share)
	if !stopCancel() {
		// claimCtx ended while claiming: the transaction is being rolled back.
		return 0, fmt.Errorf("store: outbox: claim: %w", context.Cause(claimCtx))
	}
	if err != nil {
		return 0, fmt.Errorf("store: outbox: claim: %w", err)
	}
	if len(items) == 0 {
		return 0, nil
	}
	// A batch of acknowledgements reads what they are about in one statement, not one
	// each: on a backlog that was most of the round trips their sending cost.
	if err := s.readAckSubjects(claimCtx, tx, items); err != nil {
		return 0, fmt.Errorf("store: outbox: %w", err)
	}
	var done []OutboxKind
	// The acknowledgements sent are recorded together, before anything else is and at
	// the end (recordAcksSent).
	var acks []ackSent
	n := 0
	for i, it := range items {
		if i > 0 && stop.Err() != nil {
			break
		}
		ictx := claimCtx
		cancelItem := func() {}
		if itemTimeout > 0 {
			ictx, cancelItem = context.WithTimeout(context.WithoutCancel(stop), itemTimeout)
		}
		herr, err := s.carryOut(ictx, txCtx, tx, it, handle, &acks)
		cancelItem()
		n++
		if err != nil {
			return n, err
		}
		if herr == nil {
			done = append(done, it.Kind)
			continue
		}
		var ua *UnavailableError
		var ra *RetryAfterError
		if errors.As(herr, &ua) || errors.As(herr, &ra) {
			break
		}
	}
	if err := s.flushAcks(txCtx, tx, &acks); err != nil {
		return n, err
	}
	if err := tx.Commit(); err != nil {
		return n, fmt.Errorf("store: outbox: commit %d items: %w", n, err)
	}
	if s.onOutboxDone != nil {
		for _, k := range done {
			s.onOutboxDone(string(k))
		}
	}
	return n, nil
}

// carryOut hands one claimed item to handle with ctx and records its outcome in tx
// (on txCtx, bounded by outboxRecordTimeout), but an acknowledgement sent, which joins
// acks, recorded before any other outcome (flushAcks). It returns the handler's error,
// and an error when the outcome could not be recorded.
func (s *Store) carryOut(ctx, txCtx context.Context, tx *sqlx.Tx, it OutboxItem, handle OutboxHandler, acks *[]ackSent) (herr, err error) {
	var coalesced []int64
	if (it.Kind == OutboxSlackUpdate || it.Kind == OutboxSlackCard) && it.ContributionID != nil {
		if err := s.selectPrepared(txCtx, tx, &coalesced, claimCardUpdatesSQL, *it.ContributionID, it.ID); err != nil {
			return nil, fmt.Errorf("store: outbox %d: claim updates of the same card: %w", it.ID, err)
		}
	}
	res, herr := handle(ctx, it)
	now := s.clock.Now()
	if herr == nil {
		a, ok, err := pendingAck(it, res, now)
		if err != nil {
			return nil, fmt.Errorf("store: outbox %d: %w", it.ID, err)
		}
		if ok {
			*acks = append(*acks, a)
			return nil, nil
		}
	}
	if err := s.flushAcks(txCtx, tx, acks); err != nil {
		return herr, err
	}
	rctx, cancel := context.WithTimeout(txCtx, outboxRecordTimeout)
	defer cancel()
	if herr != nil {
		if s.onOutboxFailure != nil {
			var perm *PermanentError
			var ra *RetryAfterError
			s.onOutboxFailure(string(it.Kind), errors.As(herr, &perm), errors.As(herr, &ra))
		}
		if err := s.recordOutboxFailure(rctx, tx, it, herr, now); err != nil {
			return herr, fmt.Errorf("store: outbox %d: %w", it.ID, err)
		}
	} else if err := s.recordOutboxSuccess(rctx, tx, it, res, now); err != nil {
		return nil, fmt.Errorf("store: outbox %d: %w", it.ID, err)
	} else if len(coalesced) > 0 && (it.Kind == OutboxSlackUpdate || res.CardRendered) {
		if _, err := tx.ExecContext(rctx, outboxCoalescedSQL, pq.Int64Array(coalesced), now, it.ID); err != nil {
			return nil, fmt.Errorf("store: outbox %d: record the updates it served: %w", it.ID, err)
		}
	}
	return herr, nil
}

// flushAcks records the acknowledgements waiting in acks (see recordAcksSent) and
// empties it.
func (s *Store) flushAcks(txCtx context.Context, tx *sqlx.Tx, acks *[]ackSent) error {
	if len(*acks) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(txCtx, outboxRecordTimeout)
	defer cancel()
	if err := s.recordAcksSent(ctx, tx, *acks); err != nil {
		return fmt.Errorf("store: outbox: %w", err)
	}
	*acks = (*acks)[:0]
	return nil
}

const (
	outboxFailedSQL = `UPDATE outbox SET attempts = $2, last_error = $3, failed_at = $4 WHERE id = $1`
	outboxRetrySQL  = `UPDATE outbox SET attempts = $2, last_error = $3, next_attempt_at = $4 WHERE id = $1`
)

func (s *Store) recordOutboxFailure(ctx context.Context, tx *sqlx.Tx, it OutboxItem, herr error, now time.Time) error {
	attempts := it.Attempts + 1
	msg := CleanText(herr.Error())
	var perm *PermanentError
	var ua *UnavailableError
	var ra *RetryAfterError
	switch {
	case errors.As(herr, &perm):
	case errors.As(herr, &ua):
		// The far end is down, not this item: keep its attempts, try again soon.
		return s.recordOutboxDelay(ctx, tx, it, msg, now.Add(max(ua.After, 0)))
	case errors.As(herr, &ra):
		return s.recordOutboxDelay(ctx, tx, it, msg, now.Add(max(ra.After, time.Second)))
	}
	if perm != nil || attempts >= MaxOutboxAttempts {
		if _, err := tx.ExecContext(ctx, outboxFailedSQL, it.ID, attempts, msg, now); err != nil {
			return fmt.Errorf("record failure: %w", err)
		}
		return s.onOutboxFailed(ctx, tx, it, msg)
	}
	wait := backoff.Delay(outboxRetryMin, outboxRetryMax, attempts)
	_, err := tx.ExecContext(ctx, outboxRetrySQL, it.ID, attempts, msg, now.Add(wait))
	if err != nil {
		return fmt.Errorf("record retry: %w", err)
	}
	return nil
}

const outboxDelaySQL = `UPDATE outbox SET last_error = $2, next_attempt_at = $3 WHERE id = $1`

// recordOutboxDelay puts an item off until next without counting the attempt.
func (s *Store) recordOutboxDelay(ctx context.Context, tx *sqlx.Tx, it OutboxItem, msg string, next time.Time) error {
	if _, err := tx.ExecContext(ctx, outboxDelaySQL, it.ID, msg, next); err != nil {
		return fmt.Errorf("record delay: %w", err)
	}
	return nil
}

const ackFailedSQL = `UPDATE contributions SET ack_status = $2, ack_error = $3, updated_at = $4 WHERE id = $1`

// onOutboxFailed records what a permanently failed item means for its contribution.
func (s *Store) onOutboxFailed(ctx context.Context, tx *sqlx.Tx, it OutboxItem, msg string) error {
	if it.ContributionID == nil {
		return nil
	}
	cid := *it.ContributionID
	switch it.Kind {
	case OutboxAckEmail:
		if _, err := tx.ExecContext(ctx, ackFailedSQL, cid, AckFailed, msg, s.clock.Now()); err != nil {
			return fmt.Errorf("ack failed: %w", err)
		}
		if _, err := s.insertEvent(ctx, tx, cid, ActorSystem, ActionAckFailed, "", "", map[string]any{"error": msg}); err != nil {
			return err
		}
		if err := s.enqueueThreadNote(ctx, tx, cid, fmt.Sprintf("ack-failed:%d", it.ID), ThreadNote{Type: NoteAckFailed, Text: msg}); err != nil {
			return err
		}
		return notifyOutbox(ctx, tx)
	case OutboxReplyEmail:
		if _, err := s.insertEvent(ctx, tx, cid, ActorSystem, "reply_failed", "", "", map[string]any{"error": msg, "outbox_id": it.ID}); err != nil {
			return err
		}
		if err := s.enqueueThreadNote(ctx, tx, cid, fmt.Sprintf("reply-failed:%d", it.ID), ThreadNote{Type: NoteReplyFailed, Text: msg}); err != nil {
			return err
		}
		return notifyOutbox(ctx, tx)
	}
	return nil
}

const (
	outboxDoneSQL = `UPDATE outbox SET attempts = attempts + 1, done_at = $2, last_error = '' WHERE id = $1`
	// outboxCoalescedSQL marks done the card updates ($1) that the update or card $3 served.
	outboxCoalescedSQL = `UPDATE outbox SET done_at = $2, coalesced_into = $3, last_error = '' WHERE id = ANY($1::bigint[])`
	// pendingCardSQL takes a contribution's card item when it is pending and no worker
	// is posting it: the card, rendered later from the store, will show what is recorded
	// now.
	pendingCardSQL = `SELECT id FROM outbox
		WHERE kind = 'slack_card' AND contribution_id = $1 AND done_at IS NULL AND failed_at IS NULL
		FOR UPDATE SKIP LOCKED`
	ackSentSQL    = `UPDATE contributions SET ack_status = $2, ack_sent_at = $3, ack_error = '', updated_at = $3 WHERE id = $1`
	cardPostedSQL = `UPDATE contributions SET slack_channel = $2, slack_ts = $3 WHERE id = $1`
)

// ackSent is an acknowledgement sent (res.AckSent with res.Outbound, nothing else to
// record) whose record waits for the others of its batch: see recordAcksSent.
type ackSent struct {
	it  OutboxItem
	cid int64
	res OutboxResult
	row messageRow
	at  time.Time
}

// pendingAck is the success res of it, at now, as an ackSent when it is one: the path
// every new contribution takes (carryOut gathers them; recordOutboxSuccess records the
// rest). An acknowledgement without a Message-ID (its stored message
// could not be told from the others of the batch) is recorded on its own.
func pendingAck(it OutboxItem, res OutboxResult, now time.Time) (ackSent, bool, error) {
	if it.ContributionID == nil || *it.ContributionID == 0 || !res.AckSent || res.Outbound == nil ||
		res.CardTS != "" || res.Event != nil || len(res.Then) > 0 {
		return ackSent{}, false, nil
	}
	row, err := outboundRow(*it.ContributionID, *res.Outbound, now)
	if err != nil || row.messageID == nil {
		return ackSent{}, false, err
	}
	return ackSent{it: it, cid: *it.ContributionID, res: res, row: row, at: now}, true, nil
}

var recordAcksSentSQLs sync.Map // batch size → statement

// recordAcksSentSQL records n sent acknowledgements in one statement: each item done,
// our message stored in the conversation (the rows' values first, $1 on, as
// insertOutboundSQL), the contribution acknowledged and the audit event; then, per
// acknowledgement, its item, contribution, recipient, Message-ID and time; last the
// status, the actor and the action. It tells, in the acknowledgements' order, each
// item, our message's id (0 when its Message-ID was stored already) and whether the
// contribution's card is still to be posted and no worker is posting it
// (pendingCardSQL): that card, rendered once this commits, says that the
// acknowledgement went out, and its item stays locked until then. One statement opens
// the four tables, their 38 indexes and their locks once for the batch, not once per
// acknowledgement.
func recordAcksSentSQL(n int) string {
	if q, ok := recordAcksSentSQLs.Load(n); ok {
		return q.(string)
	}
	cols := len(messagesTable.columns)
	var v strings.Builder
	for i := range n {
		p := n*cols + 5*i
		if i > 0 {
			v.WriteString(", ")
		}
		fmt.Fprintf(&v, "($%d::bigint, $%d::bigint, $%d::text, $%d::text, $%d::timestamptz, %d)", p+1, p+2, p+3, p+4, p+5, i)
	}
	last := n*cols + 5*n
	q := `WITH v (item, cid, rcpt, mid, at, ord) AS (VALUES ` + v.String() + `
	), done AS (
		UPDATE outbox o SET attempts = o.attempts + 1, done_at = v.at, last_error = '' FROM v WHERE o.id = v.item
	), outbound AS (
		` + messagesTable.insertSQL(false, n,
		"ON CONFLICT (message_id) WHERE message_id IS NOT NULL AND kind <> 'duplicate' DO NOTHING RETURNING id, message_id") + `
	), card AS (
		SELECT o.contribution_id FROM v, LATERAL (
			SELECT contribution_id FROM outbox
			WHERE kind = 'slack_card' AND contribution_id = v.cid AND done_at IS NULL AND failed_at IS NULL
			FOR UPDATE SKIP LOCKED) o
	), acked AS (
		UPDATE contributions c SET ack_status = $` + strconv.Itoa(last+1) + `, ack_sent_at = v.at, ack_error = '', updated_at = v.at
		FROM v WHERE c.id = v.cid
	), r AS (
		SELECT v.ord, v.item, v.cid, v.rcpt, v.at, ob.id AS message, v.cid IN (SELECT contribution_id FROM card) AS on_card
		FROM v LEFT JOIN outbound ob ON ob.message_id = v.mid
	), event AS (
		INSERT INTO events (contribution_id, at, actor, action, old_status, new_status, details)
		SELECT cid, at, $` + strconv.Itoa(last+2) + `, $` + strconv.Itoa(last+3) + `, '', '', jsonb_strip_nulls(jsonb_build_object('to', rcpt,
			'message', message, 'note', CASE WHEN on_card THEN 'shown on the card' END))
		FROM r ORDER BY ord
	)
	SELECT item, coalesce(message, 0), on_card FROM r ORDER BY ord`
	recordAcksSentSQLs.Store(n, q)
	return q
}

// recordAcksSent is recordOutboxSuccess for acknowledgements sent (see pendingAck),
// all in one round trip to the database instead of five each; the thread notes follow
// only when the card is already posted, as there.
func (s *Store) recordAcksSent(ctx context.Context, tx *sqlx.Tx, acks []ackSent) error {
	if len(acks) == 0 {
		return nil
	}
	args := make([]any, 0, len(acks)*(len(messagesTable.columns)+5)+3)
	for _, a := range acks {
		args = a.row.appendValues(args)
	}
	for _, a := range acks {
		args = append(args, a.it.ID, a.cid, a.res.Outbound.To, *a.row.messageID, a.at)
	}
	args = append(args, AckSent, ActorSystem, ActionAckSent)
	st, err := s.stmt(ctx, tx, recordAcksSentSQL(len(acks)))
	if err != nil {
		return err
	}
	type recorded struct {
		Item, Message int64
		OnCard        bool
	}
	got := make([]recorded, 0, len(acks))
	rows, err := st.QueryxContext(ctx, args...)
	if err != nil {
		return fmt.Errorf("record %d acks sent: %w", len(acks), err)
	}
	for rows.Next() {
		var r recorded
		if err := rows.Scan(&r.Item, &r.Message, &r.OnCard); err != nil {
			rows.Close()
			return fmt.Errorf("record %d acks sent: %w", len(acks), err)
		}
		got = append(got, r)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("record %d acks sent: %w", len(acks), err)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("record %d acks sent: %w", len(acks), err)
	}
	if len(got) != len(acks) {
		return fmt.Errorf("record %d acks sent: %d recorded", len(acks), len(got))
	}
	wake := false
	for i, a := range acks {
		if got[i].Item != a.it.ID {
			return fmt.Errorf("record %d acks sent: item %d where %d was expected", len(acks), got[i].Item, a.it.ID)
		}
		if got[i].OnCard {
			// The card's item is locked until this commits (see cardLockedWake).
			wake = true
			continue
		}
		q, err := s.queueThreadNotes(ctx, tx, a.it, a.cid, got[i].Message, a.res.Notes, false)
		if err != nil {
			return err
		}
		wake = wake || q
	}
	if !wake {
		return nil
	}
	return notifyOutbox(ctx, tx)
}

// queueThreadNotes queues the thread notes an item's success brings on contribution
// cid (about our message outboundID when not 0), but an acknowledgement's note when the
// card says it (ackOnCard), and reports whether it queued any.
func (s *Store) queueThreadNotes(ctx context.Context, tx *sqlx.Tx, it OutboxItem, cid, outboundID int64, notes []ThreadNote, ackOnCard bool) (bool, error) {
	queued := false
	for _, n := range notes {
		if ackOnCard && n.Type == NoteAckSent {
			continue
		}
		if outboundID != 0 {
			n.MessageID = outboundID
		}
		note, err := NewOutboxItem(OutboxSlackThread, fmt.Sprintf("thread:%s:%d", n.Type, it.ID), cid, n.MessageID, n)
		if err != nil {
			return false, err
		}
		created, err := s.enqueue(ctx, tx, note)
		if err != nil {
			return false, err
		}
		queued = queued || created
	}
	return queued, nil
}

func (s *Store) recordOutboxSuccess(ctx context.Context, tx *sqlx.Tx, it OutboxItem, res OutboxResult, now time.Time) error {
	if err := s.exec(ctx, tx, outboxDoneSQL, it.ID, now); err != nil {
		return fmt.Errorf("record done: %w", err)
	}
	var cid int64
	if it.ContributionID != nil {
		cid = *it.ContributionID
	}
	var outboundID int64
	if res.Outbound != nil {
		var err error
		if outboundID, err = s.insertOutbound(ctx, tx, cid, *res.Outbound, now); err != nil {
			return err
		}
	}
	// The acknowledgement's note is left out when the card is still to be posted and no
	// worker is posting it: the card, rendered from the store once this commits, says
	// that the acknowledgement went out (its item stays locked until then).
	ackOnCard := false
	queued := false
	if res.AckSent && cid != 0 {
		var cardItem int64
		switch err := s.get(ctx, tx, &cardItem, pendingCardSQL, cid); {
		case err == nil:
			ackOnCard = true
		case !errors.Is(err, errNoRows):
			return fmt.Errorf("pending card: %w", err)
		}
	}
	if cid != 0 {
		var err error
		if queued, err = s.queueThreadNotes(ctx, tx, it, cid, outboundID, res.Notes, ackOnCard); err != nil {
			return err
		}
	}
	if res.AckSent && cid != 0 {
		if err := s.exec(ctx, tx, ackSentSQL, cid, AckSent, now); err != nil {
			return fmt.Errorf("ack sent: %w", err)
		}
		details := map[string]any{}
		if res.Outbound != nil {
			details["to"] = res.Outbound.To
		}
		if outboundID != 0 {
			details["message"] = outboundID
		}
		if ackOnCard {
			details["note"] = "shown on the card"
		}
		if _, err := s.insertEvent(ctx, tx, cid, ActorSystem, ActionAckSent, "", "", details); err != nil {
			return err
		}
	}
	if res.CardTS != "" && cid != 0 {
		if err := s.exec(ctx, tx, cardPostedSQL, cid, res.CardChannel, res.CardTS); err != nil {
			return fmt.Errorf("card posted: %w", err)
		}
		if _, err := tx.ExecContext(ctx, clearSlackPostSQL, it.IdempotencyKey); err != nil {
			return fmt.Errorf("card posted: %w", err)
		}
	}
	if res.Event != nil {
		if _, err := s.insertEvent(ctx, tx, cid, res.Event.Actor, res.Event.Action, "", "", res.Event.Details); err != nil {
			return err
		}
	}
	for _, next := range res.Then {
		created, err := s.enqueue(ctx, tx, next)
		if err != nil {
			return err
		}
		queued = queued || created
	}
	// A new item needs waking the workers, and so does a card this transaction holds
	// (cardLockedWake). Nothing else does: NOTIFY serialises the commits that send one.
	if queued || ackOnCard {
		return notifyOutbox(ctx, tx)
	}
	return nil
}

// cardLockedWake: an acknowledgement recorded while its card is still to be posted
// locks the card's item until its transaction commits, so that the card, rendered
// after, says the acknowledgement went out. A card worker that looks meanwhile skips the
// locked item and finds nothing else due; without a wake-up at the commit, the card
// waited for the workers' next look on their own (half a second).

const slackPostAttemptSQL = `SELECT started_at FROM slack_post_attempts WHERE idempotency_key = $1`

// SlackPostAttempt is when a post for the outbox item with idempotency key was last
// attempted; ErrNotFound when never (or when its result was recorded).
func (s *Store) SlackPostAttempt(ctx context.Context, key string) (time.Time, error) {
	var at time.Time
	err := s.db.GetContext(ctx, &at, slackPostAttemptSQL, key)
	if err != nil {
		return at, fmt.Errorf("store: slack post attempt %s: %w", key, notFound(err))
	}
	return at, nil
}

const startSlackPostSQL = `INSERT INTO slack_post_attempts (idempotency_key, started_at) VALUES ($1, $2)
		ON CONFLICT (idempotency_key) DO UPDATE SET started_at = EXCLUDED.started_at`

// StartSlackPost records, and commits at once, that a post for the outbox item with
// idempotency key starts at at. Call it before the post: if the outcome is then lost, the
// next attempt knows that an earlier one may have reached Slack, and when. It runs on a
// connection of its own, beside the item's claim, and does not touch the item's row.
func (s *Store) StartSlackPost(ctx context.Context, key string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, startSlackPostSQL, key, at)
	if err != nil {
		return fmt.Errorf("store: start slack post %s: %w", key, err)
	}
	return nil
}

const clearSlackPostSQL = `DELETE FROM slack_post_attempts WHERE idempotency_key = $1`

// ClearSlackPost forgets the post attempt of the item with idempotency key: Slack
// refused the call, so the next attempt need not look for an earlier post.
func (s *Store) ClearSlackPost(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, clearSlackPostSQL, key); err != nil {
		return fmt.Errorf("store: clear slack post %s: %w", key, err)
	}
	return nil
}

// OutboxStats describes the queue for metrics and the watchdog.
type OutboxStats struct {
	Pending   int           `db:"pending"`
	Failed    int           `db:"failed"`
	OldestAge time.Duration `db:"-"`
}

const outboxStatsSQL = `SELECT
		count(*) FILTER (WHERE done_at IS NULL AND failed_at IS NULL) AS pending,
		count(*) FILTER (WHERE failed_at IS NOT NULL) AS failed,
		min(created_at) FILTER (WHERE done_at IS NULL AND failed_at IS NULL) AS oldest
		FROM outbox`

// OutboxStats counts pending and failed items and the age of the oldest pending one.
func (s *Store) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var row struct {
		Pending int        `db:"pending"`
		Failed  int        `db:"failed"`
		Oldest  *time.Time `db:"oldest"`
	}
	err := s.db.GetContext(ctx, &row, outboxStatsSQL)
	if err != nil {
		return OutboxStats{}, fmt.Errorf("store: outbox stats: %w", err)
	}
	st := OutboxStats{Pending: row.Pending, Failed: row.Failed}
	if row.Oldest != nil {
		st.OldestAge = s.clock.Now().Sub(*row.Oldest)
	}
	return st, nil
}

const outboxItemsSQL = `SELECT ` + outboxColumns + ` FROM outbox WHERE contribution_id = $1 ORDER BY id`

// OutboxItems lists items of a contribution (all kinds), oldest first.
func (s *Store) OutboxItems(ctx context.Context, contributionID int64) ([]OutboxItem, error) {
	var items []OutboxItem
	err := s.db.SelectContext(ctx, &items, outboxItemsSQL, contributionID)
	if err != nil {
		return nil, fmt.Errorf("store: outbox items: %w", err)
	}
	return items, nil
}
