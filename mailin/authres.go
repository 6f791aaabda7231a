package mailin

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wsis/wsisbot/templates"
)

// What the receiving mail server found about the sender (RFC 8601
// Authentication-Results) decides one thing only: a message whose DMARC or SPF check
// failed gets no acknowledgement, because its sender's address is not proven and the
// acknowledgement would go to whoever the forger named. A pass proves nothing to us and
// changes nothing; softfail, neutral, none, temperror and permerror are not failures (a
// domain with "~all" or a broken record is common among honest senders, and the desk
// still sees the message).
//
// Which fields are read: those whose authserv-id is one of WSISBOT_AUTHSERV_ID, our own
// servers; with none configured, the topmost field only, the one the server that
// received the message added last. Lower fields were written by other hops or by the
// sender, who can write anything. Since only failures count, a forged field could only
// silence its own forger's acknowledgement; but a forwarder's or a list's own failed
// check says nothing about how the message reached us, so it must not silence an honest
// sender either. Microsoft 365 writes its field with no authserv-id: leave
// WSISBOT_AUTHSERV_ID empty there.
//
// The field is parsed here rather than with go-msgauth's authres, which splits at every
// ";" (comments hold some) and refuses a field without an authserv-id, as Microsoft 365
// writes it.

// authResult is what one Authentication-Results field says.
type authResult struct {
	servID  string              // the authserv-id as written; "" when the field has none
	results map[string][]string // method (lower case) → its results (lower case), in order
}

// parseAuthResults parses the value of an Authentication-Results field: comments
// (nested parentheses) removed outside quoted strings, then split at ";" outside quoted
// strings. The first part is the authserv-id, with an optional version, unless it is
// already a result ("method=result": Microsoft 365 writes no authserv-id). Each result
// is "method[/version]=result" followed by properties, which are not read. ok is false
// for a field with neither an authserv-id nor a result.
func parseAuthResults(v string) (authResult, bool) {
	parts := splitUnquoted(stripComments(v), ';')
	r := authResult{results: map[string][]string{}}
	if len(parts) == 0 {
		return r, false
	}
	first := strings.Fields(parts[0])
	if len(first) > 0 && !strings.Contains(first[0], "=") {
		r.servID = first[0]
		parts = parts[1:]
	}
	for _, p := range parts {
		f := strings.Fields(p)
		if len(f) == 0 || strings.EqualFold(f[0], "none") {
			continue
		}
		method, result, ok := strings.Cut(f[0], "=")
		if !ok {
			continue
		}
		method, _, _ = strings.Cut(method, "/")
		method = strings.ToLower(strings.TrimSpace(method))
		result = strings.ToLower(strings.Trim(strings.TrimSpace(result), `"`))
		if method == "" || result == "" {
			continue
		}
		r.results[method] = append(r.results[method], result)
	}
	return r, r.servID != "" || len(r.results) > 0
}

// stripComments removes RFC 5322 comments (nested parentheses, with quoted pairs)
// outside quoted strings, leaving a space in their place.
func stripComments(v string) string {
	var b strings.Builder
	depth, quoted, escaped := 0, false, false
	for _, r := range v {
		switch {
		case escaped:
			escaped = false
			if depth == 0 {
				b.WriteRune(r)
			}
			continue
		case r == '\\' && (quoted || depth > 0):
			escaped = true
			if depth == 0 {
				b.WriteRune(r)
			}
			continue
		case depth == 0 && r == '"':
			quoted = !quoted
		case !quoted && r == '(':
			depth++
			continue
		case !quoted && r == ')' && depth > 0:
			depth--
			if depth == 0 {
				b.WriteByte(' ')
			}
			continue
		}
		if depth == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// splitUnquoted splits v at sep outside quoted strings.
func splitUnquoted(v string, sep rune) []string {
	var out []string
	var b strings.Builder
	quoted, escaped := false, false
	for _, r := range v {
		switch {
		case escaped:
			escaped = false
		case r == '\\' && quoted:
			escaped = true
		case r == '"':
			quoted = !quoted
		case r == sep && !quoted:
			out = append(out, b.String())
			b.Reset()
			continue
		}
		b.WriteRune(r)
	}
	return append(out, b.String())
}

// authFailure says why a message must not be acknowledged after what the trusted
// Authentication-Results fields say (see above), or "". fields are the message's
// Authentication-Results, topmost first, as the parser read them from its header;
// authservIDs are the trusted authserv-ids (none: the topmost field only).
func authFailure(fields []string, authservIDs []string) string {
	if len(authservIDs) == 0 && len(fields) > 1 {
		fields = fields[:1]
	}
	for _, v := range fields {
		r, ok := parseAuthResults(v)
		if !ok {
			continue
		}
		if len(authservIDs) > 0 && !slices.ContainsFunc(authservIDs, func(id string) bool { return strings.EqualFold(id, r.servID) }) {
			continue
		}
		for _, method := range []string{"dmarc", "spf"} {
			if slices.Contains(r.results[method], "fail") {
				by := "no authserv-id"
				if r.servID != "" {
					by = templates.Shorten(templates.SingleLine(r.servID), 64)
				}
				return fmt.Sprintf("the receiving mail server's Authentication-Results (%s) say %s=fail: the sender's address is not proven, so it gets no acknowledgement", by, method)
			}
		}
	}
	return ""
}
