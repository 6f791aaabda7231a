package mailin_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"mime"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/internal/smtptest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
	"github.com/wsis/wsisbot/templates"
)

// oversized is a message of about size bytes from from, with extra header lines.
func oversized(from, subject, messageID string, size int, extra ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: wsis-info@itu.int\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: Mon, 21 Jan 2019 10:00:00 +0100\r\n",
		from, mime.QEncoding.Encode("utf-8", subject), messageID)
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString("Madame, Monsieur, veuillez trouver ci-joint notre vidéo.\r\n--b1\r\nContent-Type: video/mp4; name=video.mp4\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	data := base64.StdEncoding.EncodeToString(make([]byte, size*3/4))
	for len(data) > 76 {
		b.WriteString(data[:76] + "\r\n")
		data = data[76:]
	}
	b.WriteString(data + "\r\n--b1--\r\n")
	return []byte(b.String())
}

// TestTooLargeNoticeEndToEnd: a message over WSISBOT_MAX_MESSAGE_BYTES is quarantined;
// its sender is told, in their language, that it could not be accepted, by a notice
// queued in the outbox with the acknowledgement's rules: a robot's, one whose
// authentication failed and one from a sender over the cap are told nothing.
func TestTooLargeNoticeEndToEnd(t *testing.T) {
	srv := imaptest.StartMemory(t, imaptest.MemoryOptions{})
	h := newHarness(t, srv)
	cfg := h.cfg
	cfg.MaxMessageBytes = 200 << 10
	h.append("INBOX",
		oversized("Claire Dupont <claire@gouv.example>", "Contribution de la République – vidéo", "big1@gouv.example", 300<<10, "Content-Language: fr"),
		oversized("Out of office <claire@gouv.example>", "Réponse automatique : vidéo", "big2@gouv.example", 300<<10, "Auto-Submitted: auto-replied"),
		oversized("Forged <victim@bank.example>", "Contribution", "big3@bank.example", 300<<10,
			"Authentication-Results: mx.itu.int; dmarc=fail (p=reject) header.from=bank.example"),
		h.mail(1))
	stop := start(t, h.poller(cfg, nil))
	h.waitMessages(4, 10*time.Second)
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	var items []struct {
		Key     string `db:"idempotency_key"`
		Payload string `db:"payload"`
	}
	if err := h.st.DB().Select(&items, `SELECT idempotency_key, payload::text AS payload FROM outbox WHERE idempotency_key LIKE 'too-large:%'`); err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || !strings.Contains(items[0].Payload, `"to": "claire@gouv.example"`) || !strings.Contains(items[0].Payload, `"limit": 204800`) {
		t.Fatalf("too-large notices queued: %+v, want one to claire@gouv.example", items)
	}

	smtp := smtptest.Start(t, smtptest.Options{})
	mcfg := mailin.MailConfig{SMTPAddr: smtp.Addr(), SMTPTLS: mailin.SMTPPlain, From: "WSIS Secretariat <wsis-info@itu.int>",
		SMTPTimeout: 5 * time.Second, NullSender: true, Ack: true}
	sender, err := mailin.NewSMTPSender(mcfg)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := templates.Load("", store.Strings(store.Kinds))
	if err != nil {
		t.Fatal(err)
	}
	w, err := mailin.NewAckWorker(h.st, sender, tpl, mcfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	w.Idle = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.st.RunOutbox(ctx, w.Outbox(1)) }()
	defer func() { cancel(); <-done }()

	// The notice, and the acknowledgement of the ordinary message after them.
	storetest.Eventually(t, 10*time.Second, "two mails sent", func() bool { return len(smtp.Sent()) >= 2 })
	var notice *smtptest.Message
	for _, m := range smtp.Sent() {
		if strings.HasPrefix(m.XWSISBot, "notice") {
			notice = &m
		}
	}
	if notice == nil || len(notice.To) != 1 || notice.To[0] != "claire@gouv.example" || notice.From != "" {
		t.Fatalf("the notice: %+v", notice)
	}
	p, err := parse.Parse(notice.Raw, parse.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if p.Subject != "Votre message n'a pas pu être accepté : Contribution de la République – vidéo" || notice.Language != "fr" ||
		p.InReplyTo != "big1@gouv.example" || p.Headers["Auto-Submitted"] != "auto-replied" {
		t.Errorf("the notice: subject %q, language %q, In-Reply-To %q, headers %v", p.Subject, notice.Language, p.InReplyTo, p.Headers)
	}
	for _, must := range []string{"Madame, Monsieur,", "200,0 Ko", "n'a pas pu être accepté", "lien vers un service de partage"} {
		if !strings.Contains(p.Text, must) {
			t.Errorf("the notice does not say %q:\n%s", must, p.Text)
		}
	}
	// Our notice, read back by the intake, is our own mail, never a contribution.
	if kind, _ := parse.Sort(p, []string{"wsis-info@itu.int"}); kind != parse.KindOwn {
		t.Errorf("the notice sorts as %s", kind)
	}
	storetest.Eventually(t, 10*time.Second, "the notice recorded as sent", func() bool {
		var n int
		return h.st.DB().Get(&n, `SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'too-large:%' AND done_at IS NOT NULL`) == nil && n == 1
	})
}

// TestTooLargeNoticeKeepsToTheCap: the notices count with the acknowledgements against
// the per-sender cap: a sender over it is told nothing more.
func TestTooLargeNoticeKeepsToTheCap(t *testing.T) {
	srv := imaptest.StartMemory(t, imaptest.MemoryOptions{})
	h := newHarness(t, srv)
	cfg := h.cfg
	cfg.MaxMessageBytes = 100 << 10
	pol := testPolicy()
	pol.AckPerSenderPerDay = 2
	for i := range 4 {
		h.append("INBOX", oversized("Claire <claire@gouv.example>", "Vidéo", fmt.Sprintf("cap%d@gouv.example", i), 150<<10))
	}
	p := mailin.NewPoller(cfg, h.st, pol, testLogger(t), mailin.WithBackoff(20*time.Millisecond, 300*time.Millisecond))
	stop := start(t, p)
	h.waitMessages(4, 10*time.Second)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if n := h.count(`SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'too-large:%'`); n != 2 {
		t.Errorf("%d notices queued to one sender, want the cap of 2", n)
	}
}
