package mailin

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"github.com/wsis/wsisbot/internal/health"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/templates"
)

// AckStore is what the mail handler reads; *store.Store has it all. The handler never
// writes: what it did goes back to the store in a store.OutboxResult.
type AckStore interface {
	AckSubject(ctx context.Context, cid int64, messageID *int64) (store.AckSubject, error)
	Contribution(ctx context.Context, id int64) (store.Contribution, error)
	Message(ctx context.Context, id int64) (store.Message, error)
	Messages(ctx context.Context, contributionID int64) ([]store.Message, error)
	RawHead(ctx context.Context, id int64, n int) ([]byte, error)
	Attachments(ctx context.Context, messageID int64) ([]store.Attachment, error)
	Phases() *store.Phases
	Clock() store.Clock
}

// MailSender delivers one message. *SMTPSender is the real one. An error wrapped by
// store.Permanent fails the outbox item; one wrapped by store.Unavailable pauses the
// workers; any other error is retried with the item's backoff.
type MailSender interface {
	Send(ctx context.Context, envelopeFrom string, to []string, raw []byte) error
}

// AckWorker carries out the acknowledgements (ack_email) and the secretariat's replies
// (reply_email) queued in the outbox: Handle is its store.OutboxHandler, and Outbox
// describes its workers to the store's outbox runtime (store.Store.RunOutbox). Several
// workers, in one process or in replicas, may run side by side: the store hands each item
// to one of them only.
type AckWorker struct {
	st         AckStore
	sender     MailSender
	tpl        *templates.Set
	from       *mail.Address
	nullSender bool
	logger     *slog.Logger

	// Idle is how long the idle workers wait, when nothing is due and no notification
	// came, before one of them looks again (default 500 ms; store.OutboxRunner.Poll).
	Idle time.Duration
	// MailboxFrom, when set, gives the From of the acknowledgements and replies about a
	// contribution by the name of the mailbox it came to (store.Contribution.MailboxName);
	// a mailbox it does not name gets WSISBOT_FROM.
	MailboxFrom map[string]*mail.Address
	// Link, when set, records whether the mail server can be reached (for /readyz).
	Link *health.Link
}

// maxHeadBytes is how much of a stored message is read for its header.
const maxHeadBytes = 256 << 10

// mailItemTimeout bounds the delivery of one item; mailStoreRetryMax caps the wait after
// consecutive store failures.
const (
	mailItemTimeout   = 3 * time.Minute
	mailStoreRetryMax = 30 * time.Second
)

