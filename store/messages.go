package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

var errNoRows = sql.ErrNoRows

// pqStrings is a text[] parameter; nil becomes an empty array, never NULL.
func pqStrings(s []string) pq.StringArray {
	if s == nil {
		return pq.StringArray{}
	}
	return pq.StringArray(CleanTexts(s))
}

// Strings gives kinds (message, contribution or outbox kinds) as plain strings.
func Strings[K ~string](kinds []K) []string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return s
}

// kindStrings is a text[] parameter of kinds.
func kindStrings[K ~string](kinds []K) pq.StringArray { return pqStrings(Strings(kinds)) }

// MessageKind is what a stored message is (messages.kind).
type MessageKind string

// Message kinds: what a stored message is.
const (
	MsgContribution MessageKind = "contribution"
	MsgFollowUp     MessageKind = "follow_up"
	MsgAutoReply    MessageKind = "auto_reply"
	MsgBounce       MessageKind = "bounce"
	MsgList         MessageKind = "list"
	MsgDuplicate    MessageKind = "duplicate"
	MsgQuarantined  MessageKind = "quarantined"
	MsgOwn          MessageKind = "own"
	MsgOutbound     MessageKind = "outbound"
)

// Message is one email of a conversation, in either direction.
type Message struct {
	ID             int64           `db:"id" json:"-"`
	ContributionID *int64          `db:"contribution_id" json:"-"`
	Direction      string          `db:"direction" json:"direction"`
	Kind           MessageKind     `db:"kind" json:"kind"`
	KindReason     string          `db:"kind_reason" json:"kind_reason"`
	MessageID      *string         `db:"message_id" json:"message_id"`
	InReplyTo      string          `db:"in_reply_to" json:"in_reply_to"`
	References     pq.StringArray  `db:"refs" json:"references"`
	FromName       string          `db:"from_name" json:"from_name"`
	FromEmail      string          `db:"from_email" json:"from_email"`
	ReplyTo        string          `db:"reply_to" json:"reply_to"`
	To             string          `db:"to_addrs" json:"to"`
	Cc             string          `db:"cc_addrs" json:"cc"`
	Subject        string          `db:"subject" json:"subject"`
	DateHeader     *time.Time      `db:"date_header" json:"date"`
	ReceivedAt     time.Time       `db:"received_at" json:"received_at"`
	Headers        json.RawMessage `db:"headers" json:"headers"`
	Text           string          `db:"text_body" json:"text"`
	FreshText      string          `db:"fresh_text" json:"fresh_text"`
	HTML           string          `db:"html_body" json:"-"`
	Language       string          `db:"language" json:"language"`
	Warnings       pq.StringArray  `db:"warnings" json:"warnings"`
	RawSHA256      string          `db:"raw_sha256" json:"raw_sha256"`
	Size           int64           `db:"size" json:"size"`
	Mailbox        string          `db:"mailbox" json:"mailbox"`
	UIDValidity    int64           `db:"uidvalidity" json:"uidvalidity"`
	UID            int64           `db:"uid" json:"uid"`
	MailboxName    string          `db:"mailbox_name" json:"mailbox_name"` // the configured mailbox it came to
	CreatedAt      time.Time       `db:"created_at" json:"created_at"`
	// OtherSender marks inbound mail that names the contribution but came from someone
	// who is not one of its correspondents, while the secretariat has not decided.
	OtherSender bool `db:"other_sender" json:"other_sender"`
}

const messageColumns = `id, contribution_id, direction, kind, kind_reason, message_id, in_reply_to, refs,
	from_name, from_email, reply_to, to_addrs, cc_addrs, subject, date_header, received_at, headers, text_body,
	COALESCE(fresh_text, text_body) AS fresh_text, html_body, language, warnings, raw_sha256, size, mailbox, uidvalidity,
	uid, created_at, other_sender, mailbox_name`

// Attachment is a file that came with a message; its bytes are stored once per content.
type Attachment struct {
	ID          int64  `db:"id" json:"-"`
	MessageID   int64  `db:"message_id" json:"-"`
	Position    int    `db:"position" json:"-"`
	Filename    string `db:"filename" json:"filename"`
	ContentType string `db:"content_type" json:"content_type"`
	Size        int64  `db:"size" json:"size"`
	SHA256      string `db:"sha256" json:"sha256"`
	Inline      bool   `db:"inline" json:"inline"`
}

