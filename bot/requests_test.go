package bot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// postTo sends a request to one replica's handler.
func postTo(b *Bot, path, body string, h http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	for k, v := range h {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	b.Handler().ServeHTTP(rec, req)
	return rec
}

// A signed request captured and sent again within the signature's 5 minutes is not done
// again, by the replica that did it or by another; Slack sending an event again (new
// signature, same event ID) is answered 200 and not done again either.
func TestReplayedRequestsAreNotDoneAgain(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{replicas: 2, noRun: true})
	b0, b1 := d.bots[0], d.bots[1]
	now := d.clock.Now().Unix()
	click, err := json.Marshal(map[string]any{"type": "block_actions", "trigger_id": "trigger-replay", "user": map[string]any{"id": "U1"},
		"actions": []any{map[string]any{"action_id": actTake, "block_id": "card:1", "type": "button", "value": "1"}}})
	if err != nil {
		t.Fatal(err)
	}
	command := url.Values{"command": {"/wsis"}, "text": {"status"}, "user_id": {"U1"}, "channel_id": {testChannel},
		"response_url": {d.api.URL + "/_response/replay"}, "trigger_id": {"trigger-cmd"}}.Encode()
	event := `{"type":"event_callback","event_id":"EvReplay","event":{"type":"app_home_opened","user":"U2","tab":"home"}}`
	upper := func(h http.Header) http.Header {
		h = h.Clone()
		h.Set("X-Slack-Signature", "v0="+strings.ToUpper(strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0=")))
		return h
	}
	retry := func(h http.Header, n string) http.Header {
		h = h.Clone()
		h.Set("X-Slack-Retry-Num", n)
		h.Set("X-Slack-Retry-Reason", "http_timeout")
		return h
	}
	cases := []struct {
		name, path, body string
		first            http.Header
		again            []http.Header // each answered 200 and not queued, by either replica
	}{
		{"interaction", "/slack/interactions", "payload=" + url.QueryEscape(string(click)), nil, nil},
		{"command", "/slack/commands", command, nil, nil},
		{"event", "/slack/events", event, sign(testSecret, now, event), []http.Header{
			retry(sign(testSecret, now+1, event), "1"), retry(sign(testSecret, now+60, event), "2")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.first == nil {
				tc.first = sign(testSecret, now, tc.body)
			}
			again := append([]http.Header{tc.first, upper(tc.first)}, tc.again...)
			before0, before1 := len(b0.jobs), len(b1.jobs)
			if rec := postTo(b0, tc.path, tc.body, tc.first); rec.Code != http.StatusOK || len(b0.jobs) != before0+1 {
				t.Fatalf("first request: %d %s, %d queued", rec.Code, rec.Body, len(b0.jobs)-before0)
			}
			for i, h := range again {
				for _, b := range []*Bot{b0, b1} {
					if rec := postTo(b, tc.path, tc.body, h); rec.Code != http.StatusOK {
						t.Fatalf("request sent again (%d) answered %d %s", i, rec.Code, rec.Body)
					}
				}
			}
			if len(b0.jobs) != before0+1 || len(b1.jobs) != before1 {
				t.Fatalf("after the request was sent again: %d and %d more queued, want 1 and 0", len(b0.jobs)-before0, len(b1.jobs)-before1)
			}
		})
	}

	// The scheduler forgets what is older than requestMemory.
	count := func() int {
		var n int
		if err := d.st.DB().Get(&n, `SELECT count(*) FROM slack_requests`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n < 3 {
		t.Fatalf("%d requests recorded", n)
	}
	d.clock.Advance(requestMemory + time.Minute)
	b0.schedule(d.ctx)
	if n := count(); n != 0 {
		t.Fatalf("%d requests recorded an hour later", n)
	}
}

// An event the desk is too busy to queue is answered 503 and not remembered: Slack's
// retry, once there is room, is done, and done once.
func TestEventRefusedWhenBusyIsDoneWhenSlackSendsItAgain(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true})
	b := d.bots[0]
	for b.submit("filler", func(context.Context) {}) {
	}
	event := `{"type":"event_callback","event_id":"EvBusy","event":{"type":"app_home_opened","user":"U2","tab":"home"}}`
	now := d.clock.Now().Unix()
	if rec := d.post("/slack/events", event, sign(testSecret, now, event)); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("an event with the queue full answered %d", rec.Code)
	}
	d.run()
	storetest.Eventually(t, 10*time.Second, "the queue to empty", func() bool { return len(b.jobs) == 0 })

	for i, n := range []string{"1", "2"} {
		h := sign(testSecret, now+int64(i+1), event)
		h.Set("X-Slack-Retry-Num", n)
		h.Set("X-Slack-Retry-Reason", "http_error")
		if rec := d.post("/slack/events", event, h); rec.Code != http.StatusOK {
			t.Fatalf("retry %s answered %d", n, rec.Code)
		}
	}
	d.waitCall("the App Home published for U2", "views.publish", func(c slacktest.Call) bool { return c.Param("user_id") == "U2" })
	storetest.Eventually(t, 10*time.Second, "the second retry to be ignored", func() bool {
		return strings.Contains(d.logs.String(), "an event Slack sent again is ignored")
	})
	if n := len(d.slack.Calls("views.publish")); n != 1 {
		t.Fatalf("App Home published %d times", n)
	}
}

// Over Socket Mode, a request the desk cannot queue is not acknowledged, so that Slack
// sends it again; sent again once there is room, it is acknowledged and done once.
func TestSocketModeAcknowledgesOnlyWhatItQueued(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: func(c *Config) { c.AppToken = "xapp-test"; c.SigningSecret = "" }})
	storetest.Eventually(t, 10*time.Second, "the Socket Mode client to connect", d.slack.SocketConnected)
	c := d.contribution("Sent when the desk is busy")
	b := d.bots[0]

	release := make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	t.Cleanup(free) // before the desk stops
	for b.submit("filler", func(ctx context.Context) {
		select {
		case <-release:
		case <-ctx.Done():
		}
	}) {
	}
	acked := func(env string) bool {
		for _, call := range d.slack.Calls("socket_ack") {
			if call.Param("envelope_id") == env {
				return true
			}
		}
		return false
	}

	env, err := d.slack.SocketSend("interactive", d.click("U1", c, button(actTake, c)), "")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Eventually(t, 10*time.Second, "the request to be refused", func() bool {
		return strings.Contains(d.logs.String(), "a request is not acknowledged; Slack will send it again")
	})
	if acked(env) {
		t.Fatal("a request the desk could not queue was acknowledged")
	}

	free()
	storetest.Eventually(t, 10*time.Second, "the queue to empty", func() bool { return len(b.jobs) == 0 })
	for range 2 { // Slack sends it again; the second time as if the ack had been lost
		if _, err := d.slack.SocketSend("interactive", d.click("U1", c, button(actTake, c)), env); err != nil {
			t.Fatal(err)
		}
		d.waitCall("the ack of "+env, "socket_ack", func(call slacktest.Call) bool { return call.Param("envelope_id") == env })
	}
	d.waitUpdate(c, "<@U1> took it")
	storetest.Eventually(t, 10*time.Second, "the repeat to be ignored", func() bool {
		return strings.Contains(d.logs.String(), "a request Slack sent again is ignored")
	})

	// An event sent again in a new envelope is done once.
	for range 2 {
		if _, err := d.slack.SocketSend("events_api", map[string]any{"type": "event_callback", "event_id": "EvSock",
			"event": map[string]any{"type": "app_home_opened", "user": "U3", "tab": "home"}}, ""); err != nil {
			t.Fatal(err)
		}
	}
	storetest.Eventually(t, 10*time.Second, "both envelopes acknowledged", func() bool { return acked("env-2") && acked("env-3") })
	d.waitCall("the App Home", "views.publish", func(call slacktest.Call) bool { return call.Param("user_id") == "U3" })
	if evs := d.actionsSince(c.ID, 0); strings.Count(strings.Join(evs, " "), ":acknowledge") != 1 {
		t.Fatalf("events %v", evs)
	}
	if n := len(d.slack.Calls("views.publish")); n != 1 {
		t.Fatalf("App Home published %d times for one event", n)
	}
}

