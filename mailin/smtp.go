package mailin

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/wsis/wsisbot/internal/loopback"
	"github.com/wsis/wsisbot/store"
)

// The SMTP connection security modes (WSISBOT_SMTP_TLS).
const (
	SMTPImplicitTLS = "tls"      // TLS from the first byte (port 465)
	SMTPStartTLS    = "starttls" // plain connection upgraded with STARTTLS (port 587)
	SMTPPlain       = "none"     // no TLS: only to a server on this machine
)

// SMTPSender delivers messages to one SMTP server (a submission server or a relay).
// A connection says hello with our domain and authenticates when a user is configured;
// after a message it is kept for the next one (up to 30 s idle).
//
// Errors: a 5xx reply to MAIL, RCPT or DATA is permanent (store.Permanent: retrying
// will not help this message). A server that cannot be reached or will not start a
// session (connection refused, timeout, DNS, TLS handshake, greeting and EHLO, a 421
// "service not available", a connection lost before the message was sent) is
// store.Unavailable: the outbox worker pauses and the message keeps its attempts.
// Everything else is temporary and retried with the item's backoff: other 4xx replies
// (450, 451, 452...), AUTH failures, a connection lost during or after the message.
type SMTPSender struct {
	addr     string
	host     string
	mode     string
	user     string
	password string
	hello    string
	timeout  time.Duration

	mu   sync.Mutex
	idle []*smtpConn // connections kept for the next message, most recent last
	auth SMTPAuthStatus

	// TLSConfig, when set, replaces the default TLS configuration (system roots,
	// the server's host name); tests set their own roots.
	TLSConfig *tls.Config
	// Tokens, when set, gives the OAuth access tokens to authenticate WSISBOT_SMTP_USER
	// with (XOAUTH2, else OAUTHBEARER). NewSMTPSender builds it from the OAuth settings;
	// serve replaces it with the source the intake shares.
	Tokens TokenSource
	// AuthRetry is how long sending waits, after the server refused a renewed token,
	// before it tries to authenticate again (default 2 minutes): meanwhile every message
	// fails at once as store.Unavailable, keeping its attempts.
	AuthRetry time.Duration
	// Logger logs the refusals of OAuth tokens (default slog.Default()).
	Logger *slog.Logger
}

// SMTPAuthStatus is whether the server takes our OAuth tokens, for the watchdog.
type SMTPAuthStatus struct {
	Refused bool      // the server refused a renewed token: sending waits for a person
	Error   string    // why, in our words
	At      time.Time // when that was last seen (wall clock); zero when never tried
}

// ValidateSMTP checks the SMTP settings: an address with a port, a known TLS mode,
// "none" only towards a loopback server, a From address, and a password whenever a
// user is set.
func (c MailConfig) ValidateSMTP() error {
	var errs []error
	host, port, err := net.SplitHostPort(c.SMTPAddr)
	if err != nil || host == "" || port == "" {
		errs = append(errs, fmt.Errorf("WSISBOT_SMTP_ADDR: not host:port: %q", c.SMTPAddr))
	}
	switch c.SMTPTLS {
	case SMTPImplicitTLS, SMTPStartTLS:
	case SMTPPlain:
		if err == nil {
			if err := loopback.RequirePlaintext("WSISBOT_SMTP_TLS=none", host); err != nil {
				errs = append(errs, err)
			}
		}
	default:
		errs = append(errs, fmt.Errorf("WSISBOT_SMTP_TLS: must be tls, starttls or none, not %q", c.SMTPTLS))
	}
	if _, err := c.FromAddress(); err != nil {
		errs = append(errs, err)
	}
	if c.SMTPUser != "" && c.SMTPPassword == "" && !c.OAuth.Enabled() {
		errs = append(errs, errors.New("WSISBOT_SMTP_PASSWORD (or WSISBOT_SMTP_PASSWORD_FILE), or OAuth (WSISBOT_OAUTH), is required with WSISBOT_SMTP_USER"))
	}
	if c.SMTPUser == "" && c.SMTPPassword != "" {
		errs = append(errs, errors.New("WSISBOT_SMTP_PASSWORD is set without WSISBOT_SMTP_USER"))
	}
	if c.SMTPUser != "" && c.SMTPPassword == "" {
		if err := c.OAuth.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.SMTPTimeout < 0 {
		errs = append(errs, fmt.Errorf("WSISBOT_SMTP_TIMEOUT: must not be negative: %s", c.SMTPTimeout))
	}
	return errors.Join(errs...)
}

// NewSMTPSender validates cfg and returns a sender for it.
func NewSMTPSender(cfg MailConfig) (*SMTPSender, error) {
	if err := cfg.ValidateSMTP(); err != nil {
		return nil, fmt.Errorf("mailin: smtp: %w", err)
	}
	from, _ := cfg.FromAddress()
	host, _, _ := net.SplitHostPort(cfg.SMTPAddr)
	timeout := cfg.SMTPTimeout
	if timeout == 0 {
		timeout = time.Minute
	}
	s := &SMTPSender{addr: cfg.SMTPAddr, host: host, mode: cfg.SMTPTLS, user: cfg.SMTPUser, password: cfg.SMTPPassword,
		hello: outDomain(from.Address), timeout: timeout}
	if cfg.SMTPUser != "" && cfg.SMTPPassword == "" {
		ts, err := NewTokenSource(cfg.OAuth)
		if err != nil {
			return nil, fmt.Errorf("mailin: smtp: %w", err)
		}
		s.Tokens = ts
	}
	return s, nil
}

// String describes the sender for logs, without credentials.
func (s *SMTPSender) String() string {
	auth := "no AUTH"
	switch {
	case s.user != "" && s.password == "" && s.Tokens != nil:
		auth = "AUTH with an OAuth token as " + s.user
	case s.user != "":
		auth = "AUTH PLAIN as " + s.user
	}
	return fmt.Sprintf("smtp://%s (%s, %s)", s.addr, s.mode, auth)
}

func (s *SMTPSender) tlsConfig() *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.TLSConfig != nil {
		c = s.TLSConfig.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = s.host
	}
	return c
}

