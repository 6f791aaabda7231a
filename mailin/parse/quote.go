package parse

import (
	"regexp"
	"strings"
)

// splitQuoted separates the text a sender wrote (fresh) from the earlier
// messages quoted in a reply and from the signature (quoted). It knows the
// quoting of mail clients in the six UN languages: "> " lines, attribution
// lines ("On … wrote:", "Le … a écrit :", "El … escribió:", "… 写道：",
// "… написал:", "كتب …:"...), "Original Message" separators, Outlook
// "From:/Sent:" blocks, and the "-- " signature delimiter. A reply written
// below the quote (bottom posting) stays fresh. Line ends are "\n" or "\r\n";
// the result uses "\n".
func splitQuoted(text string) (fresh, quoted string) {
	lines := strings.Split(normalizeNewlines(text), "\n")
	// The lines without the white space around them, which most tests read: trimmed
	// once rather than by each test.
	trimmed := make([]string, len(lines))
	for i, l := range lines {
		trimmed[i] = strings.TrimSpace(l)
	}
	f := make([]string, 0, len(lines))
	var q []string
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if isSignatureDelimiter(line) || isOriginalSeparator(trimmed[i]) || isForwardHeaderBlock(lines, i) || isOutlookRule(lines, trimmed, i) {
			q = append(q, lines[i:]...)
			break
		}
		if n := attributionLines(lines, trimmed, i); n > 0 {
			// An attribution introduces either "> " lines (the reply may
			// follow them) or, unprefixed, the rest of the message.
			j := i + n
			for j < len(lines) && trimmed[j] == "" {
				j++
			}
			if j < len(lines) && isQuoteLine(lines[j]) {
				q = append(q, lines[i:i+n]...)
				i += n - 1
				continue
			}
			q = append(q, lines[i:]...)
			break
		}
		if isQuoteLine(line) {
			q = append(q, line)
			continue
		}
		f = append(f, line)
	}
	for i := range f {
		f[i] = strings.TrimRight(f[i], " \t")
	}
	return trimBlankLines(f), trimBlankLines(q)
}

// trimBlankLines joins lines without the blank lines at both ends and with
// runs of blank lines cut to one.
func trimBlankLines(lines []string) string {
	// Collapse the blank runs left where quotes were taken out.
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			l = ""
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.Trim(strings.Join(out, "\n"), "\n")
}

func isQuoteLine(line string) bool {
	return strings.HasPrefix(strings.TrimLeft(line, " \t"), ">")
}

// isSignatureDelimiter reports the "-- " line (RFC 3676), also when the
// trailing space was lost on the way.
func isSignatureDelimiter(line string) bool {
	return line == "-- " || line == "--"
}

// originalSeparators are the lines mail clients put above a quoted or
// forwarded message, lower case, without the dashes around them.
var originalSeparators = map[string]bool{
	"original message":          true,
	"forwarded message":         true,
	"begin forwarded message:":  true,
	"message d'origine":         true,
	"message d’origine":         true,
	"message original":          true,
	"message transféré":         true,
	"mensaje original":          true,
	"mensaje reenviado":         true,
	"исходное сообщение":        true,
	"пересылаемое сообщение":    true,
	"пересланное сообщение":     true,
	"原始邮件":                      true,
	"原始郵件":                      true,
	"转发邮件信息":                    true,
	"转发的邮件":                     true,
	"轉寄的郵件":                     true,
	"الرسالة الأصلية":           true,
	"الرسالة الاصلية":           true,
	"الرسالة المعاد توجيهها":    true,
	"رسالة معاد توجيهها":        true,
	"original-nachricht":        true,
	"ursprüngliche nachricht":   true,
	"weitergeleitete nachricht": true,
}

// isOriginalSeparator reports lines like "-----Original Message-----",
// "----- Message d'origine -----" or "-------- 原始邮件 --------"; t is the line
// trimmed (strings.TrimSpace).
func isOriginalSeparator(t string) bool {
	if !strings.HasPrefix(t, "--") && !strings.HasPrefix(t, "__") && !strings.HasSuffix(t, ":") {
		return false
	}
	t = strings.Trim(t, "-_ \t")
	return originalSeparators[strings.ToLower(t)]
}

// Outlook-style header blocks: a "From:" line followed closely by a
// "Sent:"/"Date:" line, in the client's language.
var (
	fromFieldRE = regexp.MustCompile(`^\s*\*?(From|De|Von|От|Від|发件人|寄件者|寄件人|من)\s*\*?\s*[:：]`)
	sentFieldRE = regexp.MustCompile(`^\s*\*?(Sent|Date|Envoyé|Date d'envoi|Enviado el|Enviado|Fecha|Gesendet|Datum|Отправлено|Дата|发送时间|日期|寄件日期|傳送時間|أرسل|تاريخ الإرسال|التاريخ|Subject|Objet|Asunto|Тема|主题|主旨|الموضوع|To|À|Para|Кому|收件人|إلى)\s*\*?\s*[:：]`)
)

