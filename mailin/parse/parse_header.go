package parse

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/mail"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/textproto"
)

// readHeader splits raw into its header and its body. A header line that is
// not a field (after the first) is dropped with a warning; a first line that
// is not a field means there is no header, which is an errMalformed error.
func (p *parser) readHeader(raw []byte) (textproto.Header, []byte, []string, error) {
	end, bodyStart, ok := headerEnd(raw, p.lim.MaxHeaderBytes)
	if !ok {
		return textproto.Header{}, nil, nil, fmt.Errorf("%w: header over MaxHeaderBytes %d", ErrTooLarge, p.lim.MaxHeaderBytes)
	}
	section := raw[:end]
	if len(section) > 0 && !isFieldLine(firstLine(section)) {
		return textproto.Header{}, nil, nil, fmt.Errorf("%w: first line is not a header field: %q",
			errMalformed, shorten(validText(string(firstLine(section))), 60))
	}
	h, err := readHeaderFields(section)
	if err == nil {
		return h, raw[bodyStart:], nil, nil
	}
	kept, dropped := dropBadHeaderLines(section)
	h, err = readHeaderFields(kept)
	if err != nil {
		return textproto.Header{}, nil, nil, fmt.Errorf("%w: header: %v", errMalformed, err)
	}
	warning := fmt.Sprintf("%d malformed header line(s) dropped", dropped)
	return h, raw[bodyStart:], []string{warning}, nil
}

// headerReader reads a header section through a bufio.Reader of the default size, as
// textproto.ReadHeader wants it. Readers are reused (headerReaders): the header fields
// are copied out of the buffer, and a new 4 KiB buffer for every header and MIME part
// cost more than reading them.
type headerReader struct {
	src bytes.Reader
	br  *bufio.Reader
}

var headerReaders = sync.Pool{New: func() any {
	hr := &headerReader{}
	hr.br = bufio.NewReader(&hr.src)
	return hr
}}

// readHeaderFields is textproto.ReadHeader of a header section.
func readHeaderFields(section []byte) (textproto.Header, error) {
	hr := headerReaders.Get().(*headerReader)
	hr.src.Reset(section)
	hr.br.Reset(&hr.src)
	h, err := textproto.ReadHeader(hr.br)
	hr.src.Reset(nil) // the pool keeps no message
	hr.br.Reset(&hr.src)
	headerReaders.Put(hr)
	return h, err
}

// headerEnd finds the blank line that ends the header. end is the length of
// the header section, bodyStart the offset of the body. Without a blank line
// the whole input is header. ok is false when the header is longer than max
// (max <= 0: no limit).
func headerEnd(raw []byte, max int) (end, bodyStart int, ok bool) {
	i := 0
	for i < len(raw) {
		if max > 0 && i > max {
			return 0, 0, false
		}
		switch {
		case raw[i] == '\n':
			return i, i + 1, true
		case raw[i] == '\r' && i+1 < len(raw) && raw[i+1] == '\n':
			return i, i + 2, true
		}
		nl := bytes.IndexByte(raw[i:], '\n')
		if nl < 0 {
			break
		}
		i += nl + 1
	}
	if max > 0 && len(raw) > max {
		return 0, 0, false
	}
	return len(raw), len(raw), true
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return bytes.TrimRight(b, "\r")
}

// isFieldLine reports whether line starts a header field: a non-empty name
// of printable ASCII followed by a colon.
func isFieldLine(line []byte) bool {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return false
	}
	name := bytes.TrimRight(line[:i], " \t")
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		if c < 33 || c > 126 {
			return false
		}
	}
	return true
}

