package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/wsis/wsisbot/bot"
	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/store/storetest"
)

// lockedBuffer is a log destination shared by the app's goroutines and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// count counts the log lines that contain every one of parts.
func (l *lockedBuffer) count(parts ...string) int {
	n := 0
	for _, line := range strings.Split(l.String(), "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all && line != "" {
			n++
		}
	}
	return n
}

// liveServe is `wsisbot serve` run in-process against the in-memory IMAP server, a
// fresh database and, when slack is set, the Slack stand-in, with intake timings short
// enough for a test.
type liveServe struct {
	t     *testing.T
	a     *app
	base  string
	imap  *imaptest.Memory
	db    *sqlx.DB
	slack *slacktest.Server
	logs  *lockedBuffer
	done  chan error
	stop  context.CancelFunc
	run   string
}

const liveChannel = "C0LIVENESS"

func startLiveServe(t *testing.T, env map[string]string, slack bool) *liveServe {
	t.Helper()
	return startLiveServeWith(t, imaptest.MemoryOptions{}, env, slack)
}

// startLiveServeWith is startLiveServe with an IMAP server made with opts.
func startLiveServeWith(t *testing.T, opts imaptest.MemoryOptions, env map[string]string, slack bool) *liveServe {
	t.Helper()
	srv := imaptest.StartMemory(t, opts)
	dbURL := storetest.NewURL(t)
	db, err := sqlx.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := &liveServe{t: t, imap: srv, db: db, logs: &lockedBuffer{}, done: make(chan error, 1), run: randomName("live")}
	full := map[string]string{
		"DATABASE_URL": dbURL, "WSISBOT_HTTP_ADDR": "127.0.0.1:0", "WSISBOT_HEALTH_ADDR": "127.0.0.1:0", "WSISBOT_LOG_LEVEL": "info",
		"WSISBOT_IMAP_ADDR": srv.Addr(), "WSISBOT_IMAP_TLS": "none", "WSISBOT_IMAP_USER": srv.User(),
		"WSISBOT_IMAP_PASSWORD": srv.Password(),
	}
	if slack {
		s.slack = slacktest.New(slacktest.Options{Token: "xoxb-liveness"})
		hs := httptest.NewServer(s.slack)
		t.Cleanup(hs.Close)
		full["SLACK_BOT_TOKEN"], full["SLACK_API_URL"], full["WSISBOT_SLACK_CHANNEL"] = "xoxb-liveness", hs.URL+"/", liveChannel
		full["SLACK_SIGNING_SECRET"], full["WSISBOT_DIGEST_HOUR"] = "liveness", "-1"
	}
	for k, v := range env {
		if v == "" {
			delete(full, k)
		} else {
			full[k] = v
		}
	}
	cfg := testConfig(t, full)
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	logger := slog.New(slog.NewJSONHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	opt := appOptions{lockRetry: 100 * time.Millisecond, heartbeat: 200 * time.Millisecond, stoppedRetry: 200 * time.Millisecond, smtpAuthRetry: 200 * time.Millisecond,
		intakeRestart: 100 * time.Millisecond,
		botOptions:    []bot.Option{bot.WithSchedulerInterval(100 * time.Millisecond), bot.WithOutboxPoll(50 * time.Millisecond)}}
	a, err := openApp(ctx, cfg, logger, opt)
	if err != nil {
		t.Fatal(err)
	}
	s.a = a
	go func() { s.done <- a.run(ctx, opt.lockRetry) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-s.done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
		if t.Failed() {
			t.Logf("serve logs:\n%s", tail(s.logs.String(), 60))
		}
	})
	select {
	case <-a.listening:
	case <-time.After(10 * time.Second):
		t.Fatal("not listening")
	}
	s.base = "http://" + a.healthAddr
	return s
}

