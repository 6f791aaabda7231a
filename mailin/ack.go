package mailin

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
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

// AckStore is what the outbox mail worker reads; *store.Store has it all. The worker
// never writes: what it did goes back to the store in a store.OutboxResult.
type AckStore interface {
	ProcessOutbox(ctx context.Context, kinds []string, handle store.OutboxHandler) (bool, error)
	Contribution(ctx context.Context, id int64) (store.Contribution, error)
	Message(ctx context.Context, id int64) (store.Message, error)
	Messages(ctx context.Context, contributionID int64) ([]store.Message, error)
	RawHead(ctx context.Context, id int64, n int) ([]byte, error)
	Attachments(ctx context.Context, messageID int64) ([]store.Attachment, error)
	Phases() *store.Phases
	Clock() store.Clock
}

// MailSender delivers one message. *SMTPSender is the real one. An error wrapped by
// store.Permanent fails the outbox item; any other error is retried with backoff.
type MailSender interface {
	Send(ctx context.Context, envelopeFrom string, to []string, raw []byte) error
}

// ReplyPayload is the payload of a reply_email outbox item: a reply the secretariat
// wrote in Slack, sent to the stakeholder in the contribution's conversation.
type ReplyPayload struct {
	Text      string `json:"text"`       // what the secretariat wrote, plain text
	Actor     string `json:"actor"`      // Slack user ID of the author, e.g. U123
	ActorName string `json:"actor_name"` // their display name
}

// AckWorker delivers the acknowledgements (ack_email) and the secretariat's replies
// (reply_email) queued in the outbox. Several workers, in one process or in replicas,
// may run side by side: the store hands each item to one of them only.
type AckWorker struct {
	st         AckStore
	sender     MailSender
	tpl        *templates.Set
	from       *mail.Address
	nullSender bool
	logger     *slog.Logger

	// Idle is how long Run waits when nothing is due (default 500 ms).
	Idle time.Duration
	// Wake, when set, ends a wait early (see OutboxNotifier). Set it before Run.
	Wake <-chan struct{}
	// Link, when set, records whether the mail server can be reached (for /readyz).
	// Workers may share one. Set it before Run.
	Link *health.Link
}

// maxHeadBytes is how much of a stored message is read for its header.
const maxHeadBytes = 256 << 10

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
var outboxMailKinds = []string{store.OutboxAckEmail, store.OutboxReplyEmail}

