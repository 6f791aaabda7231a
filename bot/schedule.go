package bot

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/report"
	"github.com/wsis/wsisbot/store"
)

// Reminders run once per occurrence across replicas and restarts: each pass claims the
// occurrence in the store (job_runs) and queues its post in the same transaction, so
// exactly one replica queues it and the outbox posts it once, retrying as needed.

// alertDays are how many days before each deadline an alert goes out.
var alertDays = []int{7, 1}

// maxEscalated is how many contributions one escalation notice lists.
const maxEscalated = 25

// schedule is one pass of the scheduler.
func (b *Bot) schedule(ctx context.Context) {
	now := b.clock.Now()
	if err := b.scheduleDigest(ctx, now); err != nil {
		b.log.Error("digest", slog.Any("error", err))
	}
	if err := b.scheduleDeadlineAlerts(ctx, now); err != nil {
		b.log.Error("deadline alerts", slog.Any("error", err))
	}
	if err := b.scheduleDeadlineDay(ctx, now); err != nil {
		b.log.Error("deadline day alerts", slog.Any("error", err))
	}
	if err := b.remindStale(ctx, now); err != nil {
		b.log.Error("stale reminders", slog.Any("error", err))
	}
	if err := b.scheduleSortedSummary(ctx, now); err != nil {
		b.log.Error("sorted-away summary", slog.Any("error", err))
	}
	if err := b.escalate(ctx, now); err != nil {
		b.log.Error("escalation", slog.Any("error", err))
	}
	if err := b.watch(ctx, now); err != nil {
		b.log.Error("watchdog", slog.Any("error", err))
	}
	if _, err := b.st.PruneSlackRequests(ctx, now.Add(-requestMemory)); err != nil {
		b.log.Error("forgetting old requests", slog.Any("error", err))
	}
	b.ticks.Add(1)
}

// atHour is hour:00 Geneva time on t's Geneva date (DST included).
func (b *Bot) atHour(t time.Time, hour int) time.Time {
	lt := t.In(b.phases.Location)
	return time.Date(lt.Year(), lt.Month(), lt.Day(), hour, 0, 0, 0, b.phases.Location)
}

func (b *Bot) alertHour() int {
	if b.cfg.DigestHour < 0 {
		return 9
	}
	return b.cfg.DigestHour
}

// scheduleDigest queues today's digest once the digest hour has come.
func (b *Bot) scheduleDigest(ctx context.Context, now time.Time) error {
	if b.cfg.DigestHour < 0 {
		return nil
	}
	occ := b.atHour(now, b.cfg.DigestHour)
	if now.Before(occ) {
		return nil
	}
	day := occ.Format("2006-01-02")
	it, err := store.NewOutboxItem(store.OutboxSlackNotice, "digest:"+day, 0, 0, notice{Type: "digest", Day: day})
	if err != nil {
		return err
	}
	chart, err := store.NewOutboxItem(store.OutboxSlackNotice, "digest-chart:"+day, 0, 0, notice{Type: noticeDigestChart, Day: day})
	if err != nil {
		return err
	}
	claimed, err := b.st.ClaimRun(ctx, "digest", occ, it, chart)
	if err != nil {
		return err
	}
	if claimed {
		b.log.Info("digest queued", "day", day)
	}
	return nil
}

// scheduleDeadlineAlerts queues the alerts due 7 and 1 days before each deadline, at the
// digest hour, during that day only.
func (b *Bot) scheduleDeadlineAlerts(ctx context.Context, now time.Time) error {
	for _, d := range b.phases.Deadlines {
		for _, n := range alertDays {
			occ := b.atHour(d.Date.AddDate(0, 0, -n), b.alertHour())
			if now.Before(occ) || !now.Before(occ.AddDate(0, 0, 1)) {
				continue
			}
			date := d.Date.Format("2006-01-02")
			key := fmt.Sprintf("deadline-alert:%s:%dd:%s", date, n, d.Name)
			it, err := store.NewOutboxItem(store.OutboxSlackNotice, key, 0, 0,
				notice{Type: "deadline_alert", Deadline: d.Name, Date: date, Days: n})
			if err != nil {
				return err
			}
			claimed, err := b.st.ClaimRun(ctx, key, occ, it)
			if err != nil {
				return err
			}
			if claimed {
				b.log.Info("deadline alert queued", "deadline", d.Name, "days", n)
			}
		}
	}
	return nil
}

