package store

import (
	"context"
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
	Mailbox      string
	UIDValidity  uint32
	UID          uint32
	InternalDate time.Time // when the message reached the mailbox
	Raw          []byte

	Kind       string // MsgContribution, MsgAutoReply, MsgBounce, MsgList, MsgOwn or MsgQuarantined
	KindReason string

	MessageID  string // without angle brackets
	InReplyTo  string
	References []string
	FromName   string
	FromEmail  string
	ReplyTo    string // the address an acknowledgement goes to, when not From
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
	NoReply     bool
	Attachments []InboundAttachment
	Suggestion  Suggestion
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
	Kind            string
	StakeholderType string
	ActionLines     []string
	Organisation    string
}

// IngestPolicy is what the intake decides automatically.
type IngestPolicy struct {
	// Ack turns acknowledgements on (WSISBOT_ACK).
	Ack bool
	// AckWindow: mail that reached the mailbox longer ago than this is history: stored
	// and carded, never acknowledged.
	AckWindow time.Duration
	// AckPerSenderPerDay caps acknowledgements to one address over 24 hours (0: no cap).
	AckPerSenderPerDay int
	// OurAddresses are the secretariat's own addresses: mail from them is never a
	// contribution and never acknowledged.
	OurAddresses []string
}

// DefaultIngestPolicy acknowledges mail up to 24 hours old, at most 5 per sender a day.
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
	MessageRowID   int64  // 0 when the message had been stored before (skipped)
	Kind           string // the stored kind
	Reason         string
	ContributionID int64
	Ref            string
	NewContrib     bool
	AckQueued      bool
	AckSuppressed  string
	Skipped        bool // already stored (same position, or same Message-ID and content)
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
	err := s.db.GetContext(ctx, &st, `SELECT mailbox, uidvalidity, last_uid, updated_at FROM sync_state WHERE mailbox = $1`, mailbox)
	if err != nil {
		return st, fmt.Errorf("store: sync state %s: %w", mailbox, notFound(err))
	}
	return st, nil
}

// ResetSyncState records a new UIDVALIDITY for mailbox with nothing handled yet under it.
func (s *Store) ResetSyncState(ctx context.Context, mailbox string, uidValidity uint32) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sync_state (mailbox, uidvalidity, last_uid, updated_at) VALUES ($1, $2, 0, $3)
		ON CONFLICT (mailbox) DO UPDATE SET uidvalidity = EXCLUDED.uidvalidity, last_uid = 0, updated_at = EXCLUDED.updated_at`,
		mailbox, int64(uidValidity), s.clock.Now())
	if err != nil {
		return fmt.Errorf("store: reset sync state %s: %w", mailbox, err)
	}
	return nil
}

// Ingest stores a batch exactly once, in ONE transaction: every message, its
// attachments, the new or updated contributions, their events, the outbox items they
// cause (acknowledgement, card, thread notes) and the advance of the mailbox checkpoint.
// A message stored before (same mailbox position, or same Message-ID and bytes) is
// skipped, so replaying a batch after a crash doubles nothing. A message that cannot be
// stored as what it is gets stored quarantined, raw bytes kept; it never blocks the rest.
func (s *Store) Ingest(ctx context.Context, b IngestBatch, pol IngestPolicy) ([]Ingested, error) {
	out := make([]Ingested, 0, len(b.Messages))
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		out = out[:0]
		for i := range b.Messages {
			m := &b.Messages[i]
			if m.Mailbox == "" {
				m.Mailbox = b.Mailbox
			}
			if m.UIDValidity == 0 {
				m.UIDValidity = b.UIDValidity
			}
			res, err := s.ingestOne(ctx, tx, m, pol)
			if err != nil {
				return fmt.Errorf("uid %d: %w", m.UID, err)
			}
			out = append(out, res)
		}
		if b.Mailbox == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sync_state (mailbox, uidvalidity, last_uid, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (mailbox) DO UPDATE SET
				last_uid = CASE WHEN sync_state.uidvalidity = EXCLUDED.uidvalidity
					THEN greatest(sync_state.last_uid, EXCLUDED.last_uid) ELSE EXCLUDED.last_uid END,
				uidvalidity = EXCLUDED.uidvalidity, updated_at = EXCLUDED.updated_at`,
			b.Mailbox, int64(b.UIDValidity), int64(b.LastUID), s.clock.Now())
		if err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: ingest %s: %w", b.Mailbox, err)
	}
	return out, nil
}