// Run delivers due items until ctx is done, then returns nil. It never gives up: when
// the store fails (the database restarts) it logs and tries again with a growing delay,
// and when the mail server cannot be reached (store.UnavailableError) it pauses with a
// short backoff of its own, 1 s doubling to 10 s and reset by the next delivery, while
// the item waits as long without losing an attempt: when the server is back the queue
// drains within seconds. Besides Wake, it looks for due items every Idle.
func (w *AckWorker) Run(ctx context.Context) error {
	w.logger.Info("outbox mail worker started", "from", w.from.Address, "null_sender", w.nullSender)
	defer w.logger.Info("outbox mail worker stopped")
	if w.Link == nil {
		w.Link = &health.Link{}
	}
	dbDown := ackBackoff{min: 500 * time.Millisecond, max: 30 * time.Second}
	serverDown := ackBackoff{min: time.Second, max: 10 * time.Second}
	for {
		var pause time.Duration
		handle := func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
			res, err := w.Handle(ctx, it)
			var ua *store.UnavailableError
			switch {
			case errors.As(err, &ua):
				pause = serverDown.next()
				err = &store.UnavailableError{Err: err, After: pause}
				w.Link.Down(err)
			default:
				// Delivered, or an answer about this message: the server is there.
				serverDown.reset()
				w.Link.Up()
			}
			return res, err
		}
		// An item runs to its end even when ctx is cancelled (shutdown): cancelling a
		// delivery half-way would roll back the record of mail the server may have taken.
		ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Minute)
		processed, err := w.st.ProcessOutbox(ictx, outboxMailKinds, handle)
		cancel()
		if ctx.Err() != nil {
			return nil
		}
		var wait time.Duration
		wake := w.Wake
		switch {
		case err != nil:
			wait = dbDown.next()
			w.logger.Error("outbox", slog.Any("error", err), "retry_in", wait)
		case pause > 0:
			// A notification does not end the pause: the server is down for every item.
			dbDown.reset()
			wait, wake = pause, nil
			w.logger.Warn("mail server unreachable; outbox mail paused", "pause", wait)
		case processed:
			dbDown.reset()
			continue
		default:
			dbDown.reset()
			wait = w.Idle
			if wait <= 0 {
				wait = 500 * time.Millisecond
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// Handle carries out one outbox item; it is the store.OutboxHandler of Run, exported so
// that other loops can drive it.
func (w *AckWorker) Handle(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
	log := w.logger.With("outbox_id", it.ID, "kind", it.Kind, "attempt", it.Attempts+1)
	if it.ContributionID != nil {
		log = log.With("contribution_id", *it.ContributionID)
	}
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
	var perm *store.PermanentError
	var unavailable *store.UnavailableError
	switch {
	case err == nil && res.Outbound != nil:
		log.Info("mail sent", "message_id", res.Outbound.MessageID, "to", res.Outbound.To, "language", res.Outbound.Language)
	case err == nil:
		log.Info("nothing to send")
	case errors.As(err, &perm):
		log.Error("mail failed for good", slog.Any("error", err))
	case errors.As(err, &unavailable):
		log.Warn("mail server unreachable, will retry", slog.Any("error", err))
	default:
		log.Warn("mail not sent yet, will retry", slog.Any("error", err))
	}
	return res, err
}

func (w *AckWorker) handleAck(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
	if it.ContributionID == nil {
		return store.OutboxResult{}, store.Permanent(errors.New("ack: the item names no contribution"))
	}
	c, err := w.st.Contribution(ctx, *it.ContributionID)
	if err != nil {
		return store.OutboxResult{}, ackNotFoundPermanent(fmt.Errorf("ack: %w", err))
	}
	if c.AckStatus == store.AckSent || c.AckStatus == store.AckSuppressed {
		return store.OutboxResult{}, nil
	}
	msg, err := w.ackedMessage(ctx, it, c)
	if err != nil {
		return store.OutboxResult{}, err
	}
	to := w.recipient(ctx, msg)
	if why := w.refusal(to.Address); why != "" {
		return store.OutboxResult{}, store.Permanent(fmt.Errorf("ack: not sent: %s", why))
	}
	atts, err := w.st.Attachments(ctx, msg.ID)
	if err != nil {
		return store.OutboxResult{}, fmt.Errorf("ack: %w", err)
	}
	ph := w.st.Phases()
	now := w.st.Clock().Now()
	a := templates.Ack{Ref: c.Ref, Language: c.Language, Subject: c.Subject, ReceivedAt: msg.ReceivedAt,
		DeadlineAt: c.DeadlineAt, Late: c.Late, Location: ph.Location}
	// Only a kind the secretariat confirmed is stated; a suggestion is a guess.
	if c.Kind != nil {
		a.Kind = *c.Kind
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
		MessageID: OutboxMessageID("ack", c.Ref, it, outDomain(w.from.Address)), Date: now,
		From: w.from, To: to, Subject: words.Subject, InReplyTo: inReplyTo, References: refs,
		Language: words.Language, Marker: "ack " + c.Ref, AutoReplied: true, Text: words.Text, HTML: words.HTML,
	})
	if err != nil {
		return store.OutboxResult{}, store.Permanent(err)
	}
	envelopeFrom := ""
	if !w.nullSender {
		envelopeFrom = w.from.Address
	}
	if err := w.sender.Send(ctx, envelopeFrom, []string{to.Address}, raw); err != nil {
		return store.OutboxResult{}, fmt.Errorf("ack %s: %w", c.Ref, err)
	}
	note := store.ThreadNote{Type: store.NoteAckSent, Text: fmt.Sprintf("in %s", languageName(words.Language))}
	return store.OutboxResult{Outbound: &rec, AckSent: true, Notes: []store.ThreadNote{note}}, nil
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
	var p ReplyPayload
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
	// Thread under the last message of the conversation; write to the stakeholder who
	// wrote last (a colleague may have followed up).
	var last, lastIn *store.Message
	for i := range ms {
		m := &ms[i]
		if m.MessageID != nil && *m.MessageID != "" {
			last = m
		}
		if m.Direction == "in" && (m.Kind == store.MsgContribution || m.Kind == store.MsgFollowUp) {
			lastIn = m
		}
	}
	to := &mail.Address{Name: c.FromName, Address: c.FromEmail}
	if lastIn != nil {
		to = w.recipient(ctx, *lastIn)
	}
	if why := w.refusal(to.Address); why != "" {
		return store.OutboxResult{}, store.Permanent(fmt.Errorf("reply: not sent: %s", why))
	}
	words, err := w.tpl.RenderReply(templates.Reply{Ref: c.Ref, Language: c.Language, Subject: c.Subject, Text: p.Text})
	if err != nil {
		return store.OutboxResult{}, store.Permanent(err)
	}
	var inReplyTo string
	var refs []string
	if last != nil {
		inReplyTo = *last.MessageID
		refs = append(slices.Clone([]string(last.References)), inReplyTo)
	}
	raw, rec, err := Compose(Outgoing{
		MessageID: OutboxMessageID("reply", c.Ref, it, outDomain(w.from.Address)), Date: w.st.Clock().Now(),
		From: w.from, To: to, Subject: words.Subject, InReplyTo: inReplyTo, References: refs,
		Language: words.Language, Marker: "reply " + c.Ref, Text: words.Text, HTML: words.HTML,
	})
	if err != nil {
		return store.OutboxResult{}, store.Permanent(err)
	}
	if err := w.sender.Send(ctx, w.from.Address, []string{to.Address}, raw); err != nil {
		return store.OutboxResult{}, fmt.Errorf("reply %s: %w", c.Ref, err)
	}
	actor := ackFirstNonEmpty(p.Actor, p.ActorName, "secretariat")
	note := store.ThreadNote{Type: store.NoteReplySent, Text: fmt.Sprintf("reply by %s sent to %s", ackFirstNonEmpty(p.ActorName, actor), to.Address)}
	return store.OutboxResult{
		Outbound: &rec,
		Notes:    []store.ThreadNote{note},
		Event: &store.EventInput{Actor: actor, Action: store.ActionReply, Details: map[string]any{
			"to": to.Address, "message_id": rec.MessageID, "actor_name": p.ActorName, "outbox_id": it.ID}},
	}, nil
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

// refusal says why addr must never get mail from us, or "". The store decided already
// when it queued the item; this second look is cheap and stops a parser's miss.
func (w *AckWorker) refusal(addr string) string {
	switch {
	case !outValidAddr(addr):
		return fmt.Sprintf("%q is not a usable address", addr)
	case strings.EqualFold(addr, w.from.Address):
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

// ackBackoff is the wait after consecutive store failures: min doubling to max, each
// wait drawn between half and all of it so that replicas do not retry in step.
type ackBackoff struct {
	min, max, cur time.Duration
}

func (b *ackBackoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = b.min
	} else {
		b.cur = min(2*b.cur, b.max)
	}
	return b.cur/2 + rand.N(b.cur/2+1)
}

func (b *ackBackoff) reset() { b.cur = 0 }

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
