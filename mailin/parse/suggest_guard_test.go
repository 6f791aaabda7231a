package parse

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The cheap tests in front of regular expressions and the shortcuts of folding must
// answer as the long way does.
var guardSamples = []string{"", " ", "\t- item", "– tiret", "• point", "* star", "12. point", " 3) trois",
	"a) first", "б) второй", "я) последний", "A) capital", "(i) roman", "（一）中文", "(abcd) too long",
	"Hello", "  hello", "\v- vertical tab", "\xff- invalid", "· dot", "▪ square", "► arrow", "- ",
	"Ministère de l’Économie", "ВЫСШАЯ ШКОЛА", "جامعة القاهرة", "中国信息通信研究院", "ﾊﾝｶｸ", "Straße", "İstanbul",
	"e\u0301cole", "\ufffd", "x\xffy", "ǅemal", "ﬁnance", "ΣΟΦΙΑ", "12", "12 items", "1.5 million", "2021) year", "a)", "a) b",
	"b)c", "ab) no", "я)", "яя) нет", "(a)", "( )", "(abc)", "((", "- ", "7", "a"}

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

func TestNextTokenInAsNextToken(t *testing.T) {
	lines := append([]string{"  12 rue de la Paix, 75002 Paris", "Geneva Expo Solutions SA", "«ООО \"ЛингваПро\"»",
		"a\u00a0b\u2003c\td\ne", "(x);y,z:w", "\xff\xfe a", "„Fundacja” Polska", "x\u0085y", "  "}, guardSamples...)
	for _, seps := range []struct {
		set *tokenSeps
		sep func(rune) bool
	}{{spaceSeps, unicode.IsSpace}, {nameSeps, nameSep}, {addressSeps, addressSep},
		{initialSeps, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }}} {
		for _, line := range lines {
			a, b := line, line
			for {
				ta, ma := nextTokenIn(&a, seps.set)
				tb, mb := nextToken(&b, seps.sep)
				if ta != tb || ma != mb || a != b {
					t.Fatalf("nextTokenIn(%q) = %q, %v, rest %q; nextToken %q, %v, rest %q", line, ta, ma, a, tb, mb, b)
				}
				if ta == "" {
					break
				}
			}
		}
	}
}

func TestStripReplyPrefixesAsExpression(t *testing.T) {
	subjects := append([]string{"Re: Fwd: proposal", "RE：回复：提案", "Ответ: Отв: заявка", "رد: مساهمة", "Re[2]: x",
		"AW: WG: TR: note", "Réunion : ordre du jour", "no prefix", " re : spaced", "Fwd: Re: x"}, guardSamples...)
	for _, s := range subjects {
		want := s
		for loc := replyPrefixRE.FindStringIndex(want); loc != nil; loc = replyPrefixRE.FindStringIndex(want) {
			want = want[loc[1]:]
		}
		if got := stripReplyPrefixes(s); got != want {
			t.Errorf("stripReplyPrefixes(%q) = %q, the expression leaves %q", s, got, want)
		}
		want = s
		for !forwardSubjectRE.MatchString(want) {
			loc := replyPrefixRE.FindStringIndex(want)
			if loc == nil {
				break
			}
			want = want[loc[1]:]
		}
		if got := stripReplyPrefixesExceptForward(s); got != want {
			t.Errorf("stripReplyPrefixesExceptForward(%q) = %q, the expressions leave %q", s, got, want)
		}
	}
}

func TestAppendLabelsAsSplit(t *testing.T) {
	for _, d := range []string{"", "example.org", "mail.gov.ng", "a..b", ".lead", "trail.", "x.y.z.w.v.u.t.s.r.q"} {
		if got, want := appendLabels(nil, d), strings.Split(d, "."); !slices.Equal(got, want) {
			t.Errorf("appendLabels(%q) = %q, strings.Split %q", d, got, want)
		}
	}
}

// The lists read by their ids count as the lists read term by term.
func TestCountInByIDs(t *testing.T) {
	v := defaultVocabulary()
	lists := []termList{v.submission, v.inquiry, v.jobTitles, v.innovation}
	for _, st := range v.stakeholders {
		lists = append(lists, st.terms)
	}
	for _, k := range v.kinds {
		lists = append(lists, k.terms)
	}
	texts := []string{"We would like to propose a workshop on the thematic aspects of digital inclusion; our NGO, a university and the Ministry of ICT",
		"Je vous transmets la contribution de l'association, une ONG, pour l'atelier thématique",
		"Министерство цифрового развития предлагает семинар; университет и ассоциация",
		"我们大学和协会提交专题研讨会的建议", "تقدم وزارة الاتصالات وجمعية الإنترنت مقترح ورشة عمل"}
	listed := 0
	for _, text := range texts {
		ft := v.newFoldedText(foldText(text))
		for _, tl := range lists {
			if ft.runsOf(tl) != nil {
				listed++
			}
			wantN, wantD, wantFirst, wantDFirst := 0, 0, "", ""
			for _, term := range tl {
				if ft.counts == nil {
					break
				}
				if c := int(ft.counts[term.id]); c > 0 {
					wantN += c
					wantD++
					if wantFirst == "" {
						wantFirst, wantDFirst = term.text, term.text
					}
				}
			}
			if n, first := tl.countIn(ft); n != wantN || first != wantFirst {
				t.Errorf("countIn(%q) = %d, %q; term by term %d, %q", text, n, first, wantN, wantFirst)
			}
			if n, first := tl.distinctIn(ft); n != wantD || first != wantDFirst {
				t.Errorf("distinctIn(%q) = %d, %q; term by term %d, %q", text, n, first, wantD, wantDFirst)
			}
		}
	}
	if listed == 0 {
		t.Error("no list was read by its ids")
	}
}

