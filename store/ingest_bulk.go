package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// bulk collects the rows of a batch's new contributions and writes them with a few
// statements for the whole run instead of several per message: multi-row INSERTs for
// what carries bytes (messages, attachment contents), COPY for the rest. It is used on
// the fast path only: any failure sends the whole batch down the one-message-at-a-time
// path.
type bulk struct {
	ids    []bulkID // preallocated ids for new contributions and their messages
	next   int
	prefix string

	contributions [][]any
	messages      [][]any
	events        [][]any
	outbox        [][]any
	attachments   [][]any
	blobs         [][]any
	blobSeen      map[string]bool
	pending       []*pendingRef // new contributions waiting for their reference number
}

type bulkID struct{ contribution, message int64 }

// bulkMaxRaw is the largest message written with the batch's multi-row statements: a
// larger one is written alone, its attachments' contents first, so that memory stays
// within a few times the message (see insertBlobs).
const bulkMaxRaw = 1 << 20

type pendingRef struct {
	res     *Ingested
	row     []any // the contribution row: seq and ref are filled at flush
	details map[string]any
	event   []any
}

// newBulk preallocates ids for up to n new contributions.
func (s *Store) newBulk(ctx context.Context, tx *sqlx.Tx, n int) (*bulk, error) {
	b := &bulk{prefix: s.phases.RefPrefix}
	if n == 0 {
		return b, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT nextval('contributions_id_seq'), nextval('messages_id_seq')
		FROM generate_series(1, $1::int) ORDER BY 1`, n)
	if err != nil {
		return nil, fmt.Errorf("preallocate ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id bulkID
		if err := rows.Scan(&id.contribution, &id.message); err != nil {
			return nil, err
		}
		b.ids = append(b.ids, id)
	}
	return b, rows.Err()
}

func (b *bulk) take() (bulkID, bool) {
	if b.next >= len(b.ids) {
		return bulkID{}, false
	}
	id := b.ids[b.next]
	b.next++
	return id, true
}

func (b *bulk) empty() bool { return len(b.contributions) == 0 }

var (
	bulkContributionColumns = []string{"id", "seq", "ref", "kind_suggested", "stakeholder_type_suggested",
		"action_lines_suggested", "language", "from_name", "from_email", "organisation_suggested", "subject", "received_at",
		"deadline_name", "deadline_at", "late", "revision_of_suggested", "history", "ack_status", "ack_suppressed_reason",
		"created_at", "updated_at"}
	bulkMessageColumns = []string{"id", "contribution_id", "direction", "kind", "kind_reason", "message_id", "in_reply_to",
		"refs", "from_name", "from_email", "reply_to", "to_addrs", "cc_addrs", "subject", "date_header", "received_at",
		"headers", "text_body", "fresh_text", "html_body", "language", "warnings", "raw", "raw_sha256", "size", "mailbox",
		"uidvalidity", "uid", "created_at"}
	bulkEventColumns      = []string{"contribution_id", "at", "actor", "action", "old_status", "new_status", "details"}
	bulkOutboxColumns     = []string{"kind", "idempotency_key", "contribution_id", "message_id", "payload", "next_attempt_at", "created_at"}
	bulkAttachmentColumns = []string{"message_id", "position", "filename", "content_type", "size", "sha256", "inline"}
)

// add queues a new contribution decided by newContribution.
func (b *bulk) add(id bulkID, c newContributionRow, m *Inbound, rawSHA string, hdr []byte) {
	contribution := []any{id.contribution, nil, nil, nullString(c.kind), nullString(c.stakeholderType), pqStrings(c.lines),
		m.Language, CleanText(m.FromName), CleanText(m.FromEmail), CleanText(c.organisation), CleanText(m.Subject), c.received,
		c.deadline.Name, c.deadline.LastInstant(), c.deadline.IsLate(c.received), c.revisionOf, c.history, c.ackStatus,
		c.reason, c.now, c.now}
	b.contributions = append(b.contributions, contribution)
	var date any
	if !m.Date.IsZero() {
		date = m.Date
	}
	b.messages = append(b.messages, []any{id.message, id.contribution, "in", MsgContribution, CleanText(m.KindReason),
		nullString(CleanText(m.MessageID)), CleanText(m.InReplyTo), pqStrings(m.References), CleanText(m.FromName),
		CleanText(m.FromEmail), CleanText(m.ReplyTo), CleanText(m.To), CleanText(m.Cc), CleanText(m.Subject), date, c.received,
		string(hdr), CleanText(m.Text), freshText(m), CleanText(m.HTML), m.Language, pqStrings(m.Warnings),
		m.Raw, rawSHA, int64(len(m.Raw)), m.Mailbox, int64(m.UIDValidity), int64(m.UID), c.now})
	details := map[string]any{"message": id.message, "deadline": c.deadline.Name, "late": c.deadline.IsLate(c.received)}
	if c.revisionOf != nil {
		details["revision_of_suggested"] = *c.revisionOf
	}
	event := []any{id.contribution, c.now, CleanText(m.FromEmail), ActionReceive, "", string(StatusReceived), nil}
	b.events = append(b.events, event)
	b.pending = append(b.pending, &pendingRef{row: contribution, details: details, event: event})
	if c.reason != "" {
		b.events = append(b.events, []any{id.contribution, c.now, ActorSystem, ActionAckSuppressed, "", "",
			mustJSON(map[string]any{"reason": c.reason})})
	}
	b.outbox = append(b.outbox, []any{OutboxSlackCard, fmt.Sprintf("card:%d", id.contribution), id.contribution, id.message, "{}", c.now, c.now})
	if c.reason == "" {
		b.outbox = append(b.outbox, []any{OutboxAckEmail, fmt.Sprintf("ack:%d", id.contribution), id.contribution, id.message, "{}", c.now, c.now})
	} else {
		b.outbox = append(b.outbox, []any{OutboxSlackThread, fmt.Sprintf("thread:ack-suppressed:%d", id.contribution), id.contribution,
			id.message, mustJSON(ThreadNote{Type: NoteAckSuppressed, Text: c.reason}), c.now, c.now})
	}
	for i := range m.Attachments {
		a := &m.Attachments[i]
		if a.SHA256 == "" {
			a.SHA256 = SHA256Hex(a.Data)
		}
		if !b.blobSeen[a.SHA256] {
			if b.blobSeen == nil {
				b.blobSeen = map[string]bool{}
			}
			b.blobSeen[a.SHA256] = true
			b.blobs = append(b.blobs, []any{a.SHA256, int64(len(a.Data)), a.Data})
		}
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		b.attachments = append(b.attachments, []any{id.message, int64(i), CleanText(a.Filename), CleanText(ct),
			int64(len(a.Data)), a.SHA256, a.Inline})
	}
}

// flush gives the queued contributions their reference numbers, in arrival order, and
// writes every queued row.
func (b *bulk) flush(ctx context.Context, s *Store, tx *sqlx.Tx) error {
	if b.empty() {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT nextval('contribution_ref_seq') FROM generate_series(1, $1::int) ORDER BY 1`, len(b.pending))
	if err != nil {
		return fmt.Errorf("reference numbers: %w", err)
	}
	var seqs []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		seqs = append(seqs, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i, p := range b.pending {
		ref := fmt.Sprintf("%s-%04d", b.prefix, seqs[i])
		p.row[1], p.row[2] = seqs[i], ref
		if p.res != nil {
			p.res.Ref = ref
		}
		p.details["ref"] = ref
		p.event[6] = mustJSON(p.details)
	}
	// Attachment contents first, each once; one stored before stays as it is.
	if err := s.insertRows(ctx, tx, "blobs", []string{"sha256", "size", "data"}, b.blobs, "ON CONFLICT (sha256) DO NOTHING"); err != nil {
		return err
	}
	for _, t := range []struct {
		table   string
		columns []string
		rows    [][]any
	}{
		{"contributions", bulkContributionColumns, b.contributions},
		{"messages", bulkMessageColumns, b.messages},
		{"events", bulkEventColumns, b.events},
		{"outbox", bulkOutboxColumns, b.outbox},
		{"attachments", bulkAttachmentColumns, b.attachments},
	} {
		var err error
		if t.table == "messages" {
			err = s.insertRows(ctx, tx, t.table, t.columns, t.rows, "")
		} else {
			err = copyRows(ctx, tx, t.table, t.columns, t.rows)
		}
		if err != nil {
			return err
		}
	}
	b.contributions, b.messages, b.events, b.outbox, b.attachments, b.pending = nil, nil, nil, nil, nil, nil
	b.blobs, b.blobSeen = nil, nil
	return nil
}

// insertRows writes rows with multi-row INSERTs of at most insertChunk rows, each
// statement prepared once per row count. With binary parameters (see
// withBinaryParameters) bytea values travel as they are, where COPY would send them as
// escaped hex text for the server to decode.
func (s *Store) insertRows(ctx context.Context, tx *sqlx.Tx, table string, columns []string, rows [][]any, onConflict string) error {
	for len(rows) > 0 {
		n := min(insertChunk, len(rows))
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
		for i := range n {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteByte('(')
			for j := range columns {
				if j > 0 {
					q.WriteString(", ")
				}
				q.WriteString("$" + strconv.Itoa(i*len(columns)+j+1))
			}
			q.WriteByte(')')
		}
		if onConflict != "" {
			q.WriteString(" " + onConflict)
		}
		st, err := s.stmt(ctx, tx, q.String())
		if err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
		args := make([]any, 0, n*len(columns))
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
		rows = rows[n:]
	}
	return nil
}

// insertChunk is the most rows of one INSERT: few statements per batch, and few
// statements to prepare (one per row count up to it).
const insertChunk = 50

func copyRows(ctx context.Context, tx *sqlx.Tx, table string, columns []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, "COPY "+table+" ("+strings.Join(columns, ", ")+") FROM STDIN")
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r...); err != nil {
			stmt.Close()
			return fmt.Errorf("copy %s: %w", table, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		stmt.Close()
		return fmt.Errorf("copy %s: %w", table, err)
	}
	if err := stmt.Close(); err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	return nil
}

// newContributionRow is what newContribution decided about a new contribution.
type newContributionRow struct {
	kind, stakeholderType, organisation string
	lines                               []string
	received, now                       time.Time
	deadline                            Deadline
	revisionOf                          *int64
	history                             bool
	ackStatus, reason                   string
}

// bind points the last queued contribution's result at where the batch keeps it, so
// that flush can give it its reference number.
func (b *bulk) bind(res *Ingested) {
	if n := len(b.pending); n > 0 && b.pending[n-1].res == nil {
		b.pending[n-1].res = res
	}
}

func mustJSON(v any) string {
	bs, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(bs)
}
