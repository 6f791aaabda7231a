package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/wsis/wsisbot/internal/backoff"
	"github.com/wsis/wsisbot/store"
)

// searchIndexer computes, in the background, the search terms of what was stored and of
// contributions whose searched text changed (store.IndexForSearch), so that neither the
// intake nor the desk computes them while it writes: /wsis find computes the terms of
// the few rows not indexed yet itself, so it finds them meanwhile. It runs after the
// intake stored something, and at least every interval (mail stored by another replica,
// the desk's changes); it waits while the intake stores a backlog (see backlogGate), and
// never stops serve: an error is logged and the pass tried again later.
type searchIndexer struct {
	st       *store.Store
	gate     *backlogGate
	logger   *slog.Logger
	batch    int           // rows of each table per transaction
	interval time.Duration // the longest wait between passes
	woken    chan struct{} // something was stored: run a pass
}

// Defaults: 500 rows per transaction (well under a second of the database's time), a
// pass at least every 30 seconds.
func newSearchIndexer(st *store.Store, gate *backlogGate, logger *slog.Logger) *searchIndexer {
	return &searchIndexer{st: st, gate: gate, logger: logger.With("component", "search"), batch: 500,
		interval: 30 * time.Second, woken: make(chan struct{}, 1)}
}

// wake asks for a pass soon; it never blocks.
func (x *searchIndexer) wake() {
	select {
	case x.woken <- struct{}{}:
	default:
	}
}

// run indexes until ctx is done: a pass at once, then one after each wake or interval.
func (x *searchIndexer) run(ctx context.Context) {
	failures := backoff.New(time.Second, time.Minute)
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-x.woken:
		}
		began := time.Now()
		n, err := indexForSearch(ctx, x.st, x.batch, x.gate.wait)
		next := x.interval
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			next = failures.Next()
			x.logger.Warn("search: indexing failed; new mail is still found, more slowly, until it is indexed",
				"indexed", n, "retry_in", next, slog.Any("error", err))
		default:
			failures.Reset()
			if n > 0 {
				x.logger.Debug("search: indexed", "rows", n, "duration", time.Since(began).Round(time.Millisecond))
			}
		}
		t.Reset(next)
	}
}

// indexForSearch indexes batches of up to batch rows of each table until none is left,
// calling before (if not nil) ahead of each batch, and returns how many rows it indexed.
func indexForSearch(ctx context.Context, st *store.Store, batch int, before func(context.Context)) (int, error) {
	total := 0
	for {
		if before != nil {
			before(ctx)
		}
		n, err := st.IndexForSearch(ctx, batch)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}
