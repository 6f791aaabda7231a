package mailin

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/smtptest"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
	"github.com/wsis/wsisbot/templates"
)

var ackGeneva = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		panic(err)
	}
	return loc
}()

// ackInConsultation is a working day of the consultation, Geneva time.
var ackInConsultation = time.Date(2019, 1, 20, 10, 0, 0, 0, ackGeneva)

const ackWait = 10 * time.Second

// What each language must say, as the stakeholder reads it.
var ackWords = map[string]struct{ received, greeting, deadline, onTime, late, htmlTag string }{
	"ar": {"تم الاستلام: ", "حضرات السادة والسيدات،", "10 فبراير 2019", "وقد وصلتنا مساهمتكم في الموعد المحدد", "وصلتنا مساهمتكم بعد الموعد النهائي", `<html dir="rtl" lang="ar">`},
	"zh": {"已收到：", "尊敬的女士们、先生们：", "2019年2月10日", "您的材料已按时送达", "之后送达", `<html lang="zh" dir="ltr">`},
	"en": {"Received: ", "Dear Sir or Madam,", "10 February 2019", "Your contribution reached us in time", "reached us after the deadline", `<html lang="en" dir="ltr">`},
	"fr": {"Reçu : ", "Madame, Monsieur,", "10 février 2019", "Votre contribution nous est parvenue dans les délais", "nous est parvenue après la date limite", `<html lang="fr" dir="ltr">`},
	"ru": {"Получено: ", "Уважаемые дамы и господа!", "10 февраля 2019 г.", "Ваш вклад поступил в установленный срок", "поступил после истечения", `<html lang="ru" dir="ltr">`},
	"es": {"Recibido: ", "Estimados señores y señoras:", "10 de febrero de 2019", "Su contribución nos llegó dentro del plazo", "nos llegó después del plazo", `<html lang="es" dir="ltr">`},
}

// ackEnv is a fresh database, an SMTP server that records what it receives, the
// templates and the intake policy, on a clock set inside the consultation.
type ackEnv struct {
	t     *testing.T
	ctx   context.Context
	st    *store.Store
	url   string
	clock *store.OffsetClock
	smtp  *smtptest.Server
	cfg   MailConfig
	tpl   *templates.Set
	pol   store.IngestPolicy
	uid   atomic.Uint32
}

func newAckEnv(t *testing.T, now time.Time) *ackEnv {
	t.Helper()
	clock := store.NewOffsetClock(now)
	st, url := storetest.New(t, storetest.Options{Clock: clock})
	srv := smtptest.Start(t, smtptest.Options{})
	tpl, err := templates.Load("", store.Strings(store.Kinds))
	if err != nil {
		t.Fatal(err)
	}
	return &ackEnv{t: t, ctx: context.Background(), st: st, url: url, clock: clock, smtp: srv, tpl: tpl,
		cfg: testMailConfig(srv.Addr(), SMTPPlain),
		pol: store.IngestPolicy{Ack: true, AckWindow: 24 * time.Hour, AckPerSenderPerDay: 5, OurAddresses: []string{"wsis-info@itu.int"}}}
}

type ackTestLog struct{ t *testing.T }

func (w ackTestLog) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func (e *ackEnv) logger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(ackTestLog{e.t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// worker builds a worker with its own SMTP connection settings.
func (e *ackEnv) worker() *AckWorker {
	e.t.Helper()
	sender, err := NewSMTPSender(e.cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	w, err := NewAckWorker(e.st, sender, e.tpl, e.cfg, e.logger())
	if err != nil {
		e.t.Fatal(err)
	}
	w.Idle = 10 * time.Millisecond
	return w
}

// mail runs w on the store's outbox runtime, with one worker.
func (e *ackEnv) mail(w *AckWorker) func(context.Context) error {
	return func(ctx context.Context) error { return e.st.RunOutbox(ctx, w.Outbox(1)) }
}

// run starts fn in the background; the test's end stops it and checks it returned nil.
func (e *ackEnv) run(fn func(context.Context) error) {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fn(ctx) }()
	e.t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				e.t.Errorf("Run returned %v", err)
			}
		case <-time.After(ackWait):
			e.t.Errorf("Run did not return after its context was cancelled")
		}
	})
}

// inbound is a message as the intake would hand it to the store.
func (e *ackEnv) inbound(from, subject, lang string, received time.Time, mods ...func(*store.Inbound)) store.Inbound {
	uid := e.uid.Add(1)
	m := store.Inbound{
		Mailbox: "INBOX", UIDValidity: 1, UID: uid, InternalDate: received,
		Kind: store.MsgContribution, MessageID: fmt.Sprintf("m%d.%d@example.org", uid, received.Unix()),
		FromName: "Stakeholder", FromEmail: from, To: "wsis-info@itu.int", Subject: subject, Date: received,
		Text: "Please find our contribution attached.", Language: lang,
	}
	for _, mod := range mods {
		mod(&m)
	}
	m.NoReply = m.NoReply || parse.IsNoReplyAddress(ackFirstNonEmpty(m.ReplyTo, m.FromEmail))
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s <%s>\r\n", mime.QEncoding.Encode("utf-8", m.FromName), m.FromEmail)
	if m.ReplyTo != "" {
		fmt.Fprintf(&b, "Reply-To: <%s>\r\n", m.ReplyTo)
	}
	fmt.Fprintf(&b, "To: wsis-info@itu.int\r\nSubject: %s\r\nDate: %s\r\n", mime.QEncoding.Encode("utf-8", m.Subject), received.Format(time.RFC1123Z))
	if m.MessageID != "" {
		fmt.Fprintf(&b, "Message-ID: <%s>\r\n", m.MessageID)
	}
	if m.InReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\n", m.InReplyTo)
	}
	if len(m.References) > 0 {
		fmt.Fprintf(&b, "References: <%s>\r\n", strings.Join(m.References, "> <"))
	}
	fmt.Fprintf(&b, "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", m.Text)
	m.Raw = []byte(b.String())
	return m
}

