package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

var slackKinds = []store.OutboxKind{store.OutboxSlackCard, store.OutboxSlackUpdate, store.OutboxSlackThread, store.OutboxSlackNotice}

// postCard carries out card items as the Slack worker would, up to the contribution's.
func postCard(t *testing.T, s *store.Store, cid int64) {
	t.Helper()
	for {
		var got int64
		ok, err := s.ProcessOutbox(context.Background(), []store.OutboxKind{store.OutboxSlackCard},
			func(_ context.Context, it store.OutboxItem) (store.OutboxResult, error) {
				got = *it.ContributionID
				return store.OutboxResult{CardChannel: "C1", CardTS: fmt.Sprintf("1.%06d", got)}, nil
			})
		if !ok || err != nil {
			t.Fatalf("post card of %d: %v %v", cid, ok, err)
		}
		if got == cid {
			return
		}
	}
}

// queueUpdates queues n card updates of the contribution, each its own transaction.
func queueUpdates(t *testing.T, s *store.Store, cid int64, n int, prefix string) {
	t.Helper()
	for i := range n {
		it, err := store.NewOutboxItem(store.OutboxSlackUpdate, fmt.Sprintf("update:%d:%s%d", cid, prefix, i), cid, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Enqueue(context.Background(), it); err != nil {
			t.Fatal(err)
		}
	}
}

// drain carries out every due Slack item with handle and says how many were handed out.
func drain(t *testing.T, s *store.Store, handle store.OutboxHandler) int {
	t.Helper()
	n := 0
	for {
		ok, err := s.ProcessOutbox(context.Background(), slackKinds, handle)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return n
		}
		n++
	}
}

