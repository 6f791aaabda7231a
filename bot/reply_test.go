package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
	"github.com/wsis/wsisbot/templates"
)

// modalInput is an input of a modal as Slack would show it.
type modalInput struct {
	BlockID, ActionID, Initial string
}

// modalView reads the private metadata, the inputs and the chosen options of a view
// parameter (views.open, views.update).
func modalView(t *testing.T, view string) (meta string, inputs []modalInput, chosen map[string]string) {
	t.Helper()
	var v struct {
		PrivateMetadata string `json:"private_metadata"`
		Blocks          []struct {
			Type     string `json:"type"`
			BlockID  string `json:"block_id"`
			Elements []struct {
				ActionID      string `json:"action_id"`
				InitialOption *struct {
					Value string `json:"value"`
				} `json:"initial_option"`
			} `json:"elements"`
			Element struct {
				ActionID     string `json:"action_id"`
				InitialValue string `json:"initial_value"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(view), &v); err != nil {
		t.Fatal(err)
	}
	chosen = map[string]string{}
	for _, b := range v.Blocks {
		if b.Type == "input" {
			inputs = append(inputs, modalInput{b.BlockID, b.Element.ActionID, b.Element.InitialValue})
		}
		for _, e := range b.Elements {
			if e.InitialOption != nil {
				chosen[e.ActionID] = e.InitialOption.Value
			}
		}
	}
	return v.PrivateMetadata, inputs, chosen
}

// textInput is the modal's text input.
func textInput(t *testing.T, inputs []modalInput) modalInput {
	t.Helper()
	for _, in := range inputs {
		if in.ActionID == inText {
			return in
		}
	}
	t.Fatalf("no text input in %+v", inputs)
	return modalInput{}
}

// choose is a block_actions payload: user picks value in one of the Reply modal's
// selects. The view is the one trigger opened, as it stands now.
func (d *desk) choose(user, trigger, meta, actionID, value string) map[string]any {
	d.t.Helper()
	id, hash, ok := d.slack.View(trigger)
	if !ok {
		d.t.Fatalf("no modal opened by %s", trigger)
	}
	return map[string]any{
		"type": "block_actions", "trigger_id": "trigger-choose", "user": map[string]any{"id": user},
		"container": map[string]any{"type": "view", "view_id": id},
		"view": map[string]any{"id": id, "hash": hash, "type": "modal", "callback_id": viewReply,
			"private_metadata": meta, "state": map[string]any{"values": map[string]any{}}},
		"actions": []any{map[string]any{"block_id": blkReplyAnswer, "action_id": actionID, "type": "static_select",
			"selected_option": map[string]any{"value": value, "text": map[string]any{"type": "plain_text", "text": value}}}},
	}
}

// waitModalUpdate waits for the nth views.update of a modal and returns its view.
func (d *desk) waitModalUpdate(n int) string {
	d.t.Helper()
	d.waitCall(fmt.Sprintf("views.update number %d", n), "views.update", func(slacktest.Call) bool {
		ok := 0
		for _, c := range d.slack.Calls("views.update") {
			if c.Error == "" {
				ok++
			}
		}
		return ok >= n
	})
	var ok []slacktest.Call
	for _, c := range d.slack.Calls("views.update") {
		if c.Error == "" {
			ok = append(ok, c)
		}
	}
	return ok[n-1].Param("view")
}

// replySubmission is a view_submission of the Reply modal with the given state
// (block → action → value).
func replySubmission(user, viewID, meta string, state map[string]map[string]any) map[string]any {
	values := map[string]any{}
	for block, actions := range state {
		values[block] = actions
	}
	return map[string]any{
		"type": "view_submission", "trigger_id": "trigger-submit", "user": map[string]any{"id": user},
		"view": map[string]any{"id": viewID, "type": "modal", "callback_id": viewReply,
			"private_metadata": meta, "state": map[string]any{"values": values}},
	}
}

func selected(v string) map[string]any {
	return map[string]any{"type": "static_select", "selected_option": map[string]any{"value": v}}
}

func typed(v string) map[string]any { return map[string]any{"type": "plain_text_input", "value": v} }

// TestReplyStandardAnswer: choosing an answer fills the text in the contribution's
// language (a new block_id, so that Slack shows it); switching the language writes it
// again in that language; the reply goes out in it, with its Cc in the header, the
// envelope, the outbox item and the audit trail.
func TestReplyStandardAnswer(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	srv := d.runMailer()
	c := d.contribution("Réseaux communautaires en zone rurale")

	d.interact(d.click("U1", c, button(actReply, c)))
	d.waitView("trigger-U1", viewReply)
	opened := d.slack.Calls("views.open")
	meta, inputs, chosen := modalView(t, opened[len(opened)-1].Param("view"))
	if in := textInput(t, inputs); in.BlockID != inText || in.Initial != "" {
		t.Fatalf("the modal opens with text %+v, want an empty %q", in, inText)
	}
	if chosen[actReplyLanguage] != "fr" || chosen[actReplyAnswer] != "" {
		t.Fatalf("the modal opens with %v, want French and no answer", chosen)
	}
	if !slices.ContainsFunc(inputs, func(in modalInput) bool { return in.BlockID == inCc }) {
		t.Fatalf("no Cc input in %+v", inputs)
	}

	// A language chosen without an answer keeps the member's text (same block_id).
	d.interact(d.choose("U1", "trigger-U1", meta, actReplyLanguage, "es"))
	meta, inputs, chosen = modalView(t, d.waitModalUpdate(1))
	if in := textInput(t, inputs); in.BlockID != inText || chosen[actReplyLanguage] != "es" {
		t.Fatalf("after choosing Spanish: text %+v, chosen %v", in, chosen)
	}

	d.interact(d.choose("U1", "trigger-U1", meta, actReplyAnswer, templates.AnswerAccepted))
	meta, inputs, chosen = modalView(t, d.waitModalUpdate(2))
	in := textInput(t, inputs)
	if in.BlockID != inText+".1" || chosen[actReplyAnswer] != templates.AnswerAccepted {
		t.Fatalf("after choosing the accepted answer: text block %q, chosen %v", in.BlockID, chosen)
	}
	for _, must := range []string{"Estimados señores y señoras:", c.Ref, "«Réseaux communautaires en zone rurale»", "ha sido aceptada", "21 de enero de 2019"} {
		if !strings.Contains(in.Initial, must) {
			t.Errorf("the Spanish accepted answer lacks %q:\n%s", must, in.Initial)
		}
	}

	d.interact(d.choose("U1", "trigger-U1", meta, actReplyLanguage, "ar"))
	meta, inputs, _ = modalView(t, d.waitModalUpdate(3))
	in = textInput(t, inputs)
	if in.BlockID != inText+".2" || !strings.Contains(in.Initial, "حضرات السادة والسيدات") || !strings.Contains(in.Initial, c.Ref) {
		t.Fatalf("after choosing Arabic: text block %q:\n%s", in.BlockID, in.Initial)
	}

	// The member edits the text and adds two addresses in copy.
	viewID, _, _ := d.slack.View("trigger-U1")
	text := in.Initial + "\nمع خالص الشكر."
	d.interact(replySubmission("U1", viewID, meta, map[string]map[string]any{
		in.BlockID:     {inText: typed(text)},
		blkReplyAnswer: {actReplyAnswer: selected(templates.AnswerAccepted), actReplyLanguage: selected("ar")},
		inCc:           {inCc: typed("Ministry Desk <desk@gov.example>; partner@ngo.example")},
		inTo:           {inTo: selected("amina@gov.example")},
	}))
	d.waitEphemeral("U1", "(Cc: desk@gov.example, partner@ngo.example)")
	p := replyPayload(t, d, fmt.Sprintf("reply:%d:%s", c.ID, viewID))
	if !slices.Equal(p.Cc, []string{"desk@gov.example", "partner@ngo.example"}) || p.Language != "ar" || p.Answer != templates.AnswerAccepted || p.Text != strings.TrimSpace(text) {
		t.Fatalf("reply payload = %+v", p)
	}

	sent := waitReplyMail(t, srv, c.Ref, "amina@gov.example")
	if !slices.Equal(sent.To, []string{"amina@gov.example", "desk@gov.example", "partner@ngo.example"}) {
		t.Errorf("envelope recipients = %v", sent.To)
	}
	parsed, err := parse.Parse(sent.Raw, parse.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	var cc []string
	for _, a := range parsed.Cc {
		cc = append(cc, a.Email)
	}
	if !slices.Equal(cc, []string{"desk@gov.example", "partner@ngo.example"}) {
		t.Errorf("Cc header = %v", cc)
	}
	if ref, _ := parse.RefTag(parsed.Subject); ref != c.Ref || !strings.Contains(parsed.Subject, "Réseaux communautaires en zone rurale") {
		t.Errorf("subject %q does not carry the reference and the subject", parsed.Subject)
	}
	if sent.Language != "ar" || parsed.Language != "ar" || !strings.Contains(parsed.Text, "مع خالص الشكر") {
		t.Errorf("sent in %q (parsed %q):\n%s", sent.Language, parsed.Language, parsed.Text)
	}
	ev := d.waitEvent(c.ID, "U1", store.ActionReply)
	if got := fmt.Sprint(ev["cc"]); got != "[desk@gov.example partner@ngo.example]" || ev["answer"] != templates.AnswerAccepted || ev["language"] != "ar" {
		t.Errorf("reply event = %v", ev)
	}
}

// TestReplyCcRefused: an address in copy that is none stays in the modal with the error
// on the Cc field (response_action errors, keyed by its block_id); nothing is queued.
func TestReplyCcRefused(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	c := d.contribution("Cc me")
	meta, _ := json.Marshal(replyMeta{ContributionID: c.ID, Channel: testChannel, Language: "fr"})
	for _, tc := range []struct{ cc, want string }{
		{"partner@ngo.example, not-an-address", `"not-an-address" is not an email address`},
		{"noreply@ngo.example", "no-reply or system address"},
		{"a@x.example b@x.example c@x.example d@x.example e@x.example f@x.example g@x.example h@x.example i@x.example j@x.example k@x.example", "at most 10"},
	} {
		payload := replySubmission("U1", "V77", string(meta), map[string]map[string]any{
			inText: {inText: typed("Dear Sir or Madam")},
			inCc:   {inCc: typed(tc.cc)},
		})
		js, _ := json.Marshal(payload)
		rec := d.signedPost("/slack/interactions", "payload="+url.QueryEscape(string(js)))
		var resp struct {
			Action string            `json:"response_action"`
			Errors map[string]string `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || resp.Action != "errors" || !strings.Contains(resp.Errors[inCc], tc.want) {
			t.Errorf("Cc %q answered %d %s, want the error %q on %q", tc.cc, rec.Code, rec.Body, tc.want, inCc)
		}
	}
	if n := d.countOutbox(fmt.Sprintf("reply:%d:%%", c.ID)); n != 0 {
		t.Fatalf("%d replies queued", n)
	}
	// A valid Cc is taken as the modal's ordinary submission: an empty 200.
	payload := replySubmission("U1", "V78", string(meta), map[string]map[string]any{
		inText: {inText: typed("Dear Sir or Madam")},
		inCc:   {inCc: typed("Partner@NGO.example")},
	})
	d.interact(payload)
	d.waitEphemeral("U1", "(Cc: Partner@NGO.example)")
}

// classified is a contribution taken and classified as kind, which can be accepted.
func (d *desk) classified(subject string, kind store.ContributionKind) store.Contribution {
	d.t.Helper()
	c := d.contribution(subject)
	if _, err := d.st.Take(context.Background(), c.ID, "U2"); err != nil {
		d.t.Fatal(err)
	}
	if _, err := d.st.Classify(context.Background(), c.ID, "U2", store.Classification{Kind: kind, StakeholderType: store.StakeholderGovernment}); err != nil {
		d.t.Fatal(err)
	}
	return d.get(c.ID)
}

// TestCloseOffersTheAnswer: closing as accepted tells the member, with a button that
// opens the Reply modal with the accepted answer chosen and its text filled in; a
// workshop request accepted offers the workshop confirmation; spam offers nothing.
func TestCloseOffersTheAnswer(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	c := d.classified("Our thematic submission", store.KindThematic)
	d.interact(d.click("U2", c, map[string]any{"action_id": actClose, "type": "static_select",
		"selected_option": map[string]any{"value": store.OutcomeAccepted}}))
	offer := d.waitEphemeral("U2", "is closed as accepted")
	var blocks []struct {
		BlockID  string `json:"block_id"`
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
			Text     struct {
				Text string `json:"text"`
			} `json:"text"`
		} `json:"elements"`
	}
	if err := json.Unmarshal([]byte(offer.Param("blocks")), &blocks); err != nil {
		t.Fatal(err)
	}
	var button map[string]any
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e.ActionID == actSendAnswer {
				if b.BlockID != fmt.Sprintf("answer:%d", c.ID) || e.Value != templates.AnswerAccepted || e.Text.Text != "Send the accepted answer" {
					t.Fatalf("the offer's button: block %q, %+v", b.BlockID, e)
				}
				button = map[string]any{"block_id": b.BlockID, "action_id": e.ActionID, "type": "button", "value": e.Value}
			}
		}
	}
	if button == nil {
		t.Fatalf("no button in the offer: %s", offer.Param("blocks"))
	}
	d.interact(map[string]any{"type": "block_actions", "trigger_id": "trigger-offer", "response_url": d.responseURL(),
		"user": map[string]any{"id": "U2"}, "channel": map[string]any{"id": testChannel},
		"container": map[string]any{"type": "message", "channel_id": testChannel}, "actions": []any{button}})
	d.waitView("trigger-offer", viewReply)
	opened := d.slack.Calls("views.open")
	_, inputs, chosen := modalView(t, opened[len(opened)-1].Param("view"))
	in := textInput(t, inputs)
	if chosen[actReplyAnswer] != templates.AnswerAccepted || chosen[actReplyLanguage] != "fr" ||
		!strings.Contains(in.Initial, "a été retenue") || !strings.Contains(in.Initial, c.Ref) {
		t.Fatalf("the modal opened from the offer: chosen %v, text:\n%s", chosen, in.Initial)
	}

	w := d.classified("Workshop on community networks", store.KindWorkshopRequest)
	d.interact(d.click("U2", w, map[string]any{"action_id": actClose, "type": "static_select",
		"selected_option": map[string]any{"value": store.OutcomeAccepted}}))
	offer = d.waitEphemeral("U2", w.Ref+" is closed as accepted")
	if !strings.Contains(offer.Param("blocks"), `"value":"`+templates.AnswerWorkshopConfirmed+`"`) {
		t.Errorf("a workshop request accepted offers: %s", offer.Param("blocks"))
	}

	// Declined offers the declined answer, which the modal fills in.
	n := d.classified("Our format proposal", store.KindFormat)
	d.interact(d.click("U2", n, map[string]any{"action_id": actClose, "type": "static_select",
		"selected_option": map[string]any{"value": store.OutcomeDeclined}}))
	offer = d.waitEphemeral("U2", n.Ref+" is closed as declined")
	if !strings.Contains(offer.Param("blocks"), `"value":"`+templates.AnswerDeclined+`"`) ||
		!strings.Contains(offer.Param("blocks"), "Send the declined answer") {
		t.Errorf("closing as declined offers: %s", offer.Param("blocks"))
	}
	d.interact(map[string]any{"type": "block_actions", "trigger_id": "trigger-declined", "response_url": d.responseURL(),
		"user": map[string]any{"id": "U2"}, "channel": map[string]any{"id": testChannel},
		"container": map[string]any{"type": "message", "channel_id": testChannel},
		"actions": []any{map[string]any{"block_id": fmt.Sprintf("answer:%d", n.ID), "action_id": actSendAnswer, "type": "button",
			"value": templates.AnswerDeclined}}})
	d.waitView("trigger-declined", viewReply)
	opened = d.slack.Calls("views.open")
	_, inputs, chosen = modalView(t, opened[len(opened)-1].Param("view"))
	if in := textInput(t, inputs); chosen[actReplyAnswer] != templates.AnswerDeclined || !strings.Contains(in.Initial, n.Ref) ||
		!strings.Contains(in.Initial, "a le regret") {
		t.Errorf("the modal opened from the declined offer: chosen %v, text:\n%s", chosen, in.Initial)
	}

	s := d.contribution("Buy cheap watches")
	d.interact(d.click("U2", s, map[string]any{"action_id": actClose, "type": "static_select",
		"selected_option": map[string]any{"value": store.OutcomeSpam}}))
	d.waitUpdate(s, "closed as spam")
	for _, call := range d.slack.Calls("chat.postEphemeral") {
		if strings.Contains(call.Param("text"), s.Ref+" is closed") {
			t.Errorf("closing as spam offered an answer: %s", call.Param("text"))
		}
	}
}