// dropBadHeaderLines keeps the field lines of a header section and their
// continuation lines, and counts the lines dropped.
func dropBadHeaderLines(section []byte) ([]byte, int) {
	var out bytes.Buffer
	dropped := 0
	keeping := false
	for len(section) > 0 {
		line := section
		if i := bytes.IndexByte(section, '\n'); i >= 0 {
			line, section = section[:i+1], section[i+1:]
		} else {
			section = nil
		}
		trimmed := bytes.TrimRight(line, "\r\n")
		switch {
		case len(trimmed) > 0 && (trimmed[0] == ' ' || trimmed[0] == '\t'):
			if keeping {
				out.Write(line)
			} else {
				dropped++
			}
		case isFieldLine(trimmed):
			keeping = true
			out.Write(line)
		default:
			keeping = false
			dropped++
		}
	}
	return out.Bytes(), dropped
}

var encodedWordRE = regexp.MustCompile(`=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=`)

// decodeHeader decodes RFC 2047 encoded words in any charset go-message
// knows. A word that cannot be decoded is kept as it is; raw 8-bit text is
// read as UTF-8 or guessed.
func (p *parser) decodeHeader(s string) string {
	if !strings.Contains(s, "=?") {
		return bestEffortString(s)
	}
	if out, err := p.wd.DecodeHeader(s); err == nil {
		return bestEffortString(out)
	}
	// One bad word spoils DecodeHeader: decode word by word, and drop the
	// blanks between two encoded words as RFC 2047 requires.
	var b strings.Builder
	last := 0
	prevWord := false
	for _, loc := range encodedWordRE.FindAllStringIndex(s, -1) {
		between := s[last:loc[0]]
		if !(prevWord && strings.TrimSpace(between) == "") {
			b.WriteString(between)
		}
		word := s[loc[0]:loc[1]]
		if dec, err := p.wd.Decode(word); err == nil {
			b.WriteString(dec)
		} else {
			b.WriteString(decodeWordBytes(word))
		}
		last = loc[1]
		prevWord = true
	}
	b.WriteString(s[last:])
	return bestEffortString(b.String())
}

// decodeWordBytes decodes the B or Q payload of an encoded word whose
// charset is unknown, and guesses the text; the word stays as it is when the
// payload is broken.
func decodeWordBytes(word string) string {
	parts := strings.Split(word, "?")
	if len(parts) != 5 {
		return word
	}
	payload := parts[3]
	var raw []byte
	switch strings.ToLower(parts[2]) {
	case "b":
		var err error
		raw, err = base64.StdEncoding.DecodeString(payload)
		if err != nil {
			raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(payload, "="))
			if err != nil {
				return word
			}
		}
	case "q":
		for i := 0; i < len(payload); i++ {
			switch c := payload[i]; {
			case c == '_':
				raw = append(raw, ' ')
			case c == '=' && i+2 < len(payload):
				v, err := strconv.ParseUint(payload[i+1:i+3], 16, 8)
				if err != nil {
					return word
				}
				raw = append(raw, byte(v))
				i += 2
			default:
				raw = append(raw, c)
			}
		}
	default:
		return word
	}
	s, _ := guessCharset(raw)
	return s
}

// addressList parses an address header leniently: net/mail first, then a
// forgiving split for what it refuses. Only what has a local part, "@" and a valid
// domain (validAddress) is an address; anything else in angle brackets ("Ben <U2>")
// leaves at most its display name, with an empty Email.
func (p *parser) addressList(v string) []Address {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	ap := mail.AddressParser{WordDecoder: p.wd}
	if list, err := ap.ParseList(v); err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			if a := checkedAddress(cleanDisplayName(a.Name), validText(strings.TrimSpace(a.Address))); a != (Address{}) {
				out = append(out, a)
			}
		}
		return out
	}
	var out []Address
	for _, item := range splitAddressList(v) {
		if a, ok := p.lenientAddress(item); ok {
			out = append(out, a)
		}
	}
	return out
}

// checkedAddress is name and email as an Address, the email dropped when it is not a
// valid address.
func checkedAddress(name, email string) Address {
	if !validAddress(email) {
		email = ""
	}
	return Address{Name: name, Email: email}
}

