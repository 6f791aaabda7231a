package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// dms lists the direct messages the bot posted to user.
func (d *desk) dms(user string) []string {
	var out []string
	for _, m := range d.slack.Messages(slacktest.IMChannel(user)) {
		out = append(out, slacktest.RenderText(m.Blocks, m.Text))
	}
	return out
}

func (d *desk) waitDMs(user string, n int) []string {
	d.t.Helper()
	var got []string
	storetest.Eventually(d.t, 10*time.Second, "direct messages to "+user, func() bool {
		got = d.dms(user)
		return len(got) >= n
	})
	return got
}

func (d *desk) assign(by, to string, c store.Contribution) {
	d.t.Helper()
	d.interact(d.click(by, c, map[string]any{"action_id": actAssign, "type": "users_select", "selected_user": to}))
}

// TestAssignmentDM: whoever is assigned a contribution by someone else gets a direct
// message (conversations.open, then chat.postMessage in the im channel) with its summary
// and a link to its card; assigning oneself, or the same person again, sends nothing.
func TestAssignmentDM(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	c := d.contribution("National e-strategy")

	d.assign("U1", "U2", c)
	d.waitDMs("U2", 1)
	open := d.waitCall("conversations.open with U2", "conversations.open", func(call slacktest.Call) bool { return call.Param("users") == "U2" })
	if open.Error != "" {
		t.Fatalf("conversations.open: %s", open.Error)
	}
	link := "https://slack.com/archives/" + testChannel + "/p" + strings.ReplaceAll(c.SlackTS, ".", "")
	post := d.waitCall("the DM post", "chat.postMessage", func(call slacktest.Call) bool { return call.Param("channel") == slacktest.IMChannel("U2") })
	raw := joinedTexts(t, post.Param("blocks"))
	// Times are Geneva's: received at 10:00 CET (09:00 UTC), the deadline's day.
	for _, want := range []string{"<@U1> assigned you", c.Ref, "National e-strategy", "Amina Sender", "Ministry of ICT", link,
		"received Mon 21 Jan 2019 10:00", "deadline Official submissions and workshop requests, 10 February 2019"} {
		if !strings.Contains(raw, want) {
			t.Errorf("DM lacks %q:\n%s", want, raw)
		}
	}
	if ev := d.actionsSince(c.ID, 0); !strings.Contains(strings.Join(ev, " "), "assign") {
		t.Errorf("events %v", ev)
	}

	// The same person again, oneself, and taking what one holds: nothing more. Each is
	// done before the next is sent (Slack's requests are handled side by side).
	assigned := func(n int) {
		storetest.Eventually(t, 10*time.Second, fmt.Sprintf("%d assignments recorded", n), func() bool {
			k := 0
			for _, a := range d.actionsSince(c.ID, 0) {
				if strings.HasSuffix(a, ":"+string(store.ActionAssign)) {
					k++
				}
			}
			return k == n
		})
	}
	assigned(1)
	d.assign("U3", "U2", c)
	assigned(2)
	d.assign("U1", "U1", c)
	assigned(3)
	d.interact(d.click("U1", c, button(actTake, c)))
	d.waitUpdate(c, "<@U1>")
	d.waitPolls(3)
	if got := d.dms("U2"); len(got) != 1 {
		t.Errorf("U2 got %d DMs:\n%s", len(got), strings.Join(got, "\n---\n"))
	}
	if got := d.dms("U1"); len(got) != 0 {
		t.Errorf("U1 was told what they did themselves:\n%s", strings.Join(got, "\n---\n"))
	}
	if n := d.countOutbox("dm:%"); n != 1 {
		t.Errorf("%d DMs queued, want 1", n)
	}
}

