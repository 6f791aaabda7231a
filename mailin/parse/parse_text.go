package parse

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/text/encoding/charmap"
)

// validText returns s as valid UTF-8 (bad bytes become U+FFFD) without NUL
// bytes: what PostgreSQL text and jsonb accept.
func validText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// bestEffortString reads bytes of unknown charset. Valid UTF-8 stays as it
// is. Otherwise, when the bytes that are not UTF-8 stand alone between ASCII
// letters, as accented letters do in French or Spanish, each is read as
// windows-1252; when they come in runs (Arabic, Cyrillic or Chinese in a
// legacy charset), they become U+FFFD rather than Latin letters.
func bestEffortString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	bad := make([]bool, len(s))
	invalid := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			bad[i] = true
			invalid++
		}
		i += size
	}
	paired := 0
	for i, b := range bad {
		if b && ((i > 0 && bad[i-1]) || (i+1 < len(bad) && bad[i+1])) {
			paired++
		}
	}
	latin := paired*2 < invalid
	var out strings.Builder
	out.Grow(len(s) + invalid*2)
	for i := 0; i < len(s); {
		if !bad[i] {
			_, size := utf8.DecodeRuneInString(s[i:])
			out.WriteString(s[i : i+size])
			i += size
			continue
		}
		if latin {
			out.WriteRune(charmap.Windows1252.DecodeByte(s[i]))
		} else {
			out.WriteRune(utf8.RuneError)
		}
		i++
	}
	return out.String()
}

// normalizeSpace collapses runs of white space to one space and trims.
func normalizeSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// normalizeNewlines turns CRLF and lone CR into LF.
func normalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// shorten shortens s to at most n runes.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

// truncateBytes shortens s to at most n bytes without splitting a rune.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// cleanParsed makes every string of out valid UTF-8 without NUL.
func cleanParsed(out *Parsed) {
	out.MessageID = validText(out.MessageID)
	out.InReplyTo = validText(out.InReplyTo)
	for i := range out.References {
		out.References[i] = validText(out.References[i])
	}
	cleanAddress(&out.From)
	for _, list := range [][]Address{out.ReplyTo, out.To, out.Cc} {
		for i := range list {
			cleanAddress(&list[i])
		}
	}
	out.Subject = validText(out.Subject)
	for k, v := range out.Headers {
		out.Headers[k] = validText(v)
	}
	out.Text = validText(out.Text)
	out.HTML = validText(out.HTML)
	for i := range out.Attachments {
		a := &out.Attachments[i]
		a.Filename = validText(a.Filename)
		a.ContentType = validText(a.ContentType)
		a.ContentID = validText(a.ContentID)
	}
	out.ReportType = validText(out.ReportType)
	out.ReportOriginalMessageID = validText(out.ReportOriginalMessageID)
	for i := range out.Warnings {
		out.Warnings[i] = validText(out.Warnings[i])
	}
}

func cleanAddress(a *Address) {
	a.Name = validText(a.Name)
	a.Email = validText(a.Email)
}

// htmlPolicy is the user-generated-content policy of bluemonday, plus cid:
// URLs so that inline images stay linked to their parts. Built once; a
// Policy is safe for concurrent use.
var htmlPolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("mailto", "http", "https", "cid")
	return p
})

// sanitizeHTML removes scripts, styles, event handlers and anything else
// unsafe from a sender's HTML.
func sanitizeHTML(s string) string {
	if strings.TrimSpace(s) == "" {
		return s
	}
	// Into a buffer of the input's size: sanitising only removes, so the buffer is
	// not reallocated as it grows.
	var b strings.Builder
	b.Grow(len(s))
	if err := htmlPolicy().SanitizeReaderToWriter(strings.NewReader(s), &b); err != nil {
		return ""
	}
	return strings.TrimSpace(b.String())
}

// textWriter accumulates text, tracking the line breaks at its end. As it writes, it
// trims the blanks that end each line and keeps at most one empty line in a row, so
// that the text is built in one buffer.
type textWriter struct {
	b        strings.Builder
	n        int  // bytes written, before trimming
	newlines int  // line breaks at the end of what was written
	space    bool // white space seen since the last word

	blanks []byte // spaces and tabs ending the current line, written if more follows
	filled bool   // the current line holds more than blanks
	empty  int    // empty lines just before the current one
}

