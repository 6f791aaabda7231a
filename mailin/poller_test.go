package mailin_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

var ourAddresses = []string{"wsis-info@itu.int"}

// testPolicy is the default policy with our own address.
func testPolicy() store.IngestPolicy {
	pol := store.DefaultIngestPolicy()
	pol.OurAddresses = ourAddresses
	return pol
}

// harness is one IMAP server, one fresh database and a client for appending and looking.
type harness struct {
	t      testing.TB
	srv    imaptest.Server
	st     *store.Store
	cfg    mailin.IMAPConfig
	client *imapclient.Client
	run    string
}

func newHarness(t testing.TB, srv imaptest.Server) *harness {
	t.Helper()
	st, _ := storetest.New(t)
	h := &harness{t: t, srv: srv, st: st, run: fmt.Sprintf("r%d", time.Now().UnixNano()%1e9)}
	h.cfg = mailin.IMAPConfig{
		Addr:     srv.Addr(),
		TLS:      mailin.TLSNone,
		User:     srv.User(),
		Password: srv.Password(),
		Mailbox:  "INBOX",
		Poll:     time.Second,
		Batch:    100,
	}
	h.client = imaptest.Dial(t, srv)
	return h
}

// redial replaces the client after a server restart.
func (h *harness) redial() { h.client = imaptest.Dial(h.t, h.srv) }

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func (h *harness) poller(cfg mailin.IMAPConfig, ing mailin.Ingester, opts ...mailin.Option) *mailin.Poller {
	if ing == nil {
		ing = h.st
	}
	opts = append([]mailin.Option{mailin.WithBackoff(20*time.Millisecond, 300*time.Millisecond)}, opts...)
	return mailin.NewPoller(cfg, ing, testPolicy(), testLogger(h.t), opts...)
}

// start runs p until the returned stop is called; stop returns Run's error. Run must
// return within 5 seconds of the cancellation.
func start(t testing.TB, p *mailin.Poller) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-errc:
			case <-time.After(5 * time.Second):
				t.Fatal("Run did not return within 5 seconds of the cancellation")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

// waitReady waits until p has connected and checked the mailbox once.
func waitReady(t testing.TB, p *mailin.Poller) {
	t.Helper()
	storetest.Eventually(t, 10*time.Second, "the poller to connect", func() bool {
		s := p.Status()
		return s.Connected && !s.LastSuccessAt.IsZero()
	})
}

func (h *harness) mail(i int) []byte { return imaptest.Mail(i, imaptest.MailOptions{Run: h.run}) }

func (h *harness) append(mailbox string, raws ...[]byte) {
	h.t.Helper()
	for _, raw := range raws {
		imaptest.Append(h.t, h.client, mailbox, raw, time.Time{})
	}
}

func (h *harness) count(query string, args ...any) int {
	h.t.Helper()
	var n int
	if err := h.st.DB().Get(&n, query, args...); err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
	return n
}

const (
	qMessages      = `SELECT count(*) FROM messages WHERE direction = 'in'`
	qMessageIDs    = `SELECT count(DISTINCT message_id) FROM messages WHERE direction = 'in'`
	qContributions = `SELECT count(*) FROM contributions`
	qAcks          = `SELECT count(*) FROM outbox WHERE kind = 'ack_email'`
	qCards         = `SELECT count(*) FROM outbox WHERE kind = 'slack_card'`
)

func (h *harness) waitMessages(n int, timeout time.Duration) {
	h.t.Helper()
	storetest.Eventually(h.t, timeout, fmt.Sprintf("%d stored messages", n), func() bool { return h.count(qMessages) >= n })
}

// exactlyOnce checks that n contributions were stored once each, with one card and one
// acknowledgement each.
func (h *harness) exactlyOnce(n int) {
	h.t.Helper()
	for _, c := range []struct{ what, q string }{
		{"inbound messages", qMessages}, {"distinct Message-IDs", qMessageIDs}, {"contributions", qContributions},
		{"acknowledgements queued", qAcks}, {"cards queued", qCards},
	} {
		if got := h.count(c.q); got != n {
			h.t.Errorf("%s: %d, want %d", c.what, got, n)
		}
	}
}

func eachServer(t *testing.T, f func(t *testing.T, srv imaptest.Server)) {
	for _, k := range imaptest.Kinds() {
		t.Run(k.Name, func(t *testing.T) { f(t, k.Start(t)) })
	}
}

func TestPollerIdleDeliveryWithinASecond(t *testing.T) {
	eachServer(t, func(t *testing.T, srv imaptest.Server) {
		h := newHarness(t, srv)
		p := h.poller(h.cfg, nil)
		start(t, p)
		waitReady(t, p)
		// The first message also pays for the new database's cold caches: not timed.
		h.append("INBOX", h.mail(0))
		h.waitMessages(1, 10*time.Second)
		for i := 1; i <= 3; i++ {
			// Let the poller go back to IDLE before the next message.
			storetest.Eventually(t, 5*time.Second, "the checkpoint to advance", func() bool { return p.Status().LastUID == uint32(i) })
			sent := time.Now()
			h.append("INBOX", h.mail(i))
			storetest.Eventually(t, time.Second, fmt.Sprintf("message %d stored within a second of APPEND", i), func() bool {
				return h.count(qMessages) == i+1
			})
			t.Logf("message %d stored %s after APPEND", i, time.Since(sent).Round(time.Millisecond))
		}
		h.exactlyOnce(4)
		if got := p.Status().Fetched; got != 4 {
			t.Errorf("Status().Fetched = %d, want 4", got)
		}
	})
}

