package parse

import (
	"bytes"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The six UN languages, as ISO 639-1 codes.
const (
	langArabic  = "ar"
	langChinese = "zh"
	langEnglish = "en"
	langFrench  = "fr"
	langRussian = "ru"
	langSpanish = "es"
)

// latinLangs are the languages written in the Latin script, in the order their scores
// are kept (langScores) and ties are listed.
var latinLangs = [3]string{langEnglish, langFrench, langSpanish}

// langScores are the scores of latinLangs.
type langScores [len(latinLangs)]int

const (
	scoreEnglish = iota
	scoreFrench
	scoreSpanish
)

// stopwords are frequent words of one of the three Latin-script languages and not of
// the other two, gathered the first time a language is detected: for each word, the
// languages (bit i for latinLangs[i]) whose list holds it, so that a word is looked up
// once rather than once per language.
var stopwords = sync.OnceValue(func() map[string]uint8 {
	m := map[string]uint8{}
	for i, words := range [len(latinLangs)]string{
		scoreEnglish: `the and of to is are for that this with we our you your be as by on it have has
		will would from at an which these their was were been not or can should please dear thank thanks
		regards best hello kind i my attached find its into also more all who how what when`,
		scoreFrench: `le les des du et est sont une pour dans nous vous sur avec au aux ce cette ces qui
		pas par notre nos votre vos être été à il elle ou mais merci bonjour cordialement madame monsieur
		cher chère je j l d qu leur leurs ont très aussi veuillez ci-joint sommes avons`,
		scoreSpanish: `el los las del y es son una para con por nuestro nuestra nuestros nuestras su sus
		al como más sobre está están este esta estos estas pero muy también gracias hola saludos estimada
		estimado estimados atentamente señora señor lo ha han hemos yo usted adjunto adjunta somos`,
	} {
		for _, w := range strings.Fields(words) {
			m[w] |= 1 << i
		}
	}
	return m
})

// letterHints are letters that occur in one of the Latin-script languages
// and not in the other two.
var letterHints = map[rune]string{
	'ç': langFrench, 'œ': langFrench, 'è': langFrench, 'ê': langFrench, 'à': langFrench,
	'ù': langFrench, 'â': langFrench, 'î': langFrench, 'ô': langFrench, 'û': langFrench, 'ë': langFrench,
	'ñ': langSpanish, '¿': langSpanish, '¡': langSpanish, 'á': langSpanish, 'í': langSpanish,
	'ó': langSpanish, 'ú': langSpanish,
}

// hintsBelow is above every rune of letterHints (all of Latin-1 and Latin Extended-A).
const hintsBelow = 0x180

// letterHintTable is letterHints as a table indexed by rune: 1 + the index of the
// language in latinLangs, 0 for a rune that is no hint. Built once; a lookup per
// letter of the text.
var letterHintTable = sync.OnceValue(func() *[hintsBelow]uint8 {
	var t [hintsBelow]uint8
	for r, lang := range letterHints {
		for i, l := range latinLangs {
			if l == lang {
				t[r] = uint8(i + 1)
			}
		}
	}
	return &t
})

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// dropAddresses removes e-mail addresses and URLs, whose letters say
// nothing about the language.
func dropAddresses(s string) string {
	if !strings.Contains(s, "@") && !strings.Contains(s, "://") && !strings.Contains(s, "www.") {
		return s
	}
	fields := strings.Fields(s)
	kept := fields[:0]
	for _, f := range fields {
		if strings.Contains(f, "@") || strings.Contains(f, "://") || hasPrefixWWW(f) {
			continue
		}
		kept = append(kept, f)
	}
	return strings.Join(kept, " ")
}

// hasPrefixWWW reports whether strings.ToLower(f) begins with "www.", without lower-casing
// f: no rune but 'W' lowers to 'w', and none lowers to '.'.
func hasPrefixWWW(f string) bool {
	return len(f) >= 4 && f[0]|0x20 == 'w' && f[1]|0x20 == 'w' && f[2]|0x20 == 'w' && f[3] == '.'
}

const maxLanguageSample = 20_000 // bytes of text looked at

// DetectLanguage guesses the UN language of a text: by script for Arabic,
// Chinese (Han) and Russian (Cyrillic), by frequent words for English,
// French and Spanish. The subject is read only when the text does not
// decide (in replies it is often ours); the Content-Language header in
// headers only breaks a tie. It returns "ar", "zh", "en", "fr", "ru", "es",
// or "" when it cannot tell.
func DetectLanguage(text, subject string, headers map[string]string) string {
	if len(text) > maxLanguageSample {
		text = truncateBytes(text, maxLanguageSample)
	}
	lang, tied := detectLanguage(text)
	if lang != "" {
		return lang
	}
	if subject != "" {
		if lang, tied = detectLanguage(subject + "\n" + text); lang != "" {
			return lang
		}
	}
	header := headerLanguage(headers[hdrContentLanguage])
	if header == "" {
		return ""
	}
	if tied == nil {
		// Nothing in the text: the header is all there is.
		return header
	}
	for _, l := range tied {
		if l == header {
			return header
		}
	}
	return ""
}

// latinBelow: the runes below it (ASCII, Latin-1, Latin Extended-A and -B) are Latin
// letters or not letters at all.
const latinBelow = 0x250

// latinLetter reports, for a rune below latinBelow, what unicode.Is(unicode.Latin, r)
// says, without searching its table.
func latinLetter(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r >= 0xC0 && r != 0xD7 && r != 0xF7 || r == 0xAA || r == 0xBA
}

// scriptCounts are the letters of a text in each script the six languages are written in.
type scriptCounts struct{ latin, arabic, han, cyrillic int }

// countScripts counts the letters of s by script.
func countScripts(s string) scriptCounts {
	var c scriptCounts
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if l := r | 0x20; 'a' <= l && l <= 'z' { // an ASCII letter, either case
				c.latin++
			}
		case r < latinBelow:
			if latinLetter(r) {
				c.latin++
			}
		// The blocks most of the text of the other scripts is in, and their punctuation,
		// first, without searching the tables (TestCountScriptsRanges checks them).
		case 0x400 <= r && r <= 0x484:
			c.cyrillic++
		case 0x621 <= r && r <= 0x63F, 0x641 <= r && r <= 0x64A:
			c.arabic++
		case 0x4E00 <= r && r <= 0x9FFF:
			c.han++
		case 0x2000 <= r && r <= 0x2070, 0x3000 <= r && r <= 0x3004, 0x3008 <= r && r <= 0x3020, 0xFF00 <= r && r <= 0xFF20:
		default:
			c.addByTable(r)
		}
	}
	return c
}

