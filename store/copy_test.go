package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// copyScratch opens a transaction on a connection of its own and makes two scratch
// tables of columns in it.
func copyScratch(t *testing.T, columns string) (*sql.Conn, *sql.Tx) {
	t.Helper()
	s, _ := newStore(t)
	ctx := context.Background()
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() }) //nolint:errcheck // scratch tables
	for _, name := range []string{"by_copy", "by_insert"} {
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE `+name+` (`+columns+`)`); err != nil {
			t.Fatal(err)
		}
	}
	return conn, tx
}

// Every kind of value the writer's rows hold is stored by COPY as lib/pq stores it
// through an INSERT: text with COPY's special bytes, NULL from nil pointers, pointers,
// times, booleans, numbers, arrays (pq's and plain slices), Valuers and bytea in both
// of the forms COPY sends it.
func TestCopyRowsStoresWhatAnInsertStores(t *testing.T) {
	conn, tx := copyScratch(t, `n int, t text, nt text, pi bigint, npi bigint, ts timestamptz, pts timestamptz,
		b boolean, f double precision, arr text[], plain text[], ints bigint[], ns text, j jsonb, raw bytea`)
	ctx := context.Background()
	at := time.Date(2019, 2, 10, 23, 59, 59, 999999000, time.FixedZone("GST", 4*3600))
	seven := int64(7)
	title := "pointer\ttext"
	texts := []string{
		"plain",
		"tab\there, CR\rand LF\nand CRLF\r\nin one",
		`backslashes: C:\Users\wsis \N \. \x41`,
		"UTF-8: Contribución, 贡献, вклад, مساهمة",
		"",
		`\N`,
	}
	raws := [][]byte{
		[]byte("7-bit mail\r\nSubject: x\r\n\r\nbody\twith tab\r\n"),
		[]byte("Latin-1 \xf3 and a NUL \x00 and a backslash \\"),
		[]byte(`\x4142 begins like hex`),
		{},
	}
	var rows [][]any
	for i := range 12 {
		row := []any{int64(i), texts[i%len(texts)], (*string)(nil), &seven, (*int64)(nil), at, &at,
			i%2 == 0, 1.5 / float64(i+1), pq.StringArray{"a\tb", `c\d`, "e,f", `"g"`, "{h}"}, []string{"x y", "NULL", ""},
			[]int64{1, -2}, sql.NullString{String: "valid", Valid: i%3 != 0}, `{"k": "v\n\\"}`, raws[i%len(raws)]}
		if i%4 == 1 {
			row[2], row[6], row[9] = &title, (*time.Time)(nil), pq.StringArray(nil)
		}
		rows = append(rows, row)
	}
	cols := []string{"n", "t", "nt", "pi", "npi", "ts", "pts", "b", "f", "arr", "plain", "ints", "ns", "j", "raw"}
	if err := store.CopyRows(ctx, conn, "by_copy", cols, rows); err != nil {
		t.Fatalf("copy: %v", err)
	}
	params := make([]string, len(cols))
	for i := range params {
		params[i] = fmt.Sprintf("$%d", i+1)
	}
	insert := `INSERT INTO by_insert (` + strings.Join(cols, ", ") + `) VALUES (` + strings.Join(params, ", ") + `)`
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, insert, r...); err != nil {
			t.Fatalf("insert: %v", err)
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM by_copy`).Scan(&n); err != nil || n != len(rows) {
		t.Fatalf("COPY stored %d rows, want %d (%v)", n, len(rows), err)
	}
	for _, c := range cols[1:] {
		var differ []int
		q := `SELECT c.n FROM by_copy c JOIN by_insert i USING (n) WHERE c.` + c + ` IS DISTINCT FROM i.` + c + ` ORDER BY c.n`
		r, err := tx.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var k int
			if err := r.Scan(&k); err != nil {
				t.Fatal(err)
			}
			differ = append(differ, k)
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		r.Close()
		if len(differ) > 0 {
			var got, want string
			_ = tx.QueryRowContext(ctx, `SELECT c.`+c+`::text, i.`+c+`::text FROM by_copy c JOIN by_insert i USING (n) WHERE n = $1`, differ[0]).Scan(&got, &want)
			t.Errorf("column %s differs in rows %v: COPY stored %q, INSERT %q (row %d)", c, differ, got, want, differ[0])
		}
	}
}

