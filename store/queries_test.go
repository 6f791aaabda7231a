package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// Open checks the schema version: against a database without the schema, it fails,
// saying to migrate, instead of the first message failing later.
func TestOpenFailsOnADatabaseWithoutTheSchema(t *testing.T) {
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
	if !strings.Contains(err.Error(), "older than") || !strings.Contains(err.Error(), "run wsisbot migrate") {
		t.Fatalf("err = %v; want the schema named too old and the way out", err)
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

// Every named statement has one kebab-case name, no SELECT *, and prepares on a migrated
// database (so that a statement the schema does not accept fails here, not at its first
// use in production); and
// every statement constant of the package (a const or var named ...SQL) is in the list.
func TestNamedQueriesAreListedOnceAndPrepare(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	names, sqls := store.NamedQueries()
	kebab := regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)
	selectStar := regexp.MustCompile(`(?i)\bSELECT\s+(DISTINCT\s+)?\*`)
	seen := map[string]bool{}
	for i, name := range names {
		if !kebab.MatchString(name) {
			t.Errorf("query %q: name is not kebab-case", name)
		}
		if seen[name] {
			t.Errorf("query %s: listed twice", name)
		}
		seen[name] = true
		if strings.TrimSpace(sqls[i]) == "" {
			t.Errorf("query %s: no SQL", name)
		}
		if selectStar.MatchString(sqls[i]) {
			t.Errorf("query %s: SELECT * (write the columns out)", name)
		}
	}

	db, err := sql.Open("postgres", storetest.NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, name := range names {
		st, err := db.PrepareContext(ctx, sqls[i])
		if err != nil {
			t.Errorf("query %s does not prepare on a migrated database: %v", name, err)
			continue
		}
		st.Close()
	}

	listed, declared := statementIdents(t)
	for name := range declared {
		if !listed[name] {
			t.Errorf("%s is not in namedQueries", name)
		}
	}
}

// statementIdents parses the package's Go files: the identifiers namedQueries lists, and
// the consts and vars whose name ends in SQL.
func statementIdents(t *testing.T) (listed, declared map[string]bool) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	listed, declared = map[string]bool{}, map[string]bool{}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					if vs, ok := sp.(*ast.ValueSpec); ok {
						for _, n := range vs.Names {
							if strings.HasSuffix(n.Name, "SQL") {
								declared[n.Name] = true
							}
						}
					}
				}
			case *ast.FuncDecl:
				if d.Name.Name != "namedQueries" {
					continue
				}
				ast.Inspect(d.Body, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok {
						listed[id.Name] = true
					}
					return true
				})
			}
		}
	}
	if len(listed) == 0 {
		t.Fatal("namedQueries not found")
	}
	return listed, declared
}

// A statement used for the first time by several callers at once is prepared for all
// of them as one, and nothing is prepared once the store is closed.
func TestPreparedOnceForConcurrentFirstUses(t *testing.T) {
	s, _ := storetest.New(t)
	ctx := context.Background()
	const callers = 16
	got := make([]*sqlx.Stmt, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			st, err := s.Prepared(ctx, `SELECT count(*) FROM contributions WHERE id > $1`)
			if err != nil {
				t.Error(err)
			}
			got[i] = st
		})
	}
	wg.Wait()
	for i := range got {
		if got[i] == nil || got[i] != got[0] {
			t.Fatalf("caller %d got statement %p, caller 0 %p: want one statement for all", i, got[i], got[0])
		}
	}
	var n int
	if err := got[0].Get(&n, 0); err != nil {
		t.Fatalf("the statement kept does not run: %v", err)
	}
	s.Close()
	if _, err := s.Prepared(ctx, `SELECT 2`); err == nil {
		t.Fatal("a statement was prepared after Close")
	}
}

// A statement's preparation is not cut short by the deadline of the call that needs it
// first: that call gives up, and the statement is ready for the next one.
func TestPreparedOutlivesTheFirstCallersDeadline(t *testing.T) {
	s, _ := storetest.New(t)
	// The preparation waits for a lock another connection holds a while: the first
	// caller's deadline passes before it is done.
	locker, err := s.DB().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := locker.Exec(`LOCK TABLE contributions IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	const q = `SELECT count(*) FROM contributions WHERE id > $1 AND ref <> ''`
	short, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := s.Prepared(short, q); err == nil {
		t.Fatal("the first caller got the statement while the table was locked")
	}
	if err := locker.Rollback(); err != nil {
		t.Fatal(err)
	}
	// Ready without anyone preparing it again: a caller whose context is already over
	// gets it.
	over, end := context.WithCancel(context.Background())
	end()
	var st *sqlx.Stmt
	storetest.Eventually(t, 10*time.Second, "the statement prepared in the background", func() bool {
		st, err = s.Prepared(over, q)
		return err == nil
	})
	var n int
	if err := st.Get(&n, 0); err != nil {
		t.Fatal(err)
	}
}

// The pacer's statements, used under a deadline of half a second, are prepared as the
// store opens: once it has, a call whose context is already over still gets them.
func TestPaceStatementsArePreparedAsTheStoreOpens(t *testing.T) {
	s, _ := storetest.New(t)
	s.WaitWarm()
	over, end := context.WithCancel(context.Background())
	end()
	for _, q := range store.PaceQueries {
		if _, err := s.Prepared(over, q); err != nil {
			t.Errorf("not prepared as the store opened: %v\n%s", err, q)
		}
	}
}
