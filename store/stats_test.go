package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// TestMetricsQueriesReadIndexes: the queries /metrics runs at every scrape read an
// index over the work in hand, never a whole table, on tables of a few thousand rows.
func TestMetricsQueriesReadIndexes(t *testing.T) {
	ctx := context.Background()
	st, url := storetest.New(t)
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// 5,000 contributions, 60% closed; 12,000 outbox items, 3 in 100 pending, 1 in 100 failed.
	for _, q := range []string{
		`INSERT INTO contributions (seq, ref, status, outcome, received_at, created_at, updated_at)
		 SELECT g, 'T-' || g, CASE WHEN g % 10 < 6 THEN 'closed' WHEN g % 10 < 8 THEN 'classified'
		   WHEN g % 10 < 9 THEN 'acknowledged' ELSE 'received' END,
		   CASE WHEN g % 10 < 6 THEN 'accepted' END, now(), now(), now()
		 FROM generate_series(1, 5000) g`,
		`INSERT INTO outbox (kind, idempotency_key, contribution_id, next_attempt_at, done_at, failed_at, created_at)
		 SELECT 'ack_email', 'metrics-' || g, NULL, now(), CASE WHEN g % 100 > 2 THEN now() END,
		   CASE WHEN g % 100 = 1 THEN now() END, now() - make_interval(secs => g)
		 FROM generate_series(1, 12000) g`,
		`VACUUM ANALYZE contributions`,
		`VACUUM ANALYZE outbox`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	names, sqls := store.NamedQueries()
	for i, name := range names {
		if name != "open-status-counts" && name != "outbox-queue" {
			continue
		}
		var plan []string
		if err := db.SelectContext(ctx, &plan, `EXPLAIN `+sqls[i]); err != nil {
			t.Fatal(err)
		}
		text := strings.Join(plan, "\n")
		if strings.Contains(text, "Seq Scan") || !strings.Contains(text, "Index") {
			t.Errorf("%s reads the whole table:\n%s", name, text)
		}
		t.Logf("%s:\n%s", name, text)
	}
	counts, err := st.OpenStatusCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[store.StatusReceived] != 500 || counts[store.StatusTaken] != 500 || counts[store.StatusClassified] != 1000 || len(counts) != 3 {
		t.Errorf("open status counts = %v", counts)
	}
	pending, oldest, err := st.OutboxQueue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pending != 240 || oldest < 11000*time.Second {
		t.Errorf("outbox queue: %d pending, oldest %s", pending, oldest)
	}
}
