package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

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