func TestPollerSurvivesServerRestart(t *testing.T) {
	eachServer(t, func(t *testing.T, srv imaptest.Server) {
		h := newHarness(t, srv)
		p := h.poller(h.cfg, nil)
		start(t, p)
		waitReady(t, p)
		for i := range 5 {
			h.append("INBOX", h.mail(i))
		}
		h.waitMessages(5, 10*time.Second)

		srv.Restart(t)
		h.redial()
		for i := 5; i < 10; i++ {
			h.append("INBOX", h.mail(i))
		}
		h.waitMessages(10, 20*time.Second)
		storetest.Eventually(t, 10*time.Second, "the poller to reconnect", func() bool { return p.Status().Connected })
		h.exactlyOnce(10)
		st := p.Status()
		if st.Reconnects < 1 || st.LastError == "" {
			t.Errorf("status after a restart: %+v", st)
		}
	})
}

func TestPollerUIDValidityResetDoublesNothing(t *testing.T) {
	eachServer(t, func(t *testing.T, srv imaptest.Server) {
		h := newHarness(t, srv)
		const box = "Consultation"
		if err := h.client.Create(box, nil).Wait(); err != nil {
			t.Fatal(err)
		}
		cfg := h.cfg
		cfg.Mailbox = box
		raws := make([][]byte, 6)
		for i := range raws {
			raws[i] = h.mail(i)
		}
		h.append(box, raws...)
		p := h.poller(cfg, nil)
		stop := start(t, p)
		h.waitMessages(6, 10*time.Second)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		oldUV := p.Status().UIDValidity

		// The mailbox is deleted and made again: new UIDVALIDITY, same mail, one more.
		if err := h.client.Delete(box).Wait(); err != nil {
			t.Fatal(err)
		}
		if err := h.client.Create(box, nil).Wait(); err != nil {
			t.Fatal(err)
		}
		h.append(box, raws...)
		h.append(box, h.mail(6))

		p2 := h.poller(cfg, nil)
		start(t, p2)
		h.waitMessages(7, 10*time.Second)
		storetest.Eventually(t, 10*time.Second, "the whole mailbox read again", func() bool { return p2.Status().LastUID == 7 })
		newUV := p2.Status().UIDValidity
		if newUV == oldUV {
			t.Fatalf("UIDVALIDITY did not change (%d): the test proves nothing", newUV)
		}
		h.exactlyOnce(7)
		if n := h.count(`SELECT count(*) FROM messages WHERE uidvalidity <> $1`, int64(newUV)); n != 0 {
			t.Errorf("%d messages still at the old UIDVALIDITY position", n)
		}
		cp, err := h.st.SyncState(context.Background(), cfg.Key())
		if err != nil || cp.UIDValidity != int64(newUV) || cp.LastUID != 7 {
			t.Errorf("checkpoint %+v, %v", cp, err)
		}
	})
}

// folder returns the messages of a mailbox (ok false when it does not exist).
func (h *harness) folder(name string) ([]imaptest.MessageInfo, bool) {
	return imaptest.Messages(h.t, h.client, name, false)
}

func (h *harness) waitMoved(n int, hasMove bool) {
	h.t.Helper()
	storetest.Eventually(h.t, 10*time.Second, fmt.Sprintf("%d messages in Processed", n), func() bool {
		msgs, ok := h.folder("Processed")
		return ok && len(msgs) == n
	})
	inbox, _ := h.folder("INBOX")
	if hasMove {
		// Dovecot shows a moved message in its new folder a moment before it has left
		// the old one: wait for that too.
		deadline := time.Now().Add(5 * time.Second)
		for len(inbox) != 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			inbox, _ = h.folder("INBOX")
		}
		if len(inbox) != 0 {
			h.t.Errorf("INBOX still holds %d messages after MOVE", len(inbox))
		}
		return
	}
	// Without MOVE and UIDPLUS: copied, flagged \Deleted, never expunged. The flag is
	// set after the copy: wait for it as for the copy.
	flagged := func() bool {
		for _, m := range inbox {
			if !m.Deleted {
				return false
			}
		}
		return true
	}
	deadline := time.Now().Add(5 * time.Second)
	for !flagged() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		inbox, _ = h.folder("INBOX")
	}
	if len(inbox) != n {
		h.t.Fatalf("INBOX holds %d messages, want %d flagged \\Deleted", len(inbox), n)
	}
	for _, m := range inbox {
		if !m.Deleted {
			h.t.Errorf("uid %d copied but not flagged \\Deleted", m.UID)
		}
	}
}

func TestPollerMovesToProcessedFolder(t *testing.T) {
	eachServer(t, func(t *testing.T, srv imaptest.Server) {
		h := newHarness(t, srv)
		if _, ok := h.folder("Processed"); ok {
			t.Fatal("Processed exists before the test")
		}
		cfg := h.cfg
		cfg.Processed = "Processed"
		for i := range 4 {
			h.append("INBOX", h.mail(i))
		}
		p := h.poller(cfg, nil)
		start(t, p)
		h.waitMessages(4, 10*time.Second)
		h.waitMoved(4, srv.HasMove())
		h.append("INBOX", h.mail(4), h.mail(5))
		h.waitMessages(6, 10*time.Second)
		h.waitMoved(6, srv.HasMove())
		h.exactlyOnce(6)
	})
}

// seen reports, for each message of INBOX, whether it is flagged \Seen.
func (h *harness) seen() map[uint32]bool {
	h.t.Helper()
	msgs, _ := h.folder("INBOX")
	out := map[uint32]bool{}
	for _, m := range msgs {
		out[m.UID] = slices.Contains(m.Flags, imap.FlagSeen)
	}
	return out
}

