package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/wsis/wsisbot/store"
)

var kindLabels = map[store.ContributionKind]string{
	store.KindThematic:        "Thematic aspects (official submission)",
	store.KindFormat:          "Format innovations (official submission)",
	store.KindHLTFNomination:  "High-Level Track Facilitator nomination",
	store.KindPhotoContest:    "Photo Contest entry",
	store.KindWorkshopRequest: "Workshop request",
	store.KindInquiry:         "Inquiry",
	store.KindOther:           "Other",
}

var stakeholderLabels = map[string]string{
	store.StakeholderGovernment:     "Government",
	store.StakeholderPrivateSector:  "Private sector",
	store.StakeholderCivilSociety:   "Civil society",
	store.StakeholderAcademia:       "Academia / technical community",
	store.StakeholderInternationalO: "International organisation",
	store.StakeholderOther:          "Other stakeholder",
}

var languageNames = map[string]string{
	"ar": "Arabic", "zh": "Chinese", "en": "English", "fr": "French", "ru": "Russian", "es": "Spanish",
}

var statusLabels = map[store.Status]string{
	store.StatusReceived:   "🆕 received",
	store.StatusTaken:      "👀 taken",
	store.StatusClassified: "🏷️ classified",
	store.StatusClosed:     "✅ closed",
}

// statusWord is a status as a sentence names it ("it is taken").
func statusWord(s store.Status) string {
	if s == store.StatusTaken {
		return "taken"
	}
	return string(s)
}

func kindLabel(k store.ContributionKind) string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	if k == "" {
		return "not known"
	}
	return string(k)
}

func stakeholderLabel(s string) string {
	if l, ok := stakeholderLabels[s]; ok {
		return l
	}
	if s == "" {
		return "not known"
	}
	return s
}

func languageName(code string) string {
	if n, ok := languageNames[code]; ok {
		return n
	}
	if code == "" {
		return "not known"
	}
	return code
}

func statusLabel(c store.Contribution) string {
	l := statusLabels[c.Status]
	if l == "" {
		l = string(c.Status)
	}
	if c.Outcome != nil {
		l += " as " + *c.Outcome
	}
	return l
}

// actorText is who did something: a mention for a Slack user (ours to render),
// otherwise escaped text (a sender's address, wsisbot), whatever it looks like.
func actorText(e store.Event) string {
	if id, ok := e.SlackUser(); ok {
		return "<@" + id + ">"
	}
	return escapeMrkdwn(e.Actor)
}

// userMention mentions the Slack user with this ID (an assignee, chosen in Slack);
// anything else is shown as text.
func userMention(id string) string {
	if store.IsSlackUserID(id) {
		return "<@" + id + ">"
	}
	return escapeMrkdwn(id)
}

// genevaTime formats t in the consultation's time zone.
func (b *Bot) genevaTime(t time.Time) string {
	return t.In(b.phases.Location).Format("Mon 2 Jan 2006 15:04")
}

func (b *Bot) genevaDate(t time.Time) string {
	return t.In(b.phases.Location).Format("Mon 2 January 2006")
}

// deadlineOf finds the deadline a contribution counts against.
func (b *Bot) deadlineOf(c store.Contribution) (store.Deadline, bool) {
	for _, d := range b.phases.Deadlines {
		if d.Name == c.DeadlineName {
			return d, true
		}
	}
	if c.DeadlineName == "" {
		return b.phases.DeadlineFor(c.EffectiveKind(), c.ReceivedAt), true
	}
	return store.Deadline{}, false
}

// deadlineText says where a contribution stands against its deadline.
func (b *Bot) deadlineText(c store.Contribution, now time.Time) string {
	d, ok := b.deadlineOf(c)
	if !ok {
		if c.DeadlineAt != nil {
			return fmt.Sprintf("%s (%s)", escapeMrkdwn(c.DeadlineName), b.genevaDate(*c.DeadlineAt))
		}
		return "none"
	}
	head := fmt.Sprintf("%s, %s", escapeMrkdwn(d.Name), d.Date.Format("2 Jan 2006"))
	if c.Late {
		return head + " · *late by " + plural(-b.phases.DaysLeft(d, c.ReceivedAt), "day") + "*"
	}
	if c.Status == store.StatusClosed {
		return head + " · in time"
	}
	return head + " · " + b.daysLeftText(d, now)
}

func (b *Bot) daysLeftText(d store.Deadline, now time.Time) string {
	left := b.phases.DaysLeft(d, now)
	switch {
	case d.IsLate(now):
		return "passed " + plural(-left, "day") + " ago"
	case left == 0:
		return "*today*"
	case left == 1:
		return "*1 day left*"
	}
	return plural(left, "day") + " left"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// age says how long ago t was, roughly.
func age(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute")
	case d < 48*time.Hour:
		return plural(int(d.Hours()), "hour")
	}
	return plural(int(d.Hours()/24), "day")
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// eventText says what an event did, for the card's history.
func eventText(e store.Event) string {
	d := parseDetails(e.Details)
	if s, ok := correspondenceEventText(e, d); ok {
		return s
	}
	if s, ok := filesEventText(e); ok {
		return s
	}
	if s := revisionEventText(e); s != "" {
		return s
	}
	switch e.Action {
	case store.ActionReceive:
		return "sent it"
	case store.ActionTake:
		return "took it"
	case store.ActionAssign:
		if a := d["assignee"]; a != "" {
			return "assigned it to " + userMention(a)
		}
		return "changed the assignee"
	case store.ActionClassify:
		return "classified it: " + escapeMrkdwn(kindLabel(store.ContributionKind(d["kind"]))) + ", " + escapeMrkdwn(stakeholderLabel(d["stakeholder_type"]))
	case store.ActionClose:
		return "closed it as " + escapeMrkdwn(d["outcome"])
	case store.ActionReopen:
		if r := d["reason"]; r != "" {
			return "reopened it: " + cut(escapeMrkdwn(r), 200)
		}
		return "reopened it"
	case store.ActionFollowUp:
		return "followed up"
	case store.ActionReply:
		return "replied by email"
	case store.ActionAckSent:
		return "sent the acknowledgement"
	case store.ActionAckSuppressed:
		return "suppressed the acknowledgement"
	case store.ActionAckFailed:
		return "could not send the acknowledgement"
	case store.ActionBounce:
		return "received a bounce of our mail"
	case store.ActionCardPosted:
		return "posted this card"
	case store.ActionCardRequested:
		return "asked for this card"
	}
	return escapeMrkdwn(strings.ReplaceAll(e.Action, "_", " "))
}
