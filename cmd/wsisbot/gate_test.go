package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/internal/smtptest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// TestBacklogGate: a small sync leaves the gate open; a backlog closes it until its sync
// ends (however long that takes), for every mailbox syncing one; a worker waits at most
// hold; a done context ends the wait.
func TestBacklogGate(t *testing.T) {
	waited := func(g *backlogGate, ctx context.Context) time.Duration {
		began := time.Now()
		g.wait(ctx)
		return time.Since(began)
	}
	t.Run("small syncs", func(t *testing.T) {
		g := &backlogGate{min: 50, hold: time.Minute}
		defer g.syncing(1)()
		defer g.syncing(49)()
		if d := waited(g, context.Background()); d > 100*time.Millisecond {
			t.Errorf("waited %s during small syncs", d)
		}
	})
	t.Run("a backlog", func(t *testing.T) {
		g := &backlogGate{min: 50, hold: time.Minute}
		end1 := g.syncing(5000)
		end2 := g.syncing(300) // a second mailbox
		time.AfterFunc(300*time.Millisecond, end1)
		time.AfterFunc(600*time.Millisecond, end2)
		time.AfterFunc(700*time.Millisecond, end2) // called twice: counts once
		if d := waited(g, context.Background()); d < 550*time.Millisecond || d > 5*time.Second {
			t.Errorf("waited %s during two backlogs, want until the later ends (600ms)", d)
		}
		if d := waited(g, context.Background()); d > 100*time.Millisecond {
			t.Errorf("waited %s after the backlogs", d)
		}
		// Closed again by the next backlog.
		end := g.syncing(250)
		time.AfterFunc(200*time.Millisecond, end)
		if d := waited(g, context.Background()); d < 150*time.Millisecond {
			t.Errorf("waited %s during a new backlog, want until it ends (200ms)", d)
		}
	})
	t.Run("a backlog that never ends", func(t *testing.T) {
		g := &backlogGate{min: 50, hold: 300 * time.Millisecond}
		defer g.syncing(250)()
		if d := waited(g, context.Background()); d < 250*time.Millisecond || d > 5*time.Second {
			t.Errorf("waited %s, want about hold (300ms)", d)
		}
	})
	t.Run("start-up", func(t *testing.T) {
		g := &backlogGate{min: 50, hold: time.Minute}
		listed, hold := g.untilListed(time.Minute)
		hold()
		time.AfterFunc(300*time.Millisecond, listed)
		if d := waited(g, context.Background()); d < 250*time.Millisecond || d > 5*time.Second {
			t.Errorf("waited %s, want until the mailbox is listed (300ms)", d)
		}
		// A backlog listed: the gate stays closed from the listing to the backlog's end.
		listed, _ = g.untilListed(time.Minute)
		end := g.syncing(250)
		listed()
		time.AfterFunc(300*time.Millisecond, end)
		if d := waited(g, context.Background()); d < 250*time.Millisecond || d > 5*time.Second {
			t.Errorf("waited %s, want until the backlog listed at start-up is stored (300ms)", d)
		}
		// A mailbox never listed holds the workers for d once, from the start of the hold.
		_, hold = g.untilListed(300 * time.Millisecond)
		time.AfterFunc(200*time.Millisecond, hold)
		if d := waited(g, context.Background()); d < 450*time.Millisecond || d > 5*time.Second {
			t.Errorf("waited %s, want the start-up hold (300ms) from its start (200ms)", d)
		}
		if d := waited(g, context.Background()); d > 100*time.Millisecond {
			t.Errorf("waited %s after the start-up hold", d)
		}
	})
	t.Run("context done", func(t *testing.T) {
		g := &backlogGate{min: 50, hold: time.Minute}
		defer g.syncing(250)()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if d := waited(g, ctx); d > 5*time.Second {
			t.Errorf("waited %s past the context", d)
		}
	})
}