func TestMayNameStartupInAsWordByWord(t *testing.T) {
	v := defaultVocabulary()
	texts := append([]string{"We are a START-UP from Lagos.", "LA SOCIÉTÉ Kër Tech", "Nuestra Compañía, en Quito", "a firm!",
		"the firmament", "Société", "ＣＯＭＰＡＮＹ", "компания", "公司"}, guardSamples...)
	for _, s := range texts {
		lt := lineTerms{v: v, lines: map[string]foldedText{}, folds: map[string]string{}}
		if got, want := mayNameStartupIn(s, lt), mayNameStartup(s); got != want {
			t.Errorf("mayNameStartupIn(%q) = %v, word by word %v", s, got, want)
		}
	}
}

func TestIsASCIIByteByByte(t *testing.T) {
	for _, s := range append([]string{"abcdefgh", "abcdefghi\x80", "abcdefghijklmnopé", "\x80bcdefgh", "abcdefg\xff", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}, guardSamples...) {
		want := true
		for i := 0; i < len(s); i++ {
			want = want && s[i] < 0x80
		}
		if got := isASCII(s); got != want {
			t.Errorf("isASCII(%q) = %v, byte by byte %v", s, got, want)
		}
		if got := foldText(s + s + s); got != foldText(s)+foldText(s)+foldText(s) {
			t.Errorf("foldText(%q three times) = %q, not the fold of each", s, got)
		}
	}
}

func TestEndsSentenceAsByFields(t *testing.T) {
	byFields := func(line string) bool {
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		r, _ := utf8.DecodeLastRuneInString(line)
		if r == '.' {
			fields := strings.Fields(line)
			last := strings.TrimSuffix(fields[len(fields)-1], ".")
			first, _ := utf8.DecodeRuneInString(last)
			if len(fields) > 1 && (len(last) <= 4 && (strings.Contains(last, ".") || unicode.IsUpper(first)) || legalFormWords[fields[len(fields)-1]]) {
				return false
			}
		}
		return strings.ContainsRune(".:;!?。：；！？؟", r)
	}
	lines := append([]string{".", " .", "Acme Ltd.", "Acme S.A.", "We met in Geneva.", "Ltd.", "Dr. J.", "a\u00a0b.", "x\u3000Inc.",
		"The U.N.", "see p.", "\xff .", "  word  .  ", "Bonjour à tous.", "Итак, мы в г.", "السلام."}, guardSamples...)
	for _, l := range lines {
		if got, want := endsSentence(l), byFields(l); got != want {
			t.Errorf("endsSentence(%q) = %v, by strings.Fields %v", l, got, want)
		}
	}
}

func TestCutSegmentsAsFieldsAndSplit(t *testing.T) {
	bySplit := func(line string) []string {
		line = strings.Trim(line, segmentTrim)
		fields := strings.FieldsFunc(line, func(r rune) bool {
			return r == ',' || r == '|' || r == '，' || r == '、' || r == '،' || r == '–' || r == '—' || r == '/'
		})
		var out []string
		for _, f := range fields {
			for _, g := range strings.Split(f, " - ") {
				if g = strings.TrimSpace(g); g != "" {
					out = append(out, g)
				}
			}
		}
		if len(out) == 1 && strings.IndexFunc(line, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
			return strings.Fields(line)
		}
		return out
	}
	lines := append([]string{"Director, ICT Division | Ministry of ICT", "a - - b", " - x - ", ",,a,,", "Acme – Geneva — CH/EU",
		"香港 社會服務聯會", "香港，社會", "وزارة الاتصالات - جمهورية العراق", "a -b- c", "x\xff,y", "|", "- a -", "a - b - c"}, guardSamples...)
	for _, l := range lines {
		if got, want := cutSegments(l), bySplit(l); !slices.Equal(got, want) {
			t.Errorf("cutSegments(%q) = %q, by FieldsFunc and Split %q", l, got, want)
		}
	}
}

// signatureLines reads as it did when it cut the whole text into lines.
func TestSignatureLinesAsAllLines(t *testing.T) {
	v := defaultVocabulary()
	whole := func(text, fresh string) []string {
		lines := strings.Split(normalizeNewlines(text), "\n")
		for i, l := range lines {
			if isSignatureDelimiter(l) {
				if sig := slices.DeleteFunc(nonEmpty(v.dropFields(lines[i+1:]), 8), v.isDisclaimer); len(sig) > 0 {
					return sig
				}
				break
			}
		}
		lines = nonEmpty(v.dropFields(strings.Split(fresh, "\n")), -1)
		if len(lines) > 8 {
			lines = lines[len(lines)-8:]
		}
		return lines
	}
	files, _ := filepath.Glob("testdata/eval/*.eml")
	if len(files) == 0 {
		t.Fatal("no mail to read")
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(raw, DefaultLimits())
		if err != nil {
			continue
		}
		text, fresh := suggestSample(p, p.FreshText())
		for _, c := range [][2]string{{text, fresh}, {fresh, fresh}, {text, text + "\n\n"}, {"", ""}} {
			if got, want := v.signatureLines(c[0], c[1]), whole(c[0], c[1]); !slices.Equal(got, want) {
				t.Fatalf("%s: signatureLines = %q, reading every line %q", f, got, want)
			}
		}
	}
}
