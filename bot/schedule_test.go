package bot

import (
	"bytes"
	"image/png"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// twoDeadlines has a deadline in winter (CET, UTC+1) and one in summer (CEST, UTC+2):
// Europe/Zurich changed to summer time on 31 March 2019.
const twoDeadlines = `
name = "Test consultation"
ref_prefix = "TEST-2019"
timezone = "Europe/Zurich"

[[phases]]
code = "I"
name = "Open"
start = "2018-07-02"
description = "Open."

[[deadlines]]
name = "Winter deadline"
phase = "I"
date = "2019-01-28"
kinds = ["thematic"]
default = true

[[deadlines]]
name = "Summer deadline"
phase = "I"
date = "2019-04-08"
kinds = ["photo_contest"]
`

// waitTicks waits until every replica's scheduler has run n more passes.
func (d *desk) waitTicks(n int64) {
	d.t.Helper()
	start := make([]int64, len(d.bots))
	for i, b := range d.bots {
		start[i] = b.ticks.Load()
	}
	storetest.Eventually(d.t, 10*time.Second, "the schedulers to run", func() bool {
		for i, b := range d.bots {
			if b.ticks.Load() < start[i]+n {
				return false
			}
		}
		return true
	})
}

func (d *desk) waitPosts(what string, n int) []slacktest.Message {
	d.t.Helper()
	var got []slacktest.Message
	storetest.Eventually(d.t, 10*time.Second, what+" to be posted", func() bool {
		got = d.posts(what)
		return len(got) >= n
	})
	return got
}

func TestDigestsAndDeadlineAlertsAcrossDST(t *testing.T) {
	t.Parallel()
	phases, err := store.ParsePhases([]byte(twoDeadlines))
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
	d := newDesk(t, deskOptions{
		start: utc("2019-01-21T07:59:00Z"), phases: phases, replicas: 2, noRun: true,
		config:  func(c *Config) { c.DigestHour = 9 },
		options: []Option{WithSchedulerInterval(5 * time.Millisecond)},
	})
	thematic := d.email("gov@x.example", "Thematic, winter", "x")
	photo := d.email("photo@x.example", "Photo <!channel> entry", "x")
	photo.Suggestion.Kind = store.KindPhotoContest
	d.ingest(thematic, photo)
	d.run()

	type step struct {
		at      string
		digests []string // digest keys queued in all, after this step
		alerts  []string // deadline alert keys queued in all
	}
	winter7 := "deadline-alert:2019-01-28:7d:Winter deadline"
	summer7 := "deadline-alert:2019-04-08:7d:Summer deadline"
	summer1 := "deadline-alert:2019-04-08:1d:Summer deadline"
	steps := []step{
		{"2019-01-21T07:59:00Z", nil, nil},                                                                       // 08:59 CET: not yet
		{"2019-01-21T08:00:00Z", []string{"digest:2019-01-21"}, []string{winter7}},                               // 09:00 CET
		{"2019-04-01T06:59:00Z", []string{"digest:2019-01-21"}, []string{winter7}},                               // 08:59 CEST: not yet
		{"2019-04-01T07:00:00Z", []string{"digest:2019-01-21", "digest:2019-04-01"}, []string{winter7, summer7}}, // 09:00 CEST
		{"2019-04-07T06:59:00Z", []string{"digest:2019-01-21", "digest:2019-04-01"}, []string{winter7, summer7}},
		{"2019-04-07T07:00:00Z", []string{"digest:2019-01-21", "digest:2019-04-01", "digest:2019-04-07"}, []string{winter7, summer7, summer1}},
	}
	for _, s := range steps {
		d.clock.Set(utc(s.at))
		d.waitTicks(3) // both replicas, several passes each
		if got := d.keys("digest:%"); strings.Join(got, " ") != strings.Join(s.digests, " ") {
			t.Fatalf("at %s: digests queued %v, want %v", s.at, got, s.digests)
		}
		if got := d.keys("deadline-alert:%"); strings.Join(got, " ") != strings.Join(s.alerts, " ") {
			t.Fatalf("at %s: alerts queued %v, want %v", s.at, got, s.alerts)
		}
	}

	// Each was posted once, by one of the two replicas.
	for _, want := range []struct {
		text string
		n    int
	}{
		{"Daily digest — Monday 21 January 2019", 1},
		{"Daily digest — Monday 1 April 2019", 1},
		{"Daily digest — Sunday 7 April 2019", 1},
		{"Deadline in 7 days:* Winter deadline", 1},
		{"Deadline in 7 days:* Summer deadline", 1},
		{"Deadline tomorrow:* Summer deadline", 1},
	} {
		d.waitPosts(want.text, want.n)
		d.waitPolls(3)
		if got := d.posts(want.text); len(got) != want.n {
			t.Errorf("%q posted %d times", want.text, len(got))
		}
	}
	// Each digest carries its chart, a PNG uploaded to the channel once.
	var charts []slacktest.File
	storetest.Eventually(t, 10*time.Second, "the digests' charts to be uploaded", func() bool {
		charts = charts[:0]
		for _, f := range d.slack.Files() {
			if strings.HasPrefix(f.Name, "wsis-contributions-") && strings.HasSuffix(f.Name, ".png") && f.Shared {
				charts = append(charts, f)
			}
		}
		return len(charts) >= 3
	})
	d.waitPolls(3)
	seen := map[string]bool{}
	for _, f := range d.slack.Files() {
		if strings.HasSuffix(f.Name, ".png") {
			if seen[f.Name] {
				t.Errorf("%s uploaded twice", f.Name)
			}
			seen[f.Name] = true
		}
	}
	for _, day := range []string{"2019-01-21", "2019-04-01", "2019-04-07"} {
		if !seen["wsis-contributions-"+day+".png"] {
			t.Errorf("no chart for the digest of %s (uploaded: %v)", day, seen)
		}
	}
	for _, f := range charts {
		if f.Channel != d.bots[0].cfg.Channel {
			t.Errorf("%s shared in %q", f.Name, f.Channel)
		}
		if _, err := png.Decode(bytes.NewReader(f.Data)); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
	}

	summer := slacktest.RenderText(d.posts("Deadline tomorrow:* Summer deadline")[0].Blocks, "")
	if !strings.Contains(summer, "Still open against it (1)") || !strings.Contains(summer, "Photo <!channel> entry") || strings.Contains(summer, "Thematic, winter") {
		t.Errorf("summer alert:\n%s", summer)
	}
	if raw := string(d.posts("Deadline tomorrow:* Summer deadline")[0].Blocks); strings.Contains(raw, "<!channel>") {
		t.Errorf("email text unescaped in the alert: %s", raw)
	}

	// A replica started later (a restart) does not post again what already ran today.
	later, err := New(d.bots[0].cfg, d.st, phases, d.clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	later.schedule(d.ctx)
	if got := d.keys("digest:%"); len(got) != 3 {
		t.Fatalf("after a restart: %v", got)
	}
}

// keys lists the outbox keys like pattern, in order.
func (d *desk) keys(like string) []string {
	d.t.Helper()
	var ks []string
	if err := d.st.DB().Select(&ks, `SELECT idempotency_key FROM outbox WHERE idempotency_key LIKE $1 ORDER BY id`, like); err != nil {
		d.t.Fatal(err)
	}
	return ks
}

func TestEscalation(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: func(c *Config) { c.EscalateAfter = 48 * time.Hour }})
	waiting := d.contribution("Nobody <@U1> takes me")
	taken := d.contribution("Taken")
	if _, err := d.st.Take(d.ctx, taken.ID, "U2"); err != nil {
		t.Fatal(err)
	}
	d.clock.Advance(47 * time.Hour)
	d.schedule()
	if n := d.countOutbox("escalation:%"); n != 0 {
		t.Fatalf("escalated after 47 h: %d", n)
	}
	d.clock.Advance(2 * time.Hour)
	d.schedule()
	d.schedule()
	if n := d.countOutbox("escalation:%"); n != 1 {
		t.Fatalf("%d escalations", n)
	}
	post := d.waitPosts("Nobody has acknowledged 1 contribution for more than 2 days", 1)[0]
	text := slacktest.RenderText(post.Blocks, "")
	if !strings.Contains(text, waiting.Ref) || strings.Contains(text, taken.Ref) || !strings.Contains(text, "Nobody <@U1> takes me") {
		t.Errorf("escalation:\n%s", text)
	}
	if strings.Contains(joinedTexts(t, string(post.Blocks)), "<@U1>") {
		t.Errorf("email text unescaped in the escalation")
	}
}
