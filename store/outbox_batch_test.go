package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
)

// queueTestItems queues n items of "test_kind" and returns their ids in queue order.
func queueTestItems(t *testing.T, s *store.Store, prefix string, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		it, _ := store.NewOutboxItem("test_kind", fmt.Sprintf("%s%d", prefix, i), 0, 0, map[string]int{"i": i})
		if _, err := s.Enqueue(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	var ids []int64
	if err := s.DB().Select(&ids, `SELECT id FROM outbox WHERE idempotency_key LIKE $1 || '%' ORDER BY id`, prefix); err != nil {
		t.Fatal(err)
	}
	return ids
}

type outboxRow struct {
	ID       int64     `db:"id"`
	Attempts int       `db:"attempts"`
	Done     bool      `db:"done"`
	Error    string    `db:"last_error"`
	Next     time.Time `db:"next_attempt_at"`
}

func outboxRows(t *testing.T, s *store.Store) map[int64]outboxRow {
	t.Helper()
	var rows []outboxRow
	if err := s.DB().Select(&rows, `SELECT id, attempts, done_at IS NOT NULL AS done, last_error, next_attempt_at FROM outbox WHERE kind = 'test_kind'`); err != nil {
		t.Fatal(err)
	}
	out := map[int64]outboxRow{}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out
}

// A batch takes the due items in queue order, up to its limit, and records each.
func TestOutboxBatchTakesItemsInOrder(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	ids := queueTestItems(t, s, "order", 5)
	var got []int64
	handle := func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
		got = append(got, it.ID)
		return store.OutboxResult{}, nil
	}
	n, err := s.ProcessOutboxBatch(ctx, []store.OutboxKind{"test_kind"}, 3, 1, time.Minute, handle)
	if err != nil || n != 3 {
		t.Fatalf("first batch: %d items, %v; want 3", n, err)
	}
	if n, err = s.ProcessOutboxBatch(ctx, []store.OutboxKind{"test_kind"}, 3, 1, time.Minute, handle); err != nil || n != 2 {
		t.Fatalf("second batch: %d items, %v; want 2", n, err)
	}
	if n, err = s.ProcessOutboxBatch(ctx, []store.OutboxKind{"test_kind"}, 3, 1, time.Minute, handle); err != nil || n != 0 {
		t.Fatalf("third batch: %d items, %v; want none", n, err)
	}
	if fmt.Sprint(got) != fmt.Sprint(ids) {
		t.Fatalf("handled %v, want %v", got, ids)
	}
	for id, r := range outboxRows(t, s) {
		if !r.Done || r.Attempts != 1 {
			t.Errorf("item %d: done %v after %d attempts, want done after 1", id, r.Done, r.Attempts)
		}
	}
}

// A worker takes no more than its share of a short queue, so that the others deliver the
// rest side by side; on a long one it takes a full batch.
func TestOutboxBatchTakesItsShare(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	queueTestItems(t, s, "short", 16)
	count := func(limit, share int) int {
		t.Helper()
		n, err := s.ProcessOutboxBatch(ctx, []store.OutboxKind{"test_kind"}, limit, share, time.Minute,
			func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
				return store.OutboxResult{}, nil
			})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(16, 8); n != 2 {
		t.Fatalf("16 due, 8 workers: a batch of %d, want 2", n)
	}
	if n := count(16, 8); n != 1 {
		t.Fatalf("14 due, 8 workers: a batch of %d, want 1", n)
	}
	queueTestItems(t, s, "long", 200)
	if n := count(16, 8); n != 16 {
		t.Fatalf("213 due, 8 workers: a batch of %d, want 16", n)
	}
}

// Batches taken side by side, by workers or replicas, never share an item.
func TestOutboxBatchesNeverShareAnItem(t *testing.T) {
	s, _ := newStore(t)
	const n = 60
	queueTestItems(t, s, "share", n)
	var mu sync.Mutex
	handled := map[int64]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				k, err := s.ProcessOutboxBatch(context.Background(), []store.OutboxKind{"test_kind"}, 7, 1, time.Minute,
					func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
						mu.Lock()
						handled[it.ID]++
						mu.Unlock()
						time.Sleep(time.Millisecond) // hold the batch while the others claim
						return store.OutboxResult{}, nil
					})
				if err != nil {
					t.Error(err)
					return
				}
				if k == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	checkHandledOnce(t, handled, n)
}