func (w *textWriter) atLineStart() bool { return w.n == 0 || w.newlines > 0 }

// write adds s, trimming lines and squeezing empty ones.
func (w *textWriter) write(s string) {
	w.n += len(s)
	for len(s) > 0 {
		if w.blankOrBreak(s[0]) {
			s = s[1:]
			continue
		}
		end := strings.IndexAny(s, " \t\n")
		if end < 0 {
			end = len(s)
		}
		w.fill()
		w.b.WriteString(s[:end])
		s = s[end:]
	}
}

// writeBytes is write for bytes.
func (w *textWriter) writeBytes(s []byte) {
	w.n += len(s)
	for len(s) > 0 {
		if w.blankOrBreak(s[0]) {
			s = s[1:]
			continue
		}
		end := bytes.IndexAny(s, " \t\n")
		if end < 0 {
			end = len(s)
		}
		w.fill()
		w.b.Write(s[:end])
		s = s[end:]
	}
}

// blankOrBreak writes c when it is a space, a tab or a line break, and reports whether
// it was.
func (w *textWriter) blankOrBreak(c byte) bool {
	switch c {
	case ' ', '\t':
		w.blanks = append(w.blanks, c)
	case '\n':
		w.blanks = w.blanks[:0]
		if w.filled {
			w.empty = 0
		} else {
			w.empty++
		}
		if w.filled || w.empty <= 1 {
			w.b.WriteByte('\n')
		}
		w.filled = false
	default:
		return false
	}
	return true
}

// fill writes the blanks before more of the line.
func (w *textWriter) fill() {
	w.b.Write(w.blanks)
	w.blanks = w.blanks[:0]
	w.filled = true
}

// lineBreaks ends the current line so that n line breaks end the text.
func (w *textWriter) lineBreaks(n int) {
	if w.n == 0 {
		return
	}
	for ; w.newlines < n; w.newlines++ {
		w.write("\n")
	}
	w.space = false
}

func (w *textWriter) word(r rune) {
	if w.space && !w.atLineStart() {
		w.write(" ")
	}
	var buf [utf8.UTFMax]byte
	w.write(string(utf8.AppendRune(buf[:0], r)))
	w.space, w.newlines = false, 0
}

func (w *textWriter) raw(s string) {
	if s == "" {
		return
	}
	w.write(s)
	w.newlines = len(s) - len(strings.TrimRight(s, "\n"))
	w.space = false
}

// rawBytes is raw for bytes.
func (w *textWriter) rawBytes(s []byte) {
	if len(s) == 0 {
		return
	}
	w.writeBytes(s)
	w.newlines = len(s) - len(bytes.TrimRight(s, "\n"))
	w.space = false
}

// htmlPart is the decoded HTML of one part, without NUL: the bytes of the part, as
// they came (b, valid UTF-8 unless charset is set, line ends as they came), or text
// converted from its charset (s).
type htmlPart struct {
	b       []byte
	charset string // of b, when it is not UTF-8: converted as it is read
	n       int    // the length of b converted
	s       string
}

// charsetHTMLPart is the HTML b in charset cs, converted as it is read; false when cs
// is unknown or b does not convert.
func charsetHTMLPart(b []byte, cs string) (htmlPart, bool) {
	h := htmlPart{b: b, charset: cs}
	r, err := charsetReader(cs, bytes.NewReader(b))
	if err != nil {
		return h, false
	}
	n, err := io.Copy(io.Discard, &lfReader{r: r})
	h.n = int(n)
	return h, err == nil
}

// len is the length of the part's HTML as reader reads it (line ends "\n").
func (h htmlPart) len() int {
	switch {
	case h.b == nil:
		return len(h.s)
	case h.charset != "":
		return h.n
	}
	return len(h.b) - bytes.Count(h.b, []byte("\r\n"))
}

