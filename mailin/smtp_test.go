package mailin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/wsis/wsisbot/internal/smtptest"
	"github.com/wsis/wsisbot/store"
)

func testMailConfig(addr, mode string) MailConfig {
	return MailConfig{SMTPAddr: addr, SMTPTLS: mode, From: "WSIS Secretariat <wsis-info@itu.int>",
		SMTPTimeout: 5 * time.Second, NullSender: true, Ack: true}
}

var smtpTestMessage = []byte("From: wsis-info@itu.int\r\nTo: a@example.org\r\nSubject: test\r\n\r\n.leading dot\r\nbody\r\n")

func TestSMTPSenderModes(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		opts smtptest.Options
		mode string
	}{
		{"none on loopback", smtptest.Options{}, SMTPPlain},
		{"none with AUTH PLAIN", smtptest.Options{User: "wsisbot", Password: "s3cret"}, SMTPPlain},
		{"starttls with AUTH PLAIN", smtptest.Options{TLS: smtptest.StartTLS, User: "wsisbot", Password: "s3cret"}, SMTPStartTLS},
		{"implicit tls with AUTH PLAIN", smtptest.Options{TLS: smtptest.ImplicitTLS, User: "wsisbot", Password: "s3cret"}, SMTPImplicitTLS},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := smtptest.Start(t, c.opts)
			cfg := testMailConfig(srv.Addr(), c.mode)
			cfg.SMTPUser, cfg.SMTPPassword = c.opts.User, c.opts.Password
			s, err := NewSMTPSender(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if tc := srv.ClientTLS(); tc != nil {
				s.TLSConfig = tc
			}
			if strings.Contains(s.String(), "s3cret") {
				t.Errorf("String() shows the password: %s", s)
			}
			if err := s.Send(ctx, "", []string{"a@example.org"}, smtpTestMessage); err != nil {
				t.Fatalf("Send: %v", err)
			}
			m := srv.Sent()
			if len(m) != 1 {
				t.Fatalf("server got %d messages", len(m))
			}
			got := m[0]
			if got.From != "" || len(got.To) != 1 || got.To[0] != "a@example.org" {
				t.Errorf("envelope MAIL FROM:<%s> RCPT %v", got.From, got.To)
			}
			if got.Helo != "itu.int" {
				t.Errorf("EHLO %q, want our domain itu.int", got.Helo)
			}
			if !bytes.Equal(got.Raw, smtpTestMessage) {
				t.Errorf("data changed in transit:\n%q\n%q", got.Raw, smtpTestMessage)
			}
			if got.AuthAs != c.opts.User {
				t.Errorf("authenticated as %q, want %q", got.AuthAs, c.opts.User)
			}
			if got.TLS != (c.mode != SMTPPlain) {
				t.Errorf("TLS = %v in mode %s", got.TLS, c.mode)
			}
		})
	}
}

func TestSMTPSenderRefusesAnUntrustedCertificate(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: smtptest.ImplicitTLS})
	s, err := NewSMTPSender(testMailConfig(srv.Addr(), SMTPImplicitTLS))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), "", []string{"a@example.org"}, smtpTestMessage)
	var perm *store.PermanentError
	if err == nil || errors.As(err, &perm) {
		t.Fatalf("want a temporary error for an unknown certificate, got %v", err)
	}
	if len(srv.Sent()) != 0 {
		t.Errorf("delivered over an untrusted connection")
	}
}