// addByTable counts r in the script unicode's tables put it in, if it is one of the four.
func (c *scriptCounts) addByTable(r rune) {
	switch {
	case unicode.Is(unicode.Arabic, r):
		c.arabic++
	case unicode.Is(unicode.Han, r):
		c.han++
	case unicode.Is(unicode.Cyrillic, r):
		c.cyrillic++
	case unicode.Is(unicode.Latin, r):
		c.latin++
	}
}

// detectLanguage returns the language of s, or "" and the Latin-script
// languages tied for first place (nil when there is no sign at all).
func detectLanguage(s string) (string, []string) {
	sample := dropAddresses(s)
	c := countScripts(sample)
	arabic, han, cyrillic, latin := c.arabic, c.han, c.cyrillic, c.latin
	// A Han character carries about a word: weigh it like two letters.
	script, best := "", 0
	for _, c := range []struct {
		lang  string
		score int
	}{{langArabic, arabic}, {langChinese, 2 * han}, {langRussian, cyrillic}} {
		if c.score > best {
			script, best = c.lang, c.score
		}
	}
	if best >= 2 && best*2 >= latin {
		return script, nil
	}

	var scores langScores
	countStopwords(sample, &scores)
	countLetterHints(sample, &scores)
	top := 0
	for _, n := range scores {
		top = max(top, n)
	}
	if top == 0 {
		return "", nil
	}
	var tied []string
	for i, lang := range latinLangs {
		if scores[i] == top {
			tied = append(tied, lang)
		}
	}
	if len(tied) == 1 {
		return tied[0], nil
	}
	return "", tied
}