// readyz returns /readyz's status and checks.
func (s *liveServe) readyz() (int, map[string]string) {
	s.t.Helper()
	code, body := get(s.t, s.base+"/readyz")
	var checks map[string]string
	if err := json.Unmarshal([]byte(body), &checks); err != nil {
		s.t.Fatalf("/readyz: %d %q: %v", code, body, err)
	}
	return code, checks
}

// waitReady waits until /readyz answers code with an imap check containing every part.
func (s *liveServe) waitReady(timeout time.Duration, code int, parts ...string) map[string]string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		c, checks := s.readyz()
		ok := c == code
		for _, p := range parts {
			ok = ok && strings.Contains(checks["imap"], p)
		}
		if ok {
			return checks
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("/readyz after %s: %d %v; want %d with imap containing %q", timeout, c, checks, code, parts)
		}
		s.checkRunning()
		time.Sleep(50 * time.Millisecond)
	}
}

// checkRunning fails the test if serve has returned.
func (s *liveServe) checkRunning() {
	s.t.Helper()
	select {
	case err := <-s.done:
		s.done <- err
		s.t.Fatalf("serve returned %v while it must keep running", err)
	default:
	}
}

// deliver appends message i to mailbox on the IMAP server.
func (s *liveServe) deliver(mailbox string, i int) {
	s.t.Helper()
	c := imaptest.Dial(s.t, s.imap)
	imaptest.Append(s.t, c, mailbox, imaptest.Mail(i, imaptest.MailOptions{Run: s.run}), time.Time{})
}

func (s *liveServe) stored() int {
	s.t.Helper()
	var n int
	if err := s.db.Get(&n, `SELECT count(*) FROM messages WHERE direction = 'in'`); err != nil {
		s.t.Fatal(err)
	}
	return n
}

func (s *liveServe) waitStored(n int, timeout time.Duration) {
	s.t.Helper()
	storetest.Eventually(s.t, timeout, fmt.Sprintf("%d messages stored", n), func() bool { return s.stored() >= n })
}

// posts returns the channel's top-level messages containing text.
func (s *liveServe) posts(text string) []string {
	var out []string
	for _, m := range s.slack.Messages(liveChannel) {
		if all := m.Text + string(m.Blocks); m.ThreadTS == "" && !m.Ephemeral && strings.Contains(all, text) {
			out = append(out, all)
		}
	}
	return out
}

// waitPosts waits until exactly n posts contain text, then checks that no more come over
// several watchdog passes.
func (s *liveServe) waitPosts(text string, n int, timeout time.Duration) []string {
	s.t.Helper()
	storetest.Eventually(s.t, timeout, fmt.Sprintf("%d posts containing %q", n, text), func() bool { return len(s.posts(text)) >= n })
	time.Sleep(time.Second) // ten scheduler passes: nothing more may come
	got := s.posts(text)
	if len(got) != n {
		s.t.Fatalf("%d posts containing %q, want %d:\n%s", len(got), text, n, strings.Join(got, "\n"))
	}
	return got
}

const (
	alertText   = "Watchdog:* the mailbox cannot be reached"
	clearedText = "Watchdog:* the mailbox is read again"
)

// TestServeIntakeTakesTheLockAgainAfterItsConnectionDies kills, from the server side,
// the database connection that holds the mailbox lock while serve runs: the intake takes
// the lock again and goes on storing mail, and /readyz says so.
func TestServeIntakeTakesTheLockAgainAfterItsConnectionDies(t *testing.T) {
	s := startLiveServe(t, nil, false)
	s.deliver("INBOX", 0)
	s.waitStored(1, 15*time.Second)
	s.waitReady(10*time.Second, 200, "ok")

	const holders = `SELECT pid FROM pg_locks
		WHERE locktype = 'advisory' AND granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`
	lockKey := "wsisbot:mailbox:" + s.a.intake.key
	var pids []int
	if err := s.db.Select(&pids, holders, lockKey); err != nil || len(pids) != 1 {
		t.Fatalf("mailbox lock holders: %v, %v; want one", pids, err)
	}
	if _, err := s.db.Exec(`SELECT pg_terminate_backend($1)`, pids[0]); err != nil {
		t.Fatal(err)
	}
	storetest.Eventually(t, 10*time.Second, "the mailbox lock held again by a new connection", func() bool {
		var now []int
		return s.db.Select(&now, holders, lockKey) == nil && len(now) == 1 && now[0] != pids[0]
	})
	s.deliver("INBOX", 1)
	s.waitStored(2, 15*time.Second)
	s.waitReady(10*time.Second, 200, "ok")
	if n := s.logs.count("the mailbox lock was lost"); n != 1 {
		t.Errorf("the lost lock was logged %d times, want once", n)
	}
}

