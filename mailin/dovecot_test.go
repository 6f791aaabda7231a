package mailin_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/store/storetest"
)

// Without IDLE the poller polls at the configured interval (NOOP, then a UID FETCH).
func TestDovecotPollsWithoutIdle(t *testing.T) {
	d := imaptest.StartDovecotWith(t, imaptest.DovecotOptions{Capability: "IMAP4rev1 LITERAL+ ENABLE UNSELECT UIDPLUS MOVE"})
	h := newHarness(t, d)
	cfg := h.cfg
	cfg.Poll = 200 * time.Millisecond
	p := h.poller(cfg, nil)
	start(t, p)
	waitReady(t, p)
	for i := range 3 {
		h.append("INBOX", h.mail(i))
		h.waitMessages(i+1, 5*time.Second)
	}
	h.exactlyOnce(3)
	if s := p.Status(); s.Reconnects != 0 {
		t.Errorf("polling reconnected: %+v", s)
	}
}

// The server changes the mailbox's UIDVALIDITY under a running poller: it reads the
// mailbox again and stores nothing twice.
func TestDovecotUIDValidityChangeWhileRunning(t *testing.T) {
	d := imaptest.StartDovecot(t)
	h := newHarness(t, d)
	p := h.poller(h.cfg, nil)
	start(t, p)
	waitReady(t, p)
	for i := range 4 {
		h.append("INBOX", h.mail(i))
	}
	h.waitMessages(4, 10*time.Second)
	oldUV := p.Status().UIDValidity

	d.Doveadm(t, "mailbox", "update", "-u", d.User(), "--uid-validity", strconv.FormatUint(uint64(oldUV)+1000, 10), "INBOX")
	h.redial()
	h.append("INBOX", h.mail(4))
	h.waitMessages(5, 20*time.Second)
	storetest.Eventually(t, 20*time.Second, "the new UIDVALIDITY taken up", func() bool {
		s := p.Status()
		return s.UIDValidity == oldUV+1000 && s.LastUID == 5
	})
	h.exactlyOnce(5)
	if n := h.count(`SELECT count(*) FROM messages WHERE uidvalidity <> $1`, int64(oldUV)+1000); n != 0 {
		t.Errorf("%d messages left at the old position", n)
	}
}
