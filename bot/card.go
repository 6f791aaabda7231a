package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/store"
)

// Action IDs of the card's controls; each control's block ID is "card:{contribution id}".
// A member takes a contribution (it becomes theirs); the stakeholder gets an
// acknowledgement, which is mail, not a click.
const (
	actTake     = "take"
	actAssign   = "assign"
	actClassify = "classify"
	actReply    = "reply"
	actClose    = "close"
	actReopen   = "reopen"
	// actTakeOnOlderCards is the Take button's action ID on cards posted before the
	// button was called Take; those cards stay in the channel and their clicks still
	// count.
	actTakeOnOlderCards = "acknowledge"
)

// cardMetadataType marks our cards in the channel, so that a retry finds a card it
// already posted instead of posting it twice.
const cardMetadataType = "wsisbot_card"

// cardEvents is how many recent events the card shows.
const cardEvents = 5

// cardData is everything a card shows.
type cardData struct {
	C            store.Contribution
	First        *store.Message
	Attachments  []store.Attachment
	Events       []store.Event
	MessageCount int
	Others       []store.Message // mail from other senders waiting for a decision

	// Uploads are the attachments' uploads into the card's thread.
	Uploads []store.SlackUpload

	Revisions store.RevisionLinks
}

func (b *Bot) loadCard(ctx context.Context, id int64) (cardData, error) {
	var d cardData
	var err error
	if d.C, err = b.st.Contribution(ctx, id); err != nil {
		return d, err
	}
	m, err := b.st.FirstMessage(ctx, id)
	switch {
	case err == nil:
		d.First = &m
	case !errors.Is(err, store.ErrNotFound):
		return d, err
	}
	if d.Attachments, err = b.st.ContributionAttachments(ctx, id); err != nil {
		return d, err
	}
	if d.Events, err = b.st.Events(ctx, id); err != nil {
		return d, err
	}
	if d.MessageCount, err = b.st.MessageCount(ctx, id); err != nil {
		return d, err
	}
	if d.Others, err = b.st.OtherSenders(ctx, id); err != nil {
		return d, err
	}
	if countNotInline(d.Attachments) > 0 {
		if d.Uploads, err = b.st.SlackUploads(ctx, id); err != nil {
			return d, err
		}
	}
	if d.Revisions, err = b.st.RevisionLinks(ctx, id); err != nil {
		return d, err
	}
	return d, nil
}

// cardText is the message's text: what notifications and screen readers show.
func cardText(c store.Contribution) string {
	from := c.FromName
	if from == "" {
		from = c.FromEmail
	}
	return cut(fmt.Sprintf("%s from %s: %s", c.Ref, escapeMrkdwn(from), escapeMrkdwn(c.Subject)), 300)
}

func suggestedOrConfirmed[K ~string](confirmed, suggested *K, label func(K) string) string {
	switch {
	case confirmed != nil:
		return escapeMrkdwn(label(*confirmed)) + " _(confirmed)_"
	case suggested != nil && *suggested != "":
		return escapeMrkdwn(label(*suggested)) + " _(suggested)_"
	}
	return "not known yet"
}

