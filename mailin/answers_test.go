package mailin

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/wsis/wsisbot/internal/smtptest"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/templates"
)

// TestStandardAnswersRoundTrip sends every standard answer in every language, as a
// reply with two addresses in copy, through an SMTP server, and reads each back with
// the intake's parser: the subject carries the reference and the contribution's
// subject, the language is the answer's (header and text), and the Cc header and the
// envelope name the copies.
func TestStandardAnswersRoundTrip(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	cfg := testMailConfig(srv.Addr(), SMTPPlain)
	sender, err := NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	tpl, err := templates.Load("", store.Strings(store.Kinds))
	if err != nil {
		t.Fatal(err)
	}
	from, err := cfg.FromAddress()
	if err != nil {
		t.Fatal(err)
	}
	const ref, subject = "WSIS-2019-0042", "Community networks in rural areas"
	cc := []*mail.Address{{Name: "Ministry Desk", Address: "desk@gov.example"}, {Address: "partner@ngo.example"}}
	received := time.Date(2019, 1, 21, 10, 0, 0, 0, ackGeneva)
	n := 0
	for _, code := range templates.Answers {
		for _, lang := range templates.Languages {
			text, err := tpl.RenderAnswer(templates.Answer{Code: code, Ref: ref, Language: lang, Subject: subject, ReceivedAt: received})
			if err != nil {
				t.Fatal(err)
			}
			words, err := tpl.RenderReply(templates.Reply{Ref: ref, Language: lang, Subject: "Re: " + subject, Text: text})
			if err != nil {
				t.Fatal(err)
			}
			raw, rec, err := Compose(Outgoing{MessageID: "answer." + code + "." + lang + "@itu.int", Date: received,
				From: from, To: &mail.Address{Name: "Amina Sender", Address: "amina@gov.example"}, Cc: cc,
				Subject: words.Subject, Language: words.Language, Marker: "reply " + ref, Text: words.Text, HTML: words.HTML})
			if err != nil {
				t.Fatal(err)
			}
			if rec.Cc != "Ministry Desk <desk@gov.example>, partner@ngo.example" {
				t.Errorf("%s/%s: recorded Cc %q", code, lang, rec.Cc)
			}
			if err := sender.Send(context.Background(), from.Address, []string{"amina@gov.example", "desk@gov.example", "partner@ngo.example"}, raw); err != nil {
				t.Fatal(err)
			}
			n++
			sent := srv.Sent()
			if len(sent) != n {
				t.Fatalf("%d messages received, want %d", len(sent), n)
			}
			m := sent[n-1]
			p, err := parse.Parse(m.Raw, parse.DefaultLimits())
			if err != nil {
				t.Fatalf("%s/%s: %v", code, lang, err)
			}
			if tag, _ := parse.RefTag(p.Subject); tag != ref || p.Subject != "Re: ["+ref+"] "+subject {
				t.Errorf("%s/%s: subject %q", code, lang, p.Subject)
			}
			if m.Language != lang || p.Language != lang {
				t.Errorf("%s/%s: Content-Language %q, text read as %q", code, lang, m.Language, p.Language)
			}
			if !strings.Contains(p.Text, ref) || !strings.Contains(p.Text, subject) {
				t.Errorf("%s/%s: the text lacks the reference or the subject:\n%s", code, lang, p.Text)
			}
			var got []string
			for _, a := range p.Cc {
				got = append(got, a.Email)
			}
			if !slices.Equal(got, []string{"desk@gov.example", "partner@ngo.example"}) || !slices.Equal(m.To, []string{"amina@gov.example", "desk@gov.example", "partner@ngo.example"}) {
				t.Errorf("%s/%s: Cc header %v, envelope %v", code, lang, got, m.To)
			}
		}
	}
}

// TestReplyCcRefusedByTheMailer: an address in copy that may never get our mail (our
// own, a no-reply address) fails the reply, naming it, and nothing is sent: the mailer
// looks again at what the desk checked.
func TestReplyCcRefusedByTheMailer(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	e.pol.Ack = false
	r := e.ingest(e.inbound("a@ngo.example", "Submission", "en", ackInConsultation))[0]
	for key, cc := range map[string]string{"reply:cc-own": "WSIS-Info@itu.int", "reply:cc-noreply": "no-reply@ngo.example", "reply:cc-bad": "not an address"} {
		it, _ := store.NewOutboxItem(store.OutboxReplyEmail, key, r.ContributionID, 0,
			store.ReplyPayload{Text: "Thank you.", Actor: "U1", To: "a@ngo.example", Cc: []string{"partner@ngo.example", cc}})
		if _, err := e.st.Enqueue(e.ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	e.run(e.mail(e.worker()))
	e.waitIdle()
	for _, key := range []string{"reply:cc-own", "reply:cc-noreply", "reply:cc-bad"} {
		if got := e.item(r.ContributionID, key); got.FailedAt == nil || !strings.Contains(got.LastError, "Cc") {
			t.Errorf("%s: %+v", key, got)
		}
	}
	if e.smtp.Sessions() != 0 {
		t.Errorf("the SMTP server was contacted")
	}
}
