package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/templates"
)

// The Reply modal. It names the recipient (replyRecipientBlocks), offers the standard
// answers (templates.Answers) in the contribution's language with a select to write in
// another, takes the text, which a chosen answer fills and the member may edit, and
// takes addresses to copy (Cc). Choosing an answer or a language is a block_actions
// inside the modal, answered by views.update with the answer's text as the input's
// initial value: Slack keeps what an input holds across an update as long as its
// block_id and action_id stay the same, so the text input takes a new block_id
// ("text.1", "text.2"…) each time its value is replaced, and keeps it otherwise (a
// language chosen with no answer leaves the member's text alone).
//
// Closing a contribution as accepted or declined answers the member with the matching
// answer to send ("Send the accepted answer"), which opens the modal with it chosen.
const (
	blkReplyAnswer    = "reply_answer"   // the actions block of the two selects
	actReplyAnswer    = "reply_answer"   // the select of the standard answers
	actReplyLanguage  = "reply_language" // the select of the language
	inCc              = "cc"             // the input of the addresses in copy
	actSendAnswer     = "send_answer"    // the button of the close confirmation
	answerBlockPrefix = "answer:"        // its block: "answer:{contribution id}"
)

// maxCc is how many addresses a reply may have in copy.
const maxCc = 10

// answerLabels name the standard answers in the modal's select.
var answerLabels = map[string]string{
	templates.AnswerReceived:           "Received and under review",
	templates.AnswerMoreInformation:    "More information needed",
	templates.AnswerAccepted:           "Accepted",
	templates.AnswerDeclined:           "Declined",
	templates.AnswerWorkshopConfirmed:  "Workshop request confirmed",
	templates.AnswerWorkshopWaitlisted: "Workshop request wait-listed",
	templates.AnswerHLTFReceived:       "HLTF nomination received",
	templates.AnswerPhotoReceived:      "Photo contest entry received",
}

// languageLabels name the six languages in the modal's select.
var languageLabels = map[string]string{
	"ar": "Arabic (العربية)", "zh": "Chinese (中文)", "en": "English", "fr": "French (français)",
	"ru": "Russian (русский)", "es": "Spanish (español)",
}

// replyMeta is the Reply modal's private metadata: viewMeta's fields (the submission
// reads them as a viewMeta), and what the modal shows.
type replyMeta struct {
	ContributionID int64  `json:"cid"`
	Channel        string `json:"channel,omitempty"`
	Answer         string `json:"answer,omitempty"` // the standard answer chosen, or ""
	Language       string `json:"lang"`             // the language written in
	Rev            int    `json:"rev,omitempty"`    // how many times the text was replaced
}

// textBlockID is the text input's block_id after rev replacements of its value.
func textBlockID(rev int) string {
	if rev == 0 {
		return inText
	}
	return inText + "." + strconv.Itoa(rev)
}

// replyText is the text of a submitted Reply modal, whatever block_id its input had.
func replyText(v slack.View) string {
	if v.State == nil {
		return ""
	}
	for block, actions := range v.State.Values {
		if block == inText || strings.HasPrefix(block, inText+".") {
			return actions[inText].Value
		}
	}
	return ""
}

// openReply opens the Reply modal for contribution cid; answer, when set, is chosen and
// its text filled in.
func (b *Bot) openReply(ctx context.Context, trigger string, cid int64, channel, answer string) error {
	c, err := b.st.Contribution(ctx, cid)
	if err != nil {
		return err
	}
	if answer != "" && !templates.IsAnswer(answer) {
		answer = ""
	}
	meta := replyMeta{ContributionID: cid, Channel: channel, Answer: answer, Language: templates.Normalize(c.Language)}
	text := ""
	if answer != "" {
		meta.Rev = 1
		if text, err = b.answerText(c, answer, meta.Language); err != nil {
			return err
		}
	}
	v, err := b.replyModal(ctx, c, meta, text)
	if err != nil {
		return err
	}
	if _, err := b.api.OpenViewContext(ctx, trigger, v); err != nil {
		return fmt.Errorf("views.open: %w", err)
	}
	return nil
}

// answerText renders a standard answer about c in lang.
func (b *Bot) answerText(c store.Contribution, answer, lang string) (string, error) {
	return b.tpl.RenderAnswer(templates.Answer{Code: answer, Ref: c.Ref, Language: lang, Subject: c.Subject,
		ReceivedAt: c.ReceivedAt, Location: b.phases.Location})
}

