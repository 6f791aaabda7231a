package bot

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/internal/pgtest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// limitedSlack is the Slack stand-in enforcing Slack's limits.
func limitedSlack(t *testing.T) (*slacktest.Server, string) {
	t.Helper()
	si := slacktest.New(slacktest.Options{Token: testToken, Limits: true})
	srv := httptest.NewServer(si)
	t.Cleanup(srv.Close)
	return si, srv.URL + "/"
}

// pacedBot is a desk (not running) on st whose Slack client is paced, as in serve.
func pacedBot(t *testing.T, st Store, apiURL string) *Bot {
	t.Helper()
	cfg := Config{BotToken: testToken, SigningSecret: testSecret, Channel: testChannel, APIURL: apiURL, DigestHour: -1}
	b, err := New(cfg, st, store.DefaultPhases(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// openStore opens another *store.Store on the database at u: another replica.
func openStore(t *testing.T, u string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), u, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// postAll posts n messages to channel from workers goroutines on each bot, and fails t
// on any error.
func postAll(t *testing.T, channel string, n, workers int, bots ...*Bot) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n*len(bots))
	for bi, b := range bots {
		next := make(chan int, n)
		for i := range n {
			next <- i
		}
		close(next)
		for range workers {
			wg.Go(func() {
				for i := range next {
					_, _, err := b.api.PostMessageContext(context.Background(), channel,
						slack.MsgOptionText(fmt.Sprintf("replica %d, message %d", bi, i), false))
					if err != nil {
						errs <- err
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// checkPaced checks that the stand-in answered no 429 and saw the posts to channel at
// Slack's pace: a burst of 3, then one a second. The slots are taken on the database's
// clock before the first call reaches the stand-in, so each call may come up to that
// first call's latency (allowed: 250 ms) early against the first.
func checkPaced(t *testing.T, si *slacktest.Server, channel string, want int) {
	t.Helper()
	if n := si.RateLimited(); n != 0 {
		t.Errorf("the stand-in answered %d 429s", n)
	}
	var calls []slacktest.Call
	for _, c := range si.Calls("chat.postMessage") {
		if c.Param("channel") == channel {
			calls = append(calls, c)
		}
	}
	if len(calls) != want {
		t.Fatalf("%d posts to %s reached Slack, want %d", len(calls), channel, want)
	}
	for i, c := range calls {
		if c.Status != http.StatusOK || c.Error != "" {
			t.Errorf("post %d answered %d %q", i+1, c.Status, c.Error)
		}
		if min := time.Duration(max(i-2, 0))*time.Second - 250*time.Millisecond; c.At.Sub(calls[0].At) < min {
			t.Errorf("post %d came %s after the first, want at least %s", i+1, c.At.Sub(calls[0].At), min)
		}
	}
}

func TestPaceBurstToOneChannel(t *testing.T) {
	t.Parallel()
	st, _ := storetest.New(t)
	si, apiURL := limitedSlack(t)
	b := pacedBot(t, st, apiURL)
	start := time.Now()
	postAll(t, "C1", 20, 4, b)
	if el := time.Since(start); el < 17*time.Second-250*time.Millisecond {
		t.Errorf("20 posts took %s; at one a second after a burst of 3 they take 17 s", el)
	}
	checkPaced(t, si, "C1", 20)
}

func TestPaceSharedByReplicas(t *testing.T) {
	t.Parallel()
	st, u := storetest.New(t)
	si, apiURL := limitedSlack(t)
	a, b := pacedBot(t, st, apiURL), pacedBot(t, openStore(t, u), apiURL)
	postAll(t, "C1", 6, 2, a, b)
	checkPaced(t, si, "C1", 12)
}

func TestPaceHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	st, u := storetest.New(t)
	si, apiURL := limitedSlack(t)
	a, b := pacedBot(t, st, apiURL), pacedBot(t, openStore(t, u), apiURL)
	ctx := context.Background()

	si.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, 2*time.Second)
	_, _, err := a.api.PostMessageContext(ctx, "C1", slack.MsgOptionText("one", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
		t.Fatalf("the first post: %v, want a 429 with Retry-After 2s", err)
	}
	// The other replica posts to that channel and to another at once: the second goes
	// out first, the first waits until Retry-After has passed.
	var wg sync.WaitGroup
	for _, ch := range []string{"C1", "C2"} {
		wg.Go(func() {
			if _, _, err := b.api.PostMessageContext(ctx, ch, slack.MsgOptionText("two", false)); err != nil {
				t.Errorf("post to %s: %v", ch, err)
			}
		})
	}
	wg.Wait()
	calls := si.Calls("chat.postMessage")
	if len(calls) != 3 {
		t.Fatalf("%d calls, want 3", len(calls))
	}
	limited, other, again := calls[0], calls[1], calls[2]
	if other.Param("channel") != "C2" || again.Param("channel") != "C1" {
		t.Errorf("the post to C2 did not go out before the one to C1: %s, %s", other.Param("channel"), again.Param("channel"))
	}
	if d := again.At.Sub(limited.At); d < 2*time.Second {
		t.Errorf("the next post to C1 came %s after the 429, before its Retry-After of 2s", d)
	}
	if n := si.RateLimited(); n != 0 {
		t.Errorf("the stand-in answered %d 429s of its own", n)
	}
}

func TestPaceWithoutDatabase(t *testing.T) {
	t.Parallel()
	pg := pgtest.Start(t)
	u := pg.URL("postgres")
	ctx := context.Background()
	if _, err := store.Migrate(ctx, u); err != nil {
		t.Fatal(err)
	}
	st := openStore(t, u)
	si, apiURL := limitedSlack(t)
	b := pacedBot(t, st, apiURL)
	if _, err := st.ReserveSlackSlot(ctx, "probe", time.Second, 1); err != nil {
		t.Fatalf("with the database up: %v", err)
	}
	pg.Stop(t, "fast")
	start := time.Now()
	postAll(t, "C1", 8, 2, b)
	if el := time.Since(start); el < 5*time.Second-250*time.Millisecond {
		t.Errorf("8 posts took %s; at one a second after a burst of 3 they take 5 s", el)
	}
	checkPaced(t, si, "C1", 8)
}

// BenchmarkPaceReserve is what the pacer adds to a Web API call that need not wait:
// one statement in the database.
func BenchmarkPaceReserve(b *testing.B) {
	st, _ := storetest.New(b)
	p, err := newPacer(st, "http://127.0.0.1/", false, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	rule := paceRule{interval: time.Microsecond, burst: 1}
	for b.Loop() {
		if w, _ := p.reserve(ctx, "bench", rule); w > time.Millisecond {
			b.Fatalf("waits %s", w)
		}
	}
}

func TestPaceRetryAfterOnly(t *testing.T) {
	t.Parallel()
	st, _ := storetest.New(t)
	si, apiURL := limitedSlack(t)
	cfg := Config{BotToken: testToken, SigningSecret: testSecret, Channel: testChannel, APIURL: apiURL, DigestHour: -1,
		Pace: PaceRetryAfter}
	b, err := New(cfg, st, store.DefaultPhases(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// No pace of its own: six posts in a row overrun Slack's burst of 3 ...
	for i := range 6 {
		_, _, _ = b.api.PostMessageContext(context.Background(), "C1", slack.MsgOptionText(fmt.Sprint(i), false))
	}
	if si.RateLimited() == 0 {
		t.Fatal("six posts in a row were not refused: paced after all?")
	}
	// ... but after a 429 the next call waits for its Retry-After (1 s, rounded up).
	calls := si.Calls("chat.postMessage")
	for i, c := range calls[:len(calls)-1] {
		if c.Status == http.StatusTooManyRequests {
			if d := calls[i+1].At.Sub(c.At); d < time.Second {
				t.Errorf("post %d came %s after the 429 before it", i+2, d)
			}
		}
	}
}

func TestConfigPace(t *testing.T) {
	t.Parallel()
	base := Config{BotToken: testToken, SigningSecret: testSecret, Channel: testChannel, APIURL: "http://127.0.0.1:8/", DigestHour: -1}
	for _, tc := range []struct {
		pace, api string
		ok        bool
	}{
		{"", "", true}, {"slack", "https://slack.com/api/", true}, {"retry-after", "", true},
		{"retry-after", "https://slack.com/api/", false}, {"retry-after", "https://acme.slack.com/api/", false},
		{"fast", "", false},
	} {
		c := base
		c.Pace = tc.pace
		if tc.api != "" {
			c.APIURL = tc.api
		}
		if err := c.Validate(); (err == nil) != tc.ok {
			t.Errorf("pace %q with %s: %v", tc.pace, c.APIURL, err)
		}
	}
}

func TestPaceSlotBeyondDeadline(t *testing.T) {
	t.Parallel()
	st, u := storetest.New(t)
	si, apiURL := limitedSlack(t)
	a, b := pacedBot(t, st, apiURL), pacedBot(t, openStore(t, u), apiURL)
	si.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, 5*time.Second)
	if _, _, err := a.api.PostMessageContext(context.Background(), "C1", slack.MsgOptionText("one", false)); err == nil {
		t.Fatal("the injected 429 did not come")
	}
	// Calls that cannot wait that long are told to come back then, at once, without
	// reaching Slack; and they give their slots back, so the wait does not grow.
	for i := range 20 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, _, err := b.api.PostMessageContext(ctx, "C1", slack.MsgOptionText("two", false))
		cancel()
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter > 5*time.Second || rl.RetryAfter < 3*time.Second {
			t.Fatalf("call %d: %v, want a rate limit of about 5s", i+1, err)
		}
	}
	if n := len(si.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d calls reached Slack, want only the first", n)
	}
}

// A database that stalls in the middle of a burst (a lock, a failover) sends the
// pacer in-process for a while; the calls it makes there are carried back into the
// shared budget when the database answers again, so the posts after the stall do not
// come as a fresh burst on top of them.
func TestPaceThroughADatabaseStall(t *testing.T) {
	t.Parallel()
	st, u := storetest.New(t)
	si, apiURL := limitedSlack(t)
	b := pacedBot(t, st, apiURL)
	db, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	stalled := make(chan error, 1)
	go func() {
		// Once the first posts are through, the budget's table is locked for 2 s.
		deadline := time.Now().Add(30 * time.Second)
		for len(si.Calls("chat.postMessage")) < 3 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			stalled <- err
			return
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, `LOCK TABLE slack_pace IN ACCESS EXCLUSIVE MODE`); err != nil {
			stalled <- err
			return
		}
		time.Sleep(2 * time.Second)
		stalled <- tx.Rollback()
	}()
	postAll(t, "C1", 14, 4, b)
	if err := <-stalled; err != nil {
		t.Fatalf("stall the database: %v", err)
	}
	checkPaced(t, si, "C1", 14)
}

// TestPaceCoversUploads: the upload methods draw on their Tier 4 budget like any Web API
// call, shared by the replicas: a burst, then one call every 667 ms, and no 429 from a
// Slack enforcing its limits.
func TestPaceCoversUploads(t *testing.T) {
	t.Parallel()
	st, u := storetest.New(t)
	si, apiURL := limitedSlack(t)
	a, b := pacedBot(t, st, apiURL), pacedBot(t, openStore(t, u), apiURL)
	start := time.Now()
	var wg sync.WaitGroup
	for _, bot := range []*Bot{a, b} {
		wg.Go(func() {
			for range 6 {
				if _, err := bot.api.GetUploadURLExternalContext(context.Background(),
					slack.GetUploadURLExternalParameters{FileName: "submission.pdf", FileSize: 8}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	// 12 calls against a burst of 8: the last waits 4 intervals.
	if el, want := time.Since(start), 4*paceTier4.interval-250*time.Millisecond; el < want {
		t.Errorf("12 calls of files.getUploadURLExternal took %s, want at least %s", el, want)
	}
	if n := si.RateLimited(); n != 0 {
		t.Errorf("the stand-in answered %d 429s", n)
	}
	if n := len(si.Calls("files.getUploadURLExternal")); n != 12 {
		t.Errorf("%d calls reached Slack, want 12", n)
	}
}
