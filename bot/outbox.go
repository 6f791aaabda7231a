package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/templates"
)

// errCardNotPosted makes an update or a thread note wait for its card.
var errCardNotPosted = store.ErrCardNotPosted

// notice is the payload of the slack_notice items.
type notice = store.Notice

// handleOutbox carries out one Slack outbox item; it is the store.OutboxHandler of the
// desk's outbox workers. The runtime logs its failures.
func (b *Bot) handleOutbox(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
	var res store.OutboxResult
	var err error
	switch it.Kind {
	case store.OutboxSlackCard:
		res, err = b.postCard(ctx, it)
		res, err = b.withUploads(ctx, it, res, err)
	case store.OutboxSlackUpdate:
		err = b.updateCard(ctx, it)
		res, err = b.withUploads(ctx, it, res, err)
	case store.OutboxSlackUpload:
		res, err = b.uploadFile(ctx, it)
	case store.OutboxSlackThread:
		err = b.postThreadNote(ctx, it)
	case store.OutboxSlackNotice:
		err = b.postNotice(ctx, it)
	case outboxSortedSummary:
		res, err = b.postSortedSummary(ctx, it)
	case store.OutboxSlackDM:
		err = b.postDM(ctx, it)
	default:
		err = store.Permanent(fmt.Errorf("unknown outbox kind %q", it.Kind))
	}
	return res, err
}

func contributionOf(it store.OutboxItem) (int64, error) {
	if it.ContributionID == nil {
		return 0, store.Permanent(fmt.Errorf("%s item %s has no contribution", it.Kind, it.IdempotencyKey))
	}
	return *it.ContributionID, nil
}

// notFoundPermanent makes a missing row a permanent failure.
func notFoundPermanent(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return store.Permanent(err)
	}
	return err
}

// Card posts are made at most once, across crashes and replicas: before each call of
// chat.postMessage the attempt is recorded and committed (store.StartSlackPost). When an
// item comes back with such a record but no card recorded, that attempt may have reached
// Slack while its result was lost (a crash, the database gone at the wrong moment): the
// channel is then searched, but only around that attempt, and a failing search is
// retried, never answered by posting blind. A first post makes one call and no search.
const (
	// defaultCardPostTimeout bounds one chat.postMessage call of a card: a post cannot
	// land later than its start plus this.
	defaultCardPostTimeout = 15 * time.Second
	// defaultCardSearchMargin widens the search around an attempt, for the difference
	// between our clock and Slack's and for Slack's own delay.
	defaultCardSearchMargin = 5 * time.Second
)

// postCard posts a new contribution's card, once: not when the contribution already has
// one, and not when an earlier attempt whose outcome was lost posted it.
func (b *Bot) postCard(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
	cid, err := contributionOf(it)
	if err != nil {
		return store.OutboxResult{}, err
	}
	d, err := b.loadCard(ctx, cid)
	if err != nil {
		return store.OutboxResult{}, notFoundPermanent(err)
	}
	if d.C.SlackTS != "" {
		return store.OutboxResult{}, nil
	}
	posted := func(ch, ts string) store.OutboxResult {
		return store.OutboxResult{CardChannel: ch, CardTS: ts, Event: &store.EventInput{
			Actor: store.ActorSystem, Action: store.ActionCardPosted, Details: map[string]string{"channel": ch, "ts": ts}}}
	}
	key := it.IdempotencyKey
	switch started, err := b.st.SlackPostAttempt(ctx, key); {
	case err == nil:
		ts, err := b.findPostedCard(ctx, cid, started)
		if err != nil {
			return store.OutboxResult{}, err
		}
		if ts != "" {
			b.log.Info("card was already posted; recording it", "contribution_ref", d.C.Ref, "ts", ts)
			return posted(b.cfg.Channel, ts), nil
		}
	case !errors.Is(err, store.ErrNotFound):
		return store.OutboxResult{}, fmt.Errorf("card: %w", err)
	}
	// Slack's clock, not the store's: the search compares it with message timestamps.
	if err := b.st.StartSlackPost(ctx, key, time.Now()); err != nil {
		return store.OutboxResult{}, fmt.Errorf("card: %w", err)
	}
	meta := slack.SlackMetadata{EventType: cardMetadataType, EventPayload: map[string]any{
		"contribution_id": strconv.FormatInt(cid, 10), "ref": d.C.Ref}}
	pctx, cancel := context.WithTimeout(ctx, b.cardPostTimeout)
	defer cancel()
	ch, ts, err := b.api.PostMessageContext(pctx, b.cfg.Channel,
		slack.MsgOptionText(cardText(d.C), false),
		slack.MsgOptionBlocks(b.cardBlocks(d, b.clock.Now(), true)...),
		slack.MsgOptionMetadata(meta),
		slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl())
	if err != nil {
		if notPosted(err) {
			// Slack refused the call: the next attempt need not search.
			if cerr := b.st.ClearSlackPost(ctx, key); cerr != nil {
				b.log.Warn("cannot clear a card's post attempt", "contribution_ref", d.C.Ref, slog.Any("error", cerr))
			}
		}
		return store.OutboxResult{}, outboxError("post card", err)
	}
	b.log.Info("card posted", "contribution_ref", d.C.Ref, "channel", ch, "ts", ts)
	res := posted(ch, ts)
	// Rendered after the claim: the card shows what its pending updates announce.
	res.CardRendered = true
	return res, nil
}

