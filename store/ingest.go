package store

import (
	"context"
	"fmt"
	"runtime/debug"
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
	RawSHA256    string // hex SHA-256 of Raw; computed when empty

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
//
// The batch is first tried without savepoints (the fast path); if any statement fails,
// the whole batch is redone with a savepoint around each message, so that the failing one
// is quarantined and the others are stored.
func (s *Store) Ingest(ctx context.Context, b IngestBatch, pol IngestPolicy) ([]Ingested, error) {
	for i := range b.Messages {
		m := &b.Messages[i]
		if m.Mailbox == "" {
			m.Mailbox = b.Mailbox
		}
		if m.UIDValidity == 0 {
			m.UIDValidity = b.UIDValidity
		}
	}
	out, err := s.ingestBatch(ctx, b, pol, false)
	if err != nil && ctx.Err() == nil {
		out, err = s.ingestBatch(ctx, b, pol, true)
	}
	if err != nil {
		return nil, fmt.Errorf("store: ingest %s: %w", b.Mailbox, err)
	}
	return out, nil
}

func (s *Store) ingestBatch(ctx context.Context, b IngestBatch, pol IngestPolicy, savepoints bool) ([]Ingested, error) {
	out := make([]Ingested, 0, len(b.Messages))
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		bc, err := s.prefetch(ctx, tx, b)
		if err != nil {
			return fmt.Errorf("prefetch: %w", err)
		}
		bc.pol, bc.store = pol, s
		if !savepoints {
			candidates := 0
			for i := range b.Messages {
				if b.Messages[i].Kind == MsgContribution {
					candidates++
				}
			}
			if bc.bulk, err = s.newBulk(ctx, tx, candidates); err != nil {
				return err
			}
		}
		for i := range b.Messages {
			m := &b.Messages[i]
			var res Ingested
			if savepoints {
				res, err = s.ingestOne(ctx, tx, bc, m)
			} else {
				res, err = s.ingestAs(ctx, tx, bc, m)
			}
			if err != nil {
				return fmt.Errorf("uid %d: %w", m.UID, err)
			}
			bc.remember(m, res)
			out = append(out, res)
			if bc.bulk != nil && res.NewContrib {
				bc.bulk.bind(&out[len(out)-1])
			}
		}
		if err := bc.flush(ctx, tx); err != nil {
			return err
		}
		if bc.queued {
			if err := notifyOutbox(ctx, tx); err != nil {
				return err
			}
		}
		if b.Mailbox == "" {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sync_state (mailbox, uidvalidity, last_uid, updated_at) VALUES ($1, $2, $3, $4)
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
	return out, err
}

// batchContext is what a batch needs to know about stored mail, read once per batch with
// a few queries and kept current as the batch's messages are stored.
type batchContext struct {
	pol       IngestPolicy
	positions map[string]bool  // "mailbox/uidvalidity/uid" already stored
	known     map[string]prior // Message-ID, or "sha:"+hash when none → the stored message
	threads   map[string]int64 // Message-ID of a stored message → its contribution
	refs      map[string]int64 // reference number → contribution
	senders   map[string][]priorContribution
	ackCounts map[string]int // lower(address) → acknowledgements queued in 24 hours
	queued    bool
	bulk      *bulk // the fast path's COPY of new contributions; nil with savepoints
	store     *Store
}

// flush writes what the bulk path queued, before a write that may refer to it.
func (bc *batchContext) flush(ctx context.Context, tx *sqlx.Tx) error {
	if bc.bulk == nil {
		return nil
	}
	return bc.bulk.flush(ctx, bc.store, tx)
}

type prior struct {
	ID             int64
	ContributionID int64
	RawSHA256      string
	Kind           string
}

// sortedAway reports whether a stored message of this kind, attached to no contribution,
// is out of the desk's sight: list mail, robots, bounces, our own mail, quarantined.
func sortedAway(kind string) bool {
	switch kind {
	case MsgAutoReply, MsgBounce, MsgList, MsgOwn, MsgQuarantined:
		return true
	}
	return false
}

type priorContribution struct {
	ID      int64
	Subject string // normalised
	Hashes  []string
}

func positionKey(mailbox string, uv, uid uint32) string {
	return fmt.Sprintf("%s/%d/%d", mailbox, uv, uid)
}

func knownKey(m *Inbound, rawSHA string) string {
	if m.MessageID != "" {
		return m.MessageID
	}
	return "sha:" + rawSHA
}

func normSubject(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(CleanText(s)), " "))
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
	prefetchRefsSQL = `SELECT c.ref, c.id FROM unnest($1::text[]) AS k(ref),
		LATERAL (SELECT c.ref, c.id FROM contributions c WHERE c.ref = k.ref OFFSET 0) c`
	prefetchSendersSQL = `SELECT c.id, c.email, c.subject,
			ARRAY(SELECT a.sha256 FROM messages m JOIN attachments a ON a.message_id = m.id
				WHERE m.contribution_id = c.id AND NOT a.inline ORDER BY a.id) AS hashes
		FROM unnest($1::text[]) AS k(email), LATERAL (SELECT c.id, lower(c.from_email) AS email, c.subject
			FROM contributions c WHERE lower(c.from_email) = k.email OFFSET 0) c
		ORDER BY c.id`
	prefetchAckCountsSQL = `SELECT k.email, a.n FROM unnest($1::text[]) AS k(email),
		LATERAL (SELECT sum((SELECT count(*) FROM outbox o WHERE o.message_id = m.id AND o.kind = 'ack_email'
				AND o.created_at > $2 AND o.failed_at IS NULL)) AS n
			FROM messages m WHERE m.direction = 'in' AND lower(COALESCE(NULLIF(m.reply_to, ''), m.from_email)) = k.email) a
		WHERE a.n > 0`
)

