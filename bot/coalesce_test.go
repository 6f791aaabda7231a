package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// settle waits until no Slack item is pending.
func (d *desk) settle() {
	d.t.Helper()
	storetest.Eventually(d.t, 20*time.Second, "the Slack outbox to be empty", func() bool {
		var n int
		err := d.st.DB().Get(&n, `SELECT count(*) FROM outbox WHERE kind LIKE 'slack_%' AND done_at IS NULL AND failed_at IS NULL`)
		return err == nil && n == 0
	})
}

// sendAcks carries out every pending acknowledgement as the mailer would, and says how
// many.
func (d *desk) sendAcks() int {
	d.t.Helper()
	n := 0
	for {
		ok, err := d.st.ProcessOutbox(context.Background(), []store.OutboxKind{store.OutboxAckEmail},
			func(_ context.Context, it store.OutboxItem) (store.OutboxResult, error) {
				id := fmt.Sprintf("ack.%d@itu.int", it.ID)
				return store.OutboxResult{AckSent: true, Outbound: &store.OutboundMessage{MessageID: id,
					To: "Amina Sender <amina@gov.example>", Subject: "Received", Raw: []byte("Message-ID: <" + id + ">\r\n\r\nthanks")},
					Notes: []store.ThreadNote{{Type: store.NoteAckSent, Text: "in French"}}}, nil
			})
		if err != nil {
			d.t.Fatal(err)
		}
		if !ok {
			return n
		}
		n++
	}
}

// Updates queued before the card is posted are done with it: the card, rendered after
// they were queued, shows their changes.
func TestCardUpdatesBeforeThePostMakeNoCall(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true})
	ctx := context.Background()
	res := d.ingest(d.email("amina@gov.example", "Changed before its card", "text"))
	cid := res[0].ContributionID
	for _, a := range []string{"U2", "U3", "U1"} {
		if _, err := d.st.Assign(ctx, cid, "U1", a); err != nil {
			t.Fatal(err)
		}
	}
	d.run()
	d.waitCard(cid)
	d.settle()
	if n := len(d.slack.Calls("chat.update")); n != 0 {
		t.Fatalf("%d chat.update calls, want 0", n)
	}
	posts := d.slack.Calls("chat.postMessage")
	if len(posts) != 1 || !strings.Contains(joinedTexts(t, posts[0].Param("blocks")), "*Assignee*\n<@U1>") {
		t.Fatalf("%d posts; the card does not show the latest assignee", len(posts))
	}
}

// Ten updates of one card waiting together make one chat.update, of the latest state.
// They wait while Slack is unavailable: the first update's call is held, then refused
// with 503, while nine more are queued.
func TestCardUpdatesCoalesceIntoOneCall(t *testing.T) {
	t.Parallel()
	var d *desk
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			refuse := false
			if strings.HasSuffix(r.URL.Path, "/chat.update") {
				once.Do(func() {
					refuse = true
					close(held)
					<-release
				})
			}
			if refuse {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	d = newDesk(t, deskOptions{wrap: wrap})
	var released sync.Once
	releaseAll := func() { released.Do(func() { close(release) }) }
	t.Cleanup(releaseAll) // before the stand-in closes, should the test end early
	ctx := context.Background()
	c := d.contribution("Ten changes")
	assignees := []string{"U2", "U3", "U2", "U3", "U2", "U3", "U2", "U3", "U2", "U1"}
	if _, err := d.st.Assign(ctx, c.ID, "U1", assignees[0]); err != nil {
		t.Fatal(err)
	}
	<-held
	for _, a := range assignees[1:] {
		if _, err := d.st.Assign(ctx, c.ID, "U1", a); err != nil {
			t.Fatal(err)
		}
	}
	if n := d.countOutbox(fmt.Sprintf("update:%d:%%", c.ID)); n != 10 {
		t.Fatalf("%d updates queued, want 10", n)
	}
	releaseAll()
	d.settle()
	calls := d.slack.Calls("chat.update")
	if len(calls) != 1 {
		t.Fatalf("%d chat.update calls, want 1", len(calls))
	}
	if all := joinedTexts(t, calls[0].Param("blocks")); calls[0].Param("ts") != c.SlackTS || !strings.Contains(all, "*Assignee*\n<@U1>") {
		t.Fatalf("the update does not show the latest assignee:\n%s", all)
	}
}

// An update queued while another of the same card is in flight (rendered, its call
// under way) is not served by it: it is carried out after, and a later chat.update shows
// its change.
func TestCardUpdateQueuedInFlightIsNotLost(t *testing.T) {
	t.Parallel()
	var d *desk
	var once sync.Once
	var cid int64
	var during int
	wrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/chat.update") {
				once.Do(func() {
					if _, err := d.st.Assign(context.Background(), cid, "U1", "U3"); err != nil {
						t.Error(err)
					}
					during = len(d.slack.Calls("chat.update"))
				})
			}
			next.ServeHTTP(w, r)
		})
	}
	d = newDesk(t, deskOptions{wrap: wrap})
	c := d.contribution("Changed while the card is updated")
	cid = c.ID
	if _, err := d.st.Assign(context.Background(), cid, "U1", "U2"); err != nil {
		t.Fatal(err)
	}
	d.settle()
	calls := d.slack.Calls("chat.update")
	if len(calls) <= during+1 {
		t.Fatalf("%d chat.update calls, want one after the change made during the first", len(calls))
	}
	if last := joinedTexts(t, calls[len(calls)-1].Param("blocks")); !strings.Contains(last, "*Assignee*\n<@U3>") {
		t.Fatalf("the last update does not show the change made during the first:\n%s", last)
	}
	items, err := d.st.OutboxItems(context.Background(), cid)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Kind == store.OutboxSlackUpdate && it.CoalescedInto != nil {
			t.Fatalf("update %s was served by %d, though queued while it was in flight", it.IdempotencyKey, *it.CoalescedInto)
		}
	}
}

