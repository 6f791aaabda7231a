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

// TestBacklogGate: small batches leave the gate open, a large one closes it for a while,
// a flood of large ones holds a worker at most hold, and a done context ends the wait.
func TestBacklogGate(t *testing.T) {
	waited := func(g *backlogGate, ctx context.Context) time.Duration {
		began := time.Now()
		g.wait(ctx)
		return time.Since(began)
	}
	t.Run("small batches", func(t *testing.T) {
		g := &backlogGate{large: time.Minute, min: 50, hold: time.Minute}
		g.stored(1)
		g.stored(49)
		if d := waited(g, context.Background()); d > 100*time.Millisecond {
			t.Errorf("waited %s after small batches", d)
		}
	})
	t.Run("a large batch", func(t *testing.T) {
		g := &backlogGate{large: 300 * time.Millisecond, min: 50, hold: time.Minute}
		g.stored(250)
		if d := waited(g, context.Background()); d < 250*time.Millisecond || d > 5*time.Second {
			t.Errorf("waited %s after a large batch, want about 300ms", d)
		}
	})
	t.Run("a flood", func(t *testing.T) {
		g := &backlogGate{large: 200 * time.Millisecond, min: 50, hold: 600 * time.Millisecond}
		stop := make(chan struct{})
		defer close(stop)
		g.stored(250)
		go func() {
			tk := time.NewTicker(50 * time.Millisecond)
			defer tk.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tk.C:
					g.stored(250)
				}
			}
		}()
		if d := waited(g, context.Background()); d < 550*time.Millisecond || d > 5*time.Second {
			t.Errorf("waited %s during a flood, want about hold (600ms)", d)
		}
	})
	t.Run("context done", func(t *testing.T) {
		g := &backlogGate{large: time.Minute, min: 50, hold: time.Minute}
		g.stored(250)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if d := waited(g, ctx); d > 5*time.Second {
			t.Errorf("waited %s past the context", d)
		}
	})
}

// TestServeAcknowledgesAfterTheBacklog: while the intake stores a backlog, the mail
// workers wait; the acknowledgement goes out once the backlog is stored.
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
	a.gate.large = backlog
	began := time.Now()
	// The intake stored a large batch: a backlog is under way.
	pollerMetrics{a.metrics, a.gate, "main"}.MessagesFetched(250)
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, 0) }()
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