// validAddress reports whether s is an address mail can be sent to: a local part, "@"
// and a domain of dot-separated labels of letters (any script), digits, hyphens and
// underscores, or an address literal in brackets. A bare word ("U2", "MAILER-DAEMON"),
// "@U2" or "ben@evil|click" is not one.
func validAddress(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.ContainsAny(s, "\r\n\x00") {
		return false
	}
	domain := s[at+1:]
	if strings.HasPrefix(domain, "[") {
		return strings.HasSuffix(domain, "]") && len(domain) > 2 &&
			strings.Trim(domain[1:len(domain)-1], "0123456789abcdefABCDEF.:IPv") == ""
	}
	for _, label := range strings.Split(strings.TrimSuffix(domain, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if r != '-' && r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return true
}

// withEmail keeps the entries of as that have an address.
func withEmail(as []Address) []Address {
	var out []Address
	for _, a := range as {
		if a.Email != "" {
			out = append(out, a)
		}
	}
	return out
}

// splitAddressList splits at commas outside quotes, angle brackets and
// comments.
func splitAddressList(v string) []string {
	var out []string
	depthAngle, depthParen := 0, 0
	quoted, escaped := false, false
	start := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<':
			depthAngle++
		case c == '>':
			if depthAngle > 0 {
				depthAngle--
			}
		case c == '(':
			depthParen++
		case c == ')':
			if depthParen > 0 {
				depthParen--
			}
		case (c == ',' || c == ';') && depthAngle == 0 && depthParen == 0:
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}

var bareEmailRE = regexp.MustCompile(`[^\s<>()"',;:]+@[^\s<>()"',;:]+`)

func (p *parser) lenientAddress(item string) (Address, bool) {
	item = strings.TrimSpace(item)
	if lt := strings.LastIndexByte(item, '<'); lt >= 0 {
		gt := strings.IndexByte(item[lt:], '>')
		email := item[lt+1:]
		if gt >= 0 {
			email = item[lt+1 : lt+gt]
		}
		email = strings.TrimSpace(email)
		name := strings.TrimSpace(item[:lt])
		name = strings.Trim(name, `"`)
		name = strings.ReplaceAll(name, `\"`, `"`)
		a := checkedAddress(cleanDisplayName(p.decodeHeader(name)), validText(email))
		return a, a != (Address{})
	}
	email := bareEmailRE.FindString(item)
	if !validAddress(email) {
		return Address{}, false
	}
	return Address{Email: validText(email)}, true
}

// cleanDisplayName drops the quotes and blanks some clients leave around a
// display name.
func cleanDisplayName(s string) string {
	s = normalizeSpace(validText(s))
	s = strings.Trim(s, `"' `)
	return s
}

// msgIDs returns the message identifiers of a Message-ID, In-Reply-To or
// References field, without angle brackets: what is between "<" and the next ">"
// (no "<" between them), else the words of the field.
func msgIDs(v string) []string {
	var out []string
	bracketed := false
	for rest := v; ; {
		lt := strings.IndexByte(rest, '<')
		if lt < 0 {
			break
		}
		rest = rest[lt+1:]
		end := strings.IndexAny(rest, "<>")
		if end < 0 {
			break
		}
		if rest[end] == '<' {
			rest = rest[end:]
			continue
		}
		bracketed = true
		if id := cleanMsgID(rest[:end]); id != "" {
			out = append(out, id)
		}
		rest = rest[end+1:]
	}
	if bracketed {
		return out
	}
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || r == ',' }) {
		if id := cleanMsgID(f); id != "" {
			out = append(out, id)
		}
	}
	return out
}

func firstMsgID(v string) string {
	if ids := msgIDs(v); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

func cleanMsgID(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '<' || r == '>' {
			return -1
		}
		return r
	}, s)
	return validText(s)
}

var dateCommentRE = regexp.MustCompile(`\s*\([^()]*\)\s*$`)

