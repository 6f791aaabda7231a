package parse

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestWordRunesAreLettersAndDigits: the table isWordRune reads says what the Unicode
// tables say, for every rune it holds and a few beyond.
func TestWordRunesAreLettersAndDigits(t *testing.T) {
	for r := range rune(1<<16 + 256) {
		want := unicode.IsLetter(r) || unicode.IsDigit(r)
		if r < 0x80 {
			want = 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
		}
		if got := isWordRune(r); got != want {
			t.Errorf("isWordRune(%U) = %v, want %v", r, got, want)
		}
	}
}

// TestWordsCutAsFields: hasWords and firstAndLastWords see the words strings.Fields
// cuts, whatever the spaces (no-break, ideographic) and bytes.
func TestWordsCutAsFields(t *testing.T) {
	for _, s := range []string{"", " ", "one", " one ", "one two", "Tactis\u00a0Conseil", "华为\u3000公共事务部",
		"a b c d e f", "a b c d e", "\tGeneva  Expo\nSolutions SA ", "bad\xff byte\xe2", "«ООО» \u2003 ЛингваПро",
		"Andes Consultores", "x\u2028y z"} {
		f := strings.Fields(s)
		for n := 0; n <= 7; n++ {
			if got := hasWords(s, n); got != (len(f) >= n) {
				t.Errorf("hasWords(%q, %d) = %v, want %v", s, n, got, len(f) >= n)
			}
		}
		first, last, ok := firstAndLastWords(s)
		if ok != (len(f) >= 2) || ok && (first != f[0] || last != f[len(f)-1]) {
			t.Errorf("firstAndLastWords(%q) = %q, %q, %v; fields %q", s, first, last, ok, f)
		}
	}
}

// TestAnywhereTermsCountAsSubstrings: a term matched anywhere (Arabic, Chinese) counts
// as strings.Count counts it, at most maxTermCount, in every text of the test data,
// whichever letters it shares with other terms.
func TestAnywhereTermsCountAsSubstrings(t *testing.T) {
	v := defaultVocabulary()
	var paths []string
	for _, dir := range []string{corpusDir, evalDir} {
		p, err := filepath.Glob(filepath.Join(dir, "*.eml"))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p...)
	}
	texts := 0
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(raw, DefaultLimits())
		if err != nil || isASCII(p.Text) {
			continue
		}
		texts++
		s := foldText(p.Subject + "\n" + p.Text)
		ft := v.newFoldedText(s)
		for _, tm := range v.all {
			if !tm.anywhere || tm.folded == "" {
				continue
			}
			want := min(strings.Count(s, tm.folded), maxTermCount)
			got := 0
			if ft.counts != nil {
				got = int(ft.counts[tm.id])
			}
			if got != want {
				t.Errorf("%s: %q counted %d, want %d", filepath.Base(path), tm.text, got, want)
			}
		}
	}
	if texts < 20 {
		t.Fatalf("only %d texts not in ASCII", texts)
	}
}

