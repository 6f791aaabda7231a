package store_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/wsis/wsisbot/internal/health"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

const runtimeKind = "test_kind"

// runRuntime runs r on s until the test ends, and checks that RunOutbox then returns nil
// promptly.
func runRuntime(t *testing.T, s *store.Store, r store.OutboxRunner) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.RunOutbox(ctx, r) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("RunOutbox: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("RunOutbox did not return after its context was cancelled")
		}
	})
}

// handledItems is a handler that reports each item it carries out.
func handledItems() (store.OutboxHandler, chan string) {
	ch := make(chan string, 16)
	return func(_ context.Context, it store.OutboxItem) (store.OutboxResult, error) {
		ch <- it.IdempotencyKey
		return store.OutboxResult{}, nil
	}, ch
}

func waitHandled(t *testing.T, ch chan string, key string, within time.Duration) {
	t.Helper()
	select {
	case got := <-ch:
		if got != key {
			t.Fatalf("handled %q, want %q", got, key)
		}
	case <-time.After(within):
		t.Fatalf("%s not handled within %s", key, within)
	}
}

// A worker that would look again only in an hour carries out an item within a second
// of its queueing by another connection: the NOTIFY wakes it.
func TestOutboxRuntimeWakesOnNotify(t *testing.T) {
	clock := store.NewOffsetClock(inConsultation)
	s, url := storetest.New(t, storetest.Options{Clock: clock})
	handle, handled := handledItems()
	var polls atomic.Int32
	runRuntime(t, s, store.OutboxRunner{Name: "test", Kinds: []store.OutboxKind{runtimeKind}, Handle: handle, Workers: 2,
		Poll: time.Hour, Polled: func() { polls.Add(1) }})
	storetest.Eventually(t, 10*time.Second, "LISTEN, the first look and the one LISTEN wakes", func() bool {
		return s.OutboxListening() && polls.Load() >= 2
	})
	other, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx := other.MustBegin()
	tx.MustExec(`INSERT INTO outbox (kind, idempotency_key, payload, next_attempt_at, created_at)
		VALUES ($1, 'notified', '{}', $2, $2)`, runtimeKind, clock.Now().Add(-time.Second))
	tx.MustExec(`SELECT pg_notify($1, '')`, store.OutboxNotifyChannel)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	waitHandled(t, handled, "notified", 5*time.Second)
}