// replyModal builds the Reply modal of c as meta says; text is the text input's initial
// value (kept by Slack from the last view unless meta.Rev changed).
func (b *Bot) replyModal(ctx context.Context, c store.Contribution, meta replyMeta, text string) (slack.ModalViewRequest, error) {
	rs, err := b.st.Recipients(ctx, c.ID)
	if err != nil {
		return slack.ModalViewRequest{}, err
	}
	var answers []*slack.OptionBlockObject
	var chosen *slack.OptionBlockObject
	for _, a := range templates.Answers {
		o := option(a, answerLabels[a])
		answers = append(answers, o)
		if a == meta.Answer {
			chosen = o
		}
	}
	answerEl := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Start from a standard answer…", maxButtonText), actReplyAnswer, answers...)
	answerEl.InitialOption = chosen
	var langs []*slack.OptionBlockObject
	var lang *slack.OptionBlockObject
	for _, l := range templates.Languages {
		o := option(l, languageLabels[l])
		langs = append(langs, o)
		if l == meta.Language {
			lang = o
		}
	}
	langEl := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Language", maxButtonText), actReplyLanguage, langs...)
	langEl.InitialOption = lang

	el := slack.NewPlainTextInputBlockElement(plain("Write to the stakeholder…", maxButtonText), inText)
	el.Multiline = true
	el.MaxLength = maxSectionText
	el.InitialValue = cut(text, maxSectionText)
	ccEl := slack.NewPlainTextInputBlockElement(plain("name@example.org, other@example.org", maxButtonText), inCc)
	ccEl.MaxLength = 1000
	ccIn := slack.NewInputBlock(inCc, plain("Cc", maxPlainLabel), plain("Addresses in copy, separated by commas (at most "+strconv.Itoa(maxCc)+").", maxPlainLabel), ccEl)
	ccIn.Optional = true

	about := "The reply goes out by email from the secretariat's address, in the same conversation, and appears in the card's thread. It is written in " +
		languageName(templates.Normalize(meta.Language))
	if meta.Language == templates.Normalize(c.Language) {
		about += ", the contribution's language"
	}
	about += "; a standard answer fills the text below, which you may edit before sending."
	blocks := []slack.Block{aboutBlock(c)}
	blocks = append(blocks, replyRecipientBlocks(rs)...)
	blocks = append(blocks,
		slack.NewActionBlock(blkReplyAnswer, answerEl, langEl),
		slack.NewContextBlock("", mrkdwn(about, maxContextText)),
		slack.NewInputBlock(textBlockID(meta.Rev), plain("Your reply", maxPlainLabel), nil, el),
		ccIn)
	v := modal(viewReply, "Reply by email", "Send", blocks...)
	js, err := json.Marshal(meta)
	if err != nil {
		return v, err
	}
	v.PrivateMetadata = string(js)
	return v, nil
}

// onReplyAction answers a choice in an open Reply modal: an answer or a language. The
// modal is updated in place (views.update), with the view's hash, so that a stale
// choice never overwrites a newer view.
func (b *Bot) onReplyAction(ctx context.Context, ic slack.InteractionCallback) {
	var meta replyMeta
	if err := json.Unmarshal([]byte(ic.View.PrivateMetadata), &meta); err != nil || meta.ContributionID == 0 {
		b.log.Warn("a Reply modal without its contribution", "view_id", ic.View.ID)
		return
	}
	user := ic.User.ID
	reply := b.replierFor(meta.Channel, user, "")
	for _, a := range ic.ActionCallback.BlockActions {
		if a.BlockID != blkReplyAnswer || (a.ActionID != actReplyAnswer && a.ActionID != actReplyLanguage) {
			continue
		}
		if !b.authorize(ctx, user, a.ActionID, reply) {
			return
		}
		err := b.updateReply(ctx, ic.View, meta, a)
		if slackErrorCode(err) == "hash_conflict" {
			// The modal changed meanwhile (another choice): that one is shown.
			b.log.Info("a Reply modal changed before its update; left as it is", "view_id", ic.View.ID)
			return
		}
		b.outcome(ctx, a.ActionID, meta.ContributionID, user, err, reply)
		return
	}
}

