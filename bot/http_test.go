package bot

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
)

// Slack's documented example, from
// https://api.slack.com/authentication/verifying-requests-from-slack
const (
	slackExampleSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	slackExampleTimestamp = 1531420618
	slackExampleBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	slackExampleSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func exampleHeader(sig string, ts string) http.Header {
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", sig)
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return h
}

func TestVerifySignatureSlackExample(t *testing.T) {
	t.Parallel()
	at := time.Unix(slackExampleTimestamp, 0)
	h := exampleHeader(slackExampleSignature, "1531420618")
	cases := []struct {
		name   string
		secret string
		body   string
		h      http.Header
		now    time.Time
		ok     bool
	}{
		{"documented example", slackExampleSecret, slackExampleBody, h, at.Add(30 * time.Second), true},
		{"4m59s later", slackExampleSecret, slackExampleBody, h, at.Add(299 * time.Second), true},
		{"5m01s later: stale", slackExampleSecret, slackExampleBody, h, at.Add(301 * time.Second), false},
		{"6 minutes early: from the future", slackExampleSecret, slackExampleBody, h, at.Add(-6 * time.Minute), false},
		{"other secret", "another secret", slackExampleBody, h, at, false},
		{"body changed", slackExampleSecret, strings.Replace(slackExampleBody, "roadrunner", "coyote", 1), h, at, false},
		{"timestamp changed", slackExampleSecret, slackExampleBody, exampleHeader(slackExampleSignature, "1531420619"), at, false},
		{"not v0", slackExampleSecret, slackExampleBody, exampleHeader("v1="+slackExampleSignature[3:], "1531420618"), at, false},
		{"not hex", slackExampleSecret, slackExampleBody, exampleHeader("v0=zz", "1531420618"), at, false},
		{"no headers", slackExampleSecret, slackExampleBody, http.Header{}, at, false},
		{"no secret configured", "", slackExampleBody, h, at, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := verifySignature(tc.secret, tc.h, []byte(tc.body), tc.now)
			if (err == nil) != tc.ok {
				t.Fatalf("verifySignature = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestHandlerAcceptsSlackExample(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{start: time.Unix(slackExampleTimestamp, 0).Add(10 * time.Second), noRun: true,
		config: func(c *Config) { c.SigningSecret = slackExampleSecret }})
	rec := d.post("/slack/commands", slackExampleBody, exampleHeader(slackExampleSignature, "1531420618"))
	if rec.Code != http.StatusOK {
		t.Fatalf("documented example refused: %d %s", rec.Code, rec.Body)
	}
	// /webhook-collect is not our command: answered at once, nothing else done.
	if !strings.Contains(rec.Body.String(), "/wsis only") {
		t.Fatalf("answer = %s", rec.Body)
	}
	d.clock.Set(time.Unix(slackExampleTimestamp, 0).Add(6 * time.Minute))
	if rec := d.post("/slack/commands", slackExampleBody, exampleHeader(slackExampleSignature, "1531420618")); rec.Code != http.StatusUnauthorized {
		t.Fatalf("a replay 6 minutes later answered %d", rec.Code)
	}
}

func TestHandlerRefusesBadSignatures(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	c := d.contribution("A submission")
	before := len(d.slack.Calls(""))
	evBefore := len(d.events(c.ID))

	payload := `payload=` + strings.ReplaceAll(`{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"acknowledge","block_id":"card:ID","type":"button"}]}`, "ID", itoa(c.ID))
	now := d.clock.Now().Unix()
	cases := []struct {
		name string
		h    http.Header
	}{
		{"wrong secret", sign("not the secret", now, payload)},
		{"stale: 6 minutes old", sign(testSecret, now-360, payload)},
		{"from the future", sign(testSecret, now+360, payload)},
		{"signed over another body", sign(testSecret, now, payload+"x")},
		{"no signature", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/slack/interactions", "/slack/commands", "/slack/events"} {
				rec := d.post(path, payload, tc.h)
				if rec.Code != http.StatusUnauthorized {
					t.Fatalf("%s answered %d, want 401", path, rec.Code)
				}
			}
		})
	}
	// Nothing changed: no event, same status, and nothing reached Slack. A correctly
	// signed request proves the path works and flushes the workers' queue.
	d.interact(d.click("U1", c, button(actTake, c)))
	d.waitUpdate(c, "taken", "<@U1>")
	evs := d.events(c.ID)
	if len(evs) != evBefore+1 || evs[len(evs)-1].Action != store.ActionTake {
		t.Fatalf("events: %d before, %+v after", evBefore, evs)
	}
	for _, call := range d.slack.Calls("")[before:] {
		if call.Method != "chat.update" && call.Method != "conversations.members" && call.Method != "users.info" {
			t.Fatalf("unexpected Slack call after refused requests: %s", call.Method)
		}
	}
}

func TestURLVerificationAndAppHome(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	rec := d.signedPost("/slack/events", `{"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}`)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P") {
		t.Fatalf("url_verification: %d %s", rec.Code, rec.Body)
	}
	late := d.email("late@ngo.example", "Old <!here> one", "text")
	late.InternalDate = d.clock.Now().Add(-72 * time.Hour)
	d.ingest(late)
	d.contribution("Fresh one")
	event := `{"type":"event_callback","event_id":"Ev1","event":{"type":"app_home_opened","user":"U2","tab":"home","channel":"D1"}}`
	if rec := d.signedPost("/slack/events", event); rec.Code != http.StatusOK {
		t.Fatalf("event answered %d", rec.Code)
	}
	call := d.waitCall("the App Home published for U2", "views.publish", func(c slacktest.Call) bool { return c.Param("user_id") == "U2" })
	home := slacktest.RenderText(viewBlocks(t, call.Param("view")), "")
	for _, want := range []string{"Not taken for more than 48 hours (1)", "Open, oldest first (2)", "Official submissions and workshop requests", "20 days left", "Thematic aspects (official submission): 2", "Government: 2", "Old <!here> one"} {
		if !strings.Contains(home, want) {
			t.Errorf("App Home lacks %q:\n%s", want, home)
		}
	}
	// Read the texts out of the JSON: Go writes "<" in it as \u003c.
	if texts := joinedTexts(t, string(viewBlocks(t, call.Param("view")))); strings.Contains(texts, "<!here>") || !strings.Contains(texts, "&lt;!here&gt;") {
		t.Errorf("email text reached the App Home unescaped")
	}
	// Slack retries an event it thinks we missed: done once.
	if rec := d.signedPost("/slack/events", event); rec.Code != http.StatusOK {
		t.Fatalf("retried event answered %d", rec.Code)
	}
	// Someone outside the secretariat sees no data.
	outsider := `{"type":"event_callback","event_id":"Ev2","event":{"type":"app_home_opened","user":"U9","tab":"home"}}`
	d.signedPost("/slack/events", outsider)
	call = d.waitCall("the App Home published for U9", "views.publish", func(c slacktest.Call) bool { return c.Param("user_id") == "U9" })
	if h := slacktest.RenderText(viewBlocks(t, call.Param("view")), ""); strings.Contains(h, "Fresh one") || !strings.Contains(h, "for members of") {
		t.Errorf("outsider's App Home:\n%s", h)
	}
	n := 0
	for _, c := range d.slack.Calls("views.publish") {
		if c.Param("user_id") == "U2" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("App Home published %d times for one event sent twice", n)
	}
}