// string is the part's HTML.
func (h htmlPart) string() string {
	switch {
	case h.b == nil:
		return h.s
	case h.charset != "":
		s, _ := decodeCharset(h.b, h.charset)
		return s
	}
	return lfString(h.b)
}

// reader reads the part's HTML as UTF-8 with line ends "\n", without copying it.
func (h htmlPart) reader() io.Reader {
	switch {
	case h.b == nil:
		return &lfReader{r: strings.NewReader(h.s)}
	case h.charset != "":
		r, err := charsetReader(h.charset, bytes.NewReader(h.b))
		if err != nil {
			return strings.NewReader("") // walkLeaf checked the charset
		}
		return &lfReader{r: r}
	}
	return &lfReader{r: bytes.NewReader(h.b)}
}

// joinHTML joins the HTML parts of a message with "\n".
func joinHTML(parts []htmlPart) string {
	if len(parts) == 1 {
		return parts[0].string()
	}
	s := make([]string, len(parts))
	for i, h := range parts {
		s[i] = h.string()
	}
	return strings.Join(s, "\n")
}

// htmlPartsToText is htmlToText(joinHTML(parts)) read from the parts themselves, n
// bytes in all: the HTML is not copied, the text is written into one buffer. The error
// is the one that stopped the reading of a part (converting its charset), if any.
func htmlPartsToText(parts []htmlPart, n int) (string, error) {
	readers := make([]io.Reader, 0, 2*len(parts))
	for i, h := range parts {
		if i > 0 {
			readers = append(readers, strings.NewReader("\n"))
		}
		readers = append(readers, h.reader())
	}
	r := &readErr{r: io.MultiReader(readers...)}
	text := htmlTextFrom(r, n, maxHTMLToken)
	if len(text) < n/2 {
		// Mostly markup: keep the text, not the buffer sized for the HTML.
		text = strings.Clone(text)
	}
	return text, r.err
}

// readErr keeps the error other than io.EOF r returns.
type readErr struct {
	r   io.Reader
	err error
}

func (e *readErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

// lfReader turns CRLF and lone CR into LF, as lfString does, in the caller's buffer.
type lfReader struct {
	r      io.Reader
	seenCR bool // the last byte read was CR
}

func (l *lfReader) Read(p []byte) (int, error) {
	for {
		n, err := l.r.Read(p)
		w := 0
		for _, c := range p[:n] {
			switch {
			case c == '\r':
				p[w] = '\n'
				w++
				l.seenCR = true
			case c == '\n' && l.seenCR:
				l.seenCR = false
			default:
				p[w] = c
				w++
				l.seenCR = false
			}
		}
		if w > 0 || err != nil || n == 0 {
			return w, err
		}
	}
}

// htmlToText turns HTML into readable plain text: blocks become lines, list
// items get a dash, images their alt text; scripts and styles go.
func htmlToText(s string) string {
	return htmlTextFrom(strings.NewReader(s), len(s), 0)
}

// maxHTMLToken is the longest token (a run of text, a tag with its attributes, a
// comment) the tokenizer holds when a large HTML body is turned into text. Its buffer
// doubles to hold a token: a token of the size of the message, a long text without
// markup or an image inlined as a data: URL, would take up to four times its size.
const maxHTMLToken = 256 << 10

// htmlTextFrom is htmlToText of the n bytes of HTML r reads. When maxToken is not 0,
// a longer token is not held whole: a run of text is read in pieces (an entity cut
// in two stays as it is written), a tag is skipped with its attributes (an image cut
// so loses its alt text), a comment is skipped.
func htmlTextFrom(r io.Reader, n, maxToken int) string {
	var t htmlText
	// The text is shorter than the HTML: one buffer, never reallocated.
	t.w.b.Grow(n)
	z := html.NewTokenizer(r)
	z.SetMaxBuf(maxToken)
	var skipRest func(*bufio.Reader) // skips the rest of a comment cut
	for {
		tt := z.Next()
		cut := maxToken > 0 && len(z.Raw()) >= maxToken
		switch tt {
		case html.ErrorToken:
			if z.Err() != html.ErrBufferExceeded {
				return strings.TrimSpace(t.w.b.String())
			}
			// The tokenizer stopped at a token longer than maxToken: another goes on
			// after it, from what the first had read.
			br := bufio.NewReader(io.MultiReader(bytes.NewReader(bytes.Clone(z.Buffered())), r))
			if cut { // a tag
				tok := z.Raw()
				var buf [maxTagName]byte
				if len(tok) > 1 && tok[1] == '/' {
					t.tag(string(tagName(tok, buf[:0])), html.EndTagToken, nil)
				} else {
					t.tag(string(tagName(tok, buf[:0])), html.StartTagToken, nil)
				}
				skipTagRest(tok, br)
			} else if skipRest != nil {
				skipRest(br)
			}
			skipRest, r = nil, br
			z = html.NewTokenizer(r)
			z.SetMaxBuf(maxToken)
		case html.TextToken:
			if !cut {
				t.text(z.Text())
				continue
			}
			// A run of text longer than maxToken: read here up to the next '<', where
			// another tokenizer goes on. What may be the start of a tag at the end of
			// the token (a '<' the tokenizer read before it stopped) is left to it.
			head := z.Raw()
			var back []byte
			if i := bytes.LastIndexByte(head, '<'); i >= 0 && len(head)-i <= maxTagName+2 {
				head, back = head[:i], bytes.Clone(head[i:])
			}
			br := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(back), bytes.NewReader(bytes.Clone(z.Buffered())), r), textPiece)
			t.textRun(head, br)
			r = br
			z = html.NewTokenizer(r)
			z.SetMaxBuf(maxToken)
		case html.CommentToken, html.DoctypeToken:
			if cut {
				if tok := z.Raw(); bytes.HasPrefix(tok, []byte("<!--")) {
					dashes := len(tok) - len(bytes.TrimRight(tok, "-"))
					skipRest = func(br *bufio.Reader) { skipCommentRest(dashes, br) }
				} else {
					skipRest = func(br *bufio.Reader) { skipPast(br, '>') }
				}
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			var buf [maxTagName]byte
			t.tag(string(tagName(z.Raw(), buf[:0])), tt, z)
		}
	}
}

