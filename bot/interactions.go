package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/store"
)

// Modal callback IDs and their input block IDs (each input's action ID is its block ID).
const (
	viewClassify = "classify"
	viewReply    = "reply"
	viewReopen   = "reopen"

	inKind         = "kind"
	inStakeholder  = "stakeholder_type"
	inActionLines  = "action_lines"
	inSDGs         = "sdgs"
	inOrganisation = "organisation"
	inText         = "text"
	inReason       = "reason"
	inTo           = "to"
)

// sdgNames are the 17 Sustainable Development Goals.
var sdgNames = []string{"No poverty", "Zero hunger", "Good health and well-being", "Quality education",
	"Gender equality", "Clean water and sanitation", "Affordable and clean energy",
	"Decent work and economic growth", "Industry, innovation and infrastructure", "Reduced inequalities",
	"Sustainable cities and communities", "Responsible consumption and production", "Climate action",
	"Life below water", "Life on land", "Peace, justice and strong institutions", "Partnerships for the goals"}

// viewMeta is a modal's private metadata: which contribution, and where to answer.
type viewMeta struct {
	ContributionID int64  `json:"cid"`
	Channel        string `json:"channel,omitempty"`
}

// handleInteraction does what a click or a submitted modal asks. Slack has already been
// answered.
func (b *Bot) handleInteraction(ctx context.Context, raw []byte) {
	var ic slack.InteractionCallback
	if err := json.Unmarshal(raw, &ic); err != nil {
		b.log.Warn("unreadable interaction payload", slog.Any("error", err))
		return
	}
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		b.onBlockActions(ctx, ic)
	case slack.InteractionTypeViewSubmission:
		b.onViewSubmission(ctx, ic)
	}
}

// replier answers one user privately.
type replier func(ctx context.Context, text string)

func (b *Bot) replierFor(channel, user, responseURL string) replier {
	return func(ctx context.Context, text string) { b.ephemeral(ctx, channel, user, responseURL, text) }
}

// ephemeral shows text to user only: chat.postEphemeral in the channel, else (the user is
// not in it) through the response URL.
func (b *Bot) ephemeral(ctx context.Context, channel, user, responseURL, text string) {
	if channel == "" {
		channel = b.cfg.Channel
	}
	_, err := b.api.PostEphemeralContext(ctx, channel, user, slack.MsgOptionText(text, false))
	if err == nil {
		return
	}
	if responseURL != "" && responseURLAllowed(b.cfg.APIURL, responseURL) {
		werr := slack.PostWebhookCustomHTTPContext(ctx, responseURL, b.httpClient,
			&slack.WebhookMessage{ResponseType: slack.ResponseTypeEphemeral, Text: text})
		if werr == nil {
			return
		}
		err = errors.Join(err, werr)
	}
	b.log.Warn("could not answer a user", "user", user, slog.Any("error", err))
}

// authorize lets full members of the workspace in the intake channel or the user group
// act; anyone else is refused privately and the attempt is logged.
func (b *Bot) authorize(ctx context.Context, user, what string, reply replier) bool {
	st, err := b.members.standing(ctx, user)
	if err != nil {
		b.log.Error("cannot check who may act", "user", user, "action", what, slog.Any("error", err))
		reply(ctx, "I could not check that you may do this: Slack did not answer. Please try again.")
		return false
	}
	if st != standingMember {
		b.log.Warn("refused an action by someone outside the secretariat", "user", user, "action", what, "standing", st.String())
		reply(ctx, b.refusal(st))
		return false
	}
	return true
}

// outcome reports what became of an action to its author when it did not go through.
func (b *Bot) outcome(ctx context.Context, action string, cid int64, user string, err error, reply replier) {
	if err == nil {
		b.log.Info("action", "action", action, "contribution_id", cid, "user", user)
		return
	}
	var te *store.ErrTransition
	switch {
	case errors.As(err, &te):
		b.log.Info("action refused", "action", action, "contribution_id", cid, "user", user, "reason", te.Why)
		verb := te.Action
		if verb == store.ActionTake {
			verb = "take" // what the member clicked; the stakeholder's acknowledgement is mail
		}
		reply(ctx, fmt.Sprintf("You cannot %s this contribution now: it is %s, and %s. Nothing was changed.", verb, statusWord(te.From), te.Why))
	case errors.Is(err, store.ErrNotFound):
		reply(ctx, "That contribution no longer exists.")
	case slackErrorCode(err) == "expired_trigger_id":
		reply(ctx, "That took too long; please click again.")
	default:
		b.log.Error("action failed", "action", action, "contribution_id", cid, "user", user, slog.Any("error", err))
		reply(ctx, "Something went wrong and nothing was changed. Please try again.")
	}
}