func (e *ackEnv) ingest(msgs ...store.Inbound) []store.Ingested {
	e.t.Helper()
	var last uint32
	for _, m := range msgs {
		last = max(last, m.UID)
	}
	res, err := e.st.Ingest(e.ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: last, Messages: msgs}, e.pol)
	if err != nil {
		e.t.Fatalf("ingest: %v", err)
	}
	return res
}

// waitMails waits until the server has accepted n messages and returns them.
func (e *ackEnv) waitMails(n int) []smtptest.Message {
	e.t.Helper()
	storetest.Eventually(e.t, ackWait, fmt.Sprintf("%d messages delivered", n), func() bool { return len(e.smtp.Sent()) >= n })
	return e.smtp.Sent()
}

// pendingMail counts mail items not done and not failed.
func (e *ackEnv) pendingMail() int {
	e.t.Helper()
	var n int
	if err := e.st.DB().GetContext(e.ctx, &n, `SELECT count(*) FROM outbox WHERE kind IN ('ack_email', 'reply_email')
		AND done_at IS NULL AND failed_at IS NULL`); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// waitIdle waits until no mail item is pending.
func (e *ackEnv) waitIdle() {
	e.t.Helper()
	storetest.Eventually(e.t, ackWait, "no pending mail in the outbox", func() bool { return e.pendingMail() == 0 })
}

func (e *ackEnv) contribution(id int64) store.Contribution {
	e.t.Helper()
	c, err := e.st.Contribution(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *ackEnv) item(cid int64, key string) store.OutboxItem {
	e.t.Helper()
	items, err := e.st.OutboxItems(e.ctx, cid)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, it := range items {
		if it.IdempotencyKey == key {
			return it
		}
	}
	e.t.Fatalf("no outbox item %q for contribution %d", key, cid)
	return store.OutboxItem{}
}

func mailTo(mails []smtptest.Message, addr string) (smtptest.Message, bool) {
	for _, m := range mails {
		if slices.Contains(m.To, addr) {
			return m, true
		}
	}
	return smtptest.Message{}, false
}

func TestAckLanguageOfTheContribution(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	cases := []struct{ lang, want string }{
		{"ar", "ar"}, {"zh", "zh"}, {"en", "en"}, {"fr", "fr"}, {"ru", "ru"}, {"es", "es"},
		{"", "en"}, {"de", "en"}, {"fr-CH", "fr"},
	}
	var msgs []store.Inbound
	for i, c := range cases {
		msgs = append(msgs, e.inbound(fmt.Sprintf("sender%d@example.org", i), fmt.Sprintf("Proposal %d", i), c.lang, ackInConsultation.Add(-time.Minute)))
	}
	res := e.ingest(msgs...)
	e.run(e.mail(e.worker()))
	mails := e.waitMails(len(cases))
	for i, c := range cases {
		t.Run(c.lang+"→"+c.want, func(t *testing.T) {
			m, ok := mailTo(mails, fmt.Sprintf("sender%d@example.org", i))
			if !ok {
				t.Fatalf("no acknowledgement")
			}
			s := readSent(t, m.Raw)
			w := ackWords[c.want]
			if s.ContentLanguage != c.want {
				t.Errorf("Content-Language %q, want %q", s.ContentLanguage, c.want)
			}
			if want := "[" + res[i].Ref + "] " + w.received + fmt.Sprintf("Proposal %d", i); s.SubjectDecoded != want {
				t.Errorf("subject %q, want %q", s.SubjectDecoded, want)
			}
			if !strings.Contains(s.Text, w.greeting) || !strings.Contains(s.HTML, w.greeting) {
				t.Errorf("the greeting %q is missing", w.greeting)
			}
			if !strings.Contains(s.HTML, w.htmlTag) {
				t.Errorf("the HTML does not start with %s", w.htmlTag)
			}
			if s.Type != "multipart/alternative" || s.TextCS != "utf-8" || s.HTMLCS != "utf-8" {
				t.Errorf("structure %s, text charset %q, html charset %q", s.Type, s.TextCS, s.HTMLCS)
			}
		})
	}
}

func TestAckDeadlineInstant(t *testing.T) {
	// Just after the deadline day: one message in its last second, one in the next.
	e := newAckEnv(t, time.Date(2019, 2, 11, 0, 5, 0, 0, ackGeneva))
	lastSecond := time.Date(2019, 2, 10, 23, 59, 59, 0, ackGeneva)
	firstLate := time.Date(2019, 2, 11, 0, 0, 0, 0, ackGeneva)
	type sent struct {
		lang string
		late bool
		res  store.Ingested
		from string
	}
	var all []sent
	var msgs []store.Inbound
	for _, lang := range templates.Languages {
		for _, late := range []bool{false, true} {
			at := lastSecond
			if late {
				at = firstLate
			}
			from := fmt.Sprintf("%s.%v@example.org", lang, late)
			msgs = append(msgs, e.inbound(from, "Submission", lang, at))
			all = append(all, sent{lang: lang, late: late, from: from})
		}
	}
	res := e.ingest(msgs...)
	for i := range all {
		all[i].res = res[i]
	}
	e.run(e.mail(e.worker()))
	mails := e.waitMails(len(all))
	for _, s := range all {
		name := s.lang + "/on time"
		if s.late {
			name = s.lang + "/late"
		}
		t.Run(name, func(t *testing.T) {
			c := e.contribution(s.res.ContributionID)
			if c.Late != s.late {
				t.Errorf("contribution late = %v", c.Late)
			}
			m, ok := mailTo(mails, s.from)
			if !ok {
				t.Fatal("no acknowledgement")
			}
			got := readSent(t, m.Raw)
			w := ackWords[s.lang]
			yes, no := w.onTime, w.late
			if s.late {
				yes, no = w.late, w.onTime
			}
			for part, body := range map[string]string{"text": got.Text, "html": got.HTML} {
				if !strings.Contains(body, yes) || strings.Contains(body, no) {
					t.Errorf("%s: want %q and not %q", part, yes, no)
				}
				if !strings.Contains(body, w.deadline) || !strings.Contains(body, "23:59:59") {
					t.Errorf("%s: the deadline %q 23:59:59 is missing", part, w.deadline)
				}
			}
			// The proof of receipt: the second it reached the mailbox, Geneva time, with the zone.
			at := lastSecond
			if s.late {
				at = firstLate
			}
			if !strings.Contains(got.Text, templates.FormatDate(s.lang, at)) || !strings.Contains(got.Text, templates.FormatClock(at)) ||
				!strings.Contains(got.Text, "UTC+01:00") {
				t.Errorf("the time of receipt is missing:\n%s", got.Text)
			}
		})
	}
}

var ackMessageIDRE = regexp.MustCompile(`^ack\.WSIS-2019-\d{4}\.\d+\.[0-9a-f]+@itu\.int$`)

func TestAckHeadersAndStoredConversation(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	received := ackInConsultation.Add(-5 * time.Minute)
	pdf := []byte("%PDF-1.4 contribution of the Republic")
	in := e.inbound("amina.diallo@gov.example", "Contribution de la République — C7 e-agriculture", "fr", received, func(m *store.Inbound) {
		m.FromName = "Amina Diallo"
		m.ReplyTo = "focal.point@gov.example"
		m.References = []string{"root.1@gov.example", "prev.2@gov.example"}
		m.Attachments = []store.InboundAttachment{
			{Filename: "contribution.pdf", ContentType: "application/pdf", Data: pdf},
			{Filename: "logo.png", ContentType: "image/png", Inline: true, Data: []byte("png")},
		}
	})
	res := e.ingest(in)
	if !res[0].AckQueued {
		t.Fatalf("no acknowledgement queued: %+v", res[0])
	}
	cid, ref := res[0].ContributionID, res[0].Ref
	e.run(e.mail(e.worker()))
	got := e.waitMails(1)[0]
	s := readSent(t, got.Raw)

	if got.From != "" {
		t.Errorf("MAIL FROM:<%s>, want the null reverse path <>", got.From)
	}
	if len(got.To) != 1 || got.To[0] != "focal.point@gov.example" {
		t.Errorf("RCPT TO %v, want the Reply-To address", got.To)
	}
	if s.ToAddr == nil || s.ToAddr.Address != "focal.point@gov.example" {
		t.Errorf("To %v", s.ToAddr)
	}
	if s.FromAddr == nil || s.FromAddr.Address != "wsis-info@itu.int" || s.FromAddr.Name != "WSIS Secretariat" {
		t.Errorf("From %v", s.FromAddr)
	}
	if want := "[" + ref + "] Reçu : Contribution de la République — C7 e-agriculture"; s.SubjectDecoded != want {
		t.Errorf("subject %q, want %q", s.SubjectDecoded, want)
	}
	if !strings.Contains(s.HeaderSection, "Subject: =?utf-8?") {
		t.Errorf("the non-ASCII subject is not RFC 2047 encoded:\n%s", s.HeaderSection)
	}
	if d, err := s.Header.Date(); err != nil || d.Sub(e.clock.Now()).Abs() > time.Minute {
		t.Errorf("Date %v (%v), want about %v", d, err, e.clock.Now())
	}
	if !ackMessageIDRE.MatchString(s.MessageID) || !strings.Contains(s.MessageID, ref) {
		t.Errorf("Message-ID %q", s.MessageID)
	}
	if it := e.item(cid, fmt.Sprintf("ack:%d", cid)); s.MessageID != OutboxMessageID("ack", ref, it, "itu.int") {
		t.Errorf("Message-ID %q is not the item's stable one", s.MessageID)
	}
	if len(s.InReplyTo) != 1 || s.InReplyTo[0] != in.MessageID {
		t.Errorf("In-Reply-To %v, want <%s>", s.InReplyTo, in.MessageID)
	}
	if want := []string{"root.1@gov.example", "prev.2@gov.example", in.MessageID}; !slices.Equal(s.References, want) {
		t.Errorf("References %v, want %v", s.References, want)
	}
	for k, v := range map[string]string{"Auto-Submitted": "auto-replied", "Content-Language": "fr", "X-WSISBot": "ack " + ref} {
		if got := s.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	// Proof of receipt: the SHA-256 of the attachment, not of the inline logo.
	if !strings.Contains(s.Text, store.SHA256Hex(pdf)) || !strings.Contains(s.HTML, store.SHA256Hex(pdf)) {
		t.Errorf("the attachment's SHA-256 is missing")
	}
	if strings.Contains(s.Text, "logo.png") {
		t.Errorf("an inline image is listed as an attachment")
	}
	if !strings.Contains(s.Text, "le 20 janvier 2019 à 09:55:00 (heure de Genève, UTC+01:00)") {
		t.Errorf("the time of receipt is missing:\n%s", s.Text)
	}

	// The acknowledgement is in the conversation, exactly as sent.
	e.waitIdle()
	ms, err := e.st.Messages(e.ctx, cid)
	if err != nil {
		t.Fatal(err)
	}
	var out *store.Message
	for i := range ms {
		if ms[i].Direction == "out" {
			out = &ms[i]
		}
	}
	if out == nil || out.MessageID == nil || *out.MessageID != s.MessageID || out.Kind != store.MsgOutbound ||
		out.InReplyTo != in.MessageID || out.Language != "fr" || !strings.Contains(out.To, "focal.point@gov.example") {
		t.Fatalf("outbound message not stored as sent: %+v", out)
	}
	raw, err := e.st.RawMessage(e.ctx, out.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != string(got.Raw) {
		t.Errorf("the stored raw message differs from the bytes the server received")
	}
	// The record of what we sent is the raw message, HTML part included; the text is
	// kept beside it for the desk, the HTML is not kept twice.
	if out.HTML != "" || !strings.Contains(string(raw), "text/html") || out.Text == "" {
		t.Errorf("outbound message: HTML kept beside the raw message (%d bytes), or the raw message has no HTML part, or no text", len(out.HTML))
	}
	c := e.contribution(cid)
	if c.AckStatus != store.AckSent || c.AckSentAt == nil || c.AckError != "" {
		t.Errorf("ack status %q sent at %v error %q", c.AckStatus, c.AckSentAt, c.AckError)
	}
	// The card is still to be posted: it will say that the acknowledgement went out, and
	// to whom, so no thread note repeats it.
	ack := e.item(cid, fmt.Sprintf("ack:%d", cid))
	items, err := e.st.OutboxItems(e.ctx, cid)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.IdempotencyKey == fmt.Sprintf("thread:%s:%d", store.NoteAckSent, ack.ID) {
			t.Errorf("an acknowledgement note was queued while the card waits: %s", it.Payload)
		}
	}
	evs, err := e.st.Events(e.ctx, cid)
	if err != nil {
		t.Fatal(err)
	}
	recorded := false
	for _, ev := range evs {
		var d struct {
			To      string `json:"to"`
			Message int64  `json:"message"`
		}
		if ev.Action == store.ActionAckSent && json.Unmarshal(ev.Details, &d) == nil &&
			strings.Contains(d.To, "focal.point@gov.example") && d.Message == out.ID {
			recorded = true
		}
	}
	if !recorded {
		t.Errorf("the ack_sent event does not name the recipient and the message sent (%d): %+v", out.ID, evs)
	}
}

func TestAckCRLFInSubjectAddsNoHeader(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	in := e.inbound("eve@example.org", "Hi\r\nBcc: victim@example.com", "en", ackInConsultation, func(m *store.Inbound) {
		m.FromName = "Eve\r\nX-Injected: yes"
	})
	res := e.ingest(in)
	e.run(e.mail(e.worker()))
	got := e.waitMails(1)[0]
	s := readSent(t, got.Raw)
	if s.Header.Has("Bcc") || s.Header.Has("X-Injected") {
		t.Errorf("the sender's subject or name added a header:\n%s", s.HeaderSection)
	}
	if n := s.Header.FieldsByKey("Subject").Len(); n != 1 {
		t.Errorf("%d Subject fields", n)
	}
	if want := "[" + res[0].Ref + "] Received: Hi Bcc: victim@example.com"; s.SubjectDecoded != want {
		t.Errorf("subject %q, want %q", s.SubjectDecoded, want)
	}
	if !slices.Equal(got.To, []string{"eve@example.org"}) {
		t.Errorf("RCPT TO %v", got.To)
	}
	for _, line := range strings.Split(s.HeaderSection, "\r\n") {
		if strings.HasPrefix(strings.ToLower(line), "bcc:") {
			t.Errorf("header line %q", line)
		}
	}
}

func TestAckNeverAcknowledged(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	at := ackInConsultation.Add(-time.Minute)
	original := e.inbound("ministry@gov.example", "Our thematic submission", "en", at)
	first := e.ingest(original)[0]
	if !first.AckQueued {
		t.Fatalf("the original is not acknowledged: %+v", first)
	}

	robot := func(kind store.MessageKind, reason string) func(*store.Inbound) {
		return func(m *store.Inbound) { m.Kind, m.KindReason = kind, reason }
	}
	cases := []struct {
		name    string
		msg     store.Inbound
		robot   bool   // no contribution at all
		reason  string // the recorded reason, for a new contribution
		follows bool   // filed under the original
	}{
		{name: "automatic reply", robot: true,
			msg: e.inbound("someone@example.org", "Automatic reply: Our thematic submission", "en", at, robot(store.MsgAutoReply, "Auto-Submitted: auto-replied"))},
		{name: "bounce", robot: true,
			msg: e.inbound("MAILER-DAEMON@mx.example.org", "Undelivered Mail Returned to Sender", "en", at, robot(store.MsgBounce, "multipart/report"))},
		{name: "list mail", robot: true,
			msg: e.inbound("news@lists.example.org", "ICT newsletter", "en", at, robot(store.MsgList, "List-Id header present"))},
		{name: "our own mail", robot: true,
			msg: e.inbound("wsis-info@itu.int", "[WSIS-2019-0099] Received: x", "en", at, robot(store.MsgOwn, "X-WSISBot header present"))},
		{name: "duplicate", follows: true,
			msg: e.inbound("ministry@gov.example", "Our thematic submission (resent)", "en", at, func(m *store.Inbound) { m.MessageID = original.MessageID })},
		{name: "follow-up by headers", follows: true,
			msg: e.inbound("ministry@gov.example", "Re: Our thematic submission", "en", at, func(m *store.Inbound) { m.InReplyTo = original.MessageID })},
		{name: "follow-up by reference tag", follows: true,
			msg: e.inbound("colleague@gov.example", "Re: ["+first.Ref+"] annex", "en", at, func(m *store.Inbound) { m.RefTag = first.Ref })},
		{name: "our own address", reason: "our own address",
			msg: e.inbound("WSIS-Info@itu.int", "Forwarded contribution", "en", at)},
		{name: "MAILER-DAEMON", reason: "no-reply or system address",
			msg: e.inbound("MAILER-DAEMON@relay.example.net", "Message", "en", at)},
		{name: "postmaster", reason: "no-reply or system address",
			msg: e.inbound("postmaster@ministry.example", "Contribution", "en", at)},
		{name: "noreply", reason: "no-reply or system address",
			msg: e.inbound("noreply@platform.example", "New submission", "en", at)},
		{name: "do-not-reply", reason: "no-reply or system address",
			msg: e.inbound("do-not-reply@forms.example", "Form submitted", "en", at)},
		{name: "no-reply Reply-To", reason: "no-reply or system address",
			msg: e.inbound("person@ngo.example", "Our proposal", "en", at, func(m *store.Inbound) { m.ReplyTo = "no-reply@ngo.example" })},
		{name: "history", reason: "history",
			msg: e.inbound("late.import@ngo.example", "Old mail", "en", ackInConsultation.Add(-72*time.Hour))},
	}
	var msgs []store.Inbound
	for _, c := range cases {
		msgs = append(msgs, c.msg)
	}
	res := e.ingest(msgs...)
	e.run(e.mail(e.worker()))
	e.waitMails(1)
	e.waitIdle()
	if mails := e.smtp.Sent(); len(mails) != 1 || mails[0].To[0] != "ministry@gov.example" {
		t.Fatalf("want only the original's acknowledgement, got %d messages", len(mails))
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := res[i]
			if r.AckQueued {
				t.Fatalf("an acknowledgement was queued: %+v", r)
			}
			switch {
			case c.robot:
				if r.NewContrib || r.ContributionID != 0 {
					t.Errorf("a robot's mail made a contribution: %+v", r)
				}
			case c.follows:
				if r.NewContrib || r.ContributionID != first.ContributionID {
					t.Errorf("not filed under the original: %+v", r)
				}
			default:
				if !r.NewContrib {
					t.Fatalf("no contribution: %+v", r)
				}
				got := e.contribution(r.ContributionID)
				if got.AckStatus != store.AckSuppressed || !strings.Contains(got.AckSuppressedReason, c.reason) {
					t.Errorf("ack %q, reason %q, want one mentioning %q", got.AckStatus, got.AckSuppressedReason, c.reason)
				}
				if c.name == "history" {
					// No card (WSISBOT_HISTORY_CARDS is off), so no thread for a note.
					if items, err := e.st.OutboxItems(e.ctx, r.ContributionID); err != nil || len(items) != 0 {
						t.Errorf("history has outbox items %+v (%v), want none", items, err)
					}
					return
				}
				e.item(r.ContributionID, fmt.Sprintf("thread:ack-suppressed:%d", r.ContributionID))
			}
		})
	}
}

func TestAckSecondLookRefusesNoReplyAddresses(t *testing.T) {
	// The parser missed the no-reply address (NoReply false): the store queues an
	// acknowledgement, the worker refuses to send it and says why.
	e := newAckEnv(t, ackInConsultation)
	cases := []store.Inbound{
		e.inbound("noreply@platform.example", "Submission", "en", ackInConsultation),
		e.inbound("person@ngo.example", "Submission", "en", ackInConsultation, func(m *store.Inbound) { m.ReplyTo = "do-not-reply@ngo.example" }),
	}
	for i := range cases {
		cases[i].NoReply = false
	}
	res := e.ingest(cases...)
	for _, r := range res {
		if !r.AckQueued {
			t.Fatalf("setup: no acknowledgement queued: %+v", r)
		}
	}
	e.run(e.mail(e.worker()))
	e.waitIdle()
	for _, r := range res {
		c := e.contribution(r.ContributionID)
		if c.AckStatus != store.AckFailed || !strings.Contains(c.AckError, "no-reply") {
			t.Errorf("%s: ack %q error %q", c.FromEmail, c.AckStatus, c.AckError)
		}
	}
	if e.smtp.Sessions() != 0 {
		t.Errorf("the SMTP server was contacted")
	}
}

func TestAckPerSenderCap(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	e.pol.AckPerSenderPerDay = 2
	var res []store.Ingested
	for i := 0; i < 3; i++ {
		res = append(res, e.ingest(e.inbound("busy@ngo.example", fmt.Sprintf("Annex %d", i), "en", e.clock.Now()))...)
	}
	if !res[0].AckQueued || !res[1].AckQueued || res[2].AckQueued {
		t.Fatalf("want two acknowledgements queued and the third suppressed: %+v", res)
	}
	if c := e.contribution(res[2].ContributionID); c.AckStatus != store.AckSuppressed || !strings.Contains(c.AckSuppressedReason, "cap") {
		t.Errorf("third: ack %q reason %q", c.AckStatus, c.AckSuppressedReason)
	}
	e.run(e.mail(e.worker()))
	e.waitMails(2)
	e.waitIdle()
	if n := len(e.smtp.Sent()); n != 2 {
		t.Errorf("%d acknowledgements sent, want 2", n)
	}
	// A day later the sender may be acknowledged again.
	e.clock.Advance(25 * time.Hour)
	r := e.ingest(e.inbound("busy@ngo.example", "Annex 3", "en", e.clock.Now()))[0]
	if !r.AckQueued {
		t.Fatalf("not acknowledged a day later: %+v", r)
	}
	e.waitMails(3)
}

func TestAckRetryAfter451(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	e.smtp.FailData(451)
	r := e.ingest(e.inbound("retry@ngo.example", "Submission", "en", ackInConsultation))[0]
	key := fmt.Sprintf("ack:%d", r.ContributionID)
	e.run(e.mail(e.worker()))
	storetest.Eventually(t, ackWait, "the first attempt to fail with 451", func() bool {
		it := e.item(r.ContributionID, key)
		return it.Attempts == 1 && strings.Contains(it.LastError, "451")
	})
	if it := e.item(r.ContributionID, key); it.FailedAt != nil || !it.NextAttemptAt.After(e.clock.Now()) {
		t.Fatalf("a 451 must be retried later: %+v", it)
	}
	if c := e.contribution(r.ContributionID); c.AckStatus != store.AckPending {
		t.Errorf("ack status %q during the retry", c.AckStatus)
	}
	e.clock.Advance(time.Minute) // past the backoff
	mails := e.waitMails(1)
	e.waitIdle()
	it := e.item(r.ContributionID, key)
	if it.DoneAt == nil || it.Attempts != 2 {
		t.Errorf("item after retry: %+v", it)
	}
	if s := readSent(t, mails[0].Raw); s.MessageID != OutboxMessageID("ack", r.Ref, it, "itu.int") {
		t.Errorf("the retry changed the Message-ID: %s", s.MessageID)
	}
	if c := e.contribution(r.ContributionID); c.AckStatus != store.AckSent {
		t.Errorf("ack status %q", c.AckStatus)
	}
}

func TestAckRetryAfterServerWasDown(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	e.smtp.Stop()
	r := e.ingest(e.inbound("patient@ngo.example", "Submission", "en", ackInConsultation))[0]
	key := fmt.Sprintf("ack:%d", r.ContributionID)
	e.run(e.mail(e.worker()))
	storetest.Eventually(t, ackWait, "an attempt against the stopped server", func() bool {
		return strings.Contains(e.item(r.ContributionID, key).LastError, "connect")
	})
	if it := e.item(r.ContributionID, key); it.FailedAt != nil || it.Attempts != 0 {
		t.Fatalf("a refused connection must be retried without using up an attempt: %+v", it)
	}
	if err := e.smtp.Start(); err != nil {
		t.Fatal(err)
	}
	e.waitMails(1)
	e.waitIdle()
	if c := e.contribution(r.ContributionID); c.AckStatus != store.AckSent {
		t.Errorf("ack status %q", c.AckStatus)
	}
}

func TestAck550IsPermanent(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	e.smtp.RejectRcpt("gone@ngo.example", 550)
	r := e.ingest(e.inbound("gone@ngo.example", "Submission", "en", ackInConsultation))[0]
	e.run(e.mail(e.worker()))
	storetest.Eventually(t, ackWait, "the acknowledgement to fail", func() bool {
		return e.contribution(r.ContributionID).AckStatus == store.AckFailed
	})
	c := e.contribution(r.ContributionID)
	if !strings.Contains(c.AckError, "550") {
		t.Errorf("ack_error %q", c.AckError)
	}
	it := e.item(r.ContributionID, fmt.Sprintf("ack:%d", r.ContributionID))
	if it.FailedAt == nil || it.Attempts != 1 {
		t.Errorf("a 550 must fail the item at once: %+v", it)
	}
	note := e.item(r.ContributionID, fmt.Sprintf("thread:ack-failed:%d", it.ID))
	var tn store.ThreadNote
	if err := json.Unmarshal(note.Payload, &tn); err != nil || tn.Type != store.NoteAckFailed || !strings.Contains(tn.Text, "550") {
		t.Errorf("thread note %s", note.Payload)
	}
	evs, err := e.st.Events(e.ctx, r.ContributionID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(evs, func(ev store.Event) bool { return ev.Action == store.ActionAckFailed }) {
		t.Errorf("no ack_failed event")
	}
	if n := len(e.smtp.Sent()); n != 0 {
		t.Errorf("%d messages delivered", n)
	}
}

func TestAckTwoWorkersSendEachOnce(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	const n = 30
	var msgs []store.Inbound
	for i := 0; i < n; i++ {
		msgs = append(msgs, e.inbound(fmt.Sprintf("s%02d@example.org", i), fmt.Sprintf("Submission %d", i), templates.Languages[i%6], ackInConsultation))
	}
	res := e.ingest(msgs...)
	var handled [2]atomic.Int32
	var start sync.WaitGroup
	start.Add(1)
	for i := range 2 {
		sender, err := NewSMTPSender(e.cfg)
		if err != nil {
			t.Fatal(err)
		}
		w, err := NewAckWorker(e.st, countingSender{sender, &handled[i]}, e.tpl, e.cfg, e.logger())
		if err != nil {
			t.Fatal(err)
		}
		w.Idle = time.Millisecond
		e.run(func(ctx context.Context) error {
			start.Wait()
			return e.st.RunOutbox(ctx, w.Outbox(1))
		})
	}
	start.Done()
	e.waitMails(n)
	e.waitIdle()
	mails := e.smtp.Sent()
	seen := map[string]int{}
	for _, m := range mails {
		seen[m.To[0]]++
	}
	if len(mails) != n || len(seen) != n {
		t.Errorf("%d messages to %d recipients, want %d each once", len(mails), len(seen), n)
	}
	for to, k := range seen {
		if k != 1 {
			t.Errorf("%s got %d acknowledgements", to, k)
		}
	}
	if handled[0].Load() == 0 || handled[1].Load() == 0 {
		t.Logf("one worker took every item (%d, %d): the race was not exercised this time", handled[0].Load(), handled[1].Load())
	}
	for _, r := range res {
		if c := e.contribution(r.ContributionID); c.AckStatus != store.AckSent {
			t.Errorf("%s: ack %q", c.Ref, c.AckStatus)
		}
	}
}

// countingSender counts the messages one worker sends.
type countingSender struct {
	MailSender
	n *atomic.Int32
}

func (c countingSender) Send(ctx context.Context, from string, to []string, raw []byte) error {
	c.n.Add(1)
	return c.MailSender.Send(ctx, from, to, raw)
}

func TestReplyPayloadJSON(t *testing.T) {
	b, err := json.Marshal(store.ReplyPayload{Text: "Merci.", Actor: "U123", ActorName: "Gitanjali Sah"})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"text":"Merci.","actor":"U123","actor_name":"Gitanjali Sah"}` {
		t.Errorf("payload %s", b)
	}
}

func TestReplyThreadedInTheConversation(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	in := e.inbound("amina.diallo@gov.example", "Contribution de la République", "fr", ackInConsultation.Add(-time.Hour),
		func(m *store.Inbound) { m.References = []string{"root.1@gov.example"} })
	r := e.ingest(in)[0]
	e.run(e.mail(e.worker()))
	ack := readSent(t, e.waitMails(1)[0].Raw)
	e.waitIdle()

	// A colleague answers the acknowledgement, once the secretariat confirmed the
	// ministry's domain; the secretariat replies from Slack.
	if _, err := e.st.TrustDomain(e.ctx, r.ContributionID, "U123", "gov.example"); err != nil {
		t.Fatal(err)
	}
	follow := e.inbound("colleague@gov.example", "RE: ["+r.Ref+"] Reçu : Contribution de la République", "fr", e.clock.Now(), func(m *store.Inbound) {
		m.InReplyTo = ack.MessageID
		m.References = append(slices.Clone(ack.References), ack.MessageID)
	})
	if fr := e.ingest(follow)[0]; fr.Kind != store.MsgFollowUp || fr.ContributionID != r.ContributionID || fr.OtherSender {
		t.Fatalf("setup: follow-up not threaded: %+v", fr)
	}
	it, err := store.NewOutboxItem(store.OutboxReplyEmail, "reply:test:1", r.ContributionID, 0,
		store.ReplyPayload{Text: "Madame, Monsieur,\n\nNous avons bien reçu l'annexe <b>révisée</b>.", Actor: "U123", ActorName: "Gitanjali Sah"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Enqueue(e.ctx, it); err != nil {
		t.Fatal(err)
	}
	mails := e.waitMails(2)
	e.waitIdle()
	got := mails[1]
	s := readSent(t, got.Raw)
	if got.From != "wsis-info@itu.int" {
		t.Errorf("MAIL FROM:<%s>, want our address for a person's reply", got.From)
	}
	if !slices.Equal(got.To, []string{"amina.diallo@gov.example"}) {
		t.Errorf("RCPT TO %v, want the contribution's contact (an item without its recipient)", got.To)
	}
	if want := "Re: [" + r.Ref + "] Contribution de la République"; s.SubjectDecoded != want {
		t.Errorf("subject %q, want %q", s.SubjectDecoded, want)
	}
	if len(s.InReplyTo) != 1 || s.InReplyTo[0] != follow.MessageID {
		t.Errorf("In-Reply-To %v, want the last message <%s>", s.InReplyTo, follow.MessageID)
	}
	if want := []string{"root.1@gov.example", in.MessageID, ack.MessageID, follow.MessageID}; !slices.Equal(s.References, want) {
		t.Errorf("References %v, want %v", s.References, want)
	}
	if s.AutoSubmitted != "" {
		t.Errorf("a person's reply says Auto-Submitted: %s", s.AutoSubmitted)
	}
	if s.Header.Get("X-WSISBot") != "reply "+r.Ref || s.ContentLanguage != "fr" {
		t.Errorf("X-WSISBot %q Content-Language %q", s.Header.Get("X-WSISBot"), s.ContentLanguage)
	}
	if !strings.Contains(s.Text, "Nous avons bien reçu l'annexe <b>révisée</b>.") || !strings.Contains(s.Text, "Secrétariat du SMSI") {
		t.Errorf("text:\n%s", s.Text)
	}
	if !strings.Contains(s.HTML, "&lt;b&gt;révisée&lt;/b&gt;") {
		t.Errorf("the HTML part does not escape the reply")
	}
	if !strings.HasPrefix(s.MessageID, "reply."+r.Ref+".") {
		t.Errorf("Message-ID %q", s.MessageID)
	}

	ms, err := e.st.Messages(e.ctx, r.ContributionID)
	if err != nil {
		t.Fatal(err)
	}
	if last := ms[len(ms)-1]; last.Direction != "out" || last.MessageID == nil || *last.MessageID != s.MessageID {
		t.Errorf("the reply is not the last message of the conversation: %+v", last)
	}
	evs, err := e.st.Events(e.ctx, r.ContributionID)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(evs, func(ev store.Event) bool { return ev.Action == store.ActionReply })
	if i < 0 || evs[i].Actor != "slack:U123" || !strings.Contains(string(evs[i].Details), "Gitanjali Sah") {
		t.Errorf("no reply event by U123: %+v", evs)
	}
	stored := e.item(r.ContributionID, "reply:test:1")
	note := e.item(r.ContributionID, fmt.Sprintf("thread:%s:%d", store.NoteReplySent, stored.ID))
	var tn store.ThreadNote
	if err := json.Unmarshal(note.Payload, &tn); err != nil || tn.Type != store.NoteReplySent {
		t.Errorf("thread note %s", note.Payload)
	}
	if c := e.contribution(r.ContributionID); c.AckStatus != store.AckSent {
		t.Errorf("a reply changed the acknowledgement status to %q", c.AckStatus)
	}
}

// TestReplyGoesToTheRecordedRecipient: mail from another sender in the conversation
// (a stranger answering our acknowledgement) does not make a reply go to them: the
// reply goes to the recipient its item records, the contact unless the author chose
// someone else, and the audit trail names that address.
func TestReplyGoesToTheRecordedRecipient(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	in := e.inbound("amina.diallo@gov.example", "Contribution de la République", "fr", ackInConsultation.Add(-time.Hour))
	r := e.ingest(in)[0]
	e.run(e.mail(e.worker()))
	ack := readSent(t, e.waitMails(1)[0].Raw)
	e.waitIdle()

	stranger := e.inbound("intruder@evil.example", "RE: ["+r.Ref+"] Reçu : Contribution de la République", "fr", e.clock.Now(), func(m *store.Inbound) {
		m.InReplyTo = ack.MessageID
		m.References = append(slices.Clone(ack.References), ack.MessageID)
		m.RefTag = r.Ref
	})
	if sr := e.ingest(stranger)[0]; !sr.OtherSender || sr.ContributionID != r.ContributionID {
		t.Fatalf("setup: the stranger's mail %+v", sr)
	}
	reply := func(key string, p store.ReplyPayload) (smtptest.Message, sentMail, store.Event) {
		t.Helper()
		sent := len(e.smtp.Sent())
		it, err := store.NewOutboxItem(store.OutboxReplyEmail, key, r.ContributionID, 0, p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Enqueue(e.ctx, it); err != nil {
			t.Fatal(err)
		}
		got := e.waitMails(sent + 1)[sent]
		e.waitIdle()
		evs, err := e.st.Events(e.ctx, r.ContributionID)
		if err != nil {
			t.Fatal(err)
		}
		return got, readSent(t, got.Raw), evs[len(evs)-1]
	}
	details := func(ev store.Event) map[string]any {
		var d map[string]any
		if err := json.Unmarshal(ev.Details, &d); err != nil {
			t.Fatal(err)
		}
		return d
	}

	got, s, ev := reply("reply:test:contact", store.ReplyPayload{Text: "Merci.", Actor: "U1",
		To: "amina.diallo@gov.example", ToName: "Stakeholder", ToRole: store.RecipientContact})
	if !slices.Equal(got.To, []string{"amina.diallo@gov.example"}) {
		t.Errorf("RCPT TO %v, want the stakeholder, not the stranger who wrote last", got.To)
	}
	if len(s.InReplyTo) != 1 || s.InReplyTo[0] != ack.MessageID || slices.Contains(s.References, stranger.MessageID) {
		t.Errorf("In-Reply-To %v References %v: the reply to the stakeholder threads under the stranger's mail", s.InReplyTo, s.References)
	}
	if d := details(ev); ev.Action != store.ActionReply || d["to"] != "amina.diallo@gov.example" || d["to_role"] != store.RecipientContact {
		t.Errorf("reply event %s %s", ev.Action, ev.Details)
	}

	got, s, ev = reply("reply:test:chosen", store.ReplyPayload{Text: "Qui êtes-vous ?", Actor: "U1",
		To: "intruder@evil.example", ToRole: store.RecipientOtherSender})
	if !slices.Equal(got.To, []string{"intruder@evil.example"}) {
		t.Errorf("RCPT TO %v, want the recipient chosen", got.To)
	}
	if len(s.InReplyTo) != 1 || s.InReplyTo[0] != stranger.MessageID {
		t.Errorf("In-Reply-To %v, want the chosen recipient's message", s.InReplyTo)
	}
	if d := details(ev); d["to"] != "intruder@evil.example" || d["to_role"] != store.RecipientOtherSender {
		t.Errorf("reply event %s", ev.Details)
	}

	// An item queued before replies recorded their recipient goes to the contact.
	got, _, _ = reply("reply:test:legacy", store.ReplyPayload{Text: "Merci encore.", Actor: "U1"})
	if !slices.Equal(got.To, []string{"amina.diallo@gov.example"}) {
		t.Errorf("RCPT TO %v for an item without its recipient, want the contact", got.To)
	}
}

func TestReplyWithoutTextFails(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	e.pol.Ack = false
	r := e.ingest(e.inbound("a@ngo.example", "Submission", "en", ackInConsultation))[0]
	it, _ := store.NewOutboxItem(store.OutboxReplyEmail, "reply:empty", r.ContributionID, 0, store.ReplyPayload{Text: "  \n", Actor: "U1"})
	if _, err := e.st.Enqueue(e.ctx, it); err != nil {
		t.Fatal(err)
	}
	e.run(e.mail(e.worker()))
	e.waitIdle()
	got := e.item(r.ContributionID, "reply:empty")
	if got.FailedAt == nil || !strings.Contains(got.LastError, "empty") {
		t.Errorf("item %+v", got)
	}
	e.item(r.ContributionID, fmt.Sprintf("thread:reply-failed:%d", got.ID))
	if e.smtp.Sessions() != 0 {
		t.Errorf("the SMTP server was contacted")
	}
}

func TestAckStatesTheConfirmedKind(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	res := e.ingest(
		e.inbound("hltf@ngo.example", "Candidatura", "es", ackInConsultation, func(m *store.Inbound) { m.Suggestion.Kind = store.KindPhotoContest }),
		e.inbound("guess@ngo.example", "Fotografía", "es", ackInConsultation, func(m *store.Inbound) { m.Suggestion.Kind = store.KindPhotoContest }),
	)
	cid := res[0].ContributionID
	if _, err := e.st.Take(e.ctx, cid, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Classify(e.ctx, cid, "U1", store.Classification{Kind: store.KindHLTFNomination, StakeholderType: store.StakeholderCivilSociety}); err != nil {
		t.Fatal(err)
	}
	e.run(e.mail(e.worker()))
	mails := e.waitMails(2)
	known, _ := mailTo(mails, "hltf@ngo.example")
	guessed, _ := mailTo(mails, "guess@ngo.example")
	if s := readSent(t, known.Raw); !strings.Contains(s.Text, "Tipo de contribución: Candidatura de un facilitador de la serie de sesiones de alto nivel") {
		t.Errorf("the confirmed kind is not stated:\n%s", s.Text)
	}
	if s := readSent(t, guessed.Raw); strings.Contains(s.Text, "Tipo de contribución") || strings.Contains(s.Text, "fotografía de la CMSI") {
		t.Errorf("a suggested kind (a guess) is stated as fact:\n%s", s.Text)
	}
}

// A worker that would not look again for an hour delivers within seconds of the
// item's queueing: the store's notification wakes it.
func TestAckNotificationWakesTheWorker(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	w := e.worker()
	w.Idle = time.Hour // only a notification can wake it in time
	var polls atomic.Int32
	r := w.Outbox(1)
	r.Polled = func() { polls.Add(1) }
	e.run(func(ctx context.Context) error { return e.st.RunOutbox(ctx, r) })
	storetest.Eventually(t, ackWait, "LISTEN and the worker's first, empty poll", func() bool {
		return e.st.OutboxListening() && polls.Load() >= 1
	})
	e.ingest(e.inbound("quick@ngo.example", "Submission", "en", ackInConsultation))
	e.waitMails(1)
	storetest.Eventually(t, ackWait, "the delivering poll to end", func() bool { return polls.Load() >= 2 })
}

func TestAckWorkerStopsWithItsContext(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	w := e.worker()
	w.Idle = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.st.RunOutbox(ctx, w.Outbox(2)) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(ackWait):
		t.Fatal("Run did not return")
	}
}
