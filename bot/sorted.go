package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/store"
)

// Mail sorted away (bounces, automatic replies, list mail, our own mail, duplicates,
// quarantined messages) stays reviewable: a daily summary in the channel, /wsis sorted
// on demand, and on each message a "This is a contribution" button that makes it one.

const (
	// outboxSortedSummary is the outbox item of a daily summary, posted by the outbox
	// workers like every other Slack item.
	outboxSortedSummary store.OutboxKind = "slack_sorted"
	// sortedJob is the daily summary's entry in job_runs: one per day across replicas.
	sortedJob = "sorted-summary"
	// actPromote is the "This is a contribution" button; its block ID is
	// "sorted:<message id>" and its value the message id.
	actPromote = "promote"
	// sortedPerPage is how many messages one summary or answer lists: with the heading,
	// a heading per kind (6) and the closing note, a message stays within Slack's 50
	// blocks.
	sortedPerPage = 40
	// maxSortedWindow is the longest window /wsis sorted looks back over.
	maxSortedWindow = 31 * 24 * time.Hour
)

// sortedSummary is the payload of a daily summary: the window it covers.
type sortedSummary struct {
	Day   string    `json:"day"`
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
}

// sortedKindLabels name the kinds in the summary.
var sortedKindLabels = map[store.MessageKind]string{
	store.MsgBounce:      "📭 Bounces",
	store.MsgAutoReply:   "🤖 Automatic replies",
	store.MsgList:        "📨 Mailing lists and bulk mail",
	store.MsgOwn:         "🔁 Our own mail",
	store.MsgDuplicate:   "👯 Duplicates",
	store.MsgQuarantined: "🧯 Quarantined",
}

// scheduleSortedSummary queues the summary of the last 24 hours once a day, at the hour
// of the digest and the deadline alerts (9:00 Geneva time when the digest is off: mail
// sorted away is never out of the secretariat's sight).
func (b *Bot) scheduleSortedSummary(ctx context.Context, now time.Time) error {
	occ := b.atHour(now, b.alertHour())
	if now.Before(occ) {
		return nil
	}
	day := occ.Format("2006-01-02")
	it, err := store.NewOutboxItem(outboxSortedSummary, "sorted-summary:"+day, 0, 0,
		sortedSummary{Day: day, Since: occ.Add(-24 * time.Hour), Until: occ})
	if err != nil {
		return err
	}
	claimed, err := b.st.ClaimRun(ctx, sortedJob, occ, it)
	if err != nil {
		return err
	}
	if claimed {
		b.log.Info("sorted-away summary queued", "day", day)
	}
	return nil
}

func (b *Bot) postSortedSummary(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
	var sum sortedSummary
	if err := json.Unmarshal(it.Payload, &sum); err != nil {
		return store.OutboxResult{}, store.Permanent(fmt.Errorf("sorted-away summary payload: %w", err))
	}
	title := "Sorted away in the 24 hours before " + sum.Until.In(b.phases.Location).Format("15:04, Monday 2 January 2006")
	text, blocks, total, err := b.sortedBlocks(ctx, title, sum.Since, sum.Until, 1, "24h")
	if err != nil {
		return store.OutboxResult{}, notFoundPermanent(err)
	}
	if total == 0 {
		return store.OutboxResult{}, nil // a day with nothing sorted away says nothing
	}
	if _, _, err := b.api.PostMessageContext(ctx, b.cfg.Channel, slack.MsgOptionText(cut(text, 300), false),
		slack.MsgOptionBlocks(blocks...), slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl()); err != nil {
		return store.OutboxResult{}, outboxError("post sorted-away summary", err)
	}
	return store.OutboxResult{}, nil
}

// sortedBlocks lists page (from 1) of the mail sorted away in [since, until), grouped by
// kind, each message with its sender, subject, date, why it was sorted away, and a "This
// is a contribution" button; window is how /wsis sorted names the window, for the note
// on how to see the next page. text is the message's fallback text, total how many
// messages the window holds.
func (b *Bot) sortedBlocks(ctx context.Context, title string, since, until time.Time, page int, window string) (string, []slack.Block, int, error) {
	msgs, total, err := b.st.SortedAway(ctx, since, until, (page-1)*sortedPerPage, sortedPerPage)
	if err != nil {
		return "", nil, 0, err
	}
	head := fmt.Sprintf("🗂️ *%s:* %s.", title, plural(total, "message"))
	if total == 0 {
		head = fmt.Sprintf("🗂️ *%s:* nothing.", title)
	} else {
		head += " Each is stored, and none was acknowledged. If one is a contribution, say so with its button: it gets a reference number and a card, and an acknowledgement if a person sent it within the acknowledgement window."
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(head, maxSectionText), nil, nil)}
	var kind store.MessageKind
	for _, m := range msgs {
		if m.Kind != kind {
			kind = m.Kind
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*"+sortedKindLabels[kind]+"*", maxSectionText), nil, nil))
		}
		var accessory *slack.Accessory
		if m.Promotable() {
			btn := slack.NewButtonBlockElement(actPromote, strconv.FormatInt(m.ID, 10), plain("This is a contribution", maxButtonText))
			accessory = slack.NewAccessory(btn)
		}
		sec := slack.NewSectionBlock(mrkdwn(b.sortedLine(m), maxSectionText), nil, accessory)
		sec.BlockID = fmt.Sprintf("sorted:%d", m.ID)
		blocks = append(blocks, sec)
	}
	shown := (page-1)*sortedPerPage + len(msgs)
	switch {
	case total > shown:
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("… and %d more. See them with `/wsis sorted %s %d`.",
			total-shown, window, page+1), maxContextText)))
	case len(msgs) == 0 && page > 1:
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(fmt.Sprintf("Page %d is past the end.", page), maxContextText)))
	}
	return fmt.Sprintf("%s: %s", title, plural(total, "message")), blocks, total, nil
}

