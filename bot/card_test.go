package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

func TestCardEscapesEmailText(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	m := d.email("mallory@evil.example", "Urgent <!channel> <@U123> *read* this & <https://evil.example|click>",
		"Hello <!everyone>, see <#C999> and _all_ of `this` ~now~")
	m.FromName = "<!here> Mallory"
	m.Attachments = []store.InboundAttachment{{Filename: "<@U123>.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}}
	res := d.ingest(m)
	d.waitCard(res[0].ContributionID)

	posts := d.slack.Calls("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d posts", len(posts))
	}
	p := posts[0]
	texts := append(blockTexts(t, p.Param("blocks")), p.Param("text"))
	all := strings.Join(texts, "\n")
	for _, bad := range []string{"<!channel>", "<@U123>", "<!here>", "<!everyone>", "<#C999>", "<https://evil", "*read*", "_all_", "`this`", "~now~"} {
		if strings.Contains(all, bad) {
			t.Errorf("the card carries %q unescaped", bad)
		}
	}
	for _, want := range []string{"&lt;!channel&gt;", "&lt;@U123&gt;", "&amp;", "&lt;!here&gt; Mallory", "&lt;!everyone&gt;", "&lt;@U123&gt;.pdf", "∗read∗"} {
		if !strings.Contains(all, want) {
			t.Errorf("the card lacks %q", want)
		}
	}
	// Every mrkdwn text object is verbatim: Slack neither links nor parses mentions in it.
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(p.Param("blocks")), &blocks); err != nil {
		t.Fatal(err)
	}
	var check func(any)
	check = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "mrkdwn" && x["verbatim"] != true {
				t.Errorf("mrkdwn text not verbatim: %v", x["text"])
			}
			for _, e := range x {
				check(e)
			}
		case []any:
			for _, e := range x {
				check(e)
			}
		}
	}
	check(any(blocksAsAny(blocks)))
	if len(blocks) > maxBlocks {
		t.Errorf("%d blocks", len(blocks))
	}
}

func blocksAsAny(bs []map[string]any) []any {
	out := make([]any, len(bs))
	for i, b := range bs {
		out[i] = b
	}
	return out
}

func TestCardLongTextsAreCut(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	m := d.email("long@x.example", strings.Repeat("Subject & more ", 400), strings.Repeat("A very long line of text. ", 500))
	m.FromName = strings.Repeat("N", 3000)
	for i := range 30 {
		m.Attachments = append(m.Attachments, store.InboundAttachment{Filename: strings.Repeat("f", 200) + itoa(int64(i)) + ".pdf", Data: []byte{byte(i)}})
	}
	res := d.ingest(m)
	d.waitCard(res[0].ContributionID)
	p := d.slack.Calls("chat.postMessage")[0]
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(p.Param("blocks")), &blocks); err != nil {
		t.Fatal(err)
	}
	for _, s := range blockTexts(t, p.Param("blocks")) {
		if n := len([]rune(s)); n > maxSectionText {
			t.Errorf("a text of %d characters", n)
		}
	}
	all := joinedTexts(t, p.Param("blocks"))
	if !strings.Contains(all, cutMarker) || !strings.Contains(all, "… and 20 more") {
		t.Errorf("no visible cut marker:\n%.500s", all)
	}
	for _, b := range blocks {
		if b["type"] == "header" {
			if n := len([]rune(b["text"].(map[string]any)["text"].(string))); n > maxPlainLabel {
				t.Errorf("header of %d characters", n)
			}
		}
		if fs, ok := b["fields"].([]any); ok {
			for _, f := range fs {
				if n := len([]rune(f.(map[string]any)["text"].(string))); n > maxFieldText {
					t.Errorf("field of %d characters", n)
				}
			}
		}
	}
}

func TestCardRateLimitHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	d.slack.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, 120*time.Second)
	res := d.ingest(d.email("a@gov.example", "Rate limited", "text"))
	cid := res[0].ContributionID
	key := "card:" + itoa(cid)
	var it store.OutboxItem
	storetest.Eventually(t, 10*time.Second, "the rate-limited attempt to be recorded", func() bool {
		var ok bool
		it, ok = d.outboxItem(key)
		return ok && it.LastError != ""
	})
	if it.Attempts != 0 {
		t.Fatalf("a rate limit counted as %d attempts", it.Attempts)
	}
	if wait := it.NextAttemptAt.Sub(d.clock.Now()); wait < 115*time.Second || wait > 121*time.Second {
		t.Fatalf("next attempt in %s, want Retry-After's 120 s", wait)
	}
	if !strings.Contains(it.LastError, "rate limit") {
		t.Fatalf("last error = %q", it.LastError)
	}
	// Before Retry-After has passed nothing is tried again.
	d.clock.Advance(100 * time.Second)
	d.waitPolls(5)
	if n := len(d.slack.Calls("chat.postMessage")); n != 1 {
		t.Fatalf("%d attempts before Retry-After passed", n)
	}
	d.clock.Advance(21 * time.Second)
	c := d.waitCard(cid)
	posts := d.slack.Calls("chat.postMessage")
	if len(posts) != 2 || posts[0].Status != http.StatusTooManyRequests || posts[1].Status != http.StatusOK {
		t.Fatalf("posts = %+v", posts)
	}
	if c.SlackChannel != testChannel {
		t.Fatalf("card recorded in %q", c.SlackChannel)
	}
}

