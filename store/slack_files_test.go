package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
)

func TestClaimEvery(t *testing.T) {
	t.Parallel()
	s, _ := bqStore(t)
	ctx := context.Background()
	var claimed atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.ClaimEvery(ctx, "chart", bqStart, time.Hour)
			if err != nil {
				t.Error(err)
			}
			if ok {
				claimed.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := claimed.Load(); n != 1 {
		t.Fatalf("%d claims at once, want 1", n)
	}
	for _, c := range []struct {
		at   time.Duration
		want bool
	}{{59 * time.Minute, false}, {time.Hour, true}, {time.Hour + time.Second, false}, {2 * time.Hour, true}} {
		if ok, err := s.ClaimEvery(ctx, "chart", bqStart.Add(c.at), time.Hour); err != nil || ok != c.want {
			t.Errorf("claim at +%v: %v, %v; want %v", c.at, ok, err, c.want)
		}
	}
}

func TestSlackFile(t *testing.T) {
	t.Parallel()
	s, _ := bqStore(t)
	ctx := context.Background()
	if _, _, err := s.SlackFile(ctx, "chart"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no file yet: %v, want ErrNotFound", err)
	}
	for i, id := range []string{"F1", "F2"} {
		at := bqStart.Add(time.Duration(i) * time.Hour)
		if err := s.SaveSlackFile(ctx, "chart", id, at); err != nil {
			t.Fatal(err)
		}
		got, gotAt, err := s.SlackFile(ctx, "chart")
		if err != nil || got != id || !gotAt.Equal(at) {
			t.Fatalf("file = %q at %v, %v; want %q at %v", got, gotAt, err, id, at)
		}
	}
	if _, _, err := s.SlackFile(ctx, "char"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another name: %v, want ErrNotFound", err)
	}
	if err := s.SaveSlackFile(ctx, "other", "F3", bqStart); err != nil {
		t.Fatal(err)
	}
	if got, _, err := s.SlackFile(ctx, "chart"); err != nil || got != "F2" {
		t.Fatalf("chart after saving another name = %q, %v", got, err)
	}
}