func cardBlockID(blockID string) (int64, bool) {
	v, ok := strings.CutPrefix(blockID, "card:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

func (b *Bot) onBlockActions(ctx context.Context, ic slack.InteractionCallback) {
	user := ic.User.ID
	channel := ic.Channel.ID
	if channel == "" {
		channel = ic.Container.ChannelID
	}
	if ic.View.CallbackID == viewReply && ic.View.ID != "" {
		b.onReplyAction(ctx, ic) // a choice inside the Reply modal (reply.go)
		return
	}
	reply := b.replierFor(channel, user, ic.ResponseURL)
	for _, a := range ic.ActionCallback.BlockActions {
		if cid, ok := answerBlockID(a.BlockID); ok && a.ActionID == actSendAnswer {
			if b.authorize(ctx, user, a.ActionID, reply) {
				b.outcome(ctx, a.ActionID, cid, user, b.openReply(ctx, ic.TriggerID, cid, channel, a.Value), reply)
			}
			continue
		}
		if mid, ok := senderBlockID(a.BlockID); ok {
			if b.authorize(ctx, user, a.ActionID, reply) {
				b.onSenderAction(ctx, mid, a, user, reply)
			}
			continue
		}
		if cid, ok := filesBlockID(a.BlockID); ok && a.ActionID == actOpenFiles {
			if b.authorize(ctx, user, a.ActionID, reply) {
				b.openFiles(ctx, cid, user, reply)
			}
			continue
		}
		if mid, ok := sortedBlockID(a.BlockID); ok && a.ActionID == actPromote {
			if b.authorize(ctx, user, a.ActionID, reply) {
				b.promote(ctx, mid, user, reply)
			}
			continue
		}
		if cid, ok := revisionBlockID(a.BlockID); ok {
			if b.authorize(ctx, user, a.ActionID, reply) {
				b.onRevisionAction(ctx, cid, a, user, reply)
			}
			continue
		}
		if a.BlockID == findBlockID {
			if b.authorize(ctx, user, a.ActionID, reply) {
				b.onFindPage(ctx, ic, a, reply)
			}
			continue
		}
		cid, ok := cardBlockID(a.BlockID)
		if !ok {
			continue
		}
		if !b.authorize(ctx, user, a.ActionID, reply) {
			continue
		}
		var err error
		switch a.ActionID {
		case actTake, actTakeOnOlderCards:
			_, err = b.st.Take(ctx, cid, user)
		case actAssign:
			if a.SelectedUser == "" {
				continue
			}
			_, err = b.st.Assign(ctx, cid, user, a.SelectedUser)
		case actClose:
			if a.SelectedOption.Value == "" {
				continue
			}
			var c store.Contribution
			if c, err = b.st.CloseContribution(ctx, cid, user, a.SelectedOption.Value, ""); err == nil {
				b.offerAnswer(ctx, channel, user, c, a.SelectedOption.Value)
			}
		case actReply:
			err = b.openReply(ctx, ic.TriggerID, cid, channel, "")
		case actClassify, actReopen:
			err = b.openModal(ctx, a.ActionID, ic.TriggerID, cid, channel)
		default:
			continue
		}
		b.outcome(ctx, a.ActionID, cid, user, err, reply)
	}
}

func (b *Bot) openModal(ctx context.Context, which, trigger string, cid int64, channel string) error {
	c, err := b.st.Contribution(ctx, cid)
	if err != nil {
		return err
	}
	meta, err := json.Marshal(viewMeta{ContributionID: cid, Channel: channel})
	if err != nil {
		return err
	}
	var v slack.ModalViewRequest
	switch which {
	case actClassify:
		if c.Status == store.StatusClosed {
			return &store.ErrTransition{Action: store.ActionClassify, From: c.Status, Why: "reopen it first"}
		}
		v = classifyView(c)
	case actReopen:
		if c.Status != store.StatusClosed {
			return &store.ErrTransition{Action: store.ActionReopen, From: c.Status, Why: "only a closed contribution can be reopened"}
		}
		v = reopenView(c)
	}
	v.PrivateMetadata = string(meta)
	if _, err := b.api.OpenViewContext(ctx, trigger, v); err != nil {
		return fmt.Errorf("views.open: %w", err)
	}
	return nil
}

func modal(callback, title, submit string, blocks ...slack.Block) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		CallbackID: callback,
		Title:      plain(title, 24),
		Submit:     plain(submit, 24),
		Close:      plain("Cancel", 24),
		Blocks:     slack.Blocks{BlockSet: blocks},
	}
}