// While Slack answers 5xx the worker pauses briefly, the items keep their attempts, and
// each card is posted once as soon as Slack answers again.
func TestCardSlackOutageRetriedSoon(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true})
	// After a 502 the post may have been made: the next attempt looks around it first.
	shortCardWindow(d.bots[0])
	d.slack.FailNext("chat.postMessage", 3, http.StatusServiceUnavailable, 0)
	d.slack.FailNext("chat.postMessage", 1, http.StatusBadGateway, 0)
	d.run()
	var ids []int64
	for i := range 3 {
		res := d.ingest(d.email("a@gov.example", fmt.Sprintf("Flaky Slack %d", i), "text"))
		ids = append(ids, res[0].ContributionID)
	}
	storetest.Eventually(t, 5*time.Second, "a failed attempt", func() bool {
		it, ok := d.outboxItem("card:" + itoa(ids[0]))
		return ok && strings.Contains(it.LastError, "503")
	})
	// Four failures in a row: the worker's pause is then at most 8 s.
	storetest.Eventually(t, 20*time.Second, "every card to be posted", func() bool {
		for _, id := range ids {
			if d.get(id).SlackTS == "" {
				return false
			}
		}
		return true
	})
	posts := d.slack.Calls("chat.postMessage")
	if back := posts[len(posts)-1].At.Sub(posts[3].At); back > 10*time.Second {
		t.Fatalf("the last card came %s after Slack answered again, want at most the 8 s pause", back)
	}
	for _, id := range ids {
		it, _ := d.outboxItem("card:" + itoa(id))
		if it.Attempts != 1 || it.FailedAt != nil {
			t.Fatalf("item %s: attempts=%d failed_at=%v, want the outage not counted", it.IdempotencyKey, it.Attempts, it.FailedAt)
		}
	}
	d.assertOneCardEach(ids)
}

func TestCardPermanentErrorFailsItem(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: func(c *Config) { c.Channel = "C0GONE" }})
	d.slack.DeleteChannel("C0GONE")
	res := d.ingest(d.email("a@gov.example", "Nowhere to go", "text"))
	key := "card:" + itoa(res[0].ContributionID)
	var it store.OutboxItem
	storetest.Eventually(t, 10*time.Second, "the card item to fail for good", func() bool {
		var ok bool
		it, ok = d.outboxItem(key)
		return ok && it.FailedAt != nil
	})
	if it.Attempts != 1 || !strings.Contains(it.LastError, "channel_not_found") {
		t.Fatalf("item = %+v", it)
	}
}

func TestRunRefusesBadToken(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: func(c *Config) { c.BotToken = "xoxb-wrong" }, noRun: true})
	err := d.bots[0].Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Fatalf("Run with a bad token = %v, want invalid_auth", err)
	}
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		t.Fatalf("%v does not wrap the Slack error", err)
	}
}

func TestUpdateWaitsForCard(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true})
	ctx := context.Background()
	res := d.ingest(d.email("a@gov.example", "Not yet carded", "text"))
	cid := res[0].ContributionID
	if _, err := d.st.Take(ctx, cid, "U1"); err != nil {
		t.Fatal(err)
	}
	// The update comes before the card: the store holds it back while the card waits.
	if handled, err := d.st.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxSlackUpdate}, d.bots[0].handleOutbox); err != nil || handled {
		t.Fatalf("an update was taken before its card: %v, %v", handled, err)
	}
	// Should one be taken anyway (its card failed for good), it waits: a temporary error.
	var it store.OutboxItem
	if err := d.st.DB().Get(&it, `SELECT id, kind, idempotency_key, contribution_id, message_id, payload, attempts,
		next_attempt_at, last_error, done_at, failed_at, created_at FROM outbox WHERE kind = 'slack_update'`); err != nil {
		t.Fatal(err)
	}
	_, err := d.bots[0].handleOutbox(ctx, it)
	var perm *store.PermanentError
	if !errors.Is(err, errCardNotPosted) || errors.As(err, &perm) {
		t.Fatalf("update before its card: %v", err)
	}
	d.run()
	d.waitCard(cid)
	// The card, rendered after the update was queued, shows it: the update is done with
	// the card, without a call of its own.
	d.settle()
	posts := d.slack.Calls("chat.postMessage")
	if all := joinedTexts(t, posts[0].Param("blocks")); !strings.Contains(all, "taken") || !strings.Contains(all, "<@U1>") {
		t.Fatalf("the card does not show the change:\n%s", all)
	}
	if n := len(d.slack.Calls("chat.update")); n != 0 {
		t.Fatalf("%d chat.update calls, want 0", n)
	}
}

