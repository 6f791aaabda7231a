package mailin

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/emersion/go-imap/v2"

	"github.com/wsis/wsisbot/store"
)

// mailboxError is a failure to open the configured mailbox.
type mailboxError struct {
	name    string
	missing bool // the server says the mailbox does not exist (or LIST does not show it)
	err     error
}

func (e *mailboxError) Error() string {
	if e.missing {
		return fmt.Sprintf("mailbox %q does not exist: %v", e.name, e.err)
	}
	return fmt.Sprintf("mailbox %q: %v", e.name, e.err)
}

func (e *mailboxError) Unwrap() error { return e.err }

// tokenCommandError is a failure of WSISBOT_IMAP_TOKEN_CMD; its text is ours alone (no
// command line, no output of the command).
type tokenCommandError struct{ why string }

func (e *tokenCommandError) Error() string { return "mailin: token command: " + e.why }

// Summary says in a few words of ours why the intake failed, for /readyz, the heartbeat
// other replicas read and the watchdog's alerts: "authentication failed", "mailbox
// \"INBOX\" does not exist", "cannot connect to the server". It never carries the
// server's own text (which may echo what we sent) nor a command's output; the log has
// the whole error.
func Summary(err error) string {
	if err == nil {
		return ""
	}
	var (
		refused *authRefusedError
		token   *tokenCommandError
		source  *tokenSourceError
		mailbox *mailboxError
		imapErr *imap.Error
		cert    *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		header  tls.RecordHeaderError
		alert   tls.AlertError
		op      *net.OpError
		dns     *net.DNSError
		netErr  net.Error
	)
	switch {
	case errors.As(err, &refused) && refused.token:
		return store.TokenRefused
	case errors.As(err, &refused):
		return "authentication failed"
	case errors.As(err, &token):
		return "token command: " + token.why
	case errors.As(err, &source):
		return "OAuth token: " + source.why
	case errors.As(err, &mailbox):
		if mailbox.missing || imapCodeOf(err) == imap.ResponseCodeNonExistent {
			return fmt.Sprintf("mailbox %q does not exist", mailbox.name)
		}
		return fmt.Sprintf("mailbox %q cannot be opened%s", mailbox.name, codeSuffix(err))
	case errors.As(err, &cert), errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &invalid):
		return "TLS: the server's certificate is not trusted"
	case errors.As(err, &header), errors.As(err, &alert):
		return "TLS handshake failed (check WSISBOT_IMAP_TLS and the port)"
	case errors.As(err, &dns):
		return "cannot connect to the server: its name does not resolve"
	case errors.As(err, &op) && op.Op == "dial":
		if op.Timeout() {
			return "cannot connect to the server: no answer"
		}
		return "cannot connect to the server"
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, os.ErrDeadlineExceeded):
		return "the server stopped answering"
	case errors.As(err, &imapErr):
		return "the server refused a command" + codeSuffix(err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed), errors.As(err, &op):
		return "the connection was lost"
	}
	return "error (see the log)"
}

func imapCodeOf(err error) imap.ResponseCode {
	code, _ := imapCode(err)
	return code
}

// codeSuffix names the IMAP response (NO, BAD) and its code, not its text.
func codeSuffix(err error) string {
	var ie *imap.Error
	if !errors.As(err, &ie) {
		return ""
	}
	if ie.Code != "" {
		return fmt.Sprintf(" (%s [%s])", ie.Type, ie.Code)
	}
	return fmt.Sprintf(" (%s)", ie.Type)
}