// scheduleDeadlineDay queues, on each deadline day at WSISBOT_DEADLINE_DAY_HOUR (Geneva
// time, DST included), the alert of what is still open against it, during that day only.
func (b *Bot) scheduleDeadlineDay(ctx context.Context, now time.Time) error {
	if b.cfg.DeadlineHour < 0 {
		return nil
	}
	for _, d := range b.phases.Deadlines {
		occ := b.atHour(d.Date, b.cfg.DeadlineHour)
		if now.Before(occ) || !now.Before(b.atHour(d.Date.AddDate(0, 0, 1), 0)) {
			continue
		}
		date := d.Date.In(b.phases.Location).Format("2006-01-02")
		key := fmt.Sprintf("deadline-day:%s:%s", date, d.Name)
		it, err := store.NewOutboxItem(store.OutboxSlackNotice, key, 0, 0,
			notice{Type: store.NoticeDeadlineAlert, Deadline: d.Name, Date: date, Days: 0})
		if err != nil {
			return err
		}
		claimed, err := b.st.ClaimRun(ctx, key, occ, it)
		if err != nil {
			return err
		}
		if claimed {
			b.log.Info("deadline day alert queued", "deadline", d.Name)
		}
	}
	return nil
}

// maxStaleReminders is how many stale reminders one scheduler pass queues at most.
const maxStaleReminders = 200

// remindStale queues a direct message to the assignee of each contribution that has not
// moved for WSISBOT_STALE_AFTER, once per such period, across replicas.
func (b *Bot) remindStale(ctx context.Context, now time.Time) error {
	if b.cfg.StaleAfter <= 0 {
		return nil
	}
	n, err := b.st.QueueStaleReminders(ctx, now, b.cfg.StaleAfter, maxStaleReminders)
	if err != nil {
		return err
	}
	if n > 0 {
		b.log.Info("stale reminders queued", "count", n)
	}
	return nil
}

// escalate queues a notice of the contributions nobody acknowledged in time.
func (b *Bot) escalate(ctx context.Context, now time.Time) error {
	if b.cfg.EscalateAfter <= 0 {
		return nil
	}
	ids, err := b.st.ClaimEscalations(ctx, now.Add(-b.cfg.EscalateAfter), maxEscalated)
	if err != nil {
		return err
	}
	if len(ids) > 0 {
		b.log.Info("escalation queued", "contributions", len(ids))
	}
	return nil
}

// noticeDigestChart is the digest's picture: a notice of its own, so that a failed upload
// is retried without posting the digest's text again.
const noticeDigestChart = "digest_chart"

// postDigestChart uploads the digest's chart to the channel: contributions so far per
// kind against the days left to the next deadline (a PNG drawn by report.DigestChart).
func (b *Bot) postDigestChart(ctx context.Context, n notice) error {
	now := b.clock.Now()
	days, err := b.st.ReportDays(ctx, nil, &now, b.phases.Location.String())
	if err != nil {
		return err
	}
	png, err := report.DigestChart(days, b.phases, now)
	if err != nil {
		return store.Permanent(err)
	}
	name := "wsis-contributions-" + n.Day + ".png"
	if _, err := b.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader: bytes.NewReader(png), FileSize: len(png), Filename: name,
		Title: "Contributions so far, " + n.Day, Channel: b.cfg.Channel,
	}); err != nil {
		return outboxError("upload digest chart", err)
	}
	return nil
}

// digestText is the daily digest: what is open, what waits, what is due.
func (b *Bot) digestText(ctx context.Context, n notice) (string, error) {
	now := b.clock.Now()
	st, err := b.st.ContributionStats(ctx)
	if err != nil {
		return "", err
	}
	open, err := b.st.ListContributions(ctx, store.ContributionFilter{Open: true})
	if err != nil {
		return "", err
	}
	day, err := time.ParseInLocation("2006-01-02", n.Day, b.phases.Location)
	if err != nil {
		day = now
	}
	var s strings.Builder
	fmt.Fprintf(&s, "📋 *Daily digest — %s*\n", day.Format("Monday 2 January 2006"))
	fmt.Fprintf(&s, "%s in all, %d open: %d received, %d acknowledged, %d classified.\n",
		plural(st.Total, "contribution"), st.Open, st.ByStatus[store.StatusReceived], st.ByStatus[store.StatusTaken], st.ByStatus[store.StatusClassified])
	if d, ok := b.phases.NextDeadline(now); ok {
		fmt.Fprintf(&s, "⏳ Next deadline: *%s*, %s (%s); %d open against it.\n", escapeMrkdwn(d.Name),
			d.Date.Format("2 January 2006"), b.daysLeftText(d, now), st.ByDeadline[d.Name])
	}
	var waiting []store.Contribution
	for _, c := range open {
		if c.Status == store.StatusReceived && now.Sub(c.ReceivedAt) > 48*time.Hour {
			waiting = append(waiting, c)
		}
	}
	if holders := holdersText(open); holders != "" {
		s.WriteString("\n*Who holds what (open):*\n" + holders)
	}
	if len(waiting) > 0 {
		fmt.Fprintf(&s, "\n*Not taken for more than 48 hours (%d):*\n", len(waiting))
		b.writeList(&s, waiting, now, 15)
	}
	if len(open) > 0 {
		fmt.Fprintf(&s, "\n*Oldest open:*\n")
		b.writeList(&s, open, now, 10)
	} else {
		s.WriteString("\nNothing is open. 🎉\n")
	}
	return s.String(), nil
}

