// Package pgtest runs a private PostgreSQL (internal/pgserver) for tests that must stop
// and start the database. It is stopped and removed when the test ends. Where
// PostgreSQL cannot be run, the test is skipped, or fails when CI is set.
package pgtest

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/wsis/wsisbot/internal/pgserver"
)

// Server is a private PostgreSQL (user postgres, trust authentication).
type Server struct {
	*pgserver.Server
}

// Start initialises a data directory and starts PostgreSQL on a free loopback port.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := pgserver.Start(context.Background(), "")
	if errors.Is(err, pgserver.ErrUnavailable) {
		if os.Getenv("CI") != "" {
			t.Fatalf("pgtest: %v (CI is set: these tests must run; install postgresql)", err)
		}
		t.Skipf("pgtest: %v; skipping (install postgresql; with CI set this fails)", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return &Server{s}
}

// Start starts the server again on its port and waits until it accepts connections.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	if err := s.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Stop stops the server with pg_ctl's shutdown mode ("smart", "fast" or "immediate")
// and waits until it is down.
func (s *Server) Stop(t testing.TB, mode string) {
	t.Helper()
	if err := s.Server.Stop(context.Background(), mode); err != nil {
		t.Fatal(err)
	}
}
