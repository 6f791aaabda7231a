package pgserver

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"os"
	"testing"

	_ "github.com/lib/pq" // the PostgreSQL driver
)

// TestCloseStopsAndRemoves starts a server, uses it, closes it and checks that nothing
// answers on its port and that its folder is gone.
func TestCloseStopsAndRemoves(t *testing.T) {
	s, err := Start(context.Background(), "")
	if errors.Is(err, ErrUnavailable) && os.Getenv("CI") == "" {
		t.Skipf("%v; skipping (install postgresql; with CI set this fails)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("postgres", s.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var one int
	if err := db.QueryRow(`SELECT 1`).Scan(&one); err != nil || one != 1 {
		t.Fatalf("select: %d, %v", one, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if c, err := net.Dial("tcp", s.Addr()); err == nil {
		c.Close()
		t.Errorf("%s still answers after Close", s.Addr())
	}
	if _, err := os.Stat(s.Dir()); !os.IsNotExist(err) {
		t.Errorf("%s still there after Close: %v", s.Dir(), err)
	}
}