// NewAckWorker builds the worker: st is the store, sender delivers, tpl has the words,
// cfg gives WSISBOT_FROM and the envelope sender policy.
func NewAckWorker(st AckStore, sender MailSender, tpl *templates.Set, cfg MailConfig, logger *slog.Logger) (*AckWorker, error) {
	if st == nil || sender == nil || tpl == nil {
		return nil, errors.New("mailin: ack worker: store, sender and templates are required")
	}
	from, err := cfg.FromAddress()
	if err != nil {
		return nil, fmt.Errorf("mailin: ack worker: %w", err)
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &AckWorker{st: st, sender: sender, tpl: tpl, from: from, nullSender: cfg.NullSender,
		logger: logger.With("component", "mailin.outbox"), Idle: 500 * time.Millisecond}, nil
}

// outboxMailKinds are the outbox items this worker carries out.
var outboxMailKinds = []store.OutboxKind{store.OutboxAckEmail, store.OutboxReplyEmail}

// mailBatch is how many due acknowledgements and replies a mail worker takes at once: on
// a backlog one claim and one commit serve 16 deliveries; a crash repeats at most the
// batches in hand, with the same Message-IDs.
const mailBatch = 16

// Outbox describes the given number of mail workers to the outbox runtime: they take the
// acknowledgements and replies, up to mailBatch at a time, give each delivery up to 3
// minutes, wait up to 30 s between attempts while the store fails, and record in Link
// whether the mail server answers. While it does not (store.UnavailableError), the
// runtime pauses them 1 s doubling to 10 s and the items keep their attempts.
func (w *AckWorker) Outbox(workers int) store.OutboxRunner {
	return store.OutboxRunner{Name: "mail", Kinds: outboxMailKinds, Handle: w.Handle, Workers: workers, Batch: mailBatch,
		Poll: w.Idle, ItemTimeout: mailItemTimeout, StoreRetryMax: mailStoreRetryMax, Link: w.Link, Logger: w.logger}
}

// Handle carries out one outbox item; it is the store.OutboxHandler of the mail
// workers. It logs what it sent; the runtime logs failures.
func (w *AckWorker) Handle(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
	var res store.OutboxResult
	var err error
	switch it.Kind {
	case store.OutboxAckEmail:
		res, err = w.handleAck(ctx, it)
	case store.OutboxReplyEmail:
		res, err = w.handleReply(ctx, it)
	default:
		err = store.Permanent(fmt.Errorf("mailin: outbox item of kind %q is not mail", it.Kind))
	}
	if err != nil {
		return res, err
	}
	log := w.logger.With("outbox_id", it.ID, "kind", it.Kind, "attempt", it.Attempts+1)
	if it.ContributionID != nil {
		log = log.With("contribution_id", *it.ContributionID)
	}
	if res.Outbound != nil {
		log.Info("mail sent", "message_id", res.Outbound.MessageID, "to", res.Outbound.To, "language", res.Outbound.Language)
	} else {
		log.Info("nothing to send")
	}
	return res, nil
}

func (w *AckWorker) handleAck(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
	if p, ok := tooLargeNotice(it); ok {
		return w.handleTooLarge(ctx, it, p)
	}
	if it.ContributionID == nil {
		return store.OutboxResult{}, store.Permanent(errors.New("ack: the item names no contribution"))
	}
	// The outbox reads a batch's subjects as it claims it; an item handled alone reads
	// its own.
	var subj store.AckSubject
	var err error
	if it.Subject != nil {
		subj = *it.Subject
	} else {
		subj, err = w.st.AckSubject(ctx, *it.ContributionID, it.MessageID)
	}
	if errors.Is(err, store.ErrNotFound) {
		// The contribution or its message is missing: read them one by one to say which.
		subj, err = w.ackSubjectOneByOne(ctx, it)
	}
	if err != nil {
		return store.OutboxResult{}, fmt.Errorf("ack: %w", err)
	}
	c, msg, atts := subj.Contribution, subj.Message, subj.Attachments
	if c.AckStatus == store.AckSent || c.AckStatus == store.AckSuppressed {
		return store.OutboxResult{}, nil
	}
	from := w.fromFor(c)
	to, err := ackTo(it, c)
	if err != nil {
		return store.OutboxResult{}, store.Permanent(fmt.Errorf("ack %s: %w", c.Ref, err))
	}
	if why := w.refusal(to.Address); why != "" {
		return store.OutboxResult{}, store.Permanent(fmt.Errorf("ack: not sent: %s", why))
	}
	ph := w.st.Phases()
	now := w.st.Clock().Now()
	a := templates.Ack{Ref: c.Ref, Language: c.Language, Subject: c.Subject, ReceivedAt: msg.ReceivedAt,
		DeadlineAt: c.DeadlineAt, Late: c.Late, Location: ph.Location}
	// Only a kind the secretariat confirmed is stated; a suggestion is a guess.
	if c.Kind != nil {
		a.Kind = string(*c.Kind)
	}
	if p, ok := ph.NextPhase(now); ok {
		a.NextPhase = &templates.Phase{Code: p.Code, Name: p.Name, Start: p.Start}
	}
	for _, f := range atts {
		if !f.Inline {
			a.Attachments = append(a.Attachments, templates.File{Name: f.Filename, Size: f.Size, SHA256: f.SHA256})
		}
	}
	words, err := w.tpl.RenderAck(a)
	if err != nil {
		return store.OutboxResult{}, store.Permanent(err)
	}
	var inReplyTo string
	refs := slices.Clone([]string(msg.References))
	if msg.MessageID != nil && *msg.MessageID != "" {
		inReplyTo = *msg.MessageID
		refs = append(refs, inReplyTo)
	}
	raw, rec, err := Compose(Outgoing{
		MessageID: OutboxMessageID("ack", c.Ref, it, outDomain(from.Address)), Date: now,
		From: from, To: to, Subject: words.Subject, InReplyTo: inReplyTo, References: refs,
		Language: words.Language, Marker: "ack " + c.Ref, AutoReplied: true, Text: words.Text, HTML: words.HTML,
	})
	if err != nil {
		return store.OutboxResult{}, store.Permanent(err)
	}
	envelopeFrom := ""
	if !w.nullSender {
		envelopeFrom = from.Address
	}
	if err := w.sender.Send(ctx, envelopeFrom, []string{to.Address}, raw); err != nil {
		return store.OutboxResult{}, fmt.Errorf("ack %s: %w", c.Ref, err)
	}
	note := store.ThreadNote{Type: store.NoteAckSent, Text: fmt.Sprintf("in %s", languageName(words.Language))}
	return store.OutboxResult{Outbound: &rec, AckSent: true, Notes: []store.ThreadNote{note}}, nil
}

// ackTo is the one address an acknowledgement goes to: the one the intake decided and
// stored with the item (store.AckPayload), exactly; the headers are never read again.
// An item queued before the recipient was stored with it goes to the contribution's
// From address only, never to a Reply-To.
func ackTo(it store.OutboxItem, c store.Contribution) (*mail.Address, error) {
	var p store.AckPayload
	if len(it.Payload) > 0 {
		if err := json.Unmarshal(it.Payload, &p); err != nil {
			return nil, fmt.Errorf("payload: %w", err)
		}
	}
	if p.To == "" {
		p.To = c.FromEmail
	}
	if !store.UsableAckAddress(p.To) {
		return nil, fmt.Errorf("not sent: %q is not a usable address", p.To)
	}
	to := &mail.Address{Address: p.To}
	if strings.EqualFold(p.To, c.FromEmail) {
		to.Name = c.FromName
	}
	return to, nil
}

// ackSubjectOneByOne is AckSubject read statement by statement, for an item whose
// contribution or message is missing: its error says which (permanent: the item fails).
func (w *AckWorker) ackSubjectOneByOne(ctx context.Context, it store.OutboxItem) (store.AckSubject, error) {
	c, err := w.st.Contribution(ctx, *it.ContributionID)
	if err != nil {
		return store.AckSubject{}, ackNotFoundPermanent(err)
	}
	if c.AckStatus == store.AckSent || c.AckStatus == store.AckSuppressed {
		return store.AckSubject{Contribution: c}, nil // nothing to send
	}
	msg, err := w.ackedMessage(ctx, it, c)
	if err != nil {
		return store.AckSubject{}, err
	}
	atts, err := w.st.Attachments(ctx, msg.ID)
	if err != nil {
		return store.AckSubject{}, err
	}
	return store.AckSubject{Contribution: c, Message: msg, Attachments: atts}, nil
}

// ackedMessage is the inbound message the item acknowledges: the item's message, else
// the first message of the contribution.
func (w *AckWorker) ackedMessage(ctx context.Context, it store.OutboxItem, c store.Contribution) (store.Message, error) {
	if it.MessageID != nil {
		m, err := w.st.Message(ctx, *it.MessageID)
		if err != nil {
			return m, ackNotFoundPermanent(fmt.Errorf("ack %s: %w", c.Ref, err))
		}
		return m, nil
	}
	ms, err := w.st.Messages(ctx, c.ID)
	if err != nil {
		return store.Message{}, fmt.Errorf("ack %s: %w", c.Ref, err)
	}
	for _, m := range ms {
		if m.Direction == "in" {
			return m, nil
		}
	}
	return store.Message{}, store.Permanent(fmt.Errorf("ack %s: the contribution has no inbound message", c.Ref))
}

func (w *AckWorker) handleReply(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
	if it.ContributionID == nil {
		return store.OutboxResult{}, store.Permanent(errors.New("reply: the item names no contribution"))
	}
	var p store.ReplyPayload
	if err := json.Unmarshal(it.Payload, &p); err != nil {
		return store.OutboxResult{}, store.Permanent(fmt.Errorf("reply: payload: %w", err))
	}
	if strings.TrimSpace(p.Text) == "" {
		return store.OutboxResult{}, store.Permanent(errors.New("reply: the text is empty"))
	}
	c, err := w.st.Contribution(ctx, *it.ContributionID)
	if err != nil {
		return store.OutboxResult{}, ackNotFoundPermanent(fmt.Errorf("reply: %w", err))
	}
	ms, err := w.st.Messages(ctx, c.ID)
	if err != nil {
		return store.OutboxResult{}, fmt.Errorf("reply %s: %w", c.Ref, err)
	}
	to := w.replyRecipient(ctx, p, c, ms)
	if why := w.refusal(to.Address); why != "" {
		return store.OutboxResult{}, store.Permanent(fmt.Errorf("reply: not sent: %s", why))
	}
	cc, err := w.replyCc(p, to)
	if err != nil {
		return store.OutboxResult{}, store.Permanent(err)
	}
	// Thread under the last message of the conversation, leaving out mail from other
	// senders; a reply to another sender threads under that sender's last mail.
	var last, lastOther *store.Message
	for i := range ms {
		m := &ms[i]
		switch {
		case m.MessageID == nil || *m.MessageID == "":
		case m.OtherSender && strings.EqualFold(m.FromEmail, to.Address):
			lastOther = m
		case !m.OtherSender:
			last = m
		}
	}
	if lastOther != nil {
		last = lastOther
	}
	lang := c.Language
	if p.Language != "" {
		lang = p.Language // the language the author chose to write in
	}
	words, err := w.tpl.RenderReply(templates.Reply{Ref: c.Ref, Language: lang, Subject: c.Subject, Text: p.Text})
	if err != nil {
		return store.OutboxResult{}, store.Permanent(err)
	}
	var inReplyTo string
	var refs []string
	if last != nil {
		inReplyTo = *last.MessageID
		refs = append(slices.Clone([]string(last.References)), inReplyTo)
	}
	from := w.fromFor(c)
	raw, rec, err := Compose(Outgoing{
		MessageID: OutboxMessageID("reply", c.Ref, it, outDomain(from.Address)), Date: w.st.Clock().Now(),
		From: from, To: to, Cc: cc, Subject: words.Subject, InReplyTo: inReplyTo, References: refs,
		Language: words.Language, Marker: "reply " + c.Ref, Text: words.Text, HTML: words.HTML,
	})
	if err != nil {
		return store.OutboxResult{}, store.Permanent(err)
	}
	// The envelope: the recipient and every address in copy, and nobody else.
	rcpt := []string{to.Address}
	var ccAddrs []string
	for _, a := range cc {
		rcpt = append(rcpt, a.Address)
		ccAddrs = append(ccAddrs, a.Address)
	}
	if err := w.sender.Send(ctx, from.Address, rcpt, raw); err != nil {
		return store.OutboxResult{}, fmt.Errorf("reply %s: %w", c.Ref, err)
	}
	actor := ackFirstNonEmpty(store.SlackActor(p.Actor), p.ActorName, "secretariat")
	sentTo := to.Address
	if len(ccAddrs) > 0 {
		sentTo += " (Cc: " + strings.Join(ccAddrs, ", ") + ")"
	}
	note := store.ThreadNote{Type: store.NoteReplySent, Text: fmt.Sprintf("reply by %s sent to %s", ackFirstNonEmpty(p.ActorName, p.Actor, "secretariat"), sentTo)}
	details := map[string]any{
		"to": to.Address, "to_role": ackFirstNonEmpty(p.ToRole, store.RecipientContact), "message_id": rec.MessageID,
		"actor_name": p.ActorName, "outbox_id": it.ID}
	if len(ccAddrs) > 0 {
		details["cc"] = ccAddrs
	}
	if p.Answer != "" {
		details["answer"] = p.Answer
	}
	if p.Language != "" {
		details["language"] = words.Language
	}
	return store.OutboxResult{
		Outbound: &rec,
		Notes:    []store.ThreadNote{note},
		Event:    &store.EventInput{Actor: actor, Action: store.ActionReply, Details: details},
	}, nil
}

// maxReplyCc bounds the addresses a reply may have in copy.
const maxReplyCc = 10

// replyCc are the addresses a reply goes to in copy: exactly those its item records
// (decided, and checked against the address rules, when the reply was written), each
// checked again here like the recipient; an address that may never get our mail fails
// the reply, naming it, rather than go out to fewer people than the author chose.
func (w *AckWorker) replyCc(p store.ReplyPayload, to *mail.Address) ([]*mail.Address, error) {
	if len(p.Cc) > maxReplyCc {
		return nil, fmt.Errorf("reply: not sent: %d addresses in copy, at most %d", len(p.Cc), maxReplyCc)
	}
	var cc []*mail.Address
	seen := map[string]bool{strings.ToLower(to.Address): true}
	for _, a := range p.Cc {
		a = strings.TrimSpace(a)
		if !store.UsableAckAddress(a) {
			return nil, fmt.Errorf("reply: not sent: Cc %q is not a usable address", a)
		}
		if why := w.refusal(a); why != "" {
			return nil, fmt.Errorf("reply: not sent: Cc %s", why)
		}
		if seen[strings.ToLower(a)] {
			continue
		}
		seen[strings.ToLower(a)] = true
		cc = append(cc, &mail.Address{Address: a})
	}
	return cc, nil
}

// replyRecipient is where a reply goes: exactly the recipient its item records. An item
// queued before replies recorded one goes to the contribution's contact: the Reply-To,
// else the From, of the conversation's first message.
func (w *AckWorker) replyRecipient(ctx context.Context, p store.ReplyPayload, c store.Contribution, ms []store.Message) *mail.Address {
	if to := strings.TrimSpace(p.To); to != "" {
		return &mail.Address{Name: p.ToName, Address: to}
	}
	for _, m := range ms {
		if m.Direction == "in" && m.Kind == store.MsgContribution {
			return w.recipient(ctx, m)
		}
	}
	return &mail.Address{Name: c.FromName, Address: c.FromEmail}
}

// recipient is where mail about msg goes: its Reply-To when it had one, else its From.
func (w *AckWorker) recipient(ctx context.Context, msg store.Message) *mail.Address {
	from := &mail.Address{Name: msg.FromName, Address: msg.FromEmail}
	head, err := w.st.RawHead(ctx, msg.ID, maxHeadBytes)
	if err != nil {
		w.logger.Warn("cannot read the header for Reply-To; writing to From", "message_id", msg.ID, slog.Any("error", err))
		return from
	}
	if rt := ackReplyTo(head); rt != nil {
		return rt
	}
	return from
}

// ackReplyTo reads the first usable Reply-To address from a message header.
func ackReplyTo(head []byte) *mail.Address {
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(head)))
	if err != nil && h.Len() == 0 {
		return nil
	}
	mh := mail.Header{Header: message.Header{Header: h}}
	list, err := mh.AddressList("Reply-To")
	if err != nil {
		return nil
	}
	for _, a := range list {
		if outValidAddr(a.Address) {
			return a
		}
	}
	return nil
}

