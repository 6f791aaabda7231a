package parse

import (
	"strings"
	"testing"
	"unicode"
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