// checkHandledOnce fails unless n items were handled, each once.
func checkHandledOnce(t *testing.T, handled map[int64]int, n int) {
	t.Helper()
	if len(handled) != n {
		t.Fatalf("handled %d items, want %d", len(handled), n)
	}
	for id, c := range handled {
		if c != 1 {
			t.Errorf("item %d handled %d times", id, c)
		}
	}
}

// The far end asking to wait ends the batch: the item that heard it is put off with its
// attempts kept, the items after it are left as they were, and those before it are done.
func TestOutboxBatchStopsWhenTheFarEndIsAway(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	ids := queueTestItems(t, s, "away", 4)
	before := outboxRows(t, s)
	var calls int
	n, err := s.ProcessOutboxBatch(ctx, []store.OutboxKind{"test_kind"}, 4, 1, time.Minute,
		func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
			calls++
			if it.ID == ids[1] {
				return store.OutboxResult{}, &store.UnavailableError{Err: errors.New("connection refused"), After: 5 * time.Second}
			}
			return store.OutboxResult{}, nil
		})
	if err != nil || n != 2 || calls != 2 {
		t.Fatalf("batch: %d items, %d calls, %v; want 2 and 2", n, calls, err)
	}
	rows := outboxRows(t, s)
	if r := rows[ids[0]]; !r.Done {
		t.Errorf("the item before the refusal is not done: %+v", r)
	}
	if r := rows[ids[1]]; r.Done || r.Attempts != 0 || r.Error == "" || r.Next.Before(before[ids[1]].Next.Add(5*time.Second)) {
		t.Errorf("the refused item: %+v; want put off 5s, attempts kept, error recorded", r)
	}
	for _, id := range ids[2:] {
		if rows[id] != before[id] {
			t.Errorf("item %d after the refusal changed: %+v, was %+v", id, rows[id], before[id])
		}
	}
	// They are taken by the next batch.
	n, err = s.ProcessOutboxBatch(ctx, []store.OutboxKind{"test_kind"}, 4, 1, time.Minute,
		func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
			return store.OutboxResult{}, nil
		})
	if err != nil || n != 2 {
		t.Fatalf("next batch: %d items, %v; want the 2 left", n, err)
	}
}

// Stopping the workers lets the item in hand finish, with a context that is not
// cancelled, and leaves the rest of the batch for the next worker.
func TestOutboxBatchStopsBetweenItems(t *testing.T) {
	s, _ := newStore(t)
	ids := queueTestItems(t, s, "stop", 3)
	stop, cancel := context.WithCancel(context.Background())
	var calls int
	n, err := s.ProcessOutboxBatch(stop, []store.OutboxKind{"test_kind"}, 3, 1, time.Minute,
		func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
			calls++
			cancel()
			if ctx.Err() != nil {
				return store.OutboxResult{}, fmt.Errorf("the item in hand was cancelled: %w", ctx.Err())
			}
			if _, ok := ctx.Deadline(); !ok {
				return store.OutboxResult{}, errors.New("the item in hand has no time limit")
			}
			return store.OutboxResult{}, nil
		})
	if err != nil || n != 1 || calls != 1 {
		t.Fatalf("batch: %d items, %d calls, %v; want 1 and 1", n, calls, err)
	}
	rows := outboxRows(t, s)
	if r := rows[ids[0]]; !r.Done || r.Error != "" {
		t.Errorf("the item in hand: %+v; want done", r)
	}
	for _, id := range ids[1:] {
		if r := rows[id]; r.Done || r.Attempts != 0 {
			t.Errorf("item %d not begun: %+v; want untouched", id, r)
		}
	}
}