// fromFor is the From of our mail about c: its mailbox's address (MailboxFrom), else
// WSISBOT_FROM.
func (w *AckWorker) fromFor(c store.Contribution) *mail.Address {
	if a, ok := w.MailboxFrom[c.MailboxName]; ok && a != nil {
		return a
	}
	return w.from
}

// ours says whether addr is one of the addresses our mail goes out from.
func (w *AckWorker) ours(addr string) bool {
	if strings.EqualFold(addr, w.from.Address) {
		return true
	}
	for _, a := range w.MailboxFrom {
		if a != nil && strings.EqualFold(addr, a.Address) {
			return true
		}
	}
	return false
}

// refusal says why addr must never get mail from us, or "". The store decided already
// when it queued the item; this second look is cheap and stops a parser's miss.
func (w *AckWorker) refusal(addr string) string {
	switch {
	case !outValidAddr(addr):
		return fmt.Sprintf("%q is not a usable address", addr)
	case w.ours(addr):
		return addr + " is our own address"
	case parse.IsNoReplyAddress(addr):
		return addr + " is a no-reply or system address"
	}
	return ""
}

func ackNotFoundPermanent(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return store.Permanent(err)
	}
	return err
}

func ackFirstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// languageName is a language code's English name, for the secretariat's notes.
func languageName(code string) string {
	switch code {
	case "ar":
		return "Arabic"
	case "zh":
		return "Chinese"
	case "en":
		return "English"
	case "fr":
		return "French"
	case "ru":
		return "Russian"
	case "es":
		return "Spanish"
	}
	return code
}