// htmlText turns HTML tokens into text.
type htmlText struct {
	w         textWriter
	skip, pre int // depth inside elements whose text is skipped, inside pre
}

func (t *htmlText) text(text []byte) {
	if t.skip > 0 {
		return
	}
	if t.pre > 0 {
		t.w.rawBytes(text)
		return
	}
	for len(text) > 0 {
		r, size := utf8.DecodeRune(text)
		text = text[size:]
		if unicode.IsSpace(r) {
			t.w.space = true
			continue
		}
		t.w.word(r)
	}
}

// tag reads a tag named name; z, when not nil, gives its attributes.
func (t *htmlText) tag(name string, tt html.TokenType, z *html.Tokenizer) {
	w := &t.w
	start := tt != html.EndTagToken
	switch name {
	case "script", "style", "head", "title", "noscript", "template":
		if tt == html.StartTagToken {
			t.skip++
		} else if tt == html.EndTagToken && t.skip > 0 {
			t.skip--
		}
	case "br":
		w.write("\n")
		w.newlines++
		w.space = false
	case "pre":
		w.lineBreaks(1)
		if tt == html.StartTagToken {
			t.pre++
		} else if tt == html.EndTagToken && t.pre > 0 {
			t.pre--
		}
	case "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "hr":
		w.lineBreaks(2)
	case "div", "tr", "section", "article", "header", "footer", "address", "dl", "dt", "dd", "center":
		w.lineBreaks(1)
	case "li":
		w.lineBreaks(1)
		if start {
			w.raw("- ")
		}
	case "td", "th":
		if start && !w.atLineStart() {
			w.raw("\t")
		}
	case "img":
		if start && z != nil {
			if alt := normalizeSpace(htmlAttr(z, "alt")); alt != "" {
				w.space = true
				for _, r := range "[" + alt + "]" {
					w.word(r)
					w.space = false
				}
			}
		}
	}
}

// textPiece is the size of the pieces textRun reads; maxEntity is longer than the
// longest character reference.
const (
	textPiece = 32 << 10
	maxEntity = 40
)

