package parse

import (
	"regexp"
	"strings"

	"github.com/wsis/wsisbot/store"
)

// MessageKind says what an inbound or outbound message is: the store's type.
type MessageKind = store.MessageKind

// The message kinds, the store's (store.Msg*). Sort returns own, bounce, auto_reply,
// list or contribution; follow_up and duplicate need the database and are decided by
// the caller from a contribution; quarantined is for what Parse refused; outbound is
// for what we send.
const (
	KindContribution MessageKind = store.MsgContribution
	KindFollowUp     MessageKind = store.MsgFollowUp
	KindAutoReply    MessageKind = store.MsgAutoReply
	KindBounce       MessageKind = store.MsgBounce
	KindList         MessageKind = store.MsgList
	KindDuplicate    MessageKind = store.MsgDuplicate
	KindQuarantined  MessageKind = store.MsgQuarantined
	KindOutbound     MessageKind = store.MsgOutbound
	KindOwn          MessageKind = store.MsgOwn
)

// Header field names the sorter reads besides the parser's.
const (
	hdrXFailedRecipients     = "X-Failed-Recipients"
	hdrXAutoResponseSuppress = "X-Auto-Response-Suppress"
	hdrListPost              = "List-Post"
	hdrSender                = "Sender"
	hdrXLoop                 = "X-Loop"
)

// bounceSubjects are phrases of the subjects of delivery failure notices.
var bounceSubjects = phraseSet{"delivery status notification", "undeliverable", "undelivered mail",
	"mail delivery failed", "mail delivery failure", "mail delivery system", "delivery failed", "delivery has failed",
	"delivery failure", "returned mail", "failure notice", "non remis", "non distribuable", "échec de remise",
	"échec de la remise", "no se puede entregar", "no entregado", "error de entrega", "не доставлено",
	"недоставленное сообщение", "ошибка доставки", "退信", "投递失败", "未送达", "傳遞失敗", "無法傳遞",
	"تعذر التسليم", "فشل التسليم", "لم يتم التسليم"}

// autoReplySubjects are phrases of the subjects of out-of-office and automatic replies
// in the six UN languages (and German, common in Geneva).
var autoReplySubjects = phraseSet{"out of office", "out of the office", "automatic reply",
	"auto reply", "auto-reply", "autoreply", "auto response", "auto-response", "autoresponse",
	"automatic-reply", "automaticreply", "automatic response", "automatic-response", "automaticresponse",
	"away from office", "away from the office", "on vacation", "vacation reply",
	"réponse automatique", "absence du bureau", "absent du bureau", "message d'absence",
	"respuesta automática", "respuesta automatica", "fuera de la oficina", "ausente de la oficina",
	"автоматический ответ", "автоответ", "нет на месте", "вне офиса", "в отпуске",
	"自动回复", "自動回覆", "自动答复", "自動回復", "不在办公室",
	"رد تلقائي", "الرد التلقائي", "خارج المكتب", "غير موجود في المكتب",
	"abwesenheitsnotiz", "automatische antwort"}

// phraseSet finds fixed phrases, written in lower case, in short texts (subjects),
// ignoring case: a plain substring search per phrase, much cheaper than a
// case-insensitive regular expression of alternatives, which has no literal prefix to
// skip ahead with.
type phraseSet []string

// find returns the leftmost phrase in s (the earliest listed when two start at the same
// place), as written in s when lower-casing kept its length, or "".
func (ps phraseSet) find(s string) string {
	lower := strings.ToLower(s)
	best, at := "", -1
	for _, p := range ps {
		if i := strings.Index(lower, p); i >= 0 && (at < 0 || i < at) {
			best, at = p, i
		}
	}
	if at >= 0 && len(lower) == len(s) {
		return s[at : at+len(best)]
	}
	return best
}