func (b *Bot) writeList(s *strings.Builder, cs []store.Contribution, now time.Time, limit int) {
	for i, c := range cs {
		if i == limit {
			fmt.Fprintf(s, "… and %d more\n", len(cs)-limit)
			break
		}
		s.WriteString(b.contributionLine(c, now) + "\n")
	}
}

func (b *Bot) deadlineAlertText(ctx context.Context, n notice) (string, error) {
	now := b.clock.Now()
	open, err := b.st.ListContributions(ctx, store.ContributionFilter{Open: true, DeadlineName: n.Deadline})
	if err != nil {
		return "", err
	}
	when := "in 7 days"
	if n.Days == 0 {
		when = "today"
	} else if n.Days == 1 {
		when = "tomorrow"
	} else if n.Days != 7 {
		when = fmt.Sprintf("in %d days", n.Days)
	}
	date := n.Date
	if t, err := time.ParseInLocation("2006-01-02", n.Date, b.phases.Location); err == nil {
		date = t.Format("Monday 2 January 2006")
	}
	var s strings.Builder
	fmt.Fprintf(&s, "⏰ *Deadline %s:* %s, %s, 23:59 Geneva time.\n", when, escapeMrkdwn(n.Deadline), date)
	if len(open) == 0 {
		s.WriteString("Nothing is open against it.\n")
		return s.String(), nil
	}
	fmt.Fprintf(&s, "Still open against it (%d):\n", len(open))
	b.writeList(&s, open, now, 30)
	return s.String(), nil
}

func (b *Bot) escalationText(ctx context.Context, n notice) (string, error) {
	now := b.clock.Now()
	var cs []store.Contribution
	for _, id := range n.ContributionIDs {
		c, err := b.st.Contribution(ctx, id)
		if err != nil {
			return "", err
		}
		if c.Status == store.StatusReceived {
			cs = append(cs, c)
		}
	}
	if len(cs) == 0 {
		return "", nil // someone took them meanwhile
	}
	var s strings.Builder
	fmt.Fprintf(&s, "🚩 *Nobody has acknowledged %s for more than %s.* Who takes %s?\n",
		plural(len(cs), "contribution"), humanDuration(b.cfg.EscalateAfter), map[bool]string{true: "it", false: "them"}[len(cs) == 1])
	b.writeList(&s, cs, now, maxEscalated)
	return s.String(), nil
}

// holdersText counts open contributions per assignee, most first, with those nobody
// holds last: one line each.
func holdersText(open []store.Contribution) string {
	counts := map[string]int{}
	nobody := 0
	for _, c := range open {
		if c.Assignee == "" {
			nobody++
			continue
		}
		counts[c.Assignee]++
	}
	if len(counts) == 0 && nobody == 0 {
		return ""
	}
	who := make([]string, 0, len(counts))
	for u := range counts {
		who = append(who, u)
	}
	sort.Slice(who, func(i, j int) bool {
		if counts[who[i]] != counts[who[j]] {
			return counts[who[i]] > counts[who[j]]
		}
		return who[i] < who[j]
	})
	var s strings.Builder
	for _, u := range who {
		fmt.Fprintf(&s, "• %s: %d\n", userMention(u), counts[u])
	}
	if nobody > 0 {
		fmt.Fprintf(&s, "• nobody: %d\n", nobody)
	}
	return s.String()
}

func humanDuration(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return plural(int(d/(24*time.Hour)), "day")
	case d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	}
	return d.String()
}
