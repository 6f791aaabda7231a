package imaptest

import (
	"bytes"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// TestNewMemoryWithoutATest starts the server as the demo does (its own account, no
// test), appends straight into the store, reads the message back over IMAP, and closes.
func TestNewMemoryWithoutATest(t *testing.T) {
	m, err := NewMemory(MemoryOptions{User: "desk@example.org", Password: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte("From: a@example.org\r\nSubject: hi\r\n\r\nHello\r\n")
	date := time.Date(2019, 1, 20, 9, 0, 0, 0, time.UTC)
	uid, err := m.Append("INBOX", raw, date)
	if err != nil || uid == 0 {
		t.Fatalf("Append = %d, %v", uid, err)
	}
	if m.User() != "desk@example.org" || m.Password() != "demo" {
		t.Errorf("account %s/%s", m.User(), m.Password())
	}
	c := Dial(t, m)
	msgs, ok := Messages(t, c, "INBOX", true)
	if !ok || len(msgs) != 1 || msgs[0].UID != uid || !bytes.Equal(msgs[0].Raw, raw) {
		t.Fatalf("INBOX = %+v (ok %v)", msgs, ok)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if c, err := imapclient.DialInsecure(m.Addr(), nil); err == nil {
		c.Close()
		t.Error("a closed server accepted a connection")
	}
}
