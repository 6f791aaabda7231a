// Package smtptest is an SMTP server on a loopback port that accepts every message and
// keeps it (go-smtp's server, in process), for tests and the demo. It can be stopped and
// started again on the same port, to play a mail server that goes away. Options make it
// require AUTH PLAIN, speak STARTTLS or implicit TLS with a certificate of its own, and
// refuse recipients or messages with chosen replies.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TLSMode is how the server speaks TLS.
type TLSMode int

const (
	// NoTLS is plain text, without STARTTLS.
	NoTLS TLSMode = iota
	// StartTLS advertises STARTTLS on a plain-text connection.
	StartTLS
	// ImplicitTLS speaks TLS from the first byte.
	ImplicitTLS
)

// Stage is the command a Reject function is asked about.
type Stage int

const (
	// AtRcpt is RCPT TO, asked once per recipient.
	AtRcpt Stage = iota + 1
	// AtData is the end of DATA, asked once per message with an empty recipient.
	AtData
)

// Options configure a Server.
type Options struct {
	// Addr is where to listen; "127.0.0.1:0" (any free port) when empty.
	Addr string
	// Out, when set, receives one line per message received: recipients, language and
	// subject.
	Out io.Writer
	// User and Password, when User is set, make the server advertise AUTH PLAIN and
	// refuse MAIL FROM until a client has authenticated with them.
	User, Password string
	// OAuth lists the OAuth mechanisms advertised for User besides PLAIN (XOAUTH2,
	// OAUTHBEARER; PLAIN only when Password is set too). A client offering a bearer
	// token is let in when AcceptToken says yes, and refused as Microsoft 365 and Gmail
	// refuse one: an error challenge (JSON), then 535 5.7.3. Tokens lists the tokens
	// offered.
	OAuth       []string
	AcceptToken func(token string) bool
	// TLS is NoTLS, StartTLS or ImplicitTLS. With TLS, the server presents Certificate,
	// or a self-signed certificate for 127.0.0.1 and localhost made by New when
	// Certificate is nil; ClientTLS is a client configuration that trusts it.
	TLS         TLSMode
	Certificate *tls.Certificate
	// Reject, when set, may refuse a recipient (AtRcpt) or a message (AtData) with the
	// reply it returns; nil accepts. It is asked after the refusals queued by RejectRcpt
	// and FailData, and is called from the server's goroutines.
	Reject func(stage Stage, rcpt string) *smtp.SMTPError
}

// Message is one message the server accepted.
type Message struct {
	From string   // the envelope sender ("" for the null reverse-path)
	To   []string // the envelope recipients
	// Header fields read from the message ("" when absent or unreadable).
	Subject, MessageID, Language, XWSISBot string
	Raw                                    []byte
	Helo                                   string // the name the client gave in EHLO/HELO
	AuthAs                                 string // the user authenticated as, "" when none
	AuthMech                               string // the SASL mechanism it authenticated with
	TLS                                    bool   // whether the message came over TLS
}

// Server is the capturing SMTP server.
type Server struct {
	opts    Options
	addr    string
	tlsConf *tls.Config // nil without TLS

	mu         sync.Mutex
	srv        *smtp.Server // nil while stopped
	msgs       []Message
	sessions   int
	failData   []int          // codes for the next DATA commands, in order
	tokens     []string       // the bearer tokens offered, in order
	rejectRcpt map[string]int // lower-cased recipient → code
}