// A backlog's robots (automatic replies, bounces, messages quarantined) belong to no new
// contribution:
// they do not cut the batch's writes of new contributions into many small statements.
// Rows written by one statement of a transaction share its command id (cmin).
func TestRobotsDoNotSplitABatchsWrites(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	msgs := submissions(60, func(i int, m *store.Inbound) {
		switch i % 6 {
		case 2:
			m.Kind, m.KindReason, m.Subject = store.MsgAutoReply, "Auto-Submitted: auto-replied", "Automatic reply"
		case 4:
			m.Kind, m.KindReason = store.MsgQuarantined, "the parser failed"
		case 5:
			m.Kind, m.KindReason, m.BounceOf = store.MsgBounce, "a delivery status notification", "unknown@wsis.example"
		}
	})
	res, err := s.Ingest(ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: msgs[len(msgs)-1].UID, Messages: msgs}, store.DefaultIngestPolicy())
	if err != nil {
		t.Fatal(err)
	}
	created := 0
	for _, r := range res {
		if r.NewContrib {
			created++
		}
	}
	if created != 30 {
		t.Fatalf("%d contributions, want 30", created)
	}
	// The outbox also has each quarantined message's notice, queued on its own.
	for _, table := range []string{"contributions", "events", "outbox WHERE contribution_id IS NOT NULL"} {
		var statements int
		if err := s.DB().Get(&statements, `SELECT count(DISTINCT cmin::text) FROM `+table); err != nil {
			t.Fatal(err)
		}
		if statements != 1 {
			t.Errorf("the batch's %s were written by %d statements, want 1", table, statements)
		}
	}
}

// A batch's acknowledgements are recorded together, one statement for those before an
// outcome of another sort and one for those after, each as it would be alone: the item
// done, our message in the conversation, the contribution acknowledged, the event, and
// the thread note only where the card is posted already.
func TestAcksOfABatchAreRecordedTogether(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	// Cards of the first two posted, of the last three still to be posted.
	var cids []int64
	for range 2 {
		cids = append(cids, newContribution(t, s).ID)
	}
	postCard(t, s, cids[1])
	for range 3 {
		cids = append(cids, newContribution(t, s).ID)
	}
	failing := cids[2]
	n, err := s.ProcessOutboxBatch(ctx, []store.OutboxKind{store.OutboxAckEmail}, 16, 1, time.Minute,
		func(_ context.Context, it store.OutboxItem) (store.OutboxResult, error) {
			cid := *it.ContributionID
			if cid == failing {
				return store.OutboxResult{}, &store.PermanentError{Err: errors.New("550 no such user")}
			}
			return store.OutboxResult{AckSent: true, Outbound: &store.OutboundMessage{
				MessageID: fmt.Sprintf("ack.%d@itu.int", cid), To: fmt.Sprintf("sender%d@gov.example", cid), Subject: "Received",
				Raw: []byte(fmt.Sprintf("Message-ID: <ack.%d@itu.int>\r\n\r\nthanks", cid))},
				Notes: []store.ThreadNote{{Type: store.NoteAckSent, Text: "in English"}}}, nil
		})
	if err != nil || n != len(cids) {
		t.Fatalf("batch: %d items, %v; want %d", n, err, len(cids))
	}
	type ours struct {
		ID      int64  `db:"id"`
		Command string `db:"cmin"`
	}
	stored := map[int64]ours{}
	for i, cid := range cids {
		c, err := s.Contribution(ctx, cid)
		if err != nil {
			t.Fatal(err)
		}
		if cid == failing {
			if c.AckStatus != store.AckFailed {
				t.Errorf("contribution %d: ack status %s, want failed", i, c.AckStatus)
			}
			continue
		}
		if c.AckStatus != store.AckSent || c.AckSentAt == nil {
			t.Errorf("contribution %d: ack status %s at %v, want sent", i, c.AckStatus, c.AckSentAt)
		}
		var m ours
		if err := s.DB().Get(&m, `SELECT id, cmin::text AS cmin FROM messages
			WHERE contribution_id = $1 AND direction = 'out' AND message_id = $2`, cid, fmt.Sprintf("ack.%d@itu.int", cid)); err != nil {
			t.Fatalf("contribution %d: our message: %v", i, err)
		}
		stored[cid] = m
		d := ackEvent(t, s, cid)
		wantNote := any("shown on the card")
		wantNotes := 0
		if i < 2 {
			wantNote, wantNotes = nil, 1
		}
		if d["to"] != fmt.Sprintf("sender%d@gov.example", cid) || d["message"] != float64(m.ID) || d["note"] != wantNote {
			t.Errorf("contribution %d: ack_sent event %v, want to sender%d@gov.example, message %d, note %v", i, d, cid, m.ID, wantNote)
		}
		if got := ackNotes(t, s, cid); got != wantNotes {
			t.Errorf("contribution %d: %d acknowledgement notes, want %d", i, got, wantNotes)
		}
	}
	// Rows written by one statement of a transaction share its command id.
	if a, b := stored[cids[0]].Command, stored[cids[1]].Command; a != b {
		t.Errorf("the two acknowledgements before the failure were recorded by two statements (%s, %s)", a, b)
	}
	if a, b := stored[cids[3]].Command, stored[cids[4]].Command; a != b {
		t.Errorf("the two acknowledgements after the failure were recorded by two statements (%s, %s)", a, b)
	}
	if a, b := stored[cids[1]].Command, stored[cids[3]].Command; a == b {
		t.Errorf("the acknowledgements on either side of the failure were recorded together (%s)", a)
	}
	var undone int
	if err := s.DB().Get(&undone, `SELECT count(*) FROM outbox WHERE kind = 'ack_email' AND done_at IS NULL AND failed_at IS NULL`); err != nil || undone != 0 {
		t.Fatalf("%d acknowledgements still pending (%v)", undone, err)
	}
}