// With notifications down (the listener cannot connect) or lost (an item queued without
// NOTIFY), the workers still find due items by looking every Poll.
func TestOutboxRuntimePollsWithoutNotifications(t *testing.T) {
	s, clock := newStore(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	store.SetOutboxListenURL(s, "postgres://postgres@"+addr+"/none?sslmode=disable&connect_timeout=1")
	handle, handled := handledItems()
	var polls atomic.Int32
	runRuntime(t, s, store.OutboxRunner{Name: "test", Kinds: []store.OutboxKind{runtimeKind}, Handle: handle, Poll: 100 * time.Millisecond,
		Polled: func() { polls.Add(1) }})
	for i := range 3 {
		// Queue each item while the worker is idle, between two looks.
		p := polls.Load()
		storetest.Eventually(t, 3*time.Second, "the worker to look and find nothing", func() bool { return polls.Load() >= p+2 })
		key := fmt.Sprintf("polled-%d", i)
		if _, err := s.DB().Exec(`INSERT INTO outbox (kind, idempotency_key, payload, next_attempt_at, created_at)
			VALUES ($1, $2, '{}', $3, $3)`, runtimeKind, key, clock.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		waitHandled(t, handled, key, 3*time.Second)
	}
	if s.OutboxListening() {
		t.Error("OutboxListening says the listener is up; it cannot connect")
	}
}

// While the far end is unavailable the worker pauses, 1 s doubling, without spending
// the item's attempts and without being woken by new items; the Link says so meanwhile.
// The first answer from the far end ends the pause and marks the Link up.
func TestOutboxRuntimePausesOnUnavailable(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	const outages = 2
	var (
		mu    sync.Mutex
		calls []time.Time
		link  health.Link
		down  []bool
		done  = make(chan struct{})
	)
	handle := func(_ context.Context, it store.OutboxItem) (store.OutboxResult, error) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, time.Now())
		_, ok := link.Report(time.Now())
		down = append(down, !ok)
		if len(calls) <= outages {
			return store.OutboxResult{}, store.Unavailable(errors.New("connection refused"))
		}
		if len(calls) == outages+2 {
			close(done)
		}
		return store.OutboxResult{}, nil
	}
	first, _ := store.NewOutboxItem(runtimeKind, "paused", 0, 0, nil)
	if _, err := s.Enqueue(ctx, first); err != nil {
		t.Fatal(err)
	}
	runRuntime(t, s, store.OutboxRunner{Name: "test", Kinds: []store.OutboxKind{runtimeKind}, Handle: handle, Poll: 10 * time.Millisecond, Link: &link})
	storetest.Eventually(t, 5*time.Second, "the first outage", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(calls) >= 1
	})
	// A new item, with its notification, during the pause: it waits for the pause too.
	second, _ := store.NewOutboxItem(runtimeKind, "queued-during-the-pause", 0, 0, nil)
	if _, err := s.Enqueue(ctx, second); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the items were not done after the outage")
	}
	mu.Lock()
	defer mu.Unlock()
	// Pauses: the first between 0.5 and 1 s, the second between 1 and 2 s (jitter).
	for i, least := range []time.Duration{500 * time.Millisecond, time.Second} {
		if gap := calls[i+1].Sub(calls[i]); gap < least {
			t.Errorf("call %d came %s after call %d, want a pause of at least %s", i+2, gap, i+1, least)
		}
	}
	if down[0] || !down[1] || !down[2] || down[3] {
		t.Errorf("link down at each call: %v, want up, down, down, up", down)
	}
	if s, ok := link.Report(time.Now()); !ok {
		t.Errorf("link after the outage: %s", s)
	}
	it := outboxItemByKey(t, s, "paused")
	if it.DoneAt == nil || it.Attempts != 1 {
		t.Errorf("item after %d outages: done_at=%v attempts=%d, want done with only the success counted", outages, it.DoneAt, it.Attempts)
	}
}

func outboxItemByKey(t *testing.T, s *store.Store, key string) store.OutboxItem {
	t.Helper()
	var it store.OutboxItem
	if err := s.DB().Get(&it, `SELECT id, kind, idempotency_key, contribution_id, message_id, payload, attempts,
		next_attempt_at, last_error, done_at, failed_at, created_at FROM outbox WHERE idempotency_key = $1`, key); err != nil {
		t.Fatal(err)
	}
	return it
}

// opened counts the connections the pool of s has opened so far, whether still open or
// closed since.
func opened(s *store.Store) int {
	st := s.DB().Stats()
	return st.OpenConnections + int(st.MaxIdleClosed+st.MaxIdleTimeClosed+st.MaxLifetimeClosed)
}

// queueDue queues n items due now, without a notification.
func queueDue(t *testing.T, s *store.Store, clock *store.OffsetClock, prefix string, n int) {
	t.Helper()
	if _, err := s.DB().Exec(`INSERT INTO outbox (kind, idempotency_key, payload, next_attempt_at, created_at)
		SELECT $1, $2 || i, '{}', $3, $3 FROM generate_series(1, $4) AS i`, runtimeKind, prefix, clock.Now().Add(-time.Second), n); err != nil {
		t.Fatal(err)
	}
}

// runCountingLooks runs workers workers of handle, looking on their own every poll, and
// returns the count of their looks once the listener listens and they looked first
// times.
func runCountingLooks(t *testing.T, s *store.Store, handle store.OutboxHandler, workers int, poll time.Duration, first int32) *atomic.Int32 {
	t.Helper()
	var looks atomic.Int32
	runRuntime(t, s, store.OutboxRunner{Name: "test", Kinds: []store.OutboxKind{runtimeKind}, Handle: handle, Workers: workers,
		Poll: poll, Polled: func() { looks.Add(1) }})
	storetest.Eventually(t, 10*time.Second, fmt.Sprintf("LISTEN and %d looks", first), func() bool {
		return s.OutboxListening() && looks.Load() >= first
	})
	return &looks
}