// The membership check does not hold its lock while Slack is asked: while one caller
// waits for a slow conversations.members, checks of users already known are answered
// from what is known, and Slack is asked once.
func TestMemberCheckDoesNotWaitForSlowSlack(t *testing.T) {
	t.Parallel()
	si := slacktest.New(slacktest.Options{Token: testToken})
	si.SetMembers(testChannel, "U1", "U2")
	si.SetUser("U1", "Ada Secretariat")
	api := httptest.NewServer(si)
	t.Cleanup(api.Close)
	clock := store.NewOffsetClock(inConsultation)
	client := slack.New(testToken, slack.OptionAPIURL(api.URL+"/"))
	m := newMemberCache(client, testChannel, "", clock, time.Minute)
	ctx := context.Background()
	check := func(user string, want bool) {
		t.Helper()
		if ok, err := m.allowed(ctx, user); err != nil || ok != want {
			t.Fatalf("allowed(%s) = %v, %v; want %v", user, ok, err, want)
		}
	}
	check("U1", true)
	check("U2", true)
	check("U9", false)

	fetching := func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.list.flight != nil
	}
	clock.Advance(2 * time.Minute) // past the TTL, well within staleFor
	release := si.Hold("conversations.members")
	t.Cleanup(release)
	slow := make(chan error, 1)
	go func() {
		ok, err := m.allowed(ctx, "U1")
		if err == nil && !ok {
			err = errors.New("U1 refused")
		}
		slow <- err
	}()
	storetest.Eventually(t, 10*time.Second, "the slow fetch to start", fetching)

	type answer struct {
		user string
		ok   bool
		err  error
	}
	answers := make(chan answer, 30)
	for i := range 30 {
		user := []string{"U1", "U2", "U9"}[i%3]
		go func() {
			ok, err := m.allowed(ctx, user)
			answers <- answer{user, ok, err}
		}()
	}
	deadline := time.After(5 * time.Second)
	for range 30 {
		select {
		case a := <-answers:
			if a.err != nil || a.ok != (a.user != "U9") {
				t.Errorf("allowed(%s) = %v, %v while Slack was slow", a.user, a.ok, a.err)
			}
		case <-deadline:
			t.Fatal("checks of known users waited for the slow fetch")
		}
	}
	if !fetching() {
		t.Fatal("the slow fetch ended early")
	}
	release()
	if err := <-slow; err != nil {
		t.Fatalf("the check that fetched: %v", err)
	}
	if n := len(si.Calls("conversations.members")); n != 2 {
		t.Fatalf("conversations.members called %d times, want 2", n)
	}

	// Nothing known: a check waits for the fetch under way, only as long as its ctx.
	m = newMemberCache(client, testChannel, "", clock, time.Minute)
	release = si.Hold("conversations.members")
	t.Cleanup(release)
	go func() { _, err := m.allowed(ctx, "U1"); slow <- err }()
	storetest.Eventually(t, 10*time.Second, "the slow fetch to start", fetching)
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := m.allowed(short, "U1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a check with nothing known while Slack is slow: %v", err)
	}
	release()
	if err := <-slow; err != nil {
		t.Fatal(err)
	}
}

