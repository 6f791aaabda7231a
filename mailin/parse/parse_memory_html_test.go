package parse

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/net/html"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// htmlSamples exercise what htmlToText reads: line ends of every kind, inside text, pre
// and attributes, entities, lists, tables, images, scripts, non-ASCII text.
var htmlSamples = []string{
	"<p>Madame,\r\nMonsieur,</p>\r\n<p>Veuillez trouver&nbsp;ci-joint&hellip;</p>",
	"<pre>line one\r\nline two\r\rline four\r</pre>\r\n<div>after</div>",
	"<ul>\r\n<li>one</li>\r\n<li>two &amp; three</li></ul><BR>\r<img alt=\"chart\r\n 2025\" src=\"cid:x\">",
	"<table><tr><td>a</td><TD>b</TD></tr>\r\n<tr><th>c</th></tr></table><script>var x = '<p>';\r\n</script>",
	"<html><head><title>t</title><style>p{}</style></head><body dir=\"rtl\">السيد الرئيس،\r\n<blockquote>نص</blockquote></body></html>",
	"中文\r\n<h1>标题</h1><hr/>text<\r\np>broken<p\r\n>tag</p>\r",
	"",
	"\r\n",
}

// The text of HTML read from its parts, as large bodies are, is the text of the HTML
// joined and turned into text, as small bodies are.
func TestHTMLPartsToTextIsHTMLToText(t *testing.T) {
	for i, a := range htmlSamples {
		for j, b := range htmlSamples {
			for _, parts := range [][]htmlPart{
				{{b: []byte(a)}},
				{{b: []byte(a)}, {s: normalizeNewlines(b)}},
				{{s: normalizeNewlines(a)}, {b: []byte(b)}, {b: []byte(a)}},
				{{s: a}, {b: latin1(b), charset: "ISO-8859-1"}},
			} {
				if parts[len(parts)-1].charset != "" {
					// Compared with the text as decodeCharset converts it.
					n := 0
					for k, h := range parts {
						n += len(h.string())
						if k > 0 {
							n++
						}
					}
					got, err := htmlPartsToText(parts, n)
					if want := htmlToText(joinHTML(parts)); err != nil || got != want {
						t.Errorf("samples %d, %d with Latin-1: text\n%q (%v)\nwant\n%q", i, j, got, err, want)
					}
					continue
				}
				joined := joinHTML(parts)
				n := 0
				for k, h := range parts {
					n += h.len()
					if k > 0 {
						n++
					}
				}
				if n != len(joined) {
					t.Errorf("samples %d, %d: length %d, joined HTML is %d", i, j, n, len(joined))
				}
				got, err := htmlPartsToText(parts, n)
				if want := htmlToText(joined); err != nil || got != want {
					t.Errorf("samples %d, %d in %d parts: text\n%q (%v)\nwant\n%q", i, j, len(parts), got, err, want)
				}
			}
		}
	}
}

