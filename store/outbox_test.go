package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
)

// outboxItem reads an item back by its idempotency key.
func outboxItem(t *testing.T, s *store.Store, cid int64, kind store.OutboxKind) store.OutboxItem {
	t.Helper()
	items, err := s.OutboxItems(context.Background(), cid)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Kind == kind {
			return it
		}
	}
	t.Fatalf("no %s item for contribution %d", kind, cid)
	return store.OutboxItem{}
}

// expiringCtx is a context whose deadline passes when expire is called: the handler of
// a test decides when, so that a slow claim cannot use the deadline up first.
type expiringCtx struct {
	context.Context
	done chan struct{}
}

func newExpiringCtx() expiringCtx {
	return expiringCtx{Context: context.Background(), done: make(chan struct{})}
}

func (c expiringCtx) expire()                     { close(c.done) }
func (c expiringCtx) Done() <-chan struct{}       { return c.done }
func (c expiringCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c expiringCtx) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// A handler whose context runs out after it did its work still has its success
// recorded: the item is done, and never handed out again.
func TestOutboxRecordsSuccessAfterTheDeadline(t *testing.T) {
	s, clock := newStore(t)
	c := newContribution(t, s)
	calls := 0
	ectx := newExpiringCtx()
	handle := func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
		calls++
		ectx.expire() // the send succeeded just before the deadline
		<-ctx.Done()
		return store.OutboxResult{CardChannel: "C1", CardTS: "1.000001"}, nil
	}
	ctx := context.Context(ectx)
	if ok, err := s.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxSlackCard}, handle); !ok || err != nil {
		t.Fatalf("ok=%v err=%v", ok, err)
	}
	it := outboxItem(t, s, c.ID, store.OutboxSlackCard)
	if it.DoneAt == nil || it.Attempts != 1 {
		t.Fatalf("item after a success at the deadline: done_at=%v attempts=%d", it.DoneAt, it.Attempts)
	}
	got, err := s.Contribution(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SlackTS != "1.000001" {
		t.Fatalf("slack_ts = %q, want the result recorded", got.SlackTS)
	}
	clock.Advance(48 * time.Hour)
	if ok, err := s.ProcessOutbox(context.Background(), []store.OutboxKind{store.OutboxSlackCard}, handle); ok || err != nil {
		t.Fatalf("handed out again: ok=%v err=%v", ok, err)
	}
	if calls != 1 {
		t.Fatalf("handler called %d times, want 1", calls)
	}
}

// A handler that runs into its deadline has its failure recorded: one attempt counted
// and the next one put off by the backoff.
func TestOutboxRecordsFailureAtTheDeadline(t *testing.T) {
	s, clock := newStore(t)
	c := newContribution(t, s)
	ectx := newExpiringCtx()
	handle := func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
		ectx.expire()
		<-ctx.Done()
		return store.OutboxResult{}, ctx.Err()
	}
	var ctx context.Context = ectx
	before := clock.Now()
	if ok, err := s.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxAckEmail}, handle); !ok || err != nil {
		t.Fatalf("ok=%v err=%v", ok, err)
	}
	it := outboxItem(t, s, c.ID, store.OutboxAckEmail)
	if it.Attempts != 1 || it.DoneAt != nil || it.FailedAt != nil {
		t.Fatalf("attempts=%d done=%v failed=%v, want one attempt recorded", it.Attempts, it.DoneAt, it.FailedAt)
	}
	if it.LastError == "" {
		t.Fatal("last_error is empty")
	}
	if wait := it.NextAttemptAt.Sub(before); wait < 2*time.Second {
		t.Fatalf("next attempt %s after the failure, want the backoff (2.5 s or more)", wait)
	}
	// A cancelled worker records its failure too.
	clock.Advance(time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	if ok, err := s.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxAckEmail}, func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
		cancel()
		return store.OutboxResult{}, ctx.Err()
	}); !ok || err != nil {
		t.Fatalf("cancelled: ok=%v err=%v", ok, err)
	}
	if it := outboxItem(t, s, c.ID, store.OutboxAckEmail); it.Attempts != 2 {
		t.Fatalf("attempts after a cancelled attempt = %d, want 2", it.Attempts)
	}
}

// Rate limits and outages of the far end do not use up an item's attempts.
func TestOutboxOutagesDoNotCountAttempts(t *testing.T) {
	s, clock := newStore(t)
	c := newContribution(t, s)
	errs := []error{
		&store.UnavailableError{Err: errors.New("connection refused"), After: 3 * time.Second},
		&store.RetryAfterError{Err: errors.New("ratelimited"), After: 2 * time.Second},
	}
	for i := range 2 * store.MaxOutboxAttempts {
		herr := errs[i%2]
		before := clock.Now()
		ok, err := s.ProcessOutbox(context.Background(), []store.OutboxKind{store.OutboxAckEmail}, func(context.Context, store.OutboxItem) (store.OutboxResult, error) {
			return store.OutboxResult{}, herr
		})
		if !ok || err != nil {
			t.Fatalf("attempt %d: ok=%v err=%v", i, ok, err)
		}
		it := outboxItem(t, s, c.ID, store.OutboxAckEmail)
		if it.FailedAt != nil || it.Attempts != 0 {
			t.Fatalf("after %d outages: attempts=%d failed_at=%v", i+1, it.Attempts, it.FailedAt)
		}
		var ua *store.UnavailableError
		want := 2 * time.Second
		if errors.As(herr, &ua) {
			want = 3 * time.Second
		}
		if wait := it.NextAttemptAt.Sub(before); wait < want || wait > want+time.Second {
			t.Fatalf("next attempt after %s, want %s", wait, want)
		}
		clock.Advance(want)
	}
}
