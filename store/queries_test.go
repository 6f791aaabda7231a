package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// Open prepares the intake's named statements: against a database without the schema,
// it fails, naming the statement and saying to migrate, instead of the first message failing later.
func TestOpenFailsWhenANamedStatementDoesNotPrepare(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := sql.Open("postgres", storetest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("wsisbot_unmigrated_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Error(err)
		}
		admin.Close()
	})
	u, err := url.Parse(storetest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	s, err := store.Open(ctx, u.String(), nil, nil)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded on a database without the schema")
	}
	if !strings.Contains(err.Error(), "store: prepare: query ") || !strings.Contains(err.Error(), "run wsisbot migrate") {
		t.Fatalf("err = %v; want the statement named", err)
	}

	// The same database, migrated, opens.
	if _, err := store.Migrate(ctx, u.String()); err != nil {
		t.Fatal(err)
	}
	s, err = store.Open(ctx, u.String(), nil, nil)
	if err != nil {
		t.Fatalf("Open after Migrate: %v", err)
	}
	s.Close()
}
