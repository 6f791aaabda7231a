package bot

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/store"
)

// sortedEmail is mail the intake sorted away.
func (d *desk) sortedEmail(kind store.MessageKind, reason, from, subject string) store.Inbound {
	m := d.email(from, subject, "Hello")
	m.Kind, m.KindReason, m.Suggestion = kind, reason, store.Suggestion{}
	return m
}

// promoteClick is a click on the "This is a contribution" button of a message.
func (d *desk) promoteClick(user string, messageID int64) map[string]any {
	return map[string]any{
		"type": "block_actions", "trigger_id": "trigger-" + user, "response_url": d.responseURL(),
		"user":      map[string]any{"id": user, "name": strings.ToLower(user)},
		"channel":   map[string]any{"id": testChannel},
		"container": map[string]any{"type": "message", "message_ts": "1548061200.000100", "channel_id": testChannel},
		"actions": []any{map[string]any{"block_id": fmt.Sprintf("sorted:%d", messageID), "action_id": actPromote,
			"type": "button", "value": itoa(messageID), "action_ts": "1548061200.1"}},
	}
}

func TestSortedAwayIsReviewedAndPromoted(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: func(c *Config) {
		c.DigestHour = 9
	}, options: []Option{WithPromotion(func(raw []byte) store.Promotion {
		return mailin.PromotionFor(raw, store.DefaultIngestPolicy())
	})}})
	list := d.sortedEmail(store.MsgList, "List-Id header present", "rafael.silva@cgi-example.br", "Regional inputs <!channel> for *everyone*")
	list.FromName = "Rafael <Silva>"
	bounce := d.sortedEmail(store.MsgBounce, "multipart/report; report-type=delivery-status", "MAILER-DAEMON@mx.example.net", "Undelivered Mail Returned to Sender")
	res := d.ingest(list, bounce)
	listID, bounceID := res[0].MessageRowID, res[1].MessageRowID
	// This morning's summary (nothing was sorted away before 9:00) is queued now, not
	// whenever the desk's own first pass happens to run.
	d.schedule()

	// The next morning's summary lists them, grouped, each with its button.
	d.clock.Set(time.Date(2019, 1, 22, 9, 0, 0, 0, geneva))
	d.schedule()
	d.schedule()
	const title = "Sorted away in the 24 hours before 09:00, Tuesday 22 January 2019"
	post := d.waitPosts(title, 1)[0]
	text := slacktest.RenderText(post.Blocks, "")
	for _, want := range []string{"2 messages", "Mailing lists and bulk mail", "Bounces", "Regional inputs <!channel> for ∗everyone∗",
		"Rafael <Silva> (rafael.silva@cgi-example.br)", "21 Jan 2019 10:00", "List-Id header present",
		"Undelivered Mail Returned to Sender", "multipart/report", "[This is a contribution]"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	if raw := string(post.Blocks); strings.Contains(raw, "<!channel>") || strings.Contains(raw, "<Silva>") {
		t.Fatalf("email text unescaped in the summary: %s", post.Blocks)
	}
	var blocks []map[string]any
	if err := json.Unmarshal(post.Blocks, &blocks); err != nil {
		t.Fatal(err)
	}
	buttons := 0
	for _, b := range blocks {
		if acc, ok := b["accessory"].(map[string]any); ok && acc["action_id"] == actPromote {
			buttons++
		}
	}
	if buttons != 2 {
		t.Fatalf("%d buttons", buttons)
	}
	// A day with nothing sorted away says nothing.
	if n := len(d.posts("Sorted away in the 24 hours before 09:00, Monday 21 January 2019")); n != 0 || d.countOutbox("sorted-summary:2019-01-21") != 1 {
		t.Fatalf("an empty summary was posted (%d)", n)
	}
	// Once across replicas and passes.
	d.schedule()
	if n := d.countOutbox("sorted-summary:2019-01-22"); n != 1 || len(d.posts(title)) != 1 {
		t.Fatalf("summary queued %d times, posted %d times", n, len(d.posts(title)))
	}

	// Someone outside the secretariat cannot act.
	d.interact(d.promoteClick("U9", listID))
	d.waitEphemeral("U9", "only members of")
	if m, err := d.st.Message(d.ctx, listID); err != nil || m.ContributionID != nil {
		t.Fatalf("a refused click changed the message: %+v %v", m, err)
	}

	// A member says the list post is a contribution: it gets its card and its
	// acknowledgement.
	d.interact(d.promoteClick("U1", listID))
	d.waitEphemeral("U1", "It is now contribution WSIS-2019-0001")
	m, err := d.st.Message(d.ctx, listID)
	if err != nil || m.ContributionID == nil {
		t.Fatalf("not promoted: %+v %v", m, err)
	}
	c := d.waitCard(*m.ContributionID)
	if c.Ref != "WSIS-2019-0001" || d.countOutbox(fmt.Sprintf("ack:%d", c.ID)) != 1 {
		t.Fatalf("contribution %+v", c)
	}
	evs := d.events(c.ID)
	found := false
	for _, e := range evs {
		found = found || (e.Action == store.ActionPromote && e.Actor == store.SlackActor("U1"))
	}
	if !found {
		t.Fatalf("no promote event by U1: %+v", evs)
	}
	// A second click (or a colleague's) changes nothing.
	d.interact(d.promoteClick("U2", listID))
	d.waitEphemeral("U2", "already belongs to contribution WSIS-2019-0001")

	// A bounce made a contribution by mistake is carded but never acknowledged, and the
	// member is told so.
	d.interact(d.promoteClick("U1", bounceID))
	d.waitEphemeral("U1", "No acknowledgement is sent: it was sorted as a bounce")
	bm, err := d.st.Message(d.ctx, bounceID)
	if err != nil || bm.ContributionID == nil {
		t.Fatalf("bounce not promoted: %+v %v", bm, err)
	}
	bc := d.waitCard(*bm.ContributionID)
	if d.countOutbox(fmt.Sprintf("ack:%d", bc.ID)) != 0 {
		t.Fatal("a bounce was acknowledged")
	}

	// /wsis sorted lists what is still sorted away.
	dup := d.sortedEmail(store.MsgAutoReply, "Auto-Submitted: auto-replied", "away@example.org", "Out of office")
	d.ingest(dup)
	got := d.command("U1", "sorted 7d")
	if !strings.Contains(got, "Sorted away in the last 7 days") || !strings.Contains(got, "Out of office") ||
		!strings.Contains(got, "[This is a contribution]") || strings.Contains(got, "Regional inputs") {
		t.Fatalf("/wsis sorted 7d:\n%s", got)
	}
	if got := d.command("U1", "sorted 99x"); !strings.Contains(got, "Which window?") {
		t.Fatalf("/wsis sorted 99x:\n%s", got)
	}
}

func TestSortedAwayPages(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	var ms []store.Inbound
	for i := range sortedPerPage + 5 {
		ms = append(ms, d.sortedEmail(store.MsgList, "Precedence: list", fmt.Sprintf("p%d@lists.example.org", i), fmt.Sprintf("Post %d", i)))
	}
	d.ingest(ms...)
	first := d.command("U1", "sorted")
	if !strings.Contains(first, "45 messages") || !strings.Contains(first, "… and 5 more. See them with `/wsis sorted 24h 2`") {
		t.Fatalf("first page:\n%s", first)
	}
	calls := d.slack.Calls("response_url")
	var msg struct {
		Blocks []json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(calls[len(calls)-1].Body, &msg); err != nil || len(msg.Blocks) > maxBlocks {
		t.Fatalf("%d blocks, %v", len(msg.Blocks), err)
	}
	second := d.command("U1", "sorted 24h 2")
	if !strings.Contains(second, "Post 44") || strings.Contains(second, "Post 0\n") || strings.Contains(second, "more") {
		t.Fatalf("second page:\n%s", second)
	}
}