// Ten updates of one card waiting together are carried out as one: the others are done,
// recorded as served by it.
func TestCardUpdatesCoalesce(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	c := newContribution(t, s)
	postCard(t, s, c.ID)
	queueUpdates(t, s, c.ID, 10, "")
	var handled []int64
	n := drain(t, s, func(_ context.Context, it store.OutboxItem) (store.OutboxResult, error) {
		if it.Kind == store.OutboxSlackUpdate {
			handled = append(handled, it.ID)
		}
		return store.OutboxResult{}, nil
	})
	if len(handled) != 1 {
		t.Fatalf("%d updates handed out (%d items in all), want 1", len(handled), n)
	}
	items, err := s.OutboxItems(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	coalesced := 0
	for _, it := range items {
		if it.Kind != store.OutboxSlackUpdate {
			continue
		}
		if it.DoneAt == nil {
			t.Errorf("update %s is not done", it.IdempotencyKey)
		}
		if it.ID == handled[0] {
			continue
		}
		if it.CoalescedInto == nil || *it.CoalescedInto != handled[0] {
			t.Errorf("update %s: coalesced into %v, want %d", it.IdempotencyKey, it.CoalescedInto, handled[0])
		}
		coalesced++
	}
	if coalesced != 9 {
		t.Fatalf("%d updates coalesced, want 9", coalesced)
	}
}

// An update queued while another of the same card is being rendered may announce a
// change the rendering did not see: it is not coalesced, and runs after.
func TestCardUpdateQueuedDuringRenderRuns(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	c := newContribution(t, s)
	postCard(t, s, c.ID)
	queueUpdates(t, s, c.ID, 3, "before")
	var handled []string
	n := drain(t, s, func(_ context.Context, it store.OutboxItem) (store.OutboxResult, error) {
		if it.Kind != store.OutboxSlackUpdate {
			return store.OutboxResult{}, nil
		}
		handled = append(handled, it.IdempotencyKey)
		if len(handled) == 1 {
			queueUpdates(t, s, c.ID, 1, "during")
		}
		return store.OutboxResult{}, nil
	})
	want := fmt.Sprintf("update:%d:during0", c.ID)
	if len(handled) != 2 || handled[1] != want {
		t.Fatalf("updates handed out: %v (%d items), want one of the first three, then %s", handled, n, want)
	}
	items, err := s.OutboxItems(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.IdempotencyKey == want && it.CoalescedInto != nil {
			t.Fatalf("the update queued during the rendering was coalesced into %d", *it.CoalescedInto)
		}
	}
}

// Updates queued before the card is posted are done with the card when it was rendered
// by the attempt that posted it; not when the attempt found it posted by an earlier one
// (rendered before some of them).
func TestCardPostServesEarlierUpdates(t *testing.T) {
	for _, rendered := range []bool{true, false} {
		t.Run(fmt.Sprintf("rendered=%v", rendered), func(t *testing.T) {
			s, _ := newStore(t)
			c := newContribution(t, s)
			queueUpdates(t, s, c.ID, 3, "")
			var card int64
			ok, err := s.ProcessOutbox(context.Background(), []store.OutboxKind{store.OutboxSlackCard},
				func(_ context.Context, it store.OutboxItem) (store.OutboxResult, error) {
					card = it.ID
					return store.OutboxResult{CardChannel: "C1", CardTS: "1.000100", CardRendered: rendered}, nil
				})
			if !ok || err != nil {
				t.Fatalf("card: %v %v", ok, err)
			}
			items, err := s.OutboxItems(context.Background(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if it.Kind != store.OutboxSlackUpdate {
					continue
				}
				served := it.DoneAt != nil && it.CoalescedInto != nil && *it.CoalescedInto == card
				if served != rendered || (!rendered && it.DoneAt != nil) {
					t.Errorf("update %s: done %v, coalesced into %v; card %d rendered: %v", it.IdempotencyKey, it.DoneAt, it.CoalescedInto, card, rendered)
				}
			}
		})
	}
}

// A failed update coalesces nothing: the others stay pending and carry the change.
func TestFailedCardUpdateCoalescesNothing(t *testing.T) {
	s, _ := newStore(t)
	c := newContribution(t, s)
	postCard(t, s, c.ID)
	queueUpdates(t, s, c.ID, 3, "")
	ok, err := s.ProcessOutbox(context.Background(), []store.OutboxKind{store.OutboxSlackUpdate},
		func(context.Context, store.OutboxItem) (store.OutboxResult, error) {
			return store.OutboxResult{}, store.Permanent(fmt.Errorf("message_not_found"))
		})
	if !ok || err != nil {
		t.Fatalf("%v %v", ok, err)
	}
	items, err := s.OutboxItems(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	pending := 0
	for _, it := range items {
		if it.Kind == store.OutboxSlackUpdate && it.DoneAt == nil && it.FailedAt == nil {
			pending++
		}
	}
	if pending != 2 {
		t.Fatalf("%d updates pending after a failure, want 2", pending)
	}
}

// sendAck carries out the contribution's acknowledgement as the mailer would.
func sendAck(t *testing.T, s *store.Store, cid int64) {
	t.Helper()
	ok, err := s.ProcessOutbox(context.Background(), []store.OutboxKind{store.OutboxAckEmail},
		func(_ context.Context, it store.OutboxItem) (store.OutboxResult, error) {
			return store.OutboxResult{AckSent: true, Outbound: &store.OutboundMessage{
				MessageID: fmt.Sprintf("ack.%d@itu.int", cid), To: "minister@gov.example", Subject: "Received",
				Raw: []byte(fmt.Sprintf("Message-ID: <ack.%d@itu.int>\r\n\r\nthanks", cid))},
				Notes: []store.ThreadNote{{Type: store.NoteAckSent, Text: "in English"}}}, nil
		})
	if !ok || err != nil {
		t.Fatalf("ack: %v %v", ok, err)
	}
}

// ackNotes counts the contribution's "acknowledgement sent" thread notes.
func ackNotes(t *testing.T, s *store.Store, cid int64) int {
	t.Helper()
	n := 0
	for k := range outboxKeys(t, s, cid) {
		if strings.HasPrefix(k, "thread:"+store.NoteAckSent+":") {
			n++
		}
	}
	return n
}

// ackEvent is the details of the contribution's ack_sent event.
func ackEvent(t *testing.T, s *store.Store, cid int64) map[string]any {
	t.Helper()
	evs, err := s.Events(context.Background(), cid)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Action == store.ActionAckSent {
			var d map[string]any
			if err := json.Unmarshal(ev.Details, &d); err != nil {
				t.Fatal(err)
			}
			return d
		}
	}
	t.Fatal("no ack_sent event")
	return nil
}

// The acknowledgement's thread note is left out while the card waits to be posted (the
// card will say it), and queued when the card is being posted or is posted already.
func TestAckNoteOnlyWhenTheCardCannotSayIt(t *testing.T) {
	ctx := context.Background()
	t.Run("card waiting", func(t *testing.T) {
		s, _ := newStore(t)
		c := newContribution(t, s)
		sendAck(t, s, c.ID)
		if n := ackNotes(t, s, c.ID); n != 0 {
			t.Fatalf("%d acknowledgement notes, want 0: the card is still to be posted", n)
		}
		d := ackEvent(t, s, c.ID)
		if d["to"] != "minister@gov.example" || d["note"] != "shown on the card" {
			t.Fatalf("ack_sent event details = %v", d)
		}
		got, err := s.Contribution(ctx, c.ID)
		if err != nil || got.AckStatus != store.AckSent || got.AckSentAt == nil {
			t.Fatalf("ack status %s %v %v", got.AckStatus, got.AckSentAt, err)
		}
	})
	t.Run("card posted", func(t *testing.T) {
		s, _ := newStore(t)
		c := newContribution(t, s)
		postCard(t, s, c.ID)
		sendAck(t, s, c.ID)
		if n := ackNotes(t, s, c.ID); n != 1 {
			t.Fatalf("%d acknowledgement notes, want 1", n)
		}
		if d := ackEvent(t, s, c.ID); d["to"] != "minister@gov.example" || d["note"] != nil {
			t.Fatalf("ack_sent event details = %v", d)
		}
	})
	t.Run("card being posted", func(t *testing.T) {
		s, _ := newStore(t)
		c := newContribution(t, s)
		posting, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			_, err := s.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxSlackCard},
				func(context.Context, store.OutboxItem) (store.OutboxResult, error) {
					close(posting)
					<-release
					return store.OutboxResult{CardChannel: "C1", CardTS: "1.000100"}, nil
				})
			done <- err
		}()
		<-posting
		sendAck(t, s, c.ID)
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if n := ackNotes(t, s, c.ID); n != 1 {
			t.Fatalf("%d acknowledgement notes, want 1: the card was being posted", n)
		}
	})
}

