package mailin

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/wsis/wsisbot/store"
)

// sentMail is a message as a recipient's client reads it.
type sentMail struct {
	Header           mail.Header
	Text, HTML       string
	TextCT, HTMLCT   string
	TextCS, HTMLCS   string
	Type             string
	HeaderSection    string
	SubjectDecoded   string
	ContentLanguage  string
	AutoSubmitted    string
	MessageID        string
	InReplyTo        []string
	References       []string
	ToAddr, FromAddr *mail.Address
}

// readSent parses raw with go-message, as a mail client would.
func readSent(t testing.TB, raw []byte) sentMail {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("go-message cannot read what was sent: %v", err)
	}
	var s sentMail
	s.Header = mr.Header
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		t.Fatalf("no header/body separator")
	}
	s.HeaderSection = string(raw[:end+2])
	s.Type, _, _ = s.Header.ContentType()
	s.SubjectDecoded, _ = s.Header.Subject()
	s.ContentLanguage = s.Header.Get("Content-Language")
	s.AutoSubmitted = s.Header.Get("Auto-Submitted")
	s.MessageID, _ = s.Header.MessageID()
	s.InReplyTo, _ = s.Header.MsgIDList("In-Reply-To")
	s.References, _ = s.Header.MsgIDList("References")
	if to, err := s.Header.AddressList("To"); err == nil && len(to) == 1 {
		s.ToAddr = to[0]
	}
	if from, err := s.Header.AddressList("From"); err == nil && len(from) == 1 {
		s.FromAddr = from[0]
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("part: %v", err)
		}
		h, ok := p.Header.(*mail.InlineHeader)
		if !ok {
			t.Fatalf("unexpected attachment in what we sent")
		}
		ct, params, _ := h.ContentType()
		b, err := io.ReadAll(p.Body)
		if err != nil {
			t.Fatal(err)
		}
		switch ct {
		case "text/plain":
			s.Text, s.TextCT, s.TextCS = string(b), ct, params["charset"]
		case "text/html":
			s.HTML, s.HTMLCT, s.HTMLCS = string(b), ct, params["charset"]
		default:
			t.Fatalf("unexpected part %s", ct)
		}
	}
	return s
}

func composeSample() Outgoing {
	return Outgoing{
		MessageID: "ack.WSIS-2019-0042.7.1@itu.int", Date: time.Date(2019, 2, 10, 12, 0, 0, 0, time.UTC),
		From:    &mail.Address{Name: "WSIS Secretariat", Address: "wsis-info@itu.int"},
		To:      &mail.Address{Name: "Министерство связи", Address: "minsvyaz@gov.example"},
		Subject: "[WSIS-2019-0042] Получено: Предложение по C7", InReplyTo: "abc@gov.example",
		References: []string{"root@gov.example", "abc@gov.example"}, Language: "ru", Marker: "ack WSIS-2019-0042",
		AutoReplied: true, Text: "Уважаемые дамы и господа!\n", HTML: "<p>Уважаемые дамы и господа!</p>\n",
	}
}

