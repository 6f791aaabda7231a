package parse

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"time"

	stdtextproto "net/textproto"

	"github.com/emersion/go-message/textproto"
)

// ErrTooLarge is wrapped by the error Parse returns when a message exceeds
// one of its Limits. The error text names the limit.
var ErrTooLarge = errors.New("message over limit")

// errMalformed is wrapped by the error Parse returns when the input is not an
// RFC 5322 message at all (no header, nothing but garbage).
var errMalformed = errors.New("not an RFC 5322 message")

// Limits bound the work Parse does for one message. A zero field takes its
// default (see DefaultLimits); a negative field means no limit.
type Limits struct {
	// MaxMessageBytes is the largest raw message accepted.
	MaxMessageBytes int64 `json:"max_message_bytes"`
	// MaxAttachments is the largest number of attachments accepted, counted
	// over the message and the messages forwarded inside it.
	MaxAttachments int `json:"max_attachments"`
	// MaxHeaderBytes is the largest header accepted, for the message and for
	// each MIME part.
	MaxHeaderBytes int `json:"max_header_bytes"`
}

// DefaultLimits returns the limits used for zero fields: 50 MiB per message,
// 100 attachments, 256 KiB of header.
func DefaultLimits() Limits {
	return Limits{
		MaxMessageBytes: 50 << 20,
		MaxAttachments:  100,
		MaxHeaderBytes:  256 << 10,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxMessageBytes == 0 {
		l.MaxMessageBytes = d.MaxMessageBytes
	}
	if l.MaxAttachments == 0 {
		l.MaxAttachments = d.MaxAttachments
	}
	if l.MaxHeaderBytes == 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	return l
}

// Address is a mailbox: a display name (decoded, possibly empty) and an
// address.
type Address struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

// Attachment is a MIME part that is not the text of the message: a file, an
// inline image, a forwarded message, or the raw bytes of a part that could
// not be decoded as text.
type Attachment struct {
	// Filename is the decoded name without any path, never empty.
	Filename string `json:"filename"`
	// ContentType is the media type, lower case, without parameters.
	ContentType string `json:"content_type"`
	// ContentID is the Content-ID without angle brackets, if any.
	ContentID string `json:"content_id,omitempty"`
	// Size is len(Data).
	Size int64 `json:"size"`
	// SHA256 is the hex SHA-256 of Data.
	SHA256 string `json:"sha256"`
	// Inline is true for parts meant to be shown inside the message (images
	// referenced by the HTML).
	Inline bool `json:"inline"`
	// Data holds the decoded content (transfer encoding removed). It may share memory
	// with the raw message given to Parse, which must then not be modified.
	Data []byte `json:"-"`
}

// Parsed is what Parse makes of a message. Every string is valid UTF-8
// without NUL bytes.
type Parsed struct {
	// MessageID is the Message-ID without angle brackets, "" if missing.
	MessageID  string   `json:"message_id"`
	InReplyTo  string   `json:"in_reply_to,omitempty"`
	References []string `json:"references,omitempty"`

	From    Address   `json:"from"`
	ReplyTo []Address `json:"reply_to,omitempty"`
	To      []Address `json:"to,omitempty"`
	Cc      []Address `json:"cc,omitempty"`
	Subject string    `json:"subject"`
	// Date is the Date header, the zero time when missing or invalid.
	Date time.Time `json:"date"`

	// Headers holds the header fields that matter to sorting and replying,
	// present ones only, under these names: Auto-Submitted, X-Autoreply,
	// X-Autorespond, X-Auto-Response-Suppress, Precedence, List-Id,
	// List-Unsubscribe, List-Post, Return-Path, Sender, Content-Language,
	// Content-Type (of the message itself), X-Mailer, User-Agent,
	// Organization (decoded), X-Failed-Recipients, X-WSISBot (our marker),
	// Delivered-To, X-Original-To, X-Loop.
	Headers map[string]string `json:"headers,omitempty"`
	// AuthenticationResults are the Authentication-Results fields as they came,
	// topmost first: the receiving servers' verdicts, read by the intake against
	// the servers it trusts.
	AuthenticationResults []string `json:"-"`

	// Text is the text/plain body, or the HTML body turned into text when
	// there is no plain text. Line ends are "\n".
	Text string `json:"text"`
	// HTML is the HTML body sanitised for display; empty, with a warning, when the
	// message has more than 1 MiB of HTML, or its forwarded messages together
	// (maxSanitizedHTML). The raw message holds the HTML as it came.
	HTML string `json:"html,omitempty"`

	Attachments []Attachment `json:"attachments,omitempty"`
	// Forwarded holds the message/rfc822 parts, parsed. Each is also in
	// Attachments.
	Forwarded []*Parsed `json:"forwarded,omitempty"`

	// IsReport is true for a multipart/report (delivery status or read
	// receipt); ReportType is its report-type parameter.
	IsReport   bool   `json:"is_report,omitempty"`
	ReportType string `json:"report_type,omitempty"`
	// ReportOriginalMessageID is, for a bounce, the Message-ID of the message
	// that bounced, without angle brackets.
	ReportOriginalMessageID string `json:"report_original_message_id,omitempty"`

	// Warnings lists what could not be read as intended; the message was
	// still parsed as well as possible.
	Warnings []string `json:"warnings,omitempty"`
	// Language is the detected language of the new text: ar, zh, en, fr, ru,
	// es, or "" when unknown.
	Language string `json:"language,omitempty"`
	// Size is the raw message size in bytes.
	Size int `json:"size"`

	// fresh is splitQuoted(Text)'s new text, kept when Parse had it for the whole
	// text, so that intake does not split the text again.
	fresh    string
	hasFresh bool
}

// FreshText is the new text of the message: what the sender wrote, without the
// earlier messages quoted in a reply and without the signature. It knows the
// quoting of mail clients in the six UN languages ("> " lines, "On … wrote:",
// "Le … a écrit :", Outlook "From:/Sent:" blocks, "-- " signatures...).
func (p *Parsed) FreshText() string {
	if p.hasFresh {
		return p.fresh
	}
	fresh, _ := splitQuoted(p.Text)
	return fresh
}

// headerKeys are the header fields kept in Parsed.Headers.
var headerKeys = []string{
	"Auto-Submitted",
	"X-Autoreply",
	"X-Autorespond",
	"X-Auto-Response-Suppress",
	"Precedence",
	"List-Id",
	"List-Unsubscribe",
	"List-Post",
	"Return-Path",
	"Sender",
	"Content-Language",
	"Content-Type",
	"X-Mailer",
	"User-Agent",
	"Organization",
	"X-Failed-Recipients",
	"X-WSISBot",
	"Delivered-To",
	"X-Original-To",
	"X-Loop",
}

// canonicalHeaderKeys are headerKeys as textproto.Header looks them up
// (textproto.CanonicalMIMEHeaderKey: "X-WSISBot" is "X-Wsisbot"), worked out once
// rather than at every lookup, where a key that is not canonical costs a new string.
var canonicalHeaderKeys = func() []string {
	keys := make([]string, len(headerKeys))
	for i, k := range headerKeys {
		keys[i] = stdtextproto.CanonicalMIMEHeaderKey(k)
	}
	return keys
}()

// Header field names used by the sorter.
const (
	hdrAutoSubmitted   = "Auto-Submitted"
	hdrXAutoreply      = "X-Autoreply"
	hdrXAutorespond    = "X-Autorespond"
	hdrPrecedence      = "Precedence"
	hdrListID          = "List-Id"
	hdrListUnsubscribe = "List-Unsubscribe"
	hdrReturnPath      = "Return-Path"
	hdrContentLanguage = "Content-Language"
	hdrContentType     = "Content-Type"
	hdrOrganization    = "Organization"
	hdrXWSISBot        = "X-WSISBot"
)

// Structural limits that are not configurable: they only stop messages built
// to hurt the parser.
const (
	maxDepth = 16     // nesting of multiparts and forwarded messages
	maxParts = 10_000 // MIME parts in one message, forwarded ones included
)

// Parse reads a raw RFC 5322 message. It degrades rather than fails: an
// unknown charset, a broken part or bad base64 yields best-effort text, the
// undecoded part as an attachment and a Warning. It returns an error only
// when the input is not a message or exceeds lim (wrapping ErrTooLarge);
// raw is never modified.
func Parse(raw []byte, lim Limits) (*Parsed, error) {
	lim = lim.withDefaults()
	if lim.MaxMessageBytes > 0 && int64(len(raw)) > lim.MaxMessageBytes {
		return nil, fmt.Errorf("mailin: parse: %w: %d bytes, MaxMessageBytes is %d",
			ErrTooLarge, len(raw), lim.MaxMessageBytes)
	}
	p := &parser{
		lim:      lim,
		wd:       wordDecoder,
		budget:   2*len(raw) + decodeSlack,
		htmlLeft: [2]int{maxSanitizedHTML, maxSanitizedHTML},
	}
	msg, err := p.parseMessage(raw, 0)
	if err != nil {
		return nil, fmt.Errorf("mailin: parse: %w", err)
	}
	detach(raw, msg)
	return msg, nil
}

// detach makes the attachments of msg that are sub-slices of raw (parts without a
// transfer encoding, forwarded messages) independent of raw, at the cost of at most one
// copy of raw: each is copied, unless together they are larger than raw (forwarded
// messages inside one another share their bytes), in which case raw is copied once
// and they become sub-slices of the copy. Parts are parsed in place, so the nesting
// itself costs no copy.
func detach(raw []byte, msg *Parsed) {
	var shared []*Attachment
	total := 0
	var collect func(m *Parsed)
	collect = func(m *Parsed) {
		for i := range m.Attachments {
			if a := &m.Attachments[i]; within(raw, a.Data) >= 0 {
				shared = append(shared, a)
				total += len(a.Data)
			}
		}
		for _, f := range m.Forwarded {
			collect(f)
		}
	}
	collect(msg)
	if total <= len(raw) {
		for _, a := range shared {
			a.Data = bytes.Clone(a.Data)
		}
		return
	}
	own := bytes.Clone(raw)
	for _, a := range shared {
		off, n := within(raw, a.Data), len(a.Data)
		a.Data = own[off : off+n : off+n]
	}
}

// within returns the offset of b in raw when b is a non-empty sub-slice of raw
// (raw[i:j], its capacity running to the end of raw's), or -1.
func within(raw, b []byte) int {
	off := cap(raw) - cap(b)
	if len(b) == 0 || off < 0 || off+len(b) > len(raw) || &raw[off] != &b[0] {
		return -1
	}
	return off
}

// parser holds the state of one Parse call.
type parser struct {
	lim         Limits
	wd          *mime.WordDecoder
	attachments int // over the whole tree
	parts       int // over the whole tree
	// budget is what may still be decoded (transfer encodings removed, text converted),
	// in bytes. A message decodes to less than its size; only encoded messages forwarded
	// inside one another decode to more, level after level, and they stop here.
	budget int
	// htmlLeft is how many bytes of HTML may still be sanitised and kept in Parsed.HTML:
	// [0] for the message, [1] for the messages forwarded inside it, together.
	htmlLeft [2]int
}

// wordDecoder decodes RFC 2047 encoded words in any charset charsetReader knows. It
// holds no state: one serves every Parse.
var wordDecoder = &mime.WordDecoder{CharsetReader: wordCharsetReader}

// decodeSlack is decoded beyond twice the message size.
const decodeSlack = 1 << 20

// maxSanitizedHTML is the most HTML, in bytes, a message keeps sanitised in
// Parsed.HTML, and the most the messages forwarded inside it keep together. Sanitising takes about three times the
// size of the HTML; beyond this, the HTML is only turned into text, in one pass over
// the decoded part, and Parsed.HTML is left empty (the raw message holds the HTML as
// it came).
const maxSanitizedHTML = 1 << 20

// msgState collects one message (the top level or a forwarded one) while its
// parts are walked.
type msgState struct {
	out       *Parsed
	texts     []string
	htmls     []htmlPart
	forwarded int
	inReport  int // depth of multipart/report nesting being walked
}

func (p *parser) parseMessage(raw []byte, depth int) (*Parsed, error) {
	var warnings []string
	size := len(raw)
	if rest, ok := skipMboxFrom(raw); ok {
		raw = rest
		warnings = append(warnings, "leading mbox \"From \" line skipped")
	}
	h, body, hw, err := p.readHeader(raw)
	if err != nil {
		return nil, err
	}
	if !looksLikeMail(h) {
		return nil, fmt.Errorf("%w: no RFC 5322 header field (From, To, Subject, Date, Message-ID...)", errMalformed)
	}
	m := &msgState{out: &Parsed{Size: size, Warnings: append(warnings, hw...)}}
	p.readEnvelope(m.out, h)
	if err := p.walk(m, h, body, depth); err != nil {
		return nil, err
	}
	p.finish(m, depth)
	return m.out, nil
}

// looksLikeMail reports whether h has at least one field a mail header has.
func looksLikeMail(h textproto.Header) bool {
	for _, k := range []string{"From", "Sender", "Return-Path", "To", "Cc", "Subject",
		"Date", "Message-Id", "Mime-Version", "Received", "Content-Type"} {
		if h.Has(k) {
			return true
		}
	}
	return false
}

// skipMboxFrom drops the "From sender date" line an mbox file puts before a
// message.
func skipMboxFrom(raw []byte) ([]byte, bool) {
	if len(raw) < 5 || string(raw[:5]) != "From " {
		return raw, false
	}
	for i, c := range raw {
		if c == '\n' {
			return raw[i+1:], true
		}
	}
	return raw, false
}

// readEnvelope fills the header-derived fields of out.
func (p *parser) readEnvelope(out *Parsed, h textproto.Header) {
	out.MessageID = firstMsgID(h.Get("Message-Id"))
	out.InReplyTo = firstMsgID(h.Get("In-Reply-To"))
	out.References = msgIDs(h.Get("References"))
	// The first From with an address, else the Sender's, else From's display name alone.
	from := p.addressList(h.Get("From"))
	if valid := withEmail(from); len(valid) > 0 {
		out.From = valid[0]
	} else if sender := withEmail(p.addressList(h.Get("Sender"))); len(sender) > 0 {
		out.From = sender[0]
	} else if len(from) > 0 {
		out.From = from[0]
	}
	out.ReplyTo = withEmail(p.addressList(h.Get("Reply-To")))
	out.To = withEmail(p.addressList(h.Get("To")))
	out.Cc = withEmail(p.addressList(h.Get("Cc")))
	out.Subject = normalizeSpace(p.decodeHeader(h.Get("Subject")))
	out.Date = parseDate(h.Get("Date"))
	out.AuthenticationResults = h.Values("Authentication-Results")
	for i, k := range headerKeys {
		v := h.Get(canonicalHeaderKeys[i])
		if v == "" && !h.Has(canonicalHeaderKeys[i]) {
			continue
		}
		if k == hdrOrganization {
			v = p.decodeHeader(v)
		}
		if out.Headers == nil {
			out.Headers = make(map[string]string)
		}
		out.Headers[k] = validText(v)
	}
}

// finish assembles text and HTML, fills the derived fields and makes every
// string safe.
func (p *parser) finish(m *msgState, depth int) {
	out := m.out
	htmlLeft := &p.htmlLeft[min(depth, 1)]
	text := strings.Join(m.texts, "\n\n")
	htmlLen := 0
	for i, h := range m.htmls {
		htmlLen += h.len()
		if i > 0 {
			htmlLen++ // the "\n" joining the parts
		}
	}
	switch {
	case htmlLen == 0:
	case htmlLen <= *htmlLeft:
		*htmlLeft -= htmlLen
		html := joinHTML(m.htmls)
		out.HTML = sanitizeHTML(html)
		if strings.TrimSpace(text) == "" {
			text = htmlToText(html)
		}
	default:
		m.warn("HTML body of %d bytes not kept sanitised (at most %d bytes per message, as much for its forwarded messages together); the raw message holds it",
			htmlLen, maxSanitizedHTML)
		if strings.TrimSpace(text) == "" {
			var err error
			if text, err = htmlPartsToText(m.htmls, htmlLen); err != nil {
				m.warn("HTML body: %v: its text ends there", err)
			}
		}
	}
	m.htmls = nil // the decoded parts can go
	out.Text = strings.TrimRight(normalizeNewlines(text), " \t\n")
	if out.ReportOriginalMessageID == "" && !out.IsReport && looksLikeBounceSender(out) {
		out.ReportOriginalMessageID = messageIDInText(out.Text)
	}
	cleanParsed(out)
	sample := truncateBytes(out.Text, 4*maxLanguageSample)
	fresh, _ := splitQuoted(sample)
	if len(sample) == len(out.Text) {
		out.fresh, out.hasFresh = fresh, true
	}
	if strings.TrimSpace(fresh) == "" {
		fresh = sample
	}
	out.Language = DetectLanguage(fresh, out.Subject, out.Headers)
}

// looksLikeBounceSender reports whether the message comes from a mail
// system rather than a person, so that a Message-ID quoted in its text is
// the one of the message that bounced.
func looksLikeBounceSender(out *Parsed) bool {
	if strings.TrimSpace(out.Headers[hdrReturnPath]) == "<>" {
		return true
	}
	local, _, _ := strings.Cut(strings.ToLower(out.From.Email), "@")
	return local == "mailer-daemon" || local == "postmaster"
}

var messageIDLineRE = regexp.MustCompile(`(?im)^[ \t>]*message-id:[ \t]*<([^<>\s]+)>`)

// messageIDInText finds the first "Message-ID: <...>" line in a bounce text
// that quotes the original header.
func messageIDInText(text string) string {
	if m := messageIDLineRE.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}