// countStopwords scores the words of s, lower case, that are stop words of a language
// (stopwords) or end as its words do. A word is a run of letters and hyphens, trimmed
// of its hyphens: the words of strings.FieldsFunc(strings.ToLower(s), ...), read here
// rune by rune without lower-casing the text or splitting it.
func countStopwords(s string, scores *langScores) {
	sets := stopwords()
	var buf [64]byte
	word := buf[:0]
	score := func(word []byte) {
		w := bytes.Trim(word, "-")
		for i, bits := 0, sets[string(w)]; bits != 0; i, bits = i+1, bits>>1 {
			if bits&1 != 0 {
				scores[i]++
			}
		}
		switch {
		case len(w) >= 6 && bytes.HasSuffix(w, []byte("ing")) && isASCII(string(w)):
			// "coding", "building": English ends its words so, French and Spanish
			// only in a few borrowed ones.
			scores[scoreEnglish]++
		case len(w) >= 6 && (bytes.HasSuffix(w, []byte("ando")) || bytes.HasSuffix(w, []byte("iendo"))):
			// "videollamando", "aprendiendo": a Spanish gerund.
			scores[scoreSpanish]++
		}
	}
	for _, r := range s {
		var inWord bool
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			inWord = 'a' <= r && r <= 'z' || r == '-'
		} else {
			r = unicode.ToLower(r)
			inWord = unicode.IsLetter(r) || r == '-'
		}
		switch {
		case inWord:
			word = utf8.AppendRune(word, r)
		case len(word) > 0:
			score(word)
			word = word[:0]
		}
	}
	if len(word) > 0 {
		score(word)
	}
}

// countLetterHints scores the letters of s that only one language writes
// (letterHints), lower case, in its words (strings.Fields) that do not begin with a
// capital: the letters of a name ("Tomás", "Bogotá", "Montréal") say nothing of the
// language it is written in. Each word is read once: its hints are counted as it is
// read, and kept unless it turns out to begin with a capital.
func countLetterHints(s string, scores *langScores) {
	if isASCII(s) {
		return // every hint is a letter beyond ASCII, and so is its capital
	}
	hints := letterHintTable()
	var word langScores // the hints of the current word
	start := -1         // of the current word, -1 between words
	end := func(w string) {
		if !startsUpper(w) {
			for i, n := range word {
				scores[i] += n
			}
		}
		word = langScores{}
	}
	for i, r := range s {
		if r < utf8.RuneSelf {
			if r == ' ' || '\t' <= r && r <= '\r' { // unicode.IsSpace
				if start >= 0 {
					end(s[start:i])
					start = -1
				}
			} else if start < 0 {
				start = i
			}
			continue
		}
		if unicode.IsSpace(r) {
			if start >= 0 {
				end(s[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
		if r = unicode.ToLower(r); r < hintsBelow {
			if h := hints[r]; h != 0 {
				word[h-1]++
			}
		}
	}
	if start >= 0 {
		end(s[start:])
	}
}

// headerLanguage reads the first language of a Content-Language field
// ("fr-CH, en" is French) when it is one of the six.
func headerLanguage(v string) string {
	first, _, _ := strings.Cut(v, ",")
	primary, _, _ := strings.Cut(strings.TrimSpace(first), "-")
	primary, _, _ = strings.Cut(primary, "_")
	switch lang := strings.ToLower(primary); lang {
	case langArabic, langChinese, langEnglish, langFrench, langRussian, langSpanish:
		return lang
	}
	return ""
}
