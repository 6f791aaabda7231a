package bot

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/smtptest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
	"github.com/wsis/wsisbot/templates"
)

// runMailer runs the mail workers against an SMTP server that keeps what it receives.
func (d *desk) runMailer() *smtptest.Server {
	d.t.Helper()
	srv := smtptest.Start(d.t, smtptest.Options{})
	cfg := mailin.MailConfig{SMTPAddr: srv.Addr(), SMTPTLS: mailin.SMTPPlain, From: "WSIS Secretariat <wsis-info@itu.int>",
		SMTPTimeout: 5 * time.Second, NullSender: true, Ack: true}
	sender, err := mailin.NewSMTPSender(cfg)
	if err != nil {
		d.t.Fatal(err)
	}
	tpl, err := templates.Load("", store.Strings(store.Kinds))
	if err != nil {
		d.t.Fatal(err)
	}
	w, err := mailin.NewAckWorker(d.st, sender, tpl, cfg, nil)
	if err != nil {
		d.t.Fatal(err)
	}
	w.Idle = 10 * time.Millisecond
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		_ = d.st.RunOutbox(d.ctx, w.Outbox(1))
	}()
	return srv
}

// waitReplyMail waits for the reply about ref sent to addr.
func waitReplyMail(t *testing.T, srv *smtptest.Server, ref, addr string) smtptest.Message {
	t.Helper()
	var got smtptest.Message
	storetest.Eventually(t, 10*time.Second, "the reply sent to "+addr, func() bool {
		for _, m := range srv.Sent() {
			if slices.Contains(m.To, addr) && strings.Contains(strings.ToLower(string(m.Raw)), strings.ToLower(mailin.HeaderWSISBot+": reply "+ref)) {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

// stranger ingests mail from another sender naming c by its reference tag.
func (d *desk) stranger(c store.Contribution, from string) store.Ingested {
	d.t.Helper()
	m := d.email(from, "Re: ["+c.Ref+"] "+c.Subject, "Please write to me from now on.")
	m.RefTag = c.Ref
	res := d.ingest(m)[0]
	if !res.OtherSender || res.ContributionID != c.ID {
		d.t.Fatalf("setup: %s naming %s: %+v", from, c.Ref, res)
	}
	return res
}

func senderClick(mid int64, action, value string) map[string]any {
	return map[string]any{"block_id": fmt.Sprintf("sender:%d", mid), "action_id": action, "type": "button", "value": value}
}

// waitEvent waits for an event of action by the Slack user actor and returns its details.
func (d *desk) waitEvent(cid int64, actor, action string) map[string]any {
	d.t.Helper()
	var details map[string]any
	storetest.Eventually(d.t, 10*time.Second, actor+" "+action, func() bool {
		for _, e := range d.events(cid) {
			if user, ok := e.SlackUser(); ok && user == actor && e.Action == action {
				details = map[string]any{}
				return json.Unmarshal(e.Details, &details) == nil
			}
		}
		return false
	})
	return details
}

func replyPayload(t *testing.T, d *desk, key string) store.ReplyPayload {
	t.Helper()
	it, ok := d.outboxItem(key)
	if !ok {
		t.Fatalf("no outbox item %s", key)
	}
	var p store.ReplyPayload
	if err := json.Unmarshal(it.Payload, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReplyAfterAStrangersMailGoesToTheStakeholder(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	srv := d.runMailer()
	c := d.contribution("Contribution de la République")
	d.stranger(c, "intruder@evil.example")
	d.waitUpdate(c, "Mail from another sender (intruder@evil.example) names this contribution — decide")

	d.interact(d.click("U1", c, button(actReply, c)))
	view := d.waitView("trigger-U1", viewReply)
	if !strings.Contains(view, "To: amina@gov.example") {
		t.Errorf("the reply modal does not name the stakeholder as the recipient:\n%s", view)
	}
	call := d.slack.Calls("views.open")[len(d.slack.Calls("views.open"))-1]
	if got := initialValues(t, call.Param("view")); !slices.Contains(got, inTo+"=amina@gov.example") {
		t.Errorf("preselected %v", got)
	}
	d.interact(d.submit("U1", viewReply, "V1", c, map[string]any{
		inText: map[string]any{"type": "plain_text_input", "value": "Merci, nous avons bien reçu l'annexe."},
		inTo:   map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "amina@gov.example"}},
	}))
	d.waitEphemeral("U1", "Your reply to amina@gov.example about "+c.Ref+" is on its way")
	if p := replyPayload(t, d, fmt.Sprintf("reply:%d:V1", c.ID)); p.To != "amina@gov.example" || p.ToRole != store.RecipientContact {
		t.Fatalf("payload %+v", p)
	}
	got := waitReplyMail(t, srv, c.Ref, "amina@gov.example")
	if !slices.Equal(got.To, []string{"amina@gov.example"}) {
		t.Errorf("RCPT TO %v", got.To)
	}
	if ev := d.waitEvent(c.ID, "U1", store.ActionReply); ev["to"] != "amina@gov.example" || ev["to_role"] != store.RecipientContact {
		t.Errorf("reply event %v", ev)
	}
	for _, m := range srv.Sent() {
		if slices.Contains(m.To, "intruder@evil.example") {
			t.Fatalf("mail went to the stranger: %s", m.Raw)
		}
	}
}

func TestReplyToAnotherRecipientChosen(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	srv := d.runMailer()
	c := d.contribution("Submission")
	d.stranger(c, "someone@ngo.example")
	d.waitUpdate(c, "Mail from another sender (someone@ngo.example)")

	// A recipient that is not in the list is refused; nothing is queued.
	d.interact(d.submit("U2", viewReply, "V2", c, map[string]any{
		inText: map[string]any{"type": "plain_text_input", "value": "Hello"},
		inTo:   map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "victim@else.example"}},
	}))
	d.waitEphemeral("U2", "victim@else.example is not one of the people who can get a reply about "+c.Ref)
	if n := d.countOutbox(fmt.Sprintf("reply:%d:%%", c.ID)); n != 0 {
		t.Fatalf("%d reply items for a refused recipient", n)
	}

	d.interact(d.submit("U2", viewReply, "V3", c, map[string]any{
		inText: map[string]any{"type": "plain_text_input", "value": "Is this a contribution of your own?"},
		inTo:   map[string]any{"type": "static_select", "selected_option": map[string]any{"value": "someone@ngo.example"}},
	}))
	d.waitEphemeral("U2", "Your reply to someone@ngo.example about "+c.Ref+" is on its way")
	if p := replyPayload(t, d, fmt.Sprintf("reply:%d:V3", c.ID)); p.To != "someone@ngo.example" || p.ToRole != store.RecipientOtherSender {
		t.Fatalf("payload %+v", p)
	}
	waitReplyMail(t, srv, c.Ref, "someone@ngo.example")
	if ev := d.waitEvent(c.ID, "U2", store.ActionReply); ev["to"] != "someone@ngo.example" || ev["to_role"] != store.RecipientOtherSender {
		t.Errorf("reply event %v", ev)
	}
}

func TestAnotherSenderOnTheCard(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})

	t.Run("accept the sender as a correspondent", func(t *testing.T) {
		c := d.contribution("Accept a sender")
		if _, err := d.st.CloseContribution(d.ctx, c.ID, "U1", store.OutcomeSpam, ""); err != nil {
			t.Fatal(err)
		}
		r := d.stranger(c, "consultant@agency.example")
		up := d.waitUpdate(c, "✉️ Mail from another sender (consultant@agency.example) names this contribution — decide",
			"Accept consultant@agency.example", "Make it a separate contribution", "✅ closed as spam")
		if text := joinedTexts(t, up.Param("blocks")); strings.Contains(text, "Trust ") {
			t.Errorf("a trust button for another domain:\n%s", text)
		}
		d.interact(d.click("U1", c, senderClick(r.MessageRowID, actAcceptSender, itoa(r.MessageRowID))))
		up = d.waitUpdate(c, "<@U1> accepted consultant@agency.example as a correspondent")
		if text := joinedTexts(t, up.Param("blocks")); strings.Contains(text, "names this contribution — decide") {
			t.Errorf("the card still asks for a decision:\n%s", text)
		}
		if got := d.get(c.ID); got.Status != store.StatusClosed {
			t.Errorf("status %s", got.Status)
		}
		m := d.email("consultant@agency.example", "["+c.Ref+"] more", "More.")
		m.RefTag = c.Ref
		if res := d.ingest(m)[0]; res.OtherSender || res.Kind != store.MsgFollowUp {
			t.Fatalf("an accepted correspondent's mail: %+v", res)
		}
	})

	t.Run("trust the organisation's domain", func(t *testing.T) {
		c := d.contribution("Trust a domain")
		r := d.stranger(c, "deputy@gov.example")
		d.waitUpdate(c, "Mail from another sender (deputy@gov.example)", "Trust gov.example for this contribution")
		d.interact(d.click("U2", c, senderClick(r.MessageRowID, actTrustDomain, "gov.example")))
		d.waitUpdate(c, "<@U2> trusted gov.example for this contribution")
		if ev := d.waitEvent(c.ID, "U2", store.ActionDomainTrusted); ev["domain"] != "gov.example" {
			t.Errorf("event %v", ev)
		}
		m := d.email("minister@gov.example", "["+c.Ref+"] annex", "Annex.")
		m.RefTag = c.Ref
		if res := d.ingest(m)[0]; res.OtherSender || res.Kind != store.MsgFollowUp {
			t.Fatalf("a colleague's mail once the domain is trusted: %+v", res)
		}
	})

	t.Run("a webmail domain is never trusted", func(t *testing.T) {
		res := d.ingest(d.email("amina.sender@gmail.com", "From my own address", "Hello"))
		c := d.waitCard(res[0].ContributionID)
		r := d.stranger(c, "someone.else@gmail.com")
		up := d.waitUpdate(c, "Mail from another sender (someone.else@gmail.com)")
		if text := joinedTexts(t, up.Param("blocks")); strings.Contains(text, "Trust ") {
			t.Errorf("a trust button for a webmail domain:\n%s", text)
		}
		n := len(d.events(c.ID))
		d.interact(d.click("U1", c, senderClick(r.MessageRowID, actTrustDomain, "gmail.com")))
		d.waitEphemeral("U1", "gmail.com is a webmail domain")
		if got := d.actionsSince(c.ID, n); len(got) != 0 {
			t.Fatalf("events %v", got)
		}
	})

	t.Run("make it a separate contribution", func(t *testing.T) {
		c := d.contribution("Separate a sender")
		r := d.stranger(c, "other@ngo.example")
		d.waitUpdate(c, "Mail from another sender (other@ngo.example)")
		d.interact(d.click("U3", c, senderClick(r.MessageRowID, actSeparate, itoa(r.MessageRowID))))
		d.waitEphemeral("U3", "It is now contribution ")
		d.waitUpdate(c, "<@U3> made the mail from other@ngo.example a separate contribution")
		m, err := d.st.Message(d.ctx, r.MessageRowID)
		if err != nil || m.ContributionID == nil || *m.ContributionID == c.ID || m.OtherSender {
			t.Fatalf("message %+v %v", m, err)
		}
		d.waitCard(*m.ContributionID)
	})
}