func TestThreadNotes(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	ctx := context.Background()
	first := d.email("amina@gov.example", "Thematic submission", "Our submission.")
	first.NoReply = true // its acknowledgement is suppressed: a note says why
	res := d.ingest(first)
	c := d.waitCard(res[0].ContributionID)
	d.waitCall("the suppressed acknowledgement note", "chat.postMessage", func(call slacktest.Call) bool {
		return call.Param("thread_ts") == c.SlackTS && strings.Contains(joinedTexts(t, call.Param("blocks")), "No acknowledgement sent")
	})

	follow := d.email("amina@gov.example", "Re: Thematic submission", "Here is the revised annex <!channel>.\n\n> quoted old text")
	follow.FreshText = "Here is the revised annex <!channel>."
	follow.InReplyTo = first.MessageID
	follow.Attachments = []store.InboundAttachment{{Filename: "annex-v2.docx", ContentType: "application/msword", Data: []byte("docx bytes")}}
	d.ingest(follow)
	call := d.waitCall("the follow-up note", "chat.postMessage", func(call slacktest.Call) bool {
		return call.Param("thread_ts") == c.SlackTS && strings.Contains(joinedTexts(t, call.Param("blocks")), "Follow-up")
	})
	text := joinedTexts(t, call.Param("blocks"))
	for _, want := range []string{"revised annex &lt;!channel&gt;", "annex-v2.docx", "Amina Sender"} {
		if !strings.Contains(text, want) {
			t.Errorf("follow-up note lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "quoted old text") || strings.Contains(text, "<!channel>") {
		t.Errorf("follow-up note shows quoted or unescaped text:\n%s", text)
	}

	// Notes other parts queue: acknowledgement sent, reply sent and failed, bounce.
	notes := []store.ThreadNote{
		{Type: store.NoteAckSent},
		{Type: store.NoteReplyFailed, Text: "550 <@U1> mailbox unavailable"},
		{Type: store.NoteBounce, Text: "Undelivered Mail"},
	}
	for i, n := range notes {
		it, err := store.NewOutboxItem(store.OutboxSlackThread, "thread:test:"+itoa(int64(i)), c.ID, 0, n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.st.Enqueue(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"Acknowledgement sent", "The reply could not be sent:* 550 &lt;@U1&gt; mailbox unavailable", "Our mail bounced"} {
		d.waitCall("a note saying "+want, "chat.postMessage", func(call slacktest.Call) bool {
			return call.Param("thread_ts") == c.SlackTS && strings.Contains(joinedTexts(t, call.Param("blocks")), want)
		})
	}
}

func TestQuarantineNotice(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	m := d.email("odd@x.example", "Broken <!here> MIME", "")
	m.Kind, m.KindReason = store.MsgQuarantined, "unknown Content-Transfer-Encoding x-<b>"
	d.ingest(m)
	call := d.waitCall("the quarantine notice", "chat.postMessage", func(c slacktest.Call) bool {
		return strings.Contains(joinedTexts(t, c.Param("blocks")), "quarantined")
	})
	text := joinedTexts(t, call.Param("blocks"))
	for _, want := range []string{"x-&lt;b&gt;", "odd@x.example", "Broken &lt;!here&gt; MIME"} {
		if !strings.Contains(text, want) {
			t.Errorf("quarantine notice lacks %q:\n%s", want, text)
		}
	}
}

// waitPolls waits until the outbox workers of every replica looked n times more per
// worker between them (idle, one of them looks every poll).
func (d *desk) waitPolls(n int64) {
	d.t.Helper()
	start := make([]int64, len(d.bots))
	for i, b := range d.bots {
		start[i] = b.polls.Load()
	}
	storetest.Eventually(d.t, 10*time.Second, "the outbox workers to poll", func() bool {
		for i, b := range d.bots {
			if b.polls.Load() < start[i]+n*int64(b.outboxWorkers) {
				return false
			}
		}
		return true
	})
}

// TestCardShowsWhySuggested checks the card says what the suggestions rest on, escaped,
// while they are only suggestions.
func TestCardShowsWhySuggested(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	m := d.email("a.person@mincom.gov.xx", "Contribution", "Please find our contribution attached.")
	m.Suggestion = store.Suggestion{Kind: store.KindThematic, StakeholderType: store.StakeholderGovernment,
		Reasons: []string{`kind thematic: official submission without a kind named: subject says "contribution"`,
			`stakeholder government: sender domain mincom.gov.xx (gov.xx), signature "Ministry of <Communications>"`}}
	res := d.ingest(m)
	d.waitCard(res[0].ContributionID)
	posts := d.slack.Calls("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d posts", len(posts))
	}
	all := strings.Join(blockTexts(t, posts[0].Param("blocks")), "\n")
	want := `stakeholder government: sender domain mincom.gov.xx (gov.xx), signature "Ministry of &lt;Communications&gt;"`
	if !strings.Contains(all, "Why suggested") || !strings.Contains(all, want) {
		t.Errorf("the card lacks the reasons:\n%s", all)
	}
}