// TestSessionLengthPrefilter: mayGiveLength lets through every text that
// sessionDetailLengthRE matches (it only spares the expression the texts it cannot
// match), on the sentences of a session's length and on every labelled message.
func TestSessionLengthPrefilter(t *testing.T) {
	texts := []string{"a 90-minute session", "60 minutes", "1h30", "2 h 00", "«60 минут»", "90分钟", "90分鐘",
		"90 دقيقة", "duration: 1 hour", "продолжительность: час", "时长：90", "時長", "مدة الجلسة ساعة", "15 min", "120mins"}
	files, err := os.ReadDir(evalDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(filepath.Join(evalDir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(raw))
	}
	matched := 0
	for _, s := range texts {
		ft := foldText(s)
		if sessionDetailLengthRE.MatchString(ft) {
			matched++
			if !mayGiveLength(ft) {
				t.Errorf("the prefilter refuses a text the expression matches (%q)", sessionDetailLengthRE.FindString(ft))
			}
		}
	}
	if matched < 15 {
		t.Fatalf("the expression matched %d texts: the test checks too little", matched)
	}
	// The expression reads folded text: a field's name with its accent folded away
	// still gives the length.
	for _, field := range []string{"Durée : une heure et demie", "Duración: una hora", "Продолжительность: час"} {
		if ft := foldText(field); !sessionDetailLengthRE.MatchString(ft) || !mayGiveLength(ft) {
			t.Errorf("%q (folded %q) gives no length", field, ft)
		}
	}
	if mayGiveLength(foldText("Dear secretariat, please find attached our contribution on 12 March 2019.")) {
		t.Errorf("the prefilter lets through a text with no word of a length")
	}
}

// TestFindSessionLength: findSessionLength, which runs sessionDetailLengthRE on windows
// around its words, finds what the expression run on the whole text finds (behind
// mayGiveLength), on every message of the evaluation set (raw, and its parsed text,
// folded) and on texts put together from the pieces the expression reads, edges of
// words, spaces and colons among them.
func TestFindSessionLength(t *testing.T) {
	whole := func(s string) string {
		if !mayGiveLength(s) {
			return ""
		}
		return sessionDetailLengthRE.FindString(s)
	}
	var texts []string
	for _, l := range loadEvalLabels(t) {
		raw, err := os.ReadFile(filepath.Join(evalDir, l.file))
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, foldText(string(raw)))
		if p, err := Parse(raw, DefaultLimits()); err == nil {
			texts = append(texts, foldText(p.Subject+"\n"+p.Text))
		}
	}
	for _, pre := range []string{"", "x", "_", " ", "é", "ad"} {
		for _, num := range []string{"9", "90", "120", "1200", "1", "2", "4"} {
			for _, sep := range []string{"", " ", "-", " -", "- ", " - ", "  ", "\n-\n", "\t", "h", " h ", "h "} {
				for _, unit := range []string{"min", "mins", "minute", "minuto", "минут", "分钟", "分鐘", "دقيقة", "30", "00", "60", "0"} {
					for _, post := range []string{"", "s", "x", " ", ":", "é", "_"} {
						texts = append(texts, pre+num+sep+unit+post)
					}
				}
			}
		}
	}
	for _, field := range []string{"duration", "duree", "duracion", "продолжительность", "xduration", "_duree"} {
		for _, gap := range []string{"", " ", strings.Repeat(" ", 50), strings.Repeat("\n", 100), " x"} {
			texts = append(texts, field+gap+":", "a "+field+gap+": 90 min")
		}
	}
	pieces := []string{"9", "90", "120", "1", "2", "3", "0", "30", "h", "H", " ", "  ", "\n", "-", "_", "x", "ad",
		"min", "mins", "ute", "uto", "минут", "分钟", "分鐘", "دقيقة", "duration", "duree", "duracion",
		"продолжительность", ":", "时长", "時長", "مدة", " الجلسة", " الورشة", "ſ", "é", "a", "s", "."}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	found := 0
	for _, s := range texts {
		want := whole(s)
		if got := findSessionLength(s); got != want {
			t.Errorf("findSessionLength(%q) = %q, the whole text's expression %q", s, got, want)
		}
		if want != "" {
			found++
		}
	}
	if found < 1000 {
		t.Fatalf("the expression matched %d texts: the test checks too little", found)
	}
}

// TestCompanyNounPrefilter: isCompanyNoun says what the lookup of the lowered word in
// companyNouns says, for every word of the evaluation set, every noun of the list and
// words whose case changes their bytes; mayNameStartup lets through every text in
// which startupInText finds a name.
func TestCompanyNounPrefilter(t *testing.T) {
	slow := func(w string) bool { return companyNouns[strings.ToLower(strings.Trim(w, ",;:.!?"))] }
	words := []string{"FİRM", "FIRM,", "Startup.", "START-UP!", "Société", "SOCIÉTÉ;", "COMPAÑÍA", "Empresa?", "ſtartup",
		"firms", "fir", "entreprises", "", ",", "K", "Ｆirm"}
	for n := range companyNouns {
		words = append(words, n, strings.ToUpper(n), strings.ToUpper(n[:1])+n[1:]+",")
	}
	var texts []string
	for _, l := range loadEvalLabels(t) {
		raw, err := os.ReadFile(filepath.Join(evalDir, l.file))
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(raw))
		if p, err := Parse(raw, DefaultLimits()); err == nil {
			texts = append(texts, p.Text)
		}
	}
	texts = append(texts, "le fondateur de Kër Tech, une jeune startup sénégalaise", "Acme, a small COMPANY", "Foo Bar, una empresa")
	nouns, names := 0, 0
	for _, s := range texts {
		words = append(words, strings.Fields(s)...)
		name := startupInText(strings.Fields(s))
		if name != "" {
			names++
		}
		if name != "" && !mayNameStartup(s) {
			t.Errorf("mayNameStartup refuses a text in which startupInText finds %q", name)
		}
	}
	for _, w := range words {
		want := slow(w)
		if got := isCompanyNoun(w); got != want {
			t.Errorf("isCompanyNoun(%q) = %v, the lookup says %v", w, got, want)
		}
		if want {
			nouns++
		}
	}
	if nouns < 50 || names < 3 {
		t.Fatalf("%d company nouns and %d names: the test checks too little", nouns, names)
	}
}

