package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// TestPayloadsWithinSlackLimits: with more than fits (long subjects, names and texts full
// of what mrkdwn escapes, attachments, sixty contributions in the hands of forty
// members, sixty long notes on one), what the desk sends stays within Block Kit's limits:
// the cards and their updates, the direct messages, /wsis status, find and show, the App
// Home, the Reply and Classify modals, the deadline-day alert and the digest. The Slack
// stand-in refuses, as Slack does, anything past them (slacktest.BlocksProblem,
// ViewProblem), and the test fails on any call refused.
func TestPayloadsWithinSlackLimits(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: func(c *Config) {
		c.DigestHour, c.DeadlineHour, c.StaleAfter = 9, 8, 72*time.Hour
		filesConfig(c)
	}})
	members := []string{"U1", "U2", "U3"}
	for i := range 40 {
		members = append(members, fmt.Sprintf("U%d", 100+i))
	}
	d.slack.SetMembers(testChannel, members...)

	long := strings.Repeat("<Réseaux & *communautaires*> ", 40)
	var ms []store.Inbound
	for i := range 60 {
		m := d.email(fmt.Sprintf("s%d@gov.example", i), fmt.Sprintf("%02d %s", i, long), strings.Repeat("Un texte & <long>. ", 600))
		m.FromName = strings.Repeat("<N&N> ", 60)
		m.Suggestion.Organisation = strings.Repeat("Ministère <&> ", 30)
		if i == 0 {
			for k := range 30 {
				m.Attachments = append(m.Attachments, store.InboundAttachment{Filename: fmt.Sprintf("%s-%02d.pdf", strings.Repeat("<annexe&>", 25), k),
					Data: []byte(strings.Repeat("x", 10+k*5))})
			}
		}
		ms = append(ms, m)
	}
	var cs []store.Contribution
	for _, r := range d.ingest(ms...) {
		cs = append(cs, d.waitCard(r.ContributionID))
	}
	c := cs[0]
	d.waitUploaded(c, 11) // the files up to 64 bytes; the others wait for Open files

	// Sixty contributions in forty members' hands: each is told.
	for i, x := range cs {
		if _, err := d.st.Assign(d.ctx, x.ID, "U1", members[3+i%40]); err != nil {
			t.Fatal(err)
		}
	}
	// One worker sends them one after the other: alone this takes a few seconds, but under
	// the whole suite with the race detector on two cores it once took more than 20.
	storetest.Eventually(t, time.Minute, "sixty direct messages", func() bool {
		n := 0
		for _, m := range members[3:] {
			n += len(d.slack.Messages(slacktest.IMChannel(m)))
		}
		return n == 60
	})

	// Sixty notes of 3,000 characters in the first card's thread.
	for i := range 60 {
		d.messageEventNow(map[string]any{"user": "U1", "text": strings.Repeat("Noté &amp; &lt;vu&gt;. ", 200)[:3000],
			"ts": fmt.Sprintf("1548061%03d.000100", 300+i), "thread_ts": c.SlackTS})
	}
	d.waitNotes("sixty notes", c.ID, func(ns []store.Note) bool { return len(ns) == 60 })

	for _, cmd := range []string{"status", "find réseaux", "find réseaux page:2", "show " + c.Ref, "deadlines"} {
		if got := d.command("U1", cmd); got == "" {
			t.Errorf("/wsis %s answered nothing", cmd)
		}
	}
	d.signedPost("/slack/events", `{"type":"event_callback","event_id":"EvHomeLimits","event":{"type":"app_home_opened","user":"U100","tab":"home"}}`)
	d.waitCall("the App Home of U100", "views.publish", func(call slacktest.Call) bool { return call.Param("user_id") == "U100" })
	d.interact(d.click("U1", c, button(actReply, c)))
	d.waitView("trigger-U1", viewReply)
	d.interact(d.click("U2", c, button(actClassify, c)))
	d.waitView("trigger-U2", viewClassify)

	// The deadline day (10 February 2019) at 08:00 and the digest at 09:00, Geneva time.
	d.clock.Set(time.Date(2019, 2, 10, 8, 0, 0, 0, geneva))
	d.schedule()
	d.waitPosts("Deadline today", 1)
	d.clock.Set(time.Date(2019, 2, 10, 9, 0, 0, 0, geneva))
	d.schedule()
	d.waitPosts("Daily digest", 1)
	d.waitSlackDrained()

	for _, call := range d.slack.Calls("") {
		if call.Detail != "" {
			t.Errorf("%s refused (%s): %s", call.Method, call.Error, call.Detail)
		}
	}
}