// TestReplyCcRefusedOverSocketMode: over Socket Mode the error on the Cc field is the
// acknowledgement's payload; nothing is queued.
func TestReplyCcRefusedOverSocketMode(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: func(c *Config) { c.AppToken = "xapp-test"; c.SigningSecret = "" }})
	storetest.Eventually(t, 10*time.Second, "the Socket Mode client to connect", d.slack.SocketConnected)
	c := d.contribution("Cc over the socket")
	meta, _ := json.Marshal(replyMeta{ContributionID: c.ID, Channel: testChannel, Language: "fr"})
	id, err := d.slack.SocketSend("interactive", replySubmission("U1", "V90", string(meta), map[string]map[string]any{
		inText: {inText: typed("Madame, Monsieur,")},
		inCc:   {inCc: typed("partner@ngo")},
	}), "")
	if err != nil {
		t.Fatal(err)
	}
	ack := d.waitCall("the ack of "+id, "socket_ack", func(call slacktest.Call) bool { return call.Param("envelope_id") == id })
	var resp struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(ack.Body, &resp); err != nil || resp.Action != "errors" || !strings.Contains(resp.Errors[inCc], `"partner@ngo" is not an email address`) {
		t.Fatalf("ack payload %s", ack.Body)
	}
	if n := d.countOutbox(fmt.Sprintf("reply:%d:%%", c.ID)); n != 0 {
		t.Fatalf("%d replies queued", n)
	}
}
