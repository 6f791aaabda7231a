package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/wsis/wsisbot/internal/pgserver"
)

// openDemoDatabase chooses the demo's PostgreSQL and (re)creates the demo's database
// there. With DATABASE_URL set, that server. Without it, the server on the default
// address when it lets us in; else a private server started for the demo (a temporary
// folder, a free loopback port), which closeDB stops and removes. It says which on out.
func openDemoDatabase(ctx context.Context, cfg *Config, name string, out io.Writer) (dbURL string, closeDB func(), err error) {
	none := func() {}
	if cfg.isSet("DATABASE_URL") {
		dbURL, err := demoDatabase(ctx, cfg.DatabaseURL, name)
		return dbURL, none, err
	}
	why := usable(ctx, cfg.DatabaseURL)
	if why == nil {
		dbURL, err := demoDatabase(ctx, cfg.DatabaseURL, name)
		return dbURL, none, err
	}
	host := "the default address" // never the URL itself: it may hold a password
	if u, err := url.Parse(cfg.DatabaseURL); err == nil && u.Host != "" {
		host = u.Host
	}
	if _, err := pgserver.BinDir(); err != nil {
		return "", none, fmt.Errorf("demo: DATABASE_URL is not set, no PostgreSQL lets us in at %s (%v), and PostgreSQL's programs "+
			"(initdb, pg_ctl) are not installed to start a private one: install PostgreSQL (`make run` as root on Debian or Ubuntu does), "+
			"or set DATABASE_URL", host, why)
	}
	fmt.Fprintf(out, "DATABASE_URL is not set and no PostgreSQL lets us in at %s (%v):\nstarting a private PostgreSQL for the demo "+
		"(initdb in a temporary folder, a free loopback port); it is removed when the demo exits.\n", host, why)
	srv, err := pgserver.Start(ctx, "")
	if err != nil {
		return "", none, fmt.Errorf("demo: private PostgreSQL: %w", err)
	}
	closeDB = func() {
		if err := srv.Close(); err != nil {
			fmt.Fprintf(out, "demo: private PostgreSQL: %v\n", err)
			return
		}
		fmt.Fprintf(out, "private PostgreSQL stopped, %s removed\n", srv.Dir())
	}
	fmt.Fprintf(out, "private PostgreSQL at %s, data in %s\n", srv.Addr(), srv.Dir())
	dbURL, err = demoDatabase(ctx, srv.URL("postgres"), name)
	if err != nil {
		closeDB()
		return "", none, err
	}
	return dbURL, closeDB, nil
}

// usable connects to the server of serverURL; nil when it lets us in.
func usable(ctx context.Context, serverURL string) error {
	u, err := url.Parse(serverURL)
	if err != nil {
		return errors.New("not a URL")
	}
	admin := *u
	admin.Path = "/postgres"
	db, err := sql.Open("postgres", admin.String())
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}
