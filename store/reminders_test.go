package store_test

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// TestAssignQueuesADirectMessage: assigning someone else queues one DM to them with the
// assignment; assigning oneself or the same person again queues none.
func TestAssignQueuesADirectMessage(t *testing.T) {
	t.Parallel()
	s, _ := bqStore(t)
	ctx := context.Background()
	c := bqIngest(t, s, "a@gov.example", "Assigned", "text", bqStart)
	count := func() int {
		t.Helper()
		var n int
		if err := s.DB().Get(&n, `SELECT count(*) FROM outbox WHERE kind = 'slack_dm' AND contribution_id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i, a := range []struct{ by, to string }{{"U1", "U2"}, {"U3", "U2"}, {"U1", "U1"}, {"U1", "U3"}} {
		if _, err := s.Assign(ctx, c.ID, a.by, a.to); err != nil {
			t.Fatal(err)
		}
		if want := []int{1, 1, 1, 2}[i]; count() != want {
			t.Fatalf("after %s assigned %s: %d DMs, want %d", a.by, a.to, count(), want)
		}
	}
}

// TestQueueStaleRemindersOncePerPeriod: replicas looking at once queue one reminder per
// period without a move.
func TestQueueStaleRemindersOncePerPeriod(t *testing.T) {
	t.Parallel()
	s, clock := bqStore(t)
	ctx := context.Background()
	c := bqIngest(t, s, "a@gov.example", "Stale", "text", bqStart)
	if _, err := s.Take(ctx, c.ID, "U1"); err != nil {
		t.Fatal(err)
	}
	after := 72 * time.Hour
	look := func(at time.Duration) int {
		t.Helper()
		var total atomic.Int32
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := s.QueueStaleReminders(ctx, clock.Now().Add(at), after, 100)
				if err != nil {
					t.Error(err)
				}
				total.Add(int32(n))
			}()
		}
		wg.Wait()
		return int(total.Load())
	}
	for _, c := range []struct {
		at   time.Duration
		want int
	}{{71 * time.Hour, 0}, {73 * time.Hour, 1}, {80 * time.Hour, 0}, {145 * time.Hour, 1}, {146 * time.Hour, 0}} {
		if got := look(c.at); got != c.want {
			t.Errorf("at +%v: %d queued, want %d", c.at, got, c.want)
		}
	}
	var dm store.DM
	var payload []byte
	if err := s.DB().Get(&payload, `SELECT payload FROM outbox WHERE kind = 'slack_dm' ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(payload, &dm); err != nil || dm.Type != store.DMStale || dm.User != "U1" {
		t.Fatalf("payload %s: %+v %v", payload, dm, err)
	}
}

// BenchmarkQueueStaleReminders is one scheduler pass's look for stale assignments over
// 10,000 contributions, 2,000 of them open and assigned, with 6 events each, none stale.
func BenchmarkQueueStaleReminders(b *testing.B) {
	s, _ := storetest.New(b)
	ctx := context.Background()
	now := time.Date(2019, 1, 21, 9, 0, 0, 0, time.UTC)
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO contributions (seq, ref, status, outcome, assignee, received_at, created_at, updated_at)
		SELECT g, 'BENCH-' || g, CASE WHEN g % 5 = 0 THEN 'acknowledged' ELSE 'closed' END,
			CASE WHEN g % 5 = 0 THEN NULL ELSE 'accepted' END, 'U' || (g % 7), $1, $1, $1
		FROM generate_series(1, 10000) g`, now.Add(-time.Hour)); err != nil {
		b.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO events (contribution_id, at, actor, action)
		SELECT c.id, $1, CASE WHEN k % 2 = 0 THEN 'slack:U1' ELSE 'wsisbot' END, 'classify'
		FROM contributions c, generate_series(1, 6) k`, now.Add(-time.Hour)); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{`VACUUM ANALYZE contributions`, `VACUUM ANALYZE events`} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if n, err := s.QueueStaleReminders(ctx, now, 72*time.Hour, 200); err != nil || n != 0 {
			b.Fatal(n, err)
		}
	}
}
