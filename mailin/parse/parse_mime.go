package parse

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

const maxWarnings = 50

func (m *msgState) warn(format string, args ...any) {
	switch n := len(m.out.Warnings); {
	case n < maxWarnings:
		m.out.Warnings = append(m.out.Warnings, fmt.Sprintf(format, args...))
	case n == maxWarnings:
		m.out.Warnings = append(m.out.Warnings, "more warnings omitted")
	}
}

// walk reads one MIME entity (the message itself or a part) and adds what it
// holds to m.
func (p *parser) walk(m *msgState, h textproto.Header, body []byte, depth int) error {
	p.parts++
	if p.parts > maxParts {
		return fmt.Errorf("%w: more than %d MIME parts", ErrTooLarge, maxParts)
	}
	ct := p.parseMediaHeader(h.Get("Content-Type"))
	if !strings.Contains(ct.value, "/") {
		if raw := strings.TrimSpace(h.Get("Content-Type")); raw != "" {
			m.warn("unreadable Content-Type %q read as text/plain", shorten(raw, 60))
		}
		ct.value = "text/plain"
	}
	switch {
	case strings.HasPrefix(ct.value, "multipart/"):
		return p.walkMultipart(m, h, ct, body, depth)
	case ct.value == "message/rfc822" || ct.value == "message/global":
		return p.walkForwarded(m, h, ct, body, depth)
	default:
		return p.walkLeaf(m, h, ct, body)
	}
}