// cardBlocks renders a contribution's card. Every text taken from an email is escaped and
// verbatim; each text object is cut to Slack's limits, and the card stays under 50 blocks.
func (b *Bot) cardBlocks(d cardData, now time.Time, withActions bool) []slack.Block {
	c := d.C
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(fmt.Sprintf("📨 %s · %s", c.Ref, kindLabel(c.EffectiveKind())), maxPlainLabel)),
	}
	subject := c.Subject
	if strings.TrimSpace(subject) == "" {
		subject = "(no subject)"
	}
	blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*Subject:* "+escapeMrkdwn(subject), maxSectionText), nil, nil))

	from := escapeMrkdwn(c.FromName)
	if c.FromEmail != "" {
		if from != "" {
			from += "\n"
		}
		from += escapeMrkdwn(c.FromEmail)
	}
	org := "not known yet"
	switch {
	case c.Organisation != "":
		org = escapeMrkdwn(c.Organisation)
	case c.OrganisationSuggested != "":
		org = escapeMrkdwn(c.OrganisationSuggested) + " _(suggested)_"
	}
	assignee := "nobody yet"
	if c.Assignee != "" {
		assignee = userMention(c.Assignee)
	}
	fields := []*slack.TextBlockObject{
		mrkdwn("*From*\n"+from, maxFieldText),
		mrkdwn("*Organisation*\n"+org, maxFieldText),
		mrkdwn("*Stakeholder type*\n"+suggestedOrConfirmed(c.StakeholderType, c.StakeholderTypeSuggested, stakeholderLabel), maxFieldText),
		mrkdwn("*Kind*\n"+suggestedOrConfirmed(c.Kind, c.KindSuggested, kindLabel), maxFieldText),
		mrkdwn("*Language*\n"+escapeMrkdwn(languageName(c.Language)), maxFieldText),
		mrkdwn("*Received*\n"+b.genevaTime(c.ReceivedAt)+" (Geneva)", maxFieldText),
		mrkdwn("*Deadline*\n"+b.deadlineText(c, now), maxFieldText),
		mrkdwn("*Status*\n"+statusLabel(c), maxFieldText),
		mrkdwn("*Assignee*\n"+assignee, maxFieldText),
		mrkdwn("*Acknowledgement*\n"+b.ackText(c, d.Events), maxFieldText),
	}
	blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))

	if len(c.ActionLines) > 0 || len(c.SDGs) > 0 || len(c.ActionLinesSuggested) > 0 {
		var parts []string
		if len(c.ActionLines) > 0 {
			parts = append(parts, "*Action lines:* "+escapeMrkdwn(strings.Join(c.ActionLines, ", ")))
		} else if len(c.ActionLinesSuggested) > 0 {
			parts = append(parts, "*Action lines:* "+escapeMrkdwn(strings.Join(c.ActionLinesSuggested, ", "))+" _(suggested)_")
		}
		if len(c.SDGs) > 0 {
			sdgs := make([]string, len(c.SDGs))
			for i, g := range c.SDGs {
				sdgs[i] = strconv.FormatInt(g, 10)
			}
			parts = append(parts, "*SDGs:* "+strings.Join(sdgs, ", "))
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(strings.Join(parts, "   "), maxSectionText), nil, nil))
	}

	// Why the suggestions, while something is still only suggested.
	if len(c.SuggestionReasons) > 0 && (c.Kind == nil || c.StakeholderType == nil || c.Organisation == "") {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn("_Why suggested:_ "+escapeMrkdwn(strings.Join(c.SuggestionReasons, " · ")), maxContextText)))
	}

	if d.First != nil {
		text := d.First.FreshText
		if strings.TrimSpace(text) == "" {
			text = d.First.Text
		}
		if ex := excerpt(text, 8, 700); ex != "" {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn(quote(escapeMrkdwn(ex)), maxSectionText), nil, nil))
		}
	}

	if fb := b.filesBlock(d, withActions); fb != nil {
		blocks = append(blocks, fb)
	}

	var notes []string
	if b.mailboxLine && c.MailboxName != "" {
		notes = append(notes, "📥 Came to the "+escapeMrkdwn(c.MailboxName)+" mailbox.")
	}
	if c.History {
		notes = append(notes, "🗄️ Arrived before wsisbot was reading the mailbox (history): not acknowledged automatically.")
	}
	if d.MessageCount > 1 {
		notes = append(notes, fmt.Sprintf("💬 %d messages in the conversation: see the thread.", d.MessageCount))
	}
	if len(notes) > 0 {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(strings.Join(notes, "\n"), maxContextText)))
	}

	blocks = append(blocks, b.otherSenderBlocks(d, withActions)...)
	blocks = append(blocks, b.revisionBlocks(d, withActions)...)

	if hist := b.historyText(d.Events); hist != "" {
		blocks = append(blocks, slack.NewContextBlock("history", mrkdwn(hist, maxContextText)))
	}
	if withActions {
		blocks = append(blocks, b.cardActions(c))
	}
	if len(blocks) > maxBlocks {
		blocks = blocks[:maxBlocks]
	}
	return blocks
}

func countNotInline(as []store.Attachment) int {
	n := 0
	for _, a := range as {
		if !a.Inline {
			n++
		}
	}
	return n
}

// ackText is the card's acknowledgement line. A sent acknowledgement names its
// recipient and time, "✉️ Acknowledged to x@y · Mon 21 Jan 2019 10:02": in a backlog the
// card is often posted after the acknowledgement went out, and then says so alone,
// without a note in its thread.
func (b *Bot) ackText(c store.Contribution, evs []store.Event) string {
	switch c.AckStatus {
	case store.AckSent:
		s := "✉️ Acknowledged"
		for i := len(evs) - 1; i >= 0; i-- {
			if evs[i].Action == store.ActionAckSent {
				if to := parseDetails(evs[i].Details)["to"]; to != "" {
					s += " to " + escapeMrkdwn(ackAddress(to))
				}
				break
			}
		}
		if c.AckSentAt != nil {
			s += " · " + b.genevaTime(*c.AckSentAt)
		}
		return s
	case store.AckSuppressed:
		return "suppressed: " + cut(escapeMrkdwn(c.AckSuppressedReason), 300)
	case store.AckFailed:
		return "*failed:* " + cut(escapeMrkdwn(c.AckError), 300)
	}
	return "pending"
}

