package mailin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
)

// SASL mechanisms that carry an OAuth 2.0 access token.
const (
	mechXOAuth2     = "XOAUTH2"     // Google and Microsoft's original mechanism
	mechOAuthBearer = "OAUTHBEARER" // RFC 7628
)

// runTokenCommand runs cmdline with sh -c and returns its stdout without surrounding
// white space. Neither the token, nor the command line, nor what the command writes on
// stderr ever appears in an error.
func runTokenCommand(ctx context.Context, cmdline string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", cmdline)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return "", &tokenCommandError{why: fmt.Sprintf("no answer within %s", timeout)}
		}
		// What the command wrote on stderr may hold a secret (a refresh token, a client
		// secret echoed back): it goes nowhere, neither in this error nor in a log.
		why := "could not run"
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			why = "failed with " + exit.ProcessState.String() // "exit status 3", "signal: killed"
		}
		if n := len(bytes.TrimSpace(stderr.Bytes())); n > 0 {
			why += fmt.Sprintf(" (its error output, %d bytes, is not shown: run the command by hand to read it)", n)
		}
		return "", &tokenCommandError{why: why}
	}
	tok := strings.TrimSpace(stdout.String())
	switch {
	case tok == "":
		return "", &tokenCommandError{why: "printed no token"}
	case strings.ContainsAny(tok, " \t\r\n\x00\x01"):
		return "", &tokenCommandError{why: "printed more than one token (white space or control characters in its output)"}
	}
	return tok, nil
}

// oauthClient is a SASL client for XOAUTH2 and OAUTHBEARER. go-sasl has no XOAUTH2, which
// is all Microsoft 365 offers. When the server refuses the token it sends a JSON error as
// a challenge; the client answers as each mechanism requires so that the server ends the
// exchange with a tagged NO, and keeps the JSON for the error message.
type oauthClient struct {
	mech     string
	user     string
	token    string
	host     string
	port     int
	refusal  *oauthRefusal
	finished bool
}

// oauthRefusal is the error a server sends as a challenge (RFC 7628 section 3.2.2; Google
// and Microsoft send the same for XOAUTH2).
type oauthRefusal struct {
	Status  string `json:"status"`
	Schemes string `json:"schemes"`
	Scope   string `json:"scope"`
}

var _ sasl.Client = (*oauthClient)(nil)

func newOAuthClient(mech, user, token, addr string) *oauthClient {
	c := &oauthClient{mech: mech, user: user, token: token}
	if host, port, err := splitHostPort(addr); err == nil {
		c.host, c.port = host, port
	}
	return c
}

func splitHostPort(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return "", 0, fmt.Errorf("port of %q: %w", addr, err)
	}
	return host, port, nil
}

// Start returns the initial response:
//
//	XOAUTH2:     user=USER ^A auth=Bearer TOKEN ^A ^A
//	OAUTHBEARER: n,a=USER, ^A host=HOST ^A port=PORT ^A auth=Bearer TOKEN ^A ^A
func (c *oauthClient) Start() (string, []byte, error) {
	if c.token == "" {
		return "", nil, errors.New("mailin: no access token")
	}
	switch c.mech {
	case mechXOAuth2:
		return mechXOAuth2, []byte("user=" + c.user + "\x01auth=Bearer " + c.token + "\x01\x01"), nil
	case mechOAuthBearer:
		var b strings.Builder
		b.WriteString("n,")
		if c.user != "" {
			b.WriteString("a=" + saslName(c.user))
		}
		b.WriteString(",")
		if c.host != "" {
			b.WriteString("\x01host=" + c.host)
		}
		if c.port != 0 {
			b.WriteString("\x01port=" + strconv.Itoa(c.port))
		}
		b.WriteString("\x01auth=Bearer " + c.token + "\x01\x01")
		return mechOAuthBearer, []byte(b.String()), nil
	}
	return "", nil, fmt.Errorf("mailin: unknown OAuth mechanism %q", c.mech)
}

// Next is only called when the server refuses the token: it records the refusal and
// answers with what ends the exchange (an empty response for XOAUTH2, ^A for
// OAUTHBEARER).
func (c *oauthClient) Next(challenge []byte) ([]byte, error) {
	if c.finished {
		return nil, errors.New("mailin: unexpected second SASL challenge")
	}
	c.finished = true
	var r oauthRefusal
	if err := json.Unmarshal(challenge, &r); err == nil {
		c.refusal = &r
	} else {
		c.refusal = &oauthRefusal{Status: "unreadable server challenge"}
	}
	if c.mech == mechOAuthBearer {
		return []byte{0x01}, nil
	}
	return []byte{}, nil
}

// saslName escapes ',' and '=' in an authorization identity (RFC 5801 section 4).
func saslName(s string) string {
	return strings.NewReplacer("=", "=3D", ",", "=2C").Replace(s)
}
