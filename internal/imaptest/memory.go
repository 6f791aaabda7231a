package imaptest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
)

// MemoryOptions configure an in-memory server.
type MemoryOptions struct {
	// IMAP4rev1Only advertises IMAP4rev1 alone (imapserver's Caps: nil): no MOVE, no
	// UIDPLUS; IDLE is still offered.
	IMAP4rev1Only bool
	// RefuseCreate makes CREATE fail for every mailbox.
	RefuseCreate bool
	// OAuthMechanisms are offered besides PLAIN ("XOAUTH2", "OAUTHBEARER"); ValidToken
	// says which tokens are accepted.
	OAuthMechanisms []string
	ValidToken      func(token string) bool
	// TLS serves STARTTLS with this configuration; with ImplicitTLS the listener speaks
	// TLS from the first byte instead.
	TLS         *tls.Config
	ImplicitTLS bool
	// RefuseBody makes the server answer NO to a FETCH of the body of a message whose
	// UID it returns true for (a message the server cannot read back).
	RefuseBody func(uid uint32) bool
	// NoBody makes the server answer a FETCH of the body of a message, for the UIDs it
	// returns an answer other than BodySent for, without the body: "BODY[] NIL", a
	// response with no body section, or no response at all. It is called outside any
	// lock of the server, once per message and FETCH. With it set, TLS must be implicit
	// or absent (the NIL is written into the clear-text stream).
	NoBody func(uid uint32) BodyAnswer
	// Addr is where to listen; "127.0.0.1:0" (any free port) when empty.
	Addr string
	// User and Password are the one account's; a fixed test account when User is empty.
	User, Password string
	// Logger receives the server's error lines; StartMemory sends them to the test log,
	// NewMemory drops them when nil.
	Logger interface {
		Printf(format string, args ...any)
	}
}

// BodyAnswer is how the server answers a FETCH of a message's body.
type BodyAnswer int

const (
	BodySent       BodyAnswer = iota // the body, as it is stored
	BodyNIL                          // BODY[] NIL
	BodyOmitted                      // a FETCH response with the UID and no body section
	BodyUnanswered                   // no FETCH response for the message at all
)

// Memory is go-imap's in-memory server on a loopback port.
type Memory struct {
	opts    MemoryOptions
	mem     *imapmemserver.Server
	user    *imapmemserver.User
	addr    string
	mu      sync.Mutex
	srv     *imapserver.Server
	tokens  []string // tokens presented, in order
	creates int
}

const (
	memUser     = "wsis@test.local"
	memPassword = "consultation-2019"
)

// NewMemory starts an in-memory server with an INBOX, serving until Close.
func NewMemory(opts MemoryOptions) (*Memory, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.User == "" {
		opts.User, opts.Password = memUser, memPassword
	}
	if opts.Logger == nil {
		opts.Logger = discardLogger{}
	}
	m := &Memory{opts: opts, mem: imapmemserver.New(), user: imapmemserver.NewUser(opts.User, opts.Password)}
	if err := m.user.Create("INBOX", nil); err != nil {
		return nil, fmt.Errorf("imaptest: create INBOX: %w", err)
	}
	m.mem.AddUser(m.user)
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("imaptest: listen: %w", err)
	}
	m.addr = ln.Addr().String()
	m.serve(ln)
	return m, nil
}

// StartMemory is NewMemory for a test: server errors go to the test log, a failure to
// start fails the test, and the server stops when the test ends.
func StartMemory(t testing.TB, opts MemoryOptions) *Memory {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = newTestLogger(t)
	}
	m, err := NewMemory(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// Close stops the server and closes every connection.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.srv.Close()
}

// Append puts raw into mailbox with the given internal date (now when zero), straight
// into the server's store, and returns its UID.
func (m *Memory) Append(mailbox string, raw []byte, date time.Time) (uint32, error) {
	data, err := m.user.Append(mailbox, bytes.NewReader(raw), &imap.AppendOptions{Time: date})
	if err != nil {
		return 0, fmt.Errorf("imaptest: append to %s: %w", mailbox, err)
	}
	return uint32(data.UID), nil
}

// discardLogger drops the server's log lines.
type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}

func (m *Memory) serve(ln net.Listener) {
	var caps imap.CapSet
	if !m.opts.IMAP4rev1Only {
		caps = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}
	}
	tlsConfig := m.opts.TLS
	if m.opts.ImplicitTLS {
		ln = tls.NewListener(ln, m.opts.TLS)
		tlsConfig = nil
	}
	if m.opts.NoBody != nil {
		ln = nilBodyListener{ln}
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &memSession{m: m}, nil, nil
		},
		Caps:         caps,
		Logger:       m.opts.Logger,
		TLSConfig:    tlsConfig,
		InsecureAuth: true,
	})
	m.mu.Lock()
	m.srv = srv
	m.mu.Unlock()
	go srv.Serve(ln) //nolint:errcheck
}

