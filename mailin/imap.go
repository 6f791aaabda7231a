package mailin

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-sasl"

	"github.com/wsis/wsisbot/internal/loopback"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
)

// TLS modes of WSISBOT_IMAP_TLS.
const (
	TLSImplicit = "tls"      // TLS from the first byte (port 993)
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS (port 143)
	TLSNone     = "none"     // no encryption: loopback and tests only
)

// Validate checks the IMAP settings; each message names the variable. An empty Addr
// means no intake and is valid.
func (c IMAPConfig) Validate() error {
	if c.Addr == "" {
		return nil
	}
	var errs []error
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		errs = append(errs, fmt.Errorf("WSISBOT_IMAP_ADDR: not host:port: %q", c.Addr))
	}
	switch c.TLS {
	case TLSImplicit, TLSStartTLS:
	case TLSNone:
		if err == nil {
			if err := loopback.RequirePlaintext("WSISBOT_IMAP_TLS=none", host); err != nil {
				errs = append(errs, err)
			}
		}
	default:
		errs = append(errs, fmt.Errorf("WSISBOT_IMAP_TLS: must be tls, starttls or none, not %q", c.TLS))
	}
	if c.User == "" {
		errs = append(errs, errors.New("WSISBOT_IMAP_USER is required with WSISBOT_IMAP_ADDR"))
	}
	switch {
	case c.Password == "" && c.PasswordFile == "" && !c.OAuth.Enabled():
		errs = append(errs, errors.New("WSISBOT_IMAP_PASSWORD or OAuth (WSISBOT_OAUTH, or WSISBOT_IMAP_TOKEN_CMD) is required with WSISBOT_IMAP_ADDR"))
	case (c.Password != "" || c.PasswordFile != "") && c.OAuth.Enabled():
		errs = append(errs, fmt.Errorf("WSISBOT_IMAP_PASSWORD and OAuth (WSISBOT_OAUTH=%s) are both set: use one", c.OAuth.Mode()))
	}
	if err := c.OAuth.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Mailbox == "" {
		errs = append(errs, errors.New("WSISBOT_IMAP_MAILBOX must not be empty"))
	}
	if c.Processed != "" && strings.EqualFold(c.Processed, c.Mailbox) {
		errs = append(errs, errors.New("WSISBOT_IMAP_PROCESSED must differ from WSISBOT_IMAP_MAILBOX"))
	}
	if c.Poll < time.Second {
		errs = append(errs, fmt.Errorf("WSISBOT_IMAP_POLL: at least 1s, not %s", c.Poll))
	}
	if c.Batch < 0 || c.BatchBytes < 0 {
		errs = append(errs, errors.New("WSISBOT_IMAP_BATCH and WSISBOT_IMAP_BATCH_BYTES must not be negative"))
	}
	return errors.Join(errs...)
}

// Limits are the parser limits of the configuration (zero fields take the defaults).
func (c IMAPConfig) Limits() parse.Limits {
	return parse.Limits{MaxMessageBytes: c.MaxMessageBytes, MaxAttachments: c.MaxAttachments, MaxHeaderBytes: c.MaxHeaderBytes}
}

// authRefusedError is a refusal of the credentials: permanent for a password; for an
// OAuth token, the token is fetched again once first.
type authRefusedError struct {
	mech  string
	token bool // an OAuth access token was refused
	err   error
}

func (e *authRefusedError) Error() string {
	if e.token {
		return fmt.Sprintf("the server refused the OAuth access token (%s): %v", e.mech, e.err)
	}
	return fmt.Sprintf("the server refused the credentials (%s): %v", e.mech, e.err)
}
func (e *authRefusedError) Unwrap() error { return e.err }

// imapCode returns the response code of an IMAP error ("" for other errors).
func imapCode(err error) (imap.ResponseCode, bool) {
	var ie *imap.Error
	if errors.As(err, &ie) {
		return ie.Code, true
	}
	return "", false
}

