package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
)

func outboxKeys(t *testing.T, s *store.Store, cid int64) map[string]store.OutboxItem {
	t.Helper()
	items, err := s.OutboxItems(context.Background(), cid)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.OutboxItem{}
	for _, it := range items {
		out[it.IdempotencyKey] = it
	}
	return out
}

func TestIngestSortsAndThreads(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	first := inbound("ministry@gov.example", "Thematic submission")
	first.Attachments = []store.InboundAttachment{{Filename: "sub.pdf", ContentType: "application/pdf", Data: []byte("%PDF the text")}}
	res := ingest(t, s, first)
	cid, ref := res[0].ContributionID, res[0].Ref
	if !res[0].NewContrib || !res[0].AckQueued || ref != "WSIS-2019-0001" {
		t.Fatalf("first: %+v", res[0])
	}
	keys := outboxKeys(t, s, cid)
	if _, ok := keys["card:1"]; !ok {
		t.Fatalf("no card queued: %v", keys)
	}
	if _, ok := keys["ack:1"]; !ok {
		t.Fatalf("no acknowledgement queued: %v", keys)
	}

	t.Run("replay of the same position is skipped", func(t *testing.T) {
		again := first
		res := ingest(t, s, again)
		if !res[0].Skipped {
			t.Fatalf("replay: %+v", res[0])
		}
	})
	t.Run("same Message-ID and bytes at a new position is the same message", func(t *testing.T) {
		moved := first
		moved.UIDValidity, moved.UID = 2, 1
		res, err := s.Ingest(ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: 2, LastUID: 1, Messages: []store.Inbound{moved}}, store.DefaultIngestPolicy())
		if err != nil || !res[0].Skipped {
			t.Fatalf("resync: %+v %v", res, err)
		}
		var n int
		if err := s.DB().Get(&n, `SELECT count(*) FROM messages WHERE message_id = $1`, first.MessageID); err != nil || n != 1 {
			t.Fatalf("rows for the message: %d %v", n, err)
		}
	})
	t.Run("same Message-ID with other bytes is a duplicate", func(t *testing.T) {
		dup := inbound("ministry@gov.example", "Thematic submission")
		dup.MessageID = first.MessageID
		res := ingest(t, s, dup)
		if res[0].Kind != store.MsgDuplicate || res[0].NewContrib || res[0].ContributionID != cid {
			t.Fatalf("duplicate: %+v", res[0])
		}
	})
	t.Run("In-Reply-To makes a follow-up that reopens a closed contribution", func(t *testing.T) {
		if _, err := s.CloseContribution(ctx, cid, "U1", store.OutcomeSpam, ""); err != nil {
			t.Fatal(err)
		}
		fu := inbound("ministry@gov.example", "Re: Thematic submission")
		fu.InReplyTo = first.MessageID
		fu.FreshText = "One more thing."
		res := ingest(t, s, fu)
		if res[0].Kind != store.MsgFollowUp || res[0].ContributionID != cid || res[0].AckQueued {
			t.Fatalf("follow-up: %+v", res[0])
		}
		c, err := s.Contribution(ctx, cid)
		if err != nil || c.Status != store.StatusReceived || c.Outcome != nil {
			t.Fatalf("not reopened: %+v %v", c, err)
		}
		if _, ok := outboxKeys(t, s, cid)["thread:followup:"+itoa(res[0].MessageRowID)]; !ok {
			t.Fatal("no thread note for the follow-up")
		}
	})
	t.Run("a reference tag in the subject makes a follow-up", func(t *testing.T) {
		fu := inbound("ministry@gov.example", "Fwd: question about "+ref)
		fu.RefTag = ref
		res := ingest(t, s, fu)
		if res[0].Kind != store.MsgFollowUp || res[0].ContributionID != cid || res[0].OtherSender {
			t.Fatalf("tagged follow-up: %+v", res[0])
		}
	})
	t.Run("a reference tag from someone else is mail from another sender", func(t *testing.T) {
		fu := inbound("someone.else@gov.example", "Fwd: question about "+ref)
		fu.RefTag = ref
		res := ingest(t, s, fu)
		if res[0].Kind != store.MsgFollowUp || res[0].ContributionID != cid || !res[0].OtherSender {
			t.Fatalf("tagged mail from another sender: %+v", res[0])
		}
	})
	t.Run("a resubmission is suggested as a revision", func(t *testing.T) {
		again := inbound("Ministry@gov.example", "Revised version")
		again.Attachments = first.Attachments
		res := ingest(t, s, again)
		c, err := s.Contribution(ctx, res[0].ContributionID)
		if err != nil || !res[0].NewContrib || c.RevisionOfSuggested == nil || *c.RevisionOfSuggested != cid {
			t.Fatalf("resubmission: %+v %+v %v", res[0], c.RevisionOfSuggested, err)
		}
	})
	t.Run("a bounce of our mail joins its contribution", func(t *testing.T) {
		// The card is posted first: the acknowledgement's note is then queued.
		postCard(t, s, cid)
		// Our acknowledgement, as the mailer records it.
		ok, err := s.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxAckEmail}, func(context.Context, store.OutboxItem) (store.OutboxResult, error) {
			return store.OutboxResult{AckSent: true, Outbound: &store.OutboundMessage{MessageID: "ack.1@itu.int", To: "ministry@gov.example",
				Subject: "[" + ref + "] Received", Raw: []byte("Message-ID: <ack.1@itu.int>\r\n\r\nthanks")},
				Notes: []store.ThreadNote{{Type: store.NoteAckSent}}}, nil
		})
		if !ok || err != nil {
			t.Fatalf("ack: %v %v", ok, err)
		}
		b := inbound("MAILER-DAEMON@mx.gov.example", "Undelivered Mail Returned to Sender")
		b.Kind, b.KindReason, b.BounceOf = store.MsgBounce, "delivery status notification", "<ack.1@itu.int>"
		res := ingest(t, s, b)
		if res[0].ContributionID != cid || res[0].NewContrib {
			t.Fatalf("bounce: %+v", res[0])
		}
		if _, ok := outboxKeys(t, s, cid)["thread:bounce:"+itoa(res[0].MessageRowID)]; !ok {
			t.Fatal("no thread note for the bounce")
		}
		// The acknowledgement's thread note names the message sent.
		var note store.ThreadNote
		for k, it := range outboxKeys(t, s, cid) {
			if len(k) > 16 && k[:16] == "thread:ack_sent:" {
				_ = json.Unmarshal(it.Payload, &note)
			}
		}
		if note.MessageID == 0 {
			t.Fatal("the ack-sent note does not name the stored outbound message")
		}
	})
	t.Run("robots make no contribution", func(t *testing.T) {
		for _, kind := range []store.MessageKind{store.MsgAutoReply, store.MsgList, store.MsgOwn} {
			m := inbound("robot@example.org", "Automatic reply")
			m.Kind = kind
			res := ingest(t, s, m)
			if res[0].NewContrib || res[0].ContributionID != 0 || res[0].MessageRowID == 0 {
				t.Fatalf("%s: %+v", kind, res[0])
			}
		}
	})
	t.Run("a quarantined message is kept raw and announced", func(t *testing.T) {
		q := store.Inbound{Mailbox: "INBOX", UIDValidity: 1, UID: nextUID(), Raw: []byte("\x00\x01 not mail"),
			Kind: store.MsgQuarantined, KindReason: "mailin: parse: no header"}
		res := ingest(t, s, q)
		raw, err := s.RawMessage(ctx, res[0].MessageRowID)
		if err != nil || string(raw) != string(q.Raw) {
			t.Fatalf("raw: %q %v", raw, err)
		}
		var n int
		if err := s.DB().Get(&n, `SELECT count(*) FROM outbox WHERE kind = 'slack_notice' AND message_id = $1`, res[0].MessageRowID); err != nil || n != 1 {
			t.Fatalf("quarantine notices: %d %v", n, err)
		}
	})
}

