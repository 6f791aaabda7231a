package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/wsis/wsisbot/store"
)

// actions lists the actions of a contribution's events after the first n.
func actionsAfter(t *testing.T, s *store.Store, cid int64, n int) []string {
	t.Helper()
	evs, err := s.Events(context.Background(), cid)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs[n:] {
		out = append(out, e.Actor+":"+e.Action)
	}
	return out
}

func eventCount(t *testing.T, s *store.Store, cid int64) int {
	t.Helper()
	evs, err := s.Events(context.Background(), cid)
	if err != nil {
		t.Fatal(err)
	}
	return len(evs)
}

func ackItems(t *testing.T, s *store.Store) int {
	t.Helper()
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM outbox WHERE kind = 'ack_email'`); err != nil {
		t.Fatal(err)
	}
	return n
}

func message(t *testing.T, s *store.Store, id int64) store.Message {
	t.Helper()
	m, err := s.Message(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// closedContribution is a stakeholder's contribution, acknowledged by mail (our
// Message-ID ack.<ref>@itu.int in its conversation), then closed.
func closedContribution(t *testing.T, s *store.Store, from string) (store.Inbound, store.Contribution) {
	t.Helper()
	ctx := context.Background()
	first := inbound(from, "Thematic submission")
	res := ingest(t, s, first)
	cid := res[0].ContributionID
	_, err := s.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxAckEmail}, func(context.Context, store.OutboxItem) (store.OutboxResult, error) {
		return store.OutboxResult{AckSent: true, Outbound: &store.OutboundMessage{MessageID: "ack." + res[0].Ref + "@itu.int", To: from,
			Subject: "[" + res[0].Ref + "] Received", Raw: []byte("Message-ID: <ack." + res[0].Ref + "@itu.int>\r\n\r\nthanks")}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CloseContribution(ctx, cid, "U1", store.OutcomeSpam, "")
	if err != nil {
		t.Fatal(err)
	}
	return first, c
}

func TestStrangerNamingAContributionIsFromAnotherSender(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		mod  func(m *store.Inbound, c store.Contribution, first store.Inbound)
	}{
		{"the reference tag", func(m *store.Inbound, c store.Contribution, _ store.Inbound) { m.RefTag = c.Ref }},
		{"In-Reply-To our acknowledgement", func(m *store.Inbound, c store.Contribution, _ store.Inbound) {
			m.InReplyTo = "ack." + c.Ref + "@itu.int"
		}},
		{"References the stakeholder's message", func(m *store.Inbound, _ store.Contribution, first store.Inbound) {
			m.References = []string{first.MessageID}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newStore(t)
			first, c := closedContribution(t, s, "minister@gov.example")
			n := eventCount(t, s, c.ID)
			acks := ackItems(t, s)

			m := inbound("attacker@evil.example", "Re: ["+c.Ref+"] Received")
			tc.mod(&m, c, first)
			res := ingest(t, s, m)[0]
			if res.ContributionID != c.ID || !res.OtherSender || res.NewContrib || res.AckQueued {
				t.Fatalf("ingested %+v; want the conversation of %d, from another sender", res, c.ID)
			}
			got, err := s.Contribution(ctx, c.ID)
			if err != nil || got.Status != store.StatusClosed || got.Outcome == nil {
				t.Fatalf("the stranger's mail changed the contribution: %+v %v", got, err)
			}
			if msg := message(t, s, res.MessageRowID); !msg.OtherSender || msg.ContributionID == nil || *msg.ContributionID != c.ID {
				t.Fatalf("message %+v", msg)
			}
			if got := actionsAfter(t, s, c.ID, n); !slices.Equal(got, []string{"attacker@evil.example:" + store.ActionOtherSender}) {
				t.Fatalf("events %v; want only the mail from another sender", got)
			}
			if ackItems(t, s) != acks {
				t.Fatal("the stranger's mail queued an acknowledgement")
			}
			pending, err := s.OtherSenders(ctx, c.ID)
			if err != nil || len(pending) != 1 || pending[0].FromEmail != "attacker@evil.example" {
				t.Fatalf("pending other senders %+v %v", pending, err)
			}
		})
	}
}

func TestStakeholderFollowUpStillThreadsAndReopens(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	_, c := closedContribution(t, s, "minister@gov.example")
	m := inbound("Minister@GOV.example", "Re: ["+c.Ref+"] Received")
	m.RefTag = strings.ToLower(c.Ref)
	res := ingest(t, s, m)[0]
	if res.Kind != store.MsgFollowUp || res.ContributionID != c.ID || res.OtherSender {
		t.Fatalf("ingested %+v", res)
	}
	got, err := s.Contribution(ctx, c.ID)
	if err != nil || got.Status != store.StatusReceived {
		t.Fatalf("not reopened: %+v %v", got, err)
	}
	if msg := message(t, s, res.MessageRowID); msg.OtherSender {
		t.Fatal("the stakeholder's follow-up is marked from another sender")
	}
}

func TestColleagueThreadsOnlyOnceTheDomainIsConfirmed(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	_, c := closedContribution(t, s, "minister@gov.example")

	before := inbound("deputy@gov.example", "["+c.Ref+"] annex")
	before.RefTag = c.Ref
	r1 := ingest(t, s, before)[0]
	if !r1.OtherSender {
		t.Fatalf("a colleague before the domain is confirmed: %+v", r1)
	}
	if _, err := s.TrustDomain(ctx, c.ID, "U2", "evil.example"); !errors.Is(err, store.ErrDomainNotContact) {
		t.Fatalf("trusting another domain: %v", err)
	}
	n := eventCount(t, s, c.ID)
	d, err := s.TrustDomain(ctx, c.ID, "U2", "GOV.example")
	if err != nil || !d.Changed || d.Value != "gov.example" || d.Messages != 1 {
		t.Fatalf("trust: %+v %v", d, err)
	}
	if got := actionsAfter(t, s, c.ID, n); !slices.Equal(got, []string{"slack:U2:" + store.ActionDomainTrusted}) {
		t.Fatalf("events %v", got)
	}
	if msg := message(t, s, r1.MessageRowID); msg.OtherSender {
		t.Fatal("the colleague's earlier mail is still waiting for a decision")
	}
	if again, err := s.TrustDomain(ctx, c.ID, "U3", "gov.example"); err != nil || again.Changed {
		t.Fatalf("trusting again: %+v %v", again, err)
	}

	after := inbound("deputy@gov.example", "["+c.Ref+"] second annex")
	after.RefTag = c.Ref
	r2 := ingest(t, s, after)[0]
	if r2.OtherSender || r2.Kind != store.MsgFollowUp || r2.ContributionID != c.ID {
		t.Fatalf("a colleague after the domain is confirmed: %+v", r2)
	}
	if got, _ := s.Contribution(ctx, c.ID); got.Status != store.StatusReceived {
		t.Fatalf("status %s; want reopened by the colleague's follow-up", got.Status)
	}
	// A subdomain is another domain.
	sub := inbound("x@mail.gov.example", "["+c.Ref+"] hello")
	sub.RefTag = c.Ref
	if r := ingest(t, s, sub)[0]; !r.OtherSender {
		t.Fatalf("a subdomain threaded: %+v", r)
	}
}

func TestAcceptAnotherSender(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	_, c := closedContribution(t, s, "minister@gov.example")
	m := inbound("consultant@agency.example", "["+c.Ref+"] on behalf of the ministry")
	m.RefTag = c.Ref
	m2 := inbound("Consultant@agency.example", "["+c.Ref+"] again")
	m2.RefTag = c.Ref
	res := ingest(t, s, m, m2)
	n := eventCount(t, s, c.ID)
	d, err := s.AcceptSender(ctx, res[0].MessageRowID, "U1")
	if err != nil || !d.Changed || d.Value != "consultant@agency.example" || d.Messages != 2 || d.ContributionID != c.ID {
		t.Fatalf("accept: %+v %v", d, err)
	}
	if got := actionsAfter(t, s, c.ID, n); !slices.Equal(got, []string{"slack:U1:" + store.ActionSenderAccepted}) {
		t.Fatalf("events %v", got)
	}
	if pending, _ := s.OtherSenders(ctx, c.ID); len(pending) != 0 {
		t.Fatalf("still pending: %+v", pending)
	}
	if again, err := s.AcceptSender(ctx, res[1].MessageRowID, "U2"); err != nil || again.Changed {
		t.Fatalf("accepting again: %+v %v", again, err)
	}
	if got, _ := s.Contribution(ctx, c.ID); got.Status != store.StatusClosed {
		t.Fatalf("accepting a sender changed the status to %s", got.Status)
	}
	next := inbound("consultant@agency.example", "["+c.Ref+"] third")
	next.RefTag = c.Ref
	if r := ingest(t, s, next)[0]; r.OtherSender || r.Kind != store.MsgFollowUp {
		t.Fatalf("an accepted correspondent's mail: %+v", r)
	}

	rs, err := s.Recipients(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Address != "minister@gov.example" || rs[0].Role != store.RecipientContact ||
		rs[1].Address != "consultant@agency.example" || rs[1].Role != store.RecipientCorrespondent {
		t.Fatalf("recipients %+v", rs)
	}
}

func TestAnotherSenderMadeASeparateContribution(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	_, c := closedContribution(t, s, "minister@gov.example")
	m := inbound("someone@ngo.example", "Our own inputs, see ["+c.Ref+"]")
	m.RefTag = c.Ref
	res := ingest(t, s, m)[0]
	rs, err := s.Recipients(ctx, c.ID)
	if err != nil || len(rs) != 2 || rs[1].Address != "someone@ngo.example" || rs[1].Role != store.RecipientOtherSender {
		t.Fatalf("recipients %+v %v", rs, err)
	}
	n := eventCount(t, s, c.ID)
	p, err := s.PromoteMessage(ctx, res.MessageRowID, "U3", store.Promotion{Policy: store.DefaultIngestPolicy()})
	if err != nil || !p.Created || p.ContributionID == c.ID || p.SortedAs != store.MsgFollowUp {
		t.Fatalf("separate: %+v %v", p, err)
	}
	msg := message(t, s, res.MessageRowID)
	if msg.OtherSender || msg.Kind != store.MsgContribution || *msg.ContributionID != p.ContributionID {
		t.Fatalf("message %+v", msg)
	}
	if got := actionsAfter(t, s, c.ID, n); !slices.Equal(got, []string{"slack:U3:" + store.ActionSenderSeparated}) {
		t.Fatalf("events of the first contribution %v", got)
	}
	if countItems(t, s, store.OutboxSlackCard, p.ContributionID) != 1 {
		t.Fatal("the new contribution has no card")
	}
	if again, err := s.PromoteMessage(ctx, res.MessageRowID, "U1", store.Promotion{}); err != nil || again.Created || again.ContributionID != p.ContributionID {
		t.Fatalf("second click: %+v %v", again, err)
	}
	if pending, _ := s.OtherSenders(ctx, c.ID); len(pending) != 0 {
		t.Fatalf("still pending: %+v", pending)
	}
}
