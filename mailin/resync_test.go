package mailin_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

func resyncConfig(srv imaptest.Server) mailin.IMAPConfig {
	return mailin.IMAPConfig{Addr: srv.Addr(), TLS: mailin.TLSNone, User: srv.User(), Password: srv.Password(),
		Mailbox: "INBOX", Processed: "Processed", Batch: 2}
}

func resync(t *testing.T, cfg mailin.IMAPConfig, st *store.Store, req mailin.ResyncRequest) mailin.ResyncReport {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rep, err := mailin.Resync(ctx, cfg, st, testPolicy(), req, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("resync: %v", err)
	}
	return rep
}

// TestResyncQuarantinesWhatTheServerRefuses: a message the server will not deliver does
// not stop a resync: after the poller's number of refusals it is quarantined with the
// server's answer, the rest is stored, and a second resync finds it all stored.
func TestResyncQuarantinesWhatTheServerRefuses(t *testing.T) {
	srv := imaptest.StartMemory(t, imaptest.MemoryOptions{RefuseBody: func(uid uint32) bool { return uid == 2 }})
	st, _ := storetest.New(t)
	c := imaptest.Dial(t, srv)
	if err := c.Create("Processed", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	run := "resync-refused"
	for i := range 3 {
		imaptest.Append(t, c, "Processed", imaptest.Mail(i, imaptest.MailOptions{Run: run}), time.Now())
	}
	cfg := resyncConfig(srv)
	rep := resync(t, cfg, st, mailin.ResyncRequest{})
	if rep.Found != 3 || rep.Read != 3 || rep.NewContributions+rep.Other != 2 || rep.Quarantined != 1 || rep.AlreadyStored != 0 {
		t.Fatalf("first resync: %+v", rep)
	}
	rep = resync(t, cfg, st, mailin.ResyncRequest{})
	if rep.Read != 3 || rep.AlreadyStored != 3 || rep.Quarantined != 0 {
		t.Fatalf("second resync: %+v", rep)
	}
}

// TestResyncLeavesTheMailboxCheckpoint: reading the poller's own mailbox again, from a
// date, neither moves its checkpoint forward nor sets a flag.
func TestResyncLeavesTheMailboxCheckpoint(t *testing.T) {
	srv := imaptest.StartMemory(t, imaptest.MemoryOptions{})
	st, _ := storetest.New(t)
	c := imaptest.Dial(t, srv)
	run := "resync-checkpoint"
	now := time.Now()
	for i := range 4 {
		imaptest.Append(t, c, "INBOX", imaptest.Mail(i, imaptest.MailOptions{Run: run}), now)
	}
	ctx := context.Background()
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Unselect().Wait(); err != nil {
		t.Fatal(err)
	}
	// The poller has read the first message only.
	if _, err := st.Ingest(ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: sel.UIDValidity, LastUID: 1}, store.DefaultIngestPolicy()); err != nil {
		t.Fatal(err)
	}
	cfg := resyncConfig(srv)
	rep := resync(t, cfg, st, mailin.ResyncRequest{Folder: "INBOX", Since: now})
	if rep.Folder != "INBOX" || rep.Read != 4 {
		t.Fatalf("resync: %+v", rep)
	}
	cp, err := st.SyncState(ctx, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if cp.LastUID != 1 || uint32(cp.UIDValidity) != sel.UIDValidity {
		t.Fatalf("INBOX checkpoint after resync: %+v, want last UID 1", cp)
	}
	msgs, _ := imaptest.Messages(t, c, "INBOX", false)
	for _, m := range msgs {
		if len(m.Flags) > 0 {
			t.Errorf("uid %d flagged %v", m.UID, m.Flags)
		}
	}
	if len(msgs) != 4 {
		t.Errorf("INBOX holds %d messages, want 4", len(msgs))
	}
}