// firstNotification is the payload of the first outbox notification l receives after
// the test sends a "marker" one: "" when something notified before the marker.
func firstNotification(t *testing.T, s *store.Store, l *pq.Listener) string {
	t.Helper()
	if _, err := s.DB().ExecContext(context.Background(), `SELECT pg_notify($1, 'marker')`, store.OutboxNotifyChannel); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-l.Notify:
		if n == nil {
			t.Fatal("the listener reconnected")
		}
		return n.Extra
	case <-time.After(10 * time.Second):
		t.Fatal("no notification")
	}
	return ""
}

// An acknowledgement wakes the outbox workers at its commit when a card worker may be
// waiting for it: its note was queued (the card is posted), or its card is still to be
// posted, and so was held locked by the acknowledgement's transaction, where a card worker
// looking meanwhile skipped it. An acknowledgement that neither queues nor holds anything
// wakes nobody. Alone or in a batch, the same.
func TestAckWakesTheWorkersWhenACardWorkerMayWait(t *testing.T) {
	for _, tt := range []struct {
		name         string
		posted, note bool
		want         string // the first notification: "" ours, "marker" none
	}{
		{name: "card to post", want: ""},
		{name: "card posted, note queued", posted: true, note: true, want: ""},
		{name: "card posted, no note", posted: true, want: "marker"},
	} {
		for _, batch := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, batch %v", tt.name, batch), func(t *testing.T) {
				clock := store.NewOffsetClock(inConsultation)
				s, url := storetest.New(t, storetest.Options{Clock: clock})
				c := newContribution(t, s)
				if tt.posted {
					postCard(t, s, c.ID)
				}
				l := pq.NewListener(url, time.Second, time.Second, nil)
				t.Cleanup(func() { l.Close() })
				if err := l.Listen(store.OutboxNotifyChannel); err != nil {
					t.Fatal(err)
				}
				handle := func(_ context.Context, it store.OutboxItem) (store.OutboxResult, error) {
					res := store.OutboxResult{AckSent: true, Outbound: &store.OutboundMessage{
						MessageID: fmt.Sprintf("ack.%d@itu.int", c.ID), To: "minister@gov.example", Subject: "Received",
						Raw: []byte(fmt.Sprintf("Message-ID: <ack.%d@itu.int>\r\n\r\nthanks", c.ID))}}
					if tt.note {
						res.Notes = []store.ThreadNote{{Type: store.NoteAckSent, Text: "in English"}}
					}
					return res, nil
				}
				var n int
				var err error
				if batch {
					n, err = s.ProcessOutboxBatch(context.Background(), []store.OutboxKind{store.OutboxAckEmail}, 16, 1, time.Minute, handle)
				} else {
					var ok bool
					ok, err = s.ProcessOutbox(context.Background(), []store.OutboxKind{store.OutboxAckEmail}, handle)
					if ok {
						n = 1
					}
				}
				if err != nil || n != 1 {
					t.Fatalf("ack: %d items, %v", n, err)
				}
				if got := firstNotification(t, s, l); got != tt.want {
					t.Fatalf("first notification %q, want %q", got, tt.want)
				}
			})
		}
	}
}
