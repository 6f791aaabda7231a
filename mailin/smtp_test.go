package mailin

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/wsis/wsisbot/store"
)

// smtpTestMail is one message the test server accepted.
type smtpTestMail struct {
	From   string // the reverse path; "" for MAIL FROM:<>
	To     []string
	Data   []byte
	Helo   string
	AuthAs string
	TLS    bool
}

// smtpTestServer is a real SMTP server (go-smtp) on 127.0.0.1 that records what it
// accepts. It can require AUTH PLAIN, speak STARTTLS or implicit TLS, refuse the next
// DATA commands with a code, reject a recipient, and go down and come back on the same
// address.
type smtpTestServer struct {
	t        testing.TB
	implicit bool
	tlsConf  *tls.Config
	user     string
	password string

	mu         sync.Mutex
	addr       string
	srv        *smtp.Server
	mails      []smtpTestMail
	failData   []int          // codes for the next DATA commands, in order
	rejectRcpt map[string]int // recipient → code
	sessions   int
}

type smtpTestOptions struct {
	StartTLS     bool // advertise STARTTLS
	ImplicitTLS  bool // TLS from the first byte
	User, Passwd string
}

func startSMTPTestServer(t testing.TB, o smtpTestOptions) *smtpTestServer {
	t.Helper()
	s := &smtpTestServer{t: t, implicit: o.ImplicitTLS, user: o.User, password: o.Passwd, rejectRcpt: map[string]int{}}
	if o.StartTLS || o.ImplicitTLS {
		s.tlsConf = smtpTestTLS(t)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.Stop)
	return s
}

func (s *smtpTestServer) serve(ln net.Listener) {
	srv := smtp.NewServer(s)
	srv.Domain = "mx.test.local"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.EnableSMTPUTF8 = false
	if s.tlsConf != nil && !s.implicit {
		srv.TLSConfig = s.tlsConf
	}
	if s.implicit {
		ln = tls.NewListener(ln, s.tlsConf)
	}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(ln) //nolint:errcheck // returns when closed
}

// Stop closes the server: connections are refused until Start.
func (s *smtpTestServer) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// Start brings a stopped server back on the same address.
func (s *smtpTestServer) Start() {
	s.t.Helper()
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the port was just released
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("restart SMTP server on %s: %v", s.addr, err)
	}
	s.serve(ln)
}

func (s *smtpTestServer) FailData(codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failData = append(s.failData, codes...)
}

func (s *smtpTestServer) RejectRcpt(addr string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectRcpt[strings.ToLower(addr)] = code
}

func (s *smtpTestServer) Mails() []smtpTestMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpTestMail(nil), s.mails...)
}

func (s *smtpTestServer) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// NewSession implements smtp.Backend.
func (s *smtpTestServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.sessions++
	s.mu.Unlock()
	return &smtpTestSession{srv: s, conn: c}, nil
}

type smtpTestSession struct {
	srv  *smtpTestServer
	conn *smtp.Conn
	mail smtpTestMail
	auth string
}

func (ss *smtpTestSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *smtpTestSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if ss.srv.user == "" || username != ss.srv.user || password != ss.srv.password {
			return smtp.ErrAuthFailed
		}
		ss.auth = username
		return nil
	}), nil
}

func (ss *smtpTestSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.user != "" && ss.auth == "" {
		return smtp.ErrAuthRequired
	}
	_, isTLS := ss.conn.TLSConnectionState()
	ss.mail = smtpTestMail{From: from, Helo: ss.conn.Hostname(), AuthAs: ss.auth, TLS: isTLS}
	return nil
}

func (ss *smtpTestSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.srv.mu.Lock()
	code := ss.srv.rejectRcpt[strings.ToLower(to)]
	ss.srv.mu.Unlock()
	if code != 0 {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 1, 1}, Message: "mailbox unavailable"}
	}
	ss.mail.To = append(ss.mail.To, to)
	return nil
}