// selectPrepared runs a prepared query (see stmt) into dest.
func (s *Store) selectPrepared(ctx context.Context, tx *sqlx.Tx, dest any, query string, args ...any) error {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return err
	}
	return st.SelectContext(ctx, dest, args...)
}

func (s *Store) prefetch(ctx context.Context, tx *sqlx.Tx, b IngestBatch) (*batchContext, error) {
	bc := &batchContext{positions: map[string]bool{}, known: map[string]prior{}, threads: map[string]int64{},
		refs: map[string]int64{}, senders: map[string][]priorContribution{}, ackCounts: map[string]int{}}
	var uids []int64
	var ids, shas, threadIDs, tags, senders, recipients []string
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
			threadIDs = append(threadIDs, strings.Trim(m.BounceOf, "<>"))
		}
		if m.RefTag != "" {
			tags = append(tags, strings.ToUpper(m.RefTag))
		}
		if m.FromEmail != "" {
			senders = append(senders, strings.ToLower(m.FromEmail))
		}
		recipients = append(recipients, ackRecipient(m))
	}
	for _, keys := range []*[]string{&ids, &shas, &threadIDs, &tags, &senders, &recipients} {
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
			ID             int64   `db:"id"`
			ContributionID *int64  `db:"contribution_id"`
			RawSHA256      string  `db:"raw_sha256"`
			MessageID      *string `db:"message_id"`
			Kind           string  `db:"kind"`
		}
		if err := s.selectPrepared(ctx, tx, &rows, prefetchKnownSQL, pqStrings(ids), pqStrings(shas)); err != nil {
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
		if err := s.selectPrepared(ctx, tx, &rows, prefetchThreadsSQL, pqStrings(threadIDs)); err != nil {
			return nil, fmt.Errorf("threads: %w", err)
		}
		for _, r := range rows {
			bc.threads[r.MessageID] = r.ContributionID
		}
	}
	if len(tags) > 0 {
		var rows []struct {
			Ref string `db:"ref"`
			ID  int64  `db:"id"`
		}
		if err := s.selectPrepared(ctx, tx, &rows, prefetchRefsSQL, pqStrings(tags)); err != nil {
			return nil, fmt.Errorf("reference tags: %w", err)
		}
		for _, r := range rows {
			bc.refs[r.Ref] = r.ID
		}
	}
	if len(senders) > 0 {
		var rows []struct {
			ID      int64          `db:"id"`
			Email   string         `db:"email"`
			Subject string         `db:"subject"`
			Hashes  pq.StringArray `db:"hashes"`
		}
		if err := s.selectPrepared(ctx, tx, &rows, prefetchSendersSQL, pqStrings(senders)); err != nil {
			return nil, fmt.Errorf("senders: %w", err)
		}
		for _, r := range rows {
			bc.senders[r.Email] = append(bc.senders[r.Email], priorContribution{ID: r.ID, Subject: normSubject(r.Subject), Hashes: r.Hashes})
		}
		var counts []struct {
			Email string `db:"email"`
			N     int    `db:"n"`
		}
		// The cap counts the address acknowledgements go to (Reply-To, else From), so
		// that nobody can make us mail a third party by naming it as Reply-To.
		if err := s.selectPrepared(ctx, tx, &counts, prefetchAckCountsSQL, pqStrings(recipients), s.clock.Now().Add(-24*time.Hour)); err != nil {
			return nil, fmt.Errorf("acknowledgement counts: %w", err)
		}
		for _, c := range counts {
			bc.ackCounts[c.Email] = c.N
		}
	}
	return bc, nil
}

