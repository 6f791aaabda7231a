// Package bot is the secretariat's Slack desk: contribution cards and their actions,
// thread notes, the /wsis command, the App Home dashboard, reminders and the watchdog.
package bot

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/wsis/wsisbot/internal/loopback"
)

// Config is the Slack app's settings.
type Config struct {
	BotToken      string        `env:"SLACK_BOT_TOKEN" secret:"true" help:"Slack bot token (xoxb-...); empty: no Slack"`
	AppToken      string        `env:"SLACK_APP_TOKEN" secret:"true" help:"Slack app-level token (xapp-...): Socket Mode when set"`
	SigningSecret string        `env:"SLACK_SIGNING_SECRET" secret:"true" help:"verifies requests to the HTTP endpoints"`
	Channel       string        `env:"WSISBOT_SLACK_CHANNEL" help:"ID of the intake channel (C...)"`
	APIURL        string        `env:"SLACK_API_URL" default:"https://slack.com/api/" help:"Slack Web API base URL (tests and demos use a local stand-in)"`
	Pace          string        `env:"WSISBOT_SLACK_PACE" default:"slack" help:"pace of Web API calls: slack (Slack's published rate limits, shared by the replicas) or retry-after (only Slack's Retry-After; for a local Slack stand-in, refused with slack.com)"`
	UserGroup     string        `env:"WSISBOT_SLACK_USERGROUP" help:"ID of a user group whose members may act, besides channel members"`
	DigestHour    int           `env:"WSISBOT_DIGEST_HOUR" default:"9" help:"hour of the daily digest and deadline alerts, Geneva time (0-23; -1: none)"`
	EscalateAfter time.Duration `env:"WSISBOT_ESCALATE_AFTER" default:"48h" help:"escalate contributions nobody took after this long (0: never)"`
	StaleAfter    time.Duration `env:"WSISBOT_STALE_AFTER" default:"72h" help:"remind the assignee by direct message when an assigned contribution has not moved for this long, once each such period (0: never)"`
	DeadlineHour  int           `env:"WSISBOT_DEADLINE_DAY_HOUR" default:"8" help:"hour of the alert on each deadline day with what is still open against it, Geneva time (0-23; -1: none)"`

	UploadMaxBytes  int64    `env:"WSISBOT_SLACK_UPLOAD_MAX_BYTES" default:"20971520" help:"attachments up to this size are uploaded into their card's thread; larger ones wait for Open files (0: none uploaded without it; at most 1073741824, Slack's limit)"`
	UploadSkipTypes []string `env:"WSISBOT_SLACK_UPLOAD_SKIP_TYPES" default:".exe,.msi,.dll,.bat,.cmd,.com,.scr,.ps1,.vbs,.js,.jar,.apk,.zip,.rar,.7z" help:"file name endings (comma-separated) never uploaded without Open files: programs, scripts and archives"`

	WatchMailboxAfter time.Duration `env:"WSISBOT_WATCH_MAILBOX_AFTER" default:"15m" help:"alert when no replica has read the mailbox for this long, whatever the cause (unreachable, login refused, missing mailbox, intake stopped)"`
	WatchOutboxAge    time.Duration `env:"WSISBOT_WATCH_OUTBOX_AGE" default:"30m" help:"alert when an outbox item has waited this long"`
	WatchSearchAge    time.Duration `env:"WSISBOT_WATCH_SEARCH_AGE" default:"30m" help:"alert when mail stored this long ago is still not in the search index (/wsis find still finds it, more slowly; 0: never)"`
	WatchBounces      int           `env:"WSISBOT_WATCH_BOUNCES" default:"3" help:"alert when this many of our emails bounced or failed in 24 hours (0: never)"`
	WatchNoMail       time.Duration `env:"WSISBOT_WATCH_NO_MAIL" default:"24h" help:"alert when no mail arrived for this long while a deadline is less than a week away (0: never)"`
}

// Validate checks the settings the desk needs when it is turned on (BotToken set).
func (c Config) Validate() error {
	if c.BotToken == "" {
		return nil
	}
	var errs []error
	if c.Channel == "" {
		errs = append(errs, errors.New("WSISBOT_SLACK_CHANNEL is required with SLACK_BOT_TOKEN"))
	}
	if c.SigningSecret == "" && c.AppToken == "" {
		errs = append(errs, errors.New("SLACK_SIGNING_SECRET (HTTP endpoints) or SLACK_APP_TOKEN (Socket Mode) is required"))
	}
	if c.AppToken != "" && !strings.HasPrefix(c.AppToken, "xapp-") {
		errs = append(errs, errors.New("SLACK_APP_TOKEN: an app-level token starts with xapp-"))
	}
	if u, err := url.Parse(c.APIURL); err != nil || u.Scheme == "" || u.Host == "" || !strings.HasSuffix(c.APIURL, "/") {
		errs = append(errs, fmt.Errorf("SLACK_API_URL: an absolute URL ending in \"/\", not %q", c.APIURL))
	} else {
		// The bot token travels with every call: https, or http to a stand-in on this machine.
		switch u.Scheme {
		case "https":
		case "http":
			if err := loopback.RequirePlaintext("SLACK_API_URL with http://", u.Hostname()); err != nil {
				errs = append(errs, fmt.Errorf("%w; use https://", err))
			}
		default:
			errs = append(errs, fmt.Errorf("SLACK_API_URL: https:// (or http:// to this machine), not %s://", u.Scheme))
		}
	}
	if err := c.validatePace(); err != nil {
		errs = append(errs, err)
	}
	if err := c.validateUploads(); err != nil {
		errs = append(errs, err)
	}
	if c.DigestHour < -1 || c.DigestHour > 23 {
		errs = append(errs, fmt.Errorf("WSISBOT_DIGEST_HOUR: 0-23, or -1 for none, not %d", c.DigestHour))
	}
	if c.DeadlineHour < -1 || c.DeadlineHour > 23 {
		errs = append(errs, fmt.Errorf("WSISBOT_DEADLINE_DAY_HOUR: 0-23, or -1 for none, not %d", c.DeadlineHour))
	}
	if c.StaleAfter < 0 {
		errs = append(errs, errors.New("WSISBOT_STALE_AFTER: must not be negative"))
	}
	if c.EscalateAfter < 0 || c.WatchMailboxAfter < 0 || c.WatchOutboxAge < 0 || c.WatchSearchAge < 0 || c.WatchNoMail < 0 || c.WatchBounces < 0 {
		errs = append(errs, errors.New("WSISBOT_ESCALATE_AFTER and WSISBOT_WATCH_*: must not be negative"))
	}
	return errors.Join(errs...)
}

// Paces of Web API calls (Config.Pace).
const (
	PaceSlack      = "slack"       // Slack's published limits; also when Pace is empty
	PaceRetryAfter = "retry-after" // only Slack's Retry-After
)

func (c Config) validatePace() error {
	switch c.Pace {
	case "", PaceSlack:
		return nil
	case PaceRetryAfter:
		u, err := url.Parse(c.APIURL)
		if err == nil {
			host := strings.ToLower(u.Hostname())
			if host == "slack.com" || strings.HasSuffix(host, ".slack.com") {
				return errors.New("WSISBOT_SLACK_PACE: retry-after is for a local Slack stand-in; Slack itself is paced to its limits")
			}
		}
		return nil
	}
	return fmt.Errorf("WSISBOT_SLACK_PACE: slack or retry-after, not %q", c.Pace)
}