func TestMailerComposeHeaders(t *testing.T) {
	raw, rec, err := Compose(composeSample())
	if err != nil {
		t.Fatal(err)
	}
	s := readSent(t, raw)
	if s.SubjectDecoded != "[WSIS-2019-0042] Получено: Предложение по C7" {
		t.Errorf("subject %q", s.SubjectDecoded)
	}
	for i := 0; i < len(s.HeaderSection); i++ {
		if s.HeaderSection[i] >= 0x80 {
			t.Fatalf("raw 8-bit byte in the header section: non-ASCII must be RFC 2047 encoded:\n%s", s.HeaderSection)
		}
	}
	if !strings.Contains(s.HeaderSection, "=?utf-8?") {
		t.Errorf("no encoded words in:\n%s", s.HeaderSection)
	}
	for _, line := range strings.Split(s.HeaderSection, "\r\n") {
		if len(line) > 998 {
			t.Errorf("header line of %d bytes", len(line))
		}
	}
	if s.ToAddr == nil || s.ToAddr.Name != "Министерство связи" || s.ToAddr.Address != "minsvyaz@gov.example" {
		t.Errorf("To %v", s.ToAddr)
	}
	if s.FromAddr == nil || s.FromAddr.Address != "wsis-info@itu.int" || s.FromAddr.Name != "WSIS Secretariat" {
		t.Errorf("From %v", s.FromAddr)
	}
	if s.Type != "multipart/alternative" || s.TextCT != "text/plain" || s.HTMLCT != "text/html" || s.TextCS != "utf-8" || s.HTMLCS != "utf-8" {
		t.Errorf("structure %s: %s;%s %s;%s", s.Type, s.TextCT, s.TextCS, s.HTMLCT, s.HTMLCS)
	}
	if s.Text != "Уважаемые дамы и господа!\r\n" && s.Text != "Уважаемые дамы и господа!\n" {
		t.Errorf("text %q", s.Text)
	}
	for k, v := range map[string]string{"Auto-Submitted": "auto-replied", "Content-Language": "ru", HeaderWSISBot: "ack WSIS-2019-0042",
		"X-Auto-Response-Suppress": "All", "Message-Id": "<ack.WSIS-2019-0042.7.1@itu.int>", "In-Reply-To": "<abc@gov.example>",
		"References": "<root@gov.example> <abc@gov.example>", "Mime-Version": "1.0"} {
		if got := s.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if d, err := s.Header.Date(); err != nil || !d.Equal(time.Date(2019, 2, 10, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("Date %v %v", d, err)
	}
	if !bytes.Equal(rec.Raw, raw) || rec.MessageID != "ack.WSIS-2019-0042.7.1@itu.int" || rec.Language != "ru" ||
		rec.InReplyTo != "abc@gov.example" || len(rec.References) != 2 || rec.FromEmail != "wsis-info@itu.int" {
		t.Errorf("record %+v", rec)
	}

	// A reply written by a person is not automatic.
	o := composeSample()
	o.AutoReplied = false
	raw, _, err = Compose(o)
	if err != nil {
		t.Fatal(err)
	}
	if s := readSent(t, raw); s.AutoSubmitted != "" || s.Header.Has("X-Auto-Response-Suppress") {
		t.Errorf("a secretariat reply must not say Auto-Submitted")
	}
}

// The stored conversation and the desk show the recipient as people read it, not as the
// header encodes it.
func TestMailerRecordsTheRecipientReadably(t *testing.T) {
	o := composeSample()
	o.To = &mail.Address{Name: "Иван Петров", Address: "petrov@spbu.ru"}
	_, rec, err := Compose(o)
	if err != nil {
		t.Fatal(err)
	}
	if rec.To != "Иван Петров <petrov@spbu.ru>" {
		t.Errorf("recorded To %q, want the name decoded", rec.To)
	}
	o.To = &mail.Address{Address: "petrov@spbu.ru"}
	if _, rec, _ = Compose(o); rec.To != "petrov@spbu.ru" {
		t.Errorf("recorded To %q for an address without a name", rec.To)
	}
}

func TestMailerComposeNeutralisesCRLF(t *testing.T) {
	o := composeSample()
	o.Subject = "[WSIS-2019-0001] Received: Hi\r\nBcc: victim@example.com"
	o.To = &mail.Address{Name: "Eve\r\nX-Injected: yes\n", Address: "eve@example.org"}
	o.InReplyTo = "x@y>\r\nCc: <victim2@example.com"
	o.References = []string{"ok@example.org", "bad id@example.org", "z@y>\nBcc: <v@example.com"}
	o.Marker = "ack WSIS-2019-0001\r\nX-Other: 1"
	raw, _, err := Compose(o)
	if err != nil {
		t.Fatal(err)
	}
	s := readSent(t, raw)
	for _, k := range []string{"Bcc", "Cc", "X-Injected", "X-Other"} {
		if s.Header.Has(k) {
			t.Errorf("the sender's text added a %s header:\n%s", k, s.HeaderSection)
		}
	}
	if n := s.Header.FieldsByKey("Subject").Len(); n != 1 {
		t.Errorf("%d Subject fields", n)
	}
	if s.SubjectDecoded != "[WSIS-2019-0001] Received: Hi Bcc: victim@example.com" {
		t.Errorf("subject %q", s.SubjectDecoded)
	}
	if len(s.InReplyTo) != 0 || len(s.References) != 1 || s.References[0] != "ok@example.org" {
		t.Errorf("unsafe Message-IDs kept: In-Reply-To %v References %v", s.InReplyTo, s.References)
	}
	if s.ToAddr == nil || s.ToAddr.Address != "eve@example.org" {
		t.Errorf("To %v", s.ToAddr)
	}
}

func TestMailerComposeRefuses(t *testing.T) {
	for name, mod := range map[string]func(*Outgoing){
		"no To":         func(o *Outgoing) { o.To = nil },
		"bad address":   func(o *Outgoing) { o.To = &mail.Address{Address: "two@at@example.org"} },
		"no Message-ID": func(o *Outgoing) { o.MessageID = "" },
	} {
		o := composeSample()
		mod(&o)
		if _, _, err := Compose(o); err == nil {
			t.Errorf("%s: composed", name)
		}
	}
}

func TestMailerReferencesTrimmed(t *testing.T) {
	var refs []string
	for i := 0; i < 50; i++ {
		refs = append(refs, fmt.Sprintf("m%d@example.org", i))
	}
	refs = append(refs, "m49@example.org")
	got := outMsgIDs(refs)
	if len(got) != outMaxReferences || got[0] != "m0@example.org" || got[len(got)-1] != "m49@example.org" {
		t.Errorf("trimmed to %v", got)
	}
}

func TestMailerOutboxMessageIDStable(t *testing.T) {
	it := store.OutboxItem{ID: 17, CreatedAt: time.Date(2019, 2, 1, 10, 0, 0, 0, time.UTC)}
	a := OutboxMessageID("ack", "WSIS-2019-0042", it, "itu.int")
	if b := OutboxMessageID("ack", "WSIS-2019-0042", it, "itu.int"); a != b {
		t.Errorf("a retry would get another Message-ID: %s, %s", a, b)
	}
	if !strings.HasPrefix(a, "ack.WSIS-2019-0042.17.") || !strings.HasSuffix(a, "@itu.int") || outMsgID(a) != a {
		t.Errorf("Message-ID %q", a)
	}
	it2 := it
	it2.CreatedAt = it.CreatedAt.Add(time.Nanosecond)
	if OutboxMessageID("ack", "WSIS-2019-0042", it2, "itu.int") == a {
		t.Errorf("two items with one ID from different databases collide")
	}
	if id := OutboxMessageID("ack", "WSIS <2019>\r\n", it, "itu.int"); outMsgID(id) != id {
		t.Errorf("unsafe reference leaked into %q", id)
	}
}

func TestMailerFromAddress(t *testing.T) {
	a, err := MailConfig{From: "WSIS Secretariat <wsis-info@itu.int>"}.FromAddress()
	if err != nil || a.Address != "wsis-info@itu.int" || a.Name != "WSIS Secretariat" {
		t.Errorf("%v %v", a, err)
	}
	if _, err := (MailConfig{From: "wsis-info"}).FromAddress(); err == nil {
		t.Errorf("accepted an address without a domain")
	}
}
