package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// The statements run once per item of a backlog are planned once, not at every call:
// PostgreSQL keeps a prepared statement's generic plan after five custom ones unless the
// generic plan looks dearer, and then plans every call again, which cost more than
// running them (reading an acknowledgement's subject: 1.3 ms of planning for 0.3 ms of
// work, under load).
func TestHotStatementsKeepTheirPlans(t *testing.T) {
	ctx := context.Background()
	s, db, cid, mid := planSession(t)
	growBacklog(t, s)
	names, sqls := store.NamedQueries()
	byName := map[string]string{}
	for i, n := range names {
		byName[n] = sqls[i]
	}
	now := time.Now()
	for _, tt := range []struct {
		name  string
		args  []any
		setup string // run first, in the statement's transaction
	}{
		{name: "ack-subject", args: []any{cid, mid}},
		{name: "ack-subject-first", args: []any{cid}},
		{name: "claim-outbox", args: []any{now, pq.StringArray{"ack_email", "reply_email"}, 16, 8}, setup: store.OutboxTxSetup},
		{name: "ack-subjects", args: []any{pq.Array([]int64{1, 2}), pq.Array([]int64{cid, cid}), pq.Array([]int64{mid, 0})}, setup: store.OutboxTxSetup},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q, ok := byName[tt.name]
			if !ok {
				t.Fatalf("no statement %q", tt.name)
			}
			st, err := db.PreparexContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for range 10 {
				tx, err := db.BeginTxx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				if tt.setup != "" {
					if _, err := tx.ExecContext(ctx, tt.setup); err != nil {
						t.Fatal(err)
					}
				}
				rows, err := tx.StmtxContext(ctx, st).QueryContext(ctx, tt.args...)
				if err != nil {
					t.Fatal(err)
				}
				rows.Close()
				if err := tx.Rollback(); err != nil {
					t.Fatal(err)
				}
			}
			var generic, custom int
			if err := db.QueryRowxContext(ctx, `SELECT generic_plans, custom_plans FROM pg_prepared_statements
				WHERE statement = $1`, q).Scan(&generic, &custom); err != nil {
				t.Fatal(err)
			}
			if custom > 5 {
				t.Errorf("%s: planned at each of its %d calls (%d generic plans used)", tt.name, custom, generic)
			}
		})
	}
}

// An outbox transaction's statements are planned once per session and that plan is kept
// (OutboxTxSetup), so a plan made while the tables were small must still find rows by
// key once they have grown: on a first start with a backlog, the acknowledgements'
// subjects were read by a scan of every contribution, for every batch.
func TestOutboxPlansMadeOnSmallTablesKeepToTheirIndexes(t *testing.T) {
	ctx := context.Background()
	s, db, cid, mid := planSession(t)
	names, sqls := store.NamedQueries()
	var subjects string
	for i, n := range names {
		if n == "ack-subjects" {
			subjects = sqls[i]
		}
	}
	if _, err := db.ExecContext(ctx, `PREPARE subjects AS `+subjects); err != nil {
		t.Fatal(err)
	}
	explain := func() string {
		t.Helper()
		tx, err := db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback() //nolint:errcheck // read only
		if _, err := tx.ExecContext(ctx, store.OutboxTxSetup); err != nil {
			t.Fatal(err)
		}
		var plan string
		if err := tx.GetContext(ctx, &plan, fmt.Sprintf(`EXPLAIN (FORMAT JSON) EXECUTE subjects('{1}', '{%d}', '{%d}')`, cid, mid)); err != nil {
			t.Fatal(err)
		}
		return plan
	}
	explain() // the session's plan, made on one contribution
	growBacklog(t, s)
	if plan := explain(); strings.Contains(plan, `"Seq Scan"`) {
		t.Errorf("the acknowledgements' subjects, planned on one contribution, scan a whole table among 2,001:\n%s", plan)
	}
}

// planSession is a store holding one contribution (cid, its first message mid), with
// autovacuum off on the tables a backlog fills, as in a backlog's first minute, when
// they grow faster than their statistics; and one session of its own (db), whose
// prepared statements and plans are the ones looked at.
func planSession(t *testing.T) (s *store.Store, db *sqlx.DB, cid, mid int64) {
	t.Helper()
	ctx := context.Background()
	s, url := storetest.New(t)
	res, err := s.Ingest(ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: 1,
		Messages: []store.Inbound{inbound("writer@gov.example", "Our contribution")}}, store.DefaultIngestPolicy())
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"contributions", "messages", "attachments", "outbox"} {
		if _, err := s.DB().ExecContext(ctx, `ALTER TABLE `+table+` SET (autovacuum_enabled = false)`); err != nil {
			t.Fatal(err)
		}
	}
	db, err = sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	return s, db, res[0].ContributionID, res[0].MessageRowID
}

// growBacklog stores 2,000 more contributions into s, in batches of 250.
func growBacklog(t *testing.T, s *store.Store) {
	t.Helper()
	for range 8 {
		msgs := submissions(250, func(int, *store.Inbound) {})
		if _, err := s.Ingest(context.Background(), store.IngestBatch{Messages: msgs}, store.DefaultIngestPolicy()); err != nil {
			t.Fatal(err)
		}
	}
}