func (b *Bot) updateReply(ctx context.Context, v slack.View, meta replyMeta, a *slack.BlockAction) error {
	c, err := b.st.Contribution(ctx, meta.ContributionID)
	if err != nil {
		return err
	}
	if !templates.IsAnswer(meta.Answer) {
		meta.Answer = ""
	}
	meta.Language = templates.Normalize(meta.Language)
	switch a.ActionID {
	case actReplyAnswer:
		meta.Answer = a.SelectedOption.Value
		if !templates.IsAnswer(meta.Answer) {
			return nil
		}
	case actReplyLanguage:
		if !isLanguage(a.SelectedOption.Value) {
			return nil
		}
		meta.Language = a.SelectedOption.Value
	}
	text := ""
	if meta.Answer != "" {
		// The text is replaced: a new block_id, so that Slack shows the new value.
		meta.Rev++
		if text, err = b.answerText(c, meta.Answer, meta.Language); err != nil {
			return err
		}
	}
	mv, err := b.replyModal(ctx, c, meta, text)
	if err != nil {
		return err
	}
	if _, err := b.api.UpdateViewContext(ctx, mv, "", v.Hash, v.ID); err != nil {
		return fmt.Errorf("views.update: %w", err)
	}
	return nil
}

func isLanguage(code string) bool {
	_, ok := languageLabels[code]
	return ok
}

// parseCc reads the addresses a member wrote in the Cc input: separated by commas,
// semicolons, spaces or line breaks, each a bare address or "Name <address>". Every
// one must be an address an acknowledgement could go to (store.UsableAckAddress) and
// not a no-reply or system address; repeats are dropped.
func parseCc(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		var addrs []string
		if strings.Contains(part, "<") {
			a, err := mail.ParseAddress(part)
			if err != nil {
				return nil, fmt.Errorf("%q is not an email address", templates.Shorten(part, 60))
			}
			addrs = []string{a.Address}
		} else {
			addrs = strings.Fields(part)
		}
		for _, a := range addrs {
			a = strings.Trim(a, "<>")
			if !store.UsableAckAddress(a) {
				return nil, fmt.Errorf("%q is not an email address (such as name@example.org)", templates.Shorten(a, 60))
			}
			if parse.IsNoReplyAddress(a) {
				return nil, fmt.Errorf("%s is a no-reply or system address: nobody would read it", a)
			}
			if k := strings.ToLower(a); !seen[k] {
				seen[k] = true
				out = append(out, a)
			}
		}
	}
	if len(out) > maxCc {
		return nil, fmt.Errorf("at most %d addresses in copy, not %d", maxCc, len(out))
	}
	return out, nil
}

// viewSubmissionErrors checks a submitted Reply modal before Slack is answered, since
// only that answer can show an error on a field (response_action "errors", keyed by
// the input's block_id): the Cc addresses. It returns nil for anything else.
func viewSubmissionErrors(payload []byte) map[string]string {
	var ic struct {
		Type string     `json:"type"`
		View slack.View `json:"view"`
	}
	if json.Unmarshal(payload, &ic) != nil || ic.Type != string(slack.InteractionTypeViewSubmission) || ic.View.CallbackID != viewReply {
		return nil
	}
	if _, err := parseCc(stateValue(ic.View, inCc).Value); err != nil {
		return map[string]string{inCc: cut(err.Error(), maxPlainLabel)}
	}
	return nil
}