// isForwardHeaderBlock reports a "From: …" line followed within four lines
// by another header-like line ("Sent:", "Date:", "Subject:"... in six
// languages), as Outlook and many webmails write above the earlier message.
func isForwardHeaderBlock(lines []string, i int) bool {
	if !mayBeFromField(lines[i]) || !fromFieldRE.MatchString(lines[i]) {
		return false
	}
	for j := i + 1; j < len(lines) && j <= i+4; j++ {
		if sentFieldRE.MatchString(lines[j]) {
			return true
		}
	}
	return false
}

// fromFieldNames are the words fromFieldRE begins with.
var fromFieldNames = []string{"From", "De", "Von", "От", "Від", "发件人", "寄件者", "寄件人", "من"}

// mayBeFromField is a quick test before fromFieldRE, which has no literal prefix to
// look for: false when the line cannot match it, as no word of fromFieldNames follows
// its blanks and one '*'.
func mayBeFromField(line string) bool {
	for line != "" && (line[0] == ' ' || line[0] == '\t' || line[0] == '\n' || line[0] == '\f' || line[0] == '\r') {
		line = line[1:] // \s
	}
	line = strings.TrimPrefix(line, "*")
	for _, name := range fromFieldNames {
		if strings.HasPrefix(line, name) {
			return true
		}
	}
	return false
}

// isOutlookRule reports the line of underscores Outlook draws above the
// header block of the message replied to; trimmed are the lines trimmed
// (strings.TrimSpace).
func isOutlookRule(lines, trimmed []string, i int) bool {
	t := trimmed[i]
	if len(t) < 5 || strings.Trim(t, "_") != "" {
		return false
	}
	for j := i + 1; j < len(lines) && j <= i+2; j++ {
		if isForwardHeaderBlock(lines, j) {
			return true
		}
	}
	return false
}

// Attribution lines, tried on one line and on two or three lines joined
// (clients wrap long attributions). The anchored ones begin with a word of
// their own; the others end with "wrote:" in Chinese, Russian or Arabic and
// may begin with a name or a date.
var (
	anchoredAttributionREs = []*regexp.Regexp{
		regexp.MustCompile(`(?i)^\s*On\b.{0,300}\bwrote\s*:\s*$`),
		regexp.MustCompile(`(?i)^\s*Le\b.{0,300}\ba\s+écrit\s*:\s*$`),
		regexp.MustCompile(`(?i)^\s*El\b.{0,300}\bescribió\s*:\s*$`),
		regexp.MustCompile(`(?i)^\s*Am\b.{0,300}\bschrieb\b.{0,200}:\s*$`),
		regexp.MustCompile(`^\s*在.{0,300}(写道|寫道)\s*[:：]\s*$`),
		regexp.MustCompile(`^\s*كتب\s.{0,300}[:：]\s*$`),
		regexp.MustCompile(`^\s*في\s.{0,300}\sكتب\s*[:：]\s*$`),
	}
	trailingAttributionREs = []*regexp.Regexp{
		regexp.MustCompile(`^.{0,300}(写道|寫道)\s*[:：]\s*$`),
		regexp.MustCompile(`(?i)^.{0,300}(писал\(а\)|написал\(а\)|написала?|писала?|пишет)\s*:\s*$`),
		regexp.MustCompile(`^.{0,300}\sكتب\s*[:：]\s*$`),
	}
	digitOrAddressRE = regexp.MustCompile(`[0-9@<]`)
)

const maxAttributionBytes = 1000

// attributionVerbs are the words of "… wrote:" in the languages of
// attributionREs, lower case: a cheap test before the expressions.
var attributionVerbs = []string{"wrote", "écrit", "escribió", "schrieb", "写道", "寫道", "писал", "пишет", "كتب"}

func hasAttributionVerb(s string) bool {
	s = strings.ToLower(s)
	for _, v := range attributionVerbs {
		if strings.Contains(s, v) {
			return true
		}
	}
	return false
}

// attributionLines returns how many lines (1 to 3) starting at i form an
// attribution line, 0 if none; trimmed are the lines trimmed (strings.TrimSpace).
// A wrapped attribution of the trailing kind must carry a date or an address on its
// first line, so that a sentence of the reply is not taken for one.
func attributionLines(lines, trimmed []string, i int) int {
	if trimmed[i] == "" {
		return 0
	}
	for n := 1; n <= 3 && i+n <= len(lines); n++ {
		last := trimmed[i+n-1]
		if n > 1 && (last == "" || isQuoteLine(last)) {
			return 0
		}
		// Every attribution ends with a colon and has its verb.
		if !strings.HasSuffix(last, ":") && !strings.HasSuffix(last, "：") {
			continue
		}
		joined := strings.Join(trimmed[i:i+n], " ")
		if len(joined) > maxAttributionBytes {
			return 0
		}
		if !hasAttributionVerb(joined) {
			continue
		}
		for _, re := range anchoredAttributionREs {
			if re.MatchString(joined) {
				return n
			}
		}
		if n > 1 && !digitOrAddressRE.MatchString(lines[i]) {
			continue
		}
		for _, re := range trailingAttributionREs {
			if re.MatchString(joined) {
				return n
			}
		}
	}
	return 0
}