// notPosted reports whether a failed chat.postMessage certainly posted nothing: Slack
// answered with an error, a rate limit or 503. A timeout, a broken connection or another
// 5xx may come after Slack posted.
func notPosted(err error) bool {
	var rl *slack.RateLimitedError
	var se slack.SlackErrorResponse
	var sc slack.StatusCodeError
	switch {
	case errors.As(err, &rl), errors.As(err, &se):
		return true
	case errors.As(err, &sc):
		return sc.Code == http.StatusServiceUnavailable
	}
	return false
}

// findPostedCard looks for our card of a contribution posted by an attempt that started
// at started, in the channel's history around that moment. It answers "" when that
// attempt posted nothing, and an error (to retry later) when it cannot tell yet.
func (b *Bot) findPostedCard(ctx context.Context, cid int64, started time.Time) (string, error) {
	latest := started.Add(b.cardPostTimeout + b.cardSearchMargin)
	if wait := time.Until(latest); wait > 0 {
		// The earlier call may still land: look once it cannot.
		return "", &store.RetryAfterError{Err: errors.New("an earlier post of the card may still be under way"), After: wait}
	}
	oldest := started.Add(-b.cardSearchMargin)
	params := &slack.GetConversationHistoryParameters{ChannelID: b.cfg.Channel, Limit: 200, IncludeAllMetadata: true,
		Oldest: slackTS(oldest), Latest: slackTS(latest), Inclusive: true}
	want := strconv.FormatInt(cid, 10)
	for range 20 {
		h, err := b.api.GetConversationHistoryContext(ctx, params)
		if err != nil {
			return "", outboxError("look for an earlier post of the card", err)
		}
		for _, m := range h.Messages {
			if m.Metadata.EventType == cardMetadataType && fmt.Sprint(m.Metadata.EventPayload["contribution_id"]) == want {
				return m.Timestamp, nil
			}
		}
		if !h.HasMore || h.ResponseMetaData.NextCursor == "" {
			return "", nil
		}
		params.Cursor = h.ResponseMetaData.NextCursor
	}
	return "", errors.New("slack: too many messages around an earlier post of the card to search")
}

// slackTS is t as a Slack message timestamp.
func slackTS(t time.Time) string {
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}

// updateCard re-renders a card from the store and updates it in place. Two updates of one
// card can run side by side (workers, replicas): after its update each checks that the
// card still shows the current state and updates again when it does not, so the last one
// always leaves it current.
func (b *Bot) updateCard(ctx context.Context, it store.OutboxItem) error {
	cid, err := contributionOf(it)
	if err != nil {
		return err
	}
	var last string
	for range 3 {
		d, err := b.loadCard(ctx, cid)
		if err != nil {
			return notFoundPermanent(err)
		}
		if d.C.SlackTS == "" {
			return errCardNotPosted
		}
		blocks := b.cardBlocks(d, b.clock.Now(), true)
		js, err := json.Marshal(blocks)
		if err != nil {
			return store.Permanent(fmt.Errorf("card blocks: %w", err))
		}
		if string(js) == last {
			return nil
		}
		ch := d.C.SlackChannel
		if ch == "" {
			ch = b.cfg.Channel
		}
		if _, _, _, err := b.api.UpdateMessageContext(ctx, ch, d.C.SlackTS,
			slack.MsgOptionText(cardText(d.C), false), slack.MsgOptionBlocks(blocks...)); err != nil {
			return outboxError("update card", err)
		}
		last = string(js)
	}
	return nil
}

