package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/wsis/wsisbot/store"
)

// TestCheckpointsPerMailboxKey keeps one checkpoint per mailbox key: two servers'
// INBOXes at the same UIDVALIDITY and UIDs are two mailboxes, each message stored once
// under its own position and recorded with its mailbox's name; the checkpoint kept under
// the folder's name alone (before several mailboxes) is adopted once by the first
// mailbox, and never over a checkpoint it already has.
func TestCheckpointsPerMailboxKey(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	const (
		mainKey = "imap.itu.int:993/wsis-info@itu.int/INBOX"
		wsKey   = "outlook.office365.com:993/wsis-workshops@itu.int/INBOX"
	)
	// Before several mailboxes: the checkpoint is kept under "INBOX".
	if _, err := s.Ingest(ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: 7, LastUID: 40}, store.DefaultIngestPolicy()); err != nil {
		t.Fatal(err)
	}
	adopted, err := s.AdoptSyncState(ctx, "INBOX", mainKey)
	if err != nil || !adopted {
		t.Fatalf("adopt: %v %v", adopted, err)
	}
	cp, err := s.SyncState(ctx, mainKey)
	if err != nil || cp.UIDValidity != 7 || cp.LastUID != 40 {
		t.Fatalf("adopted checkpoint %+v %v", cp, err)
	}
	if _, err := s.SyncState(ctx, "INBOX"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the old checkpoint is still there: %v", err)
	}
	// Adopting again, or over a checkpoint the key has, changes nothing.
	if err := s.ResetSyncState(ctx, "INBOX", 9); err != nil {
		t.Fatal(err)
	}
	if adopted, err := s.AdoptSyncState(ctx, "INBOX", mainKey); err != nil || adopted {
		t.Fatalf("adopted over an existing checkpoint: %v %v", adopted, err)
	}
	if cp, _ := s.SyncState(ctx, mainKey); cp.UIDValidity != 7 || cp.LastUID != 40 {
		t.Fatalf("checkpoint changed: %+v", cp)
	}

	// Two mailboxes, the same UIDVALIDITY and UID: two messages, two checkpoints.
	var ids []int64
	for i, key := range []string{mainKey, wsKey} {
		m := inbound(fmt.Sprintf("sender%d@gov.example", i), "Submission")
		m.Mailbox, m.UIDValidity, m.UID, m.MailboxName = key, 3, 41, []string{"main", "workshops"}[i]
		res, err := s.Ingest(ctx, store.IngestBatch{Mailbox: key, UIDValidity: 3, LastUID: 41, Messages: []store.Inbound{m}}, store.DefaultIngestPolicy())
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Skipped || !res[0].NewContrib {
			t.Fatalf("mailbox %s: %+v", key, res[0])
		}
		ids = append(ids, res[0].ContributionID)
	}
	for _, key := range []string{mainKey, wsKey} {
		if cp, err := s.SyncState(ctx, key); err != nil || cp.UIDValidity != 3 || cp.LastUID != 41 {
			t.Errorf("checkpoint of %s: %+v %v", key, cp, err)
		}
	}
	for i, want := range []string{"main", "workshops"} {
		c, err := s.Contribution(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		ms, err := s.Messages(ctx, ids[i])
		if err != nil || len(ms) != 1 {
			t.Fatalf("messages: %v %v", ms, err)
		}
		if c.MailboxName != want || ms[0].MailboxName != want {
			t.Errorf("contribution %d recorded mailbox %q, its message %q; want %q", i, c.MailboxName, ms[0].MailboxName, want)
		}
	}
}

// TestMigrationRecordsTheFirstMailbox: what was stored before several mailboxes came to
// the first one, "main"; our own mail came to none.
func TestMigrationRecordsTheFirstMailbox(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	res := ingest(t, s, inbound("before@gov.example", "Stored before several mailboxes"))
	db := s.DB()
	if _, err := db.ExecContext(ctx, `INSERT INTO messages (direction, kind, raw, raw_sha256, size, received_at, created_at)
		SELECT 'out', kind, raw, 'out' || raw_sha256, size, received_at, created_at FROM messages`); err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db.DB, store.MigrationsFS())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 12); err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 13); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := db.SelectContext(ctx, &got, `SELECT direction || ':' || mailbox_name FROM messages ORDER BY direction`); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[in:main out:]" {
		t.Errorf("messages after the migration: %v", got)
	}
	if _, err := p.Up(ctx); err != nil { // the later migrations, which the store's queries need
		t.Fatal(err)
	}
	c, err := s.Contribution(ctx, res[0].ContributionID)
	if err != nil || c.MailboxName != "main" {
		t.Errorf("contribution after the migration: %q %v", c.MailboxName, err)
	}
	// New rows name their mailbox, or none.
	var def string
	if err := db.GetContext(ctx, &def, `SELECT column_default FROM information_schema.columns
		WHERE table_name = 'messages' AND column_name = 'mailbox_name'`); err != nil || def != "''::text" {
		t.Errorf("default %q %v", def, err)
	}
}
