package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/wsis/wsisbot/internal/smtptest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// TestServeSendsAcknowledgementsSideBySide queues more acknowledgements than there are
// mail workers and holds each SMTP session at RCPT TO until defaultMailWorkers sessions
// are open at once: serve must send that many side by side, not one or two at a time.
func TestServeSendsAcknowledgementsSideBySide(t *testing.T) {
	const queued = 2 * defaultMailWorkers
	var mu sync.Mutex
	open, most := 0, 0
	all := make(chan struct{})
	mail := smtptest.Start(t, smtptest.Options{Reject: func(stage smtptest.Stage, _ string) *smtp.SMTPError {
		if stage != smtptest.AtRcpt {
			return nil
		}
		mu.Lock()
		open++
		most = max(most, open)
		if open == defaultMailWorkers {
			close(all)
		}
		mu.Unlock()
		// Hold the session until enough are open, or give up after a while.
		select {
		case <-all:
		case <-time.After(5 * time.Second):
		}
		mu.Lock()
		open--
		mu.Unlock()
		return nil
	}})
	dbURL := storetest.NewURL(t)
	cfg := testConfig(t, map[string]string{"DATABASE_URL": dbURL, "WSISBOT_HTTP_ADDR": "127.0.0.1:0",
		"WSISBOT_SMTP_ADDR": mail.Addr(), "WSISBOT_SMTP_TLS": "none"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := openApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), appOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := a.clock.Now()
	var msgs []store.Inbound
	for i := range queued {
		msgs = append(msgs, store.Inbound{Raw: []byte(fmt.Sprintf("Subject: x %d\r\n\r\nx", i)), Kind: store.MsgContribution,
			MessageID: fmt.Sprintf("side.%d@gov.example", i), FromEmail: fmt.Sprintf("person%d@gov.example", i),
			Subject: fmt.Sprintf("Contribution %d", i), Date: now, InternalDate: now})
	}
	res, err := a.st.Ingest(ctx, store.IngestBatch{Messages: msgs}, store.DefaultIngestPolicy())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if !r.AckQueued {
			t.Fatalf("no acknowledgement queued: %+v", r)
		}
	}
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, 0) }()
	deadline := time.Now().Add(30 * time.Second)
	for len(mail.Sent()) < queued {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledgements sent after 30 s", len(mail.Sent()), queued)
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	got := most
	mu.Unlock()
	if got < defaultMailWorkers {
		t.Errorf("at most %d acknowledgements were sent side by side, want %d", got, defaultMailWorkers)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