// TestStaleReminder: a contribution its assignee has not moved for WSISBOT_STALE_AFTER
// gets one reminder DM per period, on the desk's clock, once across two replicas; a move
// (here a note in the thread) starts the wait again; a closed one is left alone.
func TestStaleReminder(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{replicas: 2, config: func(c *Config) { c.StaleAfter = 72 * time.Hour }})
	c := d.contribution("Workshop on community networks")
	closed := d.contribution("Closed soon")
	d.interact(d.click("U1", c, button(actTake, c)))
	d.interact(d.click("U2", closed, button(actTake, closed)))
	storetest.Eventually(t, 10*time.Second, "both taken", func() bool {
		return d.get(c.ID).Assignee == "U1" && d.get(closed.ID).Assignee == "U2"
	})
	if _, err := d.st.CloseContribution(context.Background(), closed.ID, "U2", store.OutcomeSpam, ""); err != nil {
		t.Fatal(err)
	}
	at := func(what string, advance time.Duration, want int) {
		t.Helper()
		d.clock.Advance(advance)
		d.schedule()
		d.schedule()
		if n := d.countOutbox("dm:stale:%"); n != want {
			t.Fatalf("%s: %d reminders queued, want %d", what, n, want)
		}
	}
	at("after 71h58m", 71*time.Hour+58*time.Minute, 0)
	at("after 72h", 3*time.Minute, 1)
	got := d.waitDMs("U1", 1)
	if !strings.Contains(got[0], "has not moved since Mon 21 Jan 2019 10:00 Geneva time (3 days ago)") || !strings.Contains(got[0], c.Ref) {
		t.Errorf("reminder:\n%s", got[0])
	}
	at("a day later", 24*time.Hour, 1)
	at("after 144h", 48*time.Hour, 2)

	// U1 writes in the thread: the contribution moved.
	d.messageEventNow(map[string]any{"user": "U1", "text": "Waiting for their programme", "ts": "1548500000.000100", "thread_ts": c.SlackTS})
	at("71h after the note", 71*time.Hour, 2)
	at("72h after the note", 2*time.Hour, 3)
	d.waitDMs("U1", 3)
	d.waitPolls(3)
	if got := d.dms("U2"); len(got) != 0 {
		t.Errorf("reminded of a closed contribution:\n%s", strings.Join(got, "\n---\n"))
	}
	if got := d.dms("U1"); len(got) != 3 {
		t.Errorf("U1 got %d reminders, want 3", len(got))
	}
}

// springDeadline falls on the day Europe/Zurich moves to summer time (31 March 2019,
// 02:00 CET → 03:00 CEST): 08:00 that day is 06:00 UTC, the day before 07:00 UTC.
const springDeadline = `
name = "Test consultation"
ref_prefix = "TEST-2019"
timezone = "Europe/Zurich"

[[phases]]
code = "I"
name = "Open"
start = "2018-07-02"
description = "Open."

[[deadlines]]
name = "Spring deadline"
phase = "I"
date = "2019-03-31"
kinds = ["thematic"]
default = true
`

// TestDeadlineDayAlert: on the deadline day at 08:00 Geneva time (summer time that
// day), the channel is told what is still open against it; not the day before, not
// before 08:00, once across replicas.
func TestDeadlineDayAlert(t *testing.T) {
	t.Parallel()
	phases, err := store.ParsePhases([]byte(springDeadline))
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		t.Helper()
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	d := newDesk(t, deskOptions{start: utc("2019-03-25T09:00:00Z"), phases: phases, replicas: 2,
		config: func(c *Config) { c.DeadlineHour = 8 }})
	c := d.contribution("Still open on the last day")
	done := d.contribution("Closed before")
	if _, err := d.st.CloseContribution(context.Background(), done.ID, "U1", store.OutcomeSpam, ""); err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		at   string
		want int
	}{
		{"2019-03-30T07:00:00Z", 0}, // 08:00 CET the day before
		{"2019-03-30T23:30:00Z", 0}, // 00:30 CET on the day
		{"2019-03-31T05:59:00Z", 0}, // 07:59 CEST
		{"2019-03-31T06:00:00Z", 1}, // 08:00 CEST
		{"2019-03-31T21:00:00Z", 1},
		{"2019-04-01T06:00:00Z", 1}, // the day after
	} {
		d.clock.Set(utc(s.at))
		d.schedule()
		if got := d.keys("deadline-day:%"); len(got) != s.want {
			t.Fatalf("at %s: %v queued, want %d", s.at, got, s.want)
		}
	}
	posts := d.waitPosts("Deadline today:* Spring deadline", 1)
	text := slacktest.RenderText(posts[0].Blocks, "")
	if !strings.Contains(text, "Sunday 31 March 2019, 23:59 Geneva time") || !strings.Contains(text, "Still open against it (1)") ||
		!strings.Contains(text, "Still open on the last day") || strings.Contains(text, "Closed before") || !strings.Contains(text, c.Ref) {
		t.Errorf("deadline day alert:\n%s", text)
	}
	d.waitPolls(3)
	if n := len(d.posts("Deadline today")); n != 1 {
		t.Errorf("posted %d times", n)
	}
}

