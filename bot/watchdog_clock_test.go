package bot

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// TestWatchdogMailboxAlertOnTheDeskClock: a desk living in 2019 (an offset clock) hears
// from a real mail poller given the same clock; once the mailbox has gone unread for
// longer than WatchMailboxAfter on that clock, the mailbox alert is raised.
func TestWatchdogMailboxAlertOnTheDeskClock(t *testing.T) {
	t.Parallel()
	srv := imaptest.StartMemory(t, imaptest.MemoryOptions{})
	pwFile := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(pwFile, []byte(srv.Password()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var p *mailin.Poller
	intake := func() IntakeStatus {
		s := p.Status()
		return IntakeStatus{Connected: s.Connected, LastError: s.LastError, LastErrorAt: s.LastErrorAt, LastSuccessAt: s.LastSuccessAt}
	}
	d := newDesk(t, deskOptions{noRun: true, config: func(c *Config) { c.WatchMailboxAfter = 10 * time.Minute },
		options: []Option{WithIntakeStatus(intake)}})
	cfg := mailin.IMAPConfig{Addr: srv.Addr(), TLS: mailin.TLSNone, User: srv.User(), PasswordFile: pwFile,
		Mailbox: "INBOX", Poll: time.Second, Batch: 100}
	p = mailin.NewPoller(cfg, d.st, store.DefaultIngestPolicy(), slog.New(slog.DiscardHandler),
		mailin.WithClock(d.clock), mailin.WithBackoff(20*time.Millisecond, 100*time.Millisecond), mailin.WithStoppedRetry(50*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("the poller did not stop")
		}
	})
	storetest.Eventually(t, 10*time.Second, "the mailbox to be read", func() bool {
		s := p.Status()
		return s.Connected && !s.LastSuccessAt.IsZero()
	})

	// The password changes and the connection drops: the intake stops.
	if err := os.WriteFile(pwFile, []byte("an old password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv.Restart(t)
	storetest.Eventually(t, 10*time.Second, "the refused login", func() bool { return p.Status().Stopped })

	d.clock.Advance(5 * time.Minute)
	d.scheduleTogether()
	if n := d.countOutbox("watchdog:" + condMailbox + ":raised:%"); n != 0 {
		t.Fatalf("mailbox alert raised after 5 minutes: %d", n)
	}
	d.clock.Advance(6 * time.Minute)
	d.scheduleTogether()
	if n := d.countOutbox("watchdog:" + condMailbox + ":raised:%"); n != 1 {
		t.Fatalf("mailbox unread for 11 minutes on the desk's clock: %d alerts, want 1 (status %+v, clock %s)", n, p.Status(), d.clock.Now())
	}
}