// Sort decides whether a person wrote p: it returns own for our own mail
// (our X-WSISBot header, or From one of ourAddresses), bounce for delivery
// failures, auto_reply for automatic replies, list for mailing-list and bulk
// mail, and contribution otherwise. reason says which evidence decided.
//
// Robots are known by the structure of their mail, never by words alone: a
// multipart/report, a null Return-Path, MAILER-DAEMON or postmaster as sender,
// X-Failed-Recipients, Auto-Submitted other than "no", X-Autoreply,
// X-Autorespond, X-Auto-Response-Suppress, X-Loop, Precedence, List-Id,
// List-Unsubscribe, List-Post and a mailing list's Sender (listSender). A subject phrase ("Undeliverable", "Out of office") only
// says which kind of robot when such evidence exists, or when the sender is a
// no-reply address: a person may well write about "service delivery failure".
func Sort(p *Parsed, ourAddresses []string) (kind MessageKind, reason string) {
	if p == nil {
		return KindQuarantined, "no message"
	}
	h := p.Headers
	if _, ok := h[hdrXWSISBot]; ok {
		return KindOwn, hdrXWSISBot + " header present"
	}
	from := strings.ToLower(strings.TrimSpace(p.From.Email))
	for _, a := range ourAddresses {
		if from != "" && strings.EqualFold(from, strings.TrimSpace(a)) {
			return KindOwn, "From is our address " + from
		}
	}

	// Reports: delivery status (a bounce) or disposition (a read receipt, which is an
	// automatic reply, not a failure).
	reportType := p.ReportType
	isReport := p.IsReport
	if ct := strings.ToLower(h[hdrContentType]); strings.HasPrefix(strings.TrimSpace(ct), "multipart/report") {
		isReport = true
		if reportType == "" && strings.Contains(ct, "disposition-notification") {
			reportType = "disposition-notification"
		}
	}
	if isReport && reportType == "disposition-notification" {
		return KindAutoReply, "multipart/report; report-type=disposition-notification (read receipt)"
	}
	if isReport {
		reason := "multipart/report"
		if reportType != "" {
			reason += "; report-type=" + reportType
		}
		return KindBounce, reason
	}
	local, _, _ := strings.Cut(from, "@")
	if local == "mailer-daemon" || local == "postmaster" {
		return KindBounce, "sender " + from
	}
	returnPath := strings.ToLower(strings.Trim(strings.TrimSpace(h[hdrReturnPath]), "<>"))
	if rpLocal, _, _ := strings.Cut(returnPath, "@"); rpLocal == "mailer-daemon" || rpLocal == "postmaster" {
		return KindBounce, "Return-Path " + returnPath
	}
	if _, ok := h[hdrXFailedRecipients]; ok {
		return KindBounce, hdrXFailedRecipients + " header present"
	}
	nullPath := strings.TrimSpace(h[hdrReturnPath]) == "<>"

	// Automatic replies (RFC 3834 and the usual headers).
	if v, ok := h[hdrAutoSubmitted]; ok {
		value, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(v)), ";")
		if value = strings.TrimSpace(value); value != "no" {
			// A delivery failure may say Auto-Submitted too; its subject and null
			// Return-Path tell it from a vacation notice.
			if m := bounceSubjects.find(p.Subject); m != "" && nullPath {
				return KindBounce, "subject contains " + quoteReason(m) + ", with a null Return-Path and Auto-Submitted"
			}
			return KindAutoReply, "Auto-Submitted: " + value
		}
	}
	for _, k := range []string{hdrXAutoreply, hdrXAutorespond} {
		if _, ok := h[k]; ok {
			return KindAutoReply, k + " header present"
		}
	}
	precedence := strings.ToLower(strings.TrimSpace(h[hdrPrecedence]))
	if precedence == "auto_reply" {
		return KindAutoReply, "Precedence: auto_reply"
	}

	// Evidence that software sent it, without saying which kind of robot: a subject
	// phrase decides between bounce and automatic reply.
	var software string
	switch {
	case nullPath:
		software = "a null Return-Path <>"
	case h[hdrXAutoResponseSuppress] != "":
		software = hdrXAutoResponseSuppress + ": " + strings.TrimSpace(h[hdrXAutoResponseSuppress])
	case h[hdrListID] != "":
		software = "a List-Id header"
	case h[hdrListUnsubscribe] != "":
		software = "a List-Unsubscribe header"
	case h[hdrListPost] != "":
		software = "a List-Post header"
	case listSender(h[hdrSender]) != "":
		software = "the mailing list's Sender " + listSender(h[hdrSender])
	case strings.TrimSpace(h[hdrXLoop]) != "":
		software = "an X-Loop header"
	case precedence == "list" || precedence == "bulk" || precedence == "junk":
		software = "Precedence: " + precedence
	case from != "" && IsNoReplyAddress(from):
		software = "the no-reply sender " + from
	}
	if software != "" {
		if m := bounceSubjects.find(p.Subject); m != "" {
			return KindBounce, "subject contains " + quoteReason(m) + ", from " + software
		}
		if m := autoReplySubjects.find(p.Subject); m != "" {
			return KindAutoReply, "subject contains " + quoteReason(m) + ", from " + software
		}
	}

	// RFC 3834 asks automatic replies to use a null reverse path, like bounces; a
	// person's mail never has one.
	if nullPath {
		return KindBounce, "null Return-Path <>"
	}
	if _, ok := h[hdrListID]; ok {
		return KindList, "List-Id header present"
	}
	if _, ok := h[hdrListUnsubscribe]; ok {
		return KindList, "List-Unsubscribe header present"
	}
	switch precedence {
	case "list", "bulk", "junk":
		return KindList, "Precedence: " + precedence
	}
	if _, ok := h[hdrListPost]; ok {
		return KindList, "List-Post header present"
	}
	if s := listSender(h[hdrSender]); s != "" {
		return KindList, "Sender " + s + " is a mailing list's address"
	}
	// A robot marks what it sends with X-Loop so as not to answer itself (procmail,
	// request trackers, list servers); people's mail clients never add it.
	if v := strings.TrimSpace(h[hdrXLoop]); v != "" {
		return KindAutoReply, hdrXLoop + ": " + v
	}
	// Outlook and Exchange mark their out-of-office replies, and systems their
	// notifications, so that no automatic reply answers them; people's mail has none.
	if v := strings.TrimSpace(h[hdrXAutoResponseSuppress]); v != "" {
		return KindAutoReply, hdrXAutoResponseSuppress + ": " + v
	}
	return KindContribution, "written by a person"
}