// ingestOne stores one message under a savepoint: when storing it as what it is fails,
// it is stored again as quarantined with the reason.
func (s *Store) ingestOne(ctx context.Context, tx *sqlx.Tx, m *Inbound, pol IngestPolicy) (Ingested, error) {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT ingest_one`); err != nil {
		return Ingested{}, fmt.Errorf("savepoint: %w", err)
	}
	res, err := s.ingestAs(ctx, tx, m, pol)
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
	q := Inbound{Mailbox: m.Mailbox, UIDValidity: m.UIDValidity, UID: m.UID, InternalDate: m.InternalDate, Raw: m.Raw,
		Kind: MsgQuarantined, KindReason: "could not be stored: " + err.Error(), Subject: m.Subject,
		FromName: m.FromName, FromEmail: m.FromEmail}
	return s.ingestAs(ctx, tx, &q, pol)
}

func (s *Store) ingestAs(ctx context.Context, tx *sqlx.Tx, m *Inbound, pol IngestPolicy) (Ingested, error) {
	res := Ingested{UID: m.UID, Kind: m.Kind, Reason: m.KindReason}
	rawSHA := SHA256Hex(m.Raw)

	// Already stored at this position: a replay after a crash.
	if m.UID > 0 {
		var one int
		err := tx.GetContext(ctx, &one, `SELECT 1 FROM messages WHERE mailbox = $1 AND uidvalidity = $2 AND uid = $3`,
			m.Mailbox, int64(m.UIDValidity), int64(m.UID))
		if err == nil {
			res.Skipped = true
			return res, nil
		}
		if err != errNoRows {
			return res, fmt.Errorf("position: %w", err)
		}
	}

	// Seen before under another position (a UIDVALIDITY reset, a resync): the same
	// Message-ID with the same bytes is the same message; other bytes make a duplicate.
	var prev struct {
		ID             int64  `db:"id"`
		ContributionID *int64 `db:"contribution_id"`
		RawSHA256      string `db:"raw_sha256"`
	}
	var err error
	if m.MessageID != "" {
		err = tx.GetContext(ctx, &prev, `SELECT id, contribution_id, raw_sha256 FROM messages
			WHERE message_id = $1 AND kind <> 'duplicate'`, m.MessageID)
	} else {
		err = tx.GetContext(ctx, &prev, `SELECT id, contribution_id, raw_sha256 FROM messages
			WHERE raw_sha256 = $1 AND message_id IS NULL AND kind <> 'duplicate'`, rawSHA)
	}
	switch {
	case err == nil && prev.RawSHA256 == rawSHA:
		if m.UID > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE messages SET mailbox = $2, uidvalidity = $3, uid = $4 WHERE id = $1`,
				prev.ID, m.Mailbox, int64(m.UIDValidity), int64(m.UID)); err != nil {
				return res, fmt.Errorf("relocate: %w", err)
			}
		}
		res.Skipped = true
		return res, nil
	case err == nil:
		m.Kind, m.KindReason = MsgDuplicate, fmt.Sprintf("Message-ID <%s> is already stored (message %d)", m.MessageID, prev.ID)
		cid := int64(0)
		if prev.ContributionID != nil {
			cid = *prev.ContributionID
		}
		id, err := s.insertInbound(ctx, tx, m, cid, rawSHA)
		if err != nil {
			return res, err
		}
		res.MessageRowID, res.Kind, res.Reason, res.ContributionID = id, m.Kind, m.KindReason, cid
		return res, nil
	case err != errNoRows:
		return res, fmt.Errorf("seen before: %w", err)
	}

	switch m.Kind {
	case MsgContribution, MsgFollowUp:
		return s.ingestHuman(ctx, tx, m, pol, rawSHA)
	case MsgBounce:
		return s.ingestBounce(ctx, tx, m, rawSHA)
	case MsgQuarantined:
		id, err := s.insertInbound(ctx, tx, m, 0, rawSHA)
		if err != nil {
			return res, err
		}
		res.MessageRowID = id
		it, err := NewOutboxItem(OutboxSlackNotice, fmt.Sprintf("quarantine:%d", id), 0, id,
			map[string]any{"type": "quarantine", "reason": m.KindReason})
		if err != nil {
			return res, err
		}
		_, err = s.enqueue(ctx, tx, it)
		return res, err
	case MsgAutoReply, MsgList, MsgOwn:
		id, err := s.insertInbound(ctx, tx, m, 0, rawSHA)
		res.MessageRowID = id
		return res, err
	}
	return res, fmt.Errorf("unknown message kind %q", m.Kind)
}