// Idle, the workers of a runner look on their own as one: one look every Poll between
// them, not one per worker.
func TestOutboxRuntimeIdleWorkersPollAsOne(t *testing.T) {
	s, _ := newStore(t)
	handle, _ := handledItems()
	const workers, poll, polls = 8, 100 * time.Millisecond, 15
	looks := runCountingLooks(t, s, handle, workers, poll, 1)
	from := looks.Load()
	window := time.NewTimer(polls * poll)
	<-window.C
	n := looks.Load() - from
	t.Logf("%d idle workers looked %d times in %d polls", workers, n, polls)
	if n > polls+2 {
		t.Errorf("%d idle workers looked %d times in %d polls, want one look a poll (at most %d)", workers, n, polls, polls+2)
	}
	if n < polls/3 {
		t.Errorf("the idle workers looked %d times in %d polls: nobody polls", n, polls)
	}
}

// At start with nothing due, a runner's workers open one connection, not one per worker:
// one of them looks, and the look the listener's first wake-up asks for comes after.
func TestOutboxRuntimeStartsOnFewConnections(t *testing.T) {
	s, _ := newStore(t)
	handle, _ := handledItems()
	const workers = 8
	// The claim's statement is prepared at its first use, on a connection beside the
	// claim's: prepared once here, so that what is counted is the workers' connections;
	// and the statements the store prepares as it opens are.
	s.WaitWarm()
	if _, err := s.ProcessOutbox(context.Background(), []store.OutboxKind{runtimeKind}, handle); err != nil {
		t.Fatal(err)
	}
	// Start from an empty pool, as serve does: every connection a look needs is opened.
	s.DB().SetMaxIdleConns(0)
	s.DB().SetMaxIdleConns(10)
	before := opened(s)
	// The first look, and the one the listener's first wake-up asks for.
	looks := runCountingLooks(t, s, handle, workers, time.Hour, 2)
	n := opened(s) - before
	t.Logf("%d workers opened %d connections at start", workers, n)
	if n > 1 {
		t.Errorf("%d workers opened %d connections at start (%d looks), want 1", workers, n, looks.Load())
	}
}

// Under a backlog the workers join in, each one that finds items waking one more, until
// all of them carry out items side by side; no other wake-up (Poll is an hour) helps.
func TestOutboxRuntimeBacklogWakesEveryWorker(t *testing.T) {
	for _, batch := range []int{1, 4} {
		t.Run(fmt.Sprintf("batch %d", batch), func(t *testing.T) {
			s, clock := newStore(t)
			const workers, items = 8, 200
			queueDue(t, s, clock, "backlog-", items)
			var (
				mu             sync.Mutex
				active, most   int
				done           = map[string]int{}
				allSideBySide  = make(chan struct{})
				sideBySideOnce sync.Once
			)
			handle := func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
				mu.Lock()
				active++
				most = max(most, active)
				if most == workers {
					sideBySideOnce.Do(func() { close(allSideBySide) })
				}
				mu.Unlock()
				hold := time.NewTimer(20 * time.Millisecond)
				select {
				case <-hold.C:
				case <-ctx.Done():
				}
				mu.Lock()
				active--
				done[it.IdempotencyKey]++
				mu.Unlock()
				return store.OutboxResult{}, nil
			}
			runRuntime(t, s, store.OutboxRunner{Name: "test", Kinds: []store.OutboxKind{runtimeKind}, Handle: handle,
				Workers: workers, Batch: batch, Poll: time.Hour})
			select {
			case <-allSideBySide:
			case <-time.After(10 * time.Second):
				mu.Lock()
				defer mu.Unlock()
				t.Fatalf("at most %d of %d workers carried out items side by side", most, workers)
			}
			storetest.Eventually(t, 20*time.Second, "the backlog to be carried out", func() bool {
				mu.Lock()
				defer mu.Unlock()
				return len(done) == items
			})
			mu.Lock()
			defer mu.Unlock()
			for key, n := range done {
				if n != 1 {
					t.Errorf("%s carried out %d times", key, n)
				}
			}
		})
	}
}

