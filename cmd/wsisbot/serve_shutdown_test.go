package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store/storetest"
)

// failingListener accepts connections until failing is set; then Accept fails for good.
type failingListener struct {
	net.Listener
	failing atomic.Bool
}

func (l *failingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil && l.failing.Load() {
		c.Close()
		return nil, errors.New("accept: the listener broke")
	}
	return c, err
}

// When the public HTTP server fails (other than by being shut down), serve stops and
// says so, naming WSISBOT_HTTP_ADDR, instead of running on without its endpoints.
func TestServeStopsWhenTheHTTPServerFails(t *testing.T) {
	cfg := testConfig(t, map[string]string{"DATABASE_URL": storetest.NewURL(t), "WSISBOT_HTTP_ADDR": "127.0.0.1:0",
		"WSISBOT_HEALTH_ADDR": "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var fl *failingListener // the public listener, opened first
	listen := func(network, address string) (net.Listener, error) {
		ln, err := net.Listen(network, address)
		if err != nil {
			return nil, err
		}
		if fl != nil {
			return ln, nil
		}
		fl = &failingListener{Listener: ln}
		return fl, nil
	}
	a, err := openApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), appOptions{listen: listen})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, 0) }()
	select {
	case <-a.listening:
	case <-time.After(10 * time.Second):
		t.Fatal("not listening")
	}
	if code, _ := get(t, "http://"+a.healthAddr+"/healthz"); code != 200 {
		t.Fatalf("/healthz: %d", code)
	}
	if code, _ := get(t, "http://"+a.httpAddr+"/slack/nothing"); code != 404 {
		t.Fatalf("the public listener: %d", code)
	}
	fl.failing.Store(true)
	if c, err := net.Dial("tcp", a.httpAddr); err == nil {
		c.Close()
	}
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "WSISBOT_HTTP_ADDR") || !strings.Contains(err.Error(), "the listener broke") {
			t.Fatalf("serve returned %v, want the HTTP server's failure naming WSISBOT_HTTP_ADDR", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve runs on after its HTTP server failed")
	}
}