// latin1 is s in windows-1252, characters it lacks replaced.
func latin1(s string) []byte {
	b, err := encoding.ReplaceUnsupported(charmap.Windows1252.NewEncoder()).Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

// lfReader turns line ends into "\n" as lfString does, whatever the reads it is given.
func TestLFReaderIsLFString(t *testing.T) {
	for _, s := range []string{"a\r\nb\r\rc\r", "\r\n\r\n", "\r", "\n\r\n\r", "plain", ""} {
		for _, r := range []io.Reader{
			&lfReader{r: strings.NewReader(s)},
			&lfReader{r: iotest.OneByteReader(strings.NewReader(s))},
			&lfReader{r: iotest.DataErrReader(iotest.HalfReader(strings.NewReader(s)))},
		} {
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if want := lfString([]byte(s)); string(got) != want {
				t.Errorf("%q read as %q, want %q", s, got, want)
			}
		}
	}
}

// htmlMessage is a message whose body is html repeated to at least size bytes, with
// CRLF line ends, in charset cs (windows-1256 or UTF-8).
func htmlMessage(html string, size int, cs string) ([]byte, []byte) {
	body := []byte(strings.Repeat(html, size/len(html)+1))
	if cs == "windows-1256" {
		var err error
		if body, err = encoding.ReplaceUnsupported(charmap.Windows1256.NewEncoder()).Bytes(body); err != nil {
			panic(err)
		}
	}
	return append([]byte("From: a@example.org\r\nSubject: s\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: text/html; charset="+cs+"\r\n\r\n"), body...), body
}

// Above maxSanitizedHTML, the HTML is not kept, with a warning, and the text is the one
// it has below, in UTF-8 or converted from another charset.
func TestParseLargeHTMLTextAsBelowTheLimit(t *testing.T) {
	sample := strings.Join(htmlSamples, "\r\n")
	for _, cs := range []string{"utf-8", "windows-1256"} {
		for _, size := range []int{maxSanitizedHTML / 2, 2 * maxSanitizedHTML} {
			t.Run(fmt.Sprintf("%s/%d", cs, size), func(t *testing.T) {
				raw, body := htmlMessage(sample, size, cs)
				p, err := Parse(raw, DefaultLimits())
				if err != nil {
					t.Fatal(err)
				}
				html, _ := decodeCharset(body, cs)
				want := strings.TrimRight(normalizeNewlines(htmlToText(html)), " \t\n")
				if p.Text != want {
					t.Errorf("text of %d bytes differs from the one below the limit (%d bytes)", len(p.Text), len(want))
				}
				kept := p.HTML != ""
				warned := len(p.Warnings) > 0 && strings.Contains(p.Warnings[len(p.Warnings)-1], "not kept sanitised")
				if below := len(body) <= maxSanitizedHTML; kept != below || warned == below || len(p.Warnings) > 1 {
					t.Errorf("%d bytes of HTML: sanitised HTML kept %v, warnings %q", len(body), kept, p.Warnings)
				}
			})
		}
	}
}

// The message keeps up to maxSanitizedHTML of sanitised HTML, counting all its HTML
// parts, whatever its forwarded messages keep; these keep as much together.
func TestParseSanitisedHTMLLimit(t *testing.T) {
	part := func(boundary, html string) string {
		return "--" + boundary + "\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n"
	}
	msg := func(boundary string, parts ...string) string {
		return "From: a@example.org\r\nSubject: s\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n" +
			strings.Join(parts, "") + "--" + boundary + "--\r\n"
	}
	forward := func(boundary, m string) string {
		return "--" + boundary + "\r\nContent-Type: message/rfc822\r\n\r\n" + m + "\r\n"
	}
	html := func(n int) string { return "<p>" + strings.Repeat("x", n-7) + "</p>" }
	third := maxSanitizedHTML * 2 / 5 // two thirds fit, three do not

	for _, c := range []struct {
		name string
		raw  string
		kept []bool // the message, then its forwarded messages
	}{
		{"two parts", msg("a", part("a", html(third)), part("a", html(third))), []bool{true}},
		{"three parts", msg("a", part("a", html(third)), part("a", html(third)), part("a", html(third))), []bool{false}},
		{"forwarded", msg("a",
			forward("a", msg("b", part("b", html(2*maxSanitizedHTML)))),
			forward("a", msg("c", part("c", html(third)))),
			forward("a", msg("d", part("d", html(third)), part("d", html(third)))),
			part("a", html(third)), part("a", html(third)),
		), []bool{true, false, true, false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse([]byte(c.raw), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			got := []bool{p.HTML != ""}
			for _, f := range p.Forwarded {
				got = append(got, f.HTML != "")
			}
			if fmt.Sprint(got) != fmt.Sprint(c.kept) {
				t.Errorf("sanitised HTML kept: %v, want %v", got, c.kept)
			}
			for _, m := range append([]*Parsed{p}, p.Forwarded...) {
				if !strings.HasPrefix(m.Text, "xxx") || m.Text != strings.TrimSpace(m.Text) {
					t.Errorf("text %q…", shorten(m.Text, 20))
				}
			}
		})
	}
}

// Tokens longer than the tokenizer may hold are read in pieces (text) or skipped (tags,
// comments) and give the text they give when held whole.
func TestHTMLTextWithLongTokens(t *testing.T) {
	rep := strings.Repeat
	samples := []string{
		"<p>" + rep("Résumé &amp; l’avis du «Forum» &#x4E2D;文&nbsp;&#233;t&eacute; &notin;", 60) + "&amp</p>&lt;",
		"<pre>" + rep("ligne\r\n  indentée &lt;ok&gt;\r\n\r\n", 40) + "</pre><p>après</p>",
		`<p>avant</p><img src="data:image/png;base64,` + rep("QUJD", 600) + `"><div title='a>b` + rep("x", 300) + `'>après</div>`,
		"<p>avant</p><!--" + rep("- > -- >", 200) + "--><p>après</p><!x" + rep("y", 300) + "><?xml " + rep("z", 300) + "?>fin",
		"<script>" + rep("var a = 1;\r\n", 100) + "</script><p>après</p><style>" + rep("p{}", 200) + "</style>fin",
		rep("a < b, x<3 & y <= 4; ", 100) + "<P>" + rep("السيد الرئيس ", 100) + "</P>",
		rep("é", 1000),
	}
	for i, s := range samples {
		z := html.NewTokenizer(strings.NewReader(s))
		z.SetMaxBuf(301)
		for z.Next() != html.ErrorToken {
		}
		if z.Err() != html.ErrBufferExceeded {
			t.Errorf("sample %d has no token of 301 bytes", i)
		}
		want := htmlToText(lfString([]byte(s)))
		for _, maxToken := range []int{64, 100, 301, 4096} {
			if got := htmlTextFrom(&lfReader{r: strings.NewReader(s)}, len(s), maxToken); got != want {
				t.Errorf("sample %d read with tokens of at most %d bytes:\n%q\nwant\n%q", i, maxToken, got, want)
			}
		}
	}
}