// temporaryCode reports response codes that say "try again later".
func temporaryCode(code imap.ResponseCode) bool {
	switch code {
	case imap.ResponseCodeUnavailable, imap.ResponseCodeServerBug, imap.ResponseCodeInUse, imap.ResponseCodeLimit:
		return true
	}
	return false
}

// dialer returns the network dialer: a connect timeout, and TCP keep-alive so that a
// half-open connection is noticed while IDLE waits without a read deadline.
func dialer() *net.Dialer {
	return &net.Dialer{
		Timeout: 30 * time.Second,
		KeepAliveConfig: net.KeepAliveConfig{
			Enable:   true,
			Idle:     60 * time.Second,
			Interval: 15 * time.Second,
			Count:    4,
		},
	}
}

// connect dials the server, secures the connection as configured and authenticates.
// newMail receives a signal (never blocking) when the server reports a new message
// count; the handler runs on the client's reader goroutine and must not send commands.
func (p *Poller) connect(ctx context.Context, newMail chan<- struct{}) (*imapclient.Client, error) {
	host, _, err := net.SplitHostPort(p.cfg.Addr)
	if err != nil {
		return nil, store.Permanent(fmt.Errorf("WSISBOT_IMAP_ADDR %q: %w", p.cfg.Addr, err))
	}
	var tlsConfig *tls.Config
	if p.tlsConfig != nil {
		tlsConfig = p.tlsConfig.Clone()
	} else {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = host
	}
	opts := &imapclient.Options{
		TLSConfig:   tlsConfig,
		Dialer:      dialer(),
		WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader},
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case newMail <- struct{}{}:
					default:
					}
				}
			},
		},
	}

	conn, err := opts.Dialer.DialContext(ctx, "tcp", p.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	// Until the session takes over, cancelling ctx closes the connection.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	var c *imapclient.Client
	switch p.cfg.TLS {
	case TLSImplicit:
		cfg := tlsConfig.Clone()
		if cfg.NextProtos == nil {
			cfg.NextProtos = []string{"imap"}
		}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("TLS handshake: %w", err)
		}
		c = imapclient.New(tc, opts)
	case TLSStartTLS:
		c, err = imapclient.NewStartTLS(conn, opts)
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("STARTTLS: %w", err)
		}
	case TLSNone:
		c = imapclient.New(conn, opts)
	default:
		conn.Close()
		return nil, store.Permanent(fmt.Errorf("WSISBOT_IMAP_TLS: must be tls, starttls or none, not %q", p.cfg.TLS))
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	if err := p.authenticate(ctx, c); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// authenticate logs in with the password (AUTHENTICATE PLAIN, or LOGIN) or with an OAuth
// token (XOAUTH2, or OAUTHBEARER).
func (p *Poller) authenticate(ctx context.Context, c *imapclient.Client) error {
	caps := c.Caps()
	var mech string
	var err error
	switch {
	case p.tokensErr != nil:
		return store.Permanent(p.tokensErr)
	case p.tokens != nil:
		switch {
		case caps.Has(imap.AuthCap(mechXOAuth2)):
			mech = mechXOAuth2
		case caps.Has(imap.AuthCap(mechOAuthBearer)):
			mech = mechOAuthBearer
		default:
			return store.Permanent(fmt.Errorf("OAuth (WSISBOT_OAUTH=%s) is configured but the server offers neither XOAUTH2 nor OAUTHBEARER (it offers %s)",
				p.cfg.OAuth.Mode(), strings.Join(caps.AuthMechanisms(), ", ")))
		}
		tok, terr := p.tokens.Token(ctx)
		if terr != nil {
			if TokenErrorPermanent(terr) {
				return store.Permanent(terr)
			}
			return terr
		}
		oc := newOAuthClient(mech, p.cfg.User, tok, p.cfg.Addr)
		err = c.Authenticate(oc)
		if err != nil && oc.refusal != nil {
			// The server said why it refused the token: whatever the final answer, the
			// token is what failed.
			return &authRefusedError{mech: mech, token: true, err: fmt.Errorf("%w (status %q, scope %q)", err, oc.refusal.Status, oc.refusal.Scope)}
		}

	case caps.Has(imap.AuthCap(sasl.Plain)):
		mech = sasl.Plain
		pw, perr := p.cfg.CurrentPassword()
		if perr != nil {
			return store.Permanent(perr)
		}
		err = c.Authenticate(sasl.NewPlainClient("", p.cfg.User, pw))
	case caps.Has(imap.CapLoginDisabled):
		return store.Permanent(errors.New("the server refuses LOGIN on this connection (LOGINDISABLED) and offers no AUTH=PLAIN: " +
			"use WSISBOT_IMAP_TLS=tls or starttls"))
	default:
		mech = "LOGIN"
		pw, perr := p.cfg.CurrentPassword()
		if perr != nil {
			return store.Permanent(perr)
		}
		err = c.Login(p.cfg.User, pw).Wait()
	}
	if err == nil {
		return nil
	}
	if code, ok := imapCode(err); ok && !temporaryCode(code) {
		return &authRefusedError{mech: mech, token: p.tokens != nil, err: err}
	}
	return fmt.Errorf("authenticate (%s): %w", mech, err)
}