// aboutBlock names the contribution a modal acts on.
func aboutBlock(c store.Contribution) slack.Block {
	from := c.FromName
	if c.FromEmail != "" {
		from = strings.TrimSpace(from + " (" + c.FromEmail + ")")
	}
	return slack.NewSectionBlock(mrkdwn(fmt.Sprintf("*%s* from %s\n%s", c.Ref, escapeMrkdwn(from), escapeMrkdwn(c.Subject)), maxSectionText), nil, nil)
}

func option(value, label string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, plain(label, maxButtonText), nil)
}

func classifyView(c store.Contribution) slack.ModalViewRequest {
	var kinds, sts, lines, sdgs []*slack.OptionBlockObject
	byValue := map[string]*slack.OptionBlockObject{}
	for _, k := range store.Kinds {
		o := option(string(k), kindLabel(k))
		kinds = append(kinds, o)
		byValue["k:"+string(k)] = o
	}
	for _, s := range store.StakeholderTypes {
		o := option(s, stakeholderLabel(s))
		sts = append(sts, o)
		byValue["s:"+s] = o
	}
	for _, a := range store.ActionLines {
		o := option(a.Code, a.Code+" — "+a.Name)
		lines = append(lines, o)
		byValue["a:"+a.Code] = o
	}
	for i, name := range sdgNames {
		v := strconv.Itoa(i + 1)
		o := option(v, "SDG "+v+" — "+name)
		sdgs = append(sdgs, o)
		byValue["g:"+v] = o
	}
	kindEl := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose a kind", maxButtonText), inKind, kinds...)
	kindEl.InitialOption = byValue["k:"+string(c.EffectiveKind())]
	stEl := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose a stakeholder type", maxButtonText), inStakeholder, sts...)
	stEl.InitialOption = byValue["s:"+c.EffectiveStakeholderType()]
	linesEl := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain("Action lines", maxButtonText), inActionLines, lines...)
	initialLines := c.ActionLines
	if len(initialLines) == 0 {
		initialLines = c.ActionLinesSuggested
	}
	for _, a := range initialLines {
		if o := byValue["a:"+a]; o != nil {
			linesEl.InitialOptions = append(linesEl.InitialOptions, o)
		}
	}
	sdgEl := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain("SDGs", maxButtonText), inSDGs, sdgs...)
	for _, g := range c.SDGs {
		if o := byValue["g:"+strconv.FormatInt(g, 10)]; o != nil {
			sdgEl.InitialOptions = append(sdgEl.InitialOptions, o)
		}
	}
	orgEl := slack.NewPlainTextInputBlockElement(plain("Organisation", maxButtonText), inOrganisation)
	orgEl.InitialValue = c.Organisation
	if orgEl.InitialValue == "" {
		orgEl.InitialValue = c.OrganisationSuggested
	}
	orgEl.InitialValue = cut(orgEl.InitialValue, 150)
	orgEl.MaxLength = 150

	linesIn := slack.NewInputBlock(inActionLines, plain("WSIS Action Lines", maxPlainLabel), nil, linesEl)
	linesIn.Optional = true
	sdgIn := slack.NewInputBlock(inSDGs, plain("Sustainable Development Goals", maxPlainLabel), nil, sdgEl)
	sdgIn.Optional = true
	orgIn := slack.NewInputBlock(inOrganisation, plain("Organisation", maxPlainLabel), nil, orgEl)
	orgIn.Optional = true
	hint := "Suggestions are preselected."
	if c.Status == store.StatusReceived {
		hint += " Classifying also takes it: it becomes yours."
	}
	return modal(viewClassify, "Classify", "Classify",
		aboutBlock(c),
		slack.NewContextBlock("", mrkdwn(hint, maxContextText)),
		slack.NewInputBlock(inKind, plain("Kind", maxPlainLabel), nil, kindEl),
		slack.NewInputBlock(inStakeholder, plain("Stakeholder type", maxPlainLabel), nil, stEl),
		linesIn, sdgIn, orgIn)
}

