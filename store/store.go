package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

// ErrNotFound is returned when a row asked for does not exist.
var ErrNotFound = errors.New("store: not found")

// Store is the PostgreSQL-backed store. It is safe for concurrent use.
type Store struct {
	db     *sqlx.DB
	clock  Clock
	phases *Phases

	stmtMu sync.Mutex
	stmts  map[string]*sqlx.Stmt
	// inserts are the writer's multi-row INSERTs among stmts, by what their text is
	// made of, so that a batch's many statements neither build nor hash it again.
	inserts map[insertKey]*sqlx.Stmt
	closed  bool // Close was called: nothing more is prepared
	// preparing are the statements being prepared (see prepared).
	preparing map[string]*preparing
	// warmed is closed once the statements prepared as the store opens are (see warm).
	warmed chan struct{}

	onOutboxFailure func(kind string, permanent, rateLimited bool)
	onOutboxDone    func(kind string)
	onIngested      func(Ingested)

	url    string    // for the outbox listener's own connection
	outbox outboxHub // wakes the outbox workers (outbox_worker.go)
}

// ObserveOutboxFailures calls f after each failed outbox attempt (for metrics): the
// item's kind, whether the failure is permanent, and whether the far end asked us to slow
// down (a Retry-After). Set it before the workers start.
func (s *Store) ObserveOutboxFailures(f func(kind string, permanent, rateLimited bool)) {
	s.onOutboxFailure = f
}

// ObserveOutboxDone calls f after each outbox item carried out (for metrics), with its
// kind. Set it before the workers start.
func (s *Store) ObserveOutboxDone(f func(kind string)) { s.onOutboxDone = f }

// ObserveIngested calls f for each message Ingest stored (not for those it skipped as
// stored before), after the batch is committed (for metrics). Set it before the intake
// starts.
func (s *Store) ObserveIngested(f func(Ingested)) { s.onIngested = f }

// Open connects to PostgreSQL at url, checks that the server answers and that the
// database is at this binary's schema version (see CheckSchema): against a database
// without the schema, or with an older or newer one, it fails at once, saying what to do.
// It does not migrate: call Migrate first (wsisbot migrate, or the start of serve).
//
// The store's named statements (see namedQueries) are prepared when first used, on each
// connection: preparing all of them here cost a fifth of a second of every start, and a
// test prepares every one on the migrated schema. The pacer's, used under a short
// deadline, are prepared in the background as the store opens (see warm).
func Open(ctx context.Context, url string, clock Clock, phases *Phases) (*Store, error) {
	s, err := open(ctx, url, clock, phases)
	if err != nil {
		return nil, err
	}
	if err := s.CheckSchema(ctx); err != nil {
		s.Close()
		return nil, err
	}
	go s.warm(paceQueries)
	return s, nil
}

// warm prepares queries one after the other, in the background, and then closes
// s.warmed. A failure is met again at the statement's use, which says so.
func (s *Store) warm(queries []string) {
	defer close(s.warmed)
	for _, q := range queries {
		if _, err := s.prepared(context.Background(), q); err != nil {
			return
		}
	}
}