// Rows of more than one chunk arrive whole and in order.
func TestCopyRowsSendsManyChunks(t *testing.T) {
	conn, tx := copyScratch(t, `n int, t text`)
	ctx := context.Background()
	var rows [][]any
	want := 0
	for i := range 400 {
		text := strings.Repeat("line\r\n", i*7%900) // up to 5 KB, 1 MB in all
		rows = append(rows, []any{int64(i), text})
		want += len(text)
	}
	if err := store.CopyRows(ctx, conn, "by_copy", []string{"n", "t"}, rows); err != nil {
		t.Fatalf("copy: %v", err)
	}
	var n, total, ordered int
	err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(length(t)), 0),
		count(*) FILTER (WHERE t = repeat(E'line\r\n', n * 7 % 900)) FROM by_copy`).Scan(&n, &total, &ordered)
	if err != nil || n != len(rows) || total != want || ordered != len(rows) {
		t.Fatalf("COPY stored %d rows (%d right) of %d characters, want %d of %d (%v)", n, ordered, total, len(rows), want, err)
	}
}

// A value the server refuses fails the COPY with the server's error, and the connection
// is still usable once the transaction is rolled back.
func TestCopyRowsReportsTheServersError(t *testing.T) {
	conn, tx := copyScratch(t, `n int, t text`)
	ctx := context.Background()
	err := store.CopyRows(ctx, conn, "by_copy", []string{"n", "t"}, [][]any{{int64(1), "fine"}, {"not a number", "x"}})
	if err == nil || !strings.Contains(err.Error(), "copy by_copy") || !strings.Contains(err.Error(), "invalid input syntax for type integer") {
		t.Fatalf("COPY of a bad row: %v, want the server's error", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var one int
	if err := conn.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil || one != 1 {
		t.Fatalf("the connection after a failed COPY: %d, %v", one, err)
	}
}

// A value COPY cannot encode fails before anything is sent, naming the column.
func TestCopyRowsRefusesAnUnknownValue(t *testing.T) {
	conn, _ := copyScratch(t, `n int, t text`)
	err := store.CopyRows(context.Background(), conn, "by_copy", []string{"n", "t"}, [][]any{{int64(1), struct{ X int }{1}}})
	if err == nil || !strings.Contains(err.Error(), "column 2") {
		t.Fatalf("COPY of a struct: %v, want an error naming column 2", err)
	}
}

// dropPoolConnections has the server terminate every connection of s's pool, n of them
// at least, all idle, as a restart of the server would.
func dropPoolConnections(t *testing.T, s *store.Store, url string, n int) {
	t.Helper()
	ctx := context.Background()
	var held []*sql.Conn
	for range n {
		c, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.PingContext(ctx); err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	for _, c := range held {
		c.Close()
	}
	var pids []int
	if err := s.DB().Select(&pids, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`); err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var killed int
	if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM unnest($1::int[]) AS p(pid)`, pq.Array(pids)).Scan(&killed); err != nil || killed < n {
		t.Fatalf("terminated %d of the pool's %d connections, want at least %d: %v", killed, len(pids), n, err)
	}
}

// After the server dropped every connection of the pool (a restart, an administrator),
// a batch and a desk's change each take a new connection instead of failing on a dead
// one.
func TestTransactionsAfterTheServerDroppedThePoolsConnections(t *testing.T) {
	s, url := storetest.New(t, storetest.Options{Clock: store.NewOffsetClock(inConsultation)})
	first := ingest(t, s, submissions(8, func(int, *store.Inbound) {})...)
	dropPoolConnections(t, s, url, 6)
	// The batch's COPY and its INSERTs go through the connection it takes.
	res := ingest(t, s, submissions(8, func(i int, m *store.Inbound) { m.FromEmail = fmt.Sprintf("after%d@gov.example", i) })...)
	if len(res) != 8 || !res[0].NewContrib {
		t.Fatalf("a batch after the connections were dropped: %+v", res)
	}
	dropPoolConnections(t, s, url, 6)
	if err := s.AddEvent(context.Background(), first[0].ContributionID, "slack:U1", "comment", map[string]string{"text": "still here"}); err != nil {
		t.Fatalf("a desk's change after the connections were dropped: %v", err)
	}
}

// A transaction whose work panics is rolled back and gives its connection back to the
// pool: more panics than the pool has connections leave it serving.
func TestAPanicInATransactionGivesItsConnectionBack(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	s.WaitWarm()
	before := s.DB().Stats().InUse
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 25 { // the pool has 20
			func() {
				defer func() {
					if r := recover(); r == nil {
						t.Errorf("transaction %d: no panic came through", i)
					}
				}()
				_ = s.WithTx(ctx, func(tx *sqlx.Tx) error {
					if _, err := tx.ExecContext(ctx, `SELECT 1`); err != nil {
						return err
					}
					panic("a bug in the transaction's work")
				})
			}()
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the panicking transactions did not end within 30 s: a connection is stuck")
	}
	if inUse := s.DB().Stats().InUse; inUse > before {
		t.Errorf("%d connections in use after the panics, %d before", inUse, before)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// A transaction of its own (CaughtUp), not kept waiting for a connection.
	if _, err := s.CaughtUp(ctx); err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a transaction after the panics: %v", err)
	}
}
