package store

import (
	"context"
	"database/sql"

	"github.com/jmoiron/sqlx"
)

// NamedQueries returns the names and SQL of the store's named statements, in order.
func NamedQueries() (names, sqls []string) {
	for _, q := range namedQueries() {
		names = append(names, q.name)
		sqls = append(sqls, q.sql)
	}
	return names, sqls
}

// OutboxTxSetup is the statement that begins an outbox transaction.
const OutboxTxSetup = outboxTxSetup

// Prepared is the store's statement cache (see stmt), for tests.
func (s *Store) Prepared(ctx context.Context, query string) (*sqlx.Stmt, error) {
	return s.prepared(ctx, query)
}

// WaitWarm waits until the statements prepared as the store opens are.
func (s *Store) WaitWarm() { <-s.warmed }

// PaceQueries are the statements prepared as the store opens.
var PaceQueries = paceQueries

// CopyRows is copyRows into the table name (columns): rows written with COPY on conn,
// in the transaction open on it.
func CopyRows(ctx context.Context, conn *sql.Conn, name string, columns []string, rows [][]any) error {
	return copyRows(ctx, conn, table{name, columns}, false, rows)
}

// WithTx is withTx, for tests.
func (s *Store) WithTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	return s.withTx(ctx, fn)
}
