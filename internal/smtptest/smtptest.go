// Package smtptest is an SMTP server on a loopback port that accepts every message and
// keeps it (go-smtp's server, in process), for tests and the demo. It can be stopped and
// started again on the same port, to play a mail server that goes away.
package smtptest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"
)

// Options configure a Server.
type Options struct {
	// Addr is where to listen; "127.0.0.1:0" (any free port) when empty.
	Addr string
	// Out, when set, receives one line per message received: recipients, language and
	// subject.
	Out io.Writer
}

// Message is one message the server accepted.
type Message struct {
	From string   // the envelope sender ("" for the null reverse-path)
	To   []string // the envelope recipients
	// Header fields read from the message ("" when absent or unreadable).
	Subject, MessageID, Language, XWSISBot string
	Raw                                    []byte
}

// Server is the capturing SMTP server.
type Server struct {
	opts Options
	addr string

	mu   sync.Mutex
	srv  *smtp.Server // nil while stopped
	msgs []Message
}

// New listens on opts.Addr and serves until Stop.
func New(opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	s := &Server{opts: opts}
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
	defer s.mu.Unlock()
	if s.srv != nil {
		s.srv.Close()
		s.srv = nil
	}
}

// Start serves again on the same address, keeping the messages received so far.
func (s *Server) Start() error {
	s.mu.Lock()
	running := s.srv != nil
	s.mu.Unlock()
	if running {
		return errors.New("smtptest: already serving")
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("smtptest: listen again on %s: %w", s.addr, err)
	}
	s.serve(ln)
	return nil
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

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

// session is one SMTP transaction at a time: MAIL, RCPT..., DATA.
type session struct {
	s    *Server
	from string
	to   []string
}

func (ss *session) Reset() {
	ss.from, ss.to = "", nil
}

func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Message{From: ss.from, To: append([]string(nil), ss.to...), Raw: raw}
	if mr, err := mail.CreateReader(bytes.NewReader(raw)); err == nil {
		m.Subject, _ = mr.Header.Subject()
		m.MessageID, _ = mr.Header.MessageID()
		m.Language = mr.Header.Get("Content-Language")
		m.XWSISBot = mr.Header.Get("X-WSISBot")
	}
	ss.s.receive(m)
	return nil
}
