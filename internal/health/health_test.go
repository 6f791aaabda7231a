package health

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLink(t *testing.T) {
	var l Link
	if s, ok := l.Report(time.Now()); !ok || s != "ok" {
		t.Fatalf("new link: %q %v, want ok", s, ok)
	}
	l.Down(errors.New("connection refused"))
	first := time.Now()
	l.Down(errors.New("connection reset"))
	s, ok := l.Report(first.Add(90 * time.Second))
	if ok || !strings.HasPrefix(s, "unreachable for 1m30s") || !strings.HasSuffix(s, "connection reset") {
		t.Fatalf("down: %q %v: want the outage measured from the first failure and the last error", s, ok)
	}
	l.Up()
	if s, ok := l.Report(time.Now()); !ok || s != "ok" {
		t.Fatalf("up again: %q %v, want ok", s, ok)
	}
}
