package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// ingestPol stores msgs as one batch under pol.
func ingestPol(t *testing.T, s *store.Store, pol store.IngestPolicy, msgs ...store.Inbound) []store.Ingested {
	t.Helper()
	var last uint32
	for _, m := range msgs {
		last = max(last, m.UID)
	}
	res, err := s.Ingest(context.Background(), store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: last, Messages: msgs}, pol)
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return res
}

// ackPayloads are the payloads of the acknowledgements queued, in order.
func ackPayloads(t *testing.T, s *store.Store) []store.AckPayload {
	t.Helper()
	var raws []string
	if err := s.DB().SelectContext(context.Background(), &raws, `SELECT payload FROM outbox WHERE kind = 'ack_email' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	out := make([]store.AckPayload, len(raws))
	for i, r := range raws {
		if err := json.Unmarshal([]byte(r), &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestAckKey(t *testing.T) {
	for in, want := range map[string]string{
		"Victim@Example.COM":          "victim@example.com",
		"victim+1@example.com":        "victim@example.com",
		"victim+a+b@example.com":      "victim@example.com",
		"+tag@example.com":            "+tag@example.com", // no local part left: kept as it is
		"v.i.c.t.i.m@gmail.com":       "victim@gmail.com",
		"V.ictim+x@GoogleMail.com":    "victim@gmail.com",
		"v.ictim@example.com":         "v.ictim@example.com", // dots matter elsewhere
		" victim@example.com ":        "victim@example.com",
		"first.last+wsis@un.example":  "first.last@un.example",
		"no-at-sign":                  "no-at-sign",
		"Amina.Diallo@gov.example.sn": "amina.diallo@gov.example.sn",
	} {
		if got := store.AckKey(in); got != want {
			t.Errorf("AckKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUsableAckAddress(t *testing.T) {
	for addr, want := range map[string]bool{
		"amina.diallo@gov.example":         true,
		"a+b@mail.example.org":             true,
		"contact@ministère.example":        true,
		"victim":                           false,
		"victim@":                          false,
		"@example.com":                     false,
		"victim@localhost":                 false,
		"victim@example":                   false,
		"victim@[192.0.2.1]":               false,
		"victim@192.0.2.1":                 false,
		"victim@exa_mple.com":              false,
		"victim@-example.com":              false,
		"victim@example..com":              false,
		"a@b@example.com":                  false,
		"vic tim@example.com":              false,
		"victim@example.com\r\nBcc: x@y.z": false,
		`"a@x"@example.com`:                false,
		"victim@example.com>":              false,
		".victim@example.com":              false,
		"=?utf-8?q?victim=40y.example?=":   false,
		"":                                 false,
	} {
		if got := store.UsableAckAddress(addr); got != want {
			t.Errorf("UsableAckAddress(%q) = %v, want %v", addr, got, want)
		}
	}
}

// A message without From is counted like any other: the cap is not skipped when a
// batch has no sender's address to look up.
func TestAckCapCountsMessagesWithoutFrom(t *testing.T) {
	s, _ := newStore(t)
	pol := store.DefaultIngestPolicy()
	queued := 0
	for i := range 8 {
		m := inbound("", fmt.Sprintf("No From %d", i))
		m.ReplyTo = "victim@example.com"
		res := ingestPol(t, s, pol, m) // one message a batch: each batch must look the count up
		if res[0].AckQueued {
			queued++
		}
	}
	if queued != pol.AckPerSenderPerDay {
		t.Fatalf("%d acknowledgements queued to one address from mail without From, want the cap of %d", queued, pol.AckPerSenderPerDay)
	}
}

// Plus-addressing and Gmail's dots make one mailbox: the cap counts them as one.
func TestAckCapCountsOneMailboxOnce(t *testing.T) {
	s, _ := newStore(t)
	pol := store.DefaultIngestPolicy()
	pol.AckPerSenderPerDay = 3
	spellings := []string{"victim+1@gmail.com", "Victim+2@gmail.com", "v.ictim@gmail.com", "vic.tim+x@googlemail.com", "victim@gmail.com", "VICTIM+9@GMAIL.COM"}
	queued := 0
	for i, to := range spellings {
		m := inbound(fmt.Sprintf("sender%d@example.org", i), fmt.Sprintf("Plus %d", i))
		m.AckTo = to
		if ingestPol(t, s, pol, m)[0].AckQueued {
			queued++
		}
	}
	if queued != 3 {
		t.Fatalf("%d acknowledgements queued to one mailbox under %d spellings, want the cap of 3", queued, len(spellings))
	}
	// Each acknowledgement carries the address as decided and its key.
	ps := ackPayloads(t, s)
	for i, p := range ps {
		if p.To != spellings[i] || p.Key != "victim@gmail.com" {
			t.Errorf("payload %d = %+v, want to %q under victim@gmail.com", i, p, spellings[i])
		}
	}
}

// What the intake decided is what is stored and counted; a refusal is recorded as the
// reason, and an address that is none is never written to.
func TestAckRecipientAsDecided(t *testing.T) {
	s, _ := newStore(t)
	pol := store.DefaultIngestPolicy()
	cases := []struct {
		name   string
		m      func(m *store.Inbound)
		to     string // "" when no acknowledgement
		reason string
	}{
		{name: "decided Reply-To", m: func(m *store.Inbound) { m.ReplyTo, m.AckTo = "office@gov.example", "office@gov.example" }, to: "office@gov.example"},
		{name: "decided From over a Reply-To", m: func(m *store.Inbound) { m.ReplyTo, m.AckTo = "other@gov.example", m.FromEmail }, to: "writer@gov.example"},
		{name: "refused", m: func(m *store.Inbound) { m.AckRefusal = "the receiving server says dmarc=fail" }, reason: "the receiving server says dmarc=fail"},
		{name: "not an address", m: func(m *store.Inbound) { m.AckTo = "victim" }, reason: "the sender has no address"},
		{name: "undecided: Reply-To without a domain falls to From", m: func(m *store.Inbound) { m.ReplyTo = "victim@localhost" }, to: "writer@gov.example"},
		{name: "undecided: From without @", m: func(m *store.Inbound) { m.FromEmail = "writer" }, reason: "the sender has no address"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := inbound("writer@gov.example", fmt.Sprintf("Decided %d", i))
			c.m(&m)
			res := ingestPol(t, s, pol, m)[0]
			if c.to == "" {
				if res.AckQueued || res.AckSuppressed != c.reason {
					t.Fatalf("queued %v, reason %q; want no acknowledgement because %q", res.AckQueued, res.AckSuppressed, c.reason)
				}
				got, err := s.Contribution(context.Background(), res.ContributionID)
				if err != nil {
					t.Fatal(err)
				}
				if got.AckStatus != store.AckSuppressed || got.AckSuppressedReason != c.reason {
					t.Fatalf("contribution ack %s %q", got.AckStatus, got.AckSuppressedReason)
				}
				return
			}
			if !res.AckQueued {
				t.Fatalf("not queued: %q", res.AckSuppressed)
			}
			ps := ackPayloads(t, s)
			if p := ps[len(ps)-1]; p.To != c.to {
				t.Fatalf("stored recipient %q, want %q", p.To, c.to)
			}
		})
	}
}

// noticeItems are the acknowledgement budget's notices.
func budgetNotices(t *testing.T, s *store.Store) []store.Notice {
	t.Helper()
	var raws []string
	if err := s.DB().SelectContext(context.Background(), &raws,
		`SELECT payload FROM outbox WHERE kind = 'slack_notice' AND idempotency_key LIKE 'ack-budget:%' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	out := make([]store.Notice, len(raws))
	for i, r := range raws {
		if err := json.Unmarshal([]byte(r), &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestAckHourlyBudget(t *testing.T) {
	s, clock := newStore(t)
	ctx := context.Background()
	pol := store.DefaultIngestPolicy()
	pol.AckHourlyLimit = 3
	var msgs []store.Inbound
	for i := range 5 {
		msgs = append(msgs, inbound(fmt.Sprintf("sender%d@example.org", i), fmt.Sprintf("Budget %d", i)))
	}
	res := ingestPol(t, s, pol, msgs...)
	queued, held := 0, 0
	for _, r := range res {
		switch {
		case r.AckQueued:
			queued++
		case strings.Contains(r.AckSuppressed, "hourly acknowledgement budget"):
			held++
			c, err := s.Contribution(ctx, r.ContributionID)
			if err != nil {
				t.Fatal(err)
			}
			if c.AckStatus != store.AckSuppressed || !strings.Contains(c.AckSuppressedReason, "WSISBOT_ACK_HOURLY_LIMIT") {
				t.Errorf("held contribution records %s %q", c.AckStatus, c.AckSuppressedReason)
			}
		default:
			t.Errorf("unexpected: %+v", r)
		}
	}
	if queued != 3 || held != 2 {
		t.Fatalf("queued %d, held %d; want 3 and 2", queued, held)
	}
	ns := budgetNotices(t, s)
	if len(ns) != 1 || ns[0].Type != store.NoticeAckBudget || ns[0].Held != 2 || ns[0].Limit != 3 {
		t.Fatalf("notices %+v, want one ack_budget notice of 2 held under 3", ns)
	}

	// Later in the same hour: still held, and the channel is not told again.
	clock.Advance(20 * time.Minute)
	res = ingestPol(t, s, pol, inbound("late1@example.org", "Budget late 1"), inbound("late2@example.org", "Budget late 2"))
	for _, r := range res {
		if r.AckQueued {
			t.Fatal("an acknowledgement was queued over the budget")
		}
	}
	if ns := budgetNotices(t, s); len(ns) != 1 {
		t.Fatalf("%d notices in one hour, want 1", len(ns))
	}

	// An hour after the first ones, the budget is there again.
	clock.Advance(45 * time.Minute)
	if r := ingestPol(t, s, pol, inbound("next@example.org", "Budget next hour"))[0]; !r.AckQueued {
		t.Fatalf("not queued an hour later: %q", r.AckSuppressed)
	}
}

// Replicas storing mail at the same time share one budget: it is never overspent.
func TestAckHourlyBudgetAcrossReplicas(t *testing.T) {
	clock := store.NewOffsetClock(inConsultation)
	a, url := storetest.New(t, storetest.Options{Clock: clock})
	b, err := store.Open(context.Background(), url, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	pol := store.DefaultIngestPolicy()
	pol.AckHourlyLimit = 7
	var wg sync.WaitGroup
	var mu sync.Mutex
	queued := 0
	for r, st := range []*store.Store{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var msgs []store.Inbound
			for i := range 5 {
				msgs = append(msgs, inbound(fmt.Sprintf("r%d.s%d@example.org", r, i), fmt.Sprintf("Replica %d message %d", r, i)))
			}
			res, err := st.Ingest(context.Background(), store.IngestBatch{Messages: msgs}, pol)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, x := range res {
				if x.AckQueued {
					queued++
				}
			}
		}()
	}
	wg.Wait()
	if queued != 7 {
		t.Fatalf("%d acknowledgements queued by replicas side by side, want the budget of 7", queued)
	}
}
