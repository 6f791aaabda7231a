package pgtest

import (
	"database/sql"
	"strings"
	"testing"

	_ "github.com/lib/pq" // the PostgreSQL driver
)

// TestRestartSamePort starts a private server, writes a row, restarts it with each
// shutdown mode on the same port and reads the row back. A row committed just before an
// immediate stop (a crash) is there too: what the server confirmed, it keeps.
func TestRestartSamePort(t *testing.T) {
	s := Start(t)
	db, err := sql.Open("postgres", s.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before')`); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"fast", "immediate"} {
		if _, err := db.Exec(`INSERT INTO kept VALUES ($1)`, "just before "+mode); err != nil {
			t.Fatal(err)
		}
		s.Stop(t, mode)
		if err := db.Ping(); err == nil {
			t.Fatalf("after stop -m %s the server still answers", mode)
		}
		s.Start(t)
		var v string
		var err error
		for range 3 { // connections of the pool died with the server
			if err = db.QueryRow(`SELECT v FROM kept ORDER BY ctid LIMIT 1`).Scan(&v); err == nil {
				break
			}
		}
		if err != nil || v != "before" {
			t.Fatalf("after restart (-m %s): %q, %v", mode, v, err)
		}
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM kept WHERE v = $1`, "just before "+mode).Scan(&n); err != nil || n != 1 {
			t.Fatalf("after restart (-m %s) the row committed just before the stop: %d, %v", mode, n, err)
		}
	}
	if !strings.Contains(s.Log(), "database system is ready") {
		t.Errorf("no start in the log:\n%s", s.Log())
	}
}
