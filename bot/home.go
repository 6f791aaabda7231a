package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/store"
)

// unackedAfter is when the dashboard counts a contribution nobody took as overdue.
const unackedAfter = 48 * time.Hour

// publishHome refreshes the App Home dashboard for one user. People outside the
// secretariat see a short note instead.
func (b *Bot) publishHome(ctx context.Context, user string) error {
	ok, err := b.members.allowed(ctx, user)
	if err != nil {
		return err
	}
	var blocks []slack.Block
	if ok {
		if blocks, err = b.homeBlocks(ctx, user); err != nil {
			return err
		}
	} else {
		b.log.Info("App Home opened by someone outside the secretariat", "user", user)
		blocks = []slack.Block{slack.NewSectionBlock(mrkdwn(fmt.Sprintf(
			"This is the WSIS consultation's intake desk. Its dashboard is for members of <#%s>.", b.cfg.Channel), maxSectionText), nil, nil)}
	}
	publish := func(blocks []slack.Block) error {
		_, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user,
			View: slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}})
		return err
	}
	err = publish(blocks)
	if slackErrorCode(err) == "invalid_blocks" {
		if plain := withoutImages(blocks); len(plain) < len(blocks) {
			b.log.Warn("App Home refused with its chart; published without it", slog.Any("error", err))
			err = publish(plain) // the chart's file is gone from Slack
		}
	}
	if err != nil {
		return fmt.Errorf("views.publish: %w", err)
	}
	return nil
}

// homeBlocks is user's dashboard: first the open contributions assigned to them, then
// days to each deadline, counts per kind and stakeholder type, what nobody has taken for
// more than 48 hours, and open items by age.
func (b *Bot) homeBlocks(ctx context.Context, user string) ([]slack.Block, error) {
	now := b.clock.Now()
	st, err := b.st.ContributionStats(ctx)
	if err != nil {
		return nil, err
	}
	open, err := b.st.ListContributions(ctx, store.ContributionFilter{Open: true})
	if err != nil {
		return nil, err
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(b.phases.Name+" · intake desk", maxPlainLabel)),
		slack.NewContextBlock("", mrkdwn("Updated "+b.genevaTime(now)+" Geneva time. Reopen this tab to refresh.", maxContextText)),
	}
	var mine []store.Contribution
	for _, c := range open {
		if c.Assignee == user {
			mine = append(mine, c)
		}
	}
	blocks = append(blocks, b.listBlocks("📌 Assigned to you", mine, now, 15)...)
	blocks = append(blocks, slack.NewDividerBlock())

	var dl strings.Builder
	dl.WriteString("*Deadlines*\n")
	for _, d := range b.phases.Deadlines {
		fmt.Fprintf(&dl, "• %s, %s — %s · %d open against it\n", escapeMrkdwn(d.Name), d.Date.Format("2 Jan 2006"), b.daysLeftText(d, now), st.ByDeadline[d.Name])
	}
	blocks = append(blocks, slack.NewSectionBlock(mrkdwn(dl.String(), maxSectionText), nil, nil))

	var unacked []store.Contribution
	for _, c := range open {
		if c.Status == store.StatusReceived && now.Sub(c.ReceivedAt) > unackedAfter {
			unacked = append(unacked, c)
		}
	}
	blocks = append(blocks, slack.NewSectionBlock(nil, []*slack.TextBlockObject{
		mrkdwn(fmt.Sprintf("*Contributions*\n%d in all, %d open, %d late", st.Total, st.Open, st.Late), maxFieldText),
		mrkdwn(fmt.Sprintf("*Not taken > 48 h*\n%d", len(unacked)), maxFieldText),
		mrkdwn("*By kind*\n"+countLines(st.ByKind, kindLabel), maxFieldText),
		mrkdwn("*By stakeholder type*\n"+countLines(st.ByStakeholderType, stakeholderLabel), maxFieldText),
	}, nil))
	if id := b.statusChart(ctx); id != "" {
		blocks = append(blocks, chartBlock(id))
	}

	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, b.listBlocks("⚠️ Not taken for more than 48 hours", unacked, now, 20)...)
	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, b.listBlocks("📂 Open, oldest first", open, now, 40)...)
	if len(blocks) > maxViewBlocks {
		blocks = blocks[:maxViewBlocks]
	}
	return blocks, nil
}

func countLines[K ~string](m map[K]int, label func(K) string) string {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var lines []string
	for _, k := range keys {
		lines = append(lines, fmt.Sprintf("%s: %d", escapeMrkdwn(label(k)), m[k]))
	}
	if len(lines) == 0 {
		return "none"
	}
	return strings.Join(lines, "\n")
}

// listBlocks lists contributions under a title, a few per section to stay within limits.
func (b *Bot) listBlocks(title string, cs []store.Contribution, now time.Time, limit int) []slack.Block {
	if len(cs) == 0 {
		return []slack.Block{slack.NewSectionBlock(mrkdwn("*"+title+"*\nNone.", maxSectionText), nil, nil)}
	}
	var lines []string
	for i, c := range cs {
		if i == limit {
			lines = append(lines, fmt.Sprintf("… and %d more (`/wsis find` to search)", len(cs)-limit))
			break
		}
		lines = append(lines, b.contributionLine(c, now))
	}
	return textBlocks(fmt.Sprintf("*%s (%d)*\n%s", title, len(cs), strings.Join(lines, "\n")))
}
