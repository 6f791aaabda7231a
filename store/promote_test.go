package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
)

func countItems(t *testing.T, s *store.Store, kind store.OutboxKind, cid int64) int {
	t.Helper()
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM outbox WHERE kind = $1 AND contribution_id = $2`, kind, cid); err != nil {
		t.Fatal(err)
	}
	return n
}

func sortedAway(kind store.MessageKind, reason string) func(*store.Inbound) {
	return func(m *store.Inbound) { m.Kind, m.KindReason = kind, reason }
}

func TestPromoteMessage(t *testing.T) {
	ctx := context.Background()
	promotion := store.Promotion{Policy: store.DefaultIngestPolicy(), Suggestion: store.Suggestion{Kind: "workshop_request"}}

	t.Run("a list post becomes one contribution, carded and acknowledged once", func(t *testing.T) {
		s, _ := newStore(t)
		m := inbound("rafael.silva@cgi-example.br", "Regional inputs for the WSIS Forum")
		sortedAway(store.MsgList, "List-Id header present")(&m)
		m.ReplyTo = "stakeholders@lists.example.org"
		res := ingest(t, s, m)
		if res[0].ContributionID != 0 {
			t.Fatalf("list post: %+v", res[0])
		}
		p, err := s.PromoteMessage(ctx, res[0].MessageRowID, "U1", promotion)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Created || !p.AckQueued || p.Ref == "" || p.SortedAs != store.MsgList {
			t.Fatalf("promoted: %+v", p)
		}
		c, err := s.Contribution(ctx, p.ContributionID)
		if err != nil || c.Ref != p.Ref || c.FromEmail != m.FromEmail || c.DeadlineName == "" || c.KindSuggested == nil || *c.KindSuggested != "workshop_request" {
			t.Fatalf("contribution: %+v %v", c, err)
		}
		if countItems(t, s, store.OutboxSlackCard, p.ContributionID) != 1 || countItems(t, s, store.OutboxAckEmail, p.ContributionID) != 1 {
			t.Fatal("want one card item and one acknowledgement item")
		}
		msg, err := s.Message(ctx, res[0].MessageRowID)
		if err != nil || msg.Kind != store.MsgContribution || msg.ContributionID == nil || *msg.ContributionID != p.ContributionID {
			t.Fatalf("message: %+v %v", msg, err)
		}
		evs, err := s.Events(ctx, p.ContributionID)
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		if last.Action != store.ActionPromote || last.Actor != "slack:U1" || !strings.Contains(string(last.Details), `"sorted_as": "list"`) {
			t.Fatalf("audit: %+v %s", last, last.Details)
		}

		// Clicked again, or by someone else: nothing more.
		again, err := s.PromoteMessage(ctx, res[0].MessageRowID, "U2", promotion)
		if err != nil || again.Created || again.ContributionID != p.ContributionID || again.Ref != p.Ref {
			t.Fatalf("second promotion: %+v %v", again, err)
		}
		var n int
		if err := s.DB().Get(&n, `SELECT count(*) FROM contributions`); err != nil || n != 1 {
			t.Fatalf("%d contributions %v", n, err)
		}
		if countItems(t, s, store.OutboxSlackCard, p.ContributionID) != 1 || countItems(t, s, store.OutboxAckEmail, p.ContributionID) != 1 {
			t.Fatal("the second promotion queued more")
		}
	})

	t.Run("two people at once make one contribution", func(t *testing.T) {
		s, _ := newStore(t)
		m := inbound("a@ngo.example", "Inputs")
		sortedAway(store.MsgList, "Precedence: list")(&m)
		id := ingest(t, s, m)[0].MessageRowID
		var wg sync.WaitGroup
		created := make(chan bool, 2)
		for _, who := range []string{"U1", "U2"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, err := s.PromoteMessage(ctx, id, who, promotion)
				if err != nil {
					t.Error(err)
				}
				created <- p.Created
			}()
		}
		wg.Wait()
		close(created)
		n := 0
		for c := range created {
			if c {
				n++
			}
		}
		var contributions int
		if err := s.DB().Get(&contributions, `SELECT count(*) FROM contributions`); err != nil || n != 1 || contributions != 1 {
			t.Fatalf("created %d times, %d contributions, %v", n, contributions, err)
		}
	})

	t.Run("a bounce promoted by mistake is never acknowledged", func(t *testing.T) {
		s, _ := newStore(t)
		m := inbound("MAILER-DAEMON@mx.example.net", "Undelivered Mail Returned to Sender")
		sortedAway(store.MsgBounce, "multipart/report; report-type=delivery-status")(&m)
		id := ingest(t, s, m)[0].MessageRowID
		p, err := s.PromoteMessage(ctx, id, "U1", promotion)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Created || p.AckQueued || !strings.Contains(p.AckSuppressed, "bounce") {
			t.Fatalf("promoted: %+v", p)
		}
		if countItems(t, s, store.OutboxAckEmail, p.ContributionID) != 0 || countItems(t, s, store.OutboxSlackCard, p.ContributionID) != 1 {
			t.Fatal("want a card and no acknowledgement")
		}
		c, err := s.Contribution(ctx, p.ContributionID)
		if err != nil || c.AckStatus != store.AckSuppressed || !strings.Contains(c.AckSuppressedReason, "bounce") {
			t.Fatalf("contribution: %+v %v", c, err)
		}
	})

	t.Run("list mail a robot sent is never acknowledged", func(t *testing.T) {
		s, _ := newStore(t)
		m := inbound("newsletter@weekly.example", "ICT Policy Weekly")
		sortedAway(store.MsgList, "Precedence: bulk")(&m)
		m.Headers = map[string]string{"Precedence": "bulk"}
		p, err := s.PromoteMessage(ctx, ingest(t, s, m)[0].MessageRowID, "U1", promotion)
		if err != nil || p.AckQueued || !strings.Contains(p.AckSuppressed, "Precedence: bulk") {
			t.Fatalf("promoted: %+v %v", p, err)
		}
	})

	t.Run("outside the acknowledgement window there is no acknowledgement", func(t *testing.T) {
		s, clock := newStore(t)
		m := inbound("a@ngo.example", "Inputs")
		sortedAway(store.MsgAutoReply, "X-Auto-Response-Suppress: All")(&m)
		m.Kind = store.MsgList
		id := ingest(t, s, m)[0].MessageRowID
		clock.Advance(36 * time.Hour)
		p, err := s.PromoteMessage(ctx, id, "U1", promotion)
		if err != nil || p.AckQueued || !strings.Contains(p.AckSuppressed, "acknowledgement window") {
			t.Fatalf("promoted: %+v %v", p, err)
		}
	})

	t.Run("a duplicate or a contribution's message is not promoted", func(t *testing.T) {
		s, _ := newStore(t)
		first := inbound("a@ngo.example", "Inputs")
		dup := inbound("a@ngo.example", "Inputs again")
		dup.MessageID = first.MessageID
		res := ingest(t, s, first, dup)
		p, err := s.PromoteMessage(ctx, res[0].MessageRowID, "U1", promotion)
		if err != nil || p.Created || p.ContributionID != res[0].ContributionID {
			t.Fatalf("a contribution's message: %+v %v", p, err)
		}
		// A duplicate of list mail: its first copy is the one to promote.
		l := inbound("b@ngo.example", "List post")
		sortedAway(store.MsgList, "List-Id header present")(&l)
		ld := inbound("b@ngo.example", "List post again")
		sortedAway(store.MsgList, "List-Id header present")(&ld)
		ld.MessageID = l.MessageID
		res = ingest(t, s, l, ld)
		if res[1].Kind != store.MsgDuplicate {
			t.Fatalf("duplicate: %+v", res[1])
		}
		if _, err := s.PromoteMessage(ctx, res[1].MessageRowID, "U1", promotion); !errors.Is(err, store.ErrNotPromotable) {
			t.Fatalf("promote a duplicate: %v", err)
		}
		if _, err := s.PromoteMessage(ctx, 999999, "U1", promotion); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("promote nothing: %v", err)
		}
	})
}

func TestSortedAway(t *testing.T) {
	ctx := context.Background()
	s, clock := newStore(t)
	person := inbound("a@ngo.example", "A contribution")
	bounce := inbound("MAILER-DAEMON@mx.example.net", "Undelivered Mail")
	sortedAway(store.MsgBounce, "multipart/report")(&bounce)
	list := inbound("b@ngo.example", "List post")
	sortedAway(store.MsgList, "List-Id header present")(&list)
	dup := inbound("a@ngo.example", "A contribution, again")
	dup.MessageID = person.MessageID
	ingest(t, s, person, list, bounce, dup)

	got, total, err := s.SortedAway(ctx, clock.Now().Add(-24*time.Hour), clock.Now().Add(time.Second), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, m := range got {
		kinds = append(kinds, string(m.Kind))
	}
	if total != 3 || strings.Join(kinds, ",") != "bounce,list,duplicate" {
		t.Fatalf("sorted away: %d %v", total, kinds)
	}
	if !got[0].Promotable() || got[2].Promotable() || got[2].Ref != "WSIS-2019-0001" {
		t.Fatalf("promotable: %+v", got)
	}
	got, total, err = s.SortedAway(ctx, clock.Now().Add(-24*time.Hour), clock.Now().Add(time.Second), 1, 1)
	if err != nil || len(got) != 1 || total != 3 || got[0].Kind != store.MsgList {
		t.Fatalf("second page of one: %+v of %d %v", got, total, err)
	}
	got, total, err = s.SortedAway(ctx, clock.Now().Add(-24*time.Hour), clock.Now().Add(time.Second), 5, 1)
	if err != nil || len(got) != 0 || total != 3 {
		t.Fatalf("past the end: %d of %d %v", len(got), total, err)
	}
	clock.Advance(25 * time.Hour)
	if got, total, err = s.SortedAway(ctx, clock.Now().Add(-24*time.Hour), clock.Now().Add(time.Second), 0, 10); err != nil || len(got) != 0 || total != 0 {
		t.Fatalf("a day later: %d of %d %v", len(got), total, err)
	}
}