// remember records a stored message so that later messages of the same batch see it.
func (bc *batchContext) remember(m *Inbound, res Ingested) {
	if res.Skipped || res.MessageRowID == 0 {
		return
	}
	if m.UID > 0 {
		bc.positions[positionKey(m.Mailbox, m.UIDValidity, m.UID)] = true
	}
	rawSHA := m.rawSHA()
	if res.Kind != MsgDuplicate {
		bc.known[knownKey(m, rawSHA)] = prior{ID: res.MessageRowID, ContributionID: res.ContributionID, RawSHA256: rawSHA, Kind: res.Kind}
	}
	if res.ContributionID != 0 && m.MessageID != "" {
		bc.threads[m.MessageID] = res.ContributionID
	}
	if res.NewContrib {
		bc.refs[res.Ref] = res.ContributionID
		email := strings.ToLower(m.FromEmail)
		pc := priorContribution{ID: res.ContributionID, Subject: normSubject(m.Subject)}
		for _, a := range m.Attachments {
			if !a.Inline {
				pc.Hashes = append(pc.Hashes, attachmentSHA(a))
			}
		}
		bc.senders[email] = append(bc.senders[email], pc)
		if res.AckQueued {
			bc.ackCounts[ackRecipient(m)]++
		}
	}
	if res.Kind == MsgQuarantined || res.NewContrib || res.Kind == MsgFollowUp || (res.Kind == MsgBounce && res.ContributionID != 0) {
		bc.queued = true
	}
}

// ingestOne stores one message under a savepoint: when storing it as what it is fails,
// it is stored again as quarantined with the reason.
func (s *Store) ingestOne(ctx context.Context, tx *sqlx.Tx, bc *batchContext, m *Inbound) (Ingested, error) {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT ingest_one`); err != nil {
		return Ingested{}, fmt.Errorf("savepoint: %w", err)
	}
	res, err := s.ingestAs(ctx, tx, bc, m)
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
	q := Inbound{Mailbox: m.Mailbox, UIDValidity: m.UIDValidity, UID: m.UID, InternalDate: m.InternalDate, Raw: m.Raw, RawSHA256: m.RawSHA256,
		Kind: MsgQuarantined, KindReason: "could not be stored: " + err.Error(), Subject: m.Subject,
		FromName: m.FromName, FromEmail: m.FromEmail}
	res, err = s.ingestAs(ctx, tx, bc, &q)
	if err == nil {
		*m = q
	}
	return res, err
}

// relocate records the mailbox position a stored message was read from again.
func relocate(ctx context.Context, tx *sqlx.Tx, id int64, m *Inbound) error {
	if m.UID == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET mailbox = $2, uidvalidity = $3, uid = $4 WHERE id = $1`,
		id, m.Mailbox, int64(m.UIDValidity), int64(m.UID)); err != nil {
		return fmt.Errorf("relocate: %w", err)
	}
	return nil
}

