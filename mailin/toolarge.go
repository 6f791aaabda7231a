package mailin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/emersion/go-message/mail"

	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/templates"
)

// A message over the size limit (WSISBOT_MAX_MESSAGE_BYTES) is quarantined with only its
// header (or its first bytes) kept. Its sender is told, in their language, that it could
// not be accepted and how to send large files, exactly when an acknowledgement would go
// to them: the header is read for the sender, the subject and the language, sorted
// (robots are never answered) and its authentication results read (dmarc=fail or
// spf=fail: never answered), and the store decides with the acknowledgement's rules and
// caps (store.NoticeTooLarge).

// tooLargeError is why a message over the size limit is quarantined.
type tooLargeError struct {
	limit int64  // the size limit, in bytes
	kept  string // what is kept of it: "its header", "its first N bytes"
}

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("%v: over the size limit of %d bytes (WSISBOT_MAX_MESSAGE_BYTES): only %s is kept here; the whole message is still on the IMAP server",
		parse.ErrTooLarge, e.limit, e.kept)
}

func (e *tooLargeError) Unwrap() error { return parse.ErrTooLarge }

// tooLargeHeaderLimits bound the parse of what is kept of an oversized message.
var tooLargeHeaderLimits = parse.Limits{MaxMessageBytes: 4 << 20, MaxAttachments: 1, MaxHeaderBytes: 256 << 10}

// readTooLarge fills in what the header of a message quarantined for its size tells
// about its sender (see store.Inbound.TooLarge). A header that cannot be read leaves
// nobody to tell.
func readTooLarge(in *store.Inbound, raw []byte, limit int64, pol store.IngestPolicy) {
	head := raw
	for _, sep := range [][]byte{[]byte("\r\n\r\n"), []byte("\n\n")} {
		if i := bytes.Index(raw, sep); i >= 0 {
			head = raw[:i+len(sep)]
			break
		}
	}
	p, err := parse.Parse(head, tooLargeHeaderLimits)
	if err != nil || p == nil {
		return
	}
	in.TooLarge = limit
	in.TooLargeMessageID = p.MessageID
	in.FromName, in.FromEmail = p.From.Name, p.From.Email
	for _, a := range p.ReplyTo {
		if a.Email != "" && a.Email != p.From.Email {
			in.ReplyTo = a.Email
			break
		}
	}
	in.Subject = p.Subject
	in.Date = p.Date
	in.Headers = p.Headers
	in.Language = p.Language
	if in.Language == "" {
		in.Language = parse.DetectLanguage("", p.Subject, p.Headers)
	}
	in.AckTo, in.AckRefusal = ackRecipient(p)
	if kind, why := parse.Sort(p, pol.OurAddresses); kind != parse.KindContribution && in.AckRefusal == "" {
		in.AckRefusal = fmt.Sprintf("its header was sorted as %s (%s): a robot's mail is never answered", kind, why)
	}
	if why := authFailure(p.AuthenticationResults, pol.AuthservIDs); why != "" && in.AckRefusal == "" {
		in.AckRefusal = why
	}
	in.NoReply = in.AckTo != "" && parse.IsNoReplyAddress(in.AckTo)
}

// tooLargeNotice reads the payload of an ack_email item that is the notice of a message
// too large (store.NoticeTooLarge).
func tooLargeNotice(it store.OutboxItem) (store.AckPayload, bool) {
	var p store.AckPayload
	if len(it.Payload) == 0 || json.Unmarshal(it.Payload, &p) != nil {
		return p, false
	}
	return p, p.Notice == store.NoticeTooLarge
}

// handleTooLarge sends the notice of a message too large to its sender: to the one
// address the intake decided, never read again from the header.
func (w *AckWorker) handleTooLarge(ctx context.Context, it store.OutboxItem, p store.AckPayload) (store.OutboxResult, error) {
	if it.MessageID == nil {
		return store.OutboxResult{}, store.Permanent(errors.New("too-large notice: the item names no message"))
	}
	msg, err := w.st.Message(ctx, *it.MessageID)
	if err != nil {
		return store.OutboxResult{}, ackNotFoundPermanent(fmt.Errorf("too-large notice: %w", err))
	}
	if !store.UsableAckAddress(p.To) {
		return store.OutboxResult{}, store.Permanent(fmt.Errorf("too-large notice: not sent: %q is not a usable address", p.To))
	}
	if why := w.refusal(p.To); why != "" {
		return store.OutboxResult{}, store.Permanent(fmt.Errorf("too-large notice: not sent: %s", why))
	}
	to := &mail.Address{Address: p.To}
	if p.To == msg.FromEmail {
		to.Name = msg.FromName
	}
	ph := w.st.Phases()
	words, err := w.tpl.RenderTooLarge(templates.TooLarge{Language: msg.Language, Subject: msg.Subject,
		ReceivedAt: msg.ReceivedAt, Limit: p.Limit, Location: ph.Location})
	if err != nil {
		return store.OutboxResult{}, store.Permanent(err)
	}
	var refs []string
	if p.InReplyTo != "" {
		refs = []string{p.InReplyTo}
	}
	raw, rec, err := Compose(Outgoing{
		MessageID: OutboxMessageID("notice", "too-large", it, outDomain(w.from.Address)), Date: w.st.Clock().Now(),
		From: w.from, To: to, Subject: words.Subject, InReplyTo: p.InReplyTo, References: refs,
		Language: words.Language, Marker: "notice too-large", AutoReplied: true, Text: words.Text, HTML: words.HTML,
	})
	if err != nil {
		return store.OutboxResult{}, store.Permanent(err)
	}
	envelopeFrom := ""
	if !w.nullSender {
		envelopeFrom = w.from.Address
	}
	if err := w.sender.Send(ctx, envelopeFrom, []string{to.Address}, raw); err != nil {
		return store.OutboxResult{}, fmt.Errorf("too-large notice for message %d: %w", *it.MessageID, err)
	}
	return store.OutboxResult{Outbound: &rec}, nil
}