// msgRef is a message found in the mailbox: its UID and size.
type msgRef struct {
	uid  uint32
	size int64
}

// listNew lists the messages whose UID is above last. "UID n:*" always matches the
// highest UID, even below n, so every answer is filtered. It always asks the server:
// the message count a client keeps from EXISTS and EXPUNGE responses can be wrong
// (go-imap's own server miscounts after MOVE), and trusting it would leave mail unread.
func listNew(c *imapclient.Client, last uint32) ([]msgRef, error) {
	return fetchSizes(c, imap.UIDSet{imap.UIDRange{Start: imap.UID(last + 1), Stop: 0}},
		func(uid uint32) bool { return uid > last }, "list new mail")
}

// fetchSizes fetches the UID and size of the messages in set, keeps those keep accepts,
// and returns them by UID, each once.
func fetchSizes(c *imapclient.Client, set imap.UIDSet, keep func(uid uint32) bool, what string) ([]msgRef, error) {
	cmd := c.Fetch(set, &imap.FetchOptions{UID: true, RFC822Size: true})
	var refs []msgRef
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		buf, err := msg.Collect()
		if err != nil {
			cmd.Close()
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if uid := uint32(buf.UID); keep(uid) {
			refs = append(refs, msgRef{uid: uid, size: buf.RFC822Size})
		}
	}
	if err := cmd.Close(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	slices.SortFunc(refs, func(a, b msgRef) int { return int(int64(a.uid) - int64(b.uid)) })
	refs = slices.CompactFunc(refs, func(a, b msgRef) bool { return a.uid == b.uid })
	return refs, nil
}

// fetchedMsg is a message read from the server.
type fetchedMsg struct {
	uid  uint32
	date time.Time
	raw  []byte
	// headerOnly: the message is over the size limit; raw is its header.
	headerOnly bool
	size       int64
	// truncated: the server sent more than the size limit; raw is cut there.
	truncated bool
	// noBody: the message is still in the mailbox but the server sent no body for it
	// (BODY[] NIL, a FETCH response without the body section, or no response at
	// all); raw is empty and noBody says which.
	noBody error
	// unreadable: the server refused this message again and again; raw is empty.
	unreadable error
}

// Ways a server can answer without the message.
var (
	errNilBody     = errors.New("the server answered the FETCH of the message with an empty (NIL) body")
	errNoSection   = errors.New("the server answered the FETCH of the message without its body")
	errNotReturned = errors.New("the server did not answer the FETCH of the message, which is still in the mailbox")
)

// fetchBodies fetches UID, INTERNALDATE and BODY.PEEK[] (or BODY.PEEK[HEADER]) of uids.
// It never sets \Seen. A message whose body the server does not send is missing from
// the result when it has left the mailbox (expunged meanwhile: a UID SEARCH tells);
// while it is still there it comes back with noBody set (BODY[] NIL, a response without
// the body section, or no response at all). A literal larger than maxBytes is cut there.
func fetchBodies(c *imapclient.Client, uids []uint32, headerOnly bool, maxBytes int64) ([]fetchedMsg, error) {
	var set imap.UIDSet
	want := make(map[uint32]bool, len(uids))
	for _, u := range uids {
		set.AddNum(imap.UID(u))
		want[u] = true
	}
	section := &imap.FetchItemBodySection{Peek: true}
	if headerOnly {
		section.Specifier = imap.PartSpecifierHeader
	}
	cmd := c.Fetch(set, &imap.FetchOptions{UID: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{section}})
	out := make([]fetchedMsg, 0, len(uids))
	// answered: the server sent a FETCH response naming the UID, with the reason it
	// held no body (nil once a body arrived).
	answered := make(map[uint32]error, len(uids))
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		f := fetchedMsg{headerOnly: headerOnly}
		var readErr error
		noBody := errNoSection
		for {
			item := msg.Next()
			if item == nil {
				break
			}
			switch it := item.(type) {
			case imapclient.FetchItemDataUID:
				f.uid = uint32(it.UID)
			case imapclient.FetchItemDataInternalDate:
				f.date = it.Time
			case imapclient.FetchItemDataBodySection:
				if it.Section == nil || it.Section.Specifier != section.Specifier || len(it.Section.Part) > 0 {
					continue // not the section asked for
				}
				if it.Literal == nil {
					noBody = errNilBody
					continue
				}
				// Read the literal here: the next Next discards it.
				f.size = it.Literal.Size()
				f.raw, f.truncated, readErr = readLiteral(it.Literal, maxBytes)
			}
		}
		if readErr != nil {
			cmd.Close()
			return nil, fmt.Errorf("fetch uid %d: %w", f.uid, readErr)
		}
		if !want[f.uid] {
			continue // not asked for, or already read
		}
		if f.raw == nil {
			if prev, ok := answered[f.uid]; !ok || prev == errNoSection {
				answered[f.uid] = noBody
			}
			continue
		}
		want[f.uid] = false
		answered[f.uid] = nil
		out = append(out, f)
	}
	if err := cmd.Close(); err != nil {
		return out, fmt.Errorf("fetch: %w", err)
	}
	// A message without its body may have left the mailbox meanwhile (then the server
	// may also have sent a FETCH of its flags): only one still there has no body.
	var missing []uint32
	for _, u := range uids {
		if want[u] {
			missing = append(missing, u)
		}
	}
	if len(missing) > 0 {
		there, err := stillThere(c, missing)
		if err != nil {
			return out, err
		}
		for _, u := range there {
			reason, ok := answered[u]
			if !ok {
				reason = errNotReturned
			}
			out = append(out, fetchedMsg{uid: u, headerOnly: headerOnly, noBody: reason})
		}
	}
	slices.SortFunc(out, func(a, b fetchedMsg) int { return cmp.Compare(a.uid, b.uid) })
	return out, nil
}

