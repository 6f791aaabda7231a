package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
)

// Mail that names a contribution but comes from someone who is not one of its
// correspondents waits on the card: "Mail from another sender (x@y) names this
// contribution — decide", with a button to accept the sender as a correspondent, one to
// trust the contact's organisation domain for the contribution (never a webmail domain),
// and one to make the mail a contribution of its own. Each control's block ID is
// "sender:<message id>".
const (
	actAcceptSender = "accept_sender"  // value: the message id
	actTrustDomain  = "trust_domain"   // value: the domain
	actSeparate     = "separate_other" // value: the message id

	// cardOtherSenders is how many waiting messages the card shows, each in two blocks.
	cardOtherSenders = 3
)

// senderBlockID is the message id of a control about mail from another sender.
func senderBlockID(blockID string) (int64, bool) {
	v, ok := strings.CutPrefix(blockID, "sender:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

// trustableDomain is the contact's domain when the secretariat can confirm it for the
// contribution: "" for none, or a webmail domain.
func trustableDomain(c store.Contribution) string {
	d := store.Domain(c.FromEmail)
	if d == "" || parse.IsWebmailDomain(d) {
		return ""
	}
	return d
}

// otherSenderBlocks are the card's blocks about the mail from other senders that waits
// for a decision.
func (b *Bot) otherSenderBlocks(d cardData, withActions bool) []slack.Block {
	var blocks []slack.Block
	trust := trustableDomain(d.C)
	for i, m := range d.Others {
		if i == cardOtherSenders {
			blocks = append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("… and %s from other senders: see the thread.",
				plural(len(d.Others)-i, "more message")), maxContextText)))
			break
		}
		from := strings.ToLower(m.FromEmail)
		if from == "" {
			from = "no address"
		}
		text := fmt.Sprintf("✉️ Mail from another sender (%s) names this contribution — decide", escapeMrkdwn(from))
		if s := strings.TrimSpace(m.Subject); s != "" {
			text += "\n" + cut(escapeMrkdwn(s), 300)
		}
		text += " · " + b.genevaTime(m.ReceivedAt)
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(text, maxSectionText), nil, nil))
		if !withActions {
			continue
		}
		id := strconv.FormatInt(m.ID, 10)
		var els []slack.BlockElement
		if m.FromEmail != "" {
			els = append(els, slack.NewButtonBlockElement(actAcceptSender, id, plain("Accept "+from, maxButtonText)))
		}
		if trust != "" && store.Domain(m.FromEmail) == trust {
			els = append(els, slack.NewButtonBlockElement(actTrustDomain, trust, plain("Trust "+trust+" for this contribution", maxButtonText)))
		}
		els = append(els, slack.NewButtonBlockElement(actSeparate, id, plain("Make it a separate contribution", maxButtonText)))
		blocks = append(blocks, slack.NewActionBlock("sender:"+id, els...))
	}
	return blocks
}

// onSenderAction carries out a decision about mail from another sender (message mid)
// and tells its author privately when it did not go through; the card and the audit
// trail say the rest.
func (b *Bot) onSenderAction(ctx context.Context, mid int64, a *slack.BlockAction, user string, reply replier) {
	switch a.ActionID {
	case actSeparate:
		b.promote(ctx, mid, user, reply)
		return
	case actAcceptSender:
		d, err := b.st.AcceptSender(ctx, mid, user)
		b.senderOutcome(ctx, a.ActionID, mid, user, d, err, reply)
	case actTrustDomain:
		domain := strings.ToLower(strings.TrimSpace(a.Value))
		if parse.IsWebmailDomain(domain) {
			reply(ctx, fmt.Sprintf("%s is a webmail domain: anyone can have an address there, so it cannot be trusted for a contribution. Accept each sender instead. Nothing was changed.", escapeMrkdwn(domain)))
			return
		}
		m, err := b.st.Message(ctx, mid)
		if err == nil && m.ContributionID == nil {
			err = store.ErrNotOtherSender
		}
		var d store.SenderDecision
		if err == nil {
			d, err = b.st.TrustDomain(ctx, *m.ContributionID, user, domain)
		}
		b.senderOutcome(ctx, a.ActionID, mid, user, d, err, reply)
	}
}

