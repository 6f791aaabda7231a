package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
)

// Old follow-ups of a history contribution without a card queue nothing for Slack, so
// the watchdog sees no outbox waiting; mail about it written today, even from another
// sender, brings its card with the mail in its thread, and the outbox drains.
func TestHistoryFollowUpsLeaveNothingWaiting(t *testing.T) {
	t.Parallel()
	// The desk's workers start after the first check: the watchdog then sees only what
	// the intake queued.
	d := newDesk(t, deskOptions{noRun: true, config: func(c *Config) { c.WatchOutboxAge = 30 * time.Minute }})
	month := d.clock.Now().AddDate(0, 0, -30)
	first := d.email("old@gov.example", "Regional review inputs", "Sent last month.")
	first.InternalDate = month
	fu := d.email("old@gov.example", "Re: Regional review inputs", "And an annex, also last month.")
	fu.InternalDate, fu.InReplyTo = month.Add(time.Hour), first.MessageID
	other := d.email("colleague@gov.example", "Re: Regional review inputs", "Seconded, last month.")
	other.InternalDate, other.InReplyTo = month.Add(2*time.Hour), first.MessageID
	res := d.ingest(first, fu, other)
	cid := res[0].ContributionID
	if res[1].ContributionID != cid || res[2].ContributionID != cid || !res[2].OtherSender {
		t.Fatalf("old follow-ups: %+v", res)
	}
	var n int
	if err := d.st.DB().Get(&n, `SELECT count(*) FROM outbox WHERE contribution_id = $1`, cid); err != nil || n != 0 {
		t.Fatalf("%d outbox items for history without a card (%v), want none", n, err)
	}
	d.clock.Advance(31 * time.Minute)
	d.scheduleTogether()
	if n := d.countOutbox("watchdog:" + condOutbox + ":raised:%"); n != 0 {
		t.Fatalf("outbox alert raised for history follow-ups: %d", n)
	}
	d.run()

	// Someone writes about it today: its card, and the mail in its thread.
	now := d.email("colleague@gov.example", "About the regional review inputs", "Any news?")
	now.References = []string{first.MessageID}
	if r := d.ingest(now)[0]; r.ContributionID != cid || !r.OtherSender {
		t.Fatalf("recent mail from another sender: %+v", r)
	}
	c := d.waitCard(cid)
	d.waitCall("the mail in the card's thread", "chat.postMessage", func(call slacktest.Call) bool {
		return call.Param("thread_ts") == c.SlackTS && strings.Contains(joinedTexts(t, call.Param("blocks")), "colleague@gov.example")
	})
	d.settle()
	if err := d.st.DB().Get(&n, `SELECT count(*) FROM outbox WHERE contribution_id = $1 AND done_at IS NULL`, cid); err != nil || n != 0 {
		t.Fatalf("%d outbox items of the contribution not done (%v), want none", n, err)
	}
}