// New listens on opts.Addr and serves until Stop.
func New(opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	s := &Server{opts: opts, rejectRcpt: map[string]int{}}
	if opts.TLS != NoTLS {
		cert := opts.Certificate
		if cert == nil {
			c, err := selfSigned()
			if err != nil {
				return nil, err
			}
			cert = c
		}
		s.tlsConf = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("smtptest: listen: %w", err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	return s, nil
}

// Start is New for a test: it fails the test on error and stops the server when the
// test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) serve(ln net.Listener) {
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	switch s.opts.TLS {
	case StartTLS:
		srv.TLSConfig = s.tlsConf
	case ImplicitTLS:
		ln = tls.NewListener(ln, s.tlsConf)
	}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(ln) //nolint:errcheck // returns when stopped
}

// Addr is host:port of the server.
func (s *Server) Addr() string { return s.addr }

// Stop closes the server and its connections: the port refuses connections until Start.
// Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// Start serves again on the same address, keeping the messages received so far. The
// port may take a moment to be free again after Stop: Start tries for up to a second.
func (s *Server) Start() error {
	s.mu.Lock()
	running := s.srv != nil
	s.mu.Unlock()
	if running {
		return errors.New("smtptest: already serving")
	}
	deadline := time.Now().Add(time.Second)
	for {
		ln, err := net.Listen("tcp", s.addr)
		if err == nil {
			s.serve(ln)
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("smtptest: listen again on %s: %w", s.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ClientTLS is a client configuration that trusts the server's certificate; nil
// without TLS.
func (s *Server) ClientTLS() *tls.Config {
	if s.tlsConf == nil {
		return nil
	}
	pool := x509.NewCertPool()
	for _, der := range s.tlsConf.Certificates[0].Certificate {
		if c, err := x509.ParseCertificate(der); err == nil {
			pool.AddCert(c)
		}
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// FailData refuses the next DATA commands, one per code in order, with replies of
// these codes (4xx temporary, 5xx permanent); the messages are not kept.
func (s *Server) FailData(codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failData = append(s.failData, codes...)
}

// RejectRcpt refuses the recipient addr (any case) at RCPT TO with a reply of code,
// from now on.
func (s *Server) RejectRcpt(addr string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectRcpt[strings.ToLower(addr)] = code
}

// Sessions is how many connections the server has had a session for (each SMTP
// connection is one session, whether it sent anything or not).
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// Tokens is a copy of the OAuth bearer tokens clients offered so far, in order,
// accepted or not.
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}

// Sent is a copy of the messages received so far, oldest first.
func (s *Server) Sent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

func (s *Server) receive(m Message) {
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	s.mu.Unlock()
	if s.opts.Out != nil {
		fmt.Fprintf(s.opts.Out, "✉  mail out to %s [%s]: %s\n", strings.Join(m.To, ", "), m.Language, m.Subject)
	}
}

type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.s.mu.Lock()
	b.s.sessions++
	b.s.mu.Unlock()
	return &session{s: b.s, conn: c}, nil
}

// session is one SMTP transaction at a time: MAIL, RCPT..., DATA.
type session struct {
	s    *Server
	conn *smtp.Conn
	auth string // the user authenticated as
	mech string // and how
	from string
	to   []string
}

func (ss *session) Reset() {
	ss.from, ss.to = "", nil
}

func (ss *session) Logout() error { return nil }

// AuthMechanisms implements smtp.AuthSession: AUTH PLAIN when a user is set (with a
// password, when OAuth mechanisms are set too), and the OAuth mechanisms.
func (ss *session) AuthMechanisms() []string {
	o := ss.s.opts
	if o.User == "" {
		return nil
	}
	var mechs []string
	if len(o.OAuth) == 0 || o.Password != "" {
		mechs = append(mechs, sasl.Plain)
	}
	return append(mechs, o.OAuth...)
}

// Auth implements smtp.AuthSession.
func (ss *session) Auth(mech string) (sasl.Server, error) {
	if !slices.Contains(ss.AuthMechanisms(), mech) {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	switch mech {
	case mechXOAuth2:
		return &xoauth2Server{check: ss.checkToken}, nil
	case sasl.OAuthBearer:
		return refusedAs535{sasl.NewOAuthBearerServer(func(o sasl.OAuthBearerOptions) *sasl.OAuthBearerError {
			if o.Username != "" && o.Username != ss.s.opts.User || !ss.checkToken(ss.s.opts.User, o.Token, mech) {
				return &sasl.OAuthBearerError{Status: "invalid_token", Schemes: "bearer"}
			}
			return nil
		})}, nil
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != ss.s.opts.User || password != ss.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		ss.auth, ss.mech = username, sasl.Plain
		return nil
	}), nil
}

const mechXOAuth2 = "XOAUTH2"

// checkToken records token and says whether user may log in with it.
func (ss *session) checkToken(user, token, mech string) bool {
	ss.s.mu.Lock()
	ss.s.tokens = append(ss.s.tokens, token)
	ss.s.mu.Unlock()
	if user != ss.s.opts.User || ss.s.opts.AcceptToken == nil || !ss.s.opts.AcceptToken(token) {
		return false
	}
	ss.auth, ss.mech = user, mech
	return true
}

// errTokenRefused is Microsoft 365's reply to a refused token.
var errTokenRefused = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 3}, Message: "Authentication unsuccessful"}

// xoauth2Server is the server side of XOAUTH2: "user=U\x01auth=Bearer T\x01\x01"; a
// refused token gets a JSON error challenge, the client's empty answer then 535.
type xoauth2Server struct {
	check   func(user, token, mech string) bool
	refused bool
}

func (x *xoauth2Server) Next(response []byte) ([]byte, bool, error) {
	if x.refused {
		return nil, true, errTokenRefused
	}
	if response == nil {
		return []byte{}, false, nil
	}
	var user, token string
	for _, kv := range strings.Split(string(response), "\x01") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "user":
			user = v
		case "auth":
			if t, ok := strings.CutPrefix(v, "Bearer "); ok {
				token = t
			}
		}
	}
	if token == "" || !x.check(user, token, mechXOAuth2) {
		x.refused = true
		return []byte(`{"status":"401","schemes":"bearer","scope":"https://outlook.office365.com/.default"}`), false, nil
	}
	return nil, true, nil
}

// refusedAs535 ends a refused SASL exchange with 535, as mail servers do, rather than
// go-smtp's 454 for a mechanism's error.
type refusedAs535 struct{ sasl.Server }

func (r refusedAs535) Next(response []byte) ([]byte, bool, error) {
	c, done, err := r.Server.Next(response)
	if err != nil {
		err = errTokenRefused
	}
	return c, done, err
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.User != "" && ss.auth == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	code := ss.s.rejectRcpt[strings.ToLower(to)]
	ss.s.mu.Unlock()
	if code != 0 {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 1, 1}, Message: "mailbox unavailable"}
	}
	if ss.s.opts.Reject != nil {
		if e := ss.s.opts.Reject(AtRcpt, to); e != nil {
			return e
		}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	code := 0
	if len(ss.s.failData) > 0 {
		code = ss.s.failData[0]
		ss.s.failData = ss.s.failData[1:]
	}
	ss.s.mu.Unlock()
	if code != 0 {
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 3, 0}, Message: "try again later"}
	}
	if ss.s.opts.Reject != nil {
		if e := ss.s.opts.Reject(AtData, ""); e != nil {
			return e
		}
	}
	_, isTLS := ss.conn.TLSConnectionState()
	m := Message{From: ss.from, To: append([]string(nil), ss.to...), Raw: raw,
		Helo: ss.conn.Hostname(), AuthAs: ss.auth, AuthMech: ss.mech, TLS: isTLS}
	if mr, err := mail.CreateReader(bytes.NewReader(raw)); err == nil {
		m.Subject, _ = mr.Header.Subject()
		m.MessageID, _ = mr.Header.MessageID()
		m.Language = mr.Header.Get("Content-Language")
		m.XWSISBot = mr.Header.Get("X-WSISBot")
	}
	ss.s.receive(m)
	return nil
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, valid for a day.
func selfSigned() (*tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("smtptest: certificate key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.IPv6loopback},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("smtptest: certificate: %w", err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// Silent listens on a loopback port and accepts connections without ever greeting, as a
// hung server does; the connections and the listener are closed when the test ends. It
// plays any server that speaks first (SMTP, IMAP). It returns the address.
func Silent(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}