// postThreadNote posts a note in a card's thread.
func (b *Bot) postThreadNote(ctx context.Context, it store.OutboxItem) error {
	cid, err := contributionOf(it)
	if err != nil {
		return err
	}
	var n store.ThreadNote
	if err := json.Unmarshal(it.Payload, &n); err != nil {
		return store.Permanent(fmt.Errorf("thread note payload: %w", err))
	}
	c, err := b.st.Contribution(ctx, cid)
	if err != nil {
		return notFoundPermanent(err)
	}
	if c.SlackTS == "" {
		return errCardNotPosted
	}
	if n.MessageID == 0 && it.MessageID != nil {
		n.MessageID = *it.MessageID
	}
	text, err := b.noteText(ctx, c, n)
	if err != nil {
		return notFoundPermanent(err)
	}
	ch := c.SlackChannel
	if ch == "" {
		ch = b.cfg.Channel
	}
	blocks := textBlocks(text)
	if _, _, err := b.api.PostMessageContext(ctx, ch, slack.MsgOptionTS(c.SlackTS),
		slack.MsgOptionText(cut(firstLine(text), 300), false), slack.MsgOptionBlocks(blocks...),
		slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl()); err != nil {
		return outboxError("post thread note", err)
	}
	return nil
}

// noteText renders a thread note as mrkdwn; email text in it is escaped.
func (b *Bot) noteText(ctx context.Context, c store.Contribution, n store.ThreadNote) (string, error) {
	var m *store.Message
	if n.MessageID != 0 {
		msg, err := b.st.Message(ctx, n.MessageID)
		if err != nil {
			return "", err
		}
		m = &msg
	}
	text := escapeMrkdwn(n.Text)
	switch n.Type {
	case store.NoteFollowUp:
		if m == nil {
			return "📩 *Follow-up from the sender.* " + text, nil
		}
		return b.messageNote(ctx, "📩 *Follow-up* from "+sender(*m), *m)
	case store.NoteAckSent:
		s := "✉️ *Acknowledgement sent*"
		if m != nil {
			s += " to " + escapeMrkdwn(displayAddresses(m.To)) + " · " + b.genevaTime(m.ReceivedAt)
		} else if c.AckSentAt != nil {
			s += " · " + b.genevaTime(*c.AckSentAt)
		}
		if text != "" {
			s += "\n" + text
		}
		return s, nil
	case store.NoteAckSuppressed:
		return "🔕 *No acknowledgement sent:* " + text, nil
	case store.NoteAckFailed:
		return "⚠️ *The acknowledgement could not be sent:* " + text, nil
	case store.NoteReplySent:
		if m == nil {
			return "📤 *Reply sent.* " + text, nil
		}
		return b.messageNote(ctx, "📤 *Reply sent* to "+escapeMrkdwn(displayAddresses(m.To)), *m)
	case store.NoteReplyFailed:
		return "⚠️ *The reply could not be sent:* " + text, nil
	case store.NoteBounce:
		s := "↩️ *Our mail bounced*"
		if m != nil {
			s += " (" + sender(*m) + ")"
			if m.Subject != "" {
				s += ": " + escapeMrkdwn(m.Subject)
			}
			if ex := excerpt(m.Text, 6, 500); ex != "" {
				s += "\n" + quote(escapeMrkdwn(ex))
			}
		} else if text != "" {
			s += ": " + text
		}
		return s, nil
	case store.NoteRevision:
		return "♻️ *Possible revision:* " + text, nil
	case store.NoteReopened:
		return "🔄 *Reopened:* " + text, nil
	case store.NoteOtherSender:
		if m == nil {
			return "✉️ *Mail from another sender* names this contribution. " + text, nil
		}
		return b.messageNote(ctx, "✉️ *Mail from another sender* ("+sender(*m)+") names this contribution; it changed nothing and nobody was written to. Decide on the card.", *m)
	}
	if m != nil {
		return b.messageNote(ctx, "📝 "+escapeMrkdwn(n.Type), *m)
	}
	return "📝 " + escapeMrkdwn(n.Type) + ": " + text, nil
}