// In a backlog the acknowledgements go out before the cards are posted: each card says
// that its acknowledgement went out, and no thread note repeats it: one call per
// contribution. A card posted before its acknowledgement gets the note.
func TestBacklogCardSaysTheAcknowledgement(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true})
	const n = 12
	var ids []int64
	for i := range n {
		res := d.ingest(d.email(fmt.Sprintf("sender%d@gov.example", i), fmt.Sprintf("Backlog %d", i), "text"))
		ids = append(ids, res[0].ContributionID)
	}
	if got := d.sendAcks(); got != n {
		t.Fatalf("%d acknowledgements sent, want %d", got, n)
	}
	d.run()
	for _, id := range ids {
		d.waitCard(id)
	}
	d.settle()
	posts := d.slack.Calls("chat.postMessage")
	updates := d.slack.Calls("chat.update")
	if len(posts) != n || len(updates) != 0 {
		t.Fatalf("%d chat.postMessage and %d chat.update calls for %d contributions, want %d and 0", len(posts), len(updates), n, n)
	}
	for i, p := range posts {
		if want := "✉️ Acknowledged to amina@gov.example · "; p.Param("thread_ts") != "" ||
			!strings.Contains(joinedTexts(t, p.Param("blocks")), want) {
			t.Fatalf("post %d is not a card saying %q:\n%s", i, want, joinedTexts(t, p.Param("blocks")))
		}
	}

	// A card posted before its acknowledgement: the note follows in the thread.
	before := len(d.slack.Calls("chat.postMessage"))
	c := d.ingest(d.email("bruno@gov.example", "Card first", "text"))
	card := d.waitCard(c[0].ContributionID)
	if got := d.sendAcks(); got != 1 {
		t.Fatalf("%d acknowledgements sent, want 1", got)
	}
	d.waitCall("the acknowledgement's note", "chat.postMessage", func(call slacktest.Call) bool {
		return call.Param("thread_ts") == card.SlackTS && strings.Contains(joinedTexts(t, call.Param("blocks")), "Acknowledgement sent")
	})
	d.settle()
	if got := len(d.slack.Calls("chat.postMessage")) - before; got != 2 {
		t.Fatalf("%d chat.postMessage calls for a card posted before its acknowledgement, want 2 (card and note)", got)
	}
}

// A backlog whose acknowledgements go out while the cards are being posted: at most two
// Slack calls per contribution for its card and its acknowledgement, whichever comes
// first; the figure is logged.
func TestBacklogCallsPerContribution(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true})
	const n = 40
	var ids []int64
	for i := range n {
		res := d.ingest(d.email(fmt.Sprintf("sender%d@gov.example", i), fmt.Sprintf("Backlog %d", i), "text"))
		ids = append(ids, res[0].ContributionID)
	}
	d.run()
	acks := 0
	for acks < n {
		acks += d.sendAcks()
	}
	for _, id := range ids {
		d.waitCard(id)
	}
	d.settle()
	calls := len(d.slack.Calls("chat.postMessage")) + len(d.slack.Calls("chat.update"))
	notes := 0
	for _, p := range d.slack.Calls("chat.postMessage") {
		if p.Param("thread_ts") != "" {
			notes++
		}
	}
	t.Logf("backlog of %d, acknowledgements sent while the cards are posted: %d calls (%d notes), %.2f per contribution",
		n, calls, notes, float64(calls)/n)
	if calls > 2*n {
		t.Fatalf("%d Slack calls for %d contributions, want at most %d", calls, n, 2*n)
	}
}

