package slacktest

import (
	"time"
)

// limit is a method's budget on Slack: one call every interval, bursts of up to burst
// calls; perChannel methods have one budget per channel.
type limit struct {
	interval   time.Duration
	burst      int
	perChannel bool
}

// Slack's published limits (https://api.slack.com/apis/rate-limits): chat.postMessage
// and chat.postEphemeral about one message a second per channel with short bursts; the
// other methods by tier, per minute, with "some burst" allowed.
var (
	tier1      = limit{interval: time.Minute, burst: 3}
	tier2      = limit{interval: time.Minute / 20, burst: 3}
	tier3      = limit{interval: time.Minute / 50, burst: 5}
	tier4      = limit{interval: time.Minute / 100, burst: 10}
	perChannel = limit{interval: time.Second, burst: 3, perChannel: true}
)

// methodLimits is each method's limit on Slack; other methods are Tier 2.
var methodLimits = map[string]limit{
	"chat.postMessage":             perChannel,
	"chat.postEphemeral":           perChannel,
	"chat.update":                  tier3,
	"conversations.history":        tier3,
	"conversations.members":        tier4,
	"conversations.open":           tier3,
	"users.info":                   tier4,
	"usergroups.users.list":        tier2,
	"views.open":                   tier4,
	"views.publish":                tier4,
	"views.update":                 tier4,
	"files.getUploadURLExternal":   tier4,
	"files.completeUploadExternal": tier4,
	"files.info":                   tier4,
	"auth.test":                    tier4,
	"apps.connections.open":        tier1,
}

// limiter enforces methodLimits with the generic cell rate algorithm: tat is each
// budget's theoretical arrival time. A refused call uses no budget. Guarded by s.mu.
type limiter struct {
	tat map[string]time.Time
}

func newLimiter() *limiter { return &limiter{tat: map[string]time.Time{}} }

// take admits a call of method (in channel) at now and returns 0, or refuses it and
// returns how long until it would be admitted.
func (l *limiter) take(method, channel string, now time.Time) time.Duration {
	lim, ok := methodLimits[method]
	if !ok {
		lim = tier2
	}
	key := method
	if lim.perChannel {
		key += ":" + channel
	}
	tat := l.tat[key]
	if tat.Before(now) {
		tat = now
	}
	tolerance := time.Duration(lim.burst-1) * lim.interval
	if wait := tat.Sub(now) - tolerance; wait > 0 {
		return wait
	}
	l.tat[key] = tat.Add(lim.interval)
	return 0
}
