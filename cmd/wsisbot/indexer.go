package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
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
// never stops serve: an error is logged, shown in /readyz, and the pass tried again
// later (the watchdog tells the channel when stored mail waits too long for its terms). Acknowledgements
// and replies go first: while one is due, a pass waits (at most mailFirst), so that after
// a backlog the stakeholders are told before the index catches up.
type searchIndexer struct {
	st        *store.Store
	gate      *backlogGate
	logger    *slog.Logger
	batch     int           // rows of each table per transaction
	interval  time.Duration // the longest wait between passes
	mailFirst time.Duration // the longest a pass waits for due mail to be sent
	mailPoll  time.Duration // how often it looks whether mail is still due
	woken     chan struct{} // something was stored: run a pass

	mu           sync.Mutex
	failingSince time.Time // the first failed pass since the last good one (zero: none)
	failures     int       // failed passes since then
}

// report is what /readyz says of the indexer: "ok", or since when its passes fail. The
// error's text is in the log, not here.
func (x *searchIndexer) report(now time.Time) string {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.failingSince.IsZero() {
		return "ok"
	}
	return fmt.Sprintf("failing for %s (%d passes), retrying; new mail is found more slowly meanwhile",
		now.Sub(x.failingSince).Round(time.Second), x.failures)
}

// passed records how a pass ended.
func (x *searchIndexer) passed(err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err == nil {
		x.failingSince, x.failures = time.Time{}, 0
		return
	}
	if x.failingSince.IsZero() {
		x.failingSince = time.Now()
	}
	x.failures++
}

// Defaults: 500 rows per transaction (well under a second of the database's time), a
// pass at least every 30 seconds, due mail first for up to two minutes.
func newSearchIndexer(st *store.Store, gate *backlogGate, logger *slog.Logger) *searchIndexer {
	return &searchIndexer{st: st, gate: gate, logger: logger.With("component", "search"), batch: 500,
		interval: 30 * time.Second, mailFirst: 2 * time.Minute, mailPoll: 250 * time.Millisecond, woken: make(chan struct{}, 1)}
}

// before runs ahead of each batch of a pass that began at began: it waits while the
// intake stores a backlog, then while mail is due, until began+mailFirst.
func (x *searchIndexer) before(began time.Time) func(context.Context) {
	return func(ctx context.Context) {
		x.gate.wait(ctx)
		for time.Since(began) < x.mailFirst {
			due, err := x.st.MailDue(ctx)
			if err != nil || !due {
				return // a database that does not answer fails the batch itself, which says so
			}
			t := time.NewTimer(x.mailPoll)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
	}
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
		n, err := indexForSearch(ctx, x.st, x.batch, x.before(began))
		next := x.interval
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			x.passed(err)
			next = failures.Next()
			x.logger.Warn("search: indexing failed; new mail is still found, more slowly, until it is indexed",
				"indexed", n, "retry_in", next, slog.Any("error", err))
		default:
			x.passed(nil)
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
