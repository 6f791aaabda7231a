package bot

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// lastActions lists the contribution's events after the first n, as "actor:action",
// a Slack user by their ID.
func (d *desk) actionsSince(id int64, n int) []string {
	var out []string
	for _, e := range d.events(id)[n:] {
		if e.Action == store.ActionCardPosted {
			continue
		}
		who := e.Actor
		if u, ok := e.SlackUser(); ok {
			who = u
		}
		out = append(out, who+":"+e.Action)
	}
	return out
}

// waitView waits for a modal opened with the trigger and returns its blocks as text.
func (d *desk) waitView(trigger, callback string) string {
	d.t.Helper()
	call := d.waitCall("the "+callback+" modal", "views.open", func(c slacktest.Call) bool {
		if c.Param("trigger_id") != trigger {
			return false
		}
		var v struct {
			CallbackID string `json:"callback_id"`
		}
		_ = json.Unmarshal([]byte(c.Param("view")), &v)
		return v.CallbackID == callback
	})
	return slacktest.RenderText(viewBlocks(d.t, call.Param("view")), "")
}

func TestActionsEndToEnd(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})

	t.Run("take", func(t *testing.T) {
		c := d.contribution("Take me")
		n := len(d.events(c.ID))
		d.interact(d.click("U1", c, button(actTake, c)))
		d.waitUpdate(c, "👀 taken", "<@U1> took it", "*Assignee*\n<@U1>")
		if got := d.actionsSince(c.ID, n); !slices.Equal(got, []string{"U1:acknowledge"}) {
			t.Fatalf("events %v", got)
		}
		// A second click is refused, privately, with the reason; nothing changes.
		d.interact(d.click("U2", c, button(actTake, c)))
		d.waitEphemeral("U2", "You cannot take this contribution now: it is taken, and only a received contribution can be taken")
		if got := d.actionsSince(c.ID, n); len(got) != 1 || d.get(c.ID).Assignee != "U1" {
			t.Fatalf("a refused take changed something: %v", got)
		}
	})

	t.Run("take on a card posted before the button was called Take", func(t *testing.T) {
		c := d.contribution("Take me from an older card")
		n := len(d.events(c.ID))
		d.interact(d.click("U3", c, button(actTakeOnOlderCards, c)))
		d.waitUpdate(c, "<@U3> took it", "*Assignee*\n<@U3>")
		if got := d.actionsSince(c.ID, n); !slices.Equal(got, []string{"U3:acknowledge"}) {
			t.Fatalf("events %v", got)
		}
	})

	t.Run("assign", func(t *testing.T) {
		c := d.contribution("Assign me")
		n := len(d.events(c.ID))
		d.interact(d.click("U1", c, map[string]any{"action_id": actAssign, "type": "users_select", "selected_user": "U3"}))
		d.waitUpdate(c, "*Assignee*\n<@U3>", "<@U1> assigned it to <@U3>")
		if got := d.actionsSince(c.ID, n); !slices.Equal(got, []string{"U1:assign"}) || d.get(c.ID).Status != store.StatusReceived {
			t.Fatalf("events %v", got)
		}
	})

	t.Run("classify a received contribution: take, then classify", func(t *testing.T) {
		c := d.contribution("Classify me")
		n := len(d.events(c.ID))
		d.interact(d.click("U2", c, button(actClassify, c)))
		view := d.waitView("trigger-U2", viewClassify)
		for _, want := range []string{c.Ref, "Kind: [Choose a kind ▾]", "also takes it"} {
			if !strings.Contains(view, want) {
				t.Errorf("classify modal lacks %q:\n%s", want, view)
			}
		}
		// The suggestions are preselected.
		call := d.slack.Calls("views.open")[len(d.slack.Calls("views.open"))-1]
		if got := initialValues(t, call.Param("view")); !slices.Equal(got, []string{
			"kind=" + string(store.KindThematic), "stakeholder_type=" + store.StakeholderGovernment, "action_lines=C7", "organisation=Ministry of ICT"}) {
			t.Errorf("preselected %v", got)
		}
		d.interact(d.submit("U2", viewClassify, "V100", c, map[string]any{
			inKind:         map[string]any{"type": "static_select", "selected_option": map[string]any{"value": store.KindFormat}},
			inStakeholder:  map[string]any{"type": "static_select", "selected_option": map[string]any{"value": store.StakeholderCivilSociety}},
			inActionLines:  map[string]any{"type": "multi_static_select", "selected_options": []any{map[string]any{"value": "C4"}, map[string]any{"value": "C9"}}},
			inSDGs:         map[string]any{"type": "multi_static_select", "selected_options": []any{map[string]any{"value": "4"}, map[string]any{"value": "17"}}},
			inOrganisation: map[string]any{"type": "plain_text_input", "value": "Digital Rights NGO"},
		}))
		d.waitUpdate(c, "🏷️ classified", "Format innovations (official submission) _(confirmed)_", "Civil society _(confirmed)_",
			"*Action lines:* C4, C9", "*SDGs:* 4, 17", "Digital Rights NGO", "<@U2> classified it")
		if got := d.actionsSince(c.ID, n); !slices.Equal(got, []string{"U2:acknowledge", "U2:classify"}) {
			t.Fatalf("events %v", got)
		}
		if got := d.get(c.ID); got.Assignee != "U2" || got.Kind == nil || *got.Kind != store.KindFormat {
			t.Fatalf("contribution = %+v", got)
		}
	})

	t.Run("close refused, then closed", func(t *testing.T) {
		c := d.contribution("Close me")
		n := len(d.events(c.ID))
		closeAs := func(outcome string) map[string]any {
			return map[string]any{"action_id": actClose, "type": "static_select", "selected_option": map[string]any{"value": outcome}}
		}
		d.interact(d.click("U1", c, closeAs(store.OutcomeAccepted)))
		d.waitEphemeral("U1", "classify it before it is accepted")
		if d.get(c.ID).Status != store.StatusReceived || len(d.actionsSince(c.ID, n)) != 0 {
			t.Fatal("a refused close changed the contribution")
		}
		d.interact(d.click("U1", c, closeAs(store.OutcomeSpam)))
		up := d.waitUpdate(c, "✅ closed as spam", "<@U1> closed it as spam")
		// A closed card offers Reopen and Reply only.
		text := slacktest.RenderText([]byte(up.Param("blocks")), "")
		if !strings.Contains(text, "[Reopen] [Reply]") || strings.Contains(text, "Close…") {
			t.Errorf("closed card controls:\n%s", text)
		}
	})

	t.Run("reopen with a reason", func(t *testing.T) {
		c := d.contribution("Reopen me")
		if _, err := d.st.CloseContribution(d.ctx, c.ID, "U1", store.OutcomeDuplicate, ""); err != nil {
			t.Fatal(err)
		}
		n := len(d.events(c.ID))
		d.interact(d.click("U3", c, button(actReopen, c)))
		d.waitView("trigger-U3", viewReopen)
		d.interact(d.submit("U3", viewReopen, "V200", c, map[string]any{
			inReason: map[string]any{"type": "plain_text_input", "value": "Not a duplicate <!channel> after all"},
		}))
		d.waitUpdate(c, "🆕 received", "<@U3> reopened it: Not a duplicate &lt;!channel&gt; after all")
		if got := d.actionsSince(c.ID, n); !slices.Equal(got, []string{"U3:reopen"}) {
			t.Fatalf("events %v", got)
		}
	})

	t.Run("reply goes to the mailer through the outbox", func(t *testing.T) {
		c := d.contribution("Reply to me")
		d.interact(d.click("U1", c, button(actReply, c)))
		view := d.waitView("trigger-U1", viewReply)
		if !strings.Contains(view, "amina@gov.example") {
			t.Errorf("reply modal:\n%s", view)
		}
		submit := d.submit("U1", viewReply, "V300", c, map[string]any{
			inText: map[string]any{"type": "plain_text_input", "value": "Thank you, we need the annex in PDF."},
		})
		d.interact(submit)
		d.waitEphemeral("U1", "is on its way")
		key := fmt.Sprintf("reply:%d:V300", c.ID)
		it, ok := d.outboxItem(key)
		if !ok || it.Kind != store.OutboxReplyEmail || it.ContributionID == nil || *it.ContributionID != c.ID {
			t.Fatalf("reply item = %+v (%v)", it, ok)
		}
		var p store.ReplyPayload
		if err := json.Unmarshal(it.Payload, &p); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p, store.ReplyPayload{Text: "Thank you, we need the annex in PDF.", Actor: "U1", ActorName: "Ada Secretariat",
			To: "amina@gov.example", ToName: "Amina Sender", ToRole: store.RecipientContact, Language: "fr"}) {
			t.Fatalf("payload = %+v", p)
		}
		// Slack delivering the same submission twice makes one email.
		d.interact(submit)
		storetest.Eventually(t, 5*time.Second, "the second submission to be handled", func() bool {
			return strings.Contains(d.logs.String(), "action=reply contribution_id="+itoa(c.ID)+" user=U1") &&
				strings.Count(d.logs.String(), "action=reply contribution_id="+itoa(c.ID)+" user=U1") >= 2
		})
		if n := d.countOutbox(fmt.Sprintf("reply:%d:%%", c.ID)); n != 1 {
			t.Fatalf("%d reply items", n)
		}
	})
}