// TestDigestSaysWhoHoldsWhat: the daily digest counts the open contributions per
// assignee, and those nobody holds.
func TestDigestSaysWhoHoldsWhat(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{start: time.Date(2019, 1, 21, 8, 0, 0, 0, geneva), config: func(c *Config) { c.DigestHour = 9 }})
	a, b, c, e := d.contribution("One"), d.contribution("Two"), d.contribution("Three"), d.contribution("Four")
	d.contribution("Nobody's")
	d.interact(d.click("U1", a, button(actTake, a)))
	d.interact(d.click("U1", b, button(actTake, b)))
	d.assign("U1", "U2", c)
	d.interact(d.click("U3", e, button(actTake, e)))
	storetest.Eventually(t, 10*time.Second, "the assignments", func() bool {
		return d.get(a.ID).Assignee == "U1" && d.get(b.ID).Assignee == "U1" && d.get(c.ID).Assignee == "U2" && d.get(e.ID).Assignee == "U3"
	})
	if _, err := d.st.CloseContribution(context.Background(), e.ID, "U3", store.OutcomeSpam, ""); err != nil {
		t.Fatal(err)
	}
	d.clock.Set(time.Date(2019, 1, 21, 9, 0, 0, 0, geneva))
	d.schedule()
	post := d.waitPosts("Daily digest", 1)[0]
	raw := joinedTexts(t, string(post.Blocks))
	if !strings.Contains(raw, "*Who holds what (open):*\n• <@U1>: 2\n• <@U2>: 1\n• nobody: 1\n") {
		t.Errorf("digest:\n%s", raw)
	}
	if strings.Contains(raw, "<@U3>: ") {
		t.Errorf("a closed contribution is counted:\n%s", raw)
	}
}

// TestAppHomeAssignedFirst: the App Home opens with what is assigned to its viewer.
func TestAppHomeAssignedFirst(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	mine := d.contribution("Mine to handle")
	d.contribution("Someone else's")
	d.assign("U1", "U2", mine)
	storetest.Eventually(t, 10*time.Second, "the assignment", func() bool { return d.get(mine.ID).Assignee == "U2" })

	home := func(user, eventID string) string {
		t.Helper()
		before := len(d.slack.Calls("views.publish"))
		d.signedPost("/slack/events", `{"type":"event_callback","event_id":"`+eventID+`","event":{"type":"app_home_opened","user":"`+user+`","tab":"home"}}`)
		var view string
		storetest.Eventually(t, 10*time.Second, "the App Home of "+user, func() bool {
			for _, c := range d.slack.Calls("views.publish")[before:] {
				if c.Param("user_id") == user && c.Error == "" {
					view = c.Param("view")
					return true
				}
			}
			return false
		})
		return slacktest.RenderText(viewBlocks(t, view), "")
	}
	h := home("U2", "EvHome1")
	first, deadlines := strings.Index(h, "Assigned to you (1)"), strings.Index(h, "Deadlines")
	if first < 0 || deadlines < 0 || first > deadlines {
		t.Fatalf("App Home of U2 does not open with what is assigned to them:\n%s", h)
	}
	if mineAt := strings.Index(h, "Mine to handle"); mineAt < first || mineAt > deadlines {
		t.Errorf("the assigned contribution is not in the first list:\n%s", h)
	}
	if section := h[first:deadlines]; strings.Contains(section, "Someone else's") {
		t.Errorf("another's contribution listed as U2's:\n%s", section)
	}
	if h := home("U3", "EvHome2"); !strings.Contains(h, "Assigned to you") || strings.Index(h, "None.") > strings.Index(h, "Deadlines") {
		t.Errorf("App Home of U3:\n%s", h)
	}
}

// TestConfigRefusesBadDeskSettings: a bad WSISBOT_STALE_AFTER or
// WSISBOT_DEADLINE_DAY_HOUR stops start-up, naming the setting.
func TestConfigRefusesBadDeskSettings(t *testing.T) {
	ok := Config{BotToken: "xoxb-1", SigningSecret: "s", Channel: "C1", APIURL: "https://slack.com/api/", DigestHour: 9,
		StaleAfter: 72 * time.Hour, DeadlineHour: 8}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid config refused: %v", err)
	}
	for setting, change := range map[string]func(*Config){
		"WSISBOT_STALE_AFTER":       func(c *Config) { c.StaleAfter = -time.Hour },
		"WSISBOT_DEADLINE_DAY_HOUR": func(c *Config) { c.DeadlineHour = 24 },
	} {
		c := ok
		change(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), setting) {
			t.Errorf("%s: err = %v", setting, err)
		}
	}
}
