package mailin

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
)

// fromRaw is a message as the intake makes it of raw bytes: parsed, then ToInbound.
func (e *ackEnv) fromRaw(header string) store.Inbound {
	e.t.Helper()
	uid := e.uid.Add(1)
	raw := []byte(strings.ReplaceAll(header, "\n", "\r\n") +
		fmt.Sprintf("Message-ID: <relay.%d@example.org>\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nOur contribution %d.\r\n",
			uid, e.clock.Now().Format(time.RFC1123Z), uid))
	p, err := parse.Parse(raw, parse.Limits{})
	return ToInbound(raw, 1, uid, e.clock.Now(), "INBOX", p, err, e.pol)
}

// storedRecipients are the recipients stored with the acknowledgements queued, by
// contribution.
func (e *ackEnv) storedRecipients() map[int64]string {
	e.t.Helper()
	var rows []struct {
		ContributionID int64  `db:"contribution_id"`
		Payload        string `db:"payload"`
	}
	if err := e.st.DB().SelectContext(e.ctx, &rows, `SELECT contribution_id, payload FROM outbox WHERE kind = 'ack_email'`); err != nil {
		e.t.Fatal(err)
	}
	out := map[int64]string{}
	for _, r := range rows {
		var p store.AckPayload
		if err := json.Unmarshal([]byte(r.Payload), &p); err != nil {
			e.t.Fatal(err)
		}
		out[r.ContributionID] = p.To
	}
	return out
}

// The cap counts the address the acknowledgement goes to, whatever the headers try: a
// Reply-To that repeats a forged From before a fresh address each time (the intake
// counted the first address that was not From, the worker wrote to the first one), or
// one the strict parser refuses (the worker fell back to From while the intake counted
// the lenient parser's address). Every acknowledgement goes to the address
// the cap counted, and the victim gets no more than the cap.
func TestAckGoesWhereTheCapCounted(t *testing.T) {
	cases := []struct {
		name    string
		replyTo func(i int) string
	}{
		{"Reply-To repeats From before a fresh address", func(i int) string { return fmt.Sprintf("victim@target.example, fresh%d@elsewhere.example", i) }},
		// go-message's strict parser refuses the list over the unknown charset (the worker
		// then wrote to From); the intake's lenient one reads the address.
		{"Reply-To with an encoded word in an unknown charset", func(i int) string {
			return fmt.Sprintf("=?x-unknown?q?Office?= <fresh%d@elsewhere.example>", i)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newAckEnv(t, ackInConsultation)
			e.pol.AckPerSenderPerDay = 3
			for i := range 8 {
				e.ingest(e.fromRaw(fmt.Sprintf("From: Victim <victim@target.example>\nReply-To: %s\nTo: wsis-info@itu.int\nSubject: Contribution %d\n", c.replyTo(i), i)))
			}
			stored := e.storedRecipients()
			e.run(e.mail(e.worker()))
			e.waitIdle()
			sent := e.smtp.Sent()
			if len(sent) != len(stored) {
				t.Fatalf("%d acknowledgements sent for %d queued", len(sent), len(stored))
			}
			perKey := map[string]int{}
			for _, to := range stored {
				perKey[store.AckKey(to)]++
			}
			got := map[string]int{}
			for _, m := range sent {
				if len(m.To) != 1 {
					t.Fatalf("RCPT TO %v", m.To)
				}
				got[store.AckKey(m.To[0])]++
			}
			for k, n := range got {
				if n > e.pol.AckPerSenderPerDay {
					t.Errorf("%s got %d acknowledgements, over the cap of %d", k, n, e.pol.AckPerSenderPerDay)
				}
				if perKey[k] != n {
					t.Errorf("%s got %d acknowledgements; the cap counted %d to it", k, n, perKey[k])
				}
			}
		})
	}
}