func (b *Bot) senderOutcome(ctx context.Context, action string, mid int64, user string, d store.SenderDecision, err error, reply replier) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		reply(ctx, "That message no longer exists.")
	case errors.Is(err, store.ErrDomainNotContact):
		reply(ctx, "Only the domain of the contribution's contact can be trusted for it. Nothing was changed.")
	case errors.Is(err, store.ErrNotOtherSender):
		reply(ctx, "That message is not mail from another sender. Nothing was changed.")
	case err != nil:
		b.log.Error("action failed", "action", action, "message_id", mid, "user", user, slog.Any("error", err))
		reply(ctx, "Something went wrong and nothing was changed. Please try again.")
	case !d.Changed:
		reply(ctx, fmt.Sprintf("That was decided already for %s. Nothing was changed.", d.Ref))
	default:
		b.log.Info("action", "action", action, "contribution_id", d.ContributionID, "message_id", mid, "user", user, "value", d.Value)
	}
}

// correspondenceEventText says what an event about who writes in a conversation did,
// for the card's history; ok is false for other events.
func correspondenceEventText(e store.Event, d map[string]string) (string, bool) {
	switch e.Action {
	case store.ActionOtherSender:
		return "wrote naming this contribution (another sender)", true
	case store.ActionSenderAccepted:
		return "accepted " + escapeMrkdwn(d["address"]) + " as a correspondent", true
	case store.ActionDomainTrusted:
		return "trusted " + escapeMrkdwn(d["domain"]) + " for this contribution", true
	case store.ActionSenderSeparated:
		return "made the mail from " + escapeMrkdwn(d["from"]) + " a separate contribution (" + escapeMrkdwn(d["ref"]) + ")", true
	}
	return "", false
}

// The reply modal's recipient: the contribution's contact unless the member picks
// another of its recipients.

// recipientLabel names a recipient in the reply modal's select.
func recipientLabel(r store.Recipient) string {
	role := "correspondent"
	switch r.Role {
	case store.RecipientContact:
		role = "contact"
	case store.RecipientOtherSender:
		role = "other sender"
	}
	return r.Address + " (" + role + ")"
}

// replyRecipientBlocks name the recipient and let the member pick another.
func replyRecipientBlocks(rs []store.Recipient) []slack.Block {
	if len(rs) == 0 {
		return nil
	}
	text := "To: " + escapeMrkdwn(rs[0].Address) + ", the contribution's contact. Pick another recipient below if the reply is for someone else."
	var opts []*slack.OptionBlockObject
	for _, r := range rs {
		opts = append(opts, option(r.Address, recipientLabel(r)))
	}
	el := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Recipient", maxButtonText), inTo, opts...)
	el.InitialOption = opts[0]
	return []slack.Block{
		slack.NewSectionBlock(mrkdwn(text, maxSectionText), nil, nil),
		slack.NewInputBlock(inTo, plain("To", maxPlainLabel), nil, el),
	}
}

// chooseRecipient is the recipient a submitted reply goes to: the one picked, which
// must be one of the contribution's recipients, else the contact.
func chooseRecipient(rs []store.Recipient, picked string) (store.Recipient, error) {
	picked = strings.ToLower(strings.TrimSpace(picked))
	for _, r := range rs {
		if picked == "" || r.Address == picked {
			return r, nil
		}
	}
	if picked == "" {
		return store.Recipient{}, errors.New("the contribution has no address to reply to")
	}
	return store.Recipient{}, errNotARecipient
}

var errNotARecipient = errors.New("not a recipient of the contribution")
