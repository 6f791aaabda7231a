package mailin

import (
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

// htmlToText turns HTML into readable plain text: blocks become lines, list
// items get a dash, images their alt text; scripts and styles go.
func htmlToText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var w textWriter
	// The text is shorter than the HTML: one buffer, never reallocated.
	w.b.Grow(len(s))
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
			text := string(z.Text())
			if pre > 0 {
				w.raw(text)
				continue
			}
			for _, r := range text {
				if unicode.IsSpace(r) {
					w.space = true
					continue
				}
				w.word(r)
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			start := tt != html.EndTagToken
			switch string(name) {
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