// dateLayouts are tried when net/mail refuses a Date field.
var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 2 January 2006 15:04:05 -0700",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Monday, 2 Jan 2006 15:04:05 -0700",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 -0700 2006",
	"2006-01-02 15:04:05 -0700",
	time.RFC3339,
}

// parseDate parses a Date field; the zero time when missing or unreadable.
func parseDate(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, ok := parseCommonDate(v); ok {
		return t
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	v = normalizeSpace(dateCommentRE.ReplaceAllString(v, ""))
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t
		}
	}
	return time.Time{}
}

// commonDateLayout is the layout of most Date fields ("Mon, 04 Mar 2019 09:00:00
// +0100"), the first of mail.ParseDate's layouts that begins with the day of the week.
const commonDateLayout = "Mon, 2 Jan 2006 15:04:05 -0700"

// parseCommonDate is mail.ParseDate(v) for a field in commonDateLayout, without
// trying the twelve layouts before it, which each fail at a cost: v (trimmed) ending
// with its numeric zone and without line breaks is what mail.ParseDate parses as it
// is; one that does not begin with a digit fails every layout without the day of the
// week.
// ok is false when v is not such a field.
func parseCommonDate(v string) (time.Time, bool) {
	zone := strings.IndexAny(v, "+-")
	if zone < 0 || len(v) != zone+5 || '0' <= v[0] && v[0] <= '9' || strings.ContainsAny(v, "\r\n") {
		return time.Time{}, false
	}
	t, err := time.Parse(commonDateLayout, v)
	return t, err == nil
}

// mediaHeader is a parsed Content-Type or Content-Disposition field.
type mediaHeader struct {
	value  string            // lower case: "text/plain", "attachment"
	params map[string]string // lower-case names, decoded values
}

// parseMediaHeader parses a field with parameters leniently: duplicate
// parameters keep the first, RFC 2231 values are decoded in any charset and
// joined from their continuations, RFC 2047 words in plain values are
// decoded. mime.ParseMediaType refuses most of what mailers get wrong.
func (p *parser) parseMediaHeader(v string) mediaHeader {
	value, rest, _ := strings.Cut(v, ";")
	mh := mediaHeader{value: strings.ToLower(strings.TrimSpace(value)), params: map[string]string{}}
	type segment struct {
		value    string
		extended bool
	}
	ext := map[string]map[int]segment{}
	for _, rp := range splitParams(rest) {
		base, suffix, starred := strings.Cut(rp.name, "*")
		if !starred {
			if _, dup := mh.params[base]; !dup {
				mh.params[base] = p.decodeParamValue(rp.value)
			}
			continue
		}
		n, extended := 0, true
		if suffix != "" {
			extended = strings.HasSuffix(suffix, "*")
			var err error
			n, err = strconv.Atoi(strings.TrimSuffix(suffix, "*"))
			if err != nil || n < 0 || n > 999 {
				continue
			}
		}
		if ext[base] == nil {
			ext[base] = map[int]segment{}
		}
		if _, dup := ext[base][n]; !dup {
			ext[base][n] = segment{rp.value, extended}
		}
	}
	for base, segs := range ext {
		idx := make([]int, 0, len(segs))
		for n := range segs {
			idx = append(idx, n)
		}
		sort.Ints(idx)
		var raw []byte
		cs := ""
		for i, n := range idx {
			s := segs[n]
			if !s.extended {
				raw = append(raw, s.value...)
				continue
			}
			v := s.value
			if i == 0 {
				// charset'language'value
				if a, b, ok := strings.Cut(v, "'"); ok {
					if _, c, ok := strings.Cut(b, "'"); ok {
						cs, v = a, c
					}
				}
			}
			raw = append(raw, percentDecode(v)...)
		}
		if s, _ := decodeCharset(raw, cs); s != "" {
			mh.params[base] = s
		}
	}
	return mh
}

type rawParam struct{ name, value string }

