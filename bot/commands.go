package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/export"
	"github.com/wsis/wsisbot/store"
)

// commandName is the slash command the desk answers.
const commandName = "/wsis"

const commandHelp = "*/wsis* — the consultation's intake desk\n" +
	"• `/wsis status` — counts by status, kind, stakeholder type and phase; what is due next\n" +
	"• `/wsis find <text | reference | email> [kind:… status:… type:… late mine assignee:@… page:N]` — find contributions, in any of the six languages\n" +
	"• `/wsis find --history [text]` — contributions stored as history (mail already old when first read), which have no cards\n" +
	"• `/wsis show <reference>` — one contribution\n" +
	"• `/wsis card <reference>` — post the card of a contribution that has none (history)\n" +
	"• `/wsis deadlines` — every deadline, days left and what is open against it\n" +
	"• `/wsis sorted [24h | 7d] [page]` — mail sorted away (robots, bounces, lists, duplicates, quarantined), to make one a contribution\n" +
	"• `/wsis export [xlsx | csv | json]` — upload all contributions to the channel (by default an XLSX and a CSV)"

// handleCommand answers /wsis through the command's response URL.
func (b *Bot) handleCommand(ctx context.Context, cmd slack.SlashCommand) {
	respond := func(ctx context.Context, text string) { b.respond(ctx, cmd, text) }
	verb, arg, _ := strings.Cut(strings.TrimSpace(cmd.Text), " ")
	verb = strings.ToLower(verb)
	arg = strings.TrimSpace(arg)
	if verb == "" || verb == "help" {
		respond(ctx, commandHelp)
		return
	}
	if !b.authorize(ctx, cmd.UserID, "/wsis "+verb, respond) {
		return
	}
	var text string
	var blocks []slack.Block
	var err error
	switch verb {
	case "status":
		if text, err = b.statusText(ctx); err == nil {
			if id := b.statusChart(ctx); id != "" {
				blocks = append(textBlocks(text), chartBlock(id))
			}
		}
	case "find", "search":
		text, blocks, err = b.findCommand(ctx, arg, cmd.UserID)
	case "show":
		text, err = b.showText(ctx, arg)
	case "card":
		text, err = b.cardCommand(ctx, arg, cmd.UserID)
	case "deadlines":
		text, err = b.deadlinesText(ctx)
	case "export":
		text, err = b.exportToChannel(ctx, cmd.UserID, arg)
	case "sorted":
		text, blocks, err = b.sortedCommand(ctx, arg)
	default:
		text = "I do not know `" + escapeMrkdwn(verb) + "`.\n" + commandHelp
	}
	if err != nil {
		b.log.Error("command failed", "command", verb, "user", cmd.UserID, slog.Any("error", err))
		text, blocks = "Something went wrong: "+escapeMrkdwn(err.Error()), nil
	}
	b.log.Info("command", "command", verb, "user", cmd.UserID)
	if blocks != nil {
		b.respondBlocks(ctx, cmd, text, blocks)
		return
	}
	respond(ctx, text)
}

// respond answers a command privately through its response URL (chat.postEphemeral when
// there is none).
func (b *Bot) respond(ctx context.Context, cmd slack.SlashCommand, text string) {
	b.respondBlocks(ctx, cmd, text, textBlocks(text))
}

// respondBlocks answers a command privately with blocks; text is the fallback.
func (b *Bot) respondBlocks(ctx context.Context, cmd slack.SlashCommand, text string, blocks []slack.Block) {
	if cmd.ResponseURL != "" && responseURLAllowed(b.cfg.APIURL, cmd.ResponseURL) {
		err := slack.PostWebhookCustomHTTPContext(ctx, cmd.ResponseURL, b.httpClient, &slack.WebhookMessage{
			ResponseType: slack.ResponseTypeEphemeral, Text: cut(firstLine(text), 300), Blocks: &slack.Blocks{BlockSet: blocks}})
		if err == nil {
			return
		}
		b.log.Warn("could not answer through the response URL", slog.Any("error", err))
	}
	_, err := b.api.PostEphemeralContext(ctx, cmd.ChannelID, cmd.UserID,
		slack.MsgOptionText(cut(firstLine(text), 300), false), slack.MsgOptionBlocks(blocks...))
	if plain := withoutImages(blocks); slackErrorCode(err) == "invalid_blocks" && len(plain) < len(blocks) {
		b.respondBlocks(ctx, cmd, text, plain) // an image's file is gone from Slack: answer without it
		return
	}
	if err != nil {
		b.log.Warn("could not answer a command", "user", cmd.UserID, slog.Any("error", err))
	}
}

