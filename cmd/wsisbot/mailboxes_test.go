package main

import (
	"fmt"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/internal/smtptest"
	"github.com/wsis/wsisbot/store/storetest"
)

// TestServeTwoMailboxesOneRefused runs serve with two mailboxes on two IMAP servers:
// the first refuses the login, the workshops one delivers. Its mail is stored,
// recorded as the workshops mailbox's, suggested as a workshop request (its default
// kind: the mail names no kind), acknowledged from the workshops address and carded
// with the mailbox named; /readyz names the mailbox that is not read, and the metrics
// say which one this replica reads.
func TestServeTwoMailboxesOneRefused(t *testing.T) {
	workshops := imaptest.StartMemory(t, imaptest.MemoryOptions{})
	smtp := smtptest.Start(t, smtptest.Options{})
	s := startLiveServe(t, map[string]string{
		"WSISBOT_IMAP_PASSWORD": "not-the-password", // the first mailbox refuses us
		"WSISBOT_SMTP_ADDR":     smtp.Addr(), "WSISBOT_SMTP_TLS": "none",
		"WSISBOT_MAILBOXES":                       "workshops",
		"WSISBOT_MAILBOX_WORKSHOPS_IMAP_ADDR":     workshops.Addr(),
		"WSISBOT_MAILBOX_WORKSHOPS_IMAP_USER":     workshops.User(),
		"WSISBOT_MAILBOX_WORKSHOPS_IMAP_PASSWORD": workshops.Password(),
		"WSISBOT_MAILBOX_WORKSHOPS_FROM":          "WSIS Workshops <wsis-workshops@itu.int>",
		"WSISBOT_MAILBOX_WORKSHOPS_KIND":          "workshop_request",
	}, true)
	if len(s.a.intakes) != 2 {
		t.Fatalf("%d intakes, want 2", len(s.a.intakes))
	}

	raw := fmt.Sprintf("From: Amina Diallo <amina@gov.example>\r\nTo: wsis-workshops@itu.int\r\n"+
		"Subject: Our session at the Forum\r\nMessage-ID: <ws.%s@gov.example>\r\nDate: %s\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Dear colleagues,\r\n\r\nplease find our details below.\r\n\r\nAmina Diallo\r\nMinistry of ICT\r\n",
		s.run, time.Now().Format(time.RFC1123Z))
	imaptest.Append(t, imaptest.Dial(t, workshops), "INBOX", []byte(raw), time.Time{})
	s.waitStored(1, 15*time.Second)

	var c struct {
		Ref           string `db:"ref"`
		MailboxName   string `db:"mailbox_name"`
		KindSuggested string `db:"kind_suggested"`
		MsgMailbox    string `db:"msg_mailbox_name"`
		Position      string `db:"mailbox"`
	}
	if err := s.db.Get(&c, `SELECT c.ref, c.mailbox_name, c.kind_suggested, m.mailbox_name AS msg_mailbox_name, m.mailbox
		FROM contributions c JOIN messages m ON m.contribution_id = c.id AND m.direction = 'in'`); err != nil {
		t.Fatal(err)
	}
	if c.MailboxName != "workshops" || c.MsgMailbox != "workshops" {
		t.Errorf("contribution recorded as from mailbox %q, message %q; want workshops", c.MailboxName, c.MsgMailbox)
	}
	if c.KindSuggested != "workshop_request" {
		t.Errorf("kind suggested %q, want workshop_request (the workshops mailbox's default)", c.KindSuggested)
	}
	if want := workshops.Addr() + "/" + workshops.User() + "/INBOX"; c.Position != want {
		t.Errorf("message position under %q, want the mailbox's key %q", c.Position, want)
	}

	// Acknowledged from the workshops address.
	storetest.Eventually(t, 15*time.Second, "the acknowledgement", func() bool { return len(smtp.Sent()) >= 1 })
	sent := smtp.Sent()[0]
	msg, err := mail.ReadMessage(strings.NewReader(string(sent.Raw)))
	if err != nil {
		t.Fatal(err)
	}
	from, err := mail.ParseAddress(msg.Header.Get("From"))
	if err != nil || from.Address != "wsis-workshops@itu.int" {
		t.Errorf("acknowledgement From %q (%v), want wsis-workshops@itu.int", msg.Header.Get("From"), err)
	}
	if len(sent.To) != 1 || sent.To[0] != "amina@gov.example" {
		t.Errorf("acknowledgement to %v", sent.To)
	}

	// Carded, naming the mailbox.
	cards := s.waitPosts(c.Ref, 1, 15*time.Second)
	if !strings.Contains(cards[0], "Came to the workshops mailbox") {
		t.Errorf("card does not name the mailbox:\n%s", cards[0])
	}

	// The refused mailbox is named in /readyz; the other one is read.
	storetest.Eventually(t, 15*time.Second, "/readyz naming the main mailbox", func() bool {
		code, checks := s.readyz()
		return code == 503 && strings.Contains(checks["imap"], "main: stopped: authentication failed") &&
			checks["imap:workshops"] == "ok" && strings.HasPrefix(checks["imap:main"], "stopped: ")
	})
	_, body := get(t, s.base+"/metrics")
	for _, want := range []string{`wsisbot_imap_connected{mailbox="workshops"} 1`, `wsisbot_imap_connected{mailbox="main"} 0`,
		`wsisbot_messages_fetched_total{mailbox="workshops"} 1`} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// Each mailbox has its own lock, held by this replica.
	for _, in := range s.a.intakes {
		var held int
		if err := s.db.Get(&held, `SELECT count(*) FROM pg_locks
			WHERE locktype = 'advisory' AND granted
				AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
				AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)`, "wsisbot:mailbox:"+in.settings.key); err != nil || held != 1 {
			t.Errorf("lock of mailbox %s held %d times (%v), want once", in.mb.Name, held, err)
		}
	}
	// Each mailbox beats under its own key.
	var beats int
	if err := s.db.Get(&beats, `SELECT count(*) FROM intake_heartbeats`); err != nil {
		t.Fatal(err)
	}
	if beats != 2 {
		t.Errorf("%d heartbeats, want one per mailbox", beats)
	}
	// The watchdog's view names the mailbox not read.
	if st := s.a.intakeStatus(); st.Connected || !strings.Contains(st.LastError, "mailbox main") {
		t.Errorf("intake status %+v, want not connected naming mailbox main", st)
	}
}
