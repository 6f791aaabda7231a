package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/store"
)

// postDM carries out a slack_dm item: it opens the direct conversation with the member
// (conversations.open) and posts there what concerns them. A reminder about a
// contribution that is closed, or that is no longer theirs, is dropped.
func (b *Bot) postDM(ctx context.Context, it store.OutboxItem) error {
	cid, err := contributionOf(it)
	if err != nil {
		return err
	}
	var dm store.DM
	if err := json.Unmarshal(it.Payload, &dm); err != nil {
		return store.Permanent(fmt.Errorf("dm payload: %w", err))
	}
	if !store.IsSlackUserID(dm.User) {
		return store.Permanent(fmt.Errorf("dm to %q: not a Slack user", dm.User))
	}
	c, err := b.st.Contribution(ctx, cid)
	if err != nil {
		return notFoundPermanent(err)
	}
	if c.Status == store.StatusClosed || c.Assignee != dm.User {
		b.log.Info("direct message no longer needed", "contribution_ref", c.Ref, "type", dm.Type, "user", dm.User)
		return nil
	}
	var text string
	switch dm.Type {
	case store.DMAssigned:
		text = b.assignedText(c, dm)
	case store.DMStale:
		text = b.staleText(c, dm)
	default:
		return store.Permanent(fmt.Errorf("unknown dm type %q", dm.Type))
	}
	ch, _, _, err := b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{dm.User}, ReturnIM: true})
	if err != nil {
		return outboxError("open a direct conversation", err)
	}
	if _, _, err := b.api.PostMessageContext(ctx, ch.ID,
		slack.MsgOptionText(cut(firstLine(text), 300), false), slack.MsgOptionBlocks(textBlocks(text)...),
		slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl()); err != nil {
		return outboxError("post direct message", err)
	}
	b.log.Info("direct message sent", "contribution_ref", c.Ref, "type", dm.Type, "user", dm.User)
	return nil
}

// contributionSummary is a few lines about a contribution for a direct message: what,
// from whom, what it is suggested or confirmed to be, and its deadline.
func (b *Bot) contributionSummary(c store.Contribution) string {
	var s strings.Builder
	subject := c.Subject
	if subject == "" {
		subject = "(no subject)"
	}
	fmt.Fprintf(&s, "*%s* · %s\n", escapeMrkdwn(c.Ref), cut(escapeMrkdwn(subject), 150))
	from := c.FromEmail
	if c.FromName != "" {
		from = c.FromName + " (" + c.FromEmail + ")"
	}
	fmt.Fprintf(&s, "From %s", cut(escapeMrkdwn(from), 120))
	org := c.Organisation
	if org == "" {
		org = c.OrganisationSuggested
	}
	if org != "" {
		fmt.Fprintf(&s, ", %s", cut(escapeMrkdwn(org), 100))
	}
	fmt.Fprintf(&s, " · received %s\n", b.genevaTime(c.ReceivedAt))
	if k := c.EffectiveKind(); k != "" {
		fmt.Fprintf(&s, "%s · ", escapeMrkdwn(kindLabel(k)))
	}
	s.WriteString(statusLabel(c))
	if c.DeadlineName != "" {
		fmt.Fprintf(&s, " · deadline %s", escapeMrkdwn(c.DeadlineName))
		if c.DeadlineAt != nil {
			fmt.Fprintf(&s, ", %s", c.DeadlineAt.In(b.phases.Location).Format("2 January 2006"))
		}
	}
	s.WriteString("\n" + b.cardPointer(c))
	return s.String()
}

// cardPointer links to the contribution's card, or says how to see it.
func (b *Bot) cardPointer(c store.Contribution) string {
	if c.SlackTS == "" {
		return "It has no card in the channel: `/wsis show " + escapeMrkdwn(c.Ref) + "`."
	}
	if c.SlackChannel == "" {
		c.SlackChannel = b.cfg.Channel
	}
	return "Card: " + cardLink(c)
}

func (b *Bot) assignedText(c store.Contribution, dm store.DM) string {
	by := "Someone"
	if dm.By != "" {
		by = userMention(dm.By)
	}
	return fmt.Sprintf("📌 %s assigned you a contribution.\n%s", by, b.contributionSummary(c))
}

func (b *Bot) staleText(c store.Contribution, dm store.DM) string {
	since := "a while"
	if t, err := time.Parse(time.RFC3339Nano, dm.Since); err == nil {
		since = b.genevaTime(t) + " Geneva time (" + age(b.clock.Now(), t) + " ago)"
	}
	return fmt.Sprintf("⏰ A contribution assigned to you has not moved since %s.\n%s", since, b.contributionSummary(c))
}