// TestServeAcknowledgesAfterTheBacklog: while the intake stores a backlog, the mail
// workers wait, before they claim anything; the acknowledgement goes out once the
// backlog is stored.
func TestServeAcknowledgesAfterTheBacklog(t *testing.T) {
	mail := smtptest.Start(t, smtptest.Options{})
	cfg := testConfig(t, map[string]string{"DATABASE_URL": storetest.NewURL(t), "WSISBOT_HTTP_ADDR": "127.0.0.1:0",
		"WSISBOT_SMTP_ADDR": mail.Addr(), "WSISBOT_SMTP_TLS": "none"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := openApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), appOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := a.clock.Now()
	in := store.Inbound{Raw: []byte("Subject: x\r\n\r\nx"), Kind: store.MsgContribution, MessageID: "gate.1@gov.example",
		FromEmail: "person@gov.example", Subject: "Contribution", Date: now, InternalDate: now}
	if _, err := a.st.Ingest(ctx, store.IngestBatch{Messages: []store.Inbound{in}}, store.DefaultIngestPolicy()); err != nil {
		t.Fatal(err)
	}
	const backlog = 2 * time.Second
	began := time.Now()
	// The intake syncs a backlog, which it stores in two seconds.
	time.AfterFunc(backlog, pollerMetrics{m: a.metrics, gate: a.gate, mailbox: "main"}.SyncStarted(250))
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, 0) }()
	// The workers wait holding nothing: the acknowledgement is not claimed meanwhile, and
	// no transaction is open.
	storetest.Eventually(t, 10*time.Second, "a worker at the gate", func() bool { return a.gate.waiters() > 0 })
	var free, inTx int
	if err := a.st.DB().GetContext(ctx, &free, `SELECT count(*) FROM (SELECT id FROM outbox WHERE kind = 'ack_email'
		FOR UPDATE SKIP LOCKED) o`); err != nil {
		t.Fatal(err)
	}
	if err := a.st.DB().GetContext(ctx, &inTx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
		AND state LIKE 'idle in transaction%'`); err != nil {
		t.Fatal(err)
	}
	if free != 1 || inTx != 0 {
		t.Errorf("during the backlog: acknowledgements unclaimed %d (want 1), transactions open %d (want 0)", free, inTx)
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(mail.Sent()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no acknowledgement after 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if took := time.Since(began); took < backlog-100*time.Millisecond {
		t.Errorf("the acknowledgement went out %s after the backlog's batch, before the backlog was over (%s)", took, backlog)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(fmt.Errorf("run: %w", err))
	}
}

// TestServeWorkersWaitForTheMailboxListing: at start-up the mail workers wait, holding
// nothing, until the intake has listed the mailbox (a backlog may wait there); a mailbox
// without new mail and a server that cannot be reached do not hold them, and a server
// that does not answer holds them for the start-up hold only.
func TestServeWorkersWaitForTheMailboxListing(t *testing.T) {
	start := func(t *testing.T, imapAddr string, hold time.Duration, kv ...string) (*app, *smtptest.Server, time.Time, func()) {
		t.Helper()
		mail := smtptest.Start(t, smtptest.Options{})
		env := map[string]string{"DATABASE_URL": storetest.NewURL(t), "WSISBOT_HTTP_ADDR": "127.0.0.1:0",
			"WSISBOT_SMTP_ADDR": mail.Addr(), "WSISBOT_SMTP_TLS": "none",
			"WSISBOT_IMAP_ADDR": imapAddr, "WSISBOT_IMAP_TLS": "none", "WSISBOT_IMAP_USER": "u", "WSISBOT_IMAP_PASSWORD": "p"}
		for i := 0; i+1 < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		cfg := testConfig(t, env)
		ctx, cancel := context.WithCancel(context.Background())
		a, err := openApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), appOptions{startHold: hold})
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		now := a.clock.Now()
		in := store.Inbound{Raw: []byte("Subject: x\r\n\r\nx"), Kind: store.MsgContribution, MessageID: "listing.1@gov.example",
			FromEmail: "person@gov.example", Subject: "Contribution", Date: now, InternalDate: now}
		if _, err := a.st.Ingest(ctx, store.IngestBatch{Messages: []store.Inbound{in}}, store.DefaultIngestPolicy()); err != nil {
			cancel()
			t.Fatal(err)
		}
		began := time.Now()
		done := make(chan error, 1)
		go func() { done <- a.run(ctx, 0) }()
		return a, mail, began, func() {
			cancel()
			if err := <-done; err != nil {
				t.Error(fmt.Errorf("run: %w", err))
			}
		}
	}
	sentAfter := func(t *testing.T, mail *smtptest.Server, began time.Time) time.Duration {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for len(mail.Sent()) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("no acknowledgement after 30 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
		return time.Since(began)
	}

	t.Run("a server that does not answer", func(t *testing.T) {
		// It accepts the connection and never greets.
		addr := smtptest.Silent(t)
		const hold = 2 * time.Second
		a, mail, began, stop := start(t, addr, hold)
		defer stop()
		storetest.Eventually(t, 10*time.Second, "a worker at the gate", func() bool { return a.gate.waiters() > 0 })
		var free int
		if err := a.st.DB().Get(&free, `SELECT count(*) FROM (SELECT id FROM outbox WHERE kind = 'ack_email'
			FOR UPDATE SKIP LOCKED) o`); err != nil {
			t.Fatal(err)
		}
		if free != 1 {
			t.Errorf("before the mailbox is listed: acknowledgements unclaimed %d, want 1", free)
		}
		if took := sentAfter(t, mail, began); took < hold-100*time.Millisecond {
			t.Errorf("the acknowledgement went out %s after start, before the start-up hold (%s) ended", took, hold)
		}
	})
	t.Run("no new mail", func(t *testing.T) {
		// A restart finds nothing new: the workers go at once.
		srv := imaptest.StartMemory(t, imaptest.MemoryOptions{})
		const hold = time.Minute
		_, mail, began, stop := start(t, srv.Addr(), hold, "WSISBOT_IMAP_USER", srv.User(), "WSISBOT_IMAP_PASSWORD", srv.Password())
		defer stop()
		if took := sentAfter(t, mail, began); took > 20*time.Second {
			t.Errorf("the acknowledgement went out %s after start: the workers waited though the mailbox held no new mail", took)
		}
	})
	t.Run("a server that cannot be reached", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // nothing listens there now
		const hold = time.Minute
		_, mail, began, stop := start(t, addr, hold)
		defer stop()
		if took := sentAfter(t, mail, began); took > 20*time.Second {
			t.Errorf("the acknowledgement went out %s after start: the workers waited for a mailbox that cannot be reached", took)
		}
	})
}
