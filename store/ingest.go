package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Inbound is one message fetched from a mailbox, parsed and sorted by mailin. When the
// parser failed, Kind is MsgQuarantined, KindReason says why and only the location and
// Raw are set.
type Inbound struct {
	// Mailbox is where the message was read: the mailbox's key (server, user and folder,
	// see mailin.Mailbox.Key) or, for a resync, the key of the folder read.
	Mailbox string
	// MailboxName is the name of the configured mailbox it came to ("main",
	// "workshops"), recorded with the message and its contribution.
	MailboxName  string
	UIDValidity  uint32
	UID          uint32
	InternalDate time.Time // when the message reached the mailbox
	Raw          []byte
	RawSHA256    string // hex SHA-256 of Raw; computed when empty

	Kind       MessageKind // MsgContribution, MsgAutoReply, MsgBounce, MsgList, MsgOwn or MsgQuarantined
	KindReason string

	MessageID  string // without angle brackets
	InReplyTo  string
	References []string
	FromName   string
	FromEmail  string
	ReplyTo    string // the first Reply-To address that is not From, for the record
	// AckTo is the one address an acknowledgement may go to, decided by the intake:
	// Reply-To when it is a usable address, else From. It is stored with the
	// acknowledgement (AckPayload) and counted by the cap under AckKey. Empty with
	// AckRefusal set: no acknowledgement. Both empty (a caller that did not decide, such
	// as the promotion of a stored message): ReplyTo when usable, else FromEmail.
	AckTo string
	// AckRefusal is why the intake found that the message must not be acknowledged (no
	// usable address; the receiving server found its authentication failed), or "".
	AckRefusal string
	To         string
	Cc         string
	Subject    string
	Date       time.Time
	Headers    map[string]string
	Text       string
	FreshText  string // Text without quoted earlier mail and signature
	HTML       string // sanitised
	Language   string
	Warnings   []string
	RefTag     string // a reference number found in the subject, e.g. WSIS-2019-0042
	BounceOf   string // for a bounce: the Message-ID of the message that bounced
	// NoReply is set when the sender's address must never get automatic mail.
	NoReply bool
	// TooLarge is, for a message quarantined for its size, the limit it exceeded in
	// bytes (WSISBOT_MAX_MESSAGE_BYTES); 0 otherwise. Its sender is told, in their
	// language, that it could not be accepted (AckPayload NoticeTooLarge), when an
	// acknowledgement would go to them: the fields read from its header (From,
	// Reply-To, AckTo, AckRefusal, NoReply, Subject, Language) decide it as they
	// decide an acknowledgement.
	TooLarge int64
	// TooLargeMessageID is the Message-ID of a message quarantined for its size, kept
	// for its notice's In-Reply-To only: the quarantined message is stored without one,
	// as every quarantined message is (its copies are told apart by their bytes).
	TooLargeMessageID string
	Attachments       []InboundAttachment
	Suggestion        Suggestion

	// prep is what Prepare worked out; nil until then.
	prep *preparation
}

// rawSHA is the hex SHA-256 of the raw message, computed once.
func (m *Inbound) rawSHA() string {
	if m.RawSHA256 == "" {
		m.RawSHA256 = SHA256Hex(m.Raw)
	}
	return m.RawSHA256
}

// InboundAttachment is a decoded attachment or inline part.
type InboundAttachment struct {
	Filename    string
	ContentType string
	Inline      bool
	Data        []byte
	SHA256      string // hex; computed when empty
}

// Suggestion is what wsisbot guesses for the secretariat to confirm.
type Suggestion struct {
	Kind            ContributionKind
	StakeholderType string
	ActionLines     []string
	Organisation    string
	// Reasons say what the suggestions rest on, for the card.
	Reasons []string
	// KindGuessed: the kind rests on no kind named in the mail (see parse.Suggestion);
	// a mailbox's default kind may take its place. Not stored.
	KindGuessed bool
	// Domain is the sender's domain when it says who writes (not a webmail's): the
	// classifications the desk confirmed for it before count (see applyLearned).
	Domain string
}