func (m *Memory) Name() string {
	if m.opts.IMAP4rev1Only {
		return "memory-rev1"
	}
	return "memory"
}
func (m *Memory) Addr() string     { return m.addr }
func (m *Memory) User() string     { return m.opts.User }
func (m *Memory) Password() string { return m.opts.Password }
func (m *Memory) HasMove() bool    { return !m.opts.IMAP4rev1Only }

// Restart closes the server and every connection, and listens again on the same port.
func (m *Memory) Restart(t testing.TB) {
	t.Helper()
	m.mu.Lock()
	m.srv.Close()
	m.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ln, err := net.Listen("tcp", m.addr)
		if err == nil {
			m.serve(ln)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("imaptest: listen again on %s: %v", m.addr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Tokens returns the OAuth tokens clients presented, in order.
func (m *Memory) Tokens() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.tokens...)
}

// Creates counts CREATE commands (refused ones included).
func (m *Memory) Creates() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.creates
}

// ResetMailbox deletes mailbox and creates it again, empty, under a new UIDVALIDITY.
func (m *Memory) ResetMailbox(t testing.TB, mailbox string) {
	t.Helper()
	if err := m.user.Delete(mailbox); err != nil {
		t.Fatalf("imaptest: delete %s: %v", mailbox, err)
	}
	if err := m.user.Create(mailbox, nil); err != nil {
		t.Fatalf("imaptest: create %s: %v", mailbox, err)
	}
}

// memSession is the in-memory user session with CREATE refusal and OAuth added.
type memSession struct {
	*imapmemserver.UserSession // nil until authenticated
	m                          *Memory
}

var (
	_ imapserver.SessionSASL = (*memSession)(nil)
	_ imapserver.SessionMove = (*memSession)(nil)
)

func (s *memSession) Close() error {
	if s.UserSession == nil {
		return nil
	}
	return s.UserSession.Close()
}

func (s *memSession) Login(username, password string) error {
	if err := s.m.user.Login(username, password); err != nil {
		return err
	}
	s.UserSession = imapmemserver.NewUserSession(s.m.user)
	return nil
}

func (s *memSession) Create(name string, options *imap.CreateOptions) error {
	s.m.mu.Lock()
	s.m.creates++
	s.m.mu.Unlock()
	if s.m.opts.RefuseCreate {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeNoPerm, Text: "Creating mailboxes is not allowed here"}
	}
	return s.UserSession.Create(name, options)
}

func (s *memSession) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	if refuse := s.m.opts.RefuseBody; refuse != nil && len(options.BodySection) > 0 {
		if uids, ok := numSet.(imap.UIDSet); ok {
			for _, r := range uids {
				stop := r.Stop
				if stop == 0 {
					stop = r.Start + 10000
				}
				for u := r.Start; u <= stop; u++ {
					if refuse(uint32(u)) {
						return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeServerBug,
							Text: fmt.Sprintf("Message %d cannot be read", u)}
					}
				}
			}
		}
	}
	if s.m.opts.NoBody != nil && len(options.BodySection) > 0 {
		return s.fetchNoBody(w, numSet, options)
	}
	return s.UserSession.Fetch(w, numSet, options)
}

// fetchNoBody answers the messages NoBody picks itself, without their body, and the
// others as usual.
func (s *memSession) fetchNoBody(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	criteria := &imap.SearchCriteria{}
	switch set := numSet.(type) {
	case imap.UIDSet:
		criteria.UID = []imap.UIDSet{set}
	case imap.SeqSet:
		criteria.SeqNum = []imap.SeqSet{set}
	}
	byUID, err := s.UserSession.Search(imapserver.NumKindUID, criteria, &imap.SearchOptions{})
	if err != nil {
		return err
	}
	uids := byUID.AllUIDs()
	seqs := make([]uint32, len(uids))
	for i, uid := range uids {
		one, err := s.UserSession.Search(imapserver.NumKindSeq, &imap.SearchCriteria{UID: []imap.UIDSet{imap.UIDSetNum(uid)}}, &imap.SearchOptions{})
		if err != nil {
			return err
		}
		if all := one.AllSeqNums(); len(all) == 1 {
			seqs[i] = all[0]
		}
	}
	var rest imap.UIDSet
	for i, uid := range uids {
		if seqs[i] == 0 {
			continue // expunged, not yet reported to this session
		}
		answer := s.m.opts.NoBody(uint32(uid))
		switch answer {
		case BodySent:
			rest.AddNum(uid)
			continue
		case BodyUnanswered:
			continue
		}
		rw := w.CreateMessage(seqs[i])
		rw.WriteUID(uid)
		if answer == BodyNIL {
			// The literal is turned into NIL on its way out (nilBodyConn).
			lw := rw.WriteBodySection(options.BodySection[0], int64(len(nilMarker)))
			if _, err := lw.Write([]byte(nilMarker)); err != nil {
				return err
			}
			if err := lw.Close(); err != nil {
				return err
			}
		}
		if err := rw.Close(); err != nil {
			return err
		}
	}
	if len(rest) == 0 {
		return nil
	}
	return s.UserSession.Fetch(w, rest, options)
}

