package store_test

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestClaimSlackRequest(t *testing.T) {
	t.Parallel()
	s, clock := newStore(t)
	ctx := context.Background()
	now := clock.Now()
	const keep = time.Hour
	claim := func(at time.Time, keys ...string) bool {
		t.Helper()
		first, err := s.ClaimSlackRequest(ctx, keys, at, keep)
		if err != nil {
			t.Fatal(err)
		}
		return first
	}
	if !claim(now, "sig:a", "event:E1", "event:E1") {
		t.Fatal("a new request is not new")
	}
	if claim(now.Add(time.Minute), "sig:a") {
		t.Fatal("the same signature again is new")
	}
	if claim(now.Add(time.Minute), "sig:b", "event:E1") {
		t.Fatal("the same event under another signature is new")
	}
	if claim(now.Add(2*time.Minute), "sig:b") {
		t.Fatal("a key recorded with a request seen before is forgotten")
	}
	if !claim(now.Add(keep+time.Second), "sig:a") {
		t.Fatal("a key older than keep is still remembered")
	}
	if !claim(now, "sig:c") {
		t.Fatal("a new request is not new")
	}
	if err := s.ReleaseSlackRequest(ctx, []string{"sig:c"}); err != nil {
		t.Fatal(err)
	}
	if !claim(now, "sig:c") {
		t.Fatal("a released request is not new again")
	}
	if !claim(now) {
		t.Fatal("a request without keys is not new")
	}

	// Replicas claiming the same request together: one wins.
	var wg sync.WaitGroup
	wins := make(chan bool, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first, err := s.ClaimSlackRequest(ctx, []string{"envelope:" + string(rune('a'+i)), "event:E9"}, now, keep)
			if err != nil {
				t.Error(err)
			}
			wins <- first
		}()
	}
	wg.Wait()
	close(wins)
	n := 0
	for w := range wins {
		if w {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d of 8 concurrent claims of one event won", n)
	}

	// Pruning deletes what is older than the cut only.
	n64, err := s.PruneSlackRequests(ctx, now.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	if err := s.DB().Select(&left, `SELECT request_key FROM slack_requests ORDER BY request_key`); err != nil {
		t.Fatal(err)
	}
	if n64 != 11 || len(left) != 2 || left[0] != "sig:a" || left[1] != "sig:b" {
		t.Fatalf("pruned %d, left %v", n64, left)
	}
}