func TestSMTPConfigValidation(t *testing.T) {
	for _, c := range []struct {
		addr, mode, user, pass, from string
		want                         string // "" when valid
	}{
		{"127.0.0.1:25", SMTPPlain, "", "", "", ""},
		{"localhost:25", SMTPPlain, "", "", "", ""},
		{"[::1]:25", SMTPPlain, "", "", "", ""},
		{"smtp.itu.int:25", SMTPPlain, "", "", "", "only allowed for a server on this machine"},
		{"10.0.0.5:25", SMTPPlain, "", "", "", "only allowed for a server on this machine"},
		{"smtp.itu.int:587", SMTPStartTLS, "wsisbot", "pw", "", ""},
		{"smtp.itu.int:465", SMTPImplicitTLS, "", "", "", ""},
		{"smtp.itu.int", SMTPStartTLS, "", "", "", "not host:port"},
		{"smtp.itu.int:587", "ssl", "", "", "", "must be tls, starttls or none"},
		{"smtp.itu.int:587", SMTPStartTLS, "wsisbot", "", "", "WSISBOT_SMTP_PASSWORD"},
		{"smtp.itu.int:587", SMTPStartTLS, "", "", "not an address", "WSISBOT_FROM"},
	} {
		cfg := testMailConfig(c.addr, c.mode)
		cfg.SMTPUser, cfg.SMTPPassword = c.user, c.pass
		if c.from != "" {
			cfg.From = c.from
		}
		_, err := NewSMTPSender(cfg)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %s: %v", c.addr, c.mode, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s %s: error %v, want %q", c.addr, c.mode, err, c.want)
		}
		if err != nil && c.pass != "" && strings.Contains(err.Error(), c.pass) {
			t.Errorf("the error shows the password")
		}
	}
}

func TestSMTPErrorsTemporaryOrPermanent(t *testing.T) {
	ctx := context.Background()
	isPermanent := func(err error) bool {
		var p *store.PermanentError
		return errors.As(err, &p)
	}
	srv := smtptest.Start(t, smtptest.Options{User: "wsisbot", Password: "right"})
	cfg := testMailConfig(srv.Addr(), SMTPPlain)
	cfg.SMTPUser, cfg.SMTPPassword = "wsisbot", "right"
	s, err := NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}

	isUnavailable := func(err error) bool {
		var ua *store.UnavailableError
		return errors.As(err, &ua)
	}
	srv.FailData(451)
	if err := s.Send(ctx, "", []string{"a@example.org"}, smtpTestMessage); err == nil || isPermanent(err) || isUnavailable(err) || !strings.Contains(err.Error(), "451") {
		t.Errorf("451: want a temporary error about the message, got %v", err)
	}
	srv.FailData(421)
	if err := s.Send(ctx, "", []string{"a@example.org"}, smtpTestMessage); !isUnavailable(err) {
		t.Errorf("421: want unavailable, got %v", err)
	}
	srv.FailData(452)
	if err := s.Send(ctx, "", []string{"a@example.org"}, smtpTestMessage); err == nil || isPermanent(err) {
		t.Errorf("452: want a temporary error, got %v", err)
	}
	srv.FailData(554)
	if err := s.Send(ctx, "", []string{"a@example.org"}, smtpTestMessage); !isPermanent(err) {
		t.Errorf("554 at end of DATA: want permanent, got %v", err)
	}
	srv.RejectRcpt("gone@example.org", 550)
	if err := s.Send(ctx, "", []string{"gone@example.org"}, smtpTestMessage); !isPermanent(err) || !strings.Contains(err.Error(), "550") {
		t.Errorf("550 at RCPT: want permanent, got %v", err)
	}
	srv.RejectRcpt("full@example.org", 450)
	if err := s.Send(ctx, "", []string{"full@example.org"}, smtpTestMessage); err == nil || isPermanent(err) {
		t.Errorf("450 at RCPT: want temporary, got %v", err)
	}
	if err := s.Send(ctx, "", []string{"bad\r\naddress@example.org"}, smtpTestMessage); !isPermanent(err) {
		t.Errorf("CR/LF in an address: want permanent, got %v", err)
	}
	if err := s.Send(ctx, "", []string{"δοκιμή@example.org"}, smtpTestMessage); !isPermanent(err) {
		t.Errorf("non-ASCII address without SMTPUTF8: want permanent, got %v", err)
	}

	// Wrong credentials are our configuration, not the message: temporary.
	bad := cfg
	bad.SMTPPassword = "wrong"
	sb, _ := NewSMTPSender(bad)
	if err := sb.Send(ctx, "", []string{"a@example.org"}, smtpTestMessage); err == nil || isPermanent(err) || strings.Contains(err.Error(), "wrong") {
		t.Errorf("bad AUTH: want a temporary error without the password, got %v", err)
	}

	// A server that is down: an outage, not a failure of the message.
	srv.Stop()
	if err := s.Send(ctx, "", []string{"a@example.org"}, smtpTestMessage); !isUnavailable(err) || isPermanent(err) {
		t.Errorf("server down: want unavailable, got %v", err)
	}
	if n := len(srv.Sent()); n != 0 {
		t.Errorf("%d messages accepted, want none", n)
	}
}

