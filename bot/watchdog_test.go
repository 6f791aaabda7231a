package bot

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// intakeState is a settable IntakeStatus.
type intakeState struct {
	mu sync.Mutex
	s  IntakeStatus
}

func (i *intakeState) set(s IntakeStatus) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.s = s
}

func (i *intakeState) get() IntakeStatus {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.s
}

// scheduleTogether runs one scheduler pass on every replica at the same time.
func (d *desk) scheduleTogether() {
	var wg sync.WaitGroup
	for _, b := range d.bots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.schedule(d.ctx)
		}()
	}
	wg.Wait()
}

// waitSlackDrained waits until no Slack outbox item is pending.
func (d *desk) waitSlackDrained() {
	d.t.Helper()
	storetest.Eventually(d.t, 10*time.Second, "the Slack outbox to drain", func() bool {
		var n int
		err := d.st.DB().Get(&n, `SELECT count(*) FROM outbox WHERE kind LIKE 'slack_%' AND done_at IS NULL AND failed_at IS NULL`)
		return err == nil && n == 0
	})
}

func TestWatchdogOneAlertPerConditionAndOneClear(t *testing.T) {
	t.Parallel()
	intake := &intakeState{}
	intake.set(IntakeStatus{LastError: "dial tcp 10.0.0.1:993: connection <refused>", LastErrorAt: inConsultation})
	// A third replica cannot tell (Standby): it neither raises nor clears the alerts.
	standby := &intakeState{}
	standby.set(IntakeStatus{Standby: true, Connected: true})
	d := newDesk(t, deskOptions{replicas: 3, config: func(c *Config) {
		c.WatchMailboxAfter = 10 * time.Minute
		c.WatchOutboxAge = 30 * time.Minute
		c.WatchBounces = 2
	}, replicaOptions: func(i int) []Option {
		if i == 2 {
			return []Option{WithIntakeStatus(standby.get)}
		}
		return []Option{WithIntakeStatus(intake.get)}
	}})
	c := d.contribution("A contribution") // its acknowledgement waits in the outbox: no mailer here

	type want map[string]int // condition:state → notices queued
	check := func(step string, w want) {
		t.Helper()
		for _, cond := range []string{condMailbox, condToken, condOutbox, condBounces} {
			for _, state := range []string{"raised", "cleared"} {
				if n := d.countOutbox("watchdog:" + cond + ":" + state + ":%"); n != w[cond+":"+state] {
					t.Fatalf("%s: %s %s %d times, want %d", step, cond, state, n, w[cond+":"+state])
				}
			}
		}
	}

	d.clock.Advance(5 * time.Minute)
	d.scheduleTogether()
	check("mailbox down 5 minutes", want{})

	d.clock.Advance(6 * time.Minute)
	d.scheduleTogether()
	d.scheduleTogether()
	check("mailbox down 11 minutes", want{"mailbox:raised": 1})
	post := d.waitPosts("Watchdog:* the mailbox cannot be reached", 1)[0]
	if text := slacktest.RenderText(post.Blocks, ""); !strings.Contains(text, "connection <refused>") || strings.Contains(joinedTexts(t, string(post.Blocks)), "<refused>") {
		t.Errorf("mailbox alert:\n%s", text)
	}

	intake.set(IntakeStatus{LastError: "login failed", TokenError: "token command: exit status 1"})
	d.scheduleTogether()
	check("token failing", want{"mailbox:raised": 1, "oauth_token:raised": 1})

	d.clock.Advance(20 * time.Minute) // the acknowledgement has waited 31 minutes
	for range 2 {
		if err := d.st.AddEvent(d.ctx, c.ID, store.ActorSystem, store.ActionBounce, nil); err != nil {
			t.Fatal(err)
		}
	}
	d.scheduleTogether()
	check("outbox stuck, bouncing", want{"mailbox:raised": 1, "oauth_token:raised": 1, "outbox:raised": 1, "bounces:raised": 1})

	// Everything recovers: one "cleared" each.
	intake.set(IntakeStatus{Connected: true, LastSuccessAt: d.clock.Now()})
	if _, err := d.st.ProcessOutbox(d.ctx, []store.OutboxKind{store.OutboxAckEmail}, func(context.Context, store.OutboxItem) (store.OutboxResult, error) {
		return store.OutboxResult{AckSent: true}, nil
	}); err != nil {
		t.Fatal(err)
	}
	d.clock.Advance(25 * time.Hour) // the bounces are more than a day old
	d.waitSlackDrained()            // the alerts above are out of the outbox
	d.scheduleTogether()
	d.scheduleTogether()
	check("recovered", want{"mailbox:raised": 1, "oauth_token:raised": 1, "outbox:raised": 1, "bounces:raised": 1,
		"mailbox:cleared": 1, "oauth_token:cleared": 1, "outbox:cleared": 1, "bounces:cleared": 1})
	d.waitPosts("Watchdog:* the mailbox is read again", 1)
	for _, p := range []string{"mailbox cannot be reached", "OAuth access tokens fail", "outbox is not draining", "emails are bouncing",
		"mailbox is read again", "OAuth access tokens work again", "outbox is draining again", "bounces are below the threshold again"} {
		if n := len(d.waitPosts(p, 1)); n != 1 {
			t.Errorf("%q posted %d times", p, n)
		}
	}
}

