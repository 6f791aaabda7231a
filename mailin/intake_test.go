package mailin_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
)

func TestToInboundSixLanguages(t *testing.T) {
	langs := []string{"en", "fr", "es", "ru", "zh", "ar"}
	for i, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			raw := imaptest.Mail(i, imaptest.MailOptions{Run: "intake", Attachment: 2000 * (i % 2)})
			p, err := parse.Parse(raw, parse.Limits{})
			at := time.Date(2019, 1, 20, 10, 0, 0, 0, time.UTC)
			in := mailin.ToInbound(raw, 7, uint32(i+1), at, "INBOX", p, err, store.IngestPolicy{OurAddresses: []string{"wsis-info@itu.int"}})
			if in.Kind != store.MsgContribution {
				t.Fatalf("kind %q (%s), want contribution", in.Kind, in.KindReason)
			}
			if in.Mailbox != "INBOX" || in.UIDValidity != 7 || in.UID != uint32(i+1) || !in.InternalDate.Equal(at) {
				t.Errorf("position %s/%d/%d %s", in.Mailbox, in.UIDValidity, in.UID, in.InternalDate)
			}
			if string(in.Raw) != string(raw) {
				t.Error("raw bytes not kept as fetched")
			}
			if in.MessageID == "" || strings.ContainsAny(in.MessageID, "<>") {
				t.Errorf("Message-ID %q", in.MessageID)
			}
			if !strings.HasPrefix(in.FromEmail, "contributor.intake.") || in.FromName == "" {
				t.Errorf("from %q <%s>", in.FromName, in.FromEmail)
			}
			if in.NoReply {
				t.Error("a person's address marked no-reply")
			}
			if in.Language != lang {
				t.Errorf("language %q, want %q", in.Language, lang)
			}
			if in.FreshText == "" || in.Text == "" {
				t.Error("no text")
			}
			if in.Suggestion.Kind == "" || in.Suggestion.StakeholderType == "" {
				t.Errorf("no suggestion: %+v", in.Suggestion)
			}
			if want := i % 2; len(in.Attachments) != want {
				t.Fatalf("%d attachments, want %d", len(in.Attachments), want)
			}
			for _, a := range in.Attachments {
				if len(a.Data) != 2000 || a.SHA256 == "" || a.ContentType != "application/pdf" || !strings.HasSuffix(a.Filename, ".pdf") {
					t.Errorf("attachment %q %s %d bytes sha %q", a.Filename, a.ContentType, len(a.Data), a.SHA256)
				}
			}
		})
	}
}

func TestToInboundSorts(t *testing.T) {
	our := []string{"wsis-info@itu.int"}
	cases := []struct {
		name, raw string
		kind      store.MessageKind
		check     func(t *testing.T, in store.Inbound)
	}{
		{"auto reply", "From: Absent <absent@example.org>\r\nTo: wsis-info@itu.int\r\nSubject: Automatic reply: WSIS\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <a1@example.org>\r\n\r\nI am away.\r\n",
			store.MsgAutoReply, nil},
		{"list", "From: News <news@lists.example.org>\r\nTo: wsis-info@itu.int\r\nSubject: Newsletter\r\nList-Id: <news.lists.example.org>\r\nMessage-ID: <l1@example.org>\r\n\r\nNews.\r\n",
			store.MsgList, nil},
		{"own", "From: WSIS Secretariat <wsis-info@itu.int>\r\nTo: someone@example.org\r\nSubject: Re: contribution\r\nMessage-ID: <o1@itu.int>\r\n\r\nThanks.\r\n",
			store.MsgOwn, nil},
		{"bounce", "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\nTo: wsis-info@itu.int\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <b1@mx.example.org>\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n" +
			"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; gone@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
			"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: wsis-info@itu.int\r\nMessage-ID: <ack-42@itu.int>\r\nSubject: We received your contribution\r\n" +
			"--b--\r\n",
			store.MsgBounce, func(t *testing.T, in store.Inbound) {
				if in.BounceOf != "ack-42@itu.int" {
					t.Errorf("BounceOf %q, want ack-42@itu.int", in.BounceOf)
				}
				if !in.NoReply {
					t.Error("MAILER-DAEMON not marked no-reply")
				}
			}},
		{"follow-up tag and quote", "From: Ana <ana@example.org>\r\nTo: wsis-info@itu.int\r\nSubject: Re: [WSIS-2019-0042] Propuesta\r\nMessage-ID: <f1@example.org>\r\nIn-Reply-To: <ack-42@itu.int>\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n\r\nAdjunto la versión final.\r\n\r\nEl lun, 21 ene 2019 a las 10:00, WSIS <wsis-info@itu.int> escribió:\r\n> Gracias por su contribución.\r\n",
			store.MsgContribution, func(t *testing.T, in store.Inbound) {
				if in.RefTag != "WSIS-2019-0042" || in.InReplyTo != "ack-42@itu.int" {
					t.Errorf("RefTag %q InReplyTo %q", in.RefTag, in.InReplyTo)
				}
				if strings.Contains(in.FreshText, "Gracias") || !strings.Contains(in.FreshText, "versión final") {
					t.Errorf("fresh text %q", in.FreshText)
				}
				if !strings.Contains(in.Text, "Gracias") {
					t.Error("full text lost the quote")
				}
			}},
		{"reply-to", "From: Web form <no-reply@forms.example.org>\r\nReply-To: Li Na <li.na@example.cn>\r\nTo: wsis-info@itu.int\r\nSubject: Submission\r\nMessage-ID: <r1@example.org>\r\n\r\nText.\r\n",
			store.MsgContribution, func(t *testing.T, in store.Inbound) {
				if in.ReplyTo != "li.na@example.cn" || in.NoReply {
					t.Errorf("ReplyTo %q NoReply %v: the acknowledgement must go to Reply-To", in.ReplyTo, in.NoReply)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := parse.Parse([]byte(c.raw), parse.Limits{})
			in := mailin.ToInbound([]byte(c.raw), 1, 1, time.Now(), "INBOX", p, err, store.IngestPolicy{OurAddresses: our})
			if in.Kind != c.kind {
				t.Fatalf("kind %q (%s), want %q", in.Kind, in.KindReason, c.kind)
			}
			if in.KindReason == "" {
				t.Error("no reason")
			}
			if c.check != nil {
				c.check(t, in)
			}
		})
	}
}

func TestToInboundQuarantinesParseFailure(t *testing.T) {
	raw := []byte("\x00\x01 not mail at all")
	perr := errors.New("mailin: parse: not an RFC 5322 message")
	in := mailin.ToInbound(raw, 3, 9, time.Now(), "INBOX", nil, perr, store.IngestPolicy{})
	if in.Kind != store.MsgQuarantined || !strings.Contains(in.KindReason, "not an RFC 5322 message") {
		t.Fatalf("kind %q reason %q", in.Kind, in.KindReason)
	}
	if string(in.Raw) != string(raw) || in.UID != 9 || in.UIDValidity != 3 {
		t.Error("raw bytes or position lost")
	}
}