// stillThere returns which of uids are in the selected mailbox (UID SEARCH).
func stillThere(c *imapclient.Client, uids []uint32) ([]uint32, error) {
	var set imap.UIDSet
	want := make(map[uint32]bool, len(uids))
	for _, u := range uids {
		set.AddNum(imap.UID(u))
		want[u] = true
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("search for mail not returned by fetch: %w", err)
	}
	var out []uint32
	for _, u := range data.AllUIDs() {
		if want[uint32(u)] {
			want[uint32(u)] = false
			out = append(out, uint32(u))
		}
	}
	return out, nil
}

// readLiteral reads a literal whole into a buffer of its announced size, or only its
// first maxBytes bytes (truncated).
func readLiteral(lit imap.LiteralReader, maxBytes int64) (buf []byte, truncated bool, err error) {
	size := lit.Size()
	if maxBytes > 0 && size > maxBytes {
		size, truncated = maxBytes, true
	}
	buf = make([]byte, size)
	if _, err := io.ReadFull(lit, buf); err != nil {
		return nil, false, err
	}
	return buf, truncated, nil
}

// moveToProcessed moves uids to the folder, creating it when the server says it is
// missing. With MOVE it is one command. Without, go-imap's Move would send COPY, STORE
// and EXPUNGE together and delete the mail even when the COPY fails: instead COPY, and
// only after it succeeded flag \Deleted, and expunge only those UIDs (UIDPLUS); without
// UIDPLUS the messages stay flagged and nothing is expunged.
func moveToProcessed(c *imapclient.Client, uids []uint32, folder string) error {
	if len(uids) == 0 {
		return nil
	}
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	err := moveOnce(c, set, folder)
	if code, ok := imapCode(err); ok && code == imap.ResponseCodeTryCreate {
		if cerr := c.Create(folder, nil).Wait(); cerr != nil {
			if code, _ := imapCode(cerr); code != imap.ResponseCodeAlreadyExists {
				return fmt.Errorf("create %q: %w", folder, cerr)
			}
		}
		err = moveOnce(c, set, folder)
	}
	return err
}