func TestPollerMarksStoredMailSeenOnlyWhenAsked(t *testing.T) {
	eachServer(t, func(t *testing.T, srv imaptest.Server) {
		h := newHarness(t, srv)
		h.append("INBOX", h.mail(0), h.mail(1))
		// By default, reading leaves mail unread for the people who share the mailbox.
		stop := start(t, h.poller(h.cfg, nil))
		h.waitMessages(2, 10*time.Second)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		for uid, seen := range h.seen() {
			if seen {
				t.Errorf("uid %d flagged \\Seen without WSISBOT_IMAP_MARK_SEEN", uid)
			}
		}
		cfg := h.cfg
		cfg.MarkSeen = true
		start(t, h.poller(cfg, nil))
		h.append("INBOX", h.mail(2), h.mail(3))
		h.waitMessages(4, 10*time.Second)
		storetest.Eventually(t, 10*time.Second, "the new mail flagged \\Seen", func() bool {
			s := h.seen()
			return s[3] && s[4]
		})
		// What was stored before stays as people left it.
		if s := h.seen(); s[1] || s[2] {
			t.Errorf("mail stored before WSISBOT_IMAP_MARK_SEEN was turned on got flagged: %v", s)
		}
		h.exactlyOnce(4)
	})
}

// A server without MOVE that cannot create the folder: the COPY fails, and not one
// message may be flagged \Deleted, let alone expunged.
func TestPollerFailedCopyDeletesNothing(t *testing.T) {
	srv := imaptest.StartMemory(t, imaptest.MemoryOptions{IMAP4rev1Only: true, RefuseCreate: true})
	h := newHarness(t, srv)
	cfg := h.cfg
	cfg.Processed = "Processed"
	for i := range 3 {
		h.append("INBOX", h.mail(i))
	}
	p := h.poller(cfg, nil)
	start(t, p)
	h.waitMessages(3, 10*time.Second)
	storetest.Eventually(t, 10*time.Second, "the failed move to be reported", func() bool {
		return strings.Contains(p.Status().LastError, "Processed")
	})
	h.append("INBOX", h.mail(3))
	h.waitMessages(4, 10*time.Second)
	storetest.Eventually(t, 10*time.Second, "a second move attempt", func() bool { return srv.Creates() >= 2 })

	inbox, _ := h.folder("INBOX")
	if len(inbox) != 4 {
		t.Fatalf("INBOX holds %d messages, want all 4", len(inbox))
	}
	for _, m := range inbox {
		if m.Deleted {
			t.Errorf("uid %d flagged \\Deleted although the copy failed", m.UID)
		}
	}
	if _, ok := h.folder("Processed"); ok {
		t.Error("Processed exists although CREATE was refused")
	}
	h.exactlyOnce(4)
	if !p.Status().Connected {
		t.Error("a refused move must not end the session")
	}
}

// crashAfterCommit stores a batch and then stops the poller, as a crash between the
// commit and the move would.
type crashAfterCommit struct {
	*store.Store
	crash func()
}

func (c *crashAfterCommit) Ingest(ctx context.Context, b store.IngestBatch, pol store.IngestPolicy) ([]store.Ingested, error) {
	res, err := c.Store.Ingest(ctx, b, pol)
	if err == nil {
		c.crash()
	}
	return res, err
}

func TestPollerCrashBetweenCommitAndMoveLeavesNoDuplicate(t *testing.T) {
	eachServer(t, func(t *testing.T, srv imaptest.Server) {
		h := newHarness(t, srv)
		cfg := h.cfg
		cfg.Processed = "Processed"
		for i := range 5 {
			h.append("INBOX", h.mail(i))
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		p := h.poller(cfg, &crashAfterCommit{Store: h.st, crash: cancel})
		if err := p.Run(ctx); err != nil {
			t.Fatalf("Run: %v", err)
		}
		h.exactlyOnce(5)
		inbox, _ := h.folder("INBOX")
		if len(inbox) != 5 {
			t.Fatalf("INBOX holds %d messages after the crash, want 5", len(inbox))
		}
		for _, m := range inbox {
			if m.Deleted {
				t.Fatalf("uid %d flagged although the poller stopped before moving", m.UID)
			}
		}

		// The next start finds the mail stored and only moves it.
		p2 := h.poller(cfg, nil)
		start(t, p2)
		waitReady(t, p2)
		h.waitMoved(5, srv.HasMove())
		h.exactlyOnce(5)
		if n := h.count(`SELECT count(*) FROM outbox`); n != h.count(`SELECT count(DISTINCT idempotency_key) FROM outbox`) {
			t.Errorf("outbox holds repeated items")
		}
	})
}

func TestPollerThousandMessagesExactlyOnce(t *testing.T) {
	const n, writers = 1000, 4
	eachServer(t, func(t *testing.T, srv imaptest.Server) {
		h := newHarness(t, srv)
		p := h.poller(h.cfg, nil)
		start(t, p)
		waitReady(t, p)
		raws := make([][]byte, n)
		for i := range raws {
			att := 0
			if i%10 == 0 {
				att = 8 << 10
			}
			raws[i] = imaptest.Mail(i, imaptest.MailOptions{Run: h.run, Attachment: att})
		}
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			c := imaptest.Dial(t, srv)
			wg.Go(func() {
				for i := w; i < n; i += writers {
					if _, err := imaptest.AppendErr(c, "INBOX", raws[i], time.Time{}); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		h.waitMessages(n, 120*time.Second)
		storetest.Eventually(t, 10*time.Second, "the checkpoint at the last message", func() bool { return p.Status().LastUID == n })
		h.exactlyOnce(n)
		if got := p.Status().Fetched; got != n {
			t.Errorf("Status().Fetched = %d, want %d", got, n)
		}
		if got := h.count(`SELECT count(*) FROM attachments`); got != n/10 {
			t.Errorf("%d attachments stored, want %d", got, n/10)
		}
	})
}

// errorCounter is a log handler that counts records at error level.
type errorCounter struct {
	slog.Handler
	n *atomic.Int32
}

func (h errorCounter) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		h.n.Add(1)
	}
	return h.Handler.Handle(ctx, r)
}

func (h errorCounter) WithAttrs(a []slog.Attr) slog.Handler {
	return errorCounter{h.Handler.WithAttrs(a), h.n}
}

// stoppedPoller is a poller whose intake, once stopped, tries again every 100 ms, and
// the count of its error-level log records.
func (h *harness) stoppedPoller(t *testing.T, cfg mailin.IMAPConfig) (*mailin.Poller, *atomic.Int32) {
	var n atomic.Int32
	logger := slog.New(errorCounter{slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}), &n})
	return mailin.NewPoller(cfg, h.st, testPolicy(), logger,
		mailin.WithBackoff(20*time.Millisecond, 300*time.Millisecond), mailin.WithStoppedRetry(100*time.Millisecond)), &n
}