// listSenderLocalRE matches the local parts of the addresses mailing list servers send
// from: Mailman's list-bounces (with VERP, list-bounces+someone=example.org),
// list-bounce, Majordomo's owner-list, and list-request.
var listSenderLocalRE = regexp.MustCompile(`^(.+-bounces?(\+.*)?|owner-.+|.+-request)$`)

// listSender returns the address of a Sender header value when it is a mailing list
// server's, and "" otherwise.
func listSender(v string) string {
	addr := strings.ToLower(bareEmailRE.FindString(v))
	local, _, ok := strings.Cut(addr, "@")
	if !ok || !listSenderLocalRE.MatchString(local) {
		return ""
	}
	return addr
}

func quoteReason(s string) string {
	return `"` + s + `"`
}

// refTagRE finds a reference tag in brackets anywhere in a subject.
var refTagRE = regexp.MustCompile(`(?i)[\[(【（]\s*(WSIS-\d{4}-\d{1,6})\s*[\])】）]`)

// replyPrefixRE matches the reply and forward prefixes mail clients add,
// in the six UN languages and a few others, with counters ("Re[2]:").
var replyPrefixRE = regexp.MustCompile(`(?i)^\s*(re|fw|fwd|aw|wg|tr|rv|res|enc|sv|vs|antw|rif|r|ответ|отв|re[\[(]\d+[\])]|回复|回覆|答复|答覆|转发|轉寄|رد|إعادة توجيه)\s*[:：]\s*`)

// bareRefTagRE finds an unbracketed tag at the start of what is left of a
// subject once reply prefixes are gone.
var bareRefTagRE = regexp.MustCompile(`(?i)^(WSIS-\d{4}-\d{1,6})\b`)

// RefTag finds the reference of a contribution in a subject: "[WSIS-2019-0042]"
// anywhere, or "WSIS-2019-0042" without brackets right after reply or
// forward prefixes ("Re:", "Fwd:", "AW:", "TR:", "RV:", "Ответ:", "回复:",
// "رد:"...). The reference comes back upper case.
func RefTag(subject string) (ref string, ok bool) {
	if !mayHoldRefTag(subject) {
		return "", false
	}
	if m := refTagRE.FindStringSubmatch(subject); m != nil {
		return strings.ToUpper(m[1]), true
	}
	rest := subject
	for {
		loc := replyPrefixRE.FindStringIndex(rest)
		if loc == nil {
			break
		}
		rest = rest[loc[1]:]
	}
	if m := bareRefTagRE.FindStringSubmatch(strings.TrimSpace(rest)); m != nil {
		return strings.ToUpper(m[1]), true
	}
	return "", false
}

// mayHoldRefTag is a quick test before the expressions of RefTag: false when subject
// cannot hold "WSIS-", as it has no '-' or no 'W' in either case (nothing else folds to
// 'W' under (?i)).
func mayHoldRefTag(subject string) bool {
	return strings.IndexByte(subject, '-') >= 0 && strings.ContainsAny(subject, "Ww")
}

// noReplyLocalRE matches the local parts of addresses nobody reads.
var noReplyLocalRE = regexp.MustCompile(`^(.*no[-_.]?reply.*|.*do[-_.]?not[-_.]?reply.*|mailer[-_]?daemon|postmaster|bounces?([-+._].*)?|notifications?([-+._].*)?)$`)

// IsNoReplyAddress reports whether email is an address nobody reads or that
// must not receive automatic mail (noreply, do-not-reply, mailer-daemon,
// postmaster, bounce…, notification…). An empty or malformed address is
// one too: there is nobody to acknowledge.
func IsNoReplyAddress(email string) bool {
	email = strings.ToLower(strings.TrimSpace(email))
	email = strings.Trim(email, "<>")
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || domain == "" {
		return true
	}
	if i := strings.IndexByte(local, '+'); i > 0 && !strings.HasPrefix(local, "bounce") {
		local = local[:i]
	}
	return mayBeNoReplyLocal(local) && noReplyLocalRE.MatchString(local)
}

// mayBeNoReplyLocal is a quick test before noReplyLocalRE, which has no literal
// prefix to look for: false when local holds none of the words each of its
// alternatives needs.
func mayBeNoReplyLocal(local string) bool {
	return strings.Contains(local, "reply") || strings.Contains(local, "daemon") ||
		strings.Contains(local, "postmaster") || strings.HasPrefix(local, "bounce") ||
		strings.HasPrefix(local, "notification")
}
