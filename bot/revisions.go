package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/store"
)

// Resubmissions on the card: "looks like a revision of WSIS-2019-0042" with "Mark as
// revision" and "Separate contribution"; once decided, the card of the revision names
// the earlier one and the earlier one's card says it is superseded. The controls' block
// ID is "revision:<contribution id>".
const (
	actMarkRevision    = "mark_revision"
	actSeparateVersion = "separate_revision"
)

// revisionBlockID is the contribution id of a control about a revision hint.
func revisionBlockID(blockID string) (int64, bool) {
	v, ok := strings.CutPrefix(blockID, "revision:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

// revisionBlocks are the card's blocks about other versions of the contribution.
func (b *Bot) revisionBlocks(d cardData, withActions bool) []slack.Block {
	l := d.Revisions
	var lines []string
	if l.RevisionOf != "" {
		lines = append(lines, "♻️ Revision of *"+escapeMrkdwn(l.RevisionOf)+"*, which it supersedes.")
	}
	if len(l.SupersededBy) > 0 {
		lines = append(lines, "🗂️ *Superseded* by "+escapeMrkdwn(strings.Join(l.SupersededBy, ", "))+".")
	}
	var blocks []slack.Block
	if len(lines) > 0 {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(strings.Join(lines, "\n"), maxContextText)))
	}
	if l.Suggested == "" {
		return blocks
	}
	blocks = append(blocks, slack.NewSectionBlock(mrkdwn("♻️ Looks like a revision of *"+escapeMrkdwn(l.Suggested)+
		"* (the same sender sent it before) — decide", maxSectionText), nil, nil))
	if withActions {
		id := strconv.FormatInt(d.C.ID, 10)
		blocks = append(blocks, slack.NewActionBlock("revision:"+id,
			slack.NewButtonBlockElement(actMarkRevision, id, plain("Mark as revision of "+l.Suggested, maxButtonText)),
			slack.NewButtonBlockElement(actSeparateVersion, id, plain("Separate contribution", maxButtonText))))
	}
	return blocks
}

// onRevisionAction marks a contribution as a revision of the one suggested, or
// dismisses the hint.
func (b *Bot) onRevisionAction(ctx context.Context, cid int64, a *slack.BlockAction, user string, reply replier) {
	var c store.Contribution
	var err error
	switch a.ActionID {
	case actMarkRevision:
		c, err = b.st.MarkRevision(ctx, cid, user)
	case actSeparateVersion:
		c, err = b.st.DismissRevision(ctx, cid, user)
	default:
		return
	}
	if errors.Is(err, store.ErrNoRevisionHint) {
		reply(ctx, "Someone has decided already: the card shows what. Nothing was changed.")
		return
	}
	b.outcome(ctx, a.ActionID, cid, user, err, reply)
	if err == nil && a.ActionID == actMarkRevision {
		b.log.Info("revision marked", "contribution_ref", c.Ref, "user", user)
	}
}

// revisionEventText is how the card's history line says a decision about versions.
func revisionEventText(e store.Event) string {
	det := parseDetails(e.Details)
	switch e.Action {
	case store.ActionRevisionMarked:
		return fmt.Sprintf("marked it a revision of %s", escapeMrkdwn(det["revision_of_ref"]))
	case store.ActionSuperseded:
		return fmt.Sprintf("marked %s a revision of it", escapeMrkdwn(det["by_ref"]))
	case store.ActionRevisionDismissed:
		return fmt.Sprintf("said it is not a revision of %s", escapeMrkdwn(det["ref"]))
	}
	return ""
}
