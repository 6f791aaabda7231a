// Package storetest gives tests a real, fresh PostgreSQL database: one per test, cloned
// from a migrated template database, dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io/fs"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/lib/pq" // the PostgreSQL driver

	"github.com/wsis/wsisbot/store"
)

// DefaultURL is the local server the tests use when TEST_DATABASE_URL is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// ServerURL is the server the tests create their databases on.
func ServerURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

func withDB(u, name string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	p.Path = "/" + name
	return p.String()
}

// templateName is derived from the migrations, so a changed schema makes a new template.
func templateName() (string, error) {
	h := ""
	err := fs.WalkDir(store.MigrationsFS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(store.MigrationsFS(), path)
		if err != nil {
			return err
		}
		h += path + store.SHA256Hex(b)
		return nil
	})
	if err != nil {
		return "", err
	}
	return "wsisbot_tmpl_" + store.SHA256Hex([]byte(h))[:12], nil
}

// ensureTemplate creates and migrates the template database once per schema, under an
// advisory lock so that test binaries running side by side do not race.
func ensureTemplate(ctx context.Context, admin *sql.DB, server string) (string, error) {
	name, err := templateName()
	if err != nil {
		return "", err
	}
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7312001)`); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(7312001)`) //nolint:errcheck
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+building+` WITH (FORCE)`); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+building); err != nil {
		return "", err
	}
	if _, err := store.Migrate(ctx, withDB(server, building)); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+building+` RENAME TO `+name); err != nil {
		return "", err
	}
	return name, nil
}

// NewURL creates a fresh, migrated database for t and returns its URL. The database is
// dropped when the test ends. An unreachable server fails the test, saying how to start one.
func NewURL(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	server := ServerURL()
	admin, err := sql.Open("postgres", server)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("storetest: PostgreSQL at %s does not answer (%v). Start one, e.g. "+
			"`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or set TEST_DATABASE_URL", redact(server), err)
	}
	tmpl, err := ensureTemplate(ctx, admin, server)
	if err != nil {
		t.Fatalf("storetest: template database: %v", err)
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	name := "wsisbot_test_" + hex.EncodeToString(rnd[:])
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+tmpl); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("postgres", server)
		if err != nil {
			return
		}
		defer db.Close()
		if _, err := db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Logf("storetest: drop %s: %v", name, err)
		}
	})
	return withDB(server, name)
}

// Options adjust the store a test opens.
type Options struct {
	Clock  store.Clock
	Phases *store.Phases
}

// New opens a store on a fresh database. The store is closed when the test ends.
func New(t testing.TB, opts ...Options) (*store.Store, string) {
	t.Helper()
	u := NewURL(t)
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	s, err := store.Open(context.Background(), u, o.Clock, o.Phases)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, u
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}

// Eventually waits until cond holds, checking every 10 ms, and fails t after timeout.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// CopyFloor writes raws into a scratch table of db with one COPY (created, or emptied,
// first) and says how long the COPY took: the least any intake spends storing them, the
// floor the intake's benchmarks compare with.
func CopyFloor(tb testing.TB, db *sql.DB, raws [][]byte) time.Duration {
	tb.Helper()
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS floor_scratch (uid bigint, raw bytea)`); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec(`TRUNCATE floor_scratch`); err != nil {
		tb.Fatal(err)
	}
	began := time.Now()
	tx, err := db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	stmt, err := tx.Prepare(`COPY floor_scratch (uid, raw) FROM STDIN`)
	if err != nil {
		tb.Fatal(err)
	}
	for i, raw := range raws {
		if _, err := stmt.Exec(int64(i+1), raw); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := stmt.Exec(); err != nil {
		tb.Fatal(err)
	}
	if err := stmt.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return time.Since(began)
}