func moveOnce(c *imapclient.Client, set imap.UIDSet, folder string) error {
	caps := c.Caps()
	if caps.Has(imap.CapMove) {
		if _, err := c.Move(set, folder).Wait(); err != nil {
			return fmt.Errorf("move to %q: %w", folder, err)
		}
		return nil
	}
	if _, err := c.Copy(set, folder).Wait(); err != nil {
		return fmt.Errorf("copy to %q: %w", folder, err)
	}
	store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := c.Store(set, store, nil).Close(); err != nil {
		return fmt.Errorf("flag \\Deleted after copy to %q: %w", folder, err)
	}
	if caps.Has(imap.CapUIDPlus) {
		if err := c.UIDExpunge(set).Close(); err != nil {
			return fmt.Errorf("expunge after copy to %q: %w", folder, err)
		}
	}
	return nil
}

// handledLeft lists the messages at or below last that are still in the mailbox and not
// flagged \Deleted: stored, but not moved (the poller stopped between the two).
func handledLeft(c *imapclient.Client, last uint32) ([]uint32, error) {
	if last == 0 {
		return nil, nil
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{
		UID:     []imap.UIDSet{{imap.UIDRange{Start: 1, Stop: imap.UID(last)}}},
		NotFlag: []imap.Flag{imap.FlagDeleted},
	}, nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("search handled mail: %w", err)
	}
	var out []uint32
	for _, u := range data.AllUIDs() {
		if uint32(u) <= last {
			out = append(out, uint32(u))
		}
	}
	return out, nil
}

// mailboxExists asks the server (LIST) whether mailbox exists. INBOX is matched without
// regard to case, as IMAP requires.
func mailboxExists(c *imapclient.Client, mailbox string) (bool, error) {
	list, err := c.List("", mailbox, nil).Collect()
	if err != nil {
		return false, fmt.Errorf("list %q: %w", mailbox, err)
	}
	for _, m := range list {
		if m.Mailbox == mailbox || (strings.EqualFold(mailbox, "INBOX") && strings.EqualFold(m.Mailbox, "INBOX")) {
			for _, a := range m.Attrs {
				if a == imap.MailboxAttrNonExistent || a == imap.MailboxAttrNoSelect {
					return false, nil
				}
			}
			return true, nil
		}
	}
	return false, nil
}
