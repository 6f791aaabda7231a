package mailin

import (
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
		switch c := s[0]; c {
		case ' ', '\t':
			w.blanks = append(w.blanks, c)
			s = s[1:]
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
			s = s[1:]
		default:
			end := strings.IndexAny(s, " \t\n")
			if end < 0 {
				end = len(s)
			}
			w.b.Write(w.blanks)
			w.blanks = w.blanks[:0]
			w.b.WriteString(s[:end])
			w.filled = true
			s = s[end:]
		}
	}
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

// htmlPart is the decoded HTML of one part, valid UTF-8 without NUL: either the bytes
// of the part as they came (b, line ends as they came), or text converted from its
// charset (s, line ends "\n").
type htmlPart struct {
	b []byte
	s string
}

// len is the length of the part's HTML with line ends turned into "\n", as
// string returns it.
func (h htmlPart) len() int {
	if h.b == nil {
		return len(h.s)
	}
	return len(h.b) - bytes.Count(h.b, []byte("\r\n"))
}

// string is the part's HTML with line ends "\n".
func (h htmlPart) string() string {
	if h.b == nil {
		return h.s
	}
	return lfString(h.b)
}

// reader reads the part's HTML with line ends "\n", without copying it.
func (h htmlPart) reader() io.Reader {
	if h.b == nil {
		return strings.NewReader(h.s)
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
// bytes in all: the HTML is not copied, the text is written into one buffer.
func htmlPartsToText(parts []htmlPart, n int) string {
	readers := make([]io.Reader, 0, 2*len(parts))
	for i, h := range parts {
		if i > 0 {
			readers = append(readers, strings.NewReader("\n"))
		}
		readers = append(readers, h.reader())
	}
	text := htmlTextFrom(io.MultiReader(readers...), n)
	if len(text) < n/2 {
		// Mostly markup: keep the text, not the buffer sized for the HTML.
		text = strings.Clone(text)
	}
	return text
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
	return htmlTextFrom(strings.NewReader(s), len(s))
}

// htmlTextFrom is htmlToText of the n bytes of HTML r reads.
func htmlTextFrom(r io.Reader, n int) string {
	z := html.NewTokenizer(r)
	var w textWriter
	// The text is shorter than the HTML: one buffer, never reallocated.
	w.b.Grow(n)
	skip, pre := 0, 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.TrimSpace(w.b.String())
		case html.TextToken:
			if skip > 0 {
				continue
			}
			text := z.Text()
			if pre > 0 {
				w.raw(string(text))
				continue
			}
			for len(text) > 0 {
				r, size := utf8.DecodeRune(text)
				text = text[size:]
				if unicode.IsSpace(r) {
					w.space = true
					continue
				}
				w.word(r)
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			var buf [maxTagName]byte
			start := tt != html.EndTagToken
			switch string(tagName(z.Raw(), buf[:0])) {
			case "script", "style", "head", "title", "noscript", "template":
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case "br":
				w.write("\n")
				w.newlines++
				w.space = false
			case "pre":
				w.lineBreaks(1)
				if tt == html.StartTagToken {
					pre++
				} else if tt == html.EndTagToken && pre > 0 {
					pre--
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
				if start {
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