func reopenView(c store.Contribution) slack.ModalViewRequest {
	el := slack.NewPlainTextInputBlockElement(plain("Why is it reopened?", maxButtonText), inReason)
	el.Multiline = true
	el.MaxLength = 500
	return modal(viewReopen, "Reopen", "Reopen",
		aboutBlock(c),
		slack.NewInputBlock(inReason, plain("Reason", maxPlainLabel), nil, el))
}

// stateValue is one input's value in a submitted modal.
func stateValue(v slack.View, block string) slack.BlockAction {
	if v.State == nil {
		return slack.BlockAction{}
	}
	return v.State.Values[block][block]
}

func (b *Bot) onViewSubmission(ctx context.Context, ic slack.InteractionCallback) {
	var meta viewMeta
	if err := json.Unmarshal([]byte(ic.View.PrivateMetadata), &meta); err != nil || meta.ContributionID == 0 {
		b.log.Warn("a submitted modal without its contribution", "callback_id", ic.View.CallbackID)
		return
	}
	user, cid := ic.User.ID, meta.ContributionID
	var responseURL string
	if len(ic.ResponseURLs) > 0 {
		responseURL = ic.ResponseURLs[0].ResponseURL
	}
	reply := b.replierFor(meta.Channel, user, responseURL)
	if !b.authorize(ctx, user, ic.View.CallbackID, reply) {
		return
	}
	var err error
	switch ic.View.CallbackID {
	case viewClassify:
		err = b.submitClassify(ctx, cid, user, ic.View)
	case viewReopen:
		_, err = b.st.Reopen(ctx, cid, user, strings.TrimSpace(stateValue(ic.View, inReason).Value))
	case viewReply:
		err = b.submitReply(ctx, cid, user, ic.View, reply)
	default:
		return
	}
	b.outcome(ctx, ic.View.CallbackID, cid, user, err, reply)
}

// submitClassify classifies; a contribution nobody took yet is taken first, by the same
// person (two events).
func (b *Bot) submitClassify(ctx context.Context, cid int64, user string, v slack.View) error {
	cl := store.Classification{
		Kind:            store.ContributionKind(stateValue(v, inKind).SelectedOption.Value),
		StakeholderType: stateValue(v, inStakeholder).SelectedOption.Value,
		Organisation:    strings.TrimSpace(stateValue(v, inOrganisation).Value),
	}
	for _, o := range stateValue(v, inActionLines).SelectedOptions {
		cl.ActionLines = append(cl.ActionLines, o.Value)
	}
	for _, o := range stateValue(v, inSDGs).SelectedOptions {
		if g, err := strconv.ParseInt(o.Value, 10, 64); err == nil {
			cl.SDGs = append(cl.SDGs, g)
		}
	}
	c, err := b.st.Contribution(ctx, cid)
	if err != nil {
		return err
	}
	if c.Status == store.StatusReceived {
		// Someone else may have taken it meanwhile: that refusal does not matter here.
		if _, err := b.st.Take(ctx, cid, user); err != nil && !store.IsTransitionError(err) {
			return err
		}
	}
	_, err = b.st.Classify(ctx, cid, user, cl)
	return err
}

// handleEvent handles an Events API callback: the App Home opening, and messages in a
// card's thread (notes.go).
func (b *Bot) handleEvent(ctx context.Context, raw []byte) {
	var outer struct {
		Type  string `json:"type"`
		Event struct {
			Type string `json:"type"`
			User string `json:"user"`
			Tab  string `json:"tab"`
		} `json:"event"`
	}
	if err := json.Unmarshal(raw, &outer); err != nil {
		b.log.Warn("unreadable event", slog.Any("error", err))
		return
	}
	if outer.Type == "event_callback" && outer.Event.Type == "message" {
		b.handleMessageEvent(ctx, raw)
		return
	}
	if outer.Type != "event_callback" || outer.Event.Type != "app_home_opened" || outer.Event.User == "" {
		return
	}
	if outer.Event.Tab != "" && outer.Event.Tab != "home" {
		return
	}
	if err := b.publishHome(ctx, outer.Event.User); err != nil {
		b.log.Warn("could not publish the App Home", "user", outer.Event.User, slog.Any("error", err))
	}
}