// splitParams splits "; a=b; c="d;e"" into name/value pairs.
func splitParams(s string) []rawParam {
	var out []rawParam
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ';' || s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
			i++
		}
		start := i
		for i < len(s) && s[i] != '=' && s[i] != ';' {
			i++
		}
		name := strings.ToLower(strings.TrimSpace(s[start:i]))
		if i >= len(s) || s[i] == ';' {
			continue // a parameter without value
		}
		i++ // '='
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		var value string
		if i < len(s) && s[i] == '"' {
			i++
			var b strings.Builder
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
				i++
			}
			i++ // closing quote, if any
			value = b.String()
			for i < len(s) && s[i] != ';' {
				i++
			}
		} else {
			start := i
			for i < len(s) && s[i] != ';' {
				i++
			}
			value = strings.TrimSpace(s[start:i])
		}
		if name != "" {
			out = append(out, rawParam{name, value})
		}
	}
	return out
}

func (p *parser) decodeParamValue(v string) string {
	if strings.Contains(v, "=?") {
		return p.decodeHeader(v)
	}
	return bestEffortString(v)
}

// percentDecode decodes %XX sequences, keeping malformed ones as they are.
func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if b, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				out = append(out, byte(b))
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return out
}

// charsetStatus says how a text was turned into UTF-8.
type charsetStatus int

const (
	charsetOK      charsetStatus = iota
	charsetInvalid               // declared UTF-8 but invalid: bad bytes replaced
	charsetGuessed               // undeclared or ASCII but 8-bit: charset guessed
	charsetUnknown               // unknown charset: charset guessed
)

// decodeCharset converts b from charset cs to UTF-8.
func decodeCharset(b []byte, cs string) (string, charsetStatus) {
	cs = charsetLabel(cs)
	switch cs {
	case "utf-8", "utf8":
		if utf8.Valid(b) {
			return lfString(b), charsetOK
		}
		return string(bytes.ToValidUTF8(b, []byte("\uFFFD"))), charsetInvalid
	case "", "us-ascii", "ascii":
		if utf8.Valid(b) {
			return lfString(b), charsetOK
		}
		return bestEffortString(string(b)), charsetGuessed
	}
	if e := lookupCharset(cs); e != nil && isUTF8Encoding(e) {
		// "unicode-1-1-utf-8", "cp65001": UTF-8 by another name.
		return decodeCharset(b, "utf-8")
	}
	r, err := charsetReader(cs, bytes.NewReader(b))
	if err != nil {
		// An unknown label: the charset is guessed from the bytes, not taken for Latin-1.
		s, _ := guessCharset(b)
		return lfString([]byte(s)), charsetUnknown
	}
	out, err := io.ReadAll(r)
	if err != nil {
		s, _ := guessCharset(b)
		return lfString([]byte(s)), charsetUnknown
	}
	return string(bytes.ToValidUTF8(out, []byte("\uFFFD"))), charsetOK
}

// charsetReader converts what r reads from charset cs (not UTF-8) to UTF-8; an error
// when cs is unknown.
//
// The label is looked up as mailers write it (lookupCharset: WHATWG labels, IANA
// names, mail-library aliases); go-message's table comes last. Mail labelled Latin-1
// is mostly windows-1252 (curly quotes in 0x80-0x9F), as browsers assume: the WHATWG
// index says so.
func charsetReader(cs string, r io.Reader) (io.Reader, error) {
	cs = charsetLabel(cs)
	if e := lookupCharset(cs); e != nil {
		return e.NewDecoder().Reader(r), nil
	}
	return charset.Reader(cs, r)
}

// wordCharsetReader is charsetReader for mime.WordDecoder, which io.Copies what it
// returns: a reader that writes itself out (io.WriterTo) spares io.Copy its 32 KiB
// buffer for the few bytes of an encoded word.
func wordCharsetReader(cs string, r io.Reader) (io.Reader, error) {
	r, err := charsetReader(cs, r)
	if err != nil {
		return nil, err
	}
	return smallCopyReader{r}, nil
}

