package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// namedQuery is a fixed statement of the intake's write path.
type namedQuery struct{ name, sql string }

// namedQueries are the fixed statements of the intake's write path, named; the SQL of
// each sits beside the Go that runs it. Open prepares every one, so that a statement the
// schema does not accept stops start-up instead of the first message that needs it.
func namedQueries() []namedQuery {
	return []namedQuery{
		{"sync-state", syncStateSQL},
		{"reset-sync-state", resetSyncStateSQL},
		{"checkpoint", checkpointSQL},
		{"prefetch-positions", prefetchPositionsSQL},
		{"prefetch-known", prefetchKnownSQL},
		{"prefetch-threads", prefetchThreadsSQL},
		{"prefetch-refs", prefetchRefsSQL},
		{"prefetch-senders", prefetchSendersSQL},
		{"prefetch-ack-counts", prefetchAckCountsSQL},
		{"relocate", relocateSQL},
		{"stored-duplicate", storedDuplicateSQL},
		{"superseded", supersededSQL},
		{"link-copy", linkCopySQL},
		{"allocate-ids", allocIDsSQL},
		{"allocate-refs", allocRefsSQL},
		{"insert-message", insertMessageSQL},
		{"insert-outbound", insertOutboundSQL},
		{"insert-event", insertEventSQL},
		{"insert-blob", insertBlobSQL},
		{"blob-stored", blobStoredSQL},
		{"insert-attachment", attachmentsTable.insertSQL(false, 1, "")},
		{"promote-lock-message", promoteLockMessageSQL},
		{"promote-attachments", promoteAttachmentsSQL},
		{"promote-message", promoteMessageSQL},
	}
}

// prepareNamed prepares every named query (see namedQueries).
func (s *Store) prepareNamed(ctx context.Context) error {
	for _, q := range namedQueries() {
		if q.sql == "" {
			return fmt.Errorf("query %s: missing", q.name)
		}
		if err := s.prepare(ctx, q.sql); err != nil {
			return fmt.Errorf("query %s: %w", q.name, err)
		}
	}
	return nil
}

// exec runs a prepared statement (see stmt) in tx.
func (s *Store) exec(ctx context.Context, tx *sqlx.Tx, query string, args ...any) error {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, args...)
	return err
}

// get runs a prepared query (see stmt) in tx into dest, one row.
func (s *Store) get(ctx context.Context, tx *sqlx.Tx, dest any, query string, args ...any) error {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return err
	}
	return st.GetContext(ctx, dest, args...)
}

// selectPrepared runs a prepared query (see stmt) in tx into dest.
func (s *Store) selectPrepared(ctx context.Context, tx *sqlx.Tx, dest any, query string, args ...any) error {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return err
	}
	return st.SelectContext(ctx, dest, args...)
}