// messageNote shows a message: a heading, its subject, the fresh text and its attachments.
func (b *Bot) messageNote(ctx context.Context, head string, m store.Message) (string, error) {
	var s strings.Builder
	s.WriteString(head)
	s.WriteString(" · " + b.genevaTime(m.ReceivedAt))
	if m.Subject != "" {
		s.WriteString("\n*Subject:* " + escapeMrkdwn(m.Subject))
	}
	text := m.FreshText
	if strings.TrimSpace(text) == "" {
		text = m.Text
	}
	if ex := excerpt(text, 15, 1500); ex != "" {
		s.WriteString("\n" + quote(escapeMrkdwn(ex)))
	}
	as, err := b.st.Attachments(ctx, m.ID)
	if err != nil {
		return "", err
	}
	for _, a := range as {
		if a.Inline {
			continue
		}
		s.WriteString(fmt.Sprintf("\n📎 %s (%s)", escapeMrkdwn(a.Filename), humanSize(a.Size)))
	}
	return s.String(), nil
}

func sender(m store.Message) string {
	switch {
	case m.FromName != "" && m.FromEmail != "":
		return escapeMrkdwn(m.FromName) + " (" + escapeMrkdwn(m.FromEmail) + ")"
	case m.FromEmail != "":
		return escapeMrkdwn(m.FromEmail)
	}
	return escapeMrkdwn(m.FromName)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// textBlocks splits a long mrkdwn text into sections within Slack's limits, cutting at
// line ends where it can.
func textBlocks(text string) []slack.Block {
	var blocks []slack.Block
	for text != "" && len(blocks) < maxBlocks {
		chunk := text
		if r := []rune(text); len(r) > maxSectionText {
			chunk = string(r[:maxSectionText])
			if i := strings.LastIndexByte(chunk, '\n'); i > maxSectionText/2 {
				chunk = chunk[:i]
			}
		}
		text = strings.TrimPrefix(text[len(chunk):], "\n")
		if len(blocks) == maxBlocks-1 && text != "" {
			chunk = cut(chunk+"\n"+text, maxSectionText)
			text = ""
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(chunk, maxSectionText), nil, nil))
	}
	return blocks
}

// postNotice posts a message in the intake channel.
func (b *Bot) postNotice(ctx context.Context, it store.OutboxItem) error {
	var n notice
	if err := json.Unmarshal(it.Payload, &n); err != nil {
		return store.Permanent(fmt.Errorf("notice payload: %w", err))
	}
	var text string
	var err error
	switch n.Type {
	case store.NoticeQuarantine:
		text, err = b.quarantineText(ctx, it, n)
	case store.NoticeDigest:
		text, err = b.digestText(ctx, n)
	case noticeDigestChart:
		if err := b.postDigestChart(ctx, n); err != nil {
			return notFoundPermanent(err)
		}
		return nil
	case store.NoticeDeadlineAlert:
		text, err = b.deadlineAlertText(ctx, n)
	case store.NoticeEscalation:
		text, err = b.escalationText(ctx, n)
	case store.NoticeWatchdog:
		text = b.watchdogText(n)
	case store.NoticeAckBudget:
		text = b.ackBudgetText(n)
	case store.NoticeHistoryImport:
		text = b.historyImportText(n)
	default:
		return store.Permanent(fmt.Errorf("unknown notice type %q", n.Type))
	}
	if err != nil {
		return notFoundPermanent(err)
	}
	if text == "" {
		return nil
	}
	if _, _, err := b.api.PostMessageContext(ctx, b.cfg.Channel,
		slack.MsgOptionText(cut(firstLine(text), 300), false), slack.MsgOptionBlocks(textBlocks(text)...),
		slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl()); err != nil {
		return outboxError("post notice", err)
	}
	return nil
}