func (ss *smtpTestSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := ss.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failData) > 0 {
		code := s.failData[0]
		s.failData = s.failData[1:]
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 3, 0}, Message: "try again later"}
	}
	ss.mail.Data = b
	s.mails = append(s.mails, ss.mail)
	return nil
}

func (ss *smtpTestSession) Reset()        { ss.mail = smtpTestMail{} }
func (ss *smtpTestSession) Logout() error { return nil }

// smtpTestTLS makes a self-signed certificate for 127.0.0.1 and localhost.
func smtpTestTLS(t testing.TB) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mx.test.local"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
}

// clientTLS trusts the test server's certificate.
func (s *smtpTestServer) clientTLS() *tls.Config {
	pool := x509.NewCertPool()
	cert, err := x509.ParseCertificate(s.tlsConf.Certificates[0].Certificate[0])
	if err != nil {
		s.t.Fatal(err)
	}
	pool.AddCert(cert)
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

func testMailConfig(addr, mode string) MailConfig {
	return MailConfig{SMTPAddr: addr, SMTPTLS: mode, From: "WSIS Secretariat <wsis-info@itu.int>",
		SMTPTimeout: 5 * time.Second, NullSender: true, Ack: true}
}

var smtpTestMessage = []byte("From: wsis-info@itu.int\r\nTo: a@example.org\r\nSubject: test\r\n\r\n.leading dot\r\nbody\r\n")

func TestSMTPSenderModes(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		opts smtpTestOptions
		mode string
	}{
		{"none on loopback", smtpTestOptions{}, SMTPPlain},
		{"none with AUTH PLAIN", smtpTestOptions{User: "wsisbot", Passwd: "s3cret"}, SMTPPlain},
		{"starttls with AUTH PLAIN", smtpTestOptions{StartTLS: true, User: "wsisbot", Passwd: "s3cret"}, SMTPStartTLS},
		{"implicit tls with AUTH PLAIN", smtpTestOptions{ImplicitTLS: true, User: "wsisbot", Passwd: "s3cret"}, SMTPImplicitTLS},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := startSMTPTestServer(t, c.opts)
			cfg := testMailConfig(srv.addr, c.mode)
			cfg.SMTPUser, cfg.SMTPPassword = c.opts.User, c.opts.Passwd
			s, err := NewSMTPSender(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if srv.tlsConf != nil {
				s.TLSConfig = srv.clientTLS()
			}
			if strings.Contains(s.String(), "s3cret") {
				t.Errorf("String() shows the password: %s", s)
			}
			if err := s.Send(ctx, "", []string{"a@example.org"}, smtpTestMessage); err != nil {
				t.Fatalf("Send: %v", err)
			}
			m := srv.Mails()
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
			if !bytes.Equal(got.Data, smtpTestMessage) {
				t.Errorf("data changed in transit:\n%q\n%q", got.Data, smtpTestMessage)
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
	srv := startSMTPTestServer(t, smtpTestOptions{ImplicitTLS: true})
	s, err := NewSMTPSender(testMailConfig(srv.addr, SMTPImplicitTLS))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), "", []string{"a@example.org"}, smtpTestMessage)
	var perm *store.PermanentError
	if err == nil || errors.As(err, &perm) {
		t.Fatalf("want a temporary error for an unknown certificate, got %v", err)
	}
	if len(srv.Mails()) != 0 {
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
	srv := startSMTPTestServer(t, smtpTestOptions{User: "wsisbot", Passwd: "right"})
	cfg := testMailConfig(srv.addr, SMTPPlain)
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
	if n := len(srv.Mails()); n != 0 {
		t.Errorf("%d messages accepted, want none", n)
	}
}

func TestSMTPSendStopsWithContext(t *testing.T) {
	// A server that accepts the connection and never greets.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	cfg := testMailConfig(ln.Addr().String(), SMTPPlain)
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
