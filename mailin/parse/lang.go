package parse

import (
	"strings"
	"sync"
	"unicode"
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

// stopwords are frequent words of one of the three Latin-script languages and not of
// the other two, gathered the first time a language is detected.
var stopwords = sync.OnceValue(func() map[string]map[string]bool {
	return map[string]map[string]bool{
		langEnglish: wordSet(`the and of to is are for that this with we our you your be as by on it have has
		will would from at an which these their was were been not or can should please dear thank thanks
		regards best hello kind i my attached find its into also more all who how what when`),
		langFrench: wordSet(`le les des du et est sont une pour dans nous vous sur avec au aux ce cette ces qui
		pas par notre nos votre vos être été à il elle ou mais merci bonjour cordialement madame monsieur
		cher chère je j l d qu leur leurs ont très aussi veuillez ci-joint sommes avons`),
		langSpanish: wordSet(`el los las del y es son una para con por nuestro nuestra nuestros nuestras su sus
		al como más sobre está están este esta estos estas pero muy también gracias hola saludos estimada
		estimado estimados atentamente señora señor lo ha han hemos yo usted adjunto adjunta somos`),
	}
})

// letterHints are letters that occur in one of the Latin-script languages
// and not in the other two.
var letterHints = map[rune]string{
	'ç': langFrench, 'œ': langFrench, 'è': langFrench, 'ê': langFrench, 'à': langFrench,
	'ù': langFrench, 'â': langFrench, 'î': langFrench, 'ô': langFrench, 'û': langFrench, 'ë': langFrench,
	'ñ': langSpanish, '¿': langSpanish, '¡': langSpanish, 'á': langSpanish, 'í': langSpanish,
	'ó': langSpanish, 'ú': langSpanish,
}

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
		l := strings.ToLower(f)
		if strings.Contains(l, "@") || strings.Contains(l, "://") || strings.HasPrefix(l, "www.") {
			continue
		}
		kept = append(kept, f)
	}
	return strings.Join(kept, " ")
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
		case r < latinBelow:
			if latinLetter(r) {
				c.latin++
			}
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
	return c
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

	scores := map[string]int{}
	lower := strings.ToLower(sample)
	words := strings.FieldsFunc(lower, func(r rune) bool {
		return !unicode.IsLetter(r) && r != '-'
	})
	sets := stopwords()
	for _, w := range words {
		w = strings.Trim(w, "-")
		for lang, set := range sets {
			if set[w] {
				scores[lang]++
			}
		}
		switch {
		case len(w) >= 6 && strings.HasSuffix(w, "ing") && isASCII(w):
			// "coding", "building": English ends its words so, French and Spanish
			// only in a few borrowed ones.
			scores[langEnglish]++
		case len(w) >= 6 && (strings.HasSuffix(w, "ando") || strings.HasSuffix(w, "iendo")):
			// "videollamando", "aprendiendo": a Spanish gerund.
			scores[langSpanish]++
		}
	}
	for _, w := range strings.Fields(sample) {
		if startsUpper(w) {
			// "Tomás", "Bogotá", "Montréal": the letters of a name say nothing of the
			// language it is written in.
			continue
		}
		for _, r := range strings.ToLower(w) {
			if lang, ok := letterHints[r]; ok {
				scores[lang]++
			}
		}
	}
	latinLangs := []string{langEnglish, langFrench, langSpanish}
	top := 0
	for _, lang := range latinLangs {
		top = max(top, scores[lang])
	}
	if top == 0 {
		return "", nil
	}
	var tied []string
	for _, lang := range latinLangs {
		if scores[lang] == top {
			tied = append(tied, lang)
		}
	}
	if len(tied) == 1 {
		return tied[0], nil
	}
	return "", tied
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