func (s *Store) ingestAs(ctx context.Context, tx *sqlx.Tx, bc *batchContext, m *Inbound) (Ingested, error) {
	res := Ingested{UID: m.UID, Kind: m.Kind, Reason: m.KindReason}
	rawSHA := m.rawSHA()

	// Already stored at this position: a replay after a crash.
	if m.UID > 0 && bc.positions[positionKey(m.Mailbox, m.UIDValidity, m.UID)] {
		res.Skipped = true
		return res, nil
	}

	// Seen before under another position (a UIDVALIDITY reset, a resync): the same
	// Message-ID with the same bytes is the same message; other bytes make a duplicate.
	if prev, ok := bc.known[knownKey(m, rawSHA)]; ok {
		if err := bc.flush(ctx, tx); err != nil {
			return res, err
		}
		// A message is only ever a duplicate of something the desk sees. When the copy
		// stored before was sorted away (the list's copy of mail that also came to us
		// directly, say) and this one is a person's, this one is what the desk gets.
		if prev.ContributionID == 0 && sortedAway(prev.Kind) && (m.Kind == MsgContribution || m.Kind == MsgFollowUp) {
			return s.supersede(ctx, tx, bc, m, prev, rawSHA)
		}
		if prev.RawSHA256 == rawSHA {
			res.Skipped = true
			return res, relocate(ctx, tx, prev.ID, m)
		}
		// The same duplicate read again under another position: the same message.
		if m.MessageID != "" {
			var dupID int64
			err := tx.GetContext(ctx, &dupID, `SELECT id FROM messages WHERE message_id = $1 AND raw_sha256 = $2 AND kind = 'duplicate' LIMIT 1`,
				m.MessageID, rawSHA)
			switch {
			case err == nil:
				res.Skipped = true
				return res, relocate(ctx, tx, dupID, m)
			case err != errNoRows:
				return res, fmt.Errorf("stored duplicate: %w", err)
			}
		}
		if m.Kind != MsgQuarantined {
			m.Kind, m.KindReason = MsgDuplicate, fmt.Sprintf("Message-ID <%s> is already stored (message %d)", m.MessageID, prev.ID)
		}
		id, err := s.insertInbound(ctx, tx, m, prev.ContributionID, rawSHA)
		if err != nil {
			return res, err
		}
		res.MessageRowID, res.Kind, res.Reason, res.ContributionID = id, m.Kind, m.KindReason, prev.ContributionID
		return res, nil
	}

	if m.Kind != MsgContribution && m.Kind != MsgFollowUp {
		if err := bc.flush(ctx, tx); err != nil {
			return res, err
		}
	}
	switch m.Kind {
	case MsgContribution, MsgFollowUp:
		return s.ingestHuman(ctx, tx, bc, m, rawSHA)
	case MsgBounce:
		return s.ingestBounce(ctx, tx, bc, m, rawSHA)
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

// supersede stores m, a person's message, in place of prev, an earlier copy with the
// same Message-ID (or bytes) that was sorted away: prev becomes a duplicate, m is stored
// as it would have been had it come first (a new contribution, with its card and
// acknowledgement, or a follow-up), and prev is then linked to m's contribution.
func (s *Store) supersede(ctx context.Context, tx *sqlx.Tx, bc *batchContext, m *Inbound, prev prior, rawSHA string) (Ingested, error) {
	// First, so that m can take the Message-ID (one row that is not a duplicate per
	// Message-ID, or per content without one).
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET kind = 'duplicate',
			kind_reason = 'sorted as ' || kind || ' (' || kind_reason || '); a copy written to us came later' WHERE id = $1`,
		prev.ID); err != nil {
		return Ingested{UID: m.UID}, fmt.Errorf("supersede message %d: %w", prev.ID, err)
	}
	res, err := s.ingestHuman(ctx, tx, bc, m, rawSHA)
	if err != nil {
		return res, err
	}
	// The link needs the contribution written: the batch's queued rows go now, and res
	// gets its reference number from them.
	if bc.bulk != nil && res.NewContrib {
		bc.bulk.bind(&res)
	}
	if err := bc.flush(ctx, tx); err != nil {
		return res, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET contribution_id = $2,
			kind_reason = kind_reason || ': message ' || $3::bigint WHERE id = $1`,
		prev.ID, res.ContributionID, res.MessageRowID); err != nil {
		return res, fmt.Errorf("link message %d: %w", prev.ID, err)
	}
	if _, err := s.insertEvent(ctx, tx, res.ContributionID, ActorSystem, ActionCopyLinked, "", "",
		map[string]any{"message": prev.ID, "sorted_as": prev.Kind, "copy_of": res.MessageRowID}); err != nil {
		return res, err
	}
	return res, nil
}

// findThread finds the contribution a message follows up on: its In-Reply-To or
// References name a stored message (either direction), or its subject carries a
// reference tag.
func (bc *batchContext) findThread(m *Inbound) (int64, string) {
	if cid := bc.threads[m.InReplyTo]; m.InReplyTo != "" && cid != 0 {
		return cid, "In-Reply-To names a stored message"
	}
	for i := len(m.References) - 1; i >= 0; i-- {
		if cid := bc.threads[m.References[i]]; cid != 0 {
			return cid, "References name a stored message"
		}
	}
	if m.RefTag != "" {
		if cid := bc.refs[strings.ToUpper(m.RefTag)]; cid != 0 {
			return cid, "the subject carries " + strings.ToUpper(m.RefTag)
		}
	}
	return 0, ""
}

func (s *Store) ingestHuman(ctx context.Context, tx *sqlx.Tx, bc *batchContext, m *Inbound, rawSHA string) (Ingested, error) {
	res := Ingested{UID: m.UID}
	cid, why := bc.findThread(m)
	if cid == 0 {
		m.Kind = MsgContribution
		if m.KindReason == "" {
			m.KindReason = "new contribution"
		}
		return s.newContribution(ctx, tx, bc, m, rawSHA)
	}
	if err := bc.flush(ctx, tx); err != nil {
		return res, err
	}
	c, err := lockContribution(ctx, tx, cid)
	if err != nil {
		return res, fmt.Errorf("follow-up of %d: %w", cid, err)
	}
	m.Kind, m.KindReason = MsgFollowUp, why
	id, err := s.insertInbound(ctx, tx, m, c.ID, rawSHA)
	if err != nil {
		return res, err
	}
	evID, err := s.insertEvent(ctx, tx, c.ID, m.FromEmail, ActionFollowUp, "", "", map[string]any{"message": id, "subject": CleanText(m.Subject)})
	if err != nil {
		return res, err
	}
	if err := s.reopenTx(ctx, tx, c, ActorSystem, "follow-up from "+m.FromEmail); err != nil {
		return res, err
	}
	if err := s.enqueueThreadNote(ctx, tx, c.ID, fmt.Sprintf("followup:%d", id), ThreadNote{Type: NoteFollowUp, MessageID: id}); err != nil {
		return res, err
	}
	if err := s.enqueueCardUpdate(ctx, tx, c.ID, evID); err != nil {
		return res, err
	}
	res.MessageRowID, res.Kind, res.Reason, res.ContributionID, res.Ref = id, m.Kind, why, c.ID, c.Ref
	return res, nil
}

func (s *Store) newContribution(ctx context.Context, tx *sqlx.Tx, bc *batchContext, m *Inbound, rawSHA string) (Ingested, error) {
	res := Ingested{UID: m.UID, Kind: MsgContribution, Reason: m.KindReason, NewContrib: true}
	c := s.decideContribution(bc, m, "")
	hdr, err := headersJSON(m.Headers)
	if err != nil {
		return res, err
	}
	var date *time.Time
	if !m.Date.IsZero() {
		date = &m.Date
	}
	// A large message goes alone, its attachments' contents first (see insertBlobs).
	if bc.bulk != nil && len(m.Raw) > bulkMaxRaw {
		if err := bc.flush(ctx, tx); err != nil {
			return res, err
		}
	} else if bc.bulk != nil {
		if id, ok := bc.bulk.take(); ok {
			bc.bulk.add(id, c, m, rawSHA, hdr)
			res.ContributionID, res.MessageRowID = id.contribution, id.message
			res.AckSuppressed = c.reason
			res.AckQueued = c.reason == ""
			return res, nil
		}
	}
	if err := s.insertBlobs(ctx, tx, m); err != nil {
		return res, err
	}
	var row struct {
		ID  int64 `db:"id"`
		Seq int64 `db:"seq"`
		Msg int64 `db:"msg"`
	}
	stmt, err := s.stmt(ctx, tx, insertContributionSQL)
	if err != nil {
		return res, err
	}
	args := append(s.contributionArgs(c, m),
		CleanText(m.KindReason), nullString(CleanText(m.MessageID)), CleanText(m.InReplyTo), pqStrings(m.References),
		CleanText(m.To), CleanText(m.Cc), date, string(hdr), CleanText(m.Text), freshText(m), CleanText(m.HTML),
		pqStrings(m.Warnings), m.Raw, rawSHA, int64(len(m.Raw)), m.Mailbox, int64(m.UIDValidity), int64(m.UID),
		CleanText(m.ReplyTo))
	if err = stmt.QueryRowxContext(ctx, args...).StructScan(&row); err != nil {
		return res, fmt.Errorf("insert contribution: %w", err)
	}
	res.ContributionID, res.Ref, res.MessageRowID = row.ID, s.phases.Ref(row.Seq), row.Msg
	if err := s.insertAttachments(ctx, tx, row.Msg, m.Attachments); err != nil {
		return res, err
	}
	res.AckSuppressed = c.reason
	res.AckQueued = c.reason == ""
	return res, nil
}

// decideContribution decides what a new contribution made of m is: its suggestions
// (those the consultation knows), deadline, whether it is history, whether it is a
// resubmission, and whether it is acknowledged. noAck, when set, is a reason it is not.
func (s *Store) decideContribution(bc *batchContext, m *Inbound, noAck string) newContributionRow {
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
	c := newContributionRow{kind: kind, stakeholderType: st, organisation: sg.Organisation, lines: lines,
		received: received, now: now, deadline: s.phases.DeadlineFor(kind, received),
		history: bc.pol.AckWindow > 0 && now.Sub(received) > bc.pol.AckWindow}

	// A resubmission: the same sender sent the same attachment or the same title before.
	subj := normSubject(m.Subject)
	prevs := bc.senders[strings.ToLower(m.FromEmail)]
	for i := len(prevs) - 1; i >= 0 && c.revisionOf == nil; i-- {
		p := prevs[i]
		if subj != "" && p.Subject == subj {
			c.revisionOf = &p.ID
			break
		}
		for _, a := range m.Attachments {
			if !a.Inline && slices.Contains(p.Hashes, attachmentSHA(a)) {
				c.revisionOf = &p.ID
				break
			}
		}
	}

	c.reason = noAck
	if c.reason == "" {
		c.reason = bc.ackSuppression(m, received, now)
	}
	c.ackStatus = AckPending
	if c.reason != "" {
		c.ackStatus = AckSuppressed
	}
	return c
}

// contributionArgs are the parameters $1 to $18 of insertContributionSQL and
// promoteMessageSQL: the contribution row.
func (s *Store) contributionArgs(c newContributionRow, m *Inbound) []any {
	return []any{s.phases.RefPrefix, nullString(c.kind), nullString(c.stakeholderType), pqStrings(c.lines), m.Language,
		CleanText(m.FromName), CleanText(m.FromEmail), CleanText(c.organisation), CleanText(m.Subject), c.received,
		c.deadline.Name, c.deadline.LastInstant(), c.deadline.IsLate(c.received), c.revisionOf, c.history, c.ackStatus,
		c.reason, c.now}
}

// ackSuppression says why a new contribution gets no acknowledgement, or "" to send one.
func (bc *batchContext) ackSuppression(m *Inbound, received, now time.Time) string {
	pol := bc.pol
	to := ackRecipient(m)
	switch {
	case !pol.Ack:
		return "acknowledgements are turned off (WSISBOT_ACK=off)"
	case to == "":
		return "the sender has no address"
	case m.NoReply:
		return "the sender's address (" + to + ") is a no-reply or system address"
	}
	for _, our := range pol.OurAddresses {
		if strings.EqualFold(our, to) || strings.EqualFold(our, m.FromEmail) {
			return "the mail came from our own address (" + our + ")"
		}
	}
	if pol.AckWindow > 0 && now.Sub(received) > pol.AckWindow {
		return fmt.Sprintf("history: it reached the mailbox %s ago, outside the %s acknowledgement window",
			humanDuration(now.Sub(received)), humanDuration(pol.AckWindow))
	}
	if pol.AckPerSenderPerDay > 0 {
		if n := bc.ackCounts[to]; n >= pol.AckPerSenderPerDay {
			return fmt.Sprintf("%s already received %d acknowledgements in 24 hours (the cap)", to, n)
		}
	}
	return ""
}

func (s *Store) ingestBounce(ctx context.Context, tx *sqlx.Tx, bc *batchContext, m *Inbound, rawSHA string) (Ingested, error) {
	res := Ingested{UID: m.UID, Kind: MsgBounce, Reason: m.KindReason}
	cid := bc.threads[strings.Trim(m.BounceOf, "<>")]
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

// freshText is the value of messages.fresh_text: NULL when the new text is the whole
// text (most first messages), read back as text_body.
func freshText(m *Inbound) any {
	if m.FreshText == m.Text {
		return nil
	}
	return CleanText(m.FreshText)
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
	if err := s.insertBlobs(ctx, tx, m); err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRowxContext(ctx, `INSERT INTO messages (contribution_id, direction, kind, kind_reason, message_id,
		in_reply_to, refs, from_name, from_email, to_addrs, cc_addrs, subject, date_header, received_at, headers,
		text_body, fresh_text, html_body, language, warnings, raw, raw_sha256, size, mailbox, uidvalidity, uid, created_at, reply_to)
		VALUES ($1, 'in', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
		$23, $24, $25, $26, $27) RETURNING id`,
		cid, m.Kind, CleanText(m.KindReason), nullString(CleanText(m.MessageID)), CleanText(m.InReplyTo), pqStrings(m.References),
		CleanText(m.FromName), CleanText(m.FromEmail), CleanText(m.To), CleanText(m.Cc), CleanText(m.Subject), date, received,
		string(hdr), CleanText(m.Text), freshText(m), CleanText(m.HTML), m.Language, pqStrings(m.Warnings),
		m.Raw, rawSHA, int64(len(m.Raw)), m.Mailbox, int64(m.UIDValidity), int64(m.UID), s.clock.Now(), CleanText(m.ReplyTo)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert message: %w", err)
	}
	return id, s.insertAttachments(ctx, tx, id, m.Attachments)
}

// insertBlobs stores the content of a message's attachments, once per SHA-256, before
// the message itself: the attachment's bytes and the raw message then never sit in the
// database driver's buffers at the same time. A large content already stored is not sent.
func (s *Store) insertBlobs(ctx context.Context, tx *sqlx.Tx, m *Inbound) error {
	big := int64(0)
	for i := range m.Attachments {
		a := &m.Attachments[i]
		if a.SHA256 == "" {
			a.SHA256 = SHA256Hex(a.Data)
		}
		if len(a.Data) >= 64<<10 {
			var one int
			err := tx.GetContext(ctx, &one, `SELECT 1 FROM blobs WHERE sha256 = $1`, a.SHA256)
			if err == nil {
				continue
			}
			if err != errNoRows {
				return fmt.Errorf("blob: %w", err)
			}
		}
		st, err := s.stmt(ctx, tx, insertBlobSQL)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, a.SHA256, int64(len(a.Data)), a.Data); err != nil {
			return fmt.Errorf("insert blob: %w", err)
		}
		big += int64(len(a.Data))
	}
	if big >= largeContent {
		// The driver's copy of a large content is garbage now: collect it, and give the
		// memory back to the system, before the raw message takes its own copy, so that
		// peak memory stays under three times the message whatever the heap held before
		// (rare: a message with megabytes of attachments).
		debug.FreeOSMemory()
	}
	return nil
}

// largeContent is the attachment size from which insertBlobs collects garbage and
// returns memory to the system.
const largeContent = 8 << 20

// insertAttachments stores a message's attachment rows; insertBlobs stored the content.
func (s *Store) insertAttachments(ctx context.Context, tx *sqlx.Tx, id int64, atts []InboundAttachment) error {
	for i, a := range atts {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		st, err := s.stmt(ctx, tx, insertAttachmentSQL)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, id, i, CleanText(a.Filename), CleanText(ct), int64(len(a.Data)), attachmentSHA(a), a.Inline); err != nil {
			return fmt.Errorf("insert attachment: %w", err)
		}
	}
	return nil
}