// TestServeBadPasswordStaysUpAlertsOnceAndRecovers starts serve with a wrong password in
// WSISBOT_IMAP_PASSWORD_FILE: serve keeps running, /readyz names the refused login, the
// watchdog posts one alert after WSISBOT_WATCH_MAILBOX_AFTER; once the file holds the
// right password the intake reads the mailbox, /readyz is ready and one "cleared" follows.
func TestServeBadPasswordStaysUpAlertsOnceAndRecovers(t *testing.T) {
	pwFile := filepath.Join(t.TempDir(), "imap-password")
	if err := os.WriteFile(pwFile, []byte("not the password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startLiveServe(t, map[string]string{"WSISBOT_IMAP_PASSWORD": "", "WSISBOT_IMAP_PASSWORD_FILE": pwFile,
		"WSISBOT_WATCH_MAILBOX_AFTER": "2s"}, true)
	began := time.Now()
	s.deliver("INBOX", 0)
	checks := s.waitReady(10*time.Second, 503, "stopped: ", "authentication failed", "retrying every 200ms")
	// Our summary, never the server's own text.
	if want := "stopped: authentication failed (retrying every 200ms)"; checks["imap"] != want {
		t.Errorf("/readyz imap = %q, want %q", checks["imap"], want)
	}
	alerts := s.waitPosts(alertText, 1, 15*time.Second)
	t.Logf("alerted %s after start", time.Since(began).Round(100*time.Millisecond))
	if !strings.Contains(alerts[0], "authentication failed") {
		t.Errorf("the alert does not name the refused login:\n%s", alerts[0])
	}
	s.checkRunning()
	if n := s.logs.count(`"level":"ERROR"`, "the intake is stopped"); n != 1 {
		t.Errorf("the stopped intake was logged %d times at error level, want once", n)
	}
	if s.stored() != 0 {
		t.Fatal("mail stored with a refused password")
	}

	if err := os.WriteFile(pwFile, []byte(s.imap.Password()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.waitStored(1, 15*time.Second)
	s.waitReady(10*time.Second, 200, "ok")
	s.waitPosts(clearedText, 1, 15*time.Second)
	if n := len(s.posts(alertText)); n != 1 {
		t.Errorf("%d alerts in all, want 1", n)
	}
}

// TestServeMissingMailboxStaysUpAndRetries: a mailbox that does not exist keeps the
// intake stopped, not the process; once it exists, its mail is read.
func TestServeMissingMailboxStaysUpAndRetries(t *testing.T) {
	s := startLiveServe(t, map[string]string{"WSISBOT_IMAP_MAILBOX": "Consultation"}, false)
	s.waitReady(10*time.Second, 503, `stopped: mailbox "Consultation" does not exist (retrying every 200ms)`)
	r0 := s.a.poller.Status().Reconnects
	storetest.Eventually(t, 10*time.Second, "more attempts", func() bool { return s.a.poller.Status().Reconnects >= r0+3 })
	s.checkRunning()
	c := imaptest.Dial(t, s.imap)
	if err := c.Create("Consultation", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	s.deliver("Consultation", 0)
	s.waitStored(1, 15*time.Second)
	s.waitReady(10*time.Second, 200, "ok")
}

// TestServeStandbyWhileNobodyReadsTheMailbox: another holder of the mailbox lock that
// never says it reads the mailbox (hung, or gone without freeing the lock) leaves this
// replica in standby; its /readyz says nobody reads the mailbox and its watchdog alerts
// once; when the lock is free, this replica reads the mailbox and one "cleared" follows.
func TestServeStandbyWhileNobodyReadsTheMailbox(t *testing.T) {
	s := startLiveServe(t, map[string]string{"WSISBOT_WATCH_MAILBOX_AFTER": "2s"}, true)
	// The test takes the mailbox lock on a connection of its own, ending serve's lock
	// connection if serve holds it already, and keeps it without writing a heartbeat.
	ctx := context.Background()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	lockKey := "wsisbot:mailbox:" + s.a.intake.key
	storetest.Eventually(t, 10*time.Second, "the test holding the mailbox lock", func() bool {
		var got bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, lockKey).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if !got {
			// serve holds it: make it lose it, and take it first.
			_, _ = s.db.Exec(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted
				AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
				AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`, lockKey)
		}
		return got
	})
	s.waitReady(10*time.Second, 503, "no replica reads the mailbox")
	s.waitPosts(alertText, 1, 15*time.Second)
	s.checkRunning()

	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, lockKey); err != nil {
		t.Fatal(err)
	}
	s.deliver("INBOX", 0)
	s.waitStored(1, 15*time.Second)
	s.waitReady(10*time.Second, 200, "ok")
	s.waitPosts(clearedText, 1, 15*time.Second)
	if n := len(s.posts(alertText)); n != 1 {
		t.Errorf("%d alerts in all, want 1", n)
	}
}

// TestServeTokenCommandSecretsStayOut: a failing WSISBOT_IMAP_TOKEN_CMD whose arguments
// and error output hold secrets. /readyz, the watchdog's alert in Slack and every log
// line say that the command failed and its exit status, never its arguments nor what it
// wrote; `wsisbot config` masks the command.
func TestServeTokenCommandSecretsStayOut(t *testing.T) {
	const argSecret, stderrSecret = "client-secret-in-args", "refresh-token-on-stderr"
	cmd := "echo " + stderrSecret + " >&2; exit 3; --client_secret=" + argSecret
	env := map[string]string{"WSISBOT_IMAP_PASSWORD": "", "WSISBOT_IMAP_TOKEN_CMD": cmd, "WSISBOT_WATCH_MAILBOX_AFTER": "2s",
		"WSISBOT_LOG_LEVEL": "debug"}
	s := startLiveServeWith(t, imaptest.MemoryOptions{OAuthMechanisms: []string{"XOAUTH2"}, ValidToken: func(string) bool { return false }}, env, true)
	checks := s.waitReady(10*time.Second, 503, "token command: failed with exit status 3")
	alerts := s.waitPosts("OAuth access tokens fail", 1, 15*time.Second)
	var out, errw bytes.Buffer
	full := map[string]string{"WSISBOT_IMAP_ADDR": "127.0.0.1:1", "WSISBOT_IMAP_TLS": "none", "WSISBOT_IMAP_USER": "u", "WSISBOT_IMAP_TOKEN_CMD": cmd}
	if err := run([]string{"config"}, &out, &errw, func(k string) string { return full[k] }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "WSISBOT_IMAP_TOKEN_CMD=********") {
		t.Errorf("wsisbot config does not mask the token command:\n%s", out.String())
	}
	for what, text := range map[string]string{"/readyz": checks["imap"], "the alert": strings.Join(alerts, "\n"), "the log": s.logs.String(),
		"wsisbot config": out.String() + errw.String()} {
		for _, secret := range []string{argSecret, stderrSecret} {
			if strings.Contains(text, secret) {
				t.Errorf("%s shows %q:\n%s", what, secret, tail(text, 20))
			}
		}
	}
	if !strings.Contains(s.logs.String(), "token command: failed with exit status 3") {
		t.Errorf("the log does not say the token command failed:\n%s", tail(s.logs.String(), 20))
	}
}