// findThread finds the contribution a message follows up on: its In-Reply-To or
// References name a stored message (either direction), or its subject carries a
// reference tag.
func (s *Store) findThread(ctx context.Context, tx *sqlx.Tx, m *Inbound) (Contribution, string, error) {
	ids := make([]string, 0, len(m.References)+1)
	if m.InReplyTo != "" {
		ids = append(ids, m.InReplyTo)
	}
	ids = append(ids, m.References...)
	if len(ids) > 0 {
		var cid int64
		err := tx.GetContext(ctx, &cid, `SELECT contribution_id FROM messages
			WHERE message_id = ANY($1) AND contribution_id IS NOT NULL ORDER BY id DESC LIMIT 1`, pqStrings(ids))
		if err == nil {
			c, err := lockContribution(ctx, tx, cid)
			return c, "In-Reply-To/References name a stored message", err
		}
		if err != errNoRows {
			return Contribution{}, "", fmt.Errorf("thread by headers: %w", err)
		}
	}
	if m.RefTag != "" {
		var cid int64
		err := tx.GetContext(ctx, &cid, `SELECT id FROM contributions WHERE ref = $1`, strings.ToUpper(m.RefTag))
		if err == nil {
			c, err := lockContribution(ctx, tx, cid)
			return c, "subject carries " + strings.ToUpper(m.RefTag), err
		}
		if err != errNoRows {
			return Contribution{}, "", fmt.Errorf("thread by tag: %w", err)
		}
	}
	return Contribution{}, "", errNoRows
}

func (s *Store) ingestHuman(ctx context.Context, tx *sqlx.Tx, m *Inbound, pol IngestPolicy, rawSHA string) (Ingested, error) {
	res := Ingested{UID: m.UID}
	c, why, err := s.findThread(ctx, tx, m)
	if err == nil {
		m.Kind, m.KindReason = MsgFollowUp, why
		id, err := s.insertInbound(ctx, tx, m, c.ID, rawSHA)
		if err != nil {
			return res, err
		}
		if _, err := s.insertEvent(ctx, tx, c.ID, m.FromEmail, ActionFollowUp, "", "", map[string]any{"message": id, "subject": CleanText(m.Subject)}); err != nil {
			return res, err
		}
		if err := s.reopenTx(ctx, tx, c, ActorSystem, "follow-up from "+m.FromEmail); err != nil {
			return res, err
		}
		if err := s.enqueueThreadNote(ctx, tx, c.ID, fmt.Sprintf("followup:%d", id), ThreadNote{Type: NoteFollowUp, MessageID: id}); err != nil {
			return res, err
		}
		if c.Status == StatusClosed {
			if err := s.enqueueCardUpdate(ctx, tx, c.ID, -id); err != nil {
				return res, err
			}
		}
		res.MessageRowID, res.Kind, res.Reason, res.ContributionID, res.Ref = id, m.Kind, why, c.ID, c.Ref
		return res, nil
	}
	if err != errNoRows {
		return res, err
	}
	m.Kind = MsgContribution
	if m.KindReason == "" {
		m.KindReason = "new contribution"
	}
	return s.newContribution(ctx, tx, m, pol, rawSHA)
}

