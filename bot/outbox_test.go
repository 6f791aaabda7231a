package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store/storetest"
)

// assertOneCardEach checks that the channel shows exactly one card per contribution.
func (d *desk) assertOneCardEach(ids []int64) {
	d.t.Helper()
	cards := map[string]int{}
	for _, m := range d.slack.Messages(testChannel) {
		var meta struct {
			EventType    string            `json:"event_type"`
			EventPayload map[string]string `json:"event_payload"`
		}
		if len(m.Metadata) == 0 || json.Unmarshal(m.Metadata, &meta) != nil || meta.EventType != cardMetadataType {
			continue
		}
		cards[meta.EventPayload["contribution_id"]]++
	}
	for _, id := range ids {
		if n := cards[strconv.FormatInt(id, 10)]; n != 1 {
			d.t.Errorf("contribution %d has %d cards, want 1", id, n)
		}
	}
	if len(cards) != len(ids) {
		d.t.Errorf("%d contributions have cards, want %d", len(cards), len(ids))
	}
}

// shortCardWindow makes the wait before searching for an earlier post short, for tests.
func shortCardWindow(b *Bot) {
	b.cardPostTimeout = 500 * time.Millisecond
	b.cardSearchMargin = 2 * time.Second
}

// A card's first post is one call: no search of the channel's history.
func TestCardFirstPostMakesNoHistoryCall(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	var ids []int64
	for i := range 3 {
		res := d.ingest(d.email("a@gov.example", fmt.Sprintf("First post %d", i), "text"))
		ids = append(ids, res[0].ContributionID)
	}
	for _, id := range ids {
		d.waitCard(id)
	}
	if n := len(d.slack.Calls("conversations.history")); n != 0 {
		t.Fatalf("%d conversations.history calls for first posts, want 0", n)
	}
	if n := len(d.slack.Calls("chat.postMessage")); n != 3 {
		t.Fatalf("%d chat.postMessage calls, want 3", n)
	}
	d.assertOneCardEach(ids)
}

// postAndLose posts a contribution's card as an attempt whose result is then lost (the
// process dies before recording it).
func (d *desk) postAndLose(cid int64) string {
	d.t.Helper()
	it, ok := d.outboxItem("card:" + itoa(cid))
	if !ok {
		d.t.Fatal("no card item")
	}
	res, err := d.bots[0].postCard(context.Background(), it)
	if err != nil || res.CardTS == "" {
		d.t.Fatalf("first post: %+v, %v", res, err)
	}
	return res.CardTS
}

// The result of a post is lost; the next attempt finds the card in the channel, around
// the earlier attempt, and posts no second one.
func TestCardNeverPostedTwice(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true})
	shortCardWindow(d.bots[0])
	res := d.ingest(d.email("a@gov.example", "Posted once", "text"))
	cid := res[0].ContributionID
	ts := d.postAndLose(cid)
	d.run()
	c := d.waitCard(cid)
	if c.SlackTS != ts {
		t.Fatalf("recorded ts %q, want the earlier post's %q", c.SlackTS, ts)
	}
	if n := len(d.slack.Calls("chat.postMessage")); n != 1 {
		t.Fatalf("card posted %d times", n)
	}
	hs := d.slack.Calls("conversations.history")
	if len(hs) == 0 {
		t.Fatal("no search for the earlier post")
	}
	oldest, _ := strconv.ParseFloat(hs[0].Param("oldest"), 64)
	latest, _ := strconv.ParseFloat(hs[0].Param("latest"), 64)
	if latest == 0 || latest-oldest > 10 || hs[0].Param("include_all_metadata") == "" {
		t.Fatalf("search oldest=%s latest=%s include_all_metadata=%q, want a narrow window with metadata",
			hs[0].Param("oldest"), hs[0].Param("latest"), hs[0].Param("include_all_metadata"))
	}
	// Once recorded, the card is never posted again, whatever the item says.
	it, _ := d.outboxItem("card:" + itoa(cid))
	if _, err := d.bots[0].postCard(context.Background(), it); err != nil {
		t.Fatal(err)
	}
	d.assertOneCardEach([]int64{cid})
}

// When the search for an earlier post fails (5xx, rate limit), the item is retried: no
// card is posted blind.
func TestCardSearchFailureIsRetried(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true})
	shortCardWindow(d.bots[0])
	res := d.ingest(d.email("a@gov.example", "Search fails", "text"))
	cid := res[0].ContributionID
	ts := d.postAndLose(cid)
	d.slack.FailNext("conversations.history", 1, http.StatusInternalServerError, 0)
	d.slack.FailNext("conversations.history", 1, http.StatusTooManyRequests, time.Second)
	d.slack.FailNext("conversations.history", 1, http.StatusServiceUnavailable, 0)
	d.run()
	storetest.Eventually(t, 20*time.Second, "the card to be recorded", func() bool {
		return d.get(cid).SlackTS == ts
	})
	if n := len(d.slack.Calls("conversations.history")); n != 4 {
		t.Fatalf("%d searches, want 3 failed and 1 that found the card", n)
	}
	if n := len(d.slack.Calls("chat.postMessage")); n != 1 {
		t.Fatalf("card posted %d times", n)
	}
	d.assertOneCardEach([]int64{cid})
}

// Rate limits and 503s in a stream of posts: every card is posted exactly once.
func TestCardsPostedOnceThroughRateLimitsAndOutages(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true, workers: 2, replicas: 2})
	for _, b := range d.bots {
		shortCardWindow(b)
	}
	var ids []int64
	for i := range 8 {
		res := d.ingest(d.email("a@gov.example", fmt.Sprintf("Stream %d", i), "text"))
		ids = append(ids, res[0].ContributionID)
	}
	d.slack.FailNext("chat.postMessage", 3, http.StatusTooManyRequests, time.Second)
	d.slack.FailNext("chat.postMessage", 4, http.StatusServiceUnavailable, 0)
	d.slack.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, time.Second)
	d.slack.FailNext("chat.postMessage", 2, http.StatusServiceUnavailable, 0)
	d.run()
	for _, id := range ids {
		d.waitCard(id)
	}
	d.assertOneCardEach(ids)
	if n := len(d.slack.Calls("conversations.history")); n != 0 {
		t.Fatalf("%d history searches after refused posts, want 0", n)
	}
	for _, id := range ids {
		if it, _ := d.outboxItem("card:" + itoa(id)); it.Attempts != 1 {
			t.Errorf("item %s: attempts=%d, want only the success counted", it.IdempotencyKey, it.Attempts)
		}
	}
}