// insertContributionSQL stores a new contribution in one round trip: the contribution, its
// message, its events (received, and the acknowledgement's suppression when there is one)
// and its outbox items (the card, and the acknowledgement or the thread note saying why
// there is none).
const insertContributionSQL = contributionCTE + `), m AS (
		INSERT INTO messages (contribution_id, direction, kind, kind_reason, message_id,
			in_reply_to, refs, from_name, from_email, to_addrs, cc_addrs, subject, date_header, received_at, headers,
			text_body, fresh_text, html_body, language, warnings, raw, raw_sha256, size, mailbox, uidvalidity, uid, created_at, reply_to)
		SELECT c.id, 'in', 'contribution', $19, $20, $21, $22, $6, $7, $23, $24, $9, $25, $10, $26,
			$27, $28, $29, $5, $30, $31, $32, $33, $34, $35, $36, $18, $37
		FROM c RETURNING id
	` + contributionSideEffectsSQL

// promoteMessageSQL makes a stored message ($20) the first message of a new
// contribution, with the same contribution row, events and outbox items as
// insertContributionSQL; $19 is the message's new kind_reason.
const promoteMessageSQL = contributionCTE + `), m AS (
		UPDATE messages SET contribution_id = c.id, kind = 'contribution', kind_reason = $19
		FROM c WHERE messages.id = $20 AND messages.contribution_id IS NULL
		RETURNING messages.id
	` + contributionSideEffectsSQL