// TestWatchdogMailboxDownSharedByReplicas: every replica sees the same mailbox state;
// one that started a moment ago (so the mailbox has not been down for long in its eyes)
// neither raises nor clears the alert that another raised: one alert, and one "cleared"
// when the mailbox is read again.
func TestWatchdogMailboxDownSharedByReplicas(t *testing.T) {
	t.Parallel()
	intake := &intakeState{}
	intake.set(IntakeStatus{LastError: "no replica reads the mailbox: the last report came from r1 5m0s ago"})
	d := newDesk(t, deskOptions{replicas: 2, noRun: true, config: func(c *Config) { c.WatchMailboxAfter = 10 * time.Minute },
		options: []Option{WithIntakeStatus(intake.get)}})
	count := func(state string) int { return d.countOutbox("watchdog:" + condMailbox + ":" + state + ":%") }

	d.clock.Advance(11 * time.Minute)
	d.bots[1].started = d.clock.Now() // replica 1 has just started
	d.scheduleTogether()
	d.scheduleTogether()
	if r, c := count("raised"), count("cleared"); r != 1 || c != 0 {
		t.Fatalf("mailbox down 11 minutes, one replica just started: raised %d, cleared %d; want 1, 0", r, c)
	}
	intake.set(IntakeStatus{Connected: true, LastSuccessAt: d.clock.Now()})
	d.clock.Advance(time.Minute)
	d.scheduleTogether()
	d.scheduleTogether()
	if r, c := count("raised"), count("cleared"); r != 1 || c != 1 {
		t.Fatalf("mailbox read again: raised %d, cleared %d; want 1, 1", r, c)
	}
}

func TestWatchdogNoMailNearDeadline(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true, config: func(c *Config) { c.WatchNoMail = 24 * time.Hour }})
	d.ingest(d.email("a@gov.example", "Last mail", "x"))
	d.clock.Advance(48 * time.Hour) // 23 January: the deadline is 18 days away
	d.schedule()
	if n := d.countOutbox("watchdog:no_mail:raised:%"); n != 0 {
		t.Fatalf("raised with the deadline 18 days away")
	}
	d.clock.Set(time.Date(2019, 2, 5, 10, 0, 0, 0, geneva)) // 5 days before 10 February
	d.schedule()
	if n := d.countOutbox("watchdog:no_mail:raised:%"); n != 1 {
		t.Fatalf("raised %d times", n)
	}
	d.ingest(d.email("b@gov.example", "Fresh mail", "x"))
	d.schedule()
	if n := d.countOutbox("watchdog:no_mail:cleared:%"); n != 1 {
		t.Fatalf("cleared %d times", n)
	}
}

// TestWatchdogSearchIndexBehind: mail stored longer ago than WatchSearchAge and still not
// in the search index raises one alert (no replica's indexer works); once indexed, one
// "cleared".
func TestWatchdogSearchIndexBehind(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true, config: func(c *Config) { c.WatchSearchAge = 30 * time.Minute }})
	d.ingest(d.email("a@gov.example", "Our input", "x"))
	d.clock.Advance(10 * time.Minute)
	d.schedule()
	if n := d.countOutbox("watchdog:search_index:raised:%"); n != 0 {
		t.Fatalf("raised after 10 minutes")
	}
	d.clock.Advance(25 * time.Minute)
	d.schedule()
	if n := d.countOutbox("watchdog:search_index:raised:%"); n != 1 {
		t.Fatalf("raised %d times after 35 minutes, want 1", n)
	}
	d.schedule()
	if n := d.countOutbox("watchdog:search_index:raised:%"); n != 1 {
		t.Fatalf("raised %d times on the next pass, want 1", n)
	}
	for {
		n, err := d.st.IndexForSearch(d.ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	d.schedule()
	if n := d.countOutbox("watchdog:search_index:cleared:%"); n != 1 {
		t.Fatalf("cleared %d times once indexed, want 1", n)
	}
}
