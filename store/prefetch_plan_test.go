package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// TestBatchPrefetchesReadTheirRowsOnce: the lookups each intake batch makes for 250
// senders touch no more of the database than one reading of the
// outbox and its indexes, even when the planner's statistics were taken while the
// tables were empty (a backlog's first minute) and every statement runs its generic
// plan, as a prepared statement does after five executions. Before, the acknowledgement
// cap counted each key on its own and, so planned, read the day's acknowledgements
// once per sender: 400 ms a batch in the middle of a backlog.
func TestBatchPrefetchesReadTheirRowsOnce(t *testing.T) {
	ctx := context.Background()
	_, url := storetest.New(t)
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one session, so that its settings hold for every statement
	const n = 5000
	for _, q := range []string{
		`ALTER TABLE outbox SET (autovacuum_enabled = false)`,
		`ANALYZE outbox`,
		fmt.Sprintf(`INSERT INTO outbox (kind, idempotency_key, contribution_id, payload, next_attempt_at, done_at, created_at)
		 SELECT 'ack_email', 'ack-' || g, NULL, jsonb_build_object('ack_key', 'sender' || (g %% 1000) || '@example.org'),
		   now(), now(), now() - make_interval(secs => g)
		 FROM generate_series(1, %d) g`, n),
		`SET plan_cache_mode = force_generic_plan`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var keys []string
	for i := range 250 {
		keys = append(keys, fmt.Sprintf("sender%d@example.org", i*4))
	}
	// Everything the statement could read: the outbox and all its indexes.
	var whole int64
	if err := db.GetContext(ctx, &whole, `SELECT sum(pg_relation_size(c.oid) / current_setting('block_size')::int)
		FROM pg_class c WHERE c.oid = 'outbox'::regclass
		   OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'outbox'::regclass)`); err != nil {
		t.Fatal(err)
	}
	names, sqls := store.NamedQueries()
	array := func(v []string) string {
		a, _ := pq.StringArray(v).Value()
		return pq.QuoteLiteral(a.(string))
	}
	// The statements' arguments, as literals: EXECUTE inside EXPLAIN takes no bind
	// parameters.
	args := map[string]string{
		"prefetch-ack-counts": array(keys) + ", '-infinity'",
	}
	for i, name := range names {
		a, ok := args[name]
		if !ok {
			continue
		}
		delete(args, name)
		if _, err := db.ExecContext(ctx, `PREPARE q AS `+sqls[i]); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var out []byte
		if err := db.QueryRowxContext(ctx, `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE q(`+a+`)`).Scan(&out); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := db.ExecContext(ctx, `DEALLOCATE q`); err != nil {
			t.Fatal(err)
		}
		var plan []struct {
			Plan struct {
				Hit  int64 `json:"Shared Hit Blocks"`
				Read int64 `json:"Shared Read Blocks"`
			} `json:"Plan"`
		}
		if err := json.Unmarshal(out, &plan); err != nil || len(plan) != 1 {
			t.Fatalf("%s: plan %s: %v", name, out, err)
		}
		touched := plan[0].Plan.Hit + plan[0].Plan.Read
		t.Logf("%s: %d blocks touched, %d in the outbox and its indexes", name, touched, whole)
		if touched > whole {
			t.Errorf("%s touched %d blocks, more than reading the outbox and all its indexes once (%d):\n%s", name, touched, whole, out)
		}
	}
	if len(args) > 0 {
		t.Fatalf("no named statement for %v", args)
	}
}