func (s *Store) newContribution(ctx context.Context, tx *sqlx.Tx, m *Inbound, pol IngestPolicy, rawSHA string) (Ingested, error) {
	res := Ingested{UID: m.UID, Kind: MsgContribution, Reason: m.KindReason, NewContrib: true}
	now := s.clock.Now()
	received := m.InternalDate
	if received.IsZero() {
		received = now
	}
	sg := m.Suggestion
	kind := sg.Kind
	if kind != "" && !ValidKind(kind) {
		kind = ""
	}
	st := sg.StakeholderType
	if st != "" && !ValidStakeholderType(st) {
		st = ""
	}
	lines := slices.DeleteFunc(slices.Clone(sg.ActionLines), func(a string) bool { return !ValidActionLine(a) })
	d := s.phases.DeadlineFor(kind, received)
	history := pol.AckWindow > 0 && now.Sub(received) > pol.AckWindow

	// A resubmission: the same sender sent the same attachment or the same title before.
	var revisionOf *int64
	hashes := make([]string, 0, len(m.Attachments))
	for _, a := range m.Attachments {
		if !a.Inline {
			hashes = append(hashes, attachmentSHA(a))
		}
	}
	if m.FromEmail != "" {
		var prevID int64
		err := tx.GetContext(ctx, &prevID, `SELECT c.id FROM contributions c
			WHERE lower(c.from_email) = lower($1) AND (
				lower(regexp_replace(c.subject, '\s+', ' ', 'g')) = lower(regexp_replace($2, '\s+', ' ', 'g'))
				OR EXISTS (SELECT 1 FROM messages m JOIN attachments a ON a.message_id = m.id
					WHERE m.contribution_id = c.id AND NOT a.inline AND a.sha256 = ANY($3)))
			ORDER BY c.id DESC LIMIT 1`, m.FromEmail, CleanText(strings.TrimSpace(m.Subject)), pq.StringArray(hashes))
		if err == nil {
			revisionOf = &prevID
		} else if err != errNoRows {
			return res, fmt.Errorf("resubmission: %w", err)
		}
	}

	var cid, seq int64
	err := tx.QueryRowxContext(ctx, `INSERT INTO contributions (seq, ref, kind_suggested, stakeholder_type_suggested,
		action_lines_suggested, language, from_name, from_email, organisation_suggested, subject, received_at,
		deadline_name, deadline_at, late, revision_of_suggested, history, created_at, updated_at)
		SELECT n, $1 || '-' || lpad(n::text, 4, '0'), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16
		FROM (SELECT nextval('contribution_ref_seq') AS n) seq
		RETURNING id, seq`,
		s.phases.RefPrefix, nullString(kind), nullString(st), pqStrings(lines), m.Language,
		CleanText(m.FromName), CleanText(m.FromEmail), CleanText(sg.Organisation), CleanText(m.Subject), received,
		d.Name, d.LastInstant(), d.IsLate(received), revisionOf, history, now).Scan(&cid, &seq)
	if err != nil {
		return res, fmt.Errorf("insert contribution: %w", err)
	}
	res.ContributionID, res.Ref = cid, s.phases.Ref(seq)
	id, err := s.insertInbound(ctx, tx, m, cid, rawSHA)
	if err != nil {
		return res, err
	}
	res.MessageRowID = id
	details := map[string]any{"message": id, "ref": res.Ref, "deadline": d.Name, "late": d.IsLate(received)}
	if revisionOf != nil {
		details["revision_of_suggested"] = *revisionOf
	}
	if _, err := s.insertEvent(ctx, tx, cid, m.FromEmail, ActionReceive, "", StatusReceived, details); err != nil {
		return res, err
	}
	card, err := NewOutboxItem(OutboxSlackCard, fmt.Sprintf("card:%d", cid), cid, id, nil)
	if err != nil {
		return res, err
	}
	if _, err := s.enqueue(ctx, tx, card); err != nil {
		return res, err
	}

	reason, err := s.ackSuppression(ctx, tx, m, pol, received, now)
	if err != nil {
		return res, err
	}
	if reason != "" {
		res.AckSuppressed = reason
		if _, err := tx.ExecContext(ctx, `UPDATE contributions SET ack_status = $2, ack_suppressed_reason = $3 WHERE id = $1`,
			cid, AckSuppressed, reason); err != nil {
			return res, fmt.Errorf("ack suppressed: %w", err)
		}
		if _, err := s.insertEvent(ctx, tx, cid, ActorSystem, ActionAckSkipped, "", "", map[string]any{"reason": reason}); err != nil {
			return res, err
		}
		return res, s.enqueueThreadNote(ctx, tx, cid, fmt.Sprintf("ack-suppressed:%d", cid), ThreadNote{Type: NoteAckSuppressed, Text: reason})
	}
	ack, err := NewOutboxItem(OutboxAckEmail, fmt.Sprintf("ack:%d", cid), cid, id, nil)
	if err != nil {
		return res, err
	}
	if _, err := s.enqueue(ctx, tx, ack); err != nil {
		return res, err
	}
	res.AckQueued = true
	return res, nil
}