// SHA256Hex is the lowercase hex SHA-256 of b.
func SHA256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// headersJSON is the value of messages.headers; the text is clean already.
func headersJSON(h map[string]string) ([]byte, error) {
	if len(h) == 0 {
		return []byte("{}"), nil
	}
	return json.Marshal(h)
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// normalise makes the text of a message we sent acceptable to PostgreSQL, once, where
// it enters the store (see CleanText).
func (m *OutboundMessage) normalise() {
	m.MessageID, m.InReplyTo = strings.Trim(m.MessageID, "<>"), strings.Trim(m.InReplyTo, "<>")
	for _, p := range []*string{&m.FromName, &m.FromEmail, &m.To, &m.Cc, &m.Subject, &m.Text, &m.HTML} {
		*p = CleanText(*p)
	}
	if m.References != nil {
		m.References = CleanTexts(m.References)
	}
	if len(m.Headers) > 0 {
		h := make(map[string]string, len(m.Headers))
		for k, v := range m.Headers {
			h[CleanText(k)] = CleanText(v)
		}
		m.Headers = h
	}
}

// insertOutbound stores a message we sent in the conversation of contribution
// contributionID (0: none), unless its Message-ID is stored; it gives the id, 0 then.
func (s *Store) insertOutbound(ctx context.Context, tx *sqlx.Tx, contributionID int64, m OutboundMessage, now time.Time) (int64, error) {
	row, err := outboundRow(contributionID, m, now)
	if err != nil {
		return 0, err
	}
	st, err := s.stmt(ctx, tx, insertOutboundSQL)
	if err != nil {
		return 0, err
	}
	var id int64
	err = st.QueryRowxContext(ctx, row.values()...).Scan(&id)
	if err != nil && err != errNoRows {
		return 0, fmt.Errorf("insert outbound message: %w", err)
	}
	return id, nil
}

// outboundRow is the messages row of m, a message we sent at now in the conversation of
// contribution contributionID (0: none).
func outboundRow(contributionID int64, m OutboundMessage, now time.Time) (messageRow, error) {
	m.normalise()
	hdr, err := headersJSON(m.Headers)
	if err != nil {
		return messageRow{}, err
	}
	return messageRow{contributionID: optionalID(contributionID), direction: "out", kind: string(MsgOutbound),
		messageID: nullString(m.MessageID), inReplyTo: m.InReplyTo, refs: m.References, fromName: m.FromName,
		fromEmail: m.FromEmail, to: m.To, cc: m.Cc, subject: m.Subject, date: &now, received: now, headers: string(hdr),
		// The raw message is the record of what we sent, its HTML part included: the
		// HTML is not stored a second time (about 4 KB written per acknowledgement).
		text: m.Text, language: m.Language, raw: m.Raw, rawSHA256: SHA256Hex(m.Raw), created: now}, nil
}

const messagesSQL = `SELECT ` + messageColumns + ` FROM messages WHERE contribution_id = $1 ORDER BY received_at, id`

// Messages returns the conversation of a contribution, both directions, oldest first.
func (s *Store) Messages(ctx context.Context, contributionID int64) ([]Message, error) {
	var ms []Message
	err := s.db.SelectContext(ctx, &ms, messagesSQL, contributionID)
	if err != nil {
		return nil, fmt.Errorf("store: messages %d: %w", contributionID, err)
	}
	return ms, nil
}

const messageSQL = `SELECT ` + messageColumns + ` FROM messages WHERE id = $1`

// Message returns one message by row id.
func (s *Store) Message(ctx context.Context, id int64) (Message, error) {
	var m Message
	err := s.dbGet(ctx, &m, messageSQL, id)
	if err != nil {
		return m, fmt.Errorf("store: message %d: %w", id, notFound(err))
	}
	return m, nil
}

const rawMessageSQL = `SELECT raw FROM messages WHERE id = $1`

// RawMessage returns the raw RFC 5322 bytes of a message as received or sent.
func (s *Store) RawMessage(ctx context.Context, id int64) ([]byte, error) {
	var raw []byte
	if err := s.db.GetContext(ctx, &raw, rawMessageSQL, id); err != nil {
		return nil, fmt.Errorf("store: raw message %d: %w", id, notFound(err))
	}
	return raw, nil
}

const attachmentsSQL = `SELECT id, message_id, position, filename, content_type, size, sha256, inline
		FROM attachments WHERE message_id = $1 ORDER BY position`

// Attachments returns the attachments of a message in their order.
func (s *Store) Attachments(ctx context.Context, messageID int64) ([]Attachment, error) {
	var as []Attachment
	err := s.dbSelect(ctx, &as, attachmentsSQL, messageID)
	if err != nil {
		return nil, fmt.Errorf("store: attachments %d: %w", messageID, err)
	}
	return as, nil
}

const contributionAttachmentsSQL = `SELECT a.id, a.message_id, a.position, a.filename, a.content_type, a.size, a.sha256, a.inline
		FROM attachments a JOIN messages m ON m.id = a.message_id
		WHERE m.contribution_id = $1 ORDER BY m.received_at, m.id, a.position`

// ContributionAttachments returns the attachments of every message of a contribution.
func (s *Store) ContributionAttachments(ctx context.Context, contributionID int64) ([]Attachment, error) {
	var as []Attachment
	err := s.db.SelectContext(ctx, &as, contributionAttachmentsSQL, contributionID)
	if err != nil {
		return nil, fmt.Errorf("store: attachments of %d: %w", contributionID, err)
	}
	return as, nil
}

const blobSQL = `SELECT data FROM blobs WHERE sha256 = $1`

// Blob returns the bytes stored for a SHA-256.
func (s *Store) Blob(ctx context.Context, sha string) ([]byte, error) {
	var b []byte
	if err := s.db.GetContext(ctx, &b, blobSQL, sha); err != nil {
		return nil, fmt.Errorf("store: blob %s: %w", sha, notFound(err))
	}
	return b, nil
}

func (s *Store) enqueueThreadNote(ctx context.Context, tx *sqlx.Tx, contributionID int64, key string, n ThreadNote) error {
	it, err := NewOutboxItem(OutboxSlackThread, "thread:"+key, contributionID, n.MessageID, n)
	if err != nil {
		return err
	}
	_, err = s.enqueue(ctx, tx, it)
	return err
}

// The columns the writer (ingest_write.go) writes, in the order of the rows made for them.
var (
	messagesTable = table{"messages", []string{"contribution_id", "direction", "kind", "kind_reason", "message_id",
		"in_reply_to", "refs", "from_name", "from_email", "reply_to", "to_addrs", "cc_addrs", "subject", "date_header",
		"received_at", "headers", "text_body", "fresh_text", "html_body", "language", "warnings", "raw", "raw_sha256", "size",
		"mailbox", "uidvalidity", "uid", "created_at", "mailbox_name"}}
	attachmentsTable = table{"attachments", []string{"message_id", "position", "filename", "content_type", "size", "sha256", "inline"}}
	blobsTable       = table{"blobs", []string{"sha256", "size", "data"}}
)

// messageRow is a messages row as written; values gives it in messagesTable's order.
type messageRow struct {
	contributionID                                *int64
	direction, kind, kindReason                   string
	messageID                                     *string
	inReplyTo                                     string
	refs                                          []string
	fromName, fromEmail, replyTo, to, cc, subject string
	date                                          *time.Time
	received                                      time.Time
	headers                                       string
	text                                          string
	freshText                                     any // nil: the same as text
	html, language                                string
	warnings                                      []string
	raw                                           []byte
	rawSHA256                                     string
	mailbox                                       string
	uidValidity, uid                              int64
	created                                       time.Time
	mailboxName                                   string
}

func (r messageRow) values() []any { return r.appendValues(make([]any, 0, len(messagesTable.columns))) }

// appendValues appends the row's values to dst (the id, say).
func (r messageRow) appendValues(dst []any) []any {
	return append(dst, r.contributionID, r.direction, r.kind, r.kindReason, r.messageID, r.inReplyTo, textArray(r.refs),
		r.fromName, r.fromEmail, r.replyTo, r.to, r.cc, r.subject, r.date, r.received, r.headers, r.text, r.freshText,
		r.html, r.language, textArray(r.warnings), r.raw, r.rawSHA256, int64(len(r.raw)), r.mailbox, r.uidValidity,
		r.uid, r.created, r.mailboxName)
}

// inboundRow is the messages row of m, a prepared inbound message, stored as kind
// (why) in contribution cid (0: none).
func inboundRow(m *Inbound, cid int64, kind MessageKind, why string, received, now time.Time) (messageRow, error) {
	p := m.prepared()
	if p.headersErr != nil {
		return messageRow{}, p.headersErr
	}
	r := messageRow{contributionID: optionalID(cid), direction: "in", kind: string(kind), kindReason: why,
		messageID: nullString(m.MessageID), inReplyTo: m.InReplyTo, refs: m.References, fromName: m.FromName,
		fromEmail: m.FromEmail, replyTo: m.ReplyTo, to: m.To, cc: m.Cc, subject: m.Subject, received: received,
		headers: p.headers, text: m.Text, html: m.HTML, language: m.Language, warnings: m.Warnings, raw: m.Raw,
		rawSHA256: m.rawSHA(), mailbox: m.Mailbox, uidValidity: int64(m.UIDValidity), uid: int64(m.UID), created: now,
		mailboxName: m.MailboxName}
	if !m.Date.IsZero() {
		d := m.Date
		r.date = &d
	}
	// fresh_text is NULL when the new text is the whole text (most first messages), read
	// back as text_body.
	if m.FreshText != m.Text {
		r.freshText = m.FreshText
	}
	return r, nil
}

func attachmentValues(messageID int64, position int, a InboundAttachment) []any {
	ct := a.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	return []any{messageID, int64(position), a.Filename, ct, int64(len(a.Data)), attachmentSHA(a), a.Inline}
}