// Send delivers raw to the recipients in to. envelopeFrom is the reverse path: "" sends
// MAIL FROM:<>, the null reverse path of automatic replies (RFC 3834), so that nothing
// bounces back to an acknowledgement. ctx cancels the whole exchange.
func (s *SMTPSender) Send(ctx context.Context, envelopeFrom string, to []string, raw []byte) error {
	if len(to) == 0 {
		return store.Permanent(errors.New("smtp: no recipient"))
	}
	for _, rcpt := range append([]string{envelopeFrom}, to...) {
		if rcpt != "" && !outValidAddr(rcpt) {
			return store.Permanent(fmt.Errorf("smtp: invalid address %q", rcpt))
		}
	}
	err := s.send(ctx, envelopeFrom, to, raw)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("smtp: %w (%v)", ctx.Err(), err)
	}
	return err
}

// smtpIdleTimeout is how long an idle connection is kept for the next message;
// smtpMaxIdle is how many are kept.
const (
	smtpIdleTimeout = 30 * time.Second
	smtpMaxIdle     = 16
)

// smtpConn is an open, greeted (and authenticated) SMTP session.
type smtpConn struct {
	c    *smtp.Client
	conn net.Conn
	idle time.Time // when it was put back
}

// take is the most recently used idle connection, or nil; connections idle for longer
// than smtpIdleTimeout are closed.
func (s *SMTPSender) take() *smtpConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.idle) > 0 {
		sc := s.idle[len(s.idle)-1]
		s.idle = s.idle[:len(s.idle)-1]
		if time.Since(sc.idle) < smtpIdleTimeout {
			return sc
		}
		sc.c.Close()
	}
	return nil
}

// put keeps sc for the next message, or closes it when enough are kept.
func (s *SMTPSender) put(sc *smtpConn) {
	sc.idle = time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.idle) >= smtpMaxIdle {
		sc.c.Close()
		return
	}
	s.idle = append(s.idle, sc)
}

// Close closes the idle connections. The sender stays usable.
func (s *SMTPSender) Close() {
	s.mu.Lock()
	idle := s.idle
	s.idle = nil
	s.mu.Unlock()
	for _, sc := range idle {
		_ = sc.c.Quit()
		sc.c.Close()
	}
}

// send uses an idle connection when there is one. A reused connection that fails
// before the server accepted DATA (it was closed meanwhile, or refuses a further
// message on this session) delivered nothing: the message is sent again, once, on a
// fresh connection. After DATA was accepted it never is: the outcome stands.
func (s *SMTPSender) send(ctx context.Context, envelopeFrom string, to []string, raw []byte) error {
	if sc := s.take(); sc != nil {
		unsent, err := s.transact(ctx, sc, envelopeFrom, to, raw)
		if err == nil || !unsent || ctx.Err() != nil {
			return err
		}
	}
	sc, err := s.dialAuth(ctx)
	if err != nil {
		return err
	}
	_, err = s.transact(ctx, sc, envelopeFrom, to, raw)
	return err
}

// AuthStatus says whether the server takes our OAuth tokens.
func (s *SMTPSender) AuthStatus() SMTPAuthStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auth
}