// ackSuppression says why a new contribution gets no acknowledgement, or "" to send one.
func (s *Store) ackSuppression(ctx context.Context, tx *sqlx.Tx, m *Inbound, pol IngestPolicy, received, now time.Time) (string, error) {
	to := strings.ToLower(strings.TrimSpace(m.FromEmail))
	if m.ReplyTo != "" {
		to = strings.ToLower(strings.TrimSpace(m.ReplyTo))
	}
	switch {
	case !pol.Ack:
		return "acknowledgements are turned off (WSISBOT_ACK=off)", nil
	case to == "":
		return "the sender has no address", nil
	case m.NoReply:
		return "the sender's address (" + to + ") is a no-reply or system address", nil
	}
	for _, our := range pol.OurAddresses {
		if strings.EqualFold(our, to) || strings.EqualFold(our, m.FromEmail) {
			return "the mail came from our own address (" + our + ")", nil
		}
	}
	if pol.AckWindow > 0 && now.Sub(received) > pol.AckWindow {
		return fmt.Sprintf("history: it reached the mailbox %s ago, before the %s acknowledgement window",
			now.Sub(received).Round(time.Minute), pol.AckWindow), nil
	}
	if pol.AckPerSenderPerDay > 0 {
		var n int
		err := tx.GetContext(ctx, &n, `SELECT count(*) FROM outbox o JOIN contributions c ON c.id = o.contribution_id
			WHERE o.kind = 'ack_email' AND o.created_at > $2 AND o.failed_at IS NULL
			AND lower(c.from_email) = lower($1)`, m.FromEmail, now.Add(-24*time.Hour))
		if err != nil {
			return "", fmt.Errorf("ack cap: %w", err)
		}
		if n >= pol.AckPerSenderPerDay {
			return fmt.Sprintf("%s already received %d acknowledgements in 24 hours (the cap)", m.FromEmail, n), nil
		}
	}
	return "", nil
}

func (s *Store) ingestBounce(ctx context.Context, tx *sqlx.Tx, m *Inbound, rawSHA string) (Ingested, error) {
	res := Ingested{UID: m.UID, Kind: MsgBounce, Reason: m.KindReason}
	var cid int64
	if m.BounceOf != "" {
		err := tx.GetContext(ctx, &cid, `SELECT contribution_id FROM messages WHERE message_id = $1 AND direction = 'out'
			AND contribution_id IS NOT NULL LIMIT 1`, strings.Trim(m.BounceOf, "<>"))
		if err != nil && err != errNoRows {
			return res, fmt.Errorf("bounce: %w", err)
		}
	}
	id, err := s.insertInbound(ctx, tx, m, cid, rawSHA)
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
	return res, s.enqueueThreadNote(ctx, tx, cid, fmt.Sprintf("bounce:%d", id), ThreadNote{Type: NoteBounce, MessageID: id, Text: CleanText(m.Subject)})
}

func attachmentSHA(a InboundAttachment) string {
	if a.SHA256 != "" {
		return a.SHA256
	}
	return SHA256Hex(a.Data)
}

// insertInbound stores an inbound message and its attachments (content stored once).
func (s *Store) insertInbound(ctx context.Context, tx *sqlx.Tx, m *Inbound, contributionID int64, rawSHA string) (int64, error) {
	hdr, err := headersJSON(m.Headers)
	if err != nil {
		return 0, err
	}
	var cid *int64
	if contributionID != 0 {
		cid = &contributionID
	}
	var date *time.Time
	if !m.Date.IsZero() {
		date = &m.Date
	}
	received := m.InternalDate
	if received.IsZero() {
		received = s.clock.Now()
	}
	var id int64
	err = tx.QueryRowxContext(ctx, `INSERT INTO messages (contribution_id, direction, kind, kind_reason, message_id,
		in_reply_to, refs, from_name, from_email, to_addrs, cc_addrs, subject, date_header, received_at, headers,
		text_body, fresh_text, html_body, language, warnings, raw, raw_sha256, size, mailbox, uidvalidity, uid, created_at)
		VALUES ($1, 'in', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
		$23, $24, $25, $26) RETURNING id`,
		cid, m.Kind, CleanText(m.KindReason), nullString(CleanText(m.MessageID)), CleanText(m.InReplyTo), pqStrings(m.References),
		CleanText(m.FromName), CleanText(m.FromEmail), CleanText(m.To), CleanText(m.Cc), CleanText(m.Subject), date, received,
		hdr, CleanText(m.Text), CleanText(m.FreshText), CleanText(m.HTML), m.Language, pqStrings(m.Warnings),
		m.Raw, rawSHA, int64(len(m.Raw)), m.Mailbox, int64(m.UIDValidity), int64(m.UID), s.clock.Now()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert message: %w", err)
	}
	for i, a := range m.Attachments {
		sha := attachmentSHA(a)
		if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (sha256, size, data) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING`,
			sha, int64(len(a.Data)), a.Data); err != nil {
			return 0, fmt.Errorf("insert blob: %w", err)
		}
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO attachments (message_id, position, filename, content_type, size, sha256, inline)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, i, CleanText(a.Filename), CleanText(ct), int64(len(a.Data)), sha, a.Inline); err != nil {
			return 0, fmt.Errorf("insert attachment: %w", err)
		}
	}
	return id, nil
}