// IngestPolicy is what the intake decides automatically.
type IngestPolicy struct {
	// Ack turns acknowledgements on (WSISBOT_ACK).
	Ack bool
	// AckWindow: mail that reached the mailbox longer ago than this is history: stored,
	// never acknowledged, and without a card unless HistoryCards (the channel gets one
	// summary per import instead; see CaughtUp).
	AckWindow time.Duration
	// HistoryCards gives history contributions cards too (WSISBOT_HISTORY_CARDS).
	HistoryCards bool
	// ArchiveImport, when set, is the archive import (BeginArchiveImport) the batch
	// belongs to: every message is history whatever its date, and what is stored is
	// counted in that import rather than the intake's (see import.go).
	ArchiveImport int64
	// AckPerSenderPerDay caps acknowledgements to one address over 24 hours (0: no cap),
	// counted under AckKey (so a+1@x and a+2@x are one address).
	AckPerSenderPerDay int
	// AckHourlyLimit caps acknowledgements to all addresses together over the last 60
	// minutes, across replicas (0: no cap). When it is reached acknowledgements are held
	// back (the contribution records why) and the channel is told once per clock hour.
	AckHourlyLimit int
	// AuthservIDs are the authserv-ids of the Authentication-Results header fields the
	// intake trusts (WSISBOT_AUTHSERV_ID); none: the topmost field only.
	AuthservIDs []string
	// OurAddresses are the secretariat's own addresses: mail from them is never a
	// contribution and never acknowledged.
	OurAddresses []string
}

// DefaultIngestPolicy acknowledges mail up to 24 hours old, at most 5 per sender a day,
// with no hourly budget (WSISBOT_ACK_HOURLY_LIMIT sets one; see mailin.MailConfig).
func DefaultIngestPolicy() IngestPolicy {
	return IngestPolicy{Ack: true, AckWindow: 24 * time.Hour, AckPerSenderPerDay: 5}
}

// IngestBatch is a run of messages from one mailbox, in UID order, and the checkpoint
// that is reached once they are stored.
type IngestBatch struct {
	Mailbox     string
	UIDValidity uint32
	LastUID     uint32
	Messages    []Inbound
}

// Ingested says what became of one inbound message.
type Ingested struct {
	UID            uint32
	MessageRowID   int64       // 0 when the message had been stored before (skipped)
	Kind           MessageKind // the stored kind
	Reason         string
	ContributionID int64
	Ref            string
	NewContrib     bool
	AckQueued      bool
	AckSuppressed  string
	Skipped        bool // already stored (same position, or same Message-ID and content)
	// OtherSender: the message names ContributionID but its sender is not one of the
	// contribution's correspondents; it waits in the conversation for the secretariat.
	OtherSender bool
	// TooLargeNotice: the message was quarantined for its size and its sender is told
	// so (NoticeTooLarge); AckSuppressed says why not when it is not.
	TooLargeNotice bool
}

// SyncState is the checkpoint of one mailbox.
type SyncState struct {
	Mailbox     string    `db:"mailbox"`
	UIDValidity int64     `db:"uidvalidity"`
	LastUID     int64     `db:"last_uid"`
	UpdatedAt   time.Time `db:"updated_at"`
}

// SyncState returns the checkpoint of mailbox; ErrNotFound on first contact.
func (s *Store) SyncState(ctx context.Context, mailbox string) (SyncState, error) {
	var st SyncState
	err := s.db.GetContext(ctx, &st, syncStateSQL, mailbox)
	if err != nil {
		return st, fmt.Errorf("store: sync state %s: %w", mailbox, notFound(err))
	}
	return st, nil
}

// ResetSyncState records a new UIDVALIDITY for mailbox with nothing handled yet under it.
func (s *Store) ResetSyncState(ctx context.Context, mailbox string, uidValidity uint32) error {
	_, err := s.db.ExecContext(ctx, resetSyncStateSQL, mailbox, int64(uidValidity), s.clock.Now())
	if err != nil {
		return fmt.Errorf("store: reset sync state %s: %w", mailbox, err)
	}
	return nil
}