// open connects to PostgreSQL at url and checks that the server answers.
func open(ctx context.Context, url string, clock Clock, phases *Phases) (*Store, error) {
	if err := CheckURL(url); err != nil {
		return nil, fmt.Errorf("store: open: the connection string: %w", err)
	}
	db, err := sqlx.Open("postgres", withBinaryParameters(url))
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(maxIdleConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if clock == nil {
		clock = SystemClock()
	}
	if phases == nil {
		phases = DefaultPhases()
	}
	return &Store{db: db, clock: clock, phases: phases, url: url, warmed: make(chan struct{})}, nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	s.stmtMu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts, s.inserts, s.closed = nil, nil, true
	s.stmtMu.Unlock()
	return s.db.Close()
}

// stmt returns the hot-path query prepared once (per connection, by database/sql) and
// bound to tx: PostgreSQL then neither parses nor plans it again on each execution.
func (s *Store) stmt(ctx context.Context, tx *sqlx.Tx, query string) (*sqlx.Stmt, error) {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return tx.StmtxContext(ctx, st), nil
}

// prepareTimeout bounds the preparation of one statement, whatever the deadline of the
// call that needs it first.
const prepareTimeout = 30 * time.Second

// preparing is a statement being prepared: done is closed when st or err is set.
type preparing struct {
	done chan struct{}
	st   *sqlx.Stmt
	err  error
}

// prepared returns query prepared on the pool, preparing it at its first use. The
// preparation is shared by the calls that need it meanwhile, and it is not cut short by
// the deadline of the call that started it (a Slack call's pacing allows the database
// half a second): a call whose ctx ends first returns, and the statement is ready for
// the next one.
func (s *Store) prepared(ctx context.Context, query string) (*sqlx.Stmt, error) {
	s.stmtMu.Lock()
	if st, ok := s.stmts[query]; ok {
		s.stmtMu.Unlock()
		return st, nil
	}
	if s.closed {
		s.stmtMu.Unlock()
		return nil, errors.New("prepare: the store is closed")
	}
	p, ok := s.preparing[query]
	if !ok {
		p = &preparing{done: make(chan struct{})}
		if s.preparing == nil {
			s.preparing = map[string]*preparing{}
		}
		s.preparing[query] = p
		go s.prepare(query, p)
	}
	s.stmtMu.Unlock()
	select {
	case <-p.done:
		return p.st, p.err
	case <-ctx.Done():
		return nil, fmt.Errorf("prepare: %w", context.Cause(ctx))
	}
}

// prepare prepares query for p and keeps it, unless the store was closed meanwhile.
func (s *Store) prepare(query string, p *preparing) {
	ctx, cancel := context.WithTimeout(context.Background(), prepareTimeout)
	defer cancel()
	st, err := s.db.PreparexContext(ctx, query)
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	delete(s.preparing, query)
	switch {
	case err != nil:
		p.err = fmt.Errorf("prepare: %w", err)
	case s.closed:
		st.Close()
		p.err = errors.New("prepare: the store is closed")
	default:
		if s.stmts == nil {
			s.stmts = map[string]*sqlx.Stmt{}
		}
		s.stmts[query], p.st = st, st
	}
	close(p.done)
}

// DB gives the underlying pool, for health checks and tests.
func (s *Store) DB() *sqlx.DB { return s.db }

// Clock is the clock the store answers "now" with.
func (s *Store) Clock() Clock { return s.clock }

// Phases is the consultation's phase and deadline table.
func (s *Store) Phases() *Phases { return s.phases }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// withTx runs fn in a transaction, rolling back when fn fails and checking the commit
// (see withConnTx).
func (s *Store) withTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	return s.withConnTx(ctx, func(tx *sqlx.Tx, _ *sql.Conn) error { return fn(tx) })
}

// withConnTx runs fn in a transaction on a connection taken from the pool for it, which
// fn is given too: the writer's COPY reaches the driver through it (see copyRows). It
// tries another connection when the one it took turns out broken (the driver says so,
// and the pool drops it): after a restart of the server, every idle connection of the
// pool may be, and the last try is one more than the pool keeps.
func (s *Store) withConnTx(ctx context.Context, fn func(tx *sqlx.Tx, conn *sql.Conn) error) error {
	for attempt := 0; ; attempt++ {
		broken, err := s.connTx(ctx, fn)
		if !broken || ctx.Err() != nil || attempt == badConnRetries {
			return err
		}
	}
}

// connTx is one try of withConnTx: broken says that the connection it took was broken
// before the transaction began. A panic in fn rolls the transaction back and gives the
// connection back to the pool before it goes on.
func (s *Store) connTx(ctx context.Context, fn func(tx *sqlx.Tx, conn *sql.Conn) error) (broken bool, err error) {
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return false, fmt.Errorf("begin: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return errors.Is(err, driver.ErrBadConn) || !connValid(conn.Conn), fmt.Errorf("begin: %w", err)
	}
	// Rolls back when fn fails or panics; after the commit it does nothing.
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx, conn.Conn); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("commit: %w", err)
	}
	return false, nil
}

// connValid reports whether the driver still holds conn good: lib/pq marks a connection
// broken on a network error (a reset) without always saying ErrBadConn.
func connValid(conn *sql.Conn) bool {
	valid := false
	_ = conn.Raw(func(dc any) error {
		v, ok := dc.(driver.Validator)
		valid = !ok || v.IsValid()
		return nil
	})
	return valid
}

// maxIdleConns is how many idle connections the pool keeps; badConnRetries how many
// more connections withConnTx tries when the one it took is broken.
const (
	maxIdleConns   = 10
	badConnRetries = maxIdleConns
)

// IsUniqueViolation reports whether err is PostgreSQL's unique_violation (23505).
func IsUniqueViolation(err error) bool {
	return pq.As(err, pqerror.UniqueViolation) != nil
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// CleanText makes s acceptable to a PostgreSQL text column: invalid UTF-8 becomes
// U+FFFD and NUL bytes are dropped. Raw bytes are kept elsewhere, in bytea.
func CleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return s
}

// CleanTexts applies CleanText to each element.
func CleanTexts(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = CleanText(s)
	}
	return out
}

// withBinaryParameters turns on lib/pq's binary_parameters unless the URL sets it: bytea
// values (raw messages, attachments) then travel as bytes instead of hex text, and each
// query with parameters takes one round trip instead of two.
func withBinaryParameters(dsn string) string {
	if strings.Contains(dsn, "binary_parameters") {
		return dsn
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if strings.Contains(dsn, "?") {
			return dsn + "&binary_parameters=yes"
		}
		return dsn + "?binary_parameters=yes"
	}
	return dsn + " binary_parameters=yes"
}
