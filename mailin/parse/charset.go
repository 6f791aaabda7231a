package parse

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode/utf32"

	xunicode "golang.org/x/text/encoding/unicode"
)

// Charset labels as mailers write them: the WHATWG Encoding Standard's labels, the
// IANA names and aliases, and what mail libraries make of them (cp936, x-gbk,
// ks_c_5601-1987, win-1251, iso8859_6...). A label none of them knows leaves the
// charset to be guessed from the bytes (guessCharset), never read as Latin-1.

// charsetAliases are the mail-library labels neither index knows, by the label they
// mean.
var charsetAliases = map[string]string{
	"cp936": "gbk", "ms936": "gbk", "windows-936": "gbk", "gb2312-80": "gbk", "euc-cn": "gbk", "x-euc-cn": "gbk",
	"cn-gb": "gbk", "gb-2312": "gbk", "x-gb2312": "gbk",
	"cp950": "big5", "ms950": "big5", "windows-950": "big5", "x-big5": "big5", "big-5": "big5", "cn-big5": "big5",
	"cp949": "euc-kr", "ms949": "euc-kr", "windows-949": "euc-kr", "ks_c_5601": "euc-kr", "ks-c-5601": "euc-kr",
	"ksc5601": "euc-kr", "ksc-5601": "euc-kr", "ks_c_5601-1989": "euc-kr",
	"cp932": "shift_jis", "ms932": "shift_jis", "x-sjis": "shift_jis", "sjis": "shift_jis", "shift-jis": "shift_jis",
	"cp20866": "koi8-r", "cp878": "koi8-r", "koi8": "koi8-r", "cp21866": "koi8-u",
	"x-cp866": "ibm866", "ibm-866": "ibm866",
	"cp874": "windows-874", "tis620": "windows-874", "tis-620-2533": "windows-874",
	"cp65001": "utf-8", "utf8mb4": "utf-8", "x-utf-8": "utf-8",
	"cp1200": "utf-16le", "cp1201": "utf-16be",
}

var (
	windowsLabelRE = regexp.MustCompile(`^(?:x-)?(?:cp|win|windows|ms|ansi)[-_ ]?(125[0-8]|874)$`)
	isoLabelRE     = regexp.MustCompile(`^(?:x-)?iso[-_ ]?8859[-_ ]?([0-9]{1,2})(?:[-_:].*)?$`)
	cpISOLabelRE   = regexp.MustCompile(`^cp2859([0-9]{1,2})$`)
	latinLabelRE   = regexp.MustCompile(`^latin[-_ ]([1-6])$`)
)

// lookupCharset returns the encoding a charset label names, or nil when no index,
// alias or pattern knows it.
func lookupCharset(label string) encoding.Encoding {
	l := charsetLabel(label)
	if l == "" {
		return nil
	}
	if e := indexedCharset(l); e != nil {
		return e
	}
	if a, ok := charsetAliases[l]; ok {
		return indexedCharset(a)
	}
	switch l {
	case "hz-gb-2312", "hz":
		return simplifiedchinese.HZGB2312
	case "big5-hkscs", "big5hkscs":
		return traditionalchinese.Big5
	case "utf-32", "utf-32le":
		return utf32.UTF32(utf32.LittleEndian, utf32.UseBOM)
	case "utf-32be":
		return utf32.UTF32(utf32.BigEndian, utf32.UseBOM)
	}
	if m := windowsLabelRE.FindStringSubmatch(l); m != nil {
		return indexedCharset("windows-" + m[1])
	}
	if m := isoLabelRE.FindStringSubmatch(l); m != nil {
		return indexedCharset("iso-8859-" + m[1])
	}
	if m := cpISOLabelRE.FindStringSubmatch(l); m != nil {
		return indexedCharset("iso-8859-" + m[1])
	}
	if m := latinLabelRE.FindStringSubmatch(l); m != nil {
		return indexedCharset("latin" + m[1])
	}
	if n := strings.NewReplacer("_", "-", " ", "-").Replace(strings.TrimPrefix(l, "x-")); n != l {
		return indexedCharset(n)
	}
	return nil
}

// indexedCharset looks a label up in the WHATWG index, then the IANA MIME and IANA
// names. The WHATWG "replacement" encoding (iso-2022-kr, hz-gb-2312...) would turn
// the whole text into one U+FFFD: it counts as unknown.
func indexedCharset(l string) encoding.Encoding {
	if e, err := htmlindex.Get(l); err == nil && e != nil && e != encoding.Replacement {
		return e
	}
	for _, ix := range []*ianaindex.Index{ianaindex.MIME, ianaindex.IANA} {
		if e, err := ix.Encoding(l); err == nil && e != nil && e != encoding.Replacement {
			return e
		}
	}
	return nil
}

