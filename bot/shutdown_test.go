package bot

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// Work acknowledged to Slack and queued when the desk is told to stop is still done
// before Run returns: serve stops the HTTP endpoints first, so the queue only shrinks.
func TestDeskDoesQueuedWorkBeforeStopping(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true})
	b := d.bots[0]
	const n = 20
	var done atomic.Int32
	var live atomic.Int32
	for range n {
		if !b.submit("test", func(ctx context.Context) {
			if ctx.Err() == nil {
				live.Add(1)
			}
			done.Add(1)
		}) {
			t.Fatal("the job queue refused a job")
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := make(chan error, 1)
	go func() { ran <- b.Run(ctx) }()
	select {
	case <-ran:
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return")
	}
	if done.Load() != n || live.Load() != n {
		t.Fatalf("%d of %d queued jobs done (%d with a live context) when Run returned", done.Load(), n, live.Load())
	}
}