// For hostile headers, no acknowledgement goes anywhere but the one stored recipient,
// which is the one the intake decided; an address that is none gets nothing.
func TestAckHostileHeadersReachOnlyTheStoredRecipient(t *testing.T) {
	cases := []struct {
		name   string
		header string
		want   string // the one recipient; "" for no acknowledgement
		reason string // part of the recorded reason when none
	}{
		{"display name that looks like an address", "From: writer@gov.example\nReply-To: \"boss@gov.example\" <victim@target.example>\n", "victim@target.example", ""},
		{"encoded-word display name", "From: writer@gov.example\nReply-To: =?utf-8?q?boss=40gov.example?= <victim@target.example>\n", "victim@target.example", ""},
		{"encoded-word in place of the address", "From: writer@gov.example\nReply-To: =?utf-8?q?victim=40target.example?=\n", "writer@gov.example", ""},
		{"two Reply-To addresses", "From: writer@gov.example\nReply-To: first@a.example, second@b.example\n", "first@a.example", ""},
		{"two Reply-To fields", "From: writer@gov.example\nReply-To: first@a.example\nReply-To: second@b.example\n", "first@a.example", ""},
		{"folded Reply-To hiding a Bcc", "From: writer@gov.example\nReply-To: victim@target.example,\n Bcc: other@b.example\n", "victim@target.example", ""},
		{"Reply-To without @", "From: writer@gov.example\nReply-To: victim\n", "writer@gov.example", ""},
		{"Reply-To with a bad domain", "From: writer@gov.example\nReply-To: victim@localhost\n", "writer@gov.example", ""},
		{"Reply-To an address literal", "From: writer@gov.example\nReply-To: victim@[192.0.2.1]\n", "writer@gov.example", ""},
		{"no From, Reply-To", "Reply-To: victim@target.example\n", "victim@target.example", ""},
		{"no From, no Reply-To", "Subject: x\n", "", "no address"},
		{"From without @", "From: writer\n", "", "address"},
		{"From and Reply-To without a domain", "From: writer@\nReply-To: victim@\n", "", "address"},
		{"Sender only", "Sender: assistant@gov.example\n", "assistant@gov.example", ""},
	}
	e := newAckEnv(t, ackInConsultation)
	var res []store.Ingested
	for i, c := range cases {
		res = append(res, e.ingest(e.fromRaw(c.header+fmt.Sprintf("To: wsis-info@itu.int\nSubject: Hostile %d\n", i)))...)
	}
	stored := e.storedRecipients()
	e.run(e.mail(e.worker()))
	e.waitIdle()
	sent := e.smtp.Sent()
	bySubject := map[string][]string{}
	for _, m := range sent {
		s := readSent(t, m.Raw)
		bySubject[s.SubjectDecoded] = append(bySubject[s.SubjectDecoded], m.To...)
		if s.ToAddr == nil || !slices.Equal(m.To, []string{s.ToAddr.Address}) {
			t.Errorf("RCPT TO %v but To: %v", m.To, s.ToAddr)
		}
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := res[i]
			subject := fmt.Sprintf("[%s] Received: Hostile %d", r.Ref, i)
			if c.want == "" {
				if r.AckQueued || !strings.Contains(r.AckSuppressed, c.reason) {
					t.Fatalf("queued %v, reason %q; want none because of %q", r.AckQueued, r.AckSuppressed, c.reason)
				}
				if got := bySubject[subject]; len(got) > 0 {
					t.Fatalf("acknowledgement sent to %v", got)
				}
				return
			}
			if !r.AckQueued {
				t.Fatalf("not queued: %q", r.AckSuppressed)
			}
			if stored[r.ContributionID] != c.want {
				t.Errorf("stored recipient %q, want %q", stored[r.ContributionID], c.want)
			}
			if got := bySubject[subject]; !slices.Equal(got, []string{stored[r.ContributionID]}) {
				t.Errorf("sent to %v; the stored recipient is %q", got, stored[r.ContributionID])
			}
		})
	}
	if len(sent) != len(stored) {
		t.Errorf("%d acknowledgements sent for %d queued", len(sent), len(stored))
	}
}

// An acknowledgement queued before its recipient was stored with it goes to From only.
func TestAckWithoutStoredRecipientGoesToFrom(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	r := e.ingest(e.fromRaw("From: writer@gov.example\nReply-To: victim@target.example\nTo: wsis-info@itu.int\nSubject: Old item\n"))[0]
	if _, err := e.st.DB().ExecContext(e.ctx, `UPDATE outbox SET payload = '{}' WHERE kind = 'ack_email' AND contribution_id = $1`, r.ContributionID); err != nil {
		t.Fatal(err)
	}
	e.run(e.mail(e.worker()))
	got := e.waitMails(1)[0]
	if !slices.Equal(got.To, []string{"writer@gov.example"}) {
		t.Fatalf("RCPT TO %v, want From only", got.To)
	}
}