// Guests of the workspace and people from other organisations (Slack Connect) in the
// channel may not act: they are told kindly, and nothing changes. Full members may.
func TestGuestsAndExternalMembersMayNotAct(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: func(c *Config) { c.UserGroup = "S0DESK" }})
	d.slack.SetMembers(testChannel, "U1", "U2", "U3", "UGUEST", "USINGLE", "UEXT")
	d.slack.SetUserGroup("S0DESK", "UGROUPGUEST", "U7")
	d.slack.SetGuest("UGROUPGUEST", false)
	d.slack.SetUser("UGUEST", "Gina Guest")
	d.slack.SetGuest("UGUEST", false)
	d.slack.SetUser("USINGLE", "Sam Single-Channel")
	d.slack.SetGuest("USINGLE", true)
	d.slack.SetUser("UEXT", "Pat Partner")
	d.slack.SetExternal("UEXT", "T0PARTNER")
	c := d.contribution("Only the secretariat")

	for _, tc := range []struct{ user, says string }{
		{"UGUEST", "guests of this Slack workspace cannot work on contributions"},
		{"USINGLE", "guests of this Slack workspace cannot work on contributions"},
		{"UEXT", "people from other organisations"},
		{"UGROUPGUEST", "guests of this Slack workspace cannot work on contributions"},
	} {
		d.interact(d.click(tc.user, c, button(actTake, c)))
		d.interact(d.submit(tc.user, viewReopen, "V9", c, map[string]any{inReason: map[string]any{"value": "let me"}}))
		storetest.Eventually(t, 10*time.Second, "two refusals of "+tc.user, func() bool {
			k := 0
			for _, call := range d.slack.Calls("chat.postEphemeral") {
				if call.Param("user") == tc.user && strings.Contains(call.Param("text"), tc.says) {
					k++
				}
			}
			return k == 2
		})
		if answer := d.command(tc.user, "status"); !strings.Contains(answer, tc.says) || strings.Contains(answer, "1 contribution") {
			t.Errorf("/wsis status by %s: %s", tc.user, answer)
		}
	}
	d.signedPost("/slack/events", `{"type":"event_callback","event_id":"EvGuest","event":{"type":"app_home_opened","user":"UGUEST","tab":"home"}}`)
	call := d.waitCall("the App Home of a guest", "views.publish", func(c slacktest.Call) bool { return c.Param("user_id") == "UGUEST" })
	if h := slacktest.RenderText(viewBlocks(t, call.Param("view")), ""); strings.Contains(h, "Only the secretariat") {
		t.Errorf("a guest's App Home shows contributions:\n%s", h)
	}
	if got := d.actionsSince(c.ID, 0); strings.Contains(strings.Join(got, " "), "acknowledge") || d.get(c.ID).Status != store.StatusReceived {
		t.Fatalf("a refused take changed something: %v", got)
	}

	d.interact(d.click("U3", c, button(actTake, c))) // a member nobody named
	d.waitUpdate(c, "<@U3> took it")
	d.interact(d.click("U7", c, button(actTakeOnOlderCards, c))) // in the user group only
	d.waitEphemeral("U7", "You cannot take this contribution now")
}
