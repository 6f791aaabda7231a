package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
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
	// condSearch: stored mail waits for its search terms; no replica's indexer works.
	condSearch = "search_index"
	// condMailAuth: the mail server refuses our renewed OAuth token.
	condMailAuth = "mail_auth"
	// condExpiry is no flag: a warning queued once a day while an OAuth credential is
	// near its end (see warnExpiries).
	condExpiry = "credential_expiry"
)

var conditionTitles = map[string]string{
	condMailbox:  "the mailbox cannot be reached or is not being read",
	condToken:    "OAuth access tokens fail (none can be had, or the mailbox refuses them)",
	condOutbox:   "the outbox is not draining",
	condBounces:  "our emails are bouncing",
	condNoMail:   "no mail has arrived while a deadline is near",
	condSearch:   "the search index is not kept up to date",
	condMailAuth: "the mail server refuses our OAuth token: acknowledgements and replies wait in the outbox",
	condExpiry:   "an OAuth credential expires soon",
}

var clearedTitles = map[string]string{
	condMailbox:  "the mailbox is read again",
	condToken:    "OAuth access tokens work again",
	condOutbox:   "the outbox is draining again",
	condBounces:  "bounces are below the threshold again",
	condNoMail:   "mail is arriving again, or no deadline is near",
	condSearch:   "the search index is up to date again",
	condMailAuth: "the mail server takes our OAuth token again",
}

type condition struct {
	name   string
	active bool
	detail string
	// undecided leaves the flag as it is: the condition is neither clearly on nor off
	// (the mailbox is down, but not yet for long enough to say).
	undecided bool
	// at is when the condition was seen so (zero: now). A replica that last saw it fine
	// before another saw it fail does not clear the other's alert.
	at time.Time
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
		detail := s.TokenError
		if strings.Contains(detail, store.TokenRefused) {
			detail += ". Check the app's IMAP.AccessAsApp permission, its Exchange service principal and FullAccess right on the mailbox (Microsoft 365), or the scope the refresh token was granted (Gmail: https://mail.google.com/)."
		}
		out = append(out, condition{name: condToken, active: s.TokenError != "", detail: detail})
	}
	if b.mailAuth != nil {
		s := b.mailAuth()
		c := condition{name: condMailAuth, active: s.Refused, at: s.At, undecided: s.At.IsZero()}
		if s.Refused {
			c.detail = fmt.Sprintf("Since %s: %s. The mail workers try again every few minutes; nothing is lost meanwhile. Check the app's SMTP.SendAsApp permission, its Exchange service principal and SendAs right on the mailbox, and that SMTP AUTH is allowed for the mailbox.",
				b.genevaTime(s.At), s.Error)
		}
		out = append(out, c)
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
	if b.cfg.WatchSearchAge > 0 {
		lag, err := b.st.SearchLag(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, condition{name: condSearch, active: lag.OldestAge > b.cfg.WatchSearchAge,
			detail: fmt.Sprintf("%d stored messages and contributions wait for their search terms; the oldest for %s. `/wsis find` still finds them, more slowly. The log of each replica says why indexing fails (\"search: indexing failed\").",
				lag.Rows, age(now, now.Add(-lag.OldestAge)))})
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

// MailAuthStatus is whether the mail server takes our OAuth tokens, as this replica's
// mail workers last saw it.
type MailAuthStatus struct {
	Refused bool      // the server refused a renewed token
	Error   string    // why, in our words
	At      time.Time // when that was last seen, on the desk's clock; zero when never tried
}

// WithMailAuth lets the watchdog see whether the mail server takes our OAuth tokens:
// an alert while it refuses them, one "cleared" when it takes one again.
func WithMailAuth(f func() MailAuthStatus) Option { return func(b *Bot) { b.mailAuth = f } }

// CredentialExpiry is an OAuth credential whose end is known: a certificate's, a
// refresh token's.
type CredentialExpiry struct {
	What    string    // "the certificate \"CN=wsisbot\""
	Setting string    // the setting that names it
	At      time.Time // when it stops working
}

// WithCredentialExpiries lets the watchdog warn, once a day from 14 days before, that an
// OAuth credential is about to expire. f is asked at each scheduler pass (it may read a
// certificate file); an error (an unreadable file) skips the warning, as the intake
// reports that itself.
func WithCredentialExpiries(f func() ([]CredentialExpiry, error)) Option {
	return func(b *Bot) { b.expiries = f }
}

// expiryWarnDays is how long before a credential's end the daily warning starts.
const expiryWarnDays = 14

// warnExpiries queues, once a day at the digest hour (9:00 without a digest) across
// replicas, a warning for each credential that ends within expiryWarnDays days or has
// ended.
func (b *Bot) warnExpiries(ctx context.Context, now time.Time) error {
	if b.expiries == nil {
		return nil
	}
	list, err := b.expiries()
	if err != nil {
		return nil //nolint:nilerr // the intake and the mailer say why the file cannot be read
	}
	occ := b.atHour(now, b.alertHour())
	if now.Before(occ) {
		occ = occ.AddDate(0, 0, -1)
	}
	day := occ.In(b.phases.Location).Format("2006-01-02")
	for _, e := range list {
		left := e.At.Sub(now)
		if left > expiryWarnDays*24*time.Hour {
			continue
		}
		var detail string
		if left <= 0 {
			detail = fmt.Sprintf("%s (%s) expired %s: the intake and the mail cannot get OAuth tokens with it. Renew it now.", e.What, e.Setting, b.genevaTime(e.At))
		} else {
			detail = fmt.Sprintf("%s (%s) expires %s, in %s: renew it before then (a new certificate uploaded to the app registration, or a new refresh token), or the intake and the mail stop.",
				e.What, e.Setting, b.genevaTime(e.At), daysText(left))
		}
		key := fmt.Sprintf("watchdog:%s:%s:%s", condExpiry, e.Setting, day)
		it, err := store.NewOutboxItem(store.OutboxSlackNotice, key, 0, 0, notice{Type: "watchdog", Condition: condExpiry, Detail: detail, State: "raised"})
		if err != nil {
			return err
		}
		claimed, err := b.st.ClaimRun(ctx, "credential-expiry:"+e.Setting, occ, it)
		if err != nil {
			return err
		}
		if claimed {
			b.log.Warn("watchdog: an OAuth credential expires soon", "setting", e.Setting, "expires", e.At)
		}
	}
	return nil
}

// daysText is d to the nearest day: "3 days", "1 day", or "less than a day".
func daysText(d time.Duration) string {
	if d < 24*time.Hour {
		return "less than a day"
	}
	switch n := int((d + 12*time.Hour) / (24 * time.Hour)); n {
	case 0:
		return "less than a day"
	case 1:
		return "1 day"
	default:
		return fmt.Sprintf("%d days", n)
	}
}

// watch raises and clears the watchdog's flags, and warns of credentials near their end.
func (b *Bot) watch(ctx context.Context, now time.Time) error {
	if err := b.warnExpiries(ctx, now); err != nil {
		b.log.Error("watchdog: credential expiry warnings", slog.Any("error", err))
	}
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
		at := now
		if !c.at.IsZero() {
			at = c.at
		}
		changed, err := b.st.SetFlag(ctx, name, c.active, at, it)
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