// smallCopyReader is a reader whose WriteTo copies through a small buffer, as io.Copy
// would through its own.
type smallCopyReader struct{ r io.Reader }

func (s smallCopyReader) Read(p []byte) (int, error) { return s.r.Read(p) }

// WriteTo copies through a 512-byte buffer (or the reader's own WriteTo).
func (s smallCopyReader) WriteTo(w io.Writer) (int64, error) {
	return io.CopyBuffer(w, s.r, make([]byte, 512))
}

// charsetLabel is a charset parameter as decodeCharset reads it.
func charsetLabel(cs string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(cs), `"'`))
}

// isUTF8Label reports whether decodeCharset reads valid UTF-8 labelled cs as it is.
func isUTF8Label(cs string) bool {
	switch charsetLabel(cs) {
	case "utf-8", "utf8", "", "us-ascii", "ascii":
		return true
	}
	return false
}

// lfString is string(b) with CRLF and lone CR turned into LF (normalizeNewlines), in
// one copy: the text of a large part is not copied twice.
func lfString(b []byte) string {
	if bytes.IndexByte(b, '\r') < 0 {
		return string(b)
	}
	var s strings.Builder
	s.Grow(len(b))
	for {
		i := bytes.IndexByte(b, '\r')
		if i < 0 {
			s.Write(b)
			return s.String()
		}
		s.Write(b[:i])
		s.WriteByte('\n')
		b = b[i+1:]
		if len(b) > 0 && b[0] == '\n' {
			b = b[1:]
		}
	}
}

// bidiControls are the explicit embedding and override characters that can
// make "gpj.exe" look like "exe.jpg".
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

const maxFilenameBytes = 200

// sanitizeFilename keeps the last path component of a sender's file name,
// without control characters, and "" when nothing usable is left.
func sanitizeFilename(name string) string {
	name = validText(name)
	name = strings.ReplaceAll(name, `\`, "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || isBidiControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	name = strings.TrimLeft(name, ". ")
	name = strings.TrimRight(name, ". ")
	if len(name) > maxFilenameBytes {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		base := truncateBytes(strings.TrimSuffix(name, ext), maxFilenameBytes-len(ext))
		name = base + ext
	}
	return name
}

// extensions gives the file name extension of a media type, for parts sent
// without a name.
var extensions = map[string]string{
	"text/plain":                       ".txt",
	"text/html":                        ".html",
	"text/calendar":                    ".ics",
	"text/csv":                         ".csv",
	"text/rfc822-headers":              ".txt",
	"message/rfc822":                   ".eml",
	"message/global":                   ".eml",
	"message/delivery-status":          ".txt",
	"message/disposition-notification": ".txt",
	"image/jpeg":                       ".jpg",
	"image/png":                        ".png",
	"image/gif":                        ".gif",
	"image/webp":                       ".webp",
	"image/tiff":                       ".tif",
	"image/bmp":                        ".bmp",
	"application/pdf":                  ".pdf",
	"application/zip":                  ".zip",
	"application/msword":               ".doc",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"application/vnd.ms-excel":                ".xls",
	"application/vnd.ms-powerpoint":           ".ppt",
	"application/vnd.oasis.opendocument.text": ".odt",
	"application/rtf":                         ".rtf",
	"application/pkcs7-signature":             ".p7s",
	"application/x-pkcs7-signature":           ".p7s",
	"application/pkcs7-mime":                  ".p7m",
	"application/x-pkcs7-mime":                ".p7m",
	"application/pgp-signature":               ".asc",
	"application/pgp-encrypted":               ".asc",
	"application/octet-stream":                ".bin",
	"application/ms-tnef":                     ".dat",
}

func extensionFor(mediaType string) string {
	if ext, ok := extensions[mediaType]; ok {
		return ext
	}
	return ".bin"
}