// When the receiving server's Authentication-Results say DMARC or SPF failed, there is
// no acknowledgement, and the contribution says why.
func TestAckAuthenticationResults(t *testing.T) {
	cases := []struct {
		name    string
		ids     []string
		headers string
		reason  string // "" when acknowledged
	}{
		{name: "dmarc=fail", headers: "Authentication-Results: mx.itu.int; spf=pass smtp.mailfrom=gov.example; dmarc=fail (p=reject) header.from=gov.example\n",
			reason: "(mx.itu.int) say dmarc=fail"},
		{name: "spf=fail", headers: "Authentication-Results: mx.itu.int; spf=fail smtp.mailfrom=gov.example; dmarc=none\n",
			reason: "say spf=fail"},
		{name: "spf=softfail is not a failure", headers: "Authentication-Results: mx.itu.int; spf=softfail smtp.mailfrom=gov.example; dmarc=none\n"},
		{name: "pass", headers: "Authentication-Results: mx.itu.int; spf=pass; dkim=pass; dmarc=pass\n"},
		{name: "Microsoft 365 writes no authserv-id",
			headers: "Authentication-Results: spf=fail (sender IP is 192.0.2.1; identity alignment result is fail) smtp.mailfrom=gov.example; dkim=none (message not signed)\n header.d=none;dmarc=fail action=oreject header.from=gov.example;compauth=fail reason=000\n",
			reason:  "(no authserv-id) say"},
		{name: "a lower field is another hop's", headers: "Authentication-Results: mx.itu.int; dmarc=pass\nAuthentication-Results: list.example; dmarc=fail\n"},
		{name: "configured: only our server's field", ids: []string{"MX.ITU.INT"},
			headers: "Authentication-Results: forger.example; dmarc=pass\nAuthentication-Results: mx.itu.int; dmarc=fail\n", reason: "(mx.itu.int) say dmarc=fail"},
		{name: "configured: another server's failure is ignored", ids: []string{"mx.itu.int"},
			headers: "Authentication-Results: list.example; dmarc=fail\n"},
		{name: "a malformed line above does not hide the verdict", ids: []string{"mx.itu.int"},
			headers: "X-Note: hello\nnot a header line\nAuthentication-Results: mx.itu.int; dmarc=fail\n", reason: "(mx.itu.int) say dmarc=fail"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newAckEnv(t, ackInConsultation)
			e.pol.AuthservIDs = c.ids
			r := e.ingest(e.fromRaw(c.headers + "From: writer@gov.example\nTo: wsis-info@itu.int\nSubject: Authenticated?\n"))[0]
			if c.reason == "" {
				if !r.AckQueued {
					t.Fatalf("not acknowledged: %q", r.AckSuppressed)
				}
				return
			}
			if r.AckQueued || !strings.Contains(r.AckSuppressed, c.reason) {
				t.Fatalf("queued %v, reason %q; want none because %q", r.AckQueued, r.AckSuppressed, c.reason)
			}
			if got := e.contribution(r.ContributionID); got.AckStatus != store.AckSuppressed || got.AckSuppressedReason != r.AckSuppressed {
				t.Errorf("contribution records %s %q", got.AckStatus, got.AckSuppressedReason)
			}
		})
	}
}

func TestParseAuthResults(t *testing.T) {
	cases := []struct {
		in     string
		id     string
		result map[string][]string
	}{
		{"mx.google.com;\n dkim=pass header.i=@gov.example header.s=s1;\n spf=pass (google.com: domain of a@gov.example designates 192.0.2.1 as permitted sender) smtp.mailfrom=a@gov.example;\n dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=gov.example",
			"mx.google.com", map[string][]string{"dkim": {"pass"}, "spf": {"pass"}, "dmarc": {"pass"}}},
		{"example.org 1; none", "example.org", map[string][]string{}},
		{"mx.itu.int (comment; with a semicolon); spf=pass (also; here) smtp.mailfrom=x.example; dmarc=FAIL header.from=x.example",
			"mx.itu.int", map[string][]string{"spf": {"pass"}, "dmarc": {"fail"}}},
		{"mx.itu.int; dkim/1=pass; dkim=fail reason=\"bad; signature\"; spf=neutral", "mx.itu.int",
			map[string][]string{"dkim": {"pass", "fail"}, "spf": {"neutral"}}},
		{"spf=fail (sender IP is 192.0.2.1) smtp.mailfrom=x.example; dmarc=fail action=none header.from=x.example", "",
			map[string][]string{"spf": {"fail"}, "dmarc": {"fail"}}},
	}
	for _, c := range cases {
		r, ok := parseAuthResults(c.in)
		if !ok || r.servID != c.id || fmt.Sprint(r.results) != fmt.Sprint(c.result) {
			t.Errorf("parseAuthResults(%q) = %q %v (%v); want %q %v", c.in, r.servID, r.results, ok, c.id, c.result)
		}
	}
	if _, ok := parseAuthResults("  "); ok {
		t.Error("an empty field parsed")
	}
}

