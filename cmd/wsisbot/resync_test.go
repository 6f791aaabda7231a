package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/store/storetest"
)

// ackCapture is the mail sender of a test serve: it records who got which message.
type ackCapture struct {
	mu   sync.Mutex
	sent map[string]int // lower(recipient) → messages sent
}

func (c *ackCapture) Send(_ context.Context, _ string, to []string, _ []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range to {
		c.sent[strings.ToLower(a)]++
	}
	return nil
}

func (c *ackCapture) count(addr string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent[addr]
}

func (c *ackCapture) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent = map[string]int{}
}

// restoreWorld is a deployment with a processed folder: one database, the in-memory IMAP
// server (with MOVE), and serve's acknowledgements captured.
type restoreWorld struct {
	t     *testing.T
	dbURL string
	db    *sqlx.DB
	imap  imaptest.Server
	env   map[string]string
	acks  *ackCapture
}

// newRestoreWorld starts the IMAP server srv makes (the in-memory one when nil).
func newRestoreWorld(t *testing.T, srv func(testing.TB) imaptest.Server) *restoreWorld {
	t.Helper()
	if srv == nil {
		srv = func(t testing.TB) imaptest.Server { return imaptest.StartMemory(t, imaptest.MemoryOptions{}) }
	}
	w := &restoreWorld{t: t, dbURL: storetest.NewURL(t), imap: srv(t), acks: &ackCapture{sent: map[string]int{}}}
	w.env = map[string]string{
		"DATABASE_URL": w.dbURL, "WSISBOT_HTTP_ADDR": "127.0.0.1:0", "WSISBOT_HEALTH_ADDR": "127.0.0.1:0", "WSISBOT_LOG_LEVEL": "warn",
		"WSISBOT_IMAP_ADDR": w.imap.Addr(), "WSISBOT_IMAP_TLS": "none",
		"WSISBOT_IMAP_USER": w.imap.User(), "WSISBOT_IMAP_PASSWORD": w.imap.Password(),
		"WSISBOT_IMAP_PROCESSED": "Processed",
		// serve sends through the capture; resync only needs to know that mail goes out.
		"WSISBOT_SMTP_ADDR": "127.0.0.1:1", "WSISBOT_SMTP_TLS": "none",
	}
	w.openDB()
	return w
}

func (w *restoreWorld) openDB() {
	db, err := sqlx.Open("postgres", w.dbURL)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { db.Close() })
	w.db = db
}

// patience bounds each wait of these tests. It is long: on a loaded machine the poller
// idling on Dovecot has taken more than 15 seconds to store new mail (Dovecot checks an
// idle mailbox every 30 seconds when no change notification reaches it).
const patience = 60 * time.Second

// serving is a running `wsisbot serve`.
type serving struct {
	a      *app
	cancel context.CancelFunc
	done   chan error
}

// serve starts `wsisbot serve` and returns once the poller has checked the mailbox.
func (w *restoreWorld) serve() *serving {
	w.t.Helper()
	cfg := testConfig(w.t, w.env)
	ctx, cancel := context.WithCancel(context.Background())
	// serve's log shows in the test's output when the test fails.
	a, err := openApp(ctx, cfg, slog.New(slog.NewTextHandler(w.t.Output(), nil)), appOptions{mailSender: w.acks, lockRetry: 50 * time.Millisecond})
	if err != nil {
		cancel()
		w.t.Fatal(err)
	}
	s := &serving{a: a, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- a.run(ctx, 50*time.Millisecond) }()
	w.t.Cleanup(func() { s.stop(w.t) })
	storetest.Eventually(w.t, patience, "the poller's first check of the mailbox", func() bool {
		return !a.poller.Status().LastSuccessAt.IsZero()
	})
	return s
}

func (s *serving) stop(t *testing.T) {
	t.Helper()
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// resync runs `wsisbot resync ARGS` and returns what it printed.
func (w *restoreWorld) resync(args ...string) (string, error) {
	var out, errs bytes.Buffer
	err := run(append([]string{"resync"}, args...), &out, &errs, func(k string) string { return w.env[k] })
	if errs.Len() > 0 {
		w.t.Logf("resync %v: %s", args, errs.String())
	}
	return out.String(), err
}

func (w *restoreWorld) mustResync(args ...string) string {
	w.t.Helper()
	out, err := w.resync(args...)
	if err != nil {
		w.t.Fatalf("resync %v: %v\n%s", args, err, out)
	}
	return out
}

// testMail is one message of the scenario.
type testMail struct {
	from, subject, messageID string // messageID "" : the message has none
	received                 time.Time
}

func (m testMail) raw() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: Delegate <%s>\r\nTo: wsis-info@itu.int\r\nSubject: %s\r\n", m.from, m.subject)
	if m.messageID != "" {
		fmt.Fprintf(&b, "Message-ID: <%s>\r\n", m.messageID)
	}
	fmt.Fprintf(&b, "Date: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Dear Secretariat,\r\nplease find our contribution on %s.\r\nBest regards\r\n", m.received.Format(time.RFC1123Z), m.subject)
	return []byte(b.String())
}

