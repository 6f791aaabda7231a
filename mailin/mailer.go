package mailin

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/emersion/go-message/mail"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/templates"
)

// HeaderWSISBot marks mail wsisbot sent ("ack WSIS-2019-0042", "reply WSIS-2019-0042"):
// the sorter files any message carrying it as our own, never as a contribution.
const HeaderWSISBot = "X-WSISBot"

// outMaxReferences bounds the References we repeat: the first message of the thread and
// the most recent ones (RFC 5322 3.6.4 allows trimming).
const outMaxReferences = 20

// Outgoing is an email wsisbot sends: an acknowledgement or a secretariat reply.
type Outgoing struct {
	MessageID  string // without angle brackets
	Date       time.Time
	From       *mail.Address
	To         *mail.Address
	Cc         []*mail.Address // in copy (a secretariat reply only); the sender sends to them too
	Subject    string
	InReplyTo  string   // the Message-ID answered, without angle brackets
	References []string // without angle brackets, oldest first
	Language   string   // Content-Language
	// Marker is the value of the X-WSISBot header, e.g. "ack WSIS-2019-0042".
	Marker string
	// AutoReplied marks an automatic reply (RFC 3834): Auto-Submitted: auto-replied, and
	// Exchange is asked not to answer it with an out-of-office.
	AutoReplied bool
	Text, HTML  string
}

// Compose writes o as a multipart/alternative message (text/plain and text/html, both
// UTF-8) and returns the bytes to send and the record of it for the conversation.
// Nothing in o can add a header line: display names, the subject and Message-IDs are
// cleaned of control characters first.
func Compose(o Outgoing) ([]byte, store.OutboundMessage, error) {
	var rec store.OutboundMessage
	if o.From == nil || o.To == nil || o.From.Address == "" || o.To.Address == "" {
		return nil, rec, errors.New("mailin: compose: From and To are required")
	}
	from := &mail.Address{Name: outHeaderText(o.From.Name), Address: outHeaderAddr(o.From.Address)}
	to := &mail.Address{Name: outHeaderText(o.To.Name), Address: outHeaderAddr(o.To.Address)}
	if !outValidAddr(from.Address) || !outValidAddr(to.Address) {
		return nil, rec, fmt.Errorf("mailin: compose: invalid address %q or %q", from.Address, to.Address)
	}
	cc := make([]*mail.Address, 0, len(o.Cc))
	for _, a := range o.Cc {
		c := &mail.Address{Name: outHeaderText(a.Name), Address: outHeaderAddr(a.Address)}
		if !outValidAddr(c.Address) {
			return nil, rec, fmt.Errorf("mailin: compose: invalid Cc address %q", c.Address)
		}
		cc = append(cc, c)
	}
	id := outMsgID(o.MessageID)
	if id == "" {
		return nil, rec, errors.New("mailin: compose: a Message-ID is required")
	}
	subject := outHeaderText(o.Subject)
	lang := templates.Normalize(o.Language)

	var h mail.Header
	h.SetDate(o.Date)
	h.SetAddressList("From", []*mail.Address{from})
	h.SetAddressList("To", []*mail.Address{to})
	if len(cc) > 0 {
		h.SetAddressList("Cc", cc)
	}
	h.SetSubject(subject)
	h.SetMessageID(id)
	inReplyTo := outMsgID(o.InReplyTo)
	if inReplyTo != "" {
		h.SetMsgIDList("In-Reply-To", []string{inReplyTo})
	}
	refs := outMsgIDs(o.References)
	if len(refs) > 0 {
		h.SetMsgIDList("References", refs)
	}
	headers := map[string]string{"Content-Language": lang}
	var ccShown []string
	for _, c := range cc {
		ccShown = append(ccShown, displayAddress(c))
	}
	if len(ccShown) > 0 {
		headers["Cc"] = strings.Join(ccShown, ", ")
	}
	if o.AutoReplied {
		h.Set("Auto-Submitted", "auto-replied")
		h.Set("X-Auto-Response-Suppress", "All")
		headers["Auto-Submitted"] = "auto-replied"
	}
	h.Set("Content-Language", lang)
	if m := outHeaderText(o.Marker); m != "" {
		h.Set(HeaderWSISBot, m)
		headers[HeaderWSISBot] = m
	}

	var buf bytes.Buffer
	w, err := mail.CreateInlineWriter(&buf, h)
	if err != nil {
		return nil, rec, fmt.Errorf("mailin: compose: %w", err)
	}
	for _, part := range []struct{ ctype, body string }{{"text/plain", o.Text}, {"text/html", o.HTML}} {
		var ph mail.InlineHeader
		ph.SetContentType(part.ctype, map[string]string{"charset": "utf-8"})
		pw, err := w.CreatePart(ph)
		if err != nil {
			return nil, rec, fmt.Errorf("mailin: compose %s: %w", part.ctype, err)
		}
		if _, err := pw.Write([]byte(part.body)); err != nil {
			return nil, rec, fmt.Errorf("mailin: compose %s: %w", part.ctype, err)
		}
		if err := pw.Close(); err != nil {
			return nil, rec, fmt.Errorf("mailin: compose %s: %w", part.ctype, err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, rec, fmt.Errorf("mailin: compose: %w", err)
	}
	rec = store.OutboundMessage{
		MessageID: id, InReplyTo: inReplyTo, References: refs,
		FromName: from.Name, FromEmail: from.Address, To: displayAddress(to), Cc: strings.Join(ccShown, ", "),
		Subject: subject, Text: o.Text, HTML: o.HTML, Language: lang,
		Raw: buf.Bytes(), Headers: headers,
	}
	return buf.Bytes(), rec, nil
}

// outHeaderText makes text someone else wrote fit for one header line.
func outHeaderText(s string) string { return templates.SingleLine(s) }

func outHeaderAddr(s string) string {
	return strings.Trim(strings.TrimSpace(templates.SingleLine(s)), "<>")
}

// outValidAddr accepts local@domain without spaces, control characters or brackets.
func outValidAddr(a string) bool {
	local, domain, ok := strings.Cut(a, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") {
		return false
	}
	return !strings.ContainsFunc(a, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("<>()[],;:\\\"", r)
	})
}

// outMsgID returns a Message-ID without angle brackets, or "" when it cannot be
// written safely (spaces, control characters or brackets inside).
func outMsgID(id string) string {
	id = strings.TrimSpace(id)
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	if id == "" || strings.ContainsFunc(id, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '<' || r == '>' || r > unicode.MaxASCII
	}) {
		return ""
	}
	return id
}