// contributionCTE inserts the contribution row ($1 to $18, see contributionArgs).
const contributionCTE = `WITH c AS (
		INSERT INTO contributions (seq, ref, kind_suggested, stakeholder_type_suggested,
			action_lines_suggested, language, from_name, from_email, organisation_suggested, subject, received_at,
			deadline_name, deadline_at, late, revision_of_suggested, history, ack_status, ack_suppressed_reason,
			created_at, updated_at)
		SELECT n, $1 || '-' || lpad(n::text, 4, '0'), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18
		FROM (SELECT nextval('contribution_ref_seq') AS n) seq
		RETURNING id, seq, ref
	`

// contributionSideEffectsSQL writes a new contribution's events and outbox items, given
// the CTEs c (the contribution) and m (its message).
const contributionSideEffectsSQL = `), e AS (
		INSERT INTO events (contribution_id, at, actor, action, old_status, new_status, details)
		SELECT c.id, $18, v.actor, v.action, '', v.new_status, v.details
		FROM c, m, LATERAL (VALUES
			(1, $7::text, 'receive', 'received', jsonb_build_object('message', m.id, 'ref', c.ref, 'deadline', $11::text,
				'late', $13::boolean, 'revision_of_suggested', $14::bigint)),
			(2, 'wsisbot', 'ack_suppressed', '', jsonb_build_object('reason', $17::text))
		) AS v(ord, actor, action, new_status, details)
		WHERE v.ord = 1 OR $16 = 'suppressed'
		ORDER BY v.ord
	), o AS (
		INSERT INTO outbox (kind, idempotency_key, contribution_id, message_id, payload, next_attempt_at, created_at)
		SELECT v.kind, v.prefix || c.id, c.id, m.id, v.payload, $18, $18
		FROM c, m, LATERAL (VALUES
			('slack_card', 'card:', '{}'::jsonb),
			('ack_email', 'ack:', '{}'::jsonb),
			('slack_thread', 'thread:ack-suppressed:', jsonb_build_object('type', 'ack_suppressed', 'text', $17::text))
		) AS v(kind, prefix, payload)
		WHERE v.kind = 'slack_card' OR (v.kind = 'ack_email') = ($16 = 'pending')
	)
	SELECT c.id, c.seq, m.id AS msg FROM c, m`

// insertBlobSQL stores an attachment's content once per SHA-256.
const insertBlobSQL = `INSERT INTO blobs (sha256, size, data) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING`

// insertAttachmentSQL stores an attachment row; its content is in blobs.
const insertAttachmentSQL = `INSERT INTO attachments (message_id, position, filename, content_type, size, sha256, inline)
	VALUES ($1, $2, $3, $4, $5, $6, $7)`

// ackRecipient is the address an acknowledgement goes to: Reply-To, else From.
func ackRecipient(m *Inbound) string {
	if r := strings.TrimSpace(m.ReplyTo); r != "" {
		return strings.ToLower(r)
	}
	return strings.ToLower(strings.TrimSpace(m.FromEmail))
}

// humanDuration says a duration the way people do: "36 days", "5 hours", "20 minutes".
func humanDuration(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d >= 48*time.Hour:
		return plural(int64(d/(24*time.Hour)), "day")
	case d >= 2*time.Hour:
		return plural(int64(d/time.Hour), "hour")
	default:
		return plural(int64(d/time.Minute), "minute")
	}
}
