package bot

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
)

// callTexts returns every text of a recorded Slack call, JSON decoded: the message text
// and each text object of its blocks or view.
func callTexts(t *testing.T, c slacktest.Call) []string {
	t.Helper()
	var texts []string
	switch {
	case c.Method == "response_url":
		var msg struct {
			Text   string          `json:"text"`
			Blocks json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal(c.Body, &msg); err != nil {
			t.Fatalf("response_url body: %v", err)
		}
		texts = append(texts, msg.Text)
		if len(msg.Blocks) > 0 {
			texts = append(texts, blockTexts(t, string(msg.Blocks))...)
		}
	case strings.HasPrefix(c.Method, "views."):
		texts = append(texts, blockTexts(t, string(viewBlocks(t, c.Param("view"))))...)
	default:
		texts = append(texts, c.Param("text"))
		if b := c.Param("blocks"); b != "" {
			texts = append(texts, blockTexts(t, b)...)
		}
	}
	return texts
}

// slackToken is a Slack markup token in mrkdwn: <@U…>, <!here>, <https://…|label>.
var slackToken = regexp.MustCompile(`<([^<>|]*)(\|[^<>]*)?>`)

// TestMailCannotSpeakInSlack feeds Slack markup through every field of an email (the
// sender's name and address, subject, body, attachment name, Reply-To) and a follow-up,
// through the intake and the store, and reads everything the desk sent Slack: the card
// and its updates, the thread notes, the answers to /wsis find, show and sorted, and the
// App Home. No mention, broadcast, link or formatting written by the sender is live,
// and an entity written by the sender shows as written.
func TestMailCannotSpeakInSlack(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	payloads := []string{"<@U0EVIL>", "<!channel>", "<!here>", "<!everyone>", "<https://evil.example|click>",
		"*bold*", "_italic_", "~strike~", "`code`", "```block```", "&lt;ENT&gt;", "<#C0EVIL>", "<!subteam^S0EVIL>"}
	forbidden := func(target string) bool {
		return strings.Contains(strings.ToLower(target), "evil") || target == "!channel" || target == "!here" ||
			target == "!everyone" || target == "@U2"
	}
	check := func(t *testing.T, what string, texts []string) {
		t.Helper()
		for _, s := range texts {
			for _, m := range slackToken.FindAllStringSubmatch(s, -1) {
				if forbidden(m[1]) {
					t.Errorf("%s: live markup %q from the email in %q", what, m[0], s)
				}
			}
			for _, f := range []string{"*bold*", "_italic_", "~strike~", "`code`", "```"} {
				if strings.Contains(s, f) {
					t.Errorf("%s: formatting %q from the email in %q", what, f, s)
				}
			}
			if strings.Contains(strings.ReplaceAll(s, "&amp;lt;ENT&amp;gt;", ""), "&lt;ENT&gt;") {
				t.Errorf("%s: the entity &lt;ENT&gt; from the email reaches Slack as <ENT> in %q", what, s)
			}
		}
	}
	// seen says whether the texts show a marker: proof that the field reached Slack.
	seen := func(texts []string, marker string) bool {
		for _, s := range texts {
			if strings.Contains(s, marker) {
				return true
			}
		}
		return false
	}
	textsOf := func(method string, ok func(slacktest.Call) bool) []string {
		var out []string
		for _, c := range d.slack.Calls(method) {
			if ok == nil || ok(c) {
				out = append(out, callTexts(t, c)...)
			}
		}
		return out
	}

	type row struct{ name, from, replyTo, markup string }
	var rows []row
	for i, p := range payloads {
		rows = append(rows, row{name: p, markup: p,
			from:    fmt.Sprintf(`"FROMNAME%d %s" <"addr%d %s"@gov.example>`, i, p, i, p),
			replyTo: fmt.Sprintf(`"REPLYNAME%d %s" <"reply%d %s"@gov.example>`, i, p, i, p)})
	}
	// A Slack user ID for an address: not an address, and never the mention of U2.
	rows = append(rows, row{name: "From: Ben <U2>", from: "Ben <U2>", replyTo: "<@U2>", markup: "<@U2>"})

	for i, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			subject := fmt.Sprintf("SUBJ%d %s", i, r.markup)
			raw := fmt.Sprintf("From: %s\r\nReply-To: %s\r\nTo: wsis-info@itu.int\r\nSubject: %s\r\nMessage-ID: <markup%d@gov.example>\r\n"+
				"Date: Mon, 21 Jan 2019 09:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"+
				"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDear secretariat,\r\n\r\nBODY%d %s\r\n\r\nRegards\r\n"+
				"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"ATTNAME%d %s.pdf\"\r\n\r\n%%PDF-1.4\r\n--b--\r\n",
				r.from, r.replyTo, subject, i, i, r.markup, i, r.markup)
			in := d.intake(raw)
			res := d.ingest(in)[0]
			if !res.NewContrib {
				t.Fatalf("not a new contribution: %+v", res)
			}
			c := d.waitCard(res.ContributionID)
			card := textsOf("chat.postMessage", func(call slacktest.Call) bool {
				return call.Param("thread_ts") == "" && strings.Contains(call.Param("text"), c.Ref)
			})
			markers := []string{fmt.Sprintf("SUBJ%d", i), fmt.Sprintf("BODY%d", i)}
			if !strings.Contains(r.markup, "/") { // a file name keeps no path
				markers = append(markers, fmt.Sprintf("ATTNAME%d", i))
			}
			for _, m := range markers {
				if !seen(card, m) {
					t.Errorf("the card does not show %s", m)
				}
			}
			check(t, "card", card)

			// A follow-up: a thread note, and the card's history names the sender.
			follow := fmt.Sprintf("From: %s\r\nTo: wsis-info@itu.int\r\nSubject: Re: %s\r\nMessage-ID: <markup%d.2@gov.example>\r\n"+
				"In-Reply-To: <markup%d@gov.example>\r\nDate: Mon, 21 Jan 2019 09:30:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
				"FOLLOW%d %s\r\n", r.from, subject, i, i, i, r.markup)
			if res := d.ingest(d.intake(follow))[0]; res.Kind != store.MsgFollowUp {
				t.Fatalf("follow-up stored as %q (%s)", res.Kind, res.Reason)
			}
			d.waitCall("the follow-up's thread note", "chat.postMessage", func(call slacktest.Call) bool {
				return call.Param("thread_ts") == c.SlackTS && seen(callTexts(t, call), fmt.Sprintf("FOLLOW%d", i))
			})
			// A sender without an address is nobody's correspondent: its mail waits for a
			// person to decide instead of joining the conversation.
			if strings.Contains(r.from, "@") {
				d.waitUpdate(c, "followed up")
			} else {
				d.waitUpdate(c, "Mail from another sender (no address)")
			}
			check(t, "thread notes", textsOf("chat.postMessage", func(call slacktest.Call) bool { return call.Param("thread_ts") == c.SlackTS }))
			check(t, "card updates", textsOf("chat.update", func(call slacktest.Call) bool { return call.Param("ts") == c.SlackTS }))

			// The same mail from a mailing list is sorted away, and listed by /wsis sorted.
			list := strings.Replace(strings.Replace(raw, "Subject: SUBJ", "List-Id: <igf.lists.example.org>\r\nSubject: LIST", 1),
				fmt.Sprintf("<markup%d@", i), fmt.Sprintf("<markup%d.list@", i), 1)
			if res := d.ingest(d.intake(list))[0]; res.Kind != store.MsgList {
				t.Fatalf("list copy stored as %q (%s)", res.Kind, res.Reason)
			}
			for _, cmd := range []string{fmt.Sprintf("find SUBJ%d", i), "show " + c.Ref, "sorted"} {
				want := fmt.Sprintf("SUBJ%d", i)
				if cmd == "sorted" {
					want = fmt.Sprintf("LIST%d", i)
				}
				if got := d.command("U1", cmd); !strings.Contains(got, want) {
					t.Errorf("/wsis %s does not show %s:\n%s", cmd, want, got)
				}
			}
			check(t, "/wsis find, show and sorted", textsOf("response_url", nil))

			event := fmt.Sprintf(`{"type":"event_callback","event_id":"EvMarkup%d","event":{"type":"app_home_opened","user":"U1","tab":"home"}}`, i)
			before := len(d.slack.Calls("views.publish"))
			d.signedPost("/slack/events", event)
			d.waitCall("the App Home", "views.publish", func(slacktest.Call) bool { return len(d.slack.Calls("views.publish")) > before })
			home := textsOf("views.publish", nil)
			if !seen(home, fmt.Sprintf("SUBJ%d", i)) {
				t.Errorf("the App Home does not list SUBJ%d", i)
			}
			check(t, "App Home", home)
		})
	}
}

// intake reads a raw email the way the intake does.
func (d *desk) intake(raw string) store.Inbound {
	d.t.Helper()
	p, err := parse.Parse([]byte(raw), parse.Limits{})
	return mailin.ToInbound([]byte(raw), 1, uidSeq.Add(1), d.clock.Now(), "INBOX", p, err, store.IngestPolicy{OurAddresses: []string{"wsis-info@itu.int"}})
}

// TestSenderIsNeverAMention: whatever reaches the store as a sender's address, even one
// shaped like a Slack user ID, is shown as text on the card; the members who act on it
// are mentions.
func TestSenderIsNeverAMention(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	res := d.ingest(d.email("U2", "A sender named like a member", "text"))
	c := d.waitCard(res[0].ContributionID)
	d.interact(d.click("U1", c, button(actTake, c)))
	call := d.waitUpdate(c, "<@U1> took it")
	history := joinedTexts(t, call.Param("blocks"))
	if strings.Contains(history, "<@U2>") || !strings.Contains(history, "U2 sent it") {
		t.Errorf("card:\n%s", history)
	}
}
