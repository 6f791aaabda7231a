package smtptest

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// lockedBuffer is written by the server's goroutines and read by the test.
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

func message(subject string) string {
	return "From: desk@example.org\r\nTo: a@example.org\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject +
		"@example.org>\r\nContent-Language: fr\r\nX-WSISBot: ack WSIS-1\r\n\r\nBody\r\n"
}

// TestServerKeepsEachMessageAndStopsAndStartsOnItsPort sends two messages on one
// connection, stops the server (the port refuses), starts it again and sends a third.
func TestServerKeepsEachMessageAndStopsAndStartsOnItsPort(t *testing.T) {
	out := &lockedBuffer{}
	s := Start(t, Options{Out: out})
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail("", []string{"a@example.org", "b@example.org"}, strings.NewReader(message("one"))); err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail("desk@example.org", []string{"c@example.org"}, strings.NewReader(message("two"))); err != nil {
		t.Fatal(err)
	}
	c.Close()

	s.Stop()
	if c, err := smtp.Dial(s.Addr()); err == nil {
		c.Close()
		t.Fatal("a stopped server accepted a connection")
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	c, err = smtp.Dial(s.Addr())
	if err != nil {
		t.Fatalf("after Start: %v", err)
	}
	defer c.Close()
	if err := c.SendMail("desk@example.org", []string{"d@example.org"}, strings.NewReader(message("three"))); err != nil {
		t.Fatal(err)
	}

	sent := s.Sent()
	if len(sent) != 3 {
		t.Fatalf("kept %d messages, want 3", len(sent))
	}
	first := sent[0]
	if first.From != "" || strings.Join(first.To, ",") != "a@example.org,b@example.org" || first.Subject != "one" ||
		first.MessageID != "one@example.org" || first.Language != "fr" || first.XWSISBot != "ack WSIS-1" ||
		!bytes.Contains(first.Raw, []byte("Body")) {
		t.Errorf("first message = %+v", first)
	}
	if strings.Join(sent[1].To, ",") != "c@example.org" || sent[1].From != "desk@example.org" {
		t.Errorf("second message: from %q to %q (recipients of the first kept?)", sent[1].From, sent[1].To)
	}
	if sent[2].Subject != "three" {
		t.Errorf("third message = %+v", sent[2])
	}
	if want := "✉  mail out to a@example.org, b@example.org [fr]: one\n"; !strings.HasPrefix(out.String(), want) {
		t.Errorf("printed %q, want it to begin with %q", out.String(), want)
	}
}