// waitStopped waits until p reports the intake stopped with an error containing want,
// and checks that Run is still running.
func waitStopped(t *testing.T, p *mailin.Poller, want string, errc <-chan error) mailin.PollerStatus {
	t.Helper()
	storetest.Eventually(t, 10*time.Second, "the intake stopped by "+want, func() bool {
		s := p.Status()
		return s.Stopped && !s.Connected && strings.Contains(s.LastError, want)
	})
	select {
	case err := <-errc:
		t.Fatalf("Run returned %v: it must keep trying", err)
	default:
	}
	return p.Status()
}

// TestPollerBadCredentialsStopTheIntakeUntilFixed: refused credentials stop the intake
// (said once at error level), it tries again slowly, reading the password file each
// time, and reads the mailbox as soon as the file holds the right password.
func TestPollerBadCredentialsStopTheIntakeUntilFixed(t *testing.T) {
	eachServer(t, func(t *testing.T, srv imaptest.Server) {
		h := newHarness(t, srv)
		pwFile := filepath.Join(t.TempDir(), "password")
		if err := os.WriteFile(pwFile, []byte("wrong password\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg := h.cfg
		cfg.Password, cfg.PasswordFile = "", pwFile
		h.append("INBOX", h.mail(0))
		p, errorLogs := h.stoppedPoller(t, cfg)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		errc := make(chan error, 1)
		go func() { errc <- p.Run(ctx) }()
		st := waitStopped(t, p, "refused the credentials", errc)
		if strings.Contains(st.LastError, "wrong password") {
			t.Error("the error shows the password")
		}
		if st.RetryEvery != 100*time.Millisecond {
			t.Errorf("RetryEvery = %s", st.RetryEvery)
		}
		// Several attempts later it is still said once at error level.
		r0 := st.Reconnects
		// Dovecot delays each refusal more (its auth penalty): one more attempt suffices.
		storetest.Eventually(t, 30*time.Second, "more attempts", func() bool { return p.Status().Reconnects >= r0+1 })
		if n := errorLogs.Load(); n != 1 {
			t.Errorf("%d error-level log records for one cause, want 1", n)
		}
		if err := os.WriteFile(pwFile, []byte(srv.Password()+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		h.waitMessages(1, 10*time.Second)
		if s := p.Status(); !s.Connected || s.Stopped {
			t.Errorf("status after the fix: %+v", s)
		}
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Run returned %v on cancellation", err)
		}
	})
}

// TestPollerMissingMailboxStopsTheIntakeUntilCreated: a missing mailbox stops the intake;
// it tries again and reads the mailbox once it exists.
func TestPollerMissingMailboxStopsTheIntakeUntilCreated(t *testing.T) {
	eachServer(t, func(t *testing.T, srv imaptest.Server) {
		h := newHarness(t, srv)
		cfg := h.cfg
		cfg.Mailbox = "NoSuchFolder"
		p, errorLogs := h.stoppedPoller(t, cfg)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		errc := make(chan error, 1)
		go func() { errc <- p.Run(ctx) }()
		st := waitStopped(t, p, "NoSuchFolder", errc)
		storetest.Eventually(t, 10*time.Second, "more attempts", func() bool { return p.Status().Reconnects >= st.Reconnects+3 })
		if n := errorLogs.Load(); n != 1 {
			t.Errorf("%d error-level log records for one cause, want 1", n)
		}
		if err := h.client.Create("NoSuchFolder", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		h.append("NoSuchFolder", h.mail(0))
		h.waitMessages(1, 10*time.Second)
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Run returned %v on cancellation", err)
		}
	})
}

// tokenCommand writes a script that prints tok-1, tok-2, ... on successive runs.
func tokenCommand(t *testing.T) string {
	dir := t.TempDir()
	script := filepath.Join(dir, "token.sh")
	body := fmt.Sprintf("#!/bin/sh\nn=$(cat %[1]s/n 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > %[1]s/n\necho \"tok-$n\"\n", dir)
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return script
}

func TestPollerOAuthTokenFetchedAgainWhenRefused(t *testing.T) {
	for _, mech := range []string{"XOAUTH2", "OAUTHBEARER"} {
		t.Run(mech, func(t *testing.T) {
			// tok-1 has expired; tok-2 is good.
			srv := imaptest.StartMemory(t, imaptest.MemoryOptions{
				OAuthMechanisms: []string{mech},
				ValidToken:      func(tok string) bool { return tok == "tok-2" },
			})
			h := newHarness(t, srv)
			cfg := h.cfg
			cfg.Password = ""
			cfg.OAuth.TokenCmd = tokenCommand(t)
			h.append("INBOX", h.mail(0))
			p := h.poller(cfg, nil)
			start(t, p)
			h.waitMessages(1, 10*time.Second)
			if got := strings.Join(srv.Tokens(), ","); got != "tok-1,tok-2" {
				t.Errorf("tokens presented: %s, want tok-1,tok-2", got)
			}
		})
	}
}

// TestPollerOAuthTokenRefusedTwiceStopsTheIntake: a fresh token refused too stops the
// intake; each later attempt runs the token command again, and a good token brings the
// intake back.
func TestPollerOAuthTokenRefusedTwiceStopsTheIntake(t *testing.T) {
	var good atomic.Bool
	srv := imaptest.StartMemory(t, imaptest.MemoryOptions{
		OAuthMechanisms: []string{"XOAUTH2"},
		ValidToken:      func(string) bool { return good.Load() },
	})
	h := newHarness(t, srv)
	cfg := h.cfg
	cfg.Password = ""
	cfg.OAuth.TokenCmd = tokenCommand(t)
	h.append("INBOX", h.mail(0))
	p, _ := h.stoppedPoller(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	st := waitStopped(t, p, "refused the OAuth access token", errc)
	if strings.Contains(st.LastError, "tok-") {
		t.Error("the error shows the token")
	}
	if got := srv.Tokens(); len(got) < 2 || got[0] != "tok-1" || got[1] != "tok-2" {
		t.Errorf("tokens presented first: %v, want tok-1, tok-2 (the cached one, then a fresh one)", got)
	}
	storetest.Eventually(t, 10*time.Second, "the token command run again on later attempts", func() bool {
		got := srv.Tokens()
		return len(got) >= 4 && !slices.Contains(got[:len(got)-1], got[len(got)-1])
	})
	good.Store(true)
	h.waitMessages(1, 10*time.Second)
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("Run returned %v on cancellation", err)
	}
}

func TestPollerTLSModes(t *testing.T) {
	cert, pool := selfSigned(t)
	serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}}
	for _, mode := range []string{mailin.TLSImplicit, mailin.TLSStartTLS} {
		t.Run(mode, func(t *testing.T) {
			srv := imaptest.StartMemory(t, imaptest.MemoryOptions{TLS: serverTLS, ImplicitTLS: mode == mailin.TLSImplicit})
			st, _ := storetest.New(t)
			cfg := mailin.IMAPConfig{Addr: srv.Addr(), TLS: mode, User: srv.User(), Password: srv.Password(), Mailbox: "INBOX", Poll: time.Second}
			// Appending needs a TLS client too.
			var c *imapclient.Client
			var err error
			opts := &imapclient.Options{TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}
			if mode == mailin.TLSImplicit {
				c, err = imapclient.DialTLS(srv.Addr(), opts)
			} else {
				c, err = imapclient.DialStartTLS(srv.Addr(), opts)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Login(srv.User(), srv.Password()).Wait(); err != nil {
				t.Fatal(err)
			}
			imaptest.Append(t, c, "INBOX", imaptest.Mail(1, imaptest.MailOptions{Run: "tls" + mode}), time.Time{})
			p := mailin.NewPoller(cfg, st, testPolicy(), testLogger(t),
				mailin.WithTLSConfig(&tls.Config{RootCAs: pool}), mailin.WithBackoff(20*time.Millisecond, 200*time.Millisecond))
			start(t, p)
			storetest.Eventually(t, 10*time.Second, "the message stored over TLS", func() bool { return p.Status().Fetched == 1 })

			// An unknown certificate is refused.
			p2 := mailin.NewPoller(cfg, st, testPolicy(), testLogger(t), mailin.WithBackoff(time.Hour, time.Hour))
			start(t, p2)
			storetest.Eventually(t, 10*time.Second, "the untrusted certificate refused", func() bool {
				return strings.Contains(p2.Status().LastError, "certificate")
			})
		})
	}
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2019),
		Subject:      pkix.Name{CommonName: "imap.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func TestPollerQuarantinesAndMovesOn(t *testing.T) {
	srv := imaptest.StartMemory(t, imaptest.MemoryOptions{})
	h := newHarness(t, srv)
	cfg := h.cfg
	cfg.MaxMessageBytes = 400 << 10
	big := imaptest.Mail(0, imaptest.MailOptions{Run: h.run, Attachment: 600 << 10})
	manyHeaders := []byte("From: a@example.org\r\nSubject: " + strings.Repeat("x", 300<<10) + "\r\n\r\nbody\r\n")
	h.append("INBOX", big, manyHeaders, h.mail(1))
	p := h.poller(cfg, nil)
	start(t, p)
	h.waitMessages(3, 10*time.Second)

	var rows []struct {
		UID    int64             `db:"uid"`
		Kind   store.MessageKind `db:"kind"`
		Reason string            `db:"kind_reason"`
		Size   int64             `db:"size"`
		From   string            `db:"from_email"`
		Name   string            `db:"from_name"`
		Subj   string            `db:"subject"`
	}
	if err := h.st.DB().Select(&rows, `SELECT uid, kind, kind_reason, size, from_email, from_name, subject FROM messages ORDER BY uid`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	if rows[0].Kind != store.MsgQuarantined || !strings.Contains(rows[0].Reason, "WSISBOT_MAX_MESSAGE_BYTES") || rows[0].Size >= int64(len(big)) {
		t.Errorf("oversized message: %+v (raw %d bytes)", rows[0], len(big))
	}
	// Its header is kept, and says who sent it and what about, decoded.
	if rows[0].From == "" || rows[0].Name == "" || rows[0].Subj == "" || strings.Contains(rows[0].Subj+rows[0].Name, "=?") {
		t.Errorf("oversized message without its sender and subject: from %q %q, subject %q", rows[0].Name, rows[0].From, rows[0].Subj)
	}
	if rows[1].Kind != store.MsgQuarantined || rows[1].Size != int64(len(manyHeaders)) {
		t.Errorf("oversized header: %+v", rows[1])
	}
	if rows[2].Kind != store.MsgContribution {
		t.Errorf("the message after them: %+v", rows[2])
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'slack_notice'`); n != 2 {
		t.Errorf("%d quarantine notices, want 2", n)
	}
}

// A message the server refuses to deliver holds up the mailbox for two sessions, then is
// recorded as unreadable (quarantined, visible, still on the server) and the rest flows.
func TestPollerRecordsAMessageTheServerKeepsRefusing(t *testing.T) {
	srv := imaptest.StartMemory(t, imaptest.MemoryOptions{RefuseBody: func(uid uint32) bool { return uid == 2 }})
	h := newHarness(t, srv)
	h.append("INBOX", h.mail(0), h.mail(1), h.mail(2))
	p := h.poller(h.cfg, nil)
	start(t, p)
	h.waitMessages(3, 10*time.Second)
	if r := p.Status().Reconnects; r < 2 {
		t.Errorf("%d reconnections before giving up on the message, want at least 2", r)
	}

	var rows []struct {
		UID    int64             `db:"uid"`
		Kind   store.MessageKind `db:"kind"`
		Reason string            `db:"kind_reason"`
	}
	if err := h.st.DB().Select(&rows, `SELECT uid, kind, kind_reason FROM messages ORDER BY uid`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Kind != store.MsgContribution || rows[2].Kind != store.MsgContribution {
		t.Fatalf("stored %+v, want uids 1 and 3 as contributions", rows)
	}
	if rows[1].UID != 2 || rows[1].Kind != store.MsgQuarantined || !strings.Contains(rows[1].Reason, "would not deliver") {
		t.Errorf("uid 2 stored as %+v, want quarantined as undeliverable", rows[1])
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'slack_notice'`); n != 1 {
		t.Errorf("%d quarantine notices, want 1", n)
	}
	// The mailbox moves on.
	h.append("INBOX", h.mail(3))
	h.waitMessages(4, 10*time.Second)
	if n := h.count(qContributions); n != 3 {
		t.Errorf("%d contributions, want 3", n)
	}
}

func TestPollerFirstContactImportsHistory(t *testing.T) {
	srv := imaptest.StartMemory(t, imaptest.MemoryOptions{})
	h := newHarness(t, srv)
	old := time.Now().Add(-72 * time.Hour)
	for i := range 3 {
		imaptest.Append(t, h.client, "INBOX", imaptest.Mail(i, imaptest.MailOptions{Run: h.run, Date: old}), old)
	}
	h.append("INBOX", h.mail(3))
	p := h.poller(h.cfg, nil)
	start(t, p)
	h.waitMessages(4, 10*time.Second)
	if n := h.count(`SELECT count(*) FROM contributions WHERE history`); n != 3 {
		t.Errorf("%d contributions marked history, want 3", n)
	}
	if n := h.count(qCards); n != 1 {
		t.Errorf("%d cards, want 1 (history gets none)", n)
	}
	if n := h.count(qAcks); n != 1 {
		t.Errorf("%d acknowledgements, want 1 (only the recent message)", n)
	}
}

func TestPollerStopsPromptly(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		srv := imaptest.StartMemory(t, imaptest.MemoryOptions{})
		h := newHarness(t, srv)
		p := h.poller(h.cfg, nil)
		stop := start(t, p)
		waitReady(t, p)
		began := time.Now()
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(began); d > time.Second {
			t.Errorf("Run took %s to return from IDLE", d)
		}
	})
	t.Run("backoff", func(t *testing.T) {
		st, _ := storetest.New(t)
		cfg := mailin.IMAPConfig{Addr: net.JoinHostPort("127.0.0.1", fmt.Sprint(imaptest.FreePort(t))), TLS: mailin.TLSNone,
			User: "u", Password: "p", Mailbox: "INBOX", Poll: time.Second}
		p := mailin.NewPoller(cfg, st, store.DefaultIngestPolicy(), testLogger(t), mailin.WithBackoff(time.Hour, time.Hour))
		stop := start(t, p)
		storetest.Eventually(t, 5*time.Second, "a refused connection", func() bool { return p.Status().Reconnects > 0 })
		began := time.Now()
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(began); d > time.Second {
			t.Errorf("Run took %s to return from its backoff", d)
		}
	})
}

func TestPollerRestartsIdle(t *testing.T) {
	srv := imaptest.StartMemory(t, imaptest.MemoryOptions{})
	h := newHarness(t, srv)
	p := h.poller(h.cfg, nil, mailin.WithIdleRestart(30*time.Millisecond))
	start(t, p)
	waitReady(t, p)
	first := p.Status().LastSuccessAt
	storetest.Eventually(t, 5*time.Second, "IDLE restarted and the mailbox checked again", func() bool {
		return p.Status().LastSuccessAt.Sub(first) > 100*time.Millisecond
	})
	h.append("INBOX", h.mail(0))
	h.waitMessages(1, 5*time.Second)
	if s := p.Status(); s.Reconnects != 0 || !s.Connected {
		t.Errorf("status %+v: restarting IDLE must not reconnect", s)
	}
}

// A message the server answers without its body is not skipped: the mail before it is
// stored and moved, the checkpoint stays below it and it stays in INBOX while the server
// is asked again on later connections; then it is recorded as unreadable (quarantined,
// with a notice), moved as stored, and the mail after it flows.
func TestPollerHoldsAMessageServedWithoutItsBody(t *testing.T) {
	for _, answer := range []struct {
		name   string
		a      imaptest.BodyAnswer
		reason string
	}{
		{"nil", imaptest.BodyNIL, "(NIL) body"},
		{"no-section", imaptest.BodyOmitted, "without its body"},
		{"no-response", imaptest.BodyUnanswered, "did not answer"},
	} {
		t.Run(answer.name, func(t *testing.T) {
			var asked atomic.Int32
			second := make(chan struct{})
			release := make(chan struct{})
			srv := imaptest.StartMemory(t, imaptest.MemoryOptions{NoBody: func(uid uint32) imaptest.BodyAnswer {
				if uid != 2 {
					return imaptest.BodySent
				}
				if asked.Add(1) == 2 {
					// Hold the second connection's answer while the test looks.
					close(second)
					<-release
				}
				return answer.a
			}})
			h := newHarness(t, srv)
			cfg := h.cfg
			cfg.Processed = "Processed"
			h.append("INBOX", h.mail(0), h.mail(1), h.mail(2))
			p := h.poller(cfg, nil)
			start(t, p)
			select {
			case <-second:
			case <-time.After(10 * time.Second):
				close(release)
				t.Fatal("the server was not asked for the message a second time")
			}
			if n := h.count(qMessages); n != 1 {
				t.Errorf("%d messages stored while the second one has no body, want 1 (the one before it)", n)
			}
			cp, err := h.st.SyncState(context.Background(), h.cfg.Key())
			if err != nil {
				t.Fatal(err)
			}
			if cp.LastUID != 1 {
				t.Errorf("checkpoint at uid %d while uid 2 is not stored, want 1", cp.LastUID)
			}
			if moved, _ := h.folder("Processed"); len(moved) != 1 {
				t.Errorf("%d messages in Processed, want 1 (the one stored)", len(moved))
			}
			inbox, _ := h.folder("INBOX")
			if !slices.ContainsFunc(inbox, func(m imaptest.MessageInfo) bool { return m.UID == 2 }) {
				t.Errorf("uid 2 left INBOX before it was stored: %+v", inbox)
			}
			close(release)

			h.waitMessages(3, 10*time.Second)
			var rows []struct {
				UID    int64             `db:"uid"`
				Kind   store.MessageKind `db:"kind"`
				Reason string            `db:"kind_reason"`
			}
			if err := h.st.DB().Select(&rows, `SELECT uid, kind, kind_reason FROM messages ORDER BY uid`); err != nil {
				t.Fatal(err)
			}
			if len(rows) != 3 || rows[0].Kind != store.MsgContribution || rows[2].Kind != store.MsgContribution {
				t.Fatalf("stored %+v, want uids 1 and 3 as contributions", rows)
			}
			if rows[1].UID != 2 || rows[1].Kind != store.MsgQuarantined || !strings.Contains(rows[1].Reason, "would not deliver") ||
				!strings.Contains(rows[1].Reason, answer.reason) {
				t.Errorf("uid 2 stored as %+v, want quarantined as undeliverable, %q", rows[1], answer.reason)
			}
			if n := asked.Load(); n != 3 {
				t.Errorf("the server was asked for uid 2 %d times, want 3", n)
			}
			if n := h.count(`SELECT count(*) FROM outbox WHERE kind = 'slack_notice'`); n != 1 {
				t.Errorf("%d quarantine notices, want 1", n)
			}
			h.waitMoved(3, srv.HasMove())
		})
	}
}

// A message expunged between the listing and the fetch is skipped without delay.
func TestPollerSkipsAMessageExpungedBeforeItsFetch(t *testing.T) {
	var h *harness
	var srv *imaptest.Memory
	var expunger *imapclient.Client
	var once sync.Once
	srv = imaptest.StartMemory(t, imaptest.MemoryOptions{NoBody: func(uid uint32) imaptest.BodyAnswer {
		if uid != 2 {
			return imaptest.BodySent
		}
		once.Do(func() {
			if _, err := expunger.Select("INBOX", nil).Wait(); err != nil {
				t.Error(err)
				return
			}
			set := imap.UIDSetNum(2)
			if err := expunger.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
				t.Error(err)
			}
			if err := expunger.UIDExpunge(set).Close(); err != nil {
				t.Error(err)
			}
		})
		return imaptest.BodyUnanswered
	}})
	h = newHarness(t, srv)
	expunger = imaptest.Dial(t, srv)
	h.append("INBOX", h.mail(0), h.mail(1), h.mail(2))
	p := h.poller(h.cfg, nil)
	start(t, p)
	h.waitMessages(2, 10*time.Second)
	storetest.Eventually(t, 5*time.Second, "checkpoint at uid 3", func() bool {
		cp, err := h.st.SyncState(context.Background(), h.cfg.Key())
		return err == nil && cp.LastUID == 3
	})
	if n := h.count(qMessages); n != 2 {
		t.Errorf("%d messages stored, want 2", n)
	}
	if r := p.Status().Reconnects; r != 0 {
		t.Errorf("%d reconnections for a message that left the mailbox, want 0", r)
	}
}