func (p *parser) walkMultipart(m *msgState, h textproto.Header, ct mediaHeader, body []byte, depth int) error {
	if depth >= maxDepth {
		m.warn("%s nested deeper than %d levels kept undecoded", ct.value, maxDepth)
		return p.addRaw(m, ct.value, "", body)
	}
	boundary := ct.params["boundary"]
	if boundary == "" {
		m.warn("%s without boundary read as text", ct.value)
		return p.walkLeaf(m, h, mediaHeader{value: "text/plain", params: map[string]string{}}, body)
	}
	if ct.value == "multipart/report" {
		m.out.IsReport = true
		if m.out.ReportType == "" {
			m.out.ReportType = strings.ToLower(ct.params["report-type"])
		}
		m.inReport++
		defer func() { m.inReport-- }()
	}
	parts, closed := splitMultipart(body, boundary)
	if len(parts) == 0 {
		m.warn("%s: no part found", ct.value)
		if len(bytes.TrimSpace(body)) > 0 {
			return p.walkLeaf(m, h, mediaHeader{value: "text/plain", params: map[string]string{}}, body)
		}
		return nil
	}
	if !closed {
		m.warn("%s: closing boundary missing", ct.value)
	}
	for i, part := range parts {
		ph, pbody, warnings, err := p.readHeader(part)
		switch {
		case errors.Is(err, ErrTooLarge):
			return err
		case err != nil:
			m.warn("part %d of %s has no header", i+1, ct.value)
			ph, pbody = textproto.Header{}, part
		}
		for _, w := range warnings {
			m.warn("part %d of %s: %s", i+1, ct.value, w)
		}
		if err := p.walk(m, ph, pbody, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// splitMultipart returns the parts of a multipart body, as sub-slices of
// body, and whether the closing delimiter was found. A delimiter is a line
// "--boundary" followed only by blanks ("--boundary--" closes); the line
// break before it belongs to it.
func splitMultipart(body []byte, boundary string) (parts [][]byte, closed bool) {
	delim := []byte("--" + boundary)
	partStart := -1
	pos := 0
	for pos < len(body) {
		i := bytes.Index(body[pos:], delim)
		if i < 0 {
			break
		}
		i += pos
		if i > 0 && body[i-1] != '\n' {
			pos = i + len(delim)
			continue
		}
		after := i + len(delim)
		lineEnd := len(body)
		next := len(body)
		if nl := bytes.IndexByte(body[after:], '\n'); nl >= 0 {
			lineEnd = after + nl
			next = lineEnd + 1
		}
		rest := bytes.TrimRight(body[after:lineEnd], " \t\r")
		isClose := bytes.HasPrefix(rest, []byte("--")) && len(bytes.TrimSpace(rest[2:])) == 0
		if !isClose && len(rest) > 0 {
			pos = after // "--boundaryX": another boundary, not ours
			continue
		}
		if partStart >= 0 {
			end := i
			if end > partStart && body[end-1] == '\n' {
				end--
				if end > partStart && body[end-1] == '\r' {
					end--
				}
			}
			parts = append(parts, body[partStart:end])
		}
		if isClose {
			return parts, true
		}
		partStart = next
		pos = next
	}
	if partStart >= 0 && partStart < len(body) {
		if last := body[partStart:]; len(bytes.TrimSpace(last)) > 0 {
			parts = append(parts, last)
		}
	}
	return parts, false
}

func (p *parser) walkForwarded(m *msgState, h textproto.Header, ct mediaHeader, body []byte, depth int) error {
	d := p.decodeTransfer(h, body)
	if d.err != nil {
		m.warn("forwarded message: %v", d.err)
	}
	name := partFilename(p.parseMediaHeader(h.Get("Content-Disposition")), ct)
	if name == "" {
		m.forwarded++
		name = "forwarded.eml"
		if m.forwarded > 1 {
			name = fmt.Sprintf("forwarded-%d.eml", m.forwarded)
		}
	}
	if err := p.addAttachment(m, Attachment{Filename: name, ContentType: ct.value}, d); err != nil {
		return err
	}
	if depth >= maxDepth {
		m.warn("forwarded message nested deeper than %d levels not parsed", maxDepth)
		return nil
	}
	if errors.Is(d.err, errDecodeBudget) {
		return nil // warned above; the attachment holds it as it came
	}
	fwd, err := p.parseMessage(d.data, depth+1)
	switch {
	case errors.Is(err, ErrTooLarge):
		return err
	case err != nil:
		m.warn("forwarded message %s not parsed: %v", name, err)
		return nil
	}
	m.out.Forwarded = append(m.out.Forwarded, fwd)
	if m.inReport > 0 && m.out.ReportOriginalMessageID == "" {
		m.out.ReportOriginalMessageID = fwd.MessageID
	}
	return nil
}

// walkLeaf reads a part that is neither multipart nor a message: body text,
// HTML, or an attachment.
func (p *parser) walkLeaf(m *msgState, h textproto.Header, ct mediaHeader, body []byte) error {
	disp := p.parseMediaHeader(h.Get("Content-Disposition"))
	name := partFilename(disp, ct)
	d := p.decodeTransfer(h, body)

	if ct.value == "text/rfc822-headers" && m.inReport > 0 && m.out.ReportOriginalMessageID == "" {
		if oh, _, _, err := p.readHeader(d.data); err == nil {
			m.out.ReportOriginalMessageID = firstMsgID(oh.Get("Message-Id"))
		}
	}

	isText := ct.value == "text/plain" || ct.value == "text/html"
	isBody := isText && disp.value != "attachment" && (name == "" || disp.value == "inline")
	if !isBody {
		if d.err != nil {
			// Half a file is no use: keep the part as it came.
			m.warn("attachment %s: %v: kept undecoded", nameOr(name, ct.value), d.err)
			d = decoded{data: body, sum: sha256.Sum256(body)}
		}
		a := Attachment{
			Filename:    name,
			ContentType: ct.value,
			ContentID:   firstMsgID(h.Get("Content-Id")),
			Inline:      disp.value == "inline" || (disp.value == "" && h.Has("Content-Id")),
		}
		return p.addAttachment(m, a, d)
	}

	if d.err == nil && !p.spend(len(d.data)) {
		d.err = errDecodeBudget
	}
	if d.err != nil {
		// Keep what could be decoded as text and the part as it came.
		m.warn("%s part: %v: undecoded part kept as attachment", ct.value, d.err)
		if err := p.addRaw(m, ct.value, name, body); err != nil {
			return err
		}
		if errors.Is(d.err, errDecodeBudget) {
			return nil
		}
	}
	cs := ct.params["charset"]
	if ct.value == "text/html" && isUTF8Label(cs) && utf8.Valid(d.data) && bytes.IndexByte(d.data, 0) < 0 {
		// Nothing to convert: the HTML is read from the part itself, copied only if it
		// is kept sanitised (see parser.finish).
		m.htmls = append(m.htmls, htmlPart{b: d.data})
		return nil
	}
	if ct.value == "text/html" && !isUTF8Label(cs) && len(d.data) > maxSanitizedHTML && bytes.IndexByte(d.data, 0) < 0 {
		// Too large to be kept sanitised: converted as it is turned into text. It is
		// converted once here, to nowhere, to know its length (the size of the text
		// buffer) and that it converts.
		if h, ok := charsetHTMLPart(d.data, cs); ok {
			m.htmls = append(m.htmls, h)
			return nil
		}
	}
	text, status := decodeCharset(d.data, cs)
	switch status {
	case charsetUnknown:
		m.warn("unknown charset %q in %s part: text guessed, part kept as attachment", shorten(cs, 40), ct.value)
	case charsetGuessed:
		m.warn("8-bit %s part without charset: text guessed, part kept as attachment", ct.value)
	case charsetInvalid:
		m.warn("invalid UTF-8 in %s part replaced, part kept as attachment", ct.value)
	}
	if status != charsetOK && d.err == nil {
		if err := p.addAttachment(m, Attachment{Filename: name, ContentType: ct.value}, d); err != nil {
			return err
		}
	}
	if strings.IndexByte(text, 0) >= 0 {
		m.warn("NUL bytes removed from %s part", ct.value)
		text = strings.ReplaceAll(text, "\x00", "")
	}
	if ct.value == "text/html" {
		m.htmls = append(m.htmls, htmlPart{s: text})
	} else {
		m.texts = append(m.texts, text)
	}
	return nil
}

func nameOr(name, mediaType string) string {
	if name != "" {
		return name
	}
	return mediaType
}

// decoded is a part body with its transfer encoding removed: a sub-slice of the raw
// message when it had none.
type decoded struct {
	data []byte
	sum  [sha256.Size]byte
	err  error // decoding stopped early, the encoding is unknown, or errDecodeBudget
}

// errDecodeBudget: decoding the part would take the bytes decoded from the message over
// the parser's budget (see parser.budget); the part is kept as it came.
var errDecodeBudget = errors.New("not decoded: the message decodes to more than twice its size")

// spend takes n bytes from the decoding budget; false when they are not there.
func (p *parser) spend(n int) bool {
	if n > p.budget {
		return false
	}
	p.budget -= n
	return true
}

// decodeTransfer removes the Content-Transfer-Encoding of body, into one buffer sized
// in advance. A base64 body that decodes without error is decoded in one call
// (decodeBase64), then hashed; any other streams through go-message's reader
// (readTransfer). On a decoding error, data holds what was decoded before it.
func (p *parser) decodeTransfer(h textproto.Header, body []byte) decoded {
	cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))
	if i := strings.IndexAny(cte, "; \t"); i >= 0 {
		cte = cte[:i]
	}
	var estimate int
	switch cte {
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit":
		return decoded{data: body, sum: sha256.Sum256(body)}
	case "base64":
		estimate = len(body)/4*3 + 3
	case "quoted-printable":
		estimate = len(body)
	default:
		return decoded{
			data: body, sum: sha256.Sum256(body),
			err: fmt.Errorf("unknown Content-Transfer-Encoding %q", shorten(cte, 40)),
		}
	}
	if !p.spend(estimate) {
		return decoded{data: body, sum: sha256.Sum256(body), err: errDecodeBudget}
	}
	// bytes.Buffer.ReadFrom, in readTransfer, asks for 512 free bytes before each read:
	// leave room so that the buffer is never reallocated.
	buf := make([]byte, 0, estimate+2*bytes.MinRead)
	if cte == "base64" {
		if data, ok := decodeBase64(buf, body); ok {
			return decoded{data: data, sum: sha256.Sum256(data)}
		}
	}
	return readTransfer(cte, body, buf)
}

// readTransfer removes the transfer encoding cte (base64 or quoted-printable) of body
// with go-message's reader, streaming the bytes through SHA-256 into buf, which has
// room for them: quoted-printable bodies, and base64 bodies decodeBase64 leaves (an
// error on the way, blanks inside).
func readTransfer(cte string, body, buf []byte) decoded {
	var eh message.Header
	eh.Set("Content-Type", "application/octet-stream")
	eh.Set("Content-Transfer-Encoding", cte)
	e, err := message.New(eh, bytes.NewReader(body))
	if err != nil {
		return decoded{data: body, sum: sha256.Sum256(body), err: err}
	}
	b := bytes.NewBuffer(buf)
	hasher := sha256.New()
	_, err = b.ReadFrom(io.TeeReader(e.Body, hasher))
	d := decoded{data: b.Bytes()}
	hasher.Sum(d.sum[:0])
	if err != nil {
		d.err = fmt.Errorf("bad %s: %v", cte, err)
	}
	return d
}

// decodeBase64 decodes a base64 body in one call into buf (its capacity at least
// len(body)/4*3), as go-message's reader decodes it (line breaks, spaces and tabs
// ignored) when it is valid throughout: that reader decodes runs of whole quanta one
// after the other, which comes to the same bytes when padding ends the last run only,
// and base64.Encoding.Decode skips line breaks itself. ok is false when the body holds
// a space or a tab, or does not decode: the caller then reads it with that reader, for
// the same bytes and error.
func decodeBase64(buf, body []byte) (data []byte, ok bool) {
	if bytes.IndexByte(body, ' ') >= 0 || bytes.IndexByte(body, '\t') >= 0 {
		return nil, false
	}
	data = buf[:base64.StdEncoding.DecodedLen(len(body))]
	n, err := base64.StdEncoding.Decode(data, body)
	if err != nil {
		return nil, false
	}
	return data[:n], true
}

// partFilename is the sanitised file name of a part, "" when it has none.
func partFilename(disp, ct mediaHeader) string {
	if name := sanitizeFilename(disp.params["filename"]); name != "" {
		return name
	}
	return sanitizeFilename(ct.params["name"])
}

// addAttachment appends a to m, counting it against MaxAttachments, and
// names it when the sender did not.
func (p *parser) addAttachment(m *msgState, a Attachment, d decoded) error {
	p.attachments++
	if p.lim.MaxAttachments > 0 && p.attachments > p.lim.MaxAttachments {
		return fmt.Errorf("%w: more than MaxAttachments %d attachments", ErrTooLarge, p.lim.MaxAttachments)
	}
	if a.Filename == "" {
		a.Filename = fmt.Sprintf("attachment-%d%s", len(m.out.Attachments)+1, extensionFor(a.ContentType))
	}
	// Data may be a sub-slice of the raw message until Parse detaches it.
	a.Data = d.data
	if a.Data == nil {
		a.Data = []byte{}
	}
	a.Size = int64(len(a.Data))
	a.SHA256 = hex.EncodeToString(d.sum[:])
	m.out.Attachments = append(m.out.Attachments, a)
	return nil
}

// addRaw keeps a part that could not be read, as it came.
func (p *parser) addRaw(m *msgState, mediaType, name string, body []byte) error {
	return p.addAttachment(m, Attachment{Filename: name, ContentType: mediaType},
		decoded{data: body, sum: sha256.Sum256(body)})
}