// FuzzParseAuthResults: any field value parses without panicking, and the failure a
// field reports is one it states outside comments and quoted strings.
func FuzzParseAuthResults(f *testing.F) {
	for _, s := range []string{"mx; dmarc=fail", "spf=fail (x; y) smtp.mailfrom=a", "a (b (c) \\) ; d=\"e;f\"", "(((", "\"\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, _ := parseAuthResults(s)
		if slices.Contains(r.results["dmarc"], "fail") && !strings.Contains(strings.ToLower(s), "dmarc") {
			t.Fatalf("dmarc=fail out of nowhere in %q", s)
		}
	})
}

// dropControls removes the control characters the parser drops (NUL and the like).
func dropControls(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// FuzzAckRecipient: whatever From and Reply-To say, the intake decides at most one
// recipient, a usable address written in one of those two fields, or none with a reason.
func FuzzAckRecipient(f *testing.F) {
	for _, s := range [][2]string{
		{"writer@gov.example", "\"boss@gov.example\" <victim@target.example>"},
		{"victim@target.example", "victim@target.example, fresh@elsewhere.example"},
		{"", "=?x-unknown?q?Office?= <fresh@elsewhere.example>"},
		{"writer", "victim@localhost"},
		{"a@b.example", "=?utf-8?q?victim=40target.example?="},
		{"\"a@x\" <b@y.example>", "<n1>, c@d.example"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, from, replyTo string) {
		clean := strings.NewReplacer("\r", " ", "\n", " ")
		from, replyTo = clean.Replace(from), clean.Replace(replyTo)
		raw := []byte("From: " + from + "\r\nReply-To: " + replyTo + "\r\nTo: wsis-info@itu.int\r\nSubject: x\r\n\r\nbody\r\n")
		p, err := parse.Parse(raw, parse.Limits{})
		in := ToInbound(raw, 1, 1, time.Now(), "INBOX", p, err, store.IngestPolicy{OurAddresses: []string{"wsis-info@itu.int"}})
		if in.Kind == store.MsgQuarantined {
			return
		}
		switch {
		case in.AckTo == "" && in.AckRefusal == "":
			t.Fatalf("neither a recipient nor a reason for From %q Reply-To %q", from, replyTo)
		case in.AckTo != "" && in.AckRefusal != "" && !strings.Contains(in.AckRefusal, "Authentication-Results"):
			t.Fatalf("a recipient %q and a refusal %q", in.AckTo, in.AckRefusal)
		case in.AckTo != "" && !store.UsableAckAddress(in.AckTo):
			t.Fatalf("unusable recipient %q", in.AckTo)
		case in.AckTo != "" && !strings.Contains(strings.ToLower(dropControls(from+" "+replyTo)), strings.ToLower(in.AckTo)):
			t.Fatalf("recipient %q is in neither From %q nor Reply-To %q", in.AckTo, from, replyTo)
		}
	})
}

func TestIngestPolicyCarriesTheAcknowledgementLimits(t *testing.T) {
	cfg := MailConfig{From: "WSIS Secretariat <wsis-info@itu.int>", Ack: true, AckWindow: time.Hour, AckPerDay: 5,
		AckPerHour: 300, AuthservIDs: []string{"mx.itu.int"}}
	pol, err := cfg.IngestPolicy(true)
	if err != nil {
		t.Fatal(err)
	}
	if pol.AckPerSenderPerDay != 5 || pol.AckHourlyLimit != 300 || !slices.Equal(pol.AuthservIDs, []string{"mx.itu.int"}) {
		t.Fatalf("policy %+v", pol)
	}
}