// AdoptSyncState gives the checkpoint kept under the key from (a folder's name alone,
// from before several mailboxes) to the key to, unless to has one already: the first
// mailbox adopts the one checkpoint there was. adopted says whether it did.
func (s *Store) AdoptSyncState(ctx context.Context, from, to string) (adopted bool, err error) {
	res, err := s.db.ExecContext(ctx, adoptSyncStateSQL, from, to)
	if err != nil {
		return false, fmt.Errorf("store: adopt sync state %s: %w", from, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: adopt sync state %s: %w", from, err)
	}
	return n > 0, nil
}

// The fixed SQL of the intake, prepared at its first use (see namedQueries).
const (
	adoptSyncStateSQL = `UPDATE sync_state SET mailbox = $2
		WHERE mailbox = $1 AND NOT EXISTS (SELECT 1 FROM sync_state WHERE mailbox = $2)`
	syncStateSQL      = `SELECT mailbox, uidvalidity, last_uid, updated_at FROM sync_state WHERE mailbox = $1`
	resetSyncStateSQL = `INSERT INTO sync_state (mailbox, uidvalidity, last_uid, updated_at) VALUES ($1, $2, 0, $3)
		ON CONFLICT (mailbox) DO UPDATE SET uidvalidity = EXCLUDED.uidvalidity, last_uid = 0, updated_at = EXCLUDED.updated_at`
	// checkpointSQL advances a mailbox's checkpoint (a new UIDVALIDITY starts it again).
	checkpointSQL = `INSERT INTO sync_state (mailbox, uidvalidity, last_uid, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (mailbox) DO UPDATE SET
			last_uid = CASE WHEN sync_state.uidvalidity = EXCLUDED.uidvalidity
				THEN greatest(sync_state.last_uid, EXCLUDED.last_uid) ELSE EXCLUDED.last_uid END,
			uidvalidity = EXCLUDED.uidvalidity, updated_at = EXCLUDED.updated_at`
	// relocateSQL records the mailbox position a stored message was read from again.
	relocateSQL = `UPDATE messages SET mailbox = $2, uidvalidity = $3, uid = $4 WHERE id = $1`
	// storedDuplicateSQL finds a duplicate stored before with the same Message-ID and bytes.
	storedDuplicateSQL = `SELECT id FROM messages WHERE message_id = $1 AND raw_sha256 = $2 AND kind = 'duplicate' LIMIT 1`
	// supersededSQL makes a copy sorted away a duplicate of a person's copy that came later.
	supersededSQL = `UPDATE messages SET kind = 'duplicate',
		kind_reason = 'sorted as ' || kind || ' (' || kind_reason || '); a copy written to us came later' WHERE id = $1`
	// linkCopySQL links the superseded copy ($1) to the contribution ($2) of the person's copy ($3).
	linkCopySQL = `UPDATE messages SET contribution_id = $2, kind_reason = kind_reason || ': message ' || $3::bigint WHERE id = $1`
)

// Ingest stores a batch exactly once, in ONE transaction: every message, its
// attachments, the new or updated contributions, their events, the outbox items they
// cause (acknowledgement, card, thread notes) and the advance of the mailbox checkpoint.
// A message stored before (same mailbox position, or same Message-ID and bytes) is
// skipped, so replaying a batch after a crash doubles nothing. A message that cannot be
// stored as what it is gets stored quarantined, raw bytes kept; it never blocks the rest.
//
// Each message is prepared (its text made acceptable to PostgreSQL, what it alone says
// worked out; see Prepare, which its producer may have called), then the decide step
// says what it is (ingest_decide.go) and the writer stores it (ingest_write.go).
// The batch is first tried without savepoints (the fast path: new contributions are
// written together); if any statement fails, the whole batch is redone with a savepoint
// around each message, so that the failing one is quarantined and the others are stored.
func (s *Store) Ingest(ctx context.Context, b IngestBatch, pol IngestPolicy) ([]Ingested, error) {
	for i := range b.Messages {
		m := &b.Messages[i]
		if m.Mailbox == "" {
			m.Mailbox = b.Mailbox
		}
		if m.UIDValidity == 0 {
			m.UIDValidity = b.UIDValidity
		}
		m.Prepare()
	}
	out, err := s.ingestBatch(ctx, b, pol, false)
	if err != nil && ctx.Err() == nil {
		out, err = s.ingestBatch(ctx, b, pol, true)
	}
	if err != nil {
		return nil, fmt.Errorf("store: ingest %s: %w", b.Mailbox, err)
	}
	if s.onIngested != nil {
		for _, in := range out {
			if !in.Skipped {
				s.onIngested(in)
			}
		}
	}
	return out, nil
}

// ingestRun is one attempt at storing a batch: what the batch knows and the writer.
type ingestRun struct {
	bc     *batchContext
	w      *writer
	queued bool // outbox items were queued: wake the workers
}

func (s *Store) ingestBatch(ctx context.Context, b IngestBatch, pol IngestPolicy, savepoints bool) ([]Ingested, error) {
	out := make([]Ingested, 0, len(b.Messages))
	err := s.withConnTx(ctx, func(tx *sqlx.Tx, conn *sql.Conn) error {
		bc, err := s.prefetch(ctx, tx, b, pol)
		if err != nil {
			return fmt.Errorf("prefetch: %w", err)
		}
		candidates := 0
		if !savepoints {
			for i := range b.Messages {
				if b.Messages[i].Kind == MsgContribution {
					candidates++
				}
			}
		}
		w, err := s.newWriter(ctx, tx, conn, !savepoints, candidates, len(b.Messages)-candidates)
		if err != nil {
			return err
		}
		r := &ingestRun{bc: bc, w: w}
		for i := range b.Messages {
			m := &b.Messages[i]
			var res Ingested
			if savepoints {
				res, err = s.ingestOne(ctx, tx, r, m)
			} else {
				res, err = s.ingestAs(ctx, tx, r, m)
			}
			if err != nil {
				return fmt.Errorf("uid %d: %w", m.UID, err)
			}
			bc.remember(m, res)
			r.queued = r.queued || queues(res)
			out = append(out, res)
		}
		if err := w.flush(ctx, tx); err != nil {
			return err
		}
		for i := range out {
			if out[i].NewContrib && out[i].Ref == "" {
				out[i].Ref = w.refs[out[i].ContributionID]
			}
		}
		if err := s.alertAckBudget(ctx, tx, r); err != nil {
			return err
		}
		if err := s.countHistory(ctx, tx, pol, b.Messages, out); err != nil {
			return err
		}
		if r.queued {
			if err := notifyOutbox(ctx, tx); err != nil {
				return err
			}
		}
		if b.Mailbox == "" {
			return nil
		}
		if err := s.exec(ctx, tx, checkpointSQL, b.Mailbox, int64(b.UIDValidity), int64(b.LastUID), s.clock.Now()); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		return nil
	})
	return out, err
}

// ingestOne stores one message under a savepoint: when storing it as what it is fails,
// it is stored again as quarantined with the reason. The savepoint statements are not in
// namedQueries: PostgreSQL does not prepare them.
func (s *Store) ingestOne(ctx context.Context, tx *sqlx.Tx, r *ingestRun, m *Inbound) (Ingested, error) {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT ingest_one`); err != nil {
		return Ingested{}, fmt.Errorf("savepoint: %w", err)
	}
	res, err := s.ingestAs(ctx, tx, r, m)
	if err == nil {
		_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT ingest_one`)
		return res, err
	}
	if ctx.Err() != nil {
		return res, err
	}
	if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT ingest_one`); rerr != nil {
		return res, fmt.Errorf("rollback to savepoint after %v: %w", err, rerr)
	}
	// What the message queued to write went with its savepoint.
	r.w.discard()
	q := Inbound{Mailbox: m.Mailbox, MailboxName: m.MailboxName, UIDValidity: m.UIDValidity, UID: m.UID, InternalDate: m.InternalDate, Raw: m.Raw, RawSHA256: m.RawSHA256,
		Kind: MsgQuarantined, KindReason: CleanText("could not be stored: " + err.Error()), Subject: m.Subject,
		FromName: m.FromName, FromEmail: m.FromEmail}
	res, err = s.ingestAs(ctx, tx, r, &q)
	if err == nil {
		*m = q
	}
	return res, err
}

// ingestAs decides what m is and stores it so.
func (s *Store) ingestAs(ctx context.Context, tx *sqlx.Tx, r *ingestRun, m *Inbound) (Ingested, error) {
	res := Ingested{UID: m.UID, Kind: m.Kind, Reason: m.KindReason}
	d, err := r.bc.decide(m, s.clock.Now())
	if err != nil {
		return res, err
	}
	switch d.act {
	case actSkip:
		res.Skipped = true
		return res, nil
	case actNewContribution:
		m.Kind, m.KindReason = d.kind, d.reason
		return r.w.newContribution(ctx, tx, m, d)
	}
	// Anything else may refer to the new contributions queued so far: they go first. A
	// message sorted away or quarantined belongs to no contribution, and a bounce only to
	// one whose acknowledgement we sent, stored before this batch (bc.sent): they do not
	// need the queue written. Mail sorted away joins it (writer.sortAway); the others are
	// written beside it. In a backlog every seventh message is a robot's, and flushing
	// before each, or an INSERT for each, cut a batch's few large writes into hundreds of
	// round trips.
	if d.act != actSortedAway && d.act != actQuarantine && d.act != actBounce {
		if err := r.w.flush(ctx, tx); err != nil {
			return res, err
		}
	}
	switch d.act {
	case actRelocate:
		res.Skipped = true
		return res, s.relocate(ctx, tx, d.prev.ID, m)
	case actDuplicate:
		// The same duplicate read again under another position: the same message.
		if d.checkDuplicate {
			var dupID int64
			err := s.get(ctx, tx, &dupID, storedDuplicateSQL, m.MessageID, m.rawSHA())
			switch {
			case err == nil:
				res.Skipped = true
				return res, s.relocate(ctx, tx, dupID, m)
			case err != errNoRows:
				return res, fmt.Errorf("stored duplicate: %w", err)
			}
		}
		m.Kind, m.KindReason = d.kind, d.reason
		id, err := s.insertMessage(ctx, tx, m, d.contributionID, m.Kind, m.KindReason)
		if err != nil {
			return res, err
		}
		res.MessageRowID, res.Kind, res.Reason, res.ContributionID = id, m.Kind, m.KindReason, d.contributionID
		return res, nil
	case actSupersede:
		return s.supersede(ctx, tx, r, m, d)
	case actFollowUp:
		return s.followUp(ctx, tx, m, d)
	case actBounce:
		return s.bounce(ctx, tx, m, d)
	case actQuarantine:
		id, err := s.insertMessage(ctx, tx, m, 0, d.kind, d.reason)
		if err != nil {
			return res, err
		}
		res.MessageRowID = id
		// The desk's notice says whether the sender of a message over the size limit
		// is told, and why not.
		n := Notice{Type: NoticeQuarantine, Reason: m.KindReason}
		switch {
		case !d.tooLarge:
		case d.noticeRefusal != "":
			res.AckSuppressed, n.TooLargeNotTold = d.noticeRefusal, d.noticeRefusal
		default:
			p := m.prepared()
			notice, err := NewOutboxItem(OutboxAckEmail, fmt.Sprintf("too-large:%d", id), 0, id,
				AckPayload{To: p.ackTo, Key: p.ackKey, Notice: NoticeTooLarge, Limit: m.TooLarge, InReplyTo: m.TooLargeMessageID})
			if err != nil {
				return res, err
			}
			if res.TooLargeNotice, err = s.enqueue(ctx, tx, notice); err != nil {
				return res, err
			}
			if res.TooLargeNotice {
				n.TooLargeTo = p.ackTo
			}
		}
		it, err := NewOutboxItem(OutboxSlackNotice, fmt.Sprintf("quarantine:%d", id), 0, id, n)
		if err != nil {
			return res, err
		}
		_, err = s.enqueue(ctx, tx, it)
		return res, err
	case actSortedAway:
		var id int64
		if r.w.batched && len(m.Raw) <= queueMaxRaw {
			id, err = r.w.sortAway(ctx, tx, m, d.kind, d.reason)
		} else {
			id, err = s.insertMessage(ctx, tx, m, 0, d.kind, d.reason)
		}
		res.MessageRowID = id
		return res, err
	}
	return res, fmt.Errorf("no way to store a message decided as %d", d.act)
}

// relocate records the mailbox position a stored message was read from again.
func (s *Store) relocate(ctx context.Context, tx *sqlx.Tx, id int64, m *Inbound) error {
	if m.UID == 0 {
		return nil
	}
	if err := s.exec(ctx, tx, relocateSQL, id, m.Mailbox, int64(m.UIDValidity), int64(m.UID)); err != nil {
		return fmt.Errorf("relocate: %w", err)
	}
	return nil
}

// supersede stores m, a person's message, in place of d.prev, an earlier copy with the
// same Message-ID (or bytes) that was sorted away: the earlier copy becomes a duplicate,
// m is stored as it would have been had it come first (a new contribution, with its card
// and acknowledgement, or a follow-up), and the earlier copy is then linked to m's
// contribution.
func (s *Store) supersede(ctx context.Context, tx *sqlx.Tx, r *ingestRun, m *Inbound, d decision) (Ingested, error) {
	prev := d.prev
	// First, so that m can take the Message-ID (one row that is not a duplicate per
	// Message-ID, or per content without one).
	if err := s.exec(ctx, tx, supersededSQL, prev.ID); err != nil {
		return Ingested{UID: m.UID}, fmt.Errorf("supersede message %d: %w", prev.ID, err)
	}
	m.Kind, m.KindReason = d.human.kind, d.human.reason
	var res Ingested
	var err error
	if d.human.act == actNewContribution {
		res, err = r.w.newContribution(ctx, tx, m, *d.human)
	} else {
		res, err = s.followUp(ctx, tx, m, *d.human)
	}
	if err != nil {
		return res, err
	}
	// The link needs the contribution written.
	if err := r.w.flush(ctx, tx); err != nil {
		return res, err
	}
	if res.NewContrib && res.Ref == "" {
		res.Ref = r.w.refs[res.ContributionID]
	}
	if err := s.exec(ctx, tx, linkCopySQL, prev.ID, res.ContributionID, res.MessageRowID); err != nil {
		return res, fmt.Errorf("link message %d: %w", prev.ID, err)
	}
	if _, err := s.insertEvent(ctx, tx, res.ContributionID, ActorSystem, ActionCopyLinked, "", "",
		map[string]any{"message": prev.ID, "sorted_as": prev.Kind, "copy_of": res.MessageRowID}); err != nil {
		return res, err
	}
	return res, nil
}

// followUp stores m as a follow-up of the contribution d names: the message, the event,
// the note in the card's thread and the card's update; a closed contribution reopens.
// Mail from another sender (d.otherSender) is stored in the conversation marked so, with
// its event, note and card update, and reopens nothing.
func (s *Store) followUp(ctx context.Context, tx *sqlx.Tx, m *Inbound, d decision) (Ingested, error) {
	res := Ingested{UID: m.UID}
	c, err := lockContribution(ctx, tx, d.contributionID)
	if err != nil {
		return res, fmt.Errorf("follow-up of %d: %w", d.contributionID, err)
	}
	m.Kind, m.KindReason = d.kind, d.reason
	id, err := s.insertMessage(ctx, tx, m, c.ID, m.Kind, m.KindReason)
	if err != nil {
		return res, err
	}
	res.MessageRowID, res.Kind, res.Reason, res.ContributionID, res.Ref = id, m.Kind, d.reason, c.ID, c.Ref
	// Mail following up a history contribution without a card: a recent message
	// brings the card; an old one, when no card is on its way, is kept in the
	// conversation and the audit trail only (see historyFollowUp).
	quiet, err := s.historyFollowUp(ctx, tx, c, id, d)
	if err != nil {
		return res, err
	}
	if d.otherSender {
		res.OtherSender = true
		return res, s.otherSender(ctx, tx, m, c, id, quiet)
	}
	evID, err := s.insertEvent(ctx, tx, c.ID, m.FromEmail, ActionFollowUp, "", "", map[string]any{"message": id, "subject": m.Subject})
	if err != nil {
		return res, err
	}
	if err := s.reopenTx(ctx, tx, c, ActorSystem, "follow-up from "+m.FromEmail); err != nil {
		return res, err
	}
	if quiet {
		return res, nil
	}
	if err := s.enqueueThreadNote(ctx, tx, c.ID, fmt.Sprintf("followup:%d", id), ThreadNote{Type: NoteFollowUp, MessageID: id}); err != nil {
		return res, err
	}
	if err := s.enqueueCardUpdate(ctx, tx, c.ID, evID); err != nil {
		return res, err
	}
	return res, nil
}

// bounce stores a bounce and tells the contribution it is about, if any.
func (s *Store) bounce(ctx context.Context, tx *sqlx.Tx, m *Inbound, d decision) (Ingested, error) {
	res := Ingested{UID: m.UID, Kind: MsgBounce, Reason: m.KindReason}
	cid := d.contributionID
	id, err := s.insertMessage(ctx, tx, m, cid, d.kind, d.reason)
	if err != nil {
		return res, err
	}
	res.MessageRowID, res.ContributionID = id, cid
	if cid == 0 {
		return res, nil
	}
	if _, err := s.insertEvent(ctx, tx, cid, ActorSystem, ActionBounce, "", "", map[string]any{"message": id, "bounce_of": m.BounceOf}); err != nil {
		return res, err
	}
	return res, s.enqueueThreadNote(ctx, tx, cid, fmt.Sprintf("bounce:%d", id), ThreadNote{Type: NoteBounce, MessageID: id, Text: m.Subject})
}

// The prefetch queries look up each of a batch's keys with its own index probe (a
// correlated subquery, which the planner cannot turn into a join), so that their plans,
// prepared once, stay right while a large import outgrows the table statistics.
const (
	prefetchPositionsSQL = `SELECT u.uid FROM unnest($3::bigint[]) AS u(uid)
		WHERE (SELECT true FROM messages m WHERE m.mailbox = $1 AND m.uidvalidity = $2 AND m.uid = u.uid AND m.uid > 0)`
	prefetchKnownSQL = `SELECT m.id, m.contribution_id, m.raw_sha256, m.message_id, m.kind
		FROM unnest($1::text[]) AS k(id), LATERAL (SELECT m.id, m.contribution_id, m.raw_sha256, m.message_id, m.kind FROM messages m
			WHERE m.message_id = k.id AND m.kind <> 'duplicate' OFFSET 0) m
		UNION ALL
		SELECT m.id, m.contribution_id, m.raw_sha256, m.message_id, m.kind
		FROM unnest($2::text[]) AS k(sha), LATERAL (SELECT m.id, m.contribution_id, m.raw_sha256, m.message_id, m.kind FROM messages m
			WHERE m.raw_sha256 = k.sha AND m.message_id IS NULL AND m.kind <> 'duplicate' OFFSET 0) m`
	prefetchThreadsSQL = `SELECT k.id AS message_id, t.contribution_id FROM unnest($1::text[]) AS k(id),
		LATERAL (SELECT m.contribution_id FROM messages m WHERE m.message_id = k.id AND m.kind <> 'duplicate'
			AND m.contribution_id IS NOT NULL ORDER BY m.id DESC LIMIT 1) t`
	// prefetchSentSQL finds the messages we sent among the Message-IDs bounces name:
	// only those link a bounce to a contribution.
	prefetchSentSQL = `SELECT k.id AS message_id, t.contribution_id FROM unnest($1::text[]) AS k(id),
		LATERAL (SELECT m.contribution_id FROM messages m WHERE m.message_id = k.id AND m.direction = 'out'
			AND m.contribution_id IS NOT NULL ORDER BY m.id DESC LIMIT 1) t`
	prefetchRefsSQL = `SELECT c.ref, c.id FROM unnest($1::text[]) AS k(ref),
		LATERAL (SELECT c.ref, c.id FROM contributions c WHERE c.ref = k.ref OFFSET 0) c`
	// prefetchCorrespondentsSQL gives who may write in the conversations of the
	// contributions $1: the From and Reply-To of each one's first message, and the
	// addresses and domains the secretariat accepted for it.
	prefetchCorrespondentsSQL = `SELECT k.id AS contribution_id, 'address' AS kind, lower(c.from_email) AS value
		FROM unnest($1::bigint[]) AS k(id), LATERAL (SELECT c.from_email FROM contributions c WHERE c.id = k.id OFFSET 0) c
		WHERE c.from_email <> ''
		UNION ALL
		SELECT k.id, 'address', lower(f.reply_to)
		FROM unnest($1::bigint[]) AS k(id), LATERAL (SELECT m.reply_to FROM messages m
			WHERE m.contribution_id = k.id AND m.direction = 'in' AND m.kind = 'contribution' ORDER BY m.id LIMIT 1) f
		WHERE f.reply_to <> ''
		UNION ALL
		SELECT k.id, r.kind, r.value
		FROM unnest($1::bigint[]) AS k(id), LATERAL (SELECT r.kind, r.value FROM correspondents r
			WHERE r.contribution_id = k.id OFFSET 0) r`
	prefetchSendersSQL = `SELECT c.id, c.email, c.subject,
			coalesce(f.hashes, '{}') AS hashes, coalesce(f.names, '{}') AS names
		FROM unnest($1::text[], $2::bool[]) AS k(email, files), LATERAL (SELECT c.id, lower(c.from_email) AS email, c.subject
			FROM contributions c WHERE lower(c.from_email) = k.email OFFSET 0) c,
		LATERAL (SELECT array_agg(a.sha256 ORDER BY a.id) AS hashes, array_agg(a.filename ORDER BY a.id) AS names
			FROM messages m JOIN attachments a ON a.message_id = m.id
			WHERE k.files AND m.contribution_id = c.id AND NOT a.inline) f
		ORDER BY c.id`
)

// prefetchCorrespondents reads the correspondents of every contribution the batch's
// messages name (see prefetch).
func (s *Store) prefetchCorrespondents(ctx context.Context, tx *sqlx.Tx, bc *batchContext) error {
	var cids []int64
	for _, cid := range bc.threads {
		cids = append(cids, cid)
	}
	for _, cid := range bc.refs {
		cids = append(cids, cid)
	}
	if len(cids) == 0 {
		return nil
	}
	slices.Sort(cids)
	cids = slices.Compact(cids)
	var rows []struct {
		ContributionID int64  `db:"contribution_id"`
		Kind           string `db:"kind"`
		Value          string `db:"value"`
	}
	if err := s.selectPrepared(ctx, tx, &rows, prefetchCorrespondentsSQL, pq.Int64Array(cids)); err != nil {
		return fmt.Errorf("correspondents: %w", err)
	}
	for _, cid := range cids {
		bc.correspondence(cid)
	}
	for _, r := range rows {
		bc.addCorrespondent(r.ContributionID, r.Kind, r.Value)
	}
	return nil
}

// prefetch reads what the decide step needs to know about stored mail for the batch b,
// whose messages are normalised.
func (s *Store) prefetch(ctx context.Context, tx *sqlx.Tx, b IngestBatch, pol IngestPolicy) (*batchContext, error) {
	bc := newBatchContext(pol, s.phases)
	var uids []int64
	var ids, shas, threadIDs, sentIDs, tags, recipients []string
	senderFiles := map[string]bool{}
	for i := range b.Messages {
		m := &b.Messages[i]
		if m.UID > 0 {
			uids = append(uids, int64(m.UID))
		}
		if m.MessageID != "" {
			ids = append(ids, m.MessageID)
		} else {
			shas = append(shas, m.rawSHA())
		}
		if m.InReplyTo != "" {
			threadIDs = append(threadIDs, m.InReplyTo)
		}
		threadIDs = append(threadIDs, m.References...)
		if m.BounceOf != "" {
			sentIDs = append(sentIDs, strings.Trim(m.BounceOf, "<>"))
		}
		if m.RefTag != "" {
			tags = append(tags, strings.ToUpper(m.RefTag))
		}
		if m.FromEmail != "" {
			k := strings.ToLower(m.FromEmail)
			senderFiles[k] = senderFiles[k] || hasFiles(m)
		}
		if p := m.prepared(); p.ackTo != "" {
			recipients = append(recipients, p.ackKey)
		}
	}
	senders, sendersWithFiles := keysAndFlags(senderFiles)
	for _, keys := range []*[]string{&ids, &shas, &threadIDs, &sentIDs, &tags, &recipients} {
		slices.Sort(*keys)
		*keys = slices.Compact(*keys)
	}
	if len(uids) > 0 && b.Mailbox != "" {
		var got []int64
		if err := s.selectPrepared(ctx, tx, &got, prefetchPositionsSQL, b.Mailbox, int64(b.UIDValidity), pq.Int64Array(uids)); err != nil {
			return nil, fmt.Errorf("positions: %w", err)
		}
		for _, u := range got {
			bc.positions[positionKey(b.Mailbox, b.UIDValidity, uint32(u))] = true
		}
	}
	if len(ids)+len(shas) > 0 {
		var rows []struct {
			ID             int64       `db:"id"`
			ContributionID *int64      `db:"contribution_id"`
			RawSHA256      string      `db:"raw_sha256"`
			MessageID      *string     `db:"message_id"`
			Kind           MessageKind `db:"kind"`
		}
		if err := s.selectPrepared(ctx, tx, &rows, prefetchKnownSQL, textArray(ids), textArray(shas)); err != nil {
			return nil, fmt.Errorf("known messages: %w", err)
		}
		for _, r := range rows {
			p := prior{ID: r.ID, RawSHA256: r.RawSHA256, Kind: r.Kind}
			if r.ContributionID != nil {
				p.ContributionID = *r.ContributionID
			}
			if r.MessageID != nil {
				bc.known[*r.MessageID] = p
			} else {
				bc.known["sha:"+r.RawSHA256] = p
			}
		}
	}
	if len(threadIDs) > 0 {
		var rows []struct {
			MessageID      string `db:"message_id"`
			ContributionID int64  `db:"contribution_id"`
		}
		if err := s.selectPrepared(ctx, tx, &rows, prefetchThreadsSQL, textArray(threadIDs)); err != nil {
			return nil, fmt.Errorf("threads: %w", err)
		}
		for _, r := range rows {
			bc.threads[r.MessageID] = r.ContributionID
		}
	}
	if len(sentIDs) > 0 {
		var rows []struct {
			MessageID      string `db:"message_id"`
			ContributionID int64  `db:"contribution_id"`
		}
		if err := s.selectPrepared(ctx, tx, &rows, prefetchSentSQL, textArray(sentIDs)); err != nil {
			return nil, fmt.Errorf("sent messages: %w", err)
		}
		for _, r := range rows {
			bc.sent[r.MessageID] = r.ContributionID
		}
	}
	if len(tags) > 0 {
		var rows []struct {
			Ref string `db:"ref"`
			ID  int64  `db:"id"`
		}
		if err := s.selectPrepared(ctx, tx, &rows, prefetchRefsSQL, textArray(tags)); err != nil {
			return nil, fmt.Errorf("reference tags: %w", err)
		}
		for _, r := range rows {
			bc.refs[r.Ref] = r.ID
		}
	}
	if err := s.prefetchCorrespondents(ctx, tx, bc); err != nil {
		return nil, err
	}
	if len(senders) > 0 {
		var rows []struct {
			ID      int64          `db:"id"`
			Email   string         `db:"email"`
			Subject string         `db:"subject"`
			Hashes  pq.StringArray `db:"hashes"`
			Names   pq.StringArray `db:"names"`
		}
		if err := s.selectPrepared(ctx, tx, &rows, prefetchSendersSQL, textArray(senders), pq.BoolArray(sendersWithFiles)); err != nil {
			return nil, fmt.Errorf("senders: %w", err)
		}
		for _, r := range rows {
			bc.senders[r.Email] = append(bc.senders[r.Email], priorContribution{ID: r.ID, Subject: normSubject(r.Subject), Hashes: r.Hashes, Names: r.Names})
		}
	}
	if err := s.prefetchOrganisations(ctx, tx, bc, b.Messages); err != nil {
		return nil, err
	}
	if err := s.prefetchAcks(ctx, tx, b, pol, bc, recipients); err != nil {
		return nil, err
	}
	if err := s.prefetchLearned(ctx, tx, b, bc); err != nil {
		return nil, err
	}
	return bc, nil
}