func TestNonMemberChangesNothing(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: func(c *Config) { c.UserGroup = "S0SECRETARIAT" }})
	d.slack.SetUserGroup("S0SECRETARIAT", "U7")
	c := d.contribution("Members only")
	n := len(d.events(c.ID))
	updates := len(d.slack.Calls("chat.update"))

	for _, click := range []map[string]any{
		button(actTake, c),
		{"action_id": actClose, "type": "static_select", "selected_option": map[string]any{"value": store.OutcomeSpam}},
		button(actClassify, c),
	} {
		d.interact(d.click("U9", c, click))
	}
	d.interact(d.submit("U9", viewReopen, "V9", c, map[string]any{inReason: map[string]any{"value": "sneaky"}}))
	storetest.Eventually(t, 10*time.Second, "four refusals", func() bool {
		k := 0
		for _, call := range d.slack.Calls("chat.postEphemeral") {
			if call.Param("user") == "U9" && strings.Contains(call.Param("text"), "only members of <#C0INTAKE> or of <!subteam^S0SECRETARIAT>") {
				k++
			}
		}
		return k == 4
	})
	if got := d.actionsSince(c.ID, n); len(got) != 0 || d.get(c.ID).Status != store.StatusReceived {
		t.Fatalf("a non-member changed the contribution: %v", got)
	}
	if len(d.slack.Calls("views.open")) != 0 || len(d.slack.Calls("chat.update")) != updates {
		t.Fatal("a non-member opened a modal or updated the card")
	}
	if !strings.Contains(d.logs.String(), "refused an action by someone outside the secretariat") {
		t.Fatal("the attempt was not logged")
	}

	// A member of the user group who is not in the channel may act.
	d.interact(d.click("U7", c, button(actTake, c)))
	d.waitUpdate(c, "<@U7> took it")
}

// initialValues lists what a modal preselects, as "block=value".
func initialValues(t *testing.T, view string) []string {
	t.Helper()
	var v struct {
		Blocks []struct {
			BlockID string `json:"block_id"`
			Element struct {
				InitialOption *struct {
					Value string `json:"value"`
				} `json:"initial_option"`
				InitialOptions []struct {
					Value string `json:"value"`
				} `json:"initial_options"`
				InitialValue string `json:"initial_value"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(view), &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range v.Blocks {
		if b.Element.InitialOption != nil {
			out = append(out, b.BlockID+"="+b.Element.InitialOption.Value)
		}
		for _, o := range b.Element.InitialOptions {
			out = append(out, b.BlockID+"="+o.Value)
		}
		if b.Element.InitialValue != "" {
			out = append(out, b.BlockID+"="+b.Element.InitialValue)
		}
	}
	return out
}