// TestPollerReportsTimesOnItsClock: the times in the status are the poller's clock's
// (WithClock), not the wall clock's, so that a watchdog comparing them with the same
// clock can tell how long the mailbox has gone unread.
func TestPollerReportsTimesOnItsClock(t *testing.T) {
	h := newHarness(t, imaptest.StartMemory(t, imaptest.MemoryOptions{}))
	clock := store.NewOffsetClock(time.Date(2019, 1, 21, 10, 0, 0, 0, time.UTC))
	pwFile := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(pwFile, []byte("wrong password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := h.cfg
	cfg.Password, cfg.PasswordFile = "", pwFile
	began := clock.Now()
	p := h.poller(cfg, nil, mailin.WithClock(clock), mailin.WithStoppedRetry(50*time.Millisecond))
	start(t, p)
	storetest.Eventually(t, 10*time.Second, "the refused login", func() bool { return p.Status().Stopped })
	onClock := func(what string, at time.Time) {
		t.Helper()
		if at.Before(began) || at.After(clock.Now()) {
			t.Errorf("%s = %s, want a time of the poller's clock, between %s and %s", what, at, began, clock.Now())
		}
	}
	onClock("LastErrorAt", p.Status().LastErrorAt)
	if err := os.WriteFile(pwFile, []byte(h.srv.Password()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	waitReady(t, p)
	onClock("LastSuccessAt", p.Status().LastSuccessAt)
}

// TestPollerSortsMailFromOurConfiguredAddressAsOurOwn: the policy from MailConfig names
// WSISBOT_FROM's address as ours, and the poller given that policy stores mail from it
// as our own: no contribution, no acknowledgement.
func TestPollerSortsMailFromOurConfiguredAddressAsOurOwn(t *testing.T) {
	mc := mailin.MailConfig{From: "Consultation Desk <Desk@consultation.example>", Ack: true, AckWindow: 24 * time.Hour, AckPerDay: 5}
	pol, err := mc.IngestPolicy(true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pol.OurAddresses, []string{"Desk@consultation.example"}) || !pol.Ack {
		t.Fatalf("policy = %+v", pol)
	}
	if off, _ := mc.IngestPolicy(false); off.Ack {
		t.Error("acknowledgements on with nothing to send them")
	}
	if _, err := (mailin.MailConfig{From: "nobody"}).IngestPolicy(true); err == nil || !strings.Contains(err.Error(), "WSISBOT_FROM") {
		t.Errorf("a bad WSISBOT_FROM gave %v", err)
	}

	h := newHarness(t, imaptest.StartMemory(t, imaptest.MemoryOptions{}))
	h.append("INBOX", []byte("From: Desk <desk@consultation.example>\r\nTo: desk@consultation.example\r\n"+
		"Subject: Note to self\r\nMessage-ID: <own-"+h.run+"@consultation.example>\r\nDate: Mon, 21 Jan 2019 10:00:00 +0100\r\n\r\nA note.\r\n"),
		h.mail(1))
	p := mailin.NewPoller(h.cfg, h.st, pol, testLogger(t), mailin.WithBackoff(20*time.Millisecond, 300*time.Millisecond))
	start(t, p)
	h.waitMessages(2, 10*time.Second)
	if n := h.count(`SELECT count(*) FROM messages WHERE direction = 'in' AND kind = $1`, store.MsgOwn); n != 1 {
		t.Errorf("%d messages stored as our own, want 1", n)
	}
	if n := h.count(qContributions); n != 1 {
		t.Errorf("%d contributions, want 1 (only the other sender's)", n)
	}
	if n := h.count(qAcks); n != 1 {
		t.Errorf("%d acknowledgements queued, want 1 (only the other sender's)", n)
	}
}

// syncRecorder is Metrics with SyncObserver: it records each sync's size and, when the
// sync ends, how many messages the store then held.
type syncRecorder struct {
	h     *harness
	mu    sync.Mutex
	syncs [][2]int // n, messages stored at the end
	open  int
}

func (r *syncRecorder) MessagesFetched(int) {}
func (r *syncRecorder) Reconnect()          {}
func (r *syncRecorder) SyncStarted(n int) func() {
	r.mu.Lock()
	r.open++
	r.mu.Unlock()
	return func() {
		stored := r.h.count(`SELECT count(*) FROM messages`)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.open--
		r.syncs = append(r.syncs, [2]int{n, stored})
	}
}

// TestPollerTellsWhenASyncStartsAndEnds: a poller whose metrics observe syncs says how
// many new messages each sync takes and ends it once they are all stored, once.
func TestPollerTellsWhenASyncStartsAndEnds(t *testing.T) {
	h := newHarness(t, imaptest.StartMemory(t, imaptest.MemoryOptions{}))
	const n = 250
	raws := make([][]byte, n)
	for i := range raws {
		raws[i] = h.mail(i)
	}
	h.append("INBOX", raws...)
	rec := &syncRecorder{h: h}
	p := h.poller(h.cfg, nil, mailin.WithMetrics(rec))
	start(t, p)
	storetest.Eventually(t, 60*time.Second, "a sync ended", func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return len(rec.syncs) > 0
	})
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if got := rec.syncs[0]; got != [2]int{n, n} {
		t.Errorf("first sync: %d messages, %d stored when it ended; want %d, %d", got[0], got[1], n, n)
	}
	if rec.open != 0 {
		t.Errorf("%d syncs not ended", rec.open)
	}
}
