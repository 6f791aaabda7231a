package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationsFS embed.FS

func provider(db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationsFS, "migrations")
	if err != nil {
		return nil, err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
}

// Migrate applies the embedded migrations in order, each in a transaction, under a
// PostgreSQL advisory lock so that replicas starting together do not race. It refuses a
// database whose schema is newer than this binary.
func Migrate(ctx context.Context, url string) (applied []int64, err error) {
	if err := CheckURL(url); err != nil {
		return nil, fmt.Errorf("store: migrate: the connection string: %w", err)
	}
	db, err := sql.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	defer db.Close()
	return migrate(ctx, db)
}

// OpenMigrated is Migrate then Open on one connection pool: a new PostgreSQL connection
// costs tens of milliseconds of start-up.
func OpenMigrated(ctx context.Context, url string, clock Clock, phases *Phases) (s *Store, applied []int64, err error) {
	s, err = open(ctx, url, clock, phases)
	if err != nil {
		return nil, nil, err
	}
	applied, err = migrate(ctx, s.db.DB)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	go s.warm(paceQueries)
	return s, applied, nil
}

func migrate(ctx context.Context, db *sql.DB) (applied []int64, err error) {
	p, err := provider(db)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	if current > target {
		return nil, fmt.Errorf("store: migrate: the database schema (version %d) is newer than this binary knows (%d): upgrade wsisbot", current, target)
	}
	if current == target {
		// Up would take the lock to find nothing to do.
		return nil, nil
	}
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	for _, r := range res {
		applied = append(applied, r.Source.Version)
	}
	return applied, nil
}

// CheckSchema reports an error when the database is not at this binary's schema version.
func (s *Store) CheckSchema(ctx context.Context) error {
	p, err := provider(s.db.DB)
	if err != nil {
		return fmt.Errorf("store: schema: %w", err)
	}
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("store: schema: %w", err)
	}
	switch {
	case current < target:
		return fmt.Errorf("store: schema version %d is older than %d: run wsisbot migrate", current, target)
	case current > target:
		return fmt.Errorf("store: schema version %d is newer than this binary knows (%d): upgrade wsisbot", current, target)
	}
	return nil
}

// MigrationsFS is the embedded migrations folder, for tooling and tests.
func MigrationsFS() fs.FS {
	sub, _ := fs.Sub(migrationsFS, "migrations")
	return sub
}