// isUTF8Encoding reports whether e is UTF-8 (a label such as "unicode-1-1-utf-8").
func isUTF8Encoding(e encoding.Encoding) bool {
	return e == xunicode.UTF8 || e == encoding.Nop
}

// guessCandidates are the charsets guessCharset tries: those the six languages'
// mail still comes in.
var guessCandidates = []struct {
	name string
	enc  encoding.Encoding
}{
	{"windows-1252", charmap.Windows1252},
	{"windows-1251", charmap.Windows1251},
	{"koi8-r", charmap.KOI8R},
	{"windows-1256", charmap.Windows1256},
	{"iso-8859-6", charmap.ISO8859_6},
	{"gb18030", simplifiedchinese.GB18030},
	{"big5", traditionalchinese.Big5},
}

// guessCharset reads bytes whose charset is unknown: as UTF-8 when they are valid
// UTF-8, else in the candidate charset whose reading looks most like text of the six
// languages (see textLikeness). It returns the text and the charset chosen.
func guessCharset(b []byte) (string, string) {
	if utf8.Valid(b) {
		return string(b), "utf-8"
	}
	best, bestName, bestScore := "", "", 0
	for i, c := range guessCandidates {
		out, err := c.enc.NewDecoder().Bytes(b)
		if err != nil {
			continue
		}
		s := string(out)
		if sc := textLikeness(s); i == 0 || sc > bestScore {
			best, bestName, bestScore = s, c.name, sc
		}
	}
	if bestName == "" {
		return bestEffortString(string(b)), ""
	}
	return best, bestName
}

// commonHan are frequent Chinese characters, simplified and traditional.
const commonHan = "的一是不了在人有我他这這个個们們中来來上大为為和国國地到以说說时時要就出会會可也你对對生能而子" +
	"那得于於着著下自之年过過发發后後作里裡用道行所然家事成方多经經么麼去法学學如都同现現当當没沒动動面起看定天" +
	"分还還进進好小部其些主样樣理心本前开開但因只从從想实實日意无無力与與长長把机機民第公此已工使情明性知全" +
	"关關点點正业業外将將两兩高间間由问問很最重并物手应應向头頭文体體政美相见見被利什二等产產或新己制身果加" +
	"论論坛壇信息社会會议議题題请請您谢謝申提交"

// textLikeness scores how much s looks like text of the six languages: letters in
// their frequent forms score, replacement runes and control characters cost. A
// Russian text read in the wrong one of KOI8-R and windows-1251 comes out in capitals;
// Chinese read in the wrong charset comes out as rare characters.
func textLikeness(s string) int {
	score := 0
	prev := scriptNone
	for _, r := range s {
		// Letters of two scripts in one word ("Rىponse"): a wrong reading.
		sc := scriptOf(r)
		if sc != scriptNone && prev != scriptNone && sc != prev {
			score -= 8
		}
		prev = sc
		switch {
		case r == utf8.RuneError:
			score -= 10
		case r < 0x20 && r != '\n' && r != '\r' && r != '\t', 0x7F <= r && r < 0xA0:
			score -= 10
		case r < 0x80:
		case 'а' <= r && r <= 'я' || r == 'ё':
			score += 2
			if strings.ContainsRune("оеаинтсрвлкмдпу", r) {
				score += 2
			}
		case 0x0621 <= r && r <= 0x064A:
			score += 3
		case unicode.Is(unicode.Han, r):
			score += 3
			if strings.ContainsRune(commonHan, r) {
				score += 6
			}
		case unicode.IsLower(r) && r < 0x250:
			score++
		case unicode.IsLetter(r):
		default:
			score--
		}
	}
	return score
}

const (
	scriptNone = iota
	scriptLatin
	scriptCyrillic
	scriptArabic
	scriptHan
)

// scriptOf is the script of a letter, scriptNone for anything else.
func scriptOf(r rune) int {
	switch {
	case r < 0x80:
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return scriptLatin
		}
		return scriptNone
	case !unicode.IsLetter(r):
		return scriptNone
	case r < 0x250:
		return scriptLatin
	case 0x400 <= r && r < 0x530:
		return scriptCyrillic
	case 0x600 <= r && r < 0x700:
		return scriptArabic
	case unicode.Is(unicode.Han, r):
		return scriptHan
	}
	return scriptNone
}