// An acknowledgement without a Message-ID, whose stored message the batch's statement
// could not tell from the others, is recorded on its own, and as fully.
func TestAckWithoutMessageIDIsRecordedAlone(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	cid := newContribution(t, s).ID
	n, err := s.ProcessOutboxBatch(ctx, []store.OutboxKind{store.OutboxAckEmail}, 16, 1, time.Minute,
		func(context.Context, store.OutboxItem) (store.OutboxResult, error) {
			return store.OutboxResult{AckSent: true, Outbound: &store.OutboundMessage{To: "minister@gov.example",
				Subject: "Received", Raw: []byte("Subject: Received\r\n\r\nthanks")}}, nil
		})
	if err != nil || n != 1 {
		t.Fatalf("batch: %d items, %v; want 1", n, err)
	}
	c, err := s.Contribution(ctx, cid)
	if err != nil || c.AckStatus != store.AckSent {
		t.Fatalf("ack status %s (%v), want sent", c.AckStatus, err)
	}
	var ours int64
	if err := s.DB().Get(&ours, `SELECT id FROM messages WHERE contribution_id = $1 AND direction = 'out' AND message_id IS NULL`, cid); err != nil {
		t.Fatalf("our message: %v", err)
	}
	if d := ackEvent(t, s, cid); d["to"] != "minister@gov.example" || d["message"] != float64(ours) || d["note"] != "shown on the card" {
		t.Fatalf("ack_sent event details = %v", d)
	}
}

// Mail sorted away (automatic replies, lists) is written with the batch's new
// contributions, not one INSERT each: a backlog's robots cost no round trip of their
// own. Each is stored as it would be alone, with its attachments; one over the queueing
// limit is written alone, its id given all the same.
func TestSortedAwayMailIsWrittenWithTheBatch(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	msgs := submissions(40, func(i int, m *store.Inbound) {
		switch i % 4 {
		case 1:
			m.Kind, m.KindReason, m.Subject = store.MsgAutoReply, "Auto-Submitted: auto-replied", fmt.Sprintf("Automatic reply %d", i)
			m.Attachments = []store.InboundAttachment{{Filename: fmt.Sprintf("away%d.txt", i), ContentType: "text/plain", Data: []byte(fmt.Sprintf("away %d", i))}}
		case 3:
			m.Kind, m.KindReason = store.MsgList, "List-Id: news.example"
		}
	})
	// One robot too large to be queued: written alone, between the others.
	big := inbound("robot@list.example", "Large digest")
	big.Kind, big.KindReason = store.MsgList, "List-Id: digest.example"
	big.Raw = append(big.Raw, make([]byte, 1<<20+1)...)
	msgs = append(msgs[:20], append([]store.Inbound{big}, msgs[20:]...)...)

	res, err := s.Ingest(ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: msgs[len(msgs)-1].UID, Messages: msgs}, store.DefaultIngestPolicy())
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID         int64  `db:"id"`
		Kind       string `db:"kind"`
		UID        int64  `db:"uid"`
		Size       int    `db:"size"`
		Attachment string `db:"attachment"`
	}
	var rows []row
	if err := s.DB().Select(&rows, `SELECT m.id, m.kind, m.uid, length(m.raw) AS size, coalesce(string_agg(a.filename, ','), '') AS attachment
		FROM messages m LEFT JOIN attachments a ON a.message_id = m.id
		WHERE m.contribution_id IS NULL GROUP BY m.id`); err != nil {
		t.Fatal(err)
	}
	byID := map[int64]row{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	away := 0
	for i, r := range res {
		m := msgs[i]
		if m.Kind == store.MsgContribution {
			if !r.NewContrib {
				t.Errorf("uid %d: not a new contribution: %+v", m.UID, r)
			}
			continue
		}
		away++
		got, ok := byID[r.MessageRowID]
		switch {
		case !ok:
			t.Errorf("uid %d: message %d is not stored", m.UID, r.MessageRowID)
		case got.UID != int64(m.UID) || got.Kind != string(m.Kind) || got.Size != len(m.Raw):
			t.Errorf("uid %d: stored as %+v", m.UID, got)
		case len(m.Attachments) > 0 && got.Attachment != m.Attachments[0].Filename:
			t.Errorf("uid %d: attachment %q, want %q", m.UID, got.Attachment, m.Attachments[0].Filename)
		}
	}
	if away != 21 || len(rows) != away {
		t.Errorf("%d messages sorted away, %d stored without a contribution; want 21 each", away, len(rows))
	}
	// The queued ones: two statements, those before the large message and those after.
	var statements int
	if err := s.DB().Get(&statements, `SELECT count(DISTINCT cmin::text) FROM messages WHERE contribution_id IS NULL AND length(raw) < 1000`); err != nil {
		t.Fatal(err)
	}
	if statements > 2 {
		t.Errorf("the batch's mail sorted away was written by %d statements, want at most 2", statements)
	}
}