// sortedLine describes one message sorted away: subject, sender, date, and why.
func (b *Bot) sortedLine(m store.SortedMessage) string {
	from := escapeMrkdwn(m.FromEmail)
	if m.FromName != "" {
		from = escapeMrkdwn(m.FromName) + " (" + from + ")"
	}
	if strings.TrimSpace(from) == "" {
		from = "unknown sender"
	}
	subject := "*" + cut(escapeMrkdwn(m.Subject), 300) + "*"
	if strings.TrimSpace(m.Subject) == "" {
		subject = "_(no subject)_"
	}
	at := m.ReceivedAt
	if m.DateHeader != nil {
		at = *m.DateHeader
	}
	why := escapeMrkdwn(m.KindReason)
	if m.Ref != "" {
		why += " — it belongs to " + m.Ref
	}
	return fmt.Sprintf("%s\n%s · %s\n_Why:_ %s", subject, cut(from, 300),
		at.In(b.phases.Location).Format("2 Jan 2006 15:04"), cut(why, 300))
}

// sortedCommand answers /wsis sorted [window] [page]: the window is a number of hours or
// days ("24h", "7d"; 24h by default, at most 31 days).
func (b *Bot) sortedCommand(ctx context.Context, arg string) (string, []slack.Block, error) {
	window, page := "24h", 1
	for _, f := range strings.Fields(arg) {
		if n, err := strconv.Atoi(f); err == nil && n > 0 {
			page = n
			continue
		}
		window = strings.ToLower(f)
	}
	d, ok := parseWindow(window)
	if !ok {
		return "Which window? `/wsis sorted`, `/wsis sorted 48h` or `/wsis sorted 7d` (at most 31 days), then a page number if there are more.", nil, nil
	}
	now := b.clock.Now()
	title := "Sorted away in the last " + humanDuration(d)
	if page > 1 {
		title += fmt.Sprintf(" (page %d)", page)
	}
	text, blocks, _, err := b.sortedBlocks(ctx, title, now.Add(-d), now.Add(time.Second), page, window)
	return text, blocks, err
}

// parseWindow reads "36h" or "7d".
func parseWindow(s string) (time.Duration, bool) {
	if len(s) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 {
		return 0, false
	}
	var d time.Duration
	switch s[len(s)-1] {
	case 'h':
		d = time.Duration(n) * time.Hour
	case 'd':
		d = time.Duration(n) * 24 * time.Hour
	default:
		return 0, false
	}
	return d, d <= maxSortedWindow
}

// sortedBlockID is the message id of a "This is a contribution" button's block.
func sortedBlockID(blockID string) (int64, bool) {
	v, ok := strings.CutPrefix(blockID, "sorted:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

// promote makes a message sorted away a contribution, at user's word, and tells them
// what became of it; the card and its notes say the rest in the channel.
func (b *Bot) promote(ctx context.Context, messageID int64, user string, reply replier) {
	raw, err := b.st.RawMessage(ctx, messageID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		b.log.Error("promote: raw message", "message_id", messageID, slog.Any("error", err))
		reply(ctx, "Something went wrong and nothing was changed. Please try again.")
		return
	}
	pr := store.Promotion{NoReply: true}
	if b.promotion != nil {
		pr = b.promotion(raw)
	}
	p, err := b.st.PromoteMessage(ctx, messageID, user, pr)
	switch {
	case errors.Is(err, store.ErrNotFound):
		reply(ctx, "That message no longer exists.")
		return
	case errors.Is(err, store.ErrNotPromotable):
		reply(ctx, "That message cannot be made a contribution: only mail sorted away can (for a duplicate, use its first copy). Nothing was changed.")
		return
	case err != nil:
		b.log.Error("promote failed", "message_id", messageID, "user", user, slog.Any("error", err))
		reply(ctx, "Something went wrong and nothing was changed. Please try again.")
		return
	}
	if !p.Created {
		reply(ctx, fmt.Sprintf("That message already belongs to contribution %s. Nothing was changed.", p.Ref))
		return
	}
	b.log.Info("message made a contribution", "message_id", messageID, "contribution_ref", p.Ref, "user", user, "sorted_as", p.SortedAs)
	ack := "An acknowledgement is on its way to the sender."
	if !p.AckQueued {
		ack = "No acknowledgement is sent: " + escapeMrkdwn(p.AckSuppressed) + "."
	}
	was := "it had been sorted as " + string(p.SortedAs)
	if p.SortedAs == store.MsgFollowUp {
		was = "it was mail from another sender in another contribution's conversation"
	}
	reply(ctx, fmt.Sprintf("It is now contribution %s (%s); its card is being posted. %s", p.Ref, was, ack))
}
