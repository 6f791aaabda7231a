package parse

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestTrimSpace: isSpaceRune is unicode.IsSpace for every rune, and trimSpace is
// strings.TrimSpace on texts that open or end with spaces, letters and invalid bytes.
func TestTrimSpace(t *testing.T) {
	for r := rune(-1); r <= unicode.MaxRune+1; r++ {
		if isSpaceRune(r) != unicode.IsSpace(r) {
			t.Fatalf("isSpaceRune(%U) = %v, unicode.IsSpace %v", r, isSpaceRune(r), unicode.IsSpace(r))
		}
	}
	edges := []string{"", " ", "\t", "\u00a0", "\u2003", "\u3000", "\u0085", "a", "é", "д", "中", "\xff", "\xe2\x80", "\xc2"}
	for _, a := range edges {
		for _, b := range edges {
			for _, mid := range []string{"", "x", " y ", "Ц\u00a0ж"} {
				s := a + mid + b
				if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
					t.Errorf("trimSpace(%q) = %q, want %q", s, got, want)
				}
			}
		}
	}
}

// TestReplyPrefixLeads: a subject replyPrefixRE matches opens, after its spaces, with a
// rune mayOpenWithReplyPrefix lets through; tried with every rune below U+2200 (Latin,
// Cyrillic, Arabic, the letter-like symbols that fold to Latin letters) and around the
// Chinese ones in place of the first of each of its words.
func TestReplyPrefixLeads(t *testing.T) {
	words := []string{"re", "fw", "fwd", "aw", "wg", "tr", "rv", "res", "enc", "sv", "vs", "antw", "rif", "r", "ответ", "отв",
		"re[2]", "回复", "回覆", "答复", "答覆", "转发", "轉寄", "رد", "إعادة توجيه"}
	var runes []rune
	for r := rune(0); r < 0x2200; r++ {
		runes = append(runes, r)
	}
	for _, c := range "回答转轉" {
		for r := c - 8; r <= c+8; r++ {
			runes = append(runes, r)
		}
	}
	for _, r := range runes {
		for _, w := range words {
			_, size := utf8.DecodeRuneInString(w)
			s := " " + string(r) + w[size:] + ": x"
			if replyPrefixRE.MatchString(s) && !mayOpenWithReplyPrefix(s) {
				t.Fatalf("replyPrefixRE matches %q, mayOpenWithReplyPrefix refuses it", s)
			}
		}
	}
}