func sortedCounts[K ~string](m map[K]int, label func(K) string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[K(keys[i])] != m[K(keys[j])] {
			return m[K(keys[i])] > m[K(keys[j])]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %d", escapeMrkdwn(label(K(k))), m[K(k)]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " · ")
}

func (b *Bot) statusText(ctx context.Context) (string, error) {
	now := b.clock.Now()
	st, err := b.st.ContributionStats(ctx)
	if err != nil {
		return "", err
	}
	var s strings.Builder
	fmt.Fprintf(&s, "*%s — %s, %d open, %d late*\n", escapeMrkdwn(b.phases.Name), plural(st.Total, "contribution"), st.Open, st.Late)
	statuses := make([]string, 0, len(store.Statuses))
	for _, x := range store.Statuses {
		statuses = append(statuses, fmt.Sprintf("%s: %d", x, st.ByStatus[x]))
	}
	fmt.Fprintf(&s, "*By status:* %s\n", strings.Join(statuses, " · "))
	fmt.Fprintf(&s, "*By kind:* %s\n", sortedCounts(st.ByKind, kindLabel))
	fmt.Fprintf(&s, "*By stakeholder type:* %s\n", sortedCounts(st.ByStakeholderType, stakeholderLabel))
	fmt.Fprintf(&s, "*By phase received in:* %s\n", sortedCounts(st.ByPhase, func(code string) string {
		if code == "" {
			return "before the consultation"
		}
		return "phase " + code
	}))
	if ph, ok := b.phases.CurrentPhase(now); ok {
		fmt.Fprintf(&s, "*Now:* phase %s, %s\n", escapeMrkdwn(ph.Code), escapeMrkdwn(ph.Name))
	}
	if d, ok := b.phases.NextDeadline(now); ok {
		fmt.Fprintf(&s, "*Due next:* %s, %s (%s); %d open against it.\n", escapeMrkdwn(d.Name), d.Date.Format("2 January 2006"), b.daysLeftText(d, now), st.ByDeadline[d.Name])
	} else {
		s.WriteString("*Due next:* every deadline has passed.\n")
	}
	return s.String(), nil
}

func (b *Bot) showText(ctx context.Context, ref string) (string, error) {
	if ref == "" {
		return "Which one? `/wsis show <reference>`", nil
	}
	c, err := b.st.ContributionByRef(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		return "There is no contribution " + escapeMrkdwn(ref) + ".", nil
	}
	if err != nil {
		return "", err
	}
	d, err := b.loadCard(ctx, c.ID)
	if err != nil {
		return "", err
	}
	notes, err := b.notesText(ctx, c.ID)
	if err != nil {
		return "", err
	}
	if notes != "" {
		notes = "\n" + notes
	}
	return blocksMrkdwn(b.cardBlocks(d, b.clock.Now(), false)) + notes + "\n" + cardLink(c), nil
}

// cardCommand posts, on request, the card of a contribution that has none: history,
// stored without a card.
func (b *Bot) cardCommand(ctx context.Context, ref, user string) (string, error) {
	if ref == "" {
		return "Which one? `/wsis card <reference>`", nil
	}
	c, err := b.st.ContributionByRef(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		return "There is no contribution " + escapeMrkdwn(ref) + ".", nil
	}
	if err != nil {
		return "", err
	}
	if c.SlackTS != "" {
		return "It has a card: " + cardLink(c) + ".", nil
	}
	queued, err := b.st.QueueCard(ctx, c.ID, user)
	if err != nil {
		return "", err
	}
	if !queued {
		return "The card of *" + escapeMrkdwn(c.Ref) + "* is on its way already.", nil
	}
	b.log.Info("card requested", "contribution_ref", c.Ref, "user", user)
	return "The card of *" + escapeMrkdwn(c.Ref) + "* is on its way to <#" + b.cfg.Channel + ">.", nil
}

// blocksMrkdwn flattens card blocks into one mrkdwn text (for command answers).
func blocksMrkdwn(blocks []slack.Block) string {
	var lines []string
	for _, bl := range blocks {
		switch x := bl.(type) {
		case *slack.HeaderBlock:
			lines = append(lines, "*"+escapeMrkdwn(x.Text.Text)+"*") // plain text, shown as mrkdwn here
		case *slack.SectionBlock:
			if x.Text != nil {
				lines = append(lines, x.Text.Text)
			}
			for _, f := range x.Fields {
				lines = append(lines, strings.Replace(f.Text, "\n", " ", 1))
			}
		case *slack.ContextBlock:
			for _, el := range x.ContextElements.Elements {
				if t, ok := el.(*slack.TextBlockObject); ok {
					lines = append(lines, t.Text)
				}
			}
		}
	}
	return strings.Join(lines, "\n")
}

func (b *Bot) deadlinesText(ctx context.Context) (string, error) {
	now := b.clock.Now()
	st, err := b.st.ContributionStats(ctx)
	if err != nil {
		return "", err
	}
	var s strings.Builder
	fmt.Fprintf(&s, "*Deadlines of %s* (a deadline day ends at 23:59:59 Geneva time)\n", escapeMrkdwn(b.phases.Name))
	for _, d := range b.phases.Deadlines {
		kinds := make([]string, len(d.Kinds))
		for i, k := range d.Kinds {
			kinds[i] = kindLabel(k)
		}
		fmt.Fprintf(&s, "• *%s* (phase %s): %s — %s; %d open against it.\n  _%s_\n", escapeMrkdwn(d.Name), escapeMrkdwn(d.Phase),
			d.Date.Format("Monday 2 January 2006"), b.daysLeftText(d, now), st.ByDeadline[d.Name], escapeMrkdwn(strings.Join(kinds, ", ")))
	}
	if next, ok := b.phases.NextPhase(now); ok {
		fmt.Fprintf(&s, "Next phase: %s, %s, from %s.\n", escapeMrkdwn(next.Code), escapeMrkdwn(next.Name), next.Start.Format("2 January 2006"))
	}
	return s.String(), nil
}

// exportToChannel uploads every contribution to the intake channel in the formats asked
// for (xlsx, csv, json; by default an XLSX and a CSV), as `wsisbot export` writes them.
func (b *Bot) exportToChannel(ctx context.Context, user, arg string) (string, error) {
	formats := []string{"xlsx", "csv"}
	if f := strings.Fields(strings.ToLower(strings.ReplaceAll(arg, ",", " "))); len(f) > 0 {
		formats = nil
		for _, x := range f {
			if !slices.Contains(export.Formats, x) {
				return "I can export as `xlsx`, `csv` or `json`, not `" + escapeMrkdwn(x) + "`.", nil
			}
			if !slices.Contains(formats, x) {
				formats = append(formats, x)
			}
		}
	}
	stamp := b.clock.Now().In(b.phases.Location).Format("2006-01-02-1504")
	var names []string
	for _, format := range formats {
		var buf bytes.Buffer
		if err := export.Write(ctx, b.st, &buf, format); err != nil {
			return "", err
		}
		name := fmt.Sprintf("wsis-contributions-%s.%s", stamp, format)
		_, err := b.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Reader: bytes.NewReader(buf.Bytes()), FileSize: buf.Len(), Filename: name,
			Title: "Contributions " + stamp, Channel: b.cfg.Channel,
			InitialComment: fmt.Sprintf("Export of every contribution, requested by <@%s>.", user),
		})
		if err != nil {
			return "", fmt.Errorf("upload %s: %w", name, err)
		}
		names = append(names, name)
	}
	b.log.Info("export uploaded", "user", user, "files", strings.Join(names, ","))
	return fmt.Sprintf("Uploaded %s to <#%s>.", strings.Join(names, " and "), b.cfg.Channel), nil
}