// outMsgIDs drops unusable and repeated IDs and keeps the first one and the most
// recent ones.
func outMsgIDs(ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if id = outMsgID(id); id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) > outMaxReferences {
		out = append(out[:1:1], out[len(out)-outMaxReferences+1:]...)
	}
	return out
}

// outDomain is the domain of an address: "itu.int" for "wsis-info@itu.int".
func outDomain(addr string) string {
	_, domain, _ := strings.Cut(addr, "@")
	return strings.ToLower(domain)
}

// OutboxMessageID is the Message-ID of the email an outbox item sends, stable across
// retries so that a message delivered twice (sent, then the database failed to record
// it) is recognised as one by the recipient's client. kind is "ack" or "reply"; the
// item's creation time keeps IDs apart between databases that reuse item numbers.
func OutboxMessageID(kind, ref string, it store.OutboxItem, domain string) string {
	ref = strings.Map(func(r rune) rune {
		if r > unicode.MaxASCII || unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("<>@()[],;:\\\"", r) {
			return -1
		}
		return r
	}, ref)
	if ref == "" {
		ref = "none"
	}
	return fmt.Sprintf("%s.%s.%d.%s@%s", kind, ref, it.ID, strings.ToLower(fmt.Sprintf("%x", it.CreatedAt.UnixNano())), domain)
}

// FromAddress parses WSISBOT_FROM ("WSIS Secretariat <wsis-info@itu.int>").
func (c MailConfig) FromAddress() (*mail.Address, error) {
	a, err := mail.ParseAddress(c.From)
	if err != nil {
		return nil, fmt.Errorf("WSISBOT_FROM: not an address such as \"WSIS Secretariat <wsis-info@itu.int>\": %q: %w", c.From, err)
	}
	if !outValidAddr(a.Address) {
		return nil, fmt.Errorf("WSISBOT_FROM: unusable address %q", a.Address)
	}
	return a, nil
}

// displayAddress is an address as people read it ("Иван Петров <petrov@spbu.ru>"), for
// the stored conversation and the desk; the header itself carries the encoded form.
func displayAddress(a *mail.Address) string {
	name := strings.Join(strings.Fields(a.Name), " ")
	if name == "" {
		return a.Address
	}
	return name + " <" + a.Address + ">"
}
