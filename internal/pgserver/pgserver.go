// Package pgserver runs a private PostgreSQL: its own data directory and socket in a
// folder of its own, listening on a free loopback port, beside any system server (which
// it never touches). As root it runs PostgreSQL's programs as the postgres OS user, as
// PostgreSQL requires. The demo uses it when no other server is at hand; tests use it
// (through internal/pgtest) to stop and start a database.
package pgserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrUnavailable means PostgreSQL cannot be run here: its programs are not installed, or
// we are root and there is no postgres OS user to run them as.
var ErrUnavailable = errors.New("pgserver: PostgreSQL cannot be run here")

// Server is a private PostgreSQL (user postgres, trust authentication, loopback only).
type Server struct {
	bin  string // directory of initdb, pg_ctl and postgres
	dir  string // socket directory, log and data directory below it
	data string
	port int
	uid  int
	gid  int
	root bool
	temp bool // dir was made by Start: Close removes it
}

// BinDir finds the newest /usr/lib/postgresql/*/bin holding initdb and pg_ctl, else the
// directory of pg_ctl on PATH.
func BinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil && isFile(filepath.Join(filepath.Dir(p), "initdb")) {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("%w: no initdb and pg_ctl in /usr/lib/postgresql/*/bin or PATH", ErrUnavailable)
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// Start initialises a data directory in dir and starts PostgreSQL on a free loopback
// port. dir must not exist yet or be empty; with dir "" Start makes a temporary folder,
// which Close removes. Close stops the server in every case.
func Start(ctx context.Context, dir string) (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin, root: os.Geteuid() == 0}
	if s.root {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("%w: running as root and no postgres OS user to run PostgreSQL as: %v", ErrUnavailable, err)
		}
		s.uid, _ = strconv.Atoi(u.Uid)
		s.gid, _ = strconv.Atoi(u.Gid)
	}
	if dir == "" {
		// The postgres user must reach the folder: under the system's temporary directory,
		// whose parents are open, not a private one such as testing's TempDir.
		if dir, err = os.MkdirTemp("", "wsisbot-pg-"); err != nil {
			return nil, fmt.Errorf("pgserver: %w", err)
		}
		s.temp = true
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("pgserver: %w", err)
	}
	s.dir, s.data = dir, filepath.Join(dir, "data")
	if err := s.init(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) init(ctx context.Context) error {
	if err := os.Chmod(s.dir, 0o755); err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	if s.root {
		if err := os.Chown(s.dir, s.uid, s.gid); err != nil {
			return fmt.Errorf("pgserver: %w", err)
		}
	}
	if out, err := s.run(ctx, 60*time.Second, "initdb", "-D", s.data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
		"--locale=C.UTF-8", "--no-sync"); err != nil {
		return fmt.Errorf("pgserver: initdb: %w\n%s", err, out)
	}
	// A free port can be taken by another program between our asking and PostgreSQL
	// binding it: then try another.
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return err
		}
		s.port = port
		err = s.Resume(ctx)
		if err == nil || attempt == 5 || !strings.Contains(err.Error(), "Address already in use") {
			return err
		}
	}
}

// run runs one of PostgreSQL's programs, as the postgres user when we are root.
func (s *Server) run(ctx context.Context, timeout time.Duration, prog string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
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

// Dir is the folder holding the data directory, the socket and the log.
func (s *Server) Dir() string { return s.dir }

// Resume starts the server on its port (again, after Stop) and waits until it accepts
// connections.
//
// It skips fsync (an operating system crash is not what it is for) but keeps
// synchronous_commit: a commit is written out before it is confirmed, so that a crash of
// the server (Stop with "immediate", kill -9) loses nothing it confirmed, as with a
// production server. With synchronous_commit off the last commits before a crash vanish
// and a test would see side effects done twice that production never does.
func (s *Server) Resume(ctx context.Context) error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off "+
		"-c full_page_writes=off -c shared_buffers=32MB -c max_connections=200", s.port, s.dir)
	if out, err := s.run(ctx, 90*time.Second, "pg_ctl", "-D", s.data, "-l", filepath.Join(s.dir, "postgres.log"),
		"-o", opts, "-t", "60", "-w", "start"); err != nil {
		return fmt.Errorf("pgserver: pg_ctl start: %w\n%s\n%s", err, out, s.Log())
	}
	return nil
}

// Stop stops the server with pg_ctl's shutdown mode ("smart", "fast" or "immediate")
// and waits until it is down. The data stay: Resume starts it again.
func (s *Server) Stop(ctx context.Context, mode string) error {
	if out, err := s.run(ctx, 90*time.Second, "pg_ctl", "-D", s.data, "-m", mode, "-t", "60", "-w", "stop"); err != nil {
		return fmt.Errorf("pgserver: pg_ctl stop -m %s: %w\n%s", mode, err, out)
	}
	return nil
}

// Running reports whether the server's postmaster.pid is there.
func (s *Server) Running() bool {
	_, err := os.Stat(filepath.Join(s.data, "postmaster.pid"))
	return err == nil
}

// Close stops the server at once (it keeps nothing worth a clean shutdown) and removes
// the folder Start made. It does not depend on any context: it runs when one is done.
func (s *Server) Close() error {
	var err error
	if s.Running() {
		err = s.Stop(context.Background(), "immediate")
	}
	if s.temp {
		if rerr := os.RemoveAll(s.dir); rerr != nil && err == nil {
			err = fmt.Errorf("pgserver: %w", rerr)
		}
	}
	return err
}

// Log returns the server's log so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "postgres.log"))
	return string(b)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgserver: free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
