// Package bot is the secretariat's Slack desk: contribution cards and their actions,
// thread notes, the /wsis command, the App Home dashboard, reminders and the watchdog.
package bot

import "time"

// Config is the Slack app's settings.
type Config struct {
	BotToken      string        `env:"SLACK_BOT_TOKEN" secret:"true" help:"Slack bot token (xoxb-...); empty: no Slack"`
	AppToken      string        `env:"SLACK_APP_TOKEN" secret:"true" help:"Slack app-level token (xapp-...): Socket Mode when set"`
	SigningSecret string        `env:"SLACK_SIGNING_SECRET" secret:"true" help:"verifies requests to the HTTP endpoints"`
	Channel       string        `env:"WSISBOT_SLACK_CHANNEL" help:"ID of the intake channel (C...)"`
	APIURL        string        `env:"SLACK_API_URL" default:"https://slack.com/api/" help:"Slack Web API base URL (tests and demos use a local stand-in)"`
	UserGroup     string        `env:"WSISBOT_SLACK_USERGROUP" help:"ID of a user group whose members may act, besides channel members"`
	DigestHour    int           `env:"WSISBOT_DIGEST_HOUR" default:"9" help:"hour of the daily digest, Geneva time (0-23)"`
	EscalateAfter time.Duration `env:"WSISBOT_ESCALATE_AFTER" default:"48h" help:"escalate contributions nobody acknowledged after this long"`
}
