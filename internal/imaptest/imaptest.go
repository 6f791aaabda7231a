// Package imaptest runs IMAP servers for tests: go-imap's in-memory server, with all of
// IMAP4rev2 or with IMAP4rev1 only (no MOVE, no UIDPLUS), and a real Dovecot started
// from a generated configuration in a temporary directory. The same tests run against
// each through the Server interface. The demo serves its mailbox from the in-memory
// server too (NewMemory needs no test).
package imaptest

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Server is an IMAP server a test talks to.
type Server interface {
	// Name says which server this is, for subtest names.
	Name() string
	// Addr is host:port on the loopback interface, without TLS.
	Addr() string
	User() string
	Password() string
	// Restart stops the server, dropping every connection, and starts it again on the
	// same address with the same mail.
	Restart(t testing.TB)
	// HasMove reports whether the server advertises MOVE (and UIDPLUS).
	HasMove() bool
}

// Kind makes a server for a test.
type Kind struct {
	Name  string
	Start func(t testing.TB) Server
}

// Kinds are the servers integration tests run against: the in-memory server with
// IMAP4rev2, the in-memory server with IMAP4rev1 only, and Dovecot (skipped, or failed
// under CI, when it is not installed).
func Kinds() []Kind {
	return []Kind{
		{Name: "memory", Start: func(t testing.TB) Server { return StartMemory(t, MemoryOptions{}) }},
		{Name: "memory-rev1", Start: func(t testing.TB) Server { return StartMemory(t, MemoryOptions{IMAP4rev1Only: true}) }},
		{Name: "dovecot", Start: func(t testing.TB) Server { return StartDovecot(t) }},
	}
}

// Dial logs in to s; the connection is closed when the test ends.
func Dial(t testing.TB, s Server) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	if err != nil {
		t.Fatalf("imaptest: dial %s: %v", s.Name(), err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(s.User(), s.Password()).Wait(); err != nil {
		t.Fatalf("imaptest: login to %s: %v", s.Name(), err)
	}
	return c
}

// FetchAll reads every message of INBOX with one UID FETCH on a connection of its own,
// as fast as a client can: the floor the intake's benchmarks compare with.
func FetchAll(t testing.TB, s Server) [][]byte {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	if err != nil {
		t.Fatalf("imaptest: dial %s: %v", s.Name(), err)
	}
	defer c.Close()
	if err := c.Login(s.User(), s.Password()).Wait(); err != nil {
		t.Fatalf("imaptest: login to %s: %v", s.Name(), err)
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("imaptest: select INBOX: %v", err)
	}
	cmd := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
	var raws [][]byte
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			if body, ok := item.(imapclient.FetchItemDataBodySection); ok && body.Literal != nil {
				buf := make([]byte, body.Literal.Size())
				if _, err := io.ReadFull(body.Literal, buf); err != nil {
					t.Fatalf("imaptest: fetch: %v", err)
				}
				raws = append(raws, buf)
			}
		}
	}
	if err := cmd.Close(); err != nil {
		t.Fatalf("imaptest: fetch: %v", err)
	}
	return raws
}

// Append appends raw to mailbox with the given internal date (now when zero) and
// returns its UID (0 when the server has no UIDPLUS).
func Append(t testing.TB, c *imapclient.Client, mailbox string, raw []byte, date time.Time) uint32 {
	t.Helper()
	uid, err := AppendErr(c, mailbox, raw, date)
	if err != nil {
		t.Fatalf("imaptest: %v", err)
	}
	return uid
}

// AppendErr is Append returning the error, for use off the test goroutine.
func AppendErr(c *imapclient.Client, mailbox string, raw []byte, date time.Time) (uint32, error) {
	cmd := c.Append(mailbox, int64(len(raw)), &imap.AppendOptions{Time: date})
	if _, err := cmd.Write(raw); err != nil {
		return 0, fmt.Errorf("append to %s: %w", mailbox, err)
	}
	if err := cmd.Close(); err != nil {
		return 0, fmt.Errorf("append to %s: %w", mailbox, err)
	}
	data, err := cmd.Wait()
	if err != nil {
		return 0, fmt.Errorf("append to %s: %w", mailbox, err)
	}
	return uint32(data.UID), nil
}

// MessageInfo is what Messages reports of one message.
type MessageInfo struct {
	UID     uint32
	Flags   []imap.Flag
	Deleted bool
	Raw     []byte
}

// Messages lists the messages of mailbox (selected read-only), with their bytes when
// withBody is set. A missing mailbox gives ok false.
func Messages(t testing.TB, c *imapclient.Client, mailbox string, withBody bool) (msgs []MessageInfo, ok bool) {
	t.Helper()
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, false
	}
	defer func() { c.Unselect().Wait() }() //nolint:errcheck
	if sel.NumMessages == 0 {
		return nil, true
	}
	opts := &imap.FetchOptions{UID: true, Flags: true}
	if withBody {
		opts.BodySection = []*imap.FetchItemBodySection{{Peek: true}}
	}
	bufs, err := c.Fetch(imap.SeqSet{imap.SeqRange{Start: 1, Stop: 0}}, opts).Collect()
	if err != nil {
		t.Fatalf("imaptest: fetch %s: %v", mailbox, err)
	}
	for _, b := range bufs {
		mi := MessageInfo{UID: uint32(b.UID), Flags: b.Flags}
		for _, f := range b.Flags {
			if f == imap.FlagDeleted {
				mi.Deleted = true
			}
		}
		if withBody && len(b.BodySection) > 0 {
			mi.Raw = bytes.Clone(b.BodySection[0].Bytes)
		}
		msgs = append(msgs, mi)
	}
	return msgs, true
}

// FreePort returns a loopback port nobody listens on right now.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("imaptest: free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// testLogger writes server log lines to the test log until the test ends.
type testLogger struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func newTestLogger(t testing.TB) *testLogger {
	l := &testLogger{t: t}
	t.Cleanup(func() {
		l.mu.Lock()
		l.done = true
		l.mu.Unlock()
	})
	return l
}

func (l *testLogger) Printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Logf("imap server: "+format, args...)
	}
}
