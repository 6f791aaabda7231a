package smtptest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
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

// TestServerRequiresAuthAndSpeaksTLS sends over STARTTLS and implicit TLS with AUTH
// PLAIN, and checks a client without credentials or without trust in the certificate is
// refused.
func TestServerRequiresAuthAndSpeaksTLS(t *testing.T) {
	for _, mode := range []TLSMode{NoTLS, StartTLS, ImplicitTLS} {
		s := Start(t, Options{User: "desk", Password: "pw", TLS: mode})
		dial := func(conf *tls.Config) (*smtp.Client, error) {
			switch mode {
			case StartTLS:
				return smtp.DialStartTLS(s.Addr(), conf)
			case ImplicitTLS:
				return smtp.DialTLS(s.Addr(), conf)
			}
			return smtp.Dial(s.Addr())
		}
		if mode != NoTLS {
			c, err := dial(&tls.Config{MinVersion: tls.VersionTLS12})
			if err == nil { // the STARTTLS handshake happens on the next command
				err = c.Noop()
				c.Close()
			}
			if err == nil {
				t.Errorf("mode %d: a client that does not trust the certificate connected", mode)
			}
		} else if s.ClientTLS() != nil {
			t.Errorf("ClientTLS without TLS = %v, want nil", s.ClientTLS())
		}
		c, err := dial(s.ClientTLS())
		if err != nil {
			t.Fatalf("mode %d: %v", mode, err)
		}
		if err := c.Hello("client.example"); err != nil {
			t.Fatal(err)
		}
		if err := c.SendMail("", []string{"a@example.org"}, strings.NewReader(message("anon"))); err == nil {
			t.Errorf("mode %d: a message without AUTH was accepted", mode)
		}
		if err := c.Auth(sasl.NewPlainClient("", "desk", "wrong")); err == nil {
			t.Errorf("mode %d: a wrong password authenticated", mode)
		}
		if err := c.Auth(sasl.NewPlainClient("", "desk", "pw")); err != nil {
			t.Fatalf("mode %d: AUTH: %v", mode, err)
		}
		if err := c.SendMail("", []string{"a@example.org"}, strings.NewReader(message("auth"))); err != nil {
			t.Fatalf("mode %d: %v", mode, err)
		}
		c.Close()
		sent := s.Sent()
		if len(sent) != 1 {
			t.Fatalf("mode %d: kept %d messages, want 1", mode, len(sent))
		}
		if m := sent[0]; m.AuthAs != "desk" || m.TLS != (mode != NoTLS) || m.Helo != "client.example" || m.Subject != "auth" {
			t.Errorf("mode %d: message auth %q tls %v helo %q subject %q", mode, m.AuthAs, m.TLS, m.Helo, m.Subject)
		}
	}
}

// TestServerRefusesAsTold refuses a recipient and messages by the queued codes and by
// the Reject function, and counts sessions.
func TestServerRefusesAsTold(t *testing.T) {
	s := Start(t, Options{Reject: func(stage Stage, rcpt string) *smtp.SMTPError {
		if stage == AtRcpt && rcpt == "hook@example.org" {
			return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "no"}
		}
		return nil
	}})
	if n := s.Sessions(); n != 0 {
		t.Errorf("Sessions before any connection = %d", n)
	}
	send := func(rcpt string) error {
		c, err := smtp.Dial(s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.SendMail("", []string{rcpt}, strings.NewReader(message(rcpt)))
	}
	code := func(err error) int {
		var e *smtp.SMTPError
		if errors.As(err, &e) {
			return e.Code
		}
		return 0
	}
	s.RejectRcpt("Gone@Example.org", 550)
	s.FailData(451, 554)
	for _, c := range []struct {
		rcpt string
		want int
	}{
		{"gone@example.org", 550}, {"hook@example.org", 553}, {"a@example.org", 451}, {"a@example.org", 554}, {"a@example.org", 0},
	} {
		if got := code(send(c.rcpt)); got != c.want {
			t.Errorf("to %s: reply %d, want %d", c.rcpt, got, c.want)
		}
	}
	if sent := s.Sent(); len(sent) != 1 || sent[0].To[0] != "a@example.org" {
		t.Errorf("kept %+v, want the one accepted message", sent)
	}
	if n := s.Sessions(); n != 5 {
		t.Errorf("Sessions = %d, want 5", n)
	}
}