// smtpAuthRetry is how long sending waits after a renewed token was refused.
const smtpAuthRetry = 2 * time.Minute

// dialAuth opens an authenticated connection. With OAuth, a refused token is dropped
// and a new one tried once, on a new connection; refused again, the failure is an
// outage (store.Unavailable: the message keeps its attempts) and for AuthRetry every
// message fails at once with it, without troubling the server or the token endpoint.
func (s *SMTPSender) dialAuth(ctx context.Context) (*smtpConn, error) {
	if s.Tokens == nil || s.password != "" {
		return s.dial(ctx, "")
	}
	s.mu.Lock()
	refused, until := s.auth.Refused, s.auth.At.Add(s.authRetry())
	why := s.auth.Error
	s.mu.Unlock()
	if refused && time.Now().Before(until) {
		return nil, store.Unavailable(fmt.Errorf("smtp: %s; trying again after %s", why, until.Format(time.TimeOnly)))
	}
	for attempt := 0; ; attempt++ {
		tok, err := s.Tokens.Token(ctx)
		if err != nil {
			// The token endpoint is the far end that fails: the message waits.
			if TokenErrorPermanent(err) {
				if !refused {
					s.logger().Error("smtp: no OAuth access token: mail waits in the outbox until a person fixes the credentials; trying again every "+s.authRetry().String(),
						"addr", s.addr, "user", s.user, slog.Any("error", err))
				}
				s.setAuth(true, Summary(err))
			}
			return nil, store.Unavailable(fmt.Errorf("smtp: %w", err))
		}
		sc, err := s.dial(ctx, tok)
		var refusedErr *authRefusedError
		if !errors.As(err, &refusedErr) {
			if err == nil {
				if refused {
					s.logger().Info("smtp: the server takes the access token again", "addr", s.addr, "user", s.user)
				}
				s.setAuth(false, "")
			}
			return sc, err
		}
		s.Tokens.Invalidate(tok)
		if attempt == 0 {
			if !refused {
				s.logger().Warn("smtp: the server refused the access token; getting a new one", "addr", s.addr, "user", s.user, slog.Any("error", err))
			}
			continue
		}
		s.setAuth(true, store.TokenRefused)
		if refused {
			s.logger().Info("smtp: the server still refuses the access token", "retry_in", s.authRetry(), slog.Any("error", err))
		} else {
			// Said once per outage at error level; the watchdog alerts the channel.
			s.logger().Error("smtp: the server refused a renewed access token: mail waits in the outbox until a person fixes the app's permissions or the mailbox; trying again every "+s.authRetry().String(),
				"addr", s.addr, "user", s.user, slog.Any("error", err))
		}
		return nil, store.Unavailable(err)
	}
}

func (s *SMTPSender) setAuth(refused bool, why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth = SMTPAuthStatus{Refused: refused, Error: why, At: time.Now()}
}

func (s *SMTPSender) authRetry() time.Duration {
	if s.AuthRetry > 0 {
		return s.AuthRetry
	}
	return smtpAuthRetry
}

func (s *SMTPSender) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger.With("component", "mailin")
	}
	return slog.Default().With("component", "mailin")
}

// dial opens a connection, says hello and authenticates: with token when there is one,
// else with the password when a user is set.
func (s *SMTPSender) dial(ctx context.Context, token string) (*smtpConn, error) {
	dialer := &net.Dialer{Timeout: s.timeout, KeepAlive: 30 * time.Second}
	var conn net.Conn
	var err error
	if s.mode == SMTPImplicitTLS {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: s.tlsConfig()}).DialContext(ctx, "tcp", s.addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", s.addr)
	}
	if err != nil {
		return nil, store.Unavailable(fmt.Errorf("smtp: connect to %s: %w", s.addr, err))
	}
	// The client has no context: closing the connection is how ctx interrupts it.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	var c *smtp.Client
	if s.mode == SMTPStartTLS {
		// go-smtp says EHLO as "localhost" before STARTTLS; after it, we say our name.
		if c, err = smtp.NewClientStartTLS(conn, s.tlsConfig()); err != nil {
			conn.Close()
			return nil, store.Unavailable(fmt.Errorf("smtp: STARTTLS with %s: %w", s.addr, err))
		}
	} else {
		c = smtp.NewClient(conn)
	}
	c.CommandTimeout = s.timeout
	c.SubmissionTimeout = 2 * s.timeout

	if err := c.Hello(s.hello); err != nil {
		c.Close()
		return nil, store.Unavailable(fmt.Errorf("smtp: EHLO %s to %s: %w", s.hello, s.addr, err))
	}
	if s.user != "" {
		ok, mechs := c.Extension("AUTH")
		if !ok {
			c.Close()
			return nil, fmt.Errorf("smtp: %s offers no AUTH but WSISBOT_SMTP_USER is set", s.addr)
		}
		if token != "" {
			err = s.authOAuth(c, strings.Fields(mechs), token)
		} else if err = c.Auth(sasl.NewPlainClient("", s.user, s.password)); err != nil {
			err = fmt.Errorf("smtp: AUTH PLAIN as %s: %w", s.user, err)
		}
		if err != nil {
			c.Close()
			return nil, err
		}
	}
	return &smtpConn{c: c, conn: conn}, nil
}

