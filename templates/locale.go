package templates

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Languages are the six UN languages, in the order of the consultation letter's
// distribution list: Arabic, Chinese, English, French, Russian, Spanish.
var Languages = []string{"ar", "zh", "en", "fr", "ru", "es"}

// DefaultLanguage is used when a contribution's language is unknown or not a UN language.
const DefaultLanguage = "en"

// Normalize maps a language tag ("fr", "fr-CH", "zh_Hans", "AR") to one of Languages,
// or DefaultLanguage.
func Normalize(lang string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(lang)), "-")
	base, _, _ = strings.Cut(base, "_")
	for _, l := range Languages {
		if l == base {
			return l
		}
	}
	return DefaultLanguage
}

// Dir is the writing direction of a language: "rtl" for Arabic, "ltr" otherwise.
func Dir(lang string) string {
	if Normalize(lang) == "ar" {
		return "rtl"
	}
	return "ltr"
}

var monthNames = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
	// Russian dates take the month in the genitive: "10 февраля 2019 г.".
	"ru": {"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"},
	// The month names of UN Arabic documents and of the consultation letter.
	"ar": {"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
}

// FormatDate writes the calendar date of t (in t's location) the way the language
// writes dates in correspondence: "10 February 2019", "10 février 2019" ("1er mars
// 2019"), "10 de febrero de 2019", "10 февраля 2019 г.", "2019年2月10日",
// "10 فبراير 2019". Digits are Western Arabic digits in every language, as in the
// consultation letter.
func FormatDate(lang string, t time.Time) string {
	lang = Normalize(lang)
	d, m, y := t.Day(), t.Month(), t.Year()
	switch lang {
	case "zh":
		return fmt.Sprintf("%d年%d月%d日", y, int(m), d)
	case "fr":
		day := strconv.Itoa(d)
		if d == 1 {
			day = "1er"
		}
		return fmt.Sprintf("%s %s %d", day, monthNames["fr"][m-1], y)
	case "es":
		return fmt.Sprintf("%d de %s de %d", d, monthNames["es"][m-1], y)
	case "ru":
		return fmt.Sprintf("%d %s %d г.", d, monthNames["ru"][m-1], y)
	default:
		return fmt.Sprintf("%d %s %d", d, monthNames[lang][m-1], y)
	}
}

// FormatClock writes the time of day of t on a 24-hour clock: "23:59:59".
func FormatClock(t time.Time) string { return t.Format("15:04:05") }

// FormatZone writes t's offset from UTC: "UTC+01:00".
func FormatZone(t time.Time) string { return "UTC" + t.Format("-07:00") }

var sizeUnits = map[string][4]string{
	// bytes, kilobytes, megabytes, gigabytes
	"en": {"bytes", "KB", "MB", "GB"},
	"fr": {"octets", "Ko", "Mo", "Go"},
	"es": {"bytes", "KB", "MB", "GB"},
	"ru": {"байт", "КБ", "МБ", "ГБ"},
	"zh": {"字节", "KB", "MB", "GB"},
	"ar": {"بايت", "كيلوبايت", "ميغابايت", "غيغابايت"},
}

// FormatSize writes a file size for people: "532 bytes", "1.2 MB"; French, Spanish and
// Russian use a decimal comma ("1,2 Mo").
func FormatSize(lang string, n int64) string {
	lang = Normalize(lang)
	u := sizeUnits[lang]
	if n < 1024 {
		return fmt.Sprintf("%d %s", n, u[0])
	}
	v, i := float64(n)/1024, 1
	for v >= 1024 && i < 3 {
		v /= 1024
		i++
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	switch lang {
	case "fr", "es", "ru":
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " " + u[i]
}

// SingleLine makes text someone else wrote safe to show on one line, in a header or a
// list: control characters (CR, LF, TAB, NUL, C1), line and paragraph separators and the
// bidirectional embedding, override and isolate controls (which can disguise a file
// name) become spaces; runs of spaces become one; invalid UTF-8 becomes U+FFFD.
func SingleLine(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if unicode.IsControl(r) || unicode.IsSpace(r) || isBidiControl(r) || r == '\u2028' || r == '\u2029' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// Shorten cuts s to at most max runes, at a rune boundary, ending in "…" when cut. It
// prefers to cut at a space in the last fifth of the allowance.
func Shorten(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)[:max-1]
	cut := len(runes)
	for i := len(runes) - 1; i >= len(runes)*4/5; i-- {
		if runes[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(runes[:cut]), " ") + "…"
}