// A batch of acknowledgements is claimed with what each is about, read for the whole
// batch in one statement: the same contribution, message and attachments the handler
// would read alone, whether the item names its message or not. An item that names no
// contribution (a notice) has none and is handled as before.
func TestAckBatchIsClaimedWithItsSubjects(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	withFile := inbound("minister@gov.example", "Submission with a file")
	withFile.Attachments = []store.InboundAttachment{{Filename: "position.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}}
	var cids []int64
	for _, m := range []store.Inbound{withFile, inbound("ngo@civil.example", "Our views"), inbound("lab@uni.example", "Research")} {
		cids = append(cids, ingest(t, s, m)[0].ContributionID)
	}
	// The last one's item was queued without its message: the first inbound one is read.
	if _, err := s.DB().Exec(`UPDATE outbox SET message_id = NULL WHERE kind = 'ack_email' AND contribution_id = $1`, cids[2]); err != nil {
		t.Fatal(err)
	}
	var mid int64
	if err := s.DB().Get(&mid, `SELECT id FROM messages WHERE contribution_id = $1`, cids[1]); err != nil {
		t.Fatal(err)
	}
	notice, _ := store.NewOutboxItem(store.OutboxAckEmail, "too-large:test", 0, mid, store.AckPayload{To: "ngo@civil.example", Notice: store.NoticeTooLarge})
	if _, err := s.Enqueue(ctx, notice); err != nil {
		t.Fatal(err)
	}
	seen := map[string]*store.AckSubject{}
	var items []store.OutboxItem
	n, err := s.ProcessOutboxBatch(ctx, []store.OutboxKind{store.OutboxAckEmail}, 16, 1, time.Minute,
		func(_ context.Context, it store.OutboxItem) (store.OutboxResult, error) {
			seen[it.IdempotencyKey] = it.Subject
			items = append(items, it)
			return store.OutboxResult{}, nil
		})
	if err != nil || n != 4 {
		t.Fatalf("batch: %d items, %v; want 4", n, err)
	}
	for _, it := range items {
		got := it.Subject
		if it.ContributionID == nil {
			if got != nil {
				t.Errorf("%s: claimed with a subject, want none", it.IdempotencyKey)
			}
			continue
		}
		want, err := s.AckSubject(ctx, *it.ContributionID, it.MessageID)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || !reflect.DeepEqual(*got, want) {
			t.Errorf("%s: claimed with subject %+v, want %+v", it.IdempotencyKey, got, want)
		}
	}
	if sub := seen[fmt.Sprintf("ack:%d", cids[0])]; sub == nil || len(sub.Attachments) != 1 || sub.Attachments[0].Filename != "position.pdf" {
		t.Errorf("the first acknowledgement's subject has attachments %+v, want position.pdf", sub)
	}
	if sub := seen[fmt.Sprintf("ack:%d", cids[2])]; sub == nil || sub.Message.ContributionID == nil || *sub.Message.ContributionID != cids[2] {
		t.Errorf("the item without its message was claimed with %+v, want its contribution's first message", sub)
	}
}