func TestSMTPSendStopsWithContext(t *testing.T) {
	// A server that accepts the connection and never greets.
	cfg := testMailConfig(smtptest.Silent(t), SMTPPlain)
	cfg.SMTPTimeout = time.Minute
	s, err := NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = s.Send(ctx, "", []string{"a@example.org"}, smtpTestMessage)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want the context's error, got %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Send took %s after its context ended", d)
	}
}

// Messages sent one after another share connections: 20 messages from 4 senders at
// once take at most 4 connections, and each message arrives once.
func TestSMTPSenderReusesConnections(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{User: "wsisbot", Password: "s3cret"})
	cfg := testMailConfig(srv.Addr(), SMTPPlain)
	cfg.SMTPUser, cfg.SMTPPassword = "wsisbot", "s3cret"
	s, err := NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				errs <- s.Send(context.Background(), "", []string{fmt.Sprintf("a%d.%d@example.org", w, i)}, smtpTestMessage)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]int{}
	for _, m := range srv.Sent() {
		seen[m.To[0]]++
	}
	if len(seen) != 20 || len(srv.Sent()) != 20 {
		t.Fatalf("%d messages to %d recipients, want 20 to 20", len(srv.Sent()), len(seen))
	}
	if n := srv.Sessions(); n > 4 {
		t.Fatalf("%d connections for 20 messages from 4 senders, want at most 4", n)
	}
}

// A kept connection the server has closed meanwhile costs nothing: the message goes
// on a fresh connection, once.
func TestSMTPSenderReconnectsAfterTheServerClosedTheConnection(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	s, err := NewSMTPSender(testMailConfig(srv.Addr(), SMTPPlain))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	ctx := context.Background()
	if err := s.Send(ctx, "", []string{"a@example.org"}, smtpTestMessage); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(ctx, "", []string{"b@example.org"}, smtpTestMessage); err != nil {
		t.Fatalf("send after the server closed the kept connection: %v", err)
	}
	if got := srv.Sent(); len(got) != 2 || got[1].To[0] != "b@example.org" {
		t.Fatalf("server got %v", got)
	}
}

// A reused connection refused before DATA (421: the server closes this session) is
// retried once on a fresh connection; a refusal after DATA is the message's own and is
// never retried in place, so nothing is sent twice.
func TestSMTPSenderRetriesOnlyBeforeData(t *testing.T) {
	var refuse atomic.Int32
	srv := smtptest.Start(t, smtptest.Options{Reject: func(stage smtptest.Stage, _ string) *smtp.SMTPError {
		if stage == smtptest.AtRcpt && refuse.CompareAndSwap(1, 0) {
			return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2}, Message: "too many messages in this session"}
		}
		return nil
	}})
	s, err := NewSMTPSender(testMailConfig(srv.Addr(), SMTPPlain))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	ctx := context.Background()
	if err := s.Send(ctx, "", []string{"a@example.org"}, smtpTestMessage); err != nil {
		t.Fatal(err)
	}
	refuse.Store(1)
	if err := s.Send(ctx, "", []string{"b@example.org"}, smtpTestMessage); err != nil {
		t.Fatalf("421 on a reused connection: %v", err)
	}
	if n := srv.Sessions(); n != 2 {
		t.Fatalf("%d connections, want 2 (the refused one replaced)", n)
	}
	srv.FailData(451)
	err = s.Send(ctx, "", []string{"c@example.org"}, smtpTestMessage)
	var perm *store.PermanentError
	var ua *store.UnavailableError
	if err == nil || errors.As(err, &perm) || errors.As(err, &ua) {
		t.Fatalf("451 after DATA: %v, want a temporary error", err)
	}
	if err := s.Send(ctx, "", []string{"d@example.org"}, smtpTestMessage); err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, m := range srv.Sent() {
		to = append(to, m.To...)
	}
	if strings.Join(to, " ") != "a@example.org b@example.org d@example.org" {
		t.Fatalf("delivered to %v", to)
	}
}
