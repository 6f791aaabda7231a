package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's limits, in characters.
const (
	maxSectionText = 3000 // a section's text, a modal input's initial value
	maxFieldText   = 2000 // one section field
	maxPlainLabel  = 150  // header, input label
	maxButtonText  = 75   // button, option text
	maxContextText = 3000 // (per element; Slack allows 10 elements)
	maxBlocks      = 50   // per message
	maxViewBlocks  = 100  // per modal or Home tab
	maxMessageText = 4000 // the fallback text of a message
)

// cutMarker says that a text was cut to fit Slack's limits.
const cutMarker = "… (cut)"

// escapeMrkdwn makes text from an email safe in a Slack mrkdwn text object: &, < and >
// become entities (so no <!channel>, <@U…>, <#C…> or <http://…|links>), and the
// formatting characters *, ~ and ` and a word-boundary _ become look-alikes, so an email
// cannot format the channel. Use it with verbatim text objects (no auto-linking).
func escapeMrkdwn(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	rs := []rune(s)
	for i, r := range rs {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '*':
			b.WriteRune('∗') // U+2217 asterisk operator
		case '~':
			b.WriteRune('∼') // U+223C tilde operator
		case '`':
			b.WriteRune('ˋ') // U+02CB modifier letter grave accent
		case '_':
			// Inside a word (john_doe, snake_case) an underscore formats nothing: keep it,
			// so that addresses stay as they are. At a word boundary it could open or close
			// italics.
			prev, next := ' ', ' '
			if i > 0 {
				prev = rs[i-1]
			}
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			if isWordRune(prev) && isWordRune(next) {
				b.WriteRune('_')
			} else {
				b.WriteRune('ˍ') // U+02CD modifier letter low macron
			}
		case '\u202e', '\u202d', '\u2066', '\u2067', '\u2068', '\u2069':
			// Bidirectional overrides could reorder what follows on the card.
		default:
			if r < ' ' && r != '\n' && r != '\t' {
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// cut shortens already escaped text to at most n characters, ending with cutMarker when
// it had to cut. It never cuts an entity (&amp;) in half.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	keep := n - utf8.RuneCountInString(cutMarker)
	if keep < 0 {
		keep = 0
	}
	rs := []rune(s)[:keep]
	// An entity is at most 5 characters (&amp;): drop a partial one at the end.
	for i := len(rs) - 1; i >= 0 && i >= len(rs)-5; i-- {
		if rs[i] == ';' {
			break
		}
		if rs[i] == '&' {
			rs = rs[:i]
			break
		}
	}
	return strings.TrimRightFunc(string(rs), unicode.IsSpace) + cutMarker
}

// mrkdwn is a verbatim mrkdwn text object (Slack does not auto-link or parse mentions in
// it) cut to n characters.
func mrkdwn(text string, n int) *slack.TextBlockObject {
	if text == "" {
		text = " "
	}
	return slack.NewTextBlockObject(slack.MarkdownType, cut(text, n), false, true)
}

// plain is a plain_text object cut to n characters.
func plain(text string, n int) *slack.TextBlockObject {
	if text == "" {
		text = " "
	}
	return slack.NewTextBlockObject(slack.PlainTextType, cut(text, n), false, false)
}

// excerpt is the first lines of an email's text, at most n characters before escaping,
// blank lines squeezed.
func excerpt(text string, lines, n int) string {
	var out []string
	blank := false
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" {
			if len(out) > 0 {
				blank = true
			}
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
		if len(out) >= lines {
			break
		}
	}
	s := strings.Join(out, "\n")
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n]) + "…"
	}
	return s
}

// quote prefixes each line of an escaped text with "> " (a Slack block quote).
func quote(s string) string {
	if s == "" {
		return ""
	}
	return "> " + strings.ReplaceAll(s, "\n", "\n> ")
}
