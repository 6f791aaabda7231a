package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

func TestSocketMode(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: func(c *Config) { c.AppToken = "xapp-test"; c.SigningSecret = "" }})
	storetest.Eventually(t, 10*time.Second, "the Socket Mode client to connect", d.slack.SocketConnected)
	c := d.contribution("Over the socket")

	send := func(kind string, payload any, envelope string) string {
		t.Helper()
		id, err := d.slack.SocketSend(kind, payload, envelope)
		if err != nil {
			t.Fatal(err)
		}
		d.waitCall("the ack of "+id, "socket_ack", func(call slacktest.Call) bool { return call.Param("envelope_id") == id })
		return id
	}

	// A click, acknowledged at once, then done.
	env := send("interactive", d.click("U1", c, button(actTake, c)), "")
	d.waitUpdate(c, "<@U1> took it")
	// Slack sends it again: acknowledged again, done once.
	send("interactive", d.click("U1", c, button(actTake, c)), env)
	storetest.Eventually(t, 10*time.Second, "the repeat to be ignored", func() bool {
		return strings.Contains(d.logs.String(), "a request Slack sent again is ignored")
	})
	if evs := d.actionsSince(c.ID, 0); strings.Count(strings.Join(evs, " "), ":acknowledge") != 1 {
		t.Fatalf("events %v", evs)
	}

	// A slash command.
	send("slash_commands", map[string]any{"command": "/wsis", "text": "status", "user_id": "U2", "channel_id": testChannel,
		"response_url": d.api.URL + "/_response/socket"}, "")
	answer := d.waitCall("the answer to /wsis status", "response_url", func(call slacktest.Call) bool { return call.Path == "/_response/socket" })
	if !strings.Contains(string(answer.Body), "1 contribution, 1 open") {
		t.Errorf("answer = %s", answer.Body)
	}

	// The App Home.
	send("events_api", map[string]any{"type": "event_callback", "event_id": "EvS1",
		"event": map[string]any{"type": "app_home_opened", "user": "U3", "tab": "home"}}, "")
	d.waitCall("the App Home", "views.publish", func(call slacktest.Call) bool { return call.Param("user_id") == "U3" })
	if c := d.get(c.ID); c.Status != store.StatusTaken {
		t.Fatalf("status %s", c.Status)
	}
}
