package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The writer: the one place that writes what came in. Each table has one column list
// and one function that makes a row of it; every path writes through them: a
// batch's new contributions (queued, then written with a few statements for the whole
// run), the message-at-a-time path, follow-ups and sorted mail, promotion, and a person's
// copy superseding one sorted away.

// table is a table the writer writes and the columns it writes, in the order of the
// rows made for it. For contributions and messages the writer can also write the id,
// allocated beforehand (see allocIDsSQL), so that rows referring to them can be queued
// before they are written.
type table struct {
	name    string
	columns []string
}

// The writer's column lists are beside their tables' other SQL: contributions and events
// in contributions.go, messages, attachments and blobs in messages.go, the outbox's in
// outbox.go.

// insertSQL is the INSERT of n rows into t, with the id first when withID, and tail
// (ON CONFLICT, RETURNING) after the values.
func (t table) insertSQL(withID bool, n int, tail string) string {
	cols := t.columns
	if withID {
		cols = append([]string{"id"}, cols...)
	}
	var q strings.Builder
	q.WriteString("INSERT INTO " + t.name + " (" + strings.Join(cols, ", ") + ") VALUES ")
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for j := range cols {
			if j > 0 {
				q.WriteString(", ")
			}
			q.WriteString("$" + strconv.Itoa(i*len(cols)+j+1))
		}
		q.WriteByte(')')
	}
	if tail != "" {
		q.WriteString(" " + tail)
	}
	return q.String()
}

// copySQL is the COPY into t, with the id first when withID.
func (t table) copySQL(withID bool) string {
	cols := t.columns
	if withID {
		cols = append([]string{"id"}, cols...)
	}
	return "COPY " + t.name + " (" + strings.Join(cols, ", ") + ") FROM STDIN"
}

// The writer's fixed statements, prepared at their first use (see namedQueries).
var (
	// insertMessageSQL stores one message and gives its id.
	insertMessageSQL = messagesTable.insertSQL(false, 1, "RETURNING id")
	// insertOutboundSQL stores one message we sent, unless its Message-ID is stored.
	insertOutboundSQL = messagesTable.insertSQL(false, 1,
		"ON CONFLICT (message_id) WHERE message_id IS NOT NULL AND kind <> 'duplicate' DO NOTHING RETURNING id")
	// insertEventSQL appends one event and gives its id.
	insertEventSQL = eventsTable.insertSQL(false, 1, "RETURNING id")
	// insertBlobSQL stores an attachment's content once per SHA-256.
	insertBlobSQL = blobsTable.insertSQL(false, 1, blobConflict)
)

const blobConflict = "ON CONFLICT (sha256) DO NOTHING"

const (
	// allocIDsSQL allocates the ids of n new contributions and their first messages.
	allocIDsSQL = `SELECT nextval('contributions_id_seq'), nextval('messages_id_seq') FROM generate_series(1, $1::int) ORDER BY 1`
	// allocMessageIDsSQL allocates the ids of n messages that belong to no new contribution.
	allocMessageIDsSQL = `SELECT nextval('messages_id_seq') FROM generate_series(1, $1::int) ORDER BY 1`
	// allocRefsSQL allocates n reference numbers, in order.
	allocRefsSQL = `SELECT nextval('contribution_ref_seq') FROM generate_series(1, $1::int) ORDER BY 1`
	// blobStoredSQL says whether a content is stored.
	blobStoredSQL = `SELECT 1 FROM blobs WHERE sha256 = $1`
)

func outboxValues(kind OutboxKind, key string, cid, mid int64, payload string, now time.Time) []any {
	return []any{string(kind), key, optionalID(cid), optionalID(mid), payload, now, now}
}

// textArray is a text[] parameter; nil becomes an empty array, never NULL. The text is
// clean already (see normalise).
func textArray(s []string) pq.StringArray {
	if s == nil {
		return pq.StringArray{}
	}
	return pq.StringArray(s)
}

