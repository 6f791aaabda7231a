package mailin

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/templates"
)

// ToInbound turns what was fetched from a mailbox and what Parse made of it into the
// store's Inbound. When parsing failed (parseErr set, or p nil) the message is
// quarantined: its raw bytes are kept with the reason, and nothing else is read from it.
// Otherwise it is sorted (Sort), its reference tag, bounce original and quoted text are
// found, a new contribution gets suggestions for the secretariat to confirm, and the
// one address an acknowledgement may go to is decided (see ackRecipient), under pol
// (its OurAddresses and AuthservIDs).
func ToInbound(raw []byte, uidValidity, uid uint32, internalDate time.Time, mailbox string,
	p *parse.Parsed, parseErr error, pol store.IngestPolicy) store.Inbound {
	in := store.Inbound{
		Mailbox:      mailbox,
		UIDValidity:  uidValidity,
		UID:          uid,
		InternalDate: internalDate,
		Raw:          raw,
		RawSHA256:    store.SHA256Hex(raw),
	}
	if parseErr != nil || p == nil {
		in.Kind = store.MsgQuarantined
		in.KindReason = "could not be parsed"
		var notRead *notDeliveredError
		switch {
		case errors.As(parseErr, &notRead), errors.Is(parseErr, parse.ErrTooLarge):
			in.KindReason = parseErr.Error()
		case parseErr != nil:
			in.KindReason = "could not be parsed: " + parseErr.Error()
		}
		if tl := (*tooLargeError)(nil); errors.As(parseErr, &tl) && tl.limit > 0 {
			readTooLarge(&in, raw, tl.limit, pol)
		}
		if p != nil { // what the header says (an oversized message keeps its header)
			in.FromName, in.FromEmail, in.Subject, in.Date = p.From.Name, p.From.Email, p.Subject, p.Date
		}
		return in
	}

	kind, reason := parse.Sort(p, pol.OurAddresses)
	in.Kind, in.KindReason = kind, reason
	in.MessageID = p.MessageID
	in.InReplyTo = p.InReplyTo
	in.References = p.References
	in.FromName, in.FromEmail = p.From.Name, p.From.Email
	for _, a := range p.ReplyTo {
		if a.Email != "" && !strings.EqualFold(a.Email, p.From.Email) {
			in.ReplyTo = a.Email
			break
		}
	}
	in.To = formatAddresses(p.To)
	in.Cc = formatAddresses(p.Cc)
	in.Subject = p.Subject
	in.Date = p.Date
	in.Headers = p.Headers
	in.Text = p.Text
	in.HTML = p.HTML
	in.Warnings = p.Warnings
	in.FreshText = p.FreshText()
	in.Language = p.Language
	if in.Language == "" {
		in.Language = parse.DetectLanguage(in.FreshText, p.Subject, p.Headers)
	}
	if tag, ok := parse.RefTag(p.Subject); ok {
		in.RefTag = tag
	}
	if kind == parse.KindBounce {
		in.BounceOf = p.ReportOriginalMessageID
	}
	in.AckTo, in.AckRefusal = ackRecipient(p)
	if why := authFailure(p.AuthenticationResults, pol.AuthservIDs); why != "" && in.AckRefusal == "" {
		in.AckRefusal = why
	}
	in.NoReply = in.AckTo != "" && parse.IsNoReplyAddress(in.AckTo)

	if len(p.Attachments) > 0 {
		in.Attachments = make([]store.InboundAttachment, 0, len(p.Attachments))
		for _, a := range p.Attachments {
			in.Attachments = append(in.Attachments, store.InboundAttachment{
				Filename:    a.Filename,
				ContentType: a.ContentType,
				Inline:      a.Inline,
				Data:        a.Data,
				SHA256:      a.SHA256,
			})
		}
	}
	// Only a new contribution uses suggestions; robots' mail does not need them.
	if kind == parse.KindContribution {
		sg := safeSuggest(p, in.FreshText, in.Language)
		in.Suggestion = store.Suggestion{
			Kind:            store.ContributionKind(sg.Kind),
			StakeholderType: sg.StakeholderType,
			ActionLines:     sg.ActionLines,
			Organisation:    sg.Organisation,
			Reasons:         sg.Reasons,
			KindGuessed:     sg.KindGuessed,
		}
		in.Suggestion.Domain = learningDomain(p.From.Email)
		if in.Language == "" {
			in.Language = sg.Language
		}
	}
	return in
}

// suggestFrom is parse.SuggestFrom; a variable so that a test can make it fail.
var suggestFrom = parse.SuggestFrom

// safeSuggest is parse.SuggestFrom that turns a panic into no suggestion, said in its
// reasons (and so on the card): like a parser failure, a rule failing on one message
// must not stop the intake, and the message is stored as it came.
func safeSuggest(p *parse.Parsed, fresh, lang string) (sg parse.Suggestion) {
	defer func() {
		if r := recover(); r != nil {
			sg = parse.Suggestion{Reasons: []string{fmt.Sprintf("no suggestion: the suggestion rules failed on this message (%v)", r)}}
		}
	}()
	return suggestFrom(p, fresh, lang)
}

// ackRecipient decides, once, the one address an acknowledgement of p may go to: the
// first usable address of Reply-To (the lenient parse the intake reads everywhere),
// else From when usable. An address without "@" or with a domain that cannot be one is
// no address (store.UsableAckAddress). When there is none, refusal says so; the store
// records it and the mail worker never looks at the headers again.
func ackRecipient(p *parse.Parsed) (to, refusal string) {
	for _, a := range p.ReplyTo {
		if store.UsableAckAddress(a.Email) {
			return a.Email, ""
		}
	}
	if store.UsableAckAddress(p.From.Email) {
		return p.From.Email, ""
	}
	if p.From.Email == "" && len(p.ReplyTo) == 0 {
		return "", "the sender has no address"
	}
	var rt []string
	for _, a := range p.ReplyTo {
		rt = append(rt, a.Email)
	}
	return "", fmt.Sprintf("no usable address to acknowledge: From %q, Reply-To %q",
		templates.Shorten(p.From.Email, 80), templates.Shorten(strings.Join(rt, ", "), 160))
}

// notDeliveredError is the quarantine reason of a message the IMAP server would not
// deliver.
type notDeliveredError struct{ err error }

func (e *notDeliveredError) Error() string {
	return fmt.Sprintf("the IMAP server would not deliver it (%v); it is still on the server", e.err)
}

func (e *notDeliveredError) Unwrap() error { return e.err }

// formatAddresses writes addresses for display, names in UTF-8 (not RFC 2047).
func formatAddresses(as []parse.Address) string {
	if len(as) == 0 {
		return ""
	}
	parts := make([]string, 0, len(as))
	for _, a := range as {
		if a.Name == "" {
			parts = append(parts, a.Email)
			continue
		}
		name := a.Name
		if strings.ContainsAny(name, `"\,;:<>@()[]`) {
			name = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
		}
		parts = append(parts, name+" <"+a.Email+">")
	}
	return strings.Join(parts, ", ")
}

// learningDomain is the domain of address when it says who writes: what the desk
// confirmed for mail from it before counts for the suggestions (store.Suggestion.Domain).
// A webmail provider's domain says nothing: "".
func learningDomain(address string) string {
	_, domain, ok := strings.Cut(strings.ToLower(strings.TrimSpace(address)), "@")
	if !ok || domain == "" || parse.IsWebmailDomain(domain) {
		return ""
	}
	return domain
}