// An item queued while the workers are idle is carried out at once: the notification
// wakes one of them, which finds it; the others are not woken for nothing.
func TestOutboxRuntimeNotificationWakesOneWorker(t *testing.T) {
	s, _ := newStore(t)
	handle, handled := handledItems()
	const workers = 8
	// The first look, and the one the listener's first wake-up asks for.
	looks := runCountingLooks(t, s, handle, workers, 10*time.Second, 2)
	from := looks.Load()
	it, _ := store.NewOutboxItem(runtimeKind, "notified", 0, 0, nil)
	if _, err := s.Enqueue(context.Background(), it); err != nil {
		t.Fatal(err)
	}
	waitHandled(t, handled, "notified", 2*time.Second)
	// The one that found it looks again, and so does the one it woke: three looks, not
	// one per worker. Counted over a window: more looks would come within it.
	window := time.NewTimer(300 * time.Millisecond)
	<-window.C
	n := looks.Load() - from
	t.Logf("one notification made %d looks among %d idle workers", n, workers)
	if n > 4 {
		t.Errorf("one notification made %d looks among %d idle workers, want at most 4", n, workers)
	}
}

// While the worker that polled carries out an item, another takes over the polling: an
// item queued without a notification is still found within a few polls.
func TestOutboxRuntimePollsWhileAWorkerIsBusy(t *testing.T) {
	s, clock := newStore(t)
	store.SetOutboxListenURL(s, "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
	release := make(chan struct{})
	defer close(release)
	handled := make(chan string, 4)
	handle := func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
		handled <- it.IdempotencyKey
		if it.IdempotencyKey == "held-1" {
			<-release
		}
		return store.OutboxResult{}, nil
	}
	var looks atomic.Int32
	runRuntime(t, s, store.OutboxRunner{Name: "test", Kinds: []store.OutboxKind{runtimeKind}, Handle: handle, Workers: 2,
		Poll: 100 * time.Millisecond, Polled: func() { looks.Add(1) }})
	storetest.Eventually(t, 5*time.Second, "the first look", func() bool { return looks.Load() >= 1 })
	queueDue(t, s, clock, "held-", 1)
	waitHandled(t, handled, "held-1", 3*time.Second)
	queueDue(t, s, clock, "later-", 1)
	waitHandled(t, handled, "later-1", 3*time.Second)
}

// While Gate holds the workers, they hold nothing: the item due stays unclaimed and no
// transaction is open; once it lets them go, the item is carried out.
func TestOutboxRuntimeGateHoldsWorkersBeforeTheyClaim(t *testing.T) {
	clock := store.NewOffsetClock(inConsultation)
	s, url := storetest.New(t, storetest.Options{Clock: clock})
	other, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.MustExec(`INSERT INTO outbox (kind, idempotency_key, payload, next_attempt_at, created_at)
		VALUES ($1, 'gated', '{}', $2, $2)`, runtimeKind, clock.Now().Add(-time.Second))
	handle, handled := handledItems()
	open := make(chan struct{})
	var waiting atomic.Int32
	gate := func(ctx context.Context) {
		waiting.Add(1)
		defer waiting.Add(-1)
		select {
		case <-open:
		case <-ctx.Done():
		}
	}
	runRuntime(t, s, store.OutboxRunner{Name: "test", Kinds: []store.OutboxKind{runtimeKind}, Handle: handle, Workers: 4,
		Poll: 50 * time.Millisecond, Gate: gate})
	storetest.Eventually(t, 10*time.Second, "a worker at the gate", func() bool { return waiting.Load() > 0 })
	var free, inTx int
	if err := other.Get(&free, `SELECT count(*) FROM (SELECT id FROM outbox WHERE idempotency_key = 'gated'
		FOR UPDATE SKIP LOCKED) o`); err != nil {
		t.Fatal(err)
	}
	if err := other.Get(&inTx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
		AND state LIKE 'idle in transaction%'`); err != nil {
		t.Fatal(err)
	}
	if free != 1 || inTx != 0 {
		t.Errorf("with the workers at the gate: item free %d (want 1), transactions open %d (want 0)", free, inTx)
	}
	select {
	case key := <-handled:
		t.Fatalf("%s carried out while the gate was closed", key)
	default:
	}
	close(open)
	waitHandled(t, handled, "gated", 5*time.Second)
}
