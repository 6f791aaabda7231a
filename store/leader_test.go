package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

func TestRunExclusiveOneHolderAndTakeover(t *testing.T) {
	_, u := storetest.New(t)
	var replicas []*store.Store
	for range 3 {
		s, err := store.Open(context.Background(), u, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		replicas = append(replicas, s)
	}
	var running, maxRunning, acquisitions, holder atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stops := make([]context.CancelFunc, len(replicas))
	var wg sync.WaitGroup
	for i, s := range replicas {
		rctx, stop := context.WithCancel(ctx)
		stops[i] = stop
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = s.RunExclusive(rctx, "mailbox:INBOX", 50*time.Millisecond, func() { acquisitions.Add(1); holder.Store(int32(i)) }, nil, func(c context.Context) error {
				n := running.Add(1)
				for {
					if m := maxRunning.Load(); n > m && !maxRunning.CompareAndSwap(m, n) {
						continue
					}
					break
				}
				<-c.Done()
				running.Add(-1)
				return c.Err()
			})
		}()
	}
	storetest.Eventually(t, 5*time.Second, "a holder", func() bool { return running.Load() == 1 })
	// The holder stops (as when it dies): another takes over, then the next.
	for n := 2; n <= len(replicas); n++ {
		stops[holder.Load()]()
		storetest.Eventually(t, 5*time.Second, "takeover", func() bool { return acquisitions.Load() == int32(n) && running.Load() == 1 })
	}
	cancel()
	wg.Wait()
	if maxRunning.Load() != 1 {
		t.Fatalf("%d holders at once", maxRunning.Load())
	}
}

// killLockConnections ends, from the server side, every backend of this test's database
// that holds an advisory lock (as when the lock's connection fails).
func killLockConnections(t *testing.T, s *store.Store) {
	t.Helper()
	var n int
	if err := s.DB().Get(&n, `SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no backend holds an advisory lock")
	}
}

// TestRunExclusiveLockLostTakesTheLockAgain: when the lock's connection fails, fn is
// stopped, and, although it returns nil like a poller told to stop, RunExclusive takes
// the lock again and runs fn again instead of returning as if the work were done.
func TestRunExclusiveLockLostTakesTheLockAgain(t *testing.T) {
	s, _ := storetest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var runs atomic.Int32
	var lostErr atomic.Value
	errc := make(chan error, 1)
	go func() {
		errc <- s.RunExclusive(ctx, "x", 30*time.Millisecond, nil, func(err error) { lostErr.Store(err) }, func(c context.Context) error {
			runs.Add(1)
			// A poller's loop: it works until its context is done, then returns nil.
			t := time.NewTicker(10 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-c.Done():
					return nil
				case <-t.C:
				}
			}
		})
	}()
	storetest.Eventually(t, 5*time.Second, "fn running", func() bool { return runs.Load() == 1 })
	killLockConnections(t, s)
	deadline := time.After(10 * time.Second)
	for runs.Load() < 2 {
		select {
		case err := <-errc:
			t.Fatalf("RunExclusive returned %v after the lock was lost; fn ran %d times", err, runs.Load())
		case <-deadline:
			t.Fatal("fn did not run again after the lock was lost")
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err, _ := lostErr.Load().(error); err == nil || !strings.Contains(err.Error(), "lost") {
		t.Errorf("onLost told %v, want the lock lost", err)
	}
	// It holds the lock again: a second taker does not get it.
	other := make(chan struct{})
	octx, ocancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer ocancel()
	_ = s.RunExclusive(octx, "x", 30*time.Millisecond, nil, nil, func(context.Context) error { close(other); return nil })
	select {
	case <-other:
		t.Fatal("another taker got the lock while fn held it")
	default:
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("RunExclusive returned %v on cancellation", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunExclusive did not return on cancellation")
	}
}