// History (mail already old when read) gets no card: one summary in the channel, found
// with /wsis find --history and the ordinary find, shown with /wsis show; a recent
// follow-up from its sender cards it.
func TestHistoryInTheDesk(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	ctx := context.Background()
	var old []store.Inbound
	for i, subject := range []string{"Regional review inputs", "Workshop proposal on C5", "Old regional note"} {
		m := d.email(fmt.Sprintf("old%d@gov.example", i), subject, "Sent last month.")
		m.InternalDate = d.clock.Now().AddDate(0, 0, -30)
		old = append(old, m)
	}
	res := d.ingest(append(old, d.email("new@gov.example", "A new contribution", "Sent today."))...)
	for _, r := range res[:3] {
		if !r.NewContrib {
			t.Fatalf("not a new contribution: %+v", r)
		}
	}
	d.waitCard(res[3].ContributionID)
	imp, err := d.st.CaughtUp(ctx)
	if err != nil || imp.Messages != 3 || imp.Contributions != 3 {
		t.Fatalf("caught up: %+v %v", imp, err)
	}
	storetest.Eventually(t, 10*time.Second, "the history summary", func() bool { return len(d.posts("stored as history")) == 1 })
	summary := slacktest.RenderText(d.posts("stored as history")[0].Blocks, "")
	for _, w := range []string{"3 messages from before 20 January 2019, 10:00 (Geneva) are stored as history:* 3 contributions.", "`/wsis find --history`", "`/wsis show <reference>`", "`/wsis card <reference>`"} {
		if !strings.Contains(summary, w) {
			t.Errorf("summary lacks %q:\n%s", w, summary)
		}
	}
	d.settle()
	if n := len(d.slack.Calls("chat.postMessage")); n != 2 {
		t.Fatalf("%d chat.postMessage calls, want 2 (one card, one summary)", n)
	}
	refs := make([]string, 4)
	for i, r := range res {
		refs[i] = d.get(r.ContributionID).Ref
	}
	for _, tc := range []struct {
		text      string
		want, not []string
	}{
		{"find --history", []string{refs[0], refs[1], refs[2], "history, received"}, []string{refs[3]}},
		{"find --history regional", []string{refs[0], refs[2]}, []string{refs[1], refs[3]}},
		{"find regional --history", []string{refs[0], refs[2]}, []string{refs[1], refs[3]}},
		{"find --history nothing-like-it", []string{"No contribution stored as history matches"}, nil},
		{"find workshop", []string{refs[1], "history"}, []string{refs[0]}},
		{"show " + refs[1], []string{refs[1], "Workshop proposal on C5", "history"}, nil},
	} {
		got := d.command("U1", tc.text)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("/wsis %s lacks %q:\n%s", tc.text, w, got)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(got, w) {
				t.Errorf("/wsis %s has %q:\n%s", tc.text, w, got)
			}
		}
	}

	// The sender of an old contribution writes today: its card comes, the follow-up in
	// its thread.
	f := d.email("old0@gov.example", "Re: Regional review inputs", "Any news?")
	f.InReplyTo = old[0].MessageID
	fr := d.ingest(f)
	if fr[0].ContributionID != res[0].ContributionID || fr[0].NewContrib {
		t.Fatalf("follow-up: %+v", fr[0])
	}
	c := d.waitCard(res[0].ContributionID)
	d.waitCall("the follow-up in the card's thread", "chat.postMessage", func(call slacktest.Call) bool {
		return call.Param("thread_ts") == c.SlackTS && strings.Contains(joinedTexts(t, call.Param("blocks")), "Follow-up")
	})
	if _, err := d.st.CaughtUp(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a second summary: %v", err)
	}

	// A card on request.
	if got := d.command("U2", "card "+refs[1]); !strings.Contains(got, "is on its way") {
		t.Fatalf("/wsis card: %s", got)
	}
	c = d.waitCard(res[1].ContributionID)
	d.waitCall("the requested card", "chat.postMessage", func(call slacktest.Call) bool {
		all := joinedTexts(t, call.Param("blocks"))
		return call.Param("thread_ts") == "" && strings.Contains(all, "Workshop proposal on C5") && strings.Contains(all, "asked for this card")
	})
	if got := d.command("U2", "card "+refs[1]); !strings.Contains(got, "It has a card") {
		t.Fatalf("/wsis card again: %s", got)
	}
}
