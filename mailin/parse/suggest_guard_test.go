package parse

import "testing"

// The cheap tests in front of regular expressions and the shortcuts of folding must
// answer as the long way does.
var guardSamples = []string{"", " ", "\t- item", "– tiret", "• point", "* star", "12. point", " 3) trois",
	"a) first", "б) второй", "я) последний", "A) capital", "(i) roman", "（一）中文", "(abcd) too long",
	"Hello", "  hello", "\v- vertical tab", "\xff- invalid", "· dot", "▪ square", "► arrow", "- ",
	"Ministère de l’Économie", "ВЫСШАЯ ШКОЛА", "جامعة القاهرة", "中国信息通信研究院", "ﾊﾝｶｸ", "Straße", "İstanbul",
	"e\u0301cole", "\ufffd", "x\xffy", "ǅemal", "ﬁnance", "ΣΟΦΙΑ"}

func TestIsListItemAsExpression(t *testing.T) {
	for _, s := range guardSamples {
		if got, want := isListItem(s), listItemRE.MatchString(s); got != want {
			t.Errorf("isListItem(%q) = %v, the expression says %v", s, got, want)
		}
	}
}

func TestFoldTextAsRuneByRune(t *testing.T) {
	table := foldTable()
	for _, s := range guardSamples {
		var want []rune
		for _, r := range s {
			if r < 0x80 {
				if 'A' <= r && r <= 'Z' {
					r += 'a' - 'A'
				}
				want = append(want, r)
				continue
			}
			switch f := foldRune(table, r); f {
			case foldDrop:
			case foldMany:
				want = append(want, []rune(foldRuneSlow(r))...)
			default:
				want = append(want, f)
			}
		}
		if got := foldText(s); got != string(want) {
			t.Errorf("foldText(%q) = %q, rune by rune %q", s, got, string(want))
		}
	}
}