func TestIngestHistoryIsNotAcknowledged(t *testing.T) {
	s, _ := newStore(t)
	old := inbound("a@ngo.example", "Inputs from December")
	old.InternalDate = inConsultation.Add(-40 * 24 * time.Hour)
	res := ingest(t, s, old)
	c, err := s.Contribution(context.Background(), res[0].ContributionID)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].AckQueued || !c.History || c.AckStatus != store.AckSuppressed || c.AckSuppressedReason == "" {
		t.Fatalf("history: %+v %+v", res[0], c)
	}
}

// TestIngestMixedBatchFallsBackPerMessage stores a batch where one message cannot be
// stored as what it is: the others are stored, and it is quarantined with its bytes.
func TestIngestMixedBatchFallsBackPerMessage(t *testing.T) {
	s, _ := newStore(t)
	good := inbound("a@gov.example", "Good")
	bad := inbound("b@gov.example", "Bad kind")
	bad.Kind = "no-such-kind"
	res := ingest(t, s, good, bad)
	if !res[0].NewContrib || res[1].Kind != store.MsgQuarantined {
		t.Fatalf("results: %+v", res)
	}
	raw, err := s.RawMessage(context.Background(), res[1].MessageRowID)
	if err != nil || string(raw) != string(bad.Raw) {
		t.Fatalf("the quarantined message lost its bytes: %v", err)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// listCopy is the copy a mailing list delivers of m: the same Message-ID, other bytes
// (the list's headers and footer), sorted as list mail.
func listCopy(m store.Inbound) store.Inbound {
	c := m
	c.UID = nextUID()
	c.Raw = append([]byte("List-Id: <stakeholders.lists.example.org>\r\n"), m.Raw...)
	c.Raw = append(c.Raw, []byte("-- \r\nstakeholders mailing list\r\n")...)
	c.RawSHA256 = ""
	c.Kind, c.KindReason = store.MsgList, "List-Id header present"
	return c
}

// oneContribution checks that exactly one contribution exists, from the direct copy,
// with one card item and one acknowledgement item, and that no message with the
// Message-ID is left sorted away outside it.
func oneContribution(t *testing.T, s *store.Store, messageID string) int64 {
	t.Helper()
	var cids []int64
	if err := s.DB().Select(&cids, `SELECT id FROM contributions`); err != nil {
		t.Fatal(err)
	}
	if len(cids) != 1 {
		t.Fatalf("%d contributions, want 1", len(cids))
	}
	cid := cids[0]
	var cards, acks int
	if err := s.DB().Get(&cards, `SELECT count(*) FROM outbox WHERE kind = 'slack_card' AND contribution_id = $1`, cid); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Get(&acks, `SELECT count(*) FROM outbox WHERE kind = 'ack_email' AND contribution_id = $1`, cid); err != nil {
		t.Fatal(err)
	}
	if cards != 1 || acks != 1 {
		t.Fatalf("card items %d, acknowledgement items %d; want 1 and 1", cards, acks)
	}
	var rows []struct {
		Kind           store.MessageKind `db:"kind"`
		ContributionID *int64            `db:"contribution_id"`
	}
	if err := s.DB().Select(&rows, `SELECT kind, contribution_id FROM messages WHERE message_id = $1 ORDER BY id`, messageID); err != nil {
		t.Fatal(err)
	}
	contribs := 0
	for _, r := range rows {
		if r.ContributionID == nil || *r.ContributionID != cid {
			t.Errorf("a copy (%s) is not attached to the contribution: %+v", r.Kind, rows)
		}
		if r.Kind == store.MsgContribution {
			contribs++
		}
	}
	if len(rows) != 2 || contribs != 1 {
		t.Fatalf("copies: %+v", rows)
	}
	return cid
}

// TestIngestListCopyNeverHidesTheContribution: a stakeholder writes to a mailing list
// with the secretariat in Cc; the list's copy and the direct copy carry the same
// Message-ID. Whichever comes first, there is one contribution with its card and its
// acknowledgement, through each of the batch writer's paths.
func TestIngestListCopyNeverHidesTheContribution(t *testing.T) {
	ctx := context.Background()
	direct := func() store.Inbound {
		m := inbound("rafael.silva@cgi-example.br", "Regional inputs for the WSIS Forum")
		m.Cc = "wsis-info@itu.int"
		return m
	}
	t.Run("direct copy first", func(t *testing.T) {
		s, _ := newStore(t)
		d := direct()
		ingest(t, s, d)
		res := ingest(t, s, listCopy(d))
		if res[0].Kind != store.MsgDuplicate {
			t.Fatalf("list copy: %+v", res[0])
		}
		oneContribution(t, s, d.MessageID)
	})
	t.Run("list copy first", func(t *testing.T) {
		s, _ := newStore(t)
		d := direct()
		l := listCopy(d)
		l.UID, d.UID = d.UID, l.UID // the list's copy reached the mailbox first
		if res := ingest(t, s, l); res[0].Kind != store.MsgList || res[0].ContributionID != 0 {
			t.Fatalf("list copy: %+v", res[0])
		}
		res := ingest(t, s, d)
		if !res[0].NewContrib || !res[0].AckQueued || res[0].Ref == "" {
			t.Fatalf("direct copy: %+v", res[0])
		}
		cid := oneContribution(t, s, d.MessageID)
		evs, err := s.Events(ctx, cid)
		if err != nil {
			t.Fatal(err)
		}
		if evs[len(evs)-1].Action != store.ActionCopyLinked {
			t.Fatalf("no event links the list's copy: %+v", evs)
		}
	})
	t.Run("both copies in one batch", func(t *testing.T) {
		s, _ := newStore(t)
		d := direct()
		l := listCopy(d)
		l.UID, d.UID = d.UID, l.UID
		res := ingest(t, s, l, d)
		if !res[1].NewContrib || res[1].Ref == "" {
			t.Fatalf("direct copy: %+v", res[1])
		}
		oneContribution(t, s, d.MessageID)
	})
	t.Run("one message at a time", func(t *testing.T) {
		s, _ := newStore(t)
		d := direct()
		l := listCopy(d)
		l.UID, d.UID = d.UID, l.UID
		bad := inbound("b@gov.example", "Bad kind")
		bad.Kind = "no-such-kind" // sends the batch down the per-message path
		res := ingest(t, s, l, bad, d)
		if res[1].Kind != store.MsgQuarantined || !res[2].NewContrib || res[2].Ref == "" {
			t.Fatalf("results: %+v", res)
		}
		oneContribution(t, s, d.MessageID)
	})
}

// Raw mail keeps its exact bytes whatever they are, whether COPY sends them as they are
// (valid UTF-8 without NUL or backslash) or in hex: 7-bit and 8-bit mail, legacy
// charsets, and bytes that mean something to COPY or to bytea's escape format.
func TestIngestKeepsEveryRawByte(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	bodies := []string{
		"plain 7-bit text\r\nwith CRLF line ends\r\n",
		"tabs\tand\rbare CR and\nbare LF",
		"UTF-8 8-bit: Contribución, 贡献, вклад, مساهمة\r\n",
		"Latin-1 8-bit: Contribuci\xf3n\r\n",
		"windows-1251: \xc2\xea\xeb\xe0\xe4\r\n",
		`a backslash: C:\Users\wsis and \x41 and \N and \.`,
		"a NUL \x00 byte",
		"\\x4142 begins like hex",
		"an invalid UTF-8 sequence \xe4\xb8 cut short",
	}
	msgs := submissions(len(bodies)+6, func(i int, m *store.Inbound) {
		if i < len(bodies) {
			m.Raw = append(m.Raw, bodies[i]...)
		}
	})
	for i, r := range ingest(t, s, msgs...) {
		raw, err := s.RawMessage(ctx, r.MessageRowID)
		if err != nil || !bytes.Equal(raw, msgs[i].Raw) {
			t.Errorf("message %d: stored %q, read back %q (%v)", i, msgs[i].Raw, raw, err)
		}
	}
	// The batch above would be stored again one message at a time if its COPY failed:
	// COPY itself must take every value as it is sent.
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // a test's scratch table
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE raw_scratch (n int, raw bytea)`); err != nil {
		t.Fatal(err)
	}
	var rows [][]any
	for i, b := range bodies {
		rows = append(rows, []any{int64(i), []byte(b)})
	}
	if err := store.CopyRows(ctx, conn, "raw_scratch", []string{"n", "raw"}, rows); err != nil {
		t.Fatalf("copy: %v", err)
	}
	for i, b := range bodies {
		var raw []byte
		if err := tx.QueryRowContext(ctx, `SELECT raw FROM raw_scratch WHERE n = $1`, i).Scan(&raw); err != nil || string(raw) != b {
			t.Errorf("body %d: sent %q, COPY stored %q (%v)", i, b, raw, err)
		}
	}
}

// A batch whose rows are written with several INSERTs of each table, of every size
// from a few bytes to more than one INSERT carries: each message keeps its own bytes,
// text and attachments, and the references follow the batch's order.
func TestIngestWritesABatchInChunks(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	msgs := submissions(80, func(i int, m *store.Inbound) {
		m.Raw = append(m.Raw, bytes.Repeat([]byte{byte('a' + i%26)}, (i*7919)%60000)...)
		m.Text = strings.Repeat(fmt.Sprint(i, " "), (i*131)%3000)
		if i%4 == 0 {
			data := bytes.Repeat([]byte{byte(i)}, 10+(i*3001)%70000)
			if i%8 == 0 {
				data = []byte("the same content in several messages")
			}
			m.Attachments = []store.InboundAttachment{{Filename: fmt.Sprintf("f%d.pdf", i), ContentType: "application/pdf", Data: data}}
		}
	})
	res := ingest(t, s, msgs...)
	for i, r := range res {
		m := msgs[i]
		if !r.NewContrib || r.Ref != fmt.Sprintf("WSIS-2019-%04d", i+1) {
			t.Fatalf("message %d: %+v", i, r)
		}
		raw, err := s.RawMessage(ctx, r.MessageRowID)
		if err != nil || !bytes.Equal(raw, m.Raw) {
			t.Fatalf("message %d: raw of %d bytes read back as %d (%v)", i, len(m.Raw), len(raw), err)
		}
		got, err := s.Message(ctx, r.MessageRowID)
		if err != nil || got.Text != m.Text || got.Subject != m.Subject || got.ContributionID == nil || *got.ContributionID != r.ContributionID {
			t.Fatalf("message %d: %+v %v", i, got, err)
		}
		atts, err := s.Attachments(ctx, r.MessageRowID)
		if err != nil || len(atts) != len(m.Attachments) {
			t.Fatalf("message %d: attachments %+v %v", i, atts, err)
		}
		for j, a := range atts {
			var data []byte
			if err := s.DB().GetContext(ctx, &data, `SELECT data FROM blobs WHERE sha256 = $1`, a.SHA256); err != nil ||
				!bytes.Equal(data, m.Attachments[j].Data) || a.Filename != m.Attachments[j].Filename {
				t.Fatalf("message %d: attachment %+v: %d bytes read back (%v)", i, a, len(data), err)
			}
		}
	}
}