func optionalID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// writer writes a transaction's new contributions and, through its Store, everything
// else that came in. When batched, new contributions wait in it until flush (before any
// write that may refer to them, and at the end of the batch); otherwise each is written
// at once.
type writer struct {
	s       *Store
	conn    *sql.Conn // the transaction's connection, for COPY (see writeRows)
	batched bool

	ids  []rowIDs // allocated ids for new contributions and their messages
	next int

	// messageIDs are allocated ids for messages sorted away; others is how many of the
	// batch's messages are not candidates for a contribution (the first allocation's size).
	messageIDs []int64
	others     int

	contributions [][]any // id first
	messages      [][]any // id first
	events        [][]any
	outbox        [][]any
	attachments   [][]any
	blobs         [][]any
	blobSeen      map[string]bool
	pending       []pendingRef // queued contributions waiting for their reference number

	// refs are the reference numbers given at flush, by contribution id.
	refs map[int64]string
}

type rowIDs struct{ contribution, message int64 }

type pendingRef struct {
	row     []any // the contribution row, id first: seq and ref are set at flush
	event   []any // its receive event: details are set at flush
	details map[string]any
}

// queueMaxRaw is the largest message queued with the batch's rows: a larger one is
// written alone, its attachments' contents first, so that memory stays within a few
// times the message (see insertBlobs).
const queueMaxRaw = 1 << 20