// textRun reads a run of text: head, then what br holds up to the next '<' (left in
// br), in pieces, each but the last without what may be a character reference or a
// UTF-8 character cut at its end, carried to the next.
func (t *htmlText) textRun(head []byte, br *bufio.Reader) {
	work := make([]byte, 0, textPiece+maxEntity)
	piece := func(b []byte, last bool) {
		work = append(work, b...)
		cut := len(work)
		if !last {
			if i := bytes.LastIndexByte(work, '&'); i >= 0 && len(work)-i < maxEntity && !bytes.ContainsAny(work[i:], "; \t\n\f") {
				cut = i
			}
			cut -= incompleteRune(work[:cut])
		}
		if text := work[:cut]; bytes.IndexByte(text, '&') >= 0 {
			t.text([]byte(html.UnescapeString(string(text))))
		} else {
			t.text(text)
		}
		work = append(work[:0], work[cut:]...)
	}
	for len(head) > 0 {
		n := min(len(head), textPiece)
		piece(head[:n], false)
		head = head[n:]
	}
	for {
		b, err := br.ReadSlice('<')
		if err == nil {
			b = b[:len(b)-1]
		}
		last := err != bufio.ErrBufferFull
		piece(b, last)
		if err == nil {
			_ = br.UnreadByte() // the '<', for the tokenizer
		}
		if last {
			return
		}
	}
}

// incompleteRune is the length of the incomplete UTF-8 character ending b, 0 if none.
func incompleteRune(b []byte) int {
	for k := 1; k <= min(len(b), utf8.UTFMax-1); k++ {
		if c := b[len(b)-k]; utf8.RuneStart(c) {
			if c >= utf8.RuneSelf && !utf8.FullRune(b[len(b)-k:]) {
				return k
			}
			return 0
		}
	}
	return 0
}

// skipTagRest reads past the '>' ending a tag that starts with head: the first '>'
// not inside a quoted attribute value.
func skipTagRest(head []byte, br *bufio.Reader) {
	var quote byte // the quote of the attribute value being read, 0 outside one
	afterEq := false
	end := func(c byte) bool {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '>':
			return true
		case c == '=':
			afterEq = true
		case afterEq && (c == '"' || c == '\''):
			quote, afterEq = c, false
		case afterEq && (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'):
		default:
			afterEq = false
		}
		return false
	}
	for _, c := range head {
		end(c)
	}
	for {
		c, err := br.ReadByte()
		if err != nil || end(c) {
			return
		}
	}
}

// skipCommentRest reads past the "-->" ending a comment whose read part ended with
// dashes '-'.
func skipCommentRest(dashes int, br *bufio.Reader) {
	for {
		c, err := br.ReadByte()
		switch {
		case err != nil:
			return
		case c == '-':
			dashes++
		case c == '>' && dashes >= 2:
			return
		default:
			dashes = 0
		}
	}
}

// skipPast reads past the next byte c.
func skipPast(br *bufio.Reader, c byte) {
	for {
		if _, err := br.ReadSlice(c); err != bufio.ErrBufferFull {
			return
		}
	}
}

// maxTagName is the length of the longest tag name htmlTextFrom looks for.
const maxTagName = len("blockquote")

// tagName appends to buf the name of the tag raw is, lower case, as the tokenizer's
// TagName returns it, or nothing when it is longer than cap(buf): unlike TagName, it
// allocates nothing.
func tagName(raw, buf []byte) []byte {
	raw = bytes.TrimPrefix(bytes.TrimPrefix(raw, []byte("<")), []byte("/"))
	for _, c := range raw {
		switch c {
		case ' ', '\n', '\r', '\t', '\f', '/', '>':
			return buf
		}
		if len(buf) == cap(buf) {
			return buf[:0]
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

// htmlAttr returns the value of the named attribute of the current tag.
func htmlAttr(z *html.Tokenizer, name string) string {
	for {
		key, val, more := z.TagAttr()
		if string(key) == name {
			return string(val)
		}
		if !more {
			return ""
		}
	}
}