// ackAddress is the address of a recipient written "Name <address>", else to as it is.
func ackAddress(to string) string {
	if a, err := mail.ParseAddress(to); err == nil {
		return a.Address
	}
	return to
}

// historyText is "who did what and when": the latest events, newest last.
func (b *Bot) historyText(evs []store.Event) string {
	var shown []store.Event
	for _, e := range evs {
		if e.Action == store.ActionCardPosted {
			continue
		}
		shown = append(shown, e)
	}
	if len(shown) > cardEvents {
		shown = shown[len(shown)-cardEvents:]
	}
	lines := make([]string, 0, len(shown))
	for _, e := range shown {
		lines = append(lines, fmt.Sprintf("%s · %s %s", e.At.In(b.phases.Location).Format("2 Jan 15:04"), actorText(e), eventText(e)))
	}
	return strings.Join(lines, "\n")
}

func (b *Bot) cardActions(c store.Contribution) slack.Block {
	id := strconv.FormatInt(c.ID, 10)
	button := func(action, label string, style slack.Style) *slack.ButtonBlockElement {
		el := slack.NewButtonBlockElement(action, id, plain(label, maxButtonText))
		el.Style = style
		return el
	}
	var els []slack.BlockElement
	switch c.Status {
	case store.StatusReceived:
		els = append(els, button(actTake, "Take", slack.StylePrimary), button(actClassify, "Classify", ""))
	case store.StatusTaken:
		els = append(els, button(actClassify, "Classify", slack.StylePrimary))
	case store.StatusClassified:
		els = append(els, button(actClassify, "Reclassify", ""))
	case store.StatusClosed:
		els = append(els, button(actReopen, "Reopen", ""))
	}
	els = append(els, button(actReply, "Reply", ""))
	if c.Status != store.StatusClosed {
		assign := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("Assign to…", maxButtonText), actAssign)
		if store.IsSlackUserID(c.Assignee) {
			assign.InitialUser = c.Assignee
		}
		var opts []*slack.OptionBlockObject
		for _, o := range store.Outcomes {
			opts = append(opts, slack.NewOptionBlockObject(o, plain("Close as "+o, maxButtonText), nil))
		}
		els = append(els, assign, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Close…", maxButtonText), actClose, opts...))
	}
	return slack.NewActionBlock("card:"+id, els...)
}

// parseDetails flattens an event's JSON details to strings.
func parseDetails(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	if len(raw) == 0 {
		return out
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return out
	}
	for k, v := range m {
		switch x := v.(type) {
		case string:
			out[k] = x
		case nil:
		default:
			bs, _ := json.Marshal(x)
			out[k] = string(bs)
		}
	}
	return out
}

// cardLink links to a posted card (ours to render).
func cardLink(c store.Contribution) string {
	if c.SlackTS == "" || c.SlackChannel == "" {
		return "*" + c.Ref + "*"
	}
	return fmt.Sprintf("<https://slack.com/archives/%s/p%s|%s>", c.SlackChannel, strings.ReplaceAll(c.SlackTS, ".", ""), c.Ref)
}

// contributionLine is one line about a contribution in lists (digest, find, dashboard).
func (b *Bot) contributionLine(c store.Contribution, now time.Time) string {
	from := c.FromName
	if from == "" {
		from = c.FromEmail
	}
	who := "nobody"
	if c.Assignee != "" {
		who = userMention(c.Assignee)
	}
	subject := c.Subject
	if subject == "" {
		subject = "(no subject)"
	}
	return fmt.Sprintf("• %s · %s · %s · %s · waiting %s · %s", cardLink(c), statusLabel(c),
		cut(escapeMrkdwn(from), 60), cut(escapeMrkdwn(subject), 80), age(now, c.ReceivedAt), who)
}

// WithMailboxLine makes each card say which mailbox its contribution came to, in one
// context line: for wsisbot reading several mailboxes.
func WithMailboxLine() Option { return func(b *Bot) { b.mailboxLine = true } }
