package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// AckSubject is what an acknowledgement is about: the contribution, the inbound message
// it answers and that message's attachments. Of the message, only what an
// acknowledgement's header reads is there (ackMessageColumns): not its bodies, headers,
// warnings or recipients.
type AckSubject struct {
	Contribution Contribution
	Message      Message
	Attachments  []Attachment
}

// ackAttachment is an attachment as ackSubjectSQL gives it.
type ackAttachment struct {
	ID          int64  `json:"id"`
	MessageID   int64  `json:"message_id"`
	Position    int    `json:"position"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Inline      bool   `json:"inline"`
}

// ackSubjectSQL reads, in one statement, contribution $1, its message $2 and that
// message's attachments; ackSubjectFirstSQL the same with the contribution's first
// inbound message, as Messages orders them. Two statements rather than one choosing
// between them (coalesce($2, first)): PostgreSQL's generic plan of that one counted the
// first message's lookup in its cost, so every call was planned again, and planning
// was most of what reading an acknowledgement's subject cost the database.
var (
	ackSubjectSQL      = ackSubjectQuery(`SELECT ` + ackMessageColumns + ` FROM messages WHERE id = $2`)
	ackSubjectFirstSQL = ackSubjectQuery(`SELECT ` + ackMessageColumns + ` FROM messages
			WHERE contribution_id = $1 AND direction = 'in' ORDER BY received_at, id LIMIT 1`)
)

// ackMessageColumns is messageColumns without what an acknowledgement never reads: the
// bodies, headers and warnings are most of a message's row, kept compressed out of line,
// and a backlog's acknowledgements read thousands of messages one after the other.
const ackMessageColumns = `id, contribution_id, direction, kind, kind_reason, message_id, in_reply_to, refs,
	from_name, from_email, reply_to, subject, date_header, received_at, language, raw_sha256, size, mailbox,
	uidvalidity, uid, created_at, other_sender, mailbox_name`

// ackSubjectQuery is the statement reading contribution $1, the message message selects
// and its attachments.
func ackSubjectQuery(message string) string {
	return `WITH c AS (
		SELECT ` + contributionColumns + ` FROM contributions WHERE id = $1
	), m AS (
		` + message + `
	)
	SELECT ` + ackSubjectColumns + `
	FROM c, m`
}

// ackSubjectColumns are the columns of a subject: contribution c, message m and m's
// attachments, as ackSubjectRow scans them.
var ackSubjectColumns = prefixedColumns("c", contributionColumns) + `, ` + prefixedColumns("m", ackMessageColumns) + `,
		coalesce((SELECT json_agg(json_build_object('id', a.id, 'message_id', a.message_id, 'position', a.position,
			'filename', a.filename, 'content_type', a.content_type, 'size', a.size, 'sha256', a.sha256,
			'inline', a.inline) ORDER BY a.position) FROM attachments a WHERE a.message_id = m.id), '[]') AS attachments`

// ackSubjectRow is a row of ackSubjectColumns.
type ackSubjectRow struct {
	C               Contribution `db:"c"`
	M               Message      `db:"m"`
	AttachmentsJSON []byte       `db:"attachments"`
}

// subject is the AckSubject of r.
func (r ackSubjectRow) subject() (AckSubject, error) {
	var atts []ackAttachment
	if err := json.Unmarshal(r.AttachmentsJSON, &atts); err != nil {
		return AckSubject{}, fmt.Errorf("acknowledgement of contribution %d: attachments: %w", r.C.ID, err)
	}
	out := AckSubject{Contribution: r.C, Message: r.M}
	for _, a := range atts {
		out.Attachments = append(out.Attachments, Attachment(a))
	}
	return out, nil
}

// AckSubject reads contribution cid, the message messageID (nil: the contribution's
// first inbound message) and its attachments in one round trip: the acknowledgement
// worker's reading, once per new contribution. ErrNotFound when the contribution or
// the message is not there (read them one by one to tell which).
func (s *Store) AckSubject(ctx context.Context, cid int64, messageID *int64) (AckSubject, error) {
	var row ackSubjectRow
	var err error
	if messageID != nil {
		err = s.dbGet(ctx, &row, ackSubjectSQL, cid, *messageID)
	} else {
		err = s.dbGet(ctx, &row, ackSubjectFirstSQL, cid)
	}
	if err != nil {
		return AckSubject{}, fmt.Errorf("store: acknowledgement of contribution %d: %w", cid, notFound(err))
	}
	out, err := row.subject()
	if err != nil {
		return AckSubject{}, fmt.Errorf("store: %w", err)
	}
	return out, nil
}

// ackSubjectsSQL reads the subjects of a batch of acknowledgements in one statement:
// for each item ($1), contribution $2 and message $3 (0: the contribution's first
// inbound message), as ackSubjectSQL and ackSubjectFirstSQL read one. It runs in the
// claiming transaction, which plans it once (see outboxTxSetup).
var ackSubjectsSQL = `SELECT i.item, ` + ackSubjectColumns + `
	FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS i(item, cid, mid)
	JOIN contributions c ON c.id = i.cid
	CROSS JOIN LATERAL (
		SELECT ` + ackMessageColumns + ` FROM messages WHERE id = i.mid
		UNION ALL
		(SELECT ` + ackMessageColumns + ` FROM messages
			WHERE i.mid = 0 AND contribution_id = i.cid AND direction = 'in' ORDER BY received_at, id LIMIT 1)
	) m`

// readAckSubjects reads, in tx, the subject of each acknowledgement among items (an
// ack_email item naming its contribution) and sets its Subject. An item whose
// contribution or message is missing keeps none: its handler reads it alone and says
// which is missing.
func (s *Store) readAckSubjects(ctx context.Context, tx *sqlx.Tx, items []OutboxItem) error {
	var ids, cids, mids []int64
	at := map[int64]int{}
	for i, it := range items {
		if it.Kind != OutboxAckEmail || it.ContributionID == nil {
			continue
		}
		mid := int64(0)
		if it.MessageID != nil {
			mid = *it.MessageID
		}
		ids, cids, mids = append(ids, it.ID), append(cids, *it.ContributionID), append(mids, mid)
		at[it.ID] = i
	}
	if len(ids) == 0 {
		return nil
	}
	var rows []struct {
		Item int64 `db:"item"`
		ackSubjectRow
	}
	if err := s.selectPrepared(ctx, tx, &rows, ackSubjectsSQL, pq.Array(ids), pq.Array(cids), pq.Array(mids)); err != nil {
		return fmt.Errorf("acknowledgements' subjects: %w", err)
	}
	for _, r := range rows {
		sub, err := r.subject()
		if err != nil {
			return err
		}
		items[at[r.Item]].Subject = &sub
	}
	return nil
}

// prefixedColumns is the output columns of a column list (as contributionColumns) read
// from the relation alias, named alias.column, as sqlx fills a struct field tagged
// db:"alias".
func prefixedColumns(alias, columns string) string {
	var out []string
	depth, start := 0, 0
	for i := 0; i <= len(columns); i++ {
		if i < len(columns) {
			switch columns[i] {
			case '(':
				depth++
				continue
			case ')':
				depth--
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		col := strings.TrimSpace(columns[start:i])
		if j := strings.LastIndex(strings.ToUpper(col), " AS "); j >= 0 {
			col = strings.TrimSpace(col[j+4:])
		}
		out = append(out, alias+"."+col+` AS "`+alias+"."+col+`"`)
		start = i + 1
	}
	return strings.Join(out, ", ")
}
