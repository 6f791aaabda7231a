package mailin

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
)

// ToInbound turns what was fetched from a mailbox and what Parse made of it into the
// store's Inbound. When parsing failed (parseErr set, or p nil) the message is
// quarantined: its raw bytes are kept with the reason, and nothing else is read from it.
// Otherwise it is sorted (Sort), its reference tag, bounce original and quoted text are
// found, and a new contribution gets suggestions for the secretariat to confirm.
func ToInbound(raw []byte, uidValidity, uid uint32, internalDate time.Time, mailbox string,
	p *parse.Parsed, parseErr error, ourAddresses []string) store.Inbound {
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
		return in
	}

	kind, reason := parse.Sort(p, ourAddresses)
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
	// The acknowledgement goes to Reply-To when there is one, else to From.
	ackTo := in.FromEmail
	if in.ReplyTo != "" {
		ackTo = in.ReplyTo
	}
	in.NoReply = parse.IsNoReplyAddress(ackTo)

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
		sg := parse.SuggestFrom(p, in.FreshText, in.Language)
		in.Suggestion = store.Suggestion{
			Kind:            store.ContributionKind(sg.Kind),
			StakeholderType: sg.StakeholderType,
			ActionLines:     sg.ActionLines,
			Organisation:    sg.Organisation,
		}
		if in.Language == "" {
			in.Language = sg.Language
		}
	}
	return in
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
