package mailin

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/wsis/wsisbot/store"
)

// TestSummaryNeverShowsServerText: the summary of an intake failure is in our words,
// whatever the server wrote.
func TestSummaryNeverShowsServerText(t *testing.T) {
	const serverText = "echoing user=wsis pass=SECRET"
	no := func(code imap.ResponseCode) error {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: code, Text: serverText}
	}
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	cases := []struct {
		err  error
		want string
	}{
		{store.Permanent(&authRefusedError{mech: "PLAIN", err: no(imap.ResponseCodeAuthenticationFailed)}), "authentication failed"},
		{fmt.Errorf("login: %w", &tokenCommandError{why: "failed with exit status 3"}), "token command: failed with exit status 3"},
		{store.Permanent(&mailboxError{name: "Consultation", missing: true, err: no("")}), `mailbox "Consultation" does not exist`},
		{store.Permanent(&mailboxError{name: "INBOX", err: no(imap.ResponseCodeNoPerm)}), `mailbox "INBOX" cannot be opened (NO [NOPERM])`},
		{fmt.Errorf("select: %w", no(imap.ResponseCodeUnavailable)), "the server refused a command (NO [UNAVAILABLE])"},
		{fmt.Errorf("connect: %w", dial), "cannot connect to the server"},
		{fmt.Errorf("idle: %w", io.ErrUnexpectedEOF), "the connection was lost"},
		{errors.New(serverText), "error (see the log)"},
	}
	for _, c := range cases {
		got := Summary(c.err)
		if got != c.want {
			t.Errorf("Summary(%v) = %q, want %q", c.err, got, c.want)
		}
		if strings.Contains(got, "SECRET") {
			t.Errorf("Summary(%v) shows the server's text: %q", c.err, got)
		}
	}
}