// submitReply queues the reply for the mailer; the key makes a resubmitted modal one email.
func (b *Bot) submitReply(ctx context.Context, cid int64, user string, v slack.View, reply replier) error {
	text := strings.TrimSpace(replyText(v))
	if text == "" {
		return nil
	}
	c, err := b.st.Contribution(ctx, cid)
	if err != nil {
		return err
	}
	rs, err := b.st.Recipients(ctx, cid)
	if err != nil {
		return err
	}
	// The recipient is decided here, once, and recorded in the item: the mailer sends
	// to it and to nobody else.
	picked := stateValue(v, inTo).SelectedOption.Value
	to, err := chooseRecipient(rs, picked)
	if errors.Is(err, errNotARecipient) {
		b.log.Warn("reply to someone who is not a recipient of the contribution refused", "contribution_id", cid, "user", user, "to", picked)
		reply(ctx, fmt.Sprintf("%s is not one of the people who can get a reply about %s. Nothing was sent.", escapeMrkdwn(picked), c.Ref))
		return nil
	}
	if err != nil {
		reply(ctx, fmt.Sprintf("%s has no address to reply to. Nothing was sent.", c.Ref))
		return nil
	}
	// Checked before Slack was answered too (viewSubmissionErrors).
	cc, err := parseCc(stateValue(v, inCc).Value)
	if err != nil {
		reply(ctx, fmt.Sprintf("Cc: %s. Nothing was sent.", escapeMrkdwn(err.Error())))
		return nil
	}
	var meta replyMeta
	_ = json.Unmarshal([]byte(v.PrivateMetadata), &meta)
	lang := templates.Normalize(c.Language)
	if l := v.State.Values[blkReplyAnswer][actReplyLanguage].SelectedOption.Value; isLanguage(l) {
		lang = l
	} else if isLanguage(meta.Language) {
		lang = meta.Language
	}
	answer := v.State.Values[blkReplyAnswer][actReplyAnswer].SelectedOption.Value
	if !templates.IsAnswer(answer) {
		answer = ""
		if templates.IsAnswer(meta.Answer) {
			answer = meta.Answer
		}
	}
	id := v.ID
	if id == "" {
		id = v.Hash
	}
	it, err := store.NewOutboxItem(store.OutboxReplyEmail, fmt.Sprintf("reply:%d:%s", cid, id), cid, 0,
		store.ReplyPayload{Text: text, Actor: user, ActorName: b.names.name(ctx, user), To: to.Address, ToName: to.Name, ToRole: to.Role,
			Cc: cc, Language: lang, Answer: answer})
	if err != nil {
		return err
	}
	created, err := b.st.Enqueue(ctx, it)
	if err != nil {
		return err
	}
	if created {
		copies := ""
		if len(cc) > 0 {
			copies = " (Cc: " + escapeMrkdwn(strings.Join(cc, ", ")) + ")"
		}
		reply(ctx, fmt.Sprintf("Your reply to %s%s about %s is on its way; it will appear in the card's thread once sent.", escapeMrkdwn(to.Address), copies, c.Ref))
	}
	return nil
}

// outcomeAnswer is the standard answer that goes with closing c as outcome, or "".
func outcomeAnswer(c store.Contribution, outcome string) string {
	switch outcome {
	case store.OutcomeAccepted:
		if c.EffectiveKind() == store.KindWorkshopRequest {
			return templates.AnswerWorkshopConfirmed
		}
		return templates.AnswerAccepted
	case store.OutcomeDeclined:
		return templates.AnswerDeclined
	}
	return ""
}

// offerAnswer tells the member who closed c with an outcome that has a standard answer
// which one, with a button that opens the Reply modal with it chosen.
func (b *Bot) offerAnswer(ctx context.Context, channel, user string, c store.Contribution, outcome string) {
	answer := outcomeAnswer(c, outcome)
	if answer == "" {
		return
	}
	if channel == "" {
		channel = b.cfg.Channel
	}
	label := "Send the " + strings.ToLower(answerLabels[answer]) + " answer"
	text := fmt.Sprintf("%s is closed as %s. The stakeholder has not been told: send them the standard answer, in %s, which you can edit first.",
		c.Ref, outcome, languageName(templates.Normalize(c.Language)))
	btn := slack.NewButtonBlockElement(actSendAnswer, answer, plain(label, maxButtonText))
	btn.Style = slack.StylePrimary
	_, err := b.api.PostEphemeralContext(ctx, channel, user, slack.MsgOptionText(text, false),
		slack.MsgOptionBlocks(slack.NewSectionBlock(mrkdwn(text, maxSectionText), nil, nil),
			slack.NewActionBlock(answerBlockPrefix+strconv.FormatInt(c.ID, 10), btn)))
	if err != nil {
		b.log.Warn("could not offer the answer to a closed contribution", "contribution_id", c.ID, "user", user, slog.Any("error", err))
	}
}

// answerBlockID reads the contribution of the close confirmation's button.
func answerBlockID(blockID string) (int64, bool) {
	v, ok := strings.CutPrefix(blockID, answerBlockPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}
