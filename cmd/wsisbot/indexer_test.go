package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// searchPending counts the rows /wsis find has no terms for yet.
func searchPending(t *testing.T, db *sqlx.DB) int {
	t.Helper()
	var n int
	if err := db.Get(&n, `SELECT (SELECT count(*) FROM contributions WHERE search IS NULL)
		+ (SELECT count(*) FROM messages WHERE search IS NULL AND contribution_id IS NOT NULL AND direction = 'in')`); err != nil {
		t.Fatal(err)
	}
	return n
}

// Mail the intake stores is indexed for /wsis find soon after, woken by the intake
// rather than by the indexer's half-minute round; and it is found before and after.
func TestServeIndexesWhatTheIntakeStored(t *testing.T) {
	s := startLiveServe(t, nil, false)
	if s.a.indexer.interval < 30*time.Second {
		t.Fatalf("the indexer passes every %s: the test would not tell a wake from a round", s.a.indexer.interval)
	}
	// The first message may meet the indexer's first pass; the second comes after it.
	for i := 1; i <= 2; i++ {
		began := time.Now()
		s.deliver("INBOX", i)
		s.waitStored(i, 10*time.Second)
		storetest.Eventually(t, 15*time.Second, "the new mail indexed", func() bool { return searchPending(t, s.db) == 0 })
		t.Logf("message %d stored and indexed %s after delivery", i, time.Since(began).Round(time.Millisecond))
	}
	var indexed int
	if err := s.db.Get(&indexed, `SELECT count(*) FROM contributions WHERE search IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	if indexed != 2 {
		t.Fatalf("%d contributions indexed, want 2", indexed)
	}
	res, err := s.a.st.Find(context.Background(), store.Search{Text: s.run})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 {
		t.Errorf("find %q: %d found, want 2", s.run, res.Total)
	}
}

// While the intake stores a backlog, the indexer waits: it takes no share of the
// database the intake needs, and indexes once the backlog is stored.
func TestSearchIndexerWaitsForTheBacklog(t *testing.T) {
	dbURL := storetest.NewURL(t)
	cfg := testConfig(t, map[string]string{"DATABASE_URL": dbURL})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := openApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), appOptions{})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlx.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := a.clock.Now()
	in := store.Inbound{Raw: []byte("Subject: x\r\n\r\nx"), Kind: store.MsgContribution, MessageID: "index.1@gov.example",
		FromEmail: "person@gov.example", Subject: "Contribution", Text: "Rural broadband.", Date: now, InternalDate: now}
	if _, err := a.st.Ingest(ctx, store.IngestBatch{Messages: []store.Inbound{in}}, store.DefaultIngestPolicy()); err != nil {
		t.Fatal(err)
	}
	const backlog = 2 * time.Second
	began := time.Now()
	// The intake syncs a backlog, which it stores in two seconds.
	time.AfterFunc(backlog, pollerMetrics{m: a.metrics, gate: a.gate, mailbox: "main", stored: a.indexer.wake}.SyncStarted(250))
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, 0) }()
	storetest.Eventually(t, 20*time.Second, "the contribution indexed", func() bool { return searchPending(t, db) == 0 })
	if took := time.Since(began); took < backlog-100*time.Millisecond {
		t.Errorf("indexed %s after the backlog began, before it was stored (%s)", took, backlog)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

// Due acknowledgements go before the index: a pass waits while one is due, goes on as
// soon as it is sent, and never waits longer than mailFirst.
func TestSearchIndexerLetsDueMailGoFirst(t *testing.T) {
	st, _ := storetest.New(t)
	ctx := context.Background()
	now := st.Clock().Now()
	in := store.Inbound{Raw: []byte("Subject: x\r\n\r\nx"), Kind: store.MsgContribution, MessageID: "mailfirst.1@gov.example",
		FromEmail: "person@gov.example", Subject: "Contribution", Text: "Rural broadband.", Date: now, InternalDate: now}
	res, err := st.Ingest(ctx, store.IngestBatch{Messages: []store.Inbound{in}}, store.DefaultIngestPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].AckQueued {
		t.Fatal("no acknowledgement queued")
	}
	x := newSearchIndexer(st, newBacklogGate(), slog.New(slog.DiscardHandler))
	x.mailFirst, x.mailPoll = time.Minute, 20*time.Millisecond
	passed := make(chan time.Duration, 1)
	began := time.Now()
	go func() {
		x.before(began)(ctx)
		passed <- time.Since(began)
	}()
	// While the acknowledgement is due, the pass waits.
	select {
	case d := <-passed:
		t.Fatalf("the pass went on after %s with an acknowledgement due", d)
	case <-time.After(500 * time.Millisecond):
	}
	sent := time.Now()
	if _, err := st.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxAckEmail}, func(context.Context, store.OutboxItem) (store.OutboxResult, error) {
		return store.OutboxResult{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-passed:
		if d := time.Since(sent); d > 5*time.Second {
			t.Errorf("the pass went on %s after the acknowledgement was sent", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the pass still waits after the acknowledgement was sent")
	}

	// Mail that is never sent holds a pass back for mailFirst at most.
	in.MessageID, in.FromEmail = "mailfirst.2@gov.example", "other@gov.example"
	if _, err := st.Ingest(ctx, store.IngestBatch{Messages: []store.Inbound{in}}, store.DefaultIngestPolicy()); err != nil {
		t.Fatal(err)
	}
	x.mailFirst = time.Second
	began = time.Now()
	done := make(chan struct{})
	go func() { x.before(began)(ctx); close(done) }()
	select {
	case <-done:
		if d := time.Since(began); d < x.mailFirst-50*time.Millisecond {
			t.Errorf("the pass went on after %s with an acknowledgement due, before %s", d, x.mailFirst)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the pass waits beyond %s", x.mailFirst)
	}
}

// An indexer whose passes fail says so in /readyz's "search" (without the database's
// text), keeps trying, and says "ok" again after its first good pass.
func TestSearchIndexerFailureIsShown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, _ := storetest.New(t)
	x := newSearchIndexer(st, newBacklogGate(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if got := x.report(time.Now()); got != "ok" {
		t.Fatalf("before any pass: %q", got)
	}
	if _, err := st.DB().Exec(`ALTER TABLE contributions RENAME COLUMN search TO search_away`); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); x.run(ctx) }()
	storetest.Eventually(t, 10*time.Second, "the failing passes shown", func() bool {
		return strings.HasPrefix(x.report(time.Now()), "failing for ")
	})
	if got := x.report(time.Now()); strings.Contains(got, "search_away") || strings.Contains(got, "column") {
		t.Errorf("/readyz carries the database's text: %q", got)
	}
	if _, err := st.DB().Exec(`ALTER TABLE contributions RENAME COLUMN search_away TO search`); err != nil {
		t.Fatal(err)
	}
	x.wake()
	storetest.Eventually(t, 70*time.Second, "the indexer ok again", func() bool { return x.report(time.Now()) == "ok" })
	cancel()
	<-done
}