// newWriter makes a writer for tx, open on conn (see withConnTx); when batched it
// allocates ids for n new contributions, and others is how many more messages the batch
// holds.
func (s *Store) newWriter(ctx context.Context, tx *sqlx.Tx, conn *sql.Conn, batched bool, n, others int) (*writer, error) {
	w := &writer{s: s, conn: conn, batched: batched, refs: map[int64]string{}, others: others}
	if n > 0 {
		if err := w.alloc(ctx, tx, n); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *writer) alloc(ctx context.Context, tx *sqlx.Tx, n int) error {
	st, err := w.s.stmt(ctx, tx, allocIDsSQL)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(ctx, n)
	if err != nil {
		return fmt.Errorf("allocate ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id rowIDs
		if err := rows.Scan(&id.contribution, &id.message); err != nil {
			return fmt.Errorf("allocate ids: %w", err)
		}
		w.ids = append(w.ids, id)
	}
	return rows.Err()
}

func (w *writer) take(ctx context.Context, tx *sqlx.Tx) (rowIDs, error) {
	if w.next >= len(w.ids) {
		if err := w.alloc(ctx, tx, 1); err != nil {
			return rowIDs{}, err
		}
	}
	id := w.ids[w.next]
	w.next++
	return id, nil
}

// takeMessage gives an allocated id for a message of no new contribution. The first
// allocation covers every message of the batch that is not a candidate, so that sorting
// away a backlog's robots costs one query, not one per message.
func (w *writer) takeMessage(ctx context.Context, tx *sqlx.Tx) (int64, error) {
	if len(w.messageIDs) == 0 {
		st, err := w.s.stmt(ctx, tx, allocMessageIDsSQL)
		if err != nil {
			return 0, err
		}
		if err := st.SelectContext(ctx, &w.messageIDs, max(w.others, 1)); err != nil {
			return 0, fmt.Errorf("allocate message ids: %w", err)
		}
		w.others = 0
		if len(w.messageIDs) == 0 {
			return 0, fmt.Errorf("allocate message ids: none given")
		}
	}
	id := w.messageIDs[0]
	w.messageIDs = w.messageIDs[1:]
	return id, nil
}

// sortAway queues m, sorted away as kind (why) into no contribution, with its
// attachments, and gives its id. Nothing in the batch refers to it before the next
// flush, which every write that may look it up comes after (see ingestAs).
func (w *writer) sortAway(ctx context.Context, tx *sqlx.Tx, m *Inbound, kind MessageKind, why string) (int64, error) {
	id, err := w.takeMessage(ctx, tx)
	if err != nil {
		return 0, err
	}
	row, err := w.s.inboundRowNow(m, 0, kind, why)
	if err != nil {
		return 0, err
	}
	w.messages = append(w.messages, row.appendValues(append(make([]any, 0, 1+len(messagesTable.columns)), id)))
	w.addBlobs(m)
	w.addAttachments(id, m.Attachments)
	return id, nil
}

// newContribution writes (or, batched, queues) a new contribution made of m as d
// decided: the contribution, m as its first message, m's attachments, the received
// event (and the acknowledgement's suppression), the card and the acknowledgement (or
// the thread note saying why there is none).
func (w *writer) newContribution(ctx context.Context, tx *sqlx.Tx, m *Inbound, d decision) (Ingested, error) {
	c := d.contribution
	res := Ingested{UID: m.UID, Kind: MsgContribution, Reason: d.reason, NewContrib: true,
		AckSuppressed: c.reason, AckQueued: c.reason == ""}
	alone := !w.batched || len(m.Raw) > queueMaxRaw
	if alone {
		if err := w.flush(ctx, tx); err != nil {
			return res, err
		}
		if err := w.s.insertBlobs(ctx, tx, m); err != nil {
			return res, err
		}
	}
	id, err := w.take(ctx, tx)
	if err != nil {
		return res, err
	}
	msg, err := inboundRow(m, id.contribution, MsgContribution, d.reason, c.received, c.now)
	if err != nil {
		return res, err
	}
	w.addContribution(id, c, m, &msg)
	if !alone {
		w.addBlobs(m)
	}
	w.addAttachments(id.message, m.Attachments)
	res.ContributionID, res.MessageRowID = id.contribution, id.message
	if alone {
		if err := w.flush(ctx, tx); err != nil {
			return res, err
		}
		res.Ref = w.refs[id.contribution]
	}
	return res, nil
}

// addContribution queues a new contribution's rows: msg is its first message, or nil
// when that message is stored already (id.message; see PromoteMessage).
func (w *writer) addContribution(id rowIDs, c newContribution, m *Inbound, msg *messageRow) {
	row := appendContributionValues(append(make([]any, 0, 1+len(contributionsTable.columns)), id.contribution), c, m)
	w.contributions = append(w.contributions, row)
	if msg != nil {
		w.messages = append(w.messages, msg.appendValues(append(make([]any, 0, 1+len(messagesTable.columns)), id.message)))
	}
	details := map[string]any{"message": id.message, "deadline": c.deadline.Name, "late": c.deadline.IsLate(c.received)}
	if c.revisionOf != nil {
		details["revision_of_suggested"] = *c.revisionOf
	}
	event := eventValues(id.contribution, c.now, m.FromEmail, ActionReceive, "", StatusReceived, "")
	w.events = append(w.events, event)
	w.pending = append(w.pending, pendingRef{row: row, event: event, details: details})
	if c.reason != "" {
		w.events = append(w.events, eventValues(id.contribution, c.now, ActorSystem, ActionAckSuppressed, "", "",
			mustJSON(map[string]any{"reason": c.reason})))
	}
	if c.card {
		w.outbox = append(w.outbox, outboxValues(OutboxSlackCard, fmt.Sprintf("card:%d", id.contribution), id.contribution, id.message, "{}", c.now))
	}
	if c.reason == "" {
		w.outbox = append(w.outbox, outboxValues(OutboxAckEmail, fmt.Sprintf("ack:%d", id.contribution), id.contribution, id.message, ackPayload(m), c.now))
	} else if c.card {
		// Without a card there is no thread: the card, if one is posted later, shows why.
		w.outbox = append(w.outbox, outboxValues(OutboxSlackThread, fmt.Sprintf("thread:ack-suppressed:%d", id.contribution),
			id.contribution, id.message, mustJSON(ThreadNote{Type: NoteAckSuppressed, Text: c.reason}), c.now))
	}
}

// addBlobs queues the contents of m's attachments, each once.
func (w *writer) addBlobs(m *Inbound) {
	for _, a := range m.Attachments {
		sha := attachmentSHA(a)
		if w.blobSeen[sha] {
			continue
		}
		if w.blobSeen == nil {
			w.blobSeen = map[string]bool{}
		}
		w.blobSeen[sha] = true
		w.blobs = append(w.blobs, []any{sha, int64(len(a.Data)), a.Data})
	}
}

func (w *writer) addAttachments(messageID int64, atts []InboundAttachment) {
	for i, a := range atts {
		w.attachments = append(w.attachments, attachmentValues(messageID, i, a))
	}
}

// flush gives the queued contributions their reference numbers, in arrival order, and
// writes every queued row.
func (w *writer) flush(ctx context.Context, tx *sqlx.Tx) error {
	if len(w.contributions) == 0 && len(w.messages) == 0 {
		return nil
	}
	var seqs []int64
	if len(w.pending) > 0 {
		st, err := w.s.stmt(ctx, tx, allocRefsSQL)
		if err != nil {
			return err
		}
		if err := st.SelectContext(ctx, &seqs, len(w.pending)); err != nil {
			return fmt.Errorf("reference numbers: %w", err)
		}
	}
	for i, p := range w.pending {
		ref := w.s.phases.Ref(seqs[i])
		p.row[1], p.row[2] = seqs[i], ref
		w.refs[p.row[0].(int64)] = ref
		p.details["ref"] = ref
		p.event[len(p.event)-1] = mustJSON(p.details)
	}
	// Attachment contents first, each once; one stored before stays as it is.
	if err := w.s.insertRows(ctx, tx, blobsTable, false, w.blobs, blobConflict); err != nil {
		return err
	}
	if err := w.s.writeRows(ctx, tx, w.conn, contributionsTable, true, w.contributions); err != nil {
		return err
	}
	// Messages with COPY too (see writeRows), their bytes as text (see appendCopyBytea).
	if err := w.s.writeRows(ctx, tx, w.conn, messagesTable, true, w.messages); err != nil {
		return err
	}
	for _, t := range []struct {
		table table
		rows  [][]any
	}{{eventsTable, w.events}, {outboxTable, w.outbox}, {attachmentsTable, w.attachments}} {
		if err := w.s.writeRows(ctx, tx, w.conn, t.table, false, t.rows); err != nil {
			return err
		}
	}
	w.discard()
	return nil
}

// discard drops the queued rows: after they were written, or when the writes of the
// message that queued them were rolled back (its savepoint), so that they are not
// written with the next message's.
func (w *writer) discard() {
	w.contributions, w.messages, w.events, w.outbox, w.attachments, w.pending = nil, nil, nil, nil, nil, nil
	w.blobs, w.blobSeen = nil, nil
}

// insertMessage stores m, a normalised inbound message, as kind (why) in contribution
// cid (0: none), with its attachments (content stored once), and gives its id.
func (s *Store) insertMessage(ctx context.Context, tx *sqlx.Tx, m *Inbound, cid int64, kind MessageKind, why string) (int64, error) {
	row, err := s.inboundRowNow(m, cid, kind, why)
	if err != nil {
		return 0, err
	}
	if err := s.insertBlobs(ctx, tx, m); err != nil {
		return 0, err
	}
	st, err := s.stmt(ctx, tx, insertMessageSQL)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := st.QueryRowxContext(ctx, row.values()...).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert message: %w", err)
	}
	atts := make([][]any, len(m.Attachments))
	for i, a := range m.Attachments {
		atts[i] = attachmentValues(id, i, a)
	}
	return id, s.insertRows(ctx, tx, attachmentsTable, false, atts, "")
}

// inboundRowNow is m's row as kind (why) in contribution cid (0: none), stored now and
// received at its INTERNALDATE, or now without one.
func (s *Store) inboundRowNow(m *Inbound, cid int64, kind MessageKind, why string) (messageRow, error) {
	now := s.clock.Now()
	received := m.InternalDate
	if received.IsZero() {
		received = now
	}
	return inboundRow(m, cid, kind, why, received, now)
}

// insertBlobs stores the content of a message's attachments, once per SHA-256, before
// the message itself: the attachment's bytes and the raw message then never sit in the
// database driver's buffers at the same time. A large content already stored is not sent.
func (s *Store) insertBlobs(ctx context.Context, tx *sqlx.Tx, m *Inbound) error {
	big := int64(0)
	for _, a := range m.Attachments {
		sha := attachmentSHA(a)
		if len(a.Data) >= 64<<10 {
			st, err := s.stmt(ctx, tx, blobStoredSQL)
			if err != nil {
				return err
			}
			var one int
			err = st.GetContext(ctx, &one, sha)
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
		if _, err := st.ExecContext(ctx, sha, int64(len(a.Data)), a.Data); err != nil {
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

// writeRows writes rows into t: a few rows with one INSERT, more with COPY on conn, the
// connection of tx (see copyRows). COPY sends bytea values as text for the server to
// decode (see appendCopyBytea); it still stores a batch's messages faster than INSERTs
// that carry them as they are (binary parameters, see withBinaryParameters): the rows
// stream while the server writes them, where each INSERT is a round trip that one side
// waits through, and no statement is built in a growing buffer. 5,000 messages (27 MB) in batches of 250 were stored
// in 1.80–1.97 s instead of 2.09–2.49 s (BenchmarkIngestStages), for the same CPU.
func (s *Store) writeRows(ctx context.Context, tx *sqlx.Tx, conn *sql.Conn, t table, withID bool, rows [][]any) error {
	if len(rows) <= copyFrom {
		return s.insertRows(ctx, tx, t, withID, rows, "")
	}
	return copyRows(ctx, conn, t, withID, rows)
}

// copyFrom is the fewest rows writeRows sends with COPY, whose statement costs a few
// round trips of its own.
const copyFrom = 5

// insertRows writes rows with multi-row INSERTs of at most insertChunk rows and about
// insertBytes (see chunkRows), each statement prepared once per row count: a few rows
// (see writeRows), or rows that may conflict with stored ones (tail: ON CONFLICT),
// which COPY cannot skip. With binary parameters (see withBinaryParameters) bytea
// values travel as they are.
// Its statements are not in namedQueries: their text depends on the number of rows.
func (s *Store) insertRows(ctx context.Context, tx *sqlx.Tx, t table, withID bool, rows [][]any, tail string) error {
	for len(rows) > 0 {
		n := chunkRows(rows)
		st, err := s.insertStmt(ctx, tx, t, withID, n, tail)
		if err != nil {
			return fmt.Errorf("insert %s: %w", t.name, err)
		}
		args := make([]any, 0, n*len(rows[0]))
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert %s: %w", t.name, err)
		}
		rows = rows[n:]
	}
	return nil
}

// insertKey is what the text of an INSERT of insertRows is made of (see insertSQL).
type insertKey struct {
	table  string
	withID bool
	n      int
	tail   string
}

// insertStmt is the INSERT of n rows into t (see insertSQL), prepared once, bound to tx.
func (s *Store) insertStmt(ctx context.Context, tx *sqlx.Tx, t table, withID bool, n int, tail string) (*sqlx.Stmt, error) {
	k := insertKey{t.name, withID, n, tail}
	s.stmtMu.Lock()
	st := s.inserts[k]
	s.stmtMu.Unlock()
	if st == nil {
		var err error
		if st, err = s.prepared(ctx, t.insertSQL(withID, n, tail)); err != nil {
			return nil, err
		}
		s.stmtMu.Lock()
		if s.inserts == nil {
			s.inserts = map[insertKey]*sqlx.Stmt{}
		}
		s.inserts[k] = st
		s.stmtMu.Unlock()
	}
	return tx.StmtxContext(ctx, st), nil
}

// insertChunk is the most rows of one INSERT: few statements per batch, and few
// statements to prepare (one per row count up to it).
const insertChunk = 50

// insertBytes is about the most bytes of text and bytea values one INSERT carries. The
// driver builds each statement in a buffer that starts small and grows by a quarter at
// a time, copying what it holds at each step: a statement of fifty messages, half a
// megabyte or more, was copied some five times through memory the processor's caches
// could not hold, in pages new to the process. Statements of a few tens of kilobytes
// are copied as often within the caches, in memory the process reuses. At 32 KB the
// copies cost a little less, but twice the statements' round trips cost more than
// that; at 128 KB much of the saving was gone.
const insertBytes = 64 << 10

// chunkRows is how many of rows the next INSERT writes: at least one, at most
// insertChunk, and no more than fit in insertBytes.
func chunkRows(rows [][]any) int {
	n, size := 0, 0
	for n < len(rows) && n < insertChunk {
		for _, v := range rows[n] {
			switch v := v.(type) {
			case string:
				size += len(v)
			case []byte:
				size += len(v)
			}
		}
		if n > 0 && size > insertBytes {
			break
		}
		n++
	}
	return n
}

func mustJSON(v any) string {
	bs, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(bs)
}