// authOAuth authenticates with token: XOAUTH2 when the server offers it (Microsoft 365
// and Gmail do), else OAUTHBEARER. A 5xx reply (535 5.7.3, 535 5.7.8...) refuses the
// token (authRefusedError); a 4xx one is temporary.
func (s *SMTPSender) authOAuth(c *smtp.Client, offered []string, token string) error {
	var mech string
	switch {
	case slices.ContainsFunc(offered, func(m string) bool { return strings.EqualFold(m, mechXOAuth2) }):
		mech = mechXOAuth2
	case slices.ContainsFunc(offered, func(m string) bool { return strings.EqualFold(m, mechOAuthBearer) }):
		mech = mechOAuthBearer
	default:
		return store.Unavailable(fmt.Errorf("smtp: OAuth (WSISBOT_OAUTH) is configured but %s offers neither XOAUTH2 nor OAUTHBEARER (it offers %s)",
			s.addr, strings.Join(offered, ", ")))
	}
	oc := newOAuthClient(mech, s.user, token, s.addr)
	err := c.Auth(oc)
	if err == nil {
		return nil
	}
	err = fmt.Errorf("smtp: AUTH %s as %s: %w", mech, s.user, err)
	if oc.refusal != nil {
		err = fmt.Errorf("%w (status %q, scope %q)", err, oc.refusal.Status, oc.refusal.Scope)
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 {
		return &authRefusedError{mech: mech, token: true, err: err}
	}
	return store.Unavailable(err)
}

// transact sends one message on sc, then keeps sc for the next one or closes it. A
// message accepted at the end of DATA ends its mail transaction (RFC 5321, 4.1.1.4): the
// connection is ready for the next MAIL FROM without an RSET, and a connection that
// died meanwhile fails that MAIL FROM, before anything is sent. unsent reports a failure
// before the server accepted DATA: nothing was delivered.
func (s *SMTPSender) transact(ctx context.Context, sc *smtpConn, envelopeFrom string, to []string, raw []byte) (unsent bool, err error) {
	stop := context.AfterFunc(ctx, func() { sc.conn.Close() })
	keep := false
	defer func() {
		if stop() && keep {
			s.put(sc)
			return
		}
		sc.c.Close()
	}()
	c := sc.c
	var opts *smtp.MailOptions
	if !smtpASCII(envelopeFrom) || !smtpASCII(strings.Join(to, "")) {
		if ok, _ := c.Extension("SMTPUTF8"); !ok {
			return true, store.Permanent(fmt.Errorf("smtp: %s does not support SMTPUTF8, needed for %s", s.addr, strings.Join(to, ", ")))
		}
		opts = &smtp.MailOptions{UTF8: true}
	}
	if err := c.Mail(envelopeFrom, opts); err != nil {
		return true, smtpReplyError("MAIL FROM:<"+envelopeFrom+">", err, true)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return true, smtpReplyError("RCPT TO:<"+rcpt+">", err, true)
		}
	}
	wc, err := c.Data()
	if err != nil {
		return true, smtpReplyError("DATA", err, true)
	}
	if _, err := wc.Write(raw); err != nil {
		return false, fmt.Errorf("smtp: DATA: %w", err)
	}
	if err := wc.Close(); err != nil {
		return false, smtpReplyError("end of DATA", err, false)
	}
	// The message is accepted; whatever happens to the connection now changes nothing.
	keep = true
	return false, nil
}

// smtpReplyError makes a 5xx reply permanent and a 421 (the server is closing) an
// outage. Before the message is sent (unsent), a lost connection is an outage too:
// nothing was delivered. Everything else is temporary.
func smtpReplyError(stage string, err error, unsent bool) error {
	err = fmt.Errorf("smtp: %s: %w", stage, err)
	var se *smtp.SMTPError
	switch {
	case errors.As(err, &se) && se.Code >= 500 && se.Code <= 599:
		return store.Permanent(err)
	case errors.As(err, &se) && se.Code == 421:
		return store.Unavailable(err)
	case se == nil && unsent:
		return store.Unavailable(err)
	}
	return err
}

func smtpASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