// ackBudgetText tells the channel that the hourly acknowledgement budget held some back.
func (b *Bot) ackBudgetText(n notice) string {
	hour := "this hour"
	if t, err := time.Parse(time.RFC3339, n.Since); err == nil {
		hour = "the hour from " + b.genevaTime(t)
	}
	return fmt.Sprintf("🚦 *Acknowledgements held back:* the budget of %d acknowledgements an hour (WSISBOT_ACK_HOURLY_LIMIT) was reached in %s; "+
		"%d held back so far, not sent. Until fewer than %d went out in the last 60 minutes, new contributions get no acknowledgement "+
		"(each card says so); this is the only notice for %s. Many at once may be a flood of forged mail using us as a relay.",
		n.Limit, hour, n.Held, n.Limit, hour)
}

func (b *Bot) quarantineText(ctx context.Context, it store.OutboxItem, n notice) (string, error) {
	told := n.TooLargeTo != "" || n.TooLargeNotTold != ""
	s := "🧯 *A message could not be handled and is quarantined* (kept as received; nothing was sent back).\n*Reason:* " + escapeMrkdwn(n.Reason)
	if told {
		s = "🧯 *A message could not be handled and is quarantined* (kept as received).\n*Reason:* " + escapeMrkdwn(n.Reason)
	}
	if it.MessageID != nil {
		m, err := b.st.Message(ctx, *it.MessageID)
		if err != nil {
			return "", err
		}
		s += "\n*From:* " + sender(m) + "\n*Subject:* " + escapeMrkdwn(m.Subject) +
			fmt.Sprintf("\n*Mailbox:* %s, UID %d", escapeMrkdwn(m.Mailbox), m.UID)
		if told {
			line, err := b.tooLargeNoticeLine(ctx, m, n)
			if err != nil {
				return "", err
			}
			s += "\n" + line
		}
	}
	return s, nil
}

// tooLargeNoticeLine says whether the sender of m, a message quarantined for its size,
// was told that it could not be accepted (in which language, at which address), or why
// not: the reasons a card gives for an acknowledgement not sent.
func (b *Bot) tooLargeNoticeLine(ctx context.Context, m store.Message, n notice) (string, error) {
	if n.TooLargeTo == "" {
		return "*The sender was not told:* " + cut(escapeMrkdwn(n.TooLargeNotTold), 300), nil
	}
	how := "in " + languageName(templates.Normalize(m.Language)) + ", at " + escapeMrkdwn(n.TooLargeTo)
	st, err := b.st.TooLargeNotice(ctx, m.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "*The sender was not told:* no notice is queued.", nil
	case err != nil:
		return "", err
	case st.DoneAt != nil:
		return "*The sender was told* (" + how + ") that it could not be accepted.", nil
	case st.FailedAt != nil:
		return "*The sender could not be told* (" + how + "): " + cut(escapeMrkdwn(st.LastError), 300), nil
	}
	return "*The sender is being told* (" + how + ") that it could not be accepted.", nil
}

// historyImportText is the one message about an import of history: mail that was
// already old when it was read, stored without cards and not acknowledged.
func (b *Bot) historyImportText(n notice) string {
	before := "the acknowledgement window"
	if t, err := time.Parse(time.RFC3339, n.Before); err == nil {
		before = t.In(b.phases.Location).Format("2 January 2006, 15:04") + " (Geneva)"
	}
	contribs := "none of them a contribution"
	switch n.Contributions {
	case 0:
	case 1:
		contribs = "1 contribution"
	default:
		contribs = fmt.Sprintf("%d contributions", n.Contributions)
	}
	verb := "are"
	if n.Messages == 1 {
		verb = "is"
	}
	return fmt.Sprintf("🗄️ *%s from before %s %s stored as history:* %s.\n"+
		"They were not acknowledged and have no cards here, to keep the channel for new mail. "+
		"`/wsis find --history` lists them; `/wsis show &lt;reference&gt;` shows one, `/wsis card &lt;reference&gt;` posts its card.",
		plural(n.Messages, "message"), before, verb, contribs)
}
