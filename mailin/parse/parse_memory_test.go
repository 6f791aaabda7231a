package parse_test

import (
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/wsis/wsisbot/mailin/parse"
)

// allocated returns the fewest bytes one Parse of raw allocated, over three runs (other
// goroutines may allocate meanwhile; they only add).
func allocated(t *testing.T, raw []byte) uint64 {
	t.Helper()
	least := ^uint64(0)
	for range 3 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		p, err := parse.Parse(raw, parse.DefaultLimits())
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		runtime.KeepAlive(p)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}

// Forwarded messages nested 16 deep are parsed in place: the parse allocates about one
// copy of the message (the attachments made independent of it), not one per level.
// BenchmarkParseMemory measures the peak heap of 40 MiB messages.
func TestParseDeepNestingAllocatesLittle(t *testing.T) {
	const size = 4 << 20
	for _, c := range []struct {
		name   string
		raw    []byte
		most   float64
		levels int
	}{
		// The forwarded messages are attachments sharing one copy of the message.
		{"as-is", nestedMessage(16, size, false), 1.5, 8},
		// Each level decodes to a new buffer, until twice the message size is decoded.
		{"base64", nestedMessage(16, size, true), 2.5, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := allocated(t, c.raw)
			t.Logf("%d bytes allocated for a %d-byte message (%.2f times)", got, len(c.raw), float64(got)/float64(len(c.raw)))
			if x := float64(got) / float64(len(c.raw)); x > c.most {
				t.Errorf("parsing a %d-byte message nested 16 deep allocated %d bytes, %.2f times its size; want at most %.1f",
					len(c.raw), got, x, c.most)
			}
			p, err := parse.Parse(c.raw, parse.DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			depth := 0
			for f := p; len(f.Forwarded) > 0; f = f.Forwarded[0] {
				depth++
			}
			if depth < c.levels {
				t.Errorf("%d forwarded levels parsed, want at least %d", depth, c.levels)
			}
		})
	}
}