// deliver appends mail to INBOX, then waits until serve has stored it (want messages in
// all) and moved it, and until its acknowledgements are sent.
func (w *restoreWorld) deliver(want int, mails ...testMail) {
	w.t.Helper()
	c := imaptest.Dial(w.t, w.imap)
	for _, m := range mails {
		imaptest.Append(w.t, c, "INBOX", m.raw(), m.received)
	}
	deadline := time.Now().Add(patience)
	for {
		inbox, _ := imaptest.Messages(w.t, c, "INBOX", false)
		processed, _ := imaptest.Messages(w.t, c, "Processed", false)
		stored := w.count(`SELECT count(*) FROM messages WHERE direction = 'in'`)
		pending := w.count(`SELECT count(*) FROM outbox WHERE kind = 'ack_email' AND done_at IS NULL`)
		if stored == want && len(inbox) == 0 && len(processed) == want && pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("timed out waiting for %d messages stored, moved and acknowledged: %d stored, INBOX %v, Processed %d, %d acknowledgements pending",
				want, stored, summary(inbox), len(processed), pending)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (w *restoreWorld) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.db.Get(&n, query, args...); err != nil {
		w.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (w *restoreWorld) inboxCheckpoint() int64 {
	w.t.Helper()
	var n int64
	if err := w.db.Get(&n, `SELECT last_uid FROM sync_state WHERE mailbox LIKE '%/INBOX'`); err != nil {
		w.t.Fatalf("INBOX checkpoint: %v", err)
	}
	return n
}

// backup takes a `pg_dump -Fc` of the database (the tools match the server here).
func (w *restoreWorld) backup() string {
	w.t.Helper()
	file := filepath.Join(w.t.TempDir(), "wsisbot.dump")
	if out, err := exec.Command("pg_dump", "-Fc", "-f", file, w.dbURL).CombinedOutput(); err != nil {
		w.t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	return file
}

// restore drops the database, creates it empty and loads the dump with pg_restore, as
// the README says.
func (w *restoreWorld) restore(dump string) {
	w.t.Helper()
	w.db.Close()
	u, err := url.Parse(w.dbURL)
	if err != nil {
		w.t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	admin, err := sql.Open("postgres", storetest.ServerURL())
	if err != nil {
		w.t.Fatal(err)
	}
	defer admin.Close()
	for _, q := range []string{`DROP DATABASE ` + name + ` WITH (FORCE)`, `CREATE DATABASE ` + name + ` TEMPLATE template0`} {
		if _, err := admin.Exec(q); err != nil {
			w.t.Fatalf("%s: %v", q, err)
		}
	}
	if out, err := exec.Command("pg_restore", "--no-owner", "-d", w.dbURL, dump).CombinedOutput(); err != nil {
		w.t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	w.openDB()
}

// contribution is what the test checks of each stored contribution.
type contribution struct {
	Subject string `db:"subject"`
	Msgs    int    `db:"msgs"`
	Cards   int    `db:"cards"`
	Acks    int    `db:"acks"`
}

func (w *restoreWorld) contributions() []contribution {
	w.t.Helper()
	var cs []contribution
	err := w.db.Select(&cs, `SELECT c.subject,
			(SELECT count(*) FROM messages m WHERE m.contribution_id = c.id AND m.direction = 'in') AS msgs,
			(SELECT count(*) FROM outbox o WHERE o.contribution_id = c.id AND o.kind = 'slack_card') AS cards,
			(SELECT count(*) FROM outbox o WHERE o.contribution_id = c.id AND o.kind = 'ack_email') AS acks
		FROM contributions c ORDER BY c.subject COLLATE "C"`)
	if err != nil {
		w.t.Fatal(err)
	}
	return cs
}

// processed lists the processed folder: UIDs, flags and bytes.
func (w *restoreWorld) processed() []imaptest.MessageInfo {
	w.t.Helper()
	msgs, ok := imaptest.Messages(w.t, imaptest.Dial(w.t, w.imap), "Processed", true)
	if !ok {
		w.t.Fatal("no Processed folder")
	}
	return msgs
}

func mustContain(t *testing.T, out string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(out, l) {
			t.Errorf("output lacks %q:\n%s", l, out)
		}
	}
}

// TestRestoreThenResync follows the README's backup and restore procedure with a
// processed folder. Mail stored after the backup was moved out of INBOX: restoring and
// starting wsisbot alone loses it; `wsisbot resync --folder Processed --since DATE`
// (and without --since, the whole folder) brings it back, each message stored exactly
// once, with one card per contribution and one acknowledgement for mail inside the
// window, none sent twice, and leaves the folder and the INBOX checkpoint as they were.
// Messages with and without a Message-ID, stored before and after the backup, are
// covered. The snapshot is a real `pg_dump -Fc` restored with pg_restore. It runs
// against the in-memory server and Dovecot (both with MOVE; without MOVE and UIDPLUS the
// moved mail stays in INBOX, flagged \Deleted, and the poller reads it again itself).
func TestRestoreThenResync(t *testing.T) {
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Fatal("pg_dump and pg_restore are needed (apt-get install postgresql-client)")
	}
	for _, k := range imaptest.Kinds() {
		if !strings.Contains(k.Name, "rev1") {
			t.Run(k.Name, func(t *testing.T) { testRestoreThenResync(t, newRestoreWorld(t, k.Start)) })
		}
	}
}

func testRestoreThenResync(t *testing.T, w *restoreWorld) {
	now := time.Now()
	old := testMail{from: "old@gov.example", subject: "Contribution from last month", messageID: "old.1@gov.example", received: now.AddDate(0, 0, -10)}
	m1 := testMail{from: "one@gov.example", subject: "Contribution one", messageID: "one.1@gov.example", received: now}
	m2 := testMail{from: "two@ngo.example", subject: "Contribution two, no Message-ID", received: now}
	m3 := testMail{from: "three@univ.example", subject: "Contribution three", messageID: "three.1@univ.example", received: now}
	m4 := testMail{from: "four@company.example", subject: "Contribution four, no Message-ID", received: now}
	// Filed into INBOX by hand after the backup, keeping the date it first arrived.
	m5 := testMail{from: "five@gov.example", subject: "Contribution five, filed late", messageID: "five.1@gov.example", received: now.AddDate(0, 0, -7)}
	want := []contribution{
		{Subject: old.subject, Msgs: 1, Cards: 0, Acks: 0}, // history: outside the acknowledgement window, no card
		{Subject: m1.subject, Msgs: 1, Cards: 1, Acks: 1},
		{Subject: m3.subject, Msgs: 1, Cards: 1, Acks: 1},
		{Subject: m4.subject, Msgs: 1, Cards: 1, Acks: 1},
		{Subject: m2.subject, Msgs: 1, Cards: 1, Acks: 1},
		{Subject: m5.subject, Msgs: 1, Cards: 0, Acks: 0}, // history too
	}
	slices.SortFunc(want, func(a, b contribution) int { return strings.Compare(a.Subject, b.Subject) })

	// Before the backup: three messages stored, acknowledged and moved to Processed.
	first := w.serve()
	w.deliver(3, old, m1, m2)
	dump := w.backup()
	backupDay := time.Now().UTC().Format(time.DateOnly)
	// After it: three more, then the database is lost.
	w.deliver(6, m3, m4, m5)
	first.stop(t)
	before := w.processed()
	if len(before) != 6 {
		t.Fatalf("Processed holds %d messages, want 6", len(before))
	}

	// The old procedure: restore the dump and start wsisbot. The mail stored since the
	// backup is in Processed, beyond the poller's reach: it stays missing.
	w.restore(dump)
	w.acks.reset()
	second := w.serve()
	if n := w.count(`SELECT count(*) FROM messages WHERE direction = 'in'`); n != 3 {
		t.Fatalf("after restore and serve: %d messages stored, want the 3 of the backup", n)
	}
	for _, m := range []testMail{m3, m4, m5} {
		if n := w.count(`SELECT count(*) FROM contributions WHERE subject = $1`, m.subject); n != 0 {
			t.Fatalf("%q came back without resync", m.subject)
		}
	}
	checkpoint := w.inboxCheckpoint()

	// The README's procedure goes on: resync the processed folder since the backup day,
	// while serve runs. A dry run first: it lists and stores nothing.
	out := w.mustResync("--folder", "Processed", "--since", backupDay, "--dry-run")
	mustContain(t, out, "4 messages would be read", "nothing was stored", m1.subject, m4.subject, "<"+m3.messageID+">")
	if strings.Contains(out, old.subject) || strings.Contains(out, m5.subject) {
		t.Errorf("the dry run lists mail received before --since:\n%s", out)
	}
	if n := w.count(`SELECT count(*) FROM messages WHERE direction = 'in'`); n != 3 {
		t.Fatalf("the dry run stored mail: %d messages", n)
	}

	out = w.mustResync("--folder", "Processed", "--since", backupDay)
	mustContain(t, out, "read: 4\n", "already stored: 2\n", "new contributions: 2 (acknowledgements queued: 2)\n", "quarantined: 0\n")
	// --since goes by the date mail reached the mailbox: the mail filed late is older.
	// Without --since the whole folder is read, and it comes back too, as history: no
	// acknowledgement.
	if n := w.count(`SELECT count(*) FROM contributions WHERE subject = $1`, m5.subject); n != 0 {
		t.Fatalf("%q, received before --since, was read", m5.subject)
	}
	out = w.mustResync()
	mustContain(t, out, `folder "Processed"`, "the whole folder: 6 messages", "read: 6\n", "already stored: 5\n",
		"new contributions: 1 (acknowledgements queued: 0)\n")
	if got := w.contributions(); !slices.Equal(got, want) {
		t.Fatalf("after resync, contributions (subject, messages, cards, acknowledgements):\n got %v\nwant %v", got, want)
	}
	if n := w.count(`SELECT count(*) FROM messages WHERE direction = 'in'`); n != 6 {
		t.Fatalf("%d messages stored, want 6", n)
	}
	// Acknowledgements: the ones the backup held as sent are not sent again; the mail
	// new to the restored database is acknowledged by serve.
	storetest.Eventually(t, patience, "the new acknowledgements sent", func() bool {
		return w.acks.count("three@univ.example") == 1 && w.acks.count("four@company.example") == 1
	})
	for _, addr := range []string{"old@gov.example", "one@gov.example", "two@ngo.example", "five@gov.example"} {
		if n := w.acks.count(addr); n != 0 {
			t.Errorf("%s was acknowledged %d more times after the restore", addr, n)
		}
	}
	// The folder is untouched (same messages, bytes and flags: nothing \Seen, nothing
	// moved), and the poller's checkpoint of INBOX did not move.
	if after := w.processed(); !sameMessages(before, after) {
		t.Errorf("resync changed the Processed folder:\nbefore %v\nafter  %v", summary(before), summary(after))
	}
	if cp := w.inboxCheckpoint(); cp != checkpoint {
		t.Errorf("resync moved the INBOX checkpoint from %d to %d", checkpoint, cp)
	}

	// Again: nothing new.
	out = w.mustResync("--since", backupDay) // --folder defaults to WSISBOT_IMAP_PROCESSED
	mustContain(t, out, `folder "Processed"`, "read: 4\n", "already stored: 4\n", "new contributions: 0 (acknowledgements queued: 0)\n")
	out = w.mustResync()
	mustContain(t, out, "read: 6\n", "already stored: 6\n", "new contributions: 0 (acknowledgements queued: 0)\n")
	if got := w.contributions(); !slices.Equal(got, want) {
		t.Fatalf("after a second resync:\n got %v\nwant %v", got, want)
	}
	if n := w.count(`SELECT count(*) FROM messages WHERE direction = 'in'`); n != 6 {
		t.Fatalf("after a second resync: %d messages stored, want 6", n)
	}
	second.stop(t)

	// Restored once more, and two resyncs run at once beside serve. A lock on the
	// messages table holds both after they looked up what the store holds and before
	// either wrote: both find the mail new, and the store's unique keys (position,
	// Message-ID, content hash) alone keep every message once: the one that loses the
	// race stores its batch again and skips what the other stored.
	w.restore(dump)
	w.serve()
	hold, err := w.db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Rollback() //nolint:errcheck
	if _, err := hold.Exec(`LOCK TABLE messages IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	outs := make([]string, 2)
	errs := make([]error, 2)
	for i := range outs {
		wg.Go(func() { outs[i], errs[i] = w.resync() })
	}
	storetest.Eventually(t, patience, "both resyncs waiting to write", func() bool {
		return w.count(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) >= 2
	})
	if err := hold.Commit(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	news := 0
	for i := range outs {
		if errs[i] != nil {
			t.Fatalf("concurrent resync %d: %v\n%s", i, errs[i], outs[i])
		}
		if strings.Contains(outs[i], "new contributions: 3 ") {
			news++
		}
	}
	if news != 1 {
		t.Errorf("two resyncs at once: want one to store the 3 new contributions:\n%s\n%s", outs[0], outs[1])
	}
	if got := w.contributions(); !slices.Equal(got, want) {
		t.Fatalf("after two resyncs at once:\n got %v\nwant %v\n%s\n%s", got, want, outs[0], outs[1])
	}
	if n := w.count(`SELECT count(*) FROM messages WHERE direction = 'in'`); n != 6 {
		t.Fatalf("after two resyncs at once: %d messages stored, want 6", n)
	}
}

// TestResyncNoAck: with --no-ack, mail new to the database is stored and carded but
// not acknowledged; without it, mail inside the window is.
func TestResyncNoAck(t *testing.T) {
	w := newRestoreWorld(t, nil)
	c := imaptest.Dial(t, w.imap)
	if err := c.Create("Processed", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	quiet := testMail{from: "quiet@gov.example", subject: "Contribution read with --no-ack", messageID: "quiet.1@gov.example", received: now}
	imaptest.Append(t, c, "Processed", quiet.raw(), now)
	out := w.mustResync("--no-ack")
	mustContain(t, out, "new contributions: 1 (acknowledgements queued: 0)\n")
	loud := testMail{from: "loud@gov.example", subject: "Contribution read without --no-ack", messageID: "loud.1@gov.example", received: now}
	imaptest.Append(t, c, "Processed", loud.raw(), now)
	out = w.mustResync()
	mustContain(t, out, "already stored: 1\n", "new contributions: 1 (acknowledgements queued: 1)\n")
	want := []contribution{{Subject: quiet.subject, Msgs: 1, Cards: 1, Acks: 0}, {Subject: loud.subject, Msgs: 1, Cards: 1, Acks: 1}}
	if got := w.contributions(); !slices.Equal(got, want) {
		t.Fatalf("contributions:\n got %v\nwant %v", got, want)
	}
}

// TestResyncRefusesBadArguments checks the command line.
func TestResyncRefusesBadArguments(t *testing.T) {
	w := &restoreWorld{t: t, env: map[string]string{"DATABASE_URL": "postgres://127.0.0.1:1/none?sslmode=disable"}}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--since", "20/01/2019"}, "--since must be a date"},
		{[]string{"--folder", "A", "--mailbox", "B"}, "give one"},
		{[]string{"--since", "2019-01-20"}, "WSISBOT_IMAP_ADDR is not set"},
		{[]string{"extra"}, "unexpected argument"},
	} {
		_, err := w.resync(tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("resync %v: %v, want an error saying %q", tc.args, err, tc.want)
		}
	}
}

func sameMessages(a, b []imaptest.MessageInfo) bool {
	return slices.EqualFunc(a, b, func(x, y imaptest.MessageInfo) bool {
		return x.UID == y.UID && bytes.Equal(x.Raw, y.Raw) && slices.Equal(x.Flags, y.Flags)
	})
}

func summary(msgs []imaptest.MessageInfo) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, fmt.Sprintf("uid %d flags %v %d bytes", m.UID, m.Flags, len(m.Raw)))
	}
	return out
}

// TestResyncSkipsStoredDuplicate: a message stored as a duplicate (a Message-ID already
// stored, other bytes), read again from the processed folder, is the same message and is
// skipped like the others: resync stores no second copy of it.
func TestResyncSkipsStoredDuplicate(t *testing.T) {
	w := newRestoreWorld(t, nil)
	now := time.Now()
	first := testMail{from: "one@gov.example", subject: "Contribution one", messageID: "one.1@gov.example", received: now}
	resent := first
	resent.subject = "Contribution one (sent again, other bytes)"
	w.serve()
	w.deliver(2, first, resent)
	if n := w.count(`SELECT count(*) FROM messages WHERE kind = 'duplicate'`); n != 1 {
		t.Fatalf("%d duplicates stored, want 1", n)
	}
	out := w.mustResync("--since", now.UTC().Format(time.DateOnly))
	mustContain(t, out, "read: 2\n", "already stored: 2\n", "other mail stored: 0\n")
	if n := w.count(`SELECT count(*) FROM messages WHERE direction = 'in'`); n != 2 {
		t.Errorf("after resync: %d messages stored, want 2", n)
	}
}
