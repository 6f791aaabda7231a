package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/wsis/wsisbot/store"
)

// Watchdog conditions. Each is a flag in the store, shared by the replicas: raising it
// queues one alert, clearing it queues one "cleared" message.
const (
	condMailbox = "mailbox"
	condToken   = "oauth_token"
	condOutbox  = "outbox"
	condBounces = "bounces"
	condNoMail  = "no_mail"
)

var conditionTitles = map[string]string{
	condMailbox: "the mailbox cannot be reached or is not being read",
	condToken:   "the OAuth token command fails",
	condOutbox:  "the outbox is not draining",
	condBounces: "our emails are bouncing",
	condNoMail:  "no mail has arrived while a deadline is near",
}

var clearedTitles = map[string]string{
	condMailbox: "the mailbox is read again",
	condToken:   "the OAuth token command works again",
	condOutbox:  "the outbox is draining again",
	condBounces: "bounces are below the threshold again",
	condNoMail:  "mail is arriving again, or no deadline is near",
}

type condition struct {
	name   string
	active bool
	detail string
	// undecided leaves the flag as it is: the condition is neither clearly on nor off
	// (the mailbox is down, but not yet for long enough to say).
	undecided bool
}

// conditions evaluates what the watchdog watches.
func (b *Bot) conditions(ctx context.Context, now time.Time) ([]condition, error) {
	var out []condition
	if s := b.intakeStatus(); s != nil {
		// Every replica evaluates the mailbox from the same shared state. Only "read now"
		// clears the alert: a replica started a moment ago must not clear an alert that
		// another one raised while the mailbox is still down.
		since := maxTime(s.LastSuccessAt, b.started)
		c := condition{name: condMailbox}
		switch {
		case s.Connected:
		case b.cfg.WatchMailboxAfter > 0 && now.Sub(since) > b.cfg.WatchMailboxAfter:
			c.active = true
			reason := s.LastError
			if reason == "" {
				reason = "unknown"
			}
			c.detail = fmt.Sprintf("The mailbox has not been read for %s (since %s). Last error: %s", age(now, since), b.genevaTime(since), reason)
		default:
			c.undecided = true
		}
		out = append(out, c)
		out = append(out, condition{name: condToken, active: s.TokenError != "", detail: s.TokenError})
	}
	if b.cfg.WatchOutboxAge > 0 {
		st, err := b.st.OutboxStats(ctx)
		if err != nil {
			return nil, err
		}
		active := st.Pending > 0 && st.OldestAge > b.cfg.WatchOutboxAge
		out = append(out, condition{name: condOutbox, active: active,
			detail: fmt.Sprintf("%d items are waiting; the oldest for %s. Failed for good: %d.", st.Pending, age(now, now.Add(-st.OldestAge)), st.Failed)})
	}
	if b.cfg.WatchBounces > 0 {
		n, err := b.st.CountEvents(ctx, []string{store.ActionBounce, store.ActionAckFailed}, now.Add(-24*time.Hour))
		if err != nil {
			return nil, err
		}
		out = append(out, condition{name: condBounces, active: n >= b.cfg.WatchBounces,
			detail: fmt.Sprintf("%d of our emails bounced or failed in the last 24 hours.", n)})
	}
	if b.cfg.WatchNoMail > 0 {
		active, detail := false, ""
		if d, ok := b.phases.NextDeadline(now); ok && b.phases.DaysLeft(d, now) < 7 {
			last, err := b.st.LastInboundAt(ctx)
			if err != nil {
				return nil, err
			}
			ref := maxTime(last, b.started)
			if now.Sub(ref) > b.cfg.WatchNoMail {
				active = true
				seen := "none since wsisbot started"
				if !last.IsZero() {
					seen = "the last arrived " + b.genevaTime(last)
				}
				detail = fmt.Sprintf("No mail for more than %s (%s), and %s is %s away.", humanDuration(b.cfg.WatchNoMail), seen, d.Name, b.daysLeftText(d, now))
			}
		}
		out = append(out, condition{name: condNoMail, active: active, detail: detail})
	}
	return out, nil
}

// intakeStatus is the mailbox's state; nil when there is no intake status, or when it
// says Standby (this replica cannot tell: it leaves the mailbox conditions alone).
func (b *Bot) intakeStatus() *IntakeStatus {
	if b.intake == nil {
		return nil
	}
	s := b.intake()
	if s.Standby {
		return nil
	}
	return &s
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// watch raises and clears the watchdog's flags.
func (b *Bot) watch(ctx context.Context, now time.Time) error {
	conds, err := b.conditions(ctx, now)
	if err != nil {
		return err
	}
	flags, err := b.st.Flags(ctx)
	if err != nil {
		return err
	}
	for _, c := range conds {
		name := "watchdog:" + c.name
		since, raised := flags[name]
		if c.undecided || c.active == raised {
			continue
		}
		n := notice{Type: "watchdog", Condition: c.name, Detail: c.detail, State: "raised"}
		if !c.active {
			n.State, n.Detail, n.Since = "cleared", "", since.Format(time.RFC3339)
		}
		it, err := store.NewOutboxItem(store.OutboxSlackNotice, fmt.Sprintf("watchdog:%s:%s:%d", c.name, n.State, now.UnixNano()), 0, 0, n)
		if err != nil {
			return err
		}
		changed, err := b.st.SetFlag(ctx, name, c.active, now, it)
		if err != nil {
			return err
		}
		if changed {
			b.log.Warn("watchdog", "condition", c.name, "state", n.State)
		}
	}
	return nil
}

func (b *Bot) watchdogText(n notice) string {
	if n.State == "cleared" {
		title := clearedTitles[n.Condition]
		if title == "" {
			title = n.Condition + " is fine again"
		}
		s := "✅ *Watchdog:* " + title + "."
		if t, err := time.Parse(time.RFC3339, n.Since); err == nil {
			s += " (raised " + b.genevaTime(t) + ")"
		}
		return s
	}
	title := conditionTitles[n.Condition]
	if title == "" {
		title = n.Condition
	}
	s := "🚨 *Watchdog:* " + title + "."
	if n.Detail != "" {
		s += "\n" + escapeMrkdwn(n.Detail)
	}
	return s
}
