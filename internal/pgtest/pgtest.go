// Package pgtest runs a private PostgreSQL for tests that must stop and start the
// database: its own data directory and socket under a temporary directory, listening on
// a loopback port of its own, beside any system server (which it never touches). As
// root it runs as the postgres OS user, as PostgreSQL requires.
package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"
)

// Server is a private PostgreSQL (user postgres, trust authentication).
type Server struct {
	bin  string // directory of initdb, pg_ctl and postgres
	dir  string // socket directory, log and data directory below it
	data string
	port int
	uid  int
	gid  int
	root bool
}

// unavailable fails the test under CI and skips it elsewhere.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		t.Fatalf("pgtest: %s (CI is set: these tests must run; install postgresql)", msg)
	}
	t.Skipf("pgtest: %s; skipping (install postgresql; with CI set this fails)", msg)
}

// binDir finds the newest /usr/lib/postgresql/*/bin holding initdb and pg_ctl.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("no initdb and pg_ctl in /usr/lib/postgresql/*/bin or PATH")
}

// Start initialises a data directory and starts PostgreSQL on a free loopback port. It
// is stopped (immediately) and removed when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := binDir()
	if err != nil {
		unavailable(t, "%v", err)
	}
	s := &Server{bin: bin, root: os.Geteuid() == 0}
	if s.root {
		u, err := user.Lookup("postgres")
		if err != nil {
			unavailable(t, "running as root and no postgres OS user to run PostgreSQL as: %v", err)
		}
		s.uid, _ = strconv.Atoi(u.Uid)
		s.gid, _ = strconv.Atoi(u.Gid)
	}
	// Not t.TempDir: its parents are 0700 and the postgres user must reach the directory.
	dir, err := os.MkdirTemp("", "wsisbot-pg-")
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if s.root {
		if err := os.Chown(dir, s.uid, s.gid); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
	}
	s.dir, s.data = dir, filepath.Join(dir, "data")
	s.port = freePort(t)
	if out, err := s.run(60*time.Second, "initdb", "-D", s.data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
		"--locale=C.UTF-8", "--no-sync"); err != nil {
		t.Fatalf("pgtest: initdb: %v\n%s", err, out)
	}
	s.Start(t)
	t.Cleanup(func() {
		if s.running() {
			s.run(30*time.Second, "pg_ctl", "-D", s.data, "-m", "immediate", "-w", "stop") //nolint:errcheck
		}
	})
	return s
}

// run runs one of PostgreSQL's programs, as the postgres user when we are root.
func (s *Server) run(timeout time.Duration, prog string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	path := filepath.Join(s.bin, prog)
	var cmd *exec.Cmd
	if s.root {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	cmd.Dir = s.dir
	return cmd.CombinedOutput()
}

// URL is the connection URL of database db.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// Start starts the server on its port and waits until it accepts connections.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "+
		"-c full_page_writes=off -c shared_buffers=32MB -c max_connections=200", s.port, s.dir)
	if out, err := s.run(60*time.Second, "pg_ctl", "-D", s.data, "-l", filepath.Join(s.dir, "postgres.log"),
		"-o", opts, "-t", "60", "-w", "start"); err != nil {
		t.Fatalf("pgtest: pg_ctl start: %v\n%s\n%s", err, out, s.Log())
	}
}

// Stop stops the server with pg_ctl's shutdown mode ("smart", "fast" or "immediate")
// and waits until it is down.
func (s *Server) Stop(t testing.TB, mode string) {
	t.Helper()
	if out, err := s.run(60*time.Second, "pg_ctl", "-D", s.data, "-m", mode, "-t", "60", "-w", "stop"); err != nil {
		t.Fatalf("pgtest: pg_ctl stop -m %s: %v\n%s", mode, err, out)
	}
}

func (s *Server) running() bool {
	_, err := os.Stat(filepath.Join(s.data, "postmaster.pid"))
	return err == nil
}

// Log returns the server's log so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "postgres.log"))
	return string(b)
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("pgtest: free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