// nilMarker is the literal the server writes for a body it answers NIL; nilBodyConn
// replaces the literal with NIL.
const nilMarker = "\x00imaptest: this body is NIL\x00"

var nilLiteral = []byte(fmt.Sprintf("{%d}\r\n%s", len(nilMarker), nilMarker))

type nilBodyListener struct{ net.Listener }

func (l nilBodyListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &nilBodyConn{Conn: c}, nil
}

// nilBodyConn writes "NIL" in place of each nilLiteral. A write ending with the
// beginning of one keeps that end back until the next write: a response never ends
// there (it ends with CRLF), so nothing waits for long.
type nilBodyConn struct {
	net.Conn
	mu   sync.Mutex
	held []byte
}

func (c *nilBodyConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	buf := bytes.ReplaceAll(append(c.held, b...), nilLiteral, []byte("NIL"))
	keep := 0
	for n := min(len(nilLiteral)-1, len(buf)); n > 0; n-- {
		if bytes.HasSuffix(buf, nilLiteral[:n]) {
			keep = n
			break
		}
	}
	c.held = append(c.held[:0], buf[len(buf)-keep:]...)
	if _, err := c.Conn.Write(buf[:len(buf)-keep]); err != nil {
		return 0, err
	}
	return len(b), nil
}

// Idle works around the in-memory server reporting only changes made while IDLE runs:
// changes queued just before IDLE started wait for the next change. IDLE is restarted
// every 50 ms inside, each time reporting what was queued.
func (s *memSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	for {
		tick := make(chan struct{})
		t := time.AfterFunc(50*time.Millisecond, func() { close(tick) })
		err := s.UserSession.Idle(w, mergeStop(stop, tick))
		t.Stop()
		if err != nil {
			return err
		}
		select {
		case <-stop:
			return nil
		default:
		}
		if err := s.UserSession.Poll(w, true); err != nil {
			return err
		}
	}
}

// mergeStop closes its result when a or b is closed.
func mergeStop(a, b <-chan struct{}) <-chan struct{} {
	out := make(chan struct{})
	go func() {
		select {
		case <-a:
		case <-b:
		}
		close(out)
	}()
	return out
}

func (s *memSession) AuthenticateMechanisms() []string {
	return append([]string{sasl.Plain}, s.m.opts.OAuthMechanisms...)
}

func (s *memSession) Authenticate(mech string) (sasl.Server, error) {
	switch strings.ToUpper(mech) {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && identity != username {
				return errors.New("identity not supported")
			}
			return s.Login(username, password)
		}), nil
	case "XOAUTH2":
		if s.offers("XOAUTH2") {
			return &xoauth2Server{s: s}, nil
		}
	case sasl.OAuthBearer:
		if s.offers(sasl.OAuthBearer) {
			return imapErrors{sasl.NewOAuthBearerServer(func(o sasl.OAuthBearerOptions) *sasl.OAuthBearerError {
				if s.checkToken(o.Username, o.Token) {
					return nil
				}
				return &sasl.OAuthBearerError{Status: "invalid_token", Schemes: "bearer"}
			})}, nil
		}
	}
	return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "SASL mechanism not supported"}
}

func (s *memSession) offers(mech string) bool {
	for _, m := range s.m.opts.OAuthMechanisms {
		if strings.EqualFold(m, mech) {
			return true
		}
	}
	return false
}

func (s *memSession) checkToken(user, token string) bool {
	s.m.mu.Lock()
	s.m.tokens = append(s.m.tokens, token)
	s.m.mu.Unlock()
	if user != s.m.opts.User || s.m.opts.ValidToken == nil || !s.m.opts.ValidToken(token) {
		return false
	}
	s.UserSession = imapmemserver.NewUserSession(s.m.user)
	return true
}

// xoauth2Server is the server side of XOAUTH2 as Google and Microsoft run it: a refused
// token gets a JSON challenge, the client's empty answer then a NO.
type xoauth2Server struct {
	s       *memSession
	refused bool
}

var errAuthFailed = &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed, Text: "Invalid credentials"}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.refused {
		return nil, true, errAuthFailed
	}
	if resp == nil {
		return []byte{}, false, nil
	}
	var user, token string
	for _, kv := range strings.Split(string(resp), "\x01") {
		switch {
		case strings.HasPrefix(kv, "user="):
			user = strings.TrimPrefix(kv, "user=")
		case strings.HasPrefix(kv, "auth=Bearer "):
			token = strings.TrimPrefix(kv, "auth=Bearer ")
		}
	}
	if x.s.checkToken(user, token) {
		return nil, true, nil
	}
	x.refused = true
	return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`), false, nil
}

// imapErrors turns a SASL server's refusal into NO [AUTHENTICATIONFAILED], as real
// servers answer (go-sasl's own error would become NO [SERVERBUG]).
type imapErrors struct{ sasl.Server }

func (e imapErrors) Next(resp []byte) ([]byte, bool, error) {
	ch, done, err := e.Server.Next(resp)
	if err != nil {
		return nil, true, errAuthFailed
	}
	return ch, done, nil
}
