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
			_ = s.RunExclusive(rctx, "mailbox:INBOX", 50*time.Millisecond, func() { acquisitions.Add(1); holder.Store(int32(i)) }, func(c context.Context) error {
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

func TestRunExclusiveLockLostCancels(t *testing.T) {
	s, _ := storetest.New(t)
	errc := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		errc <- s.RunExclusive(context.Background(), "x", 30*time.Millisecond, nil, func(c context.Context) error {
			close(started)
			<-c.Done()
			return c.Err()
		})
	}()
	<-started
	// Kill the lock's connection from the server side.
	if _, err := s.DB().Exec(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if err == nil || errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "lost") {
			t.Fatalf("err = %v, want lock lost", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("fn kept running after its lock was lost")
	}
}