// TestTermIndexFilters: the filters termIndex reads before its maps let through every
// key of the maps, the table of first runes holds for each rune what a map of the
// terms' first runes holds, and anywhereSlot numbers the runes anywhereRune accepts
// one to one.
func TestTermIndexFilters(t *testing.T) {
	ts := &defaultVocabulary().termSet
	ix := ts.index
	if len(ix.byWord) < 100 {
		t.Fatalf("%d words indexed: the test checks too little", len(ix.byWord))
	}
	for w := range ix.byWord {
		if !ix.wordKeys.has(w) {
			t.Errorf("the filter refuses %q, a key of byWord", w)
		}
	}
	want := map[rune]uint8{}
	for _, term := range ts.all {
		if r, _ := utf8.DecodeRuneInString(term.folded); term.anywhere && anywhereRune(r) {
			_, n := leadLen(term.folded, leadRunes)
			want[r] |= 1 << n
		}
	}
	if len(want) < 100 {
		t.Fatalf("%d first runes: the test checks too little", len(want))
	}
	seen := make([]bool, anywhereSlots)
	for r := rune(0); r <= 0x10FFFF; r++ {
		if !anywhereRune(r) {
			continue
		}
		k := anywhereSlot(r)
		if k < 0 || k >= anywhereSlots || seen[k] {
			t.Fatalf("anywhereSlot(%U) = %d, out of range or taken", r, k)
		}
		seen[k] = true
		if got := ix.byRune[k]; got != want[r] {
			t.Errorf("byRune for %U = %b, want %b", r, got, want[r])
		}
	}
	if !slices.Equal(seen, slices.Repeat([]bool{true}, anywhereSlots)) {
		t.Errorf("some slots are no rune's")
	}
	// A filter of words refuses most words that are no key, and so can fail.
	refused := 0
	for _, w := range splitWords(foldText("the and of to in for with on our this that from will your about please")) {
		if !ix.wordKeys.has(w) {
			refused++
		}
	}
	if refused == 0 {
		t.Errorf("the filter refuses no common word")
	}
}

// TestLineScanPrefilters: mayHaveSegments lets through every line lineSegments cuts in
// two or more, lineSegments's short way gives what cutSegments gives, and hasHanAddressMark says what strings.ContainsAny says, on every line
// of the evaluation set and on lines made for their edges (invalid UTF-8 among them).
func TestLineScanPrefilters(t *testing.T) {
	lines := []string{"Cotonou, République du Bénin", "Ministère – Direction", "وزارة الاتصالات - جمهورية العراق",
		"北京 海淀区", "Office 香港", "a / b", "a|b", "a—b", "甲，乙", "甲、乙", "أ، ب", "Parliament House", "",
		"中山路12號", "3号楼", "\xe8号", "\xe8\xa8\xe5\x8f\xb7", "樓", "\x8f\xb7", "Plain line", "Ünïcode line"}
	for _, l := range loadEvalLabels(t) {
		raw, err := os.ReadFile(filepath.Join(evalDir, l.file))
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.Split(string(raw), "\n")...)
		if p, err := Parse(raw, DefaultLimits()); err == nil {
			lines = append(lines, strings.Split(p.Text, "\n")...)
		}
	}
	cut, marked := 0, 0
	for _, line := range lines {
		for _, l := range []string{line, strings.TrimSpace(line)} {
			if n := len(lineSegments(l)); n >= 2 {
				cut++
				if !mayHaveSegments(l) {
					t.Errorf("mayHaveSegments refuses %q, which lineSegments cuts in %d", l, n)
				}
			}
			if got, want := lineSegments(l), cutSegments(l); !slices.Equal(got, want) || (got == nil) != (want == nil) {
				t.Errorf("lineSegments(%q) = %q, cutSegments %q", l, got, want)
			}
			want := strings.ContainsAny(l, "號号樓楼")
			if want {
				marked++
			}
			if got := hasHanAddressMark(l); got != want {
				t.Errorf("hasHanAddressMark(%q) = %v, want %v", l, got, want)
			}
		}
	}
	if cut < 100 || marked < 4 {
		t.Fatalf("%d lines cut, %d marked: the test checks too little", cut, marked)
	}
}