// Forwarded messages nested in place still share nothing with the input.
func TestParseNestedResultDoesNotAliasInput(t *testing.T) {
	raw := nestedMessage(4, 64<<10, false)
	p, err := parse.Parse(raw, parse.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	var atts []*parse.Attachment
	var collect func(p *parse.Parsed)
	collect = func(p *parse.Parsed) {
		for i := range p.Attachments {
			atts = append(atts, &p.Attachments[i])
		}
		for _, f := range p.Forwarded {
			collect(f)
		}
	}
	collect(p)
	if len(atts) != 5 {
		t.Fatalf("%d attachments, want 4 forwarded messages and the document", len(atts))
	}
	for i := range raw {
		raw[i] = 'Z'
	}
	for _, a := range atts {
		if sum := sha256.Sum256(a.Data); hex.EncodeToString(sum[:]) != a.SHA256 {
			t.Errorf("attachment %s changed with the input", a.Filename)
		}
	}
}

// Encoded forwarded messages inside one another are decoded until twice the message
// size is; the rest is kept as it came, with a warning.
func TestParseStopsDecodingAtTwiceTheSize(t *testing.T) {
	raw := nestedMessage(16, 4<<20, true)
	p, err := parse.Parse(raw, parse.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	var warned bool
	depth := 0
	for f := p; ; f = f.Forwarded[0] {
		warned = warned || slices.ContainsFunc(f.Warnings, func(w string) bool { return strings.Contains(w, "more than twice its size") })
		if len(f.Forwarded) == 0 {
			break
		}
		depth++
	}
	if !warned {
		t.Error("no warning about the decoding stopped")
	}
	// Each level is three quarters of the one around it: 2.25 times the size is
	// decoded by the sixth.
	if depth < 4 || depth > 6 {
		t.Errorf("%d forwarded levels parsed, want 4 to 6", depth)
	}
}

// A message with a large HTML body keeps no sanitised copy of it: its text is read from
// the part in one pass into one buffer, so that the parse allocates about the size of
// the HTML. A token longer than the tokenizer may hold (a long text, an image inlined as
// a data: URL, a comment) costs no more. BenchmarkParseMemory measures the peak heap of
// 40 MiB messages.
func TestParseHugeHTMLAllocatesLittle(t *testing.T) {
	const size = 4 << 20
	// The text of each message; the parts of the text are measured with little of it
	// (the sample of it read to split quotes and detect the language allocates more
	// under the race detector).
	const para = "The Forum should keep the multistakeholder approach at the heart of the review."
	const arabic = "ينبغي أن يبقى النهج القائم على أصحاب المصلحة المتعددين في صميم الاستعراض."
	markup := `<div class="MsoNormal" style="margin:0cm;font-size:11pt;font-family:Calibri,sans-serif"><span lang="EN-GB"><o:p>&nbsp;</o:p></span></div>` + "\r\n"
	for _, c := range []struct {
		name string
		html string
		most float64
		text string
	}{
		// A body written by a word processor: mostly markup. The text buffer is sized
		// for the HTML; the tokenizer allocates a little for each attribute.
		{"markup", "<p>" + para + "</p>" + strings.Repeat(markup, size/len(markup)), 2, para},
		// The same base64-encoded: the decoded HTML (0.75 of the message) as well.
		{"base64", "", 2.5, para},
		// A long text without markup, read in pieces.
		{"text", "<pre>" + strings.Repeat(para+" ", size/len(para)) + "</pre>", 1.5, ""},
		// An image inlined as a data: URL, skipped.
		{"data-url", "<p>" + para + `</p><img alt="chart" src="data:image/png;base64,` + strings.Repeat("QUJD", size/4) + `"><p>End.</p>`, 1.5, para + "\n\nEnd."},
		// A comment, skipped.
		{"comment", "<p>" + para + "</p><!--" + strings.Repeat("QUJD", size/4) + "--><p>End.</p>", 1.5, para + "\n\nEnd."},
		// A body in Arabic in windows-1256, converted as it is read.
		{"windows-1256", "<p>" + arabic + "</p>" + strings.Repeat(markup, size/len(markup)), 2, arabic},
	} {
		t.Run(c.name, func(t *testing.T) {
			var raw []byte
			switch c.name {
			case "base64":
				html := "<p>" + para + "</p>" + strings.Repeat(markup, size*3/4/len(markup))
				raw = append([]byte(memHeader(0, "text/html; charset=utf-8")+"Content-Transfer-Encoding: base64\r\n\r\n"), b64Lines([]byte(html))...)
			case "windows-1256":
				html, err := charmap.Windows1256.NewEncoder().String(c.html)
				if err != nil {
					t.Fatal(err)
				}
				raw = []byte(memHeader(0, "text/html; charset=windows-1256") + "\r\n" + html)
			default:
				raw = []byte(memHeader(0, "text/html; charset=utf-8") + "\r\n" + c.html)
			}
			got := allocated(t, raw)
			t.Logf("%d bytes allocated for a %d-byte message (%.2f times)", got, len(raw), float64(got)/float64(len(raw)))
			if x := float64(got) / float64(len(raw)); x > c.most {
				t.Errorf("parsing a %d-byte HTML message allocated %d bytes, %.2f times its size; want at most %.1f",
					len(raw), got, x, c.most)
			}
			p, err := parse.Parse(raw, parse.DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if p.HTML != "" {
				t.Errorf("%d bytes of sanitised HTML kept", len(p.HTML))
			}
			if !slices.ContainsFunc(p.Warnings, func(w string) bool { return strings.Contains(w, "not kept sanitised") }) {
				t.Errorf("no warning about the HTML not kept: %q", p.Warnings)
			}
			if c.text != "" && p.Text != c.text {
				t.Errorf("text %q, want %q", shorten(p.Text, 200), c.text)
			}
			if c.text == "" && p.Text != strings.TrimSpace(strings.Repeat(para+" ", size/len(para))) {
				t.Errorf("text %q… of %d bytes, want the whole text", shorten(p.Text, 100), len(p.Text))
			}
		})
	}
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
